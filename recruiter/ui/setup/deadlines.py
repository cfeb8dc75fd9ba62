"""Setup panels for issue 13: the deadline rule table (offset, calendar or working days,
severity, on/off, with each rule's source note) and the relocation task template new cases copy.
Each panel reads through its own Reader and edits through undoable commands."""

from __future__ import annotations

from typing import Any

from recruiter.domain.changes import Changes, Kind
from recruiter.domain.immigration import Severity, anchor_label
from recruiter.domain.workdays import DayCount
from recruiter.errors import RecruiterError
from recruiter.i18n import N_, _
from recruiter.services import immigration

from .. import visa_commands as cmds
from ..candidate_model import RecordTableModel
from ..context import AppContext
from ..ops import Reader
from ..qt import QtWidgets
from ..record_views import table_view

UNITS = {
    DayCount.calendar_days: N_("calendar days"),
    DayCount.working_days: N_("working days"),
    DayCount.months: N_("months"),
}


def _rule_value(rec: Any, key: str) -> Any:
    if key == "anchor":
        return anchor_label(rec.anchor)
    if key == "unit":
        return _(UNITS[rec.unit])
    if key == "closed_by":
        return rec.closed_by.label if rec.closed_by else ""
    return getattr(rec, key)


class _Panel(QtWidgets.QWidget):
    watches: frozenset[Kind] = frozenset()

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.reader = Reader(ctx, self)
        self.message = QtWidgets.QLabel()
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setWordWrap(True)
        ctx.bus.changed.connect(self._changed)

    @property
    def loading(self) -> bool:
        return self.reader.pending

    def _changed(self, changes: Changes) -> None:
        if changes.touches(self.watches) and self.isVisible():
            self.refresh()

    def showEvent(self, event: Any) -> None:  # Qt's name
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        """Reload the panel."""

    def _error(self, exc: RecruiterError) -> None:
        self.message.setText(str(exc))


class DeadlineRulesPanel(_Panel):
    """The clocks of immigration cases, as the office keeps them."""

    watches = frozenset({Kind.deadline_rule})

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        intro = QtWidgets.QLabel(
            _(
                "The deadlines of immigration cases: from which date, how far, in calendar or "
                "working days (the office calendar's holidays count). The defaults are today's "
                "published values; each rule says where it comes from."
            )
        )
        intro.setWordWrap(True)
        self.model = RecordTableModel(
            [
                ("name", _("Rule")),
                ("anchor", _("Counted from")),
                ("amount", _("Offset")),
                ("unit", _("In")),
                ("severity", _("Severity")),
                ("closed_by", _("Answered by")),
                ("routes", _("Routes")),
                ("active", _("On")),
                ("source", _("Source")),
            ],
            getter=_rule_value,
            parent=self,
        )
        self.model.numeric = {"amount"}
        self.view = table_view(self.model)
        for i, w in enumerate((250, 190, 55, 100, 70, 170, 60, 30)):
            self.view.setColumnWidth(i, w)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._picked())
        self.amount = QtWidgets.QSpinBox()
        self.amount.setRange(-3650, 3650)
        self.unit = QtWidgets.QComboBox()
        for u, label in UNITS.items():
            self.unit.addItem(_(label), u.value)
        self.severity = QtWidgets.QComboBox()
        for sv in Severity:
            self.severity.addItem(sv.label, sv.value)
        self.active = QtWidgets.QCheckBox(_("On"))
        self.save = QtWidgets.QPushButton(_("Save rule"))
        self.save.clicked.connect(self.save_selected)
        self.reset = QtWidgets.QPushButton(_("Reset to published value"))
        self.reset.clicked.connect(self.reset_selected)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(QtWidgets.QLabel(_("Offset")))
        for w in (self.amount, self.unit, self.severity, self.active):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.reset)
        row.addWidget(self.save)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)

    def refresh(self) -> None:
        self.reader.read(immigration.rule_rows, self._show, title=_("Deadline rules"))

    def _show(self, rows: list[immigration.RuleRow]) -> None:
        keep = self.selected()
        self.model.set_records(rows)
        for i, r in enumerate(rows):
            if keep is not None and r.id == keep.id:
                self.view.selectRow(i)

    def selected(self) -> immigration.RuleRow | None:
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        return self.model.record(rows[0].row()) if rows else None

    def _picked(self) -> None:
        r = self.selected()
        if r is None:
            return
        self.amount.setValue(r.amount)
        self.unit.setCurrentIndex(self.unit.findData(r.unit.value))
        self.severity.setCurrentIndex(self.severity.findData(r.severity.value))
        self.active.setChecked(r.active)

    def save_selected(self) -> None:
        r = self.selected()
        if r is None:
            return
        self.message.clear()
        changes = {
            "amount": self.amount.value(),
            "unit": self.unit.currentData(),
            "severity": self.severity.currentData(),
            "active": self.active.isChecked(),
        }
        cmds.edit_rule(self.ctx, r.id, changes, self._error)

    def reset_selected(self) -> None:
        r = self.selected()
        if r is not None:
            try:
                cmds.edit_rule(self.ctx, r.id, immigration.defaults_for(r.code), self._error)
            except RecruiterError as exc:
                self._error(exc)


class RelocationTemplatePanel(_Panel):
    """The relocation tasks every new case starts with; due days count from the planned entry."""

    watches = frozenset({Kind.relocation_task})

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        intro = QtWidgets.QLabel(
            _(
                "The relocation tasks a new immigration case starts with. Days count from the "
                "planned entry (negative: before it)."
            )
        )
        intro.setWordWrap(True)
        self.model = RecordTableModel(
            [("title", _("Task")), ("owner", _("Owner")), ("due_days", _("Days from entry"))],
            parent=self,
        )
        self.model.numeric = {"due_days"}
        self.view = table_view(self.model)
        self.view.setColumnWidth(0, 280)
        self.view.setColumnWidth(1, 180)
        self.title = QtWidgets.QLineEdit()
        self.title.setPlaceholderText(_("Task"))
        self.owner = QtWidgets.QLineEdit()
        self.owner.setPlaceholderText(_("Owner"))
        self.days = QtWidgets.QSpinBox()
        self.days.setRange(-365, 365)
        self.add = QtWidgets.QPushButton(_("Add"))
        self.add.clicked.connect(self.add_line)
        self.remove = QtWidgets.QPushButton(_("Remove selected"))
        self.remove.clicked.connect(self.remove_selected)
        row = QtWidgets.QHBoxLayout()
        for w in (self.title, self.owner, self.days, self.add, self.remove):
            row.addWidget(w)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)

    def refresh(self) -> None:
        self.reader.read(immigration.template, self.model.set_records, title=_("Relocation"))

    def add_line(self) -> None:
        self.message.clear()
        values = {
            "title": self.title.text(),
            "owner": self.owner.text(),
            "due_days": self.days.value(),
        }
        cmd = cmds.add_task(self.ctx, None, values, self._error)
        if cmd.error is None:
            self.title.clear()

    def remove_selected(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        if rows:
            cmds.remove_task(self.ctx, self.model.record(rows[0].row()).id, self._error)


class ImmigrationSetup(QtWidgets.QTabWidget):
    """Both panels as one Setup tab."""

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.rules = DeadlineRulesPanel(ctx)
        self.template = RelocationTemplatePanel(ctx)
        self.addTab(self.rules, _("Deadline rules"))
        self.addTab(self.template, _("Relocation template"))
