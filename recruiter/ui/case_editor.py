"""The case editor of the Visas & arrivals page: route and permit category, the deadlines that
follow from the dates, the milestones, the people and their documents, the relocation tasks,
and "Mark arrived" (with an override reason when the guard refuses).

Reads go through a Reader; every edit is an undoable command (ui/visa_commands.py). A refused
edit says why in the editor's message line, beside the fields."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from recruiter.domain.deadlines import urgency
from recruiter.domain.immigration import (
    PERMITS,
    Category,
    DocStatus,
    Milestone,
    PersonRole,
    Route,
)
from recruiter.domain.money import format_amount
from recruiter.errors import RecruiterError, ValidationError
from recruiter.i18n import _
from recruiter.services import immigration
from recruiter.services.immigration import ArrivalBlocked, CaseDetail

from . import visa_commands as cmds
from .candidate_model import RecordTableModel
from .context import AppContext
from .ops import Reader
from .qt import Qt, QtGui, QtWidgets
from .record_views import record_table

URGENCY_COLOURS = {"overdue": "#b3261e", "soon": "#b26a00"}


def parse_date(text: str, field: str = "date") -> date | None:
    """A typed date (YYYY-MM-DD); blank is None."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            {field: _("'{text}' is not a date (YYYY-MM-DD)").format(text=text)}
        ) from None


class MilestoneRowWidgets:
    """The date (and, for permits, number and expiry) fields of one milestone."""

    def __init__(self, kind: Milestone) -> None:
        self.kind = kind
        self.on = QtWidgets.QLineEdit()
        self.on.setPlaceholderText("YYYY-MM-DD")
        self.on.setMaximumWidth(110)
        self.number = QtWidgets.QLineEdit()
        self.number.setPlaceholderText(_("number"))
        self.expires = QtWidgets.QLineEdit()
        self.expires.setPlaceholderText(_("expires YYYY-MM-DD"))
        self.expires.setMaximumWidth(150)
        permit = kind in PERMITS
        self.number.setVisible(permit)
        self.expires.setVisible(permit)

    def values(self) -> dict[str, Any] | None:
        """What the fields say (None: no date)."""
        on = parse_date(self.on.text(), self.kind.value)
        if on is None:
            return None
        out: dict[str, Any] = {"done_on": on}
        if self.kind in PERMITS:
            out["number"] = self.number.text().strip() or None
            out["expires_on"] = parse_date(self.expires.text(), "expires_on")
        return out

    def show(self, row: immigration.MilestoneRow | None) -> None:
        self.on.setText(row.done_on.isoformat() if row else "")
        self.number.setText((row.number or "") if row else "")
        self.expires.setText(row.expires_on.isoformat() if row and row.expires_on else "")


class CaseEditor(QtWidgets.QWidget):
    """Edits one case; `load(case_id)` shows it (None: nothing selected)."""

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.reader = Reader(ctx, self)
        self.case_id: int | None = None
        self.current: CaseDetail | None = None

        self.title = QtWidgets.QLabel(_("Select a case on the left."))
        self.title.setWordWrap(True)
        self.message = QtWidgets.QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3261e;")
        self.deadlines = QtWidgets.QLabel()
        self.deadlines.setWordWrap(True)
        self.deadlines.setTextFormat(Qt.TextFormat.RichText)

        self.route = QtWidgets.QComboBox()
        for r in Route:
            self.route.addItem(r.label, r.value)
        self.category = QtWidgets.QComboBox()
        self.category.addItem(_("—"), "")
        for c in Category:
            self.category.addItem(c.label, c.value)
        self.officer = QtWidgets.QLineEdit()
        self.save_case = QtWidgets.QPushButton(_("Save route and officer"))
        self.save_case.clicked.connect(self.save_header)
        self.arrive_button = QtWidgets.QPushButton(_("Mark arrived"))
        self.arrive_button.clicked.connect(self.mark_arrived)
        self.close_button = QtWidgets.QPushButton(_("Close case…"))
        self.close_button.clicked.connect(self.close_case)
        head = QtWidgets.QHBoxLayout()
        head.addWidget(QtWidgets.QLabel(_("Route")))
        head.addWidget(self.route)
        head.addWidget(QtWidgets.QLabel(_("FWP category")))
        head.addWidget(self.category)
        head.addWidget(QtWidgets.QLabel(_("Officer")))
        head.addWidget(self.officer, 1)
        head.addWidget(self.save_case)

        # Milestones.
        self.milestones = {m: MilestoneRowWidgets(m) for m in Milestone}
        grid = QtWidgets.QGridLayout()
        for i, (m, mw) in enumerate(self.milestones.items()):
            grid.addWidget(QtWidgets.QLabel(m.label), i, 0)
            grid.addWidget(mw.on, i, 1)
            grid.addWidget(mw.number, i, 2)
            grid.addWidget(mw.expires, i, 3)
        grid.setColumnStretch(4, 1)
        self.save_milestones_button = QtWidgets.QPushButton(_("Save dates"))
        self.save_milestones_button.clicked.connect(self.save_milestones)
        milestones_tab = QtWidgets.QWidget()
        mv = QtWidgets.QVBoxLayout(milestones_tab)
        mv.addLayout(grid)
        row = QtWidgets.QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_milestones_button)
        mv.addLayout(row)
        mv.addStretch(1)

        # People.
        self.people_model, self.people_view = record_table(
            self,
            [
                ("role", _("Role")),
                ("full_name", _("Name")),
                ("nationality", _("Passport nationality")),
                ("passport_expires", _("Passport expires")),
            ],
        )
        self.person_role = QtWidgets.QComboBox()
        for role in (PersonRole.spouse, PersonRole.child, PersonRole.other):
            self.person_role.addItem(role.label, role.value)
        self.person_name = QtWidgets.QLineEdit()
        self.person_name.setPlaceholderText(_("Full name"))
        self.person_nationality = QtWidgets.QLineEdit()
        self.person_nationality.setPlaceholderText(_("Nationality"))
        self.person_passport = QtWidgets.QLineEdit()
        self.person_passport.setPlaceholderText(_("Passport expires"))
        self.add_person_button = QtWidgets.QPushButton(_("Add family member"))
        self.add_person_button.clicked.connect(self.add_person)
        self.passport_button = QtWidgets.QPushButton(_("Set passport expiry of selected"))
        self.passport_button.clicked.connect(self.set_passport)
        self.remove_person_button = QtWidgets.QPushButton(_("Remove selected"))
        self.remove_person_button.clicked.connect(self.remove_person)
        people_tab = QtWidgets.QWidget()
        pv = QtWidgets.QVBoxLayout(people_tab)
        pv.addWidget(self.people_view, 1)
        prow = QtWidgets.QHBoxLayout()
        for w in (
            self.person_role,
            self.person_name,
            self.person_nationality,
            self.person_passport,
            self.add_person_button,
        ):
            prow.addWidget(w)
        pv.addLayout(prow)
        prow2 = QtWidgets.QHBoxLayout()
        prow2.addStretch(1)
        prow2.addWidget(self.passport_button)
        prow2.addWidget(self.remove_person_button)
        pv.addLayout(prow2)

        # Documents.
        self.docs_model, self.docs_view = record_table(
            self,
            [
                ("person", _("Person")),
                ("kind", _("Document")),
                ("status", _("Status")),
                ("status_on", _("Since")),
                ("note", _("Note")),
            ],
        )
        self.doc_status = QtWidgets.QComboBox()
        for st in DocStatus:
            self.doc_status.addItem(st.label, st.value)
        self.doc_on = QtWidgets.QLineEdit()
        self.doc_on.setPlaceholderText(_("on YYYY-MM-DD (blank: today)"))
        self.doc_note = QtWidgets.QLineEdit()
        self.doc_note.setPlaceholderText(_("Note"))
        self.doc_button = QtWidgets.QPushButton(_("Set status of selected"))
        self.doc_button.clicked.connect(self.set_document)
        docs_tab = QtWidgets.QWidget()
        dv = QtWidgets.QVBoxLayout(docs_tab)
        dv.addWidget(self.docs_view, 1)
        drow = QtWidgets.QHBoxLayout()
        for w in (self.doc_status, self.doc_on, self.doc_note, self.doc_button):
            drow.addWidget(w)
        dv.addLayout(drow)

        # Relocation.
        self.tasks_model, self.tasks_view = record_table(
            self,
            [
                ("title", _("Task")),
                ("owner", _("Owner")),
                ("due_on", _("Due")),
                ("done_on", _("Done")),
                ("cost", _("Cost (charged to the relocation item)")),
            ],
            getter=_task_value,
        )
        self.task_title = QtWidgets.QLineEdit()
        self.task_title.setPlaceholderText(_("New task"))
        self.add_task_button = QtWidgets.QPushButton(_("Add task"))
        self.add_task_button.clicked.connect(self.add_task)
        self.task_done_button = QtWidgets.QPushButton(_("Mark selected done"))
        self.task_done_button.clicked.connect(self.task_done)
        self.task_cost = QtWidgets.QLineEdit()
        self.task_cost.setPlaceholderText(_("Cost, e.g. 12000.00"))
        self.charge_button = QtWidgets.QPushButton(_("Charge cost of selected"))
        self.charge_button.clicked.connect(self.charge_task)
        tasks_tab = QtWidgets.QWidget()
        tv = QtWidgets.QVBoxLayout(tasks_tab)
        tv.addWidget(self.tasks_view, 1)
        trow = QtWidgets.QHBoxLayout()
        for w in (
            self.task_title,
            self.add_task_button,
            self.task_done_button,
            self.task_cost,
            self.charge_button,
        ):
            trow.addWidget(w)
        tv.addLayout(trow)

        self.tabs = QtWidgets.QTabWidget()
        self.tabs.addTab(milestones_tab, _("Milestones"))
        self.tabs.addTab(people_tab, _("People"))
        self.tabs.addTab(docs_tab, _("Documents"))
        self.tabs.addTab(tasks_tab, _("Relocation"))

        actions = QtWidgets.QHBoxLayout()
        actions.addWidget(self.title, 1)
        actions.addWidget(self.close_button)
        actions.addWidget(self.arrive_button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(actions)
        layout.addLayout(head)
        layout.addWidget(self.deadlines)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        self._enable(False)

    # -- loading ----------------------------------------------------------------------------
    @property
    def loading(self) -> bool:
        return self.reader.pending

    def _enable(self, on: bool) -> None:
        for w in (self.tabs, self.save_case, self.arrive_button, self.close_button):
            w.setEnabled(on)

    def load(self, case_id: int | None) -> None:
        self.case_id = case_id
        if case_id is None:
            self.current = None
            self.title.setText(_("Select a case on the left."))
            self.deadlines.clear()
            self._enable(False)
            return
        self.reader.read(lambda db: immigration.detail(db, case_id), self._show, self._failed)

    def reload(self) -> None:
        self.load(self.case_id)

    def _failed(self, exc: BaseException) -> None:
        self.current = None
        self._enable(False)
        self.title.setText(str(exc) if isinstance(exc, RecruiterError) else repr(exc))

    def _show(self, d: CaseDetail) -> None:
        self.current = d
        self._enable(True)
        closed = (
            _(" — closed {day}: {reason}").format(day=d.closed_on, reason=d.closed_reason)
            if d.closed_on
            else ""
        )
        self.title.setText(
            f"<b>{d.candidate}</b> — {d.target}, {d.institution}<br>"
            + _("Stage: {stage} · Case: {case}").format(stage=d.stage.label, case=d.state.label)
            + closed
        )
        self.route.setCurrentIndex(max(0, self.route.findData(d.route.value)))
        self.category.setCurrentIndex(
            max(0, self.category.findData(d.category.value if d.category else ""))
        )
        self.officer.setText(d.officer or "")
        lines = []
        for dl in d.deadlines:
            left = dl.days_left(d.today)
            colour = URGENCY_COLOURS.get(urgency(dl, d.today), "#333333")
            when = (
                _("{days} days overdue").format(days=-left)
                if left < 0
                else _("in {days} days").format(days=left)
            )
            lines.append(f'<span style="color:{colour}">{dl.due} · {dl.name} ({when})</span>')
        self.deadlines.setText(
            _("<b>Deadlines</b>: ") + ("<br>".join(lines) if lines else _("none running"))
        )
        if d.start_problem:  # the contract starts before the permits (a warning)
            self.deadlines.setText(
                self.deadlines.text()
                + f'<br><span style="color:#b3261e">⚠ {d.start_problem}</span>'
            )
        for m, w in self.milestones.items():
            w.show(d.milestones.get(m.value))
        self.people_model.set_records(d.people)
        self.docs_model.set_records(d.documents)
        self.tasks_model.set_records(d.tasks)
        self.arrive_button.setEnabled(d.stage.value != "arrived")

    # -- edits ------------------------------------------------------------------------------
    def _error(self, exc: RecruiterError) -> None:
        self.message.setText(str(exc))

    def _run(self, fn: Any) -> Any:
        """Run one edit; a refusal (or bad input) goes to the message line."""
        self.message.clear()
        try:
            return fn()
        except RecruiterError as exc:
            self._error(exc)
            return None

    def save_header(self) -> None:
        d = self.current
        if d is None:
            return
        changes: dict[str, Any] = {}
        route = self.route.currentData()
        if route != d.route.value:
            changes["route"] = route
        category = self.category.currentData() or None
        if category != (d.category.value if d.category else None):
            changes["category"] = category
        officer = self.officer.text().strip() or None
        if officer != d.officer:
            changes["officer"] = officer
        if changes:
            cmds.edit_case(self.ctx, d.id, changes, self._error)

    def save_milestones(self) -> None:
        """One undoable command per milestone whose fields changed."""
        d = self.current
        if d is None:
            return

        def save() -> None:
            wanted = {m: w.values() for m, w in self.milestones.items()}
            for m, values in wanted.items():
                row = d.milestones.get(m.value)
                now: dict[str, Any] | None = None
                if row is not None:
                    now = {"done_on": row.done_on}
                    if m in PERMITS:
                        now |= {"number": row.number, "expires_on": row.expires_on}
                if values != now and not (values is None and row is None):
                    cmd = cmds.set_milestone(self.ctx, d.id, m, values, self._error)
                    if cmd.error is not None:
                        return

        self._run(save)

    def mark_arrived(self) -> None:
        d = self.current
        if d is None:
            return
        self.message.clear()
        cmd = cmds.arrive(self.ctx, d.application_id, on_error=lambda _e: None)
        if isinstance(cmd.error, ArrivalBlocked):
            reason = self.ask_override(cmd.error)
            if reason:
                cmds.arrive(self.ctx, d.application_id, reason, self._error)
            else:
                self._error(cmd.error)
        elif cmd.error is not None:
            self._error(cmd.error)

    def ask_override(self, err: ArrivalBlocked) -> str | None:
        """The reason to move to `arrived` anyway (None: don't). Tests replace this."""
        text, ok = QtWidgets.QInputDialog.getText(
            self,
            _("Mark arrived anyway?"),
            str(err) + "\n\n" + _("Reason for the override (kept in the audit log):"),
        )
        return text.strip() if ok and text.strip() else None

    def close_case(self) -> None:
        d = self.current
        if d is None:
            return
        reason = self.ask_close_reason()
        if reason:
            cmds.close_case(self.ctx, d.id, reason, self._error)

    def ask_close_reason(self) -> str | None:
        text, ok = QtWidgets.QInputDialog.getText(
            self, _("Close case"), _("Why is the case closed?")
        )
        return text.strip() if ok and text.strip() else None

    def _selected(self, view: QtWidgets.QTableView, model: RecordTableModel) -> Any:
        rows = view.selectionModel().selectedRows()
        return model.record(rows[0].row()) if rows else None

    def add_person(self) -> None:
        d = self.current
        if d is None:
            return

        def add() -> None:
            values = {
                "role": self.person_role.currentData(),
                "full_name": self.person_name.text(),
                "nationality": self.person_nationality.text(),
                "passport_expires": parse_date(self.person_passport.text(), "passport_expires"),
            }
            cmd = cmds.add_person(self.ctx, d.id, values, self._error)
            if cmd.error is None:
                for w in (self.person_name, self.person_nationality, self.person_passport):
                    w.clear()

        self._run(add)

    def set_passport(self) -> None:
        person = self._selected(self.people_view, self.people_model)
        if person is None:
            return
        self._run(
            lambda: cmds.edit_person(
                self.ctx,
                person.id,
                {"passport_expires": parse_date(self.person_passport.text(), "passport_expires")},
                self._error,
            )
        )

    def remove_person(self) -> None:
        person = self._selected(self.people_view, self.people_model)
        if person is not None:
            cmds.remove_person(self.ctx, person.id, self._error)

    def set_document(self) -> None:
        doc = self._selected(self.docs_view, self.docs_model)
        d = self.current
        if doc is None or d is None:
            return
        self._run(
            lambda: cmds.edit_document(
                self.ctx,
                doc.id,
                {
                    "status": self.doc_status.currentData(),
                    "status_on": parse_date(self.doc_on.text(), "status_on") or d.today,
                    "note": self.doc_note.text() or doc.note,
                },
                self._error,
            )
        )

    def add_task(self) -> None:
        d = self.current
        if d is not None:
            cmd = cmds.add_task(self.ctx, d.id, {"title": self.task_title.text()}, self._error)
            if cmd.error is None:
                self.task_title.clear()

    def task_done(self) -> None:
        task = self._selected(self.tasks_view, self.tasks_model)
        d = self.current
        if task is not None and d is not None:
            cmds.edit_task(self.ctx, task.id, {"done_on": d.today}, self._error)

    def charge_task(self) -> None:
        task = self._selected(self.tasks_view, self.tasks_model)
        if task is None:
            return

        def charge() -> None:
            text = self.task_cost.text().strip().replace(",", "")
            if not text:
                cmds.charge_task(self.ctx, task.id, None, self._error)
                return
            try:
                minor = int((Decimal(text) * 100).to_integral_value())  # CNY: 2 decimals
            except InvalidOperation:
                raise ValidationError(
                    {"cost": _("'{text}' is not an amount").format(text=text)}
                ) from None
            cmds.charge_task(self.ctx, task.id, minor, self._error)

        self._run(charge)


def _task_value(rec: Any, key: str) -> Any:
    if key == "cost":
        if rec.cost_minor is None:
            return None
        return format_amount(rec.cost_minor, rec.currency or "CNY")
    return getattr(rec, key)


def urgency_brush(kind: str) -> QtGui.QBrush | None:
    colour = URGENCY_COLOURS.get(kind)
    return QtGui.QBrush(QtGui.QColor(colour)) if colour else None
