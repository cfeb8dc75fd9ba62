"""Targets page: every recruiting target with progress (hired / headcount), open applications
(active or on hold) per stage, and an editor (create, edit, delete; all undoable). Every read
runs off the GUI thread (ops.Reader)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from recruiter.domain.changes import Kind
from recruiter.domain.enums import STAGES, TargetStatus
from recruiter.domain.money import format_amount
from recruiter.errors import RecruiterError, ValidationError
from recruiter.i18n import N_, _
from recruiter.services import choices, funding, targets
from recruiter.services.concurrency import EditConflict
from recruiter.services.funding import TargetFunding
from recruiter.services.targets import TargetProgress
from recruiter.store.database import Database

from .. import conflicts
from .. import tracking_commands as cmds
from ..candidate_model import RecordTableModel
from ..context import AppContext
from ..ops import Reader
from ..owners import OwnerBox, owner_names
from ..qt import Qt, QtGui, QtWidgets
from ..target_hire import TargetHire
from ..tasks import show_error
from .base import Page

STAGE_ABBR = {
    "identified": N_("Ident."),
    "contacted": N_("Cont."),
    "applied": N_("Appl."),
    "review": N_("Rev."),
    "approved": N_("Appr."),
    "offer": N_("Offer"),
    "signed": N_("Sign."),
    "immigration": N_("Immig."),
    "arrived": N_("Arr."),
}
COLUMNS = [
    ("institution", N_("Institution")),
    ("title", N_("Target")),
    ("department", N_("Department")),
    ("status", N_("Status")),
    ("progress", N_("Hired / headcount")),
    ("open", N_("Open applications")),
    *[(f"stage:{st.value}", STAGE_ABBR[st.value]) for st in STAGES],
    ("fill_by", N_("Fill by")),
    ("reserved", N_("Reserved")),
    ("committed", N_("Committed")),
]


def _value(rec: TargetProgress, key: str) -> Any:
    if key in ("reserved", "committed"):
        money = getattr(rec, "money", None)
        return getattr(money, key, None) if money is not None else None
    if key.startswith("stage:"):
        return rec.per_stage.get(STAGES[[s.value for s in STAGES].index(key[6:])], 0) or None
    if key == "progress":
        return f"{rec.hired} / {rec.headcount}"
    return getattr(rec, key)


@dataclass(frozen=True)
class Options:
    """What the editor's boxes offer: archived rows hidden, except the ones the target in the
    editor already has (`keep`), so editing an old target never silently changes them."""

    institutions: list[tuple[int, str]]  # (id, label)
    departments: dict[int, list[tuple[int, str]]]  # institution id -> (id, label)
    officers: list[tuple[str, str]]  # (name, label)
    # (id, label, institution id or None): a target names a budget of its institution or of none
    sources: list[tuple[int, str, int | None]] = field(default_factory=list)


@dataclass(frozen=True)
class Loaded:
    rows: list[TargetRow]
    options: Options


def options(db: Database, shown: dict[str, Any]) -> Options:
    keep_inst = [shown["institution_id"]] if shown.get("institution_id") else []
    keep_dept = [shown["department_id"]] if shown.get("department_id") else []
    keep_source = [shown["funding_source_id"]] if shown.get("funding_source_id") else []
    depts: dict[int, list[tuple[int, str]]] = {}
    for d in choices.departments(db, keep=keep_dept):
        depts.setdefault(d.institution_id, []).append((d.id, d.label))
    return Options(
        [(c.id, c.label) for c in choices.institutions(db, keep=keep_inst)],
        depts,
        owner_names(db, [shown.get("owner")]),
        [
            (c.id, f"{c.label} ({c.currency})", c.institution_id)
            for c in choices.funding_sources(db, keep=keep_source)
        ],
    )


def load(db: Database, shown: dict[str, Any] | None = None) -> Loaded:
    """Everything the page shows (runs in a worker thread)."""
    money = funding.target_funding(db)
    rows = [TargetRow(p, money.get(p.id)) for p in targets.progress(db)]
    return Loaded(rows, options(db, shown or {}))


class TargetRow:
    """A target's progress plus the money reserved and committed for its offers."""

    def __init__(self, progress: TargetProgress, money: TargetFunding | None) -> None:
        self._progress = progress
        self.money = money

    def __getattr__(self, name: str) -> Any:
        return getattr(self._progress, name)


class TargetsPage(Page):
    name = N_("Targets")
    watches = frozenset(
        {
            Kind.target,
            Kind.application,
            Kind.institution,
            Kind.department,
            Kind.funding_source,  # the funding-source box's list
            Kind.officer,  # the owner box's list
            Kind.stage_event,
            Kind.offer,
            Kind.offer_item,
            Kind.exchange_rate,
            Kind.setting,
        }
    )

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.loader = Reader(ctx, self)
        self.editor_reads = Reader(ctx, self)
        self._departments: dict[int, list[tuple[int, str]]] = {}
        self._sources: list[tuple[int, str, int | None]] = []
        self._shown: dict[str, Any] = {}  # the stored values of the target in the editor
        self.model = RecordTableModel(COLUMNS, getter=_value, parent=self)
        self.model.numeric = {
            "open",
            "reserved",
            "committed",
            *(k for k, _l in COLUMNS if k.startswith("stage:")),
        }
        self.model.formatters = {"reserved": self._money, "committed": self._money}
        self.reporting_currency = "CNY"
        self.model.decorate = self._decorate
        self.view = QtWidgets.QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        for i, (key, _label) in enumerate(COLUMNS):
            width = {
                "institution": 150,
                "title": 260,
                "department": 180,
                "status": 60,
                "progress": 125,
                "open": 70,
                "fill_by": 85,
                "reserved": 120,
                "committed": 120,
            }.get(key, 48)
            self.view.setColumnWidth(i, width)
        self.view.selectionModel().selectionChanged.connect(self._selected)
        self.view.doubleClicked.connect(lambda _ix: self.open_pipeline())
        self.summary = QtWidgets.QLabel()

        # editor
        self.editor = QtWidgets.QGroupBox(_("Target"))
        form = QtWidgets.QFormLayout(self.editor)
        self.fields: dict[str, QtWidgets.QWidget] = {}
        self.errors: dict[str, QtWidgets.QLabel] = {}
        self.institution = QtWidgets.QComboBox()
        self.department = QtWidgets.QComboBox()
        self.source = QtWidgets.QComboBox()
        self.source.setToolTip(_("The budget this position is paid from (optional)"))
        self.institution.currentIndexChanged.connect(self._fill_departments)
        self.status = QtWidgets.QComboBox()
        for st in TargetStatus:
            self.status.addItem(st.label, st.value)
        self.owner = OwnerBox(placeholder=_("a recruiting officer, or type a name"))
        self.headcount = QtWidgets.QSpinBox()
        self.headcount.setRange(0, 1000)
        self.notes = QtWidgets.QPlainTextEdit()
        self.notes.setFixedHeight(60)
        editors: list[tuple[str, str, QtWidgets.QWidget]] = [
            ("institution_id", _("Institution"), self.institution),
            ("department_id", _("Department"), self.department),
            ("funding_source_id", _("Funding source"), self.source),
            ("title", _("Title"), QtWidgets.QLineEdit()),
            ("field", _("Field"), QtWidgets.QLineEdit()),
            ("rank", _("Rank"), QtWidgets.QLineEdit()),
            ("talent_programme", _("Talent programme"), QtWidgets.QLineEdit()),
            ("headcount", _("Headcount"), self.headcount),
            ("status", _("Status"), self.status),
            ("fill_by", _("Fill by"), QtWidgets.QLineEdit()),
            ("owner", _("Owner"), self.owner),
            ("notes", _("Notes"), self.notes),
        ]
        for key, label, widget in editors:
            widget.setObjectName(f"target_{key}")
            err = QtWidgets.QLabel()
            err.setStyleSheet("color: #b3261e; font-size: 11px;")
            err.hide()
            box = QtWidgets.QVBoxLayout()
            box.setSpacing(0)
            box.addWidget(widget)
            box.addWidget(err)
            form.addRow(label, box)
            self.fields[key] = widget
            self.errors[key] = err
        fill_by = self.fields["fill_by"]
        assert isinstance(fill_by, QtWidgets.QLineEdit)
        fill_by.setPlaceholderText("YYYY-MM-DD")
        self.new_button = QtWidgets.QPushButton(_("New"))
        self.save_button = QtWidgets.QPushButton(_("Save"))
        self.delete_button = QtWidgets.QPushButton(_("Delete"))
        self.pipeline_button = QtWidgets.QPushButton(_("Open pipeline"))
        self.new_button.clicked.connect(self.new_target)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete)
        self.pipeline_button.clicked.connect(self.open_pipeline)
        buttons = QtWidgets.QHBoxLayout()
        for b in (self.new_button, self.pipeline_button, self.delete_button, self.save_button):
            buttons.addWidget(b)
        form.addRow(buttons)
        self.editor.setMaximumWidth(440)
        self.editor.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Preferred, QtWidgets.QSizePolicy.Policy.Maximum
        )

        split = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        left = QtWidgets.QWidget()
        lv = QtWidgets.QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.summary)
        lv.addWidget(self.view, 1)
        split.addWidget(left)
        right = QtWidgets.QWidget()
        rv = QtWidgets.QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.editor)
        rv.addStretch(1)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(split)
        self.target_id: int | None = None
        self.hire = TargetHire(self, form)  # hire type and tier (approval gates, issue 17)
        self.new_target()

    # -- list -----------------------------------------------------------------------------
    def _decorate(self, rec: TargetProgress, key: str, role: int) -> Any:
        if key == "progress" and role == Qt.ItemDataRole.BackgroundRole and rec.headcount:
            share = min(rec.hired / rec.headcount, 1.0)
            if share >= 1:
                return QtGui.QBrush(QtGui.QColor("#cdebd3"))
            if share > 0:
                return QtGui.QBrush(QtGui.QColor("#e6f2e8"))
        if (
            key == "fill_by"
            and role == Qt.ItemDataRole.ForegroundRole
            and rec.fill_by
            and rec.fill_by < date.today()
            and rec.hired < rec.headcount
        ):
            return QtGui.QBrush(QtGui.QColor("#b3261e"))
        if role == Qt.ItemDataRole.ForegroundRole and rec.status != TargetStatus.open:
            return QtGui.QBrush(QtGui.QColor("#777777"))
        return None

    def refresh(self) -> None:
        shown = dict(self._shown)
        self.loader.read(lambda db: load(db, shown), self._fill, title=_("Targets"))

    def _money(self, minor: int) -> str:
        return format_amount(minor, self.reporting_currency)

    @property
    def loading(self) -> bool:
        return self.loader.pending or self.editor_reads.pending

    def _fill(self, loaded: Loaded) -> None:
        self._fill_options(loaded.options)
        rows = loaded.rows
        currencies = {r.money.currency for r in rows if r.money is not None}
        if currencies:
            self.reporting_currency = currencies.pop()
        self.model.set_records(rows)
        hired = sum(r.hired for r in rows)
        heads = sum(r.headcount for r in rows if r.status == TargetStatus.open)
        opened = sum(r.open for r in rows)
        active = sum(r.active for r in rows)
        on_hold = sum(r.on_hold for r in rows)
        first = _("1 target") if len(rows) == 1 else _("{n} targets").format(n=len(rows))
        self.summary.setText(
            _(
                "{first} — {h} hired of {c} open positions. Open applications: {o} "
                "(Active applications: {a}, On hold: {oh})"
            ).format(
                first=first,
                h=hired,
                c=heads,
                o=f"{opened:,}",
                a=f"{active:,}",
                oh=f"{on_hold:,}",
            )
        )
        if self.target_id is not None:
            for row, rec in enumerate(rows):
                if rec.id == self.target_id:
                    self.view.selectRow(row)

    def apply_filter(self, filters: dict[str, object]) -> None:
        """{'target_id': N} shows that target; {'new': True} a blank one to fill in."""
        if filters.get("new"):
            self.new_target()
            self.fields["title"].setFocus()
        if "target_id" in filters and isinstance(filters["target_id"], int):
            self.show_target(filters["target_id"])

    # -- editor ---------------------------------------------------------------------------
    def _fill_options(self, offered: Options) -> None:
        """Refill the editor's boxes (institutions, departments and officers change too),
        keeping the current choice."""
        inst, dept = self.institution.currentData(), self.department.currentData()
        source = self.source.currentData()
        self._departments = offered.departments
        self._sources = offered.sources
        self.owner.set_names(offered.officers)
        self.institution.blockSignals(True)
        self.institution.clear()
        for iid, label in offered.institutions:
            self.institution.addItem(label, iid)
        self.institution.setPlaceholderText(
            "" if offered.institutions else _("none yet: add one on the Setup page")
        )
        self.institution.setCurrentIndex(max(self.institution.findData(inst), 0))
        self.institution.blockSignals(False)
        self._fill_departments()
        self.department.setCurrentIndex(max(self.department.findData(dept), 0))
        self.source.setCurrentIndex(max(self.source.findData(source), 0))

    def _fill_departments(self, *_args: Any) -> None:
        """The chosen institution's departments, and the budgets it (or no one) holds."""
        self.department.clear()
        self.department.addItem("", None)
        inst = self.institution.currentData()
        for did, label in self._departments.get(inst, []) if inst is not None else []:
            self.department.addItem(label, did)
        source = self.source.currentData()
        self.source.clear()
        self.source.addItem(_("(none)"), None)
        for sid, label, owner in self._sources:
            if owner is None or owner == inst:
                self.source.addItem(label, sid)
        self.source.setCurrentIndex(max(self.source.findData(source), 0))

    def _selected(self, *_args: Any) -> None:
        rows = self.view.selectionModel().selectedRows()
        if rows:
            rec = self.model.record(rows[0].row())
            if rec.id != self.target_id:
                self.show_target(rec.id)

    def show_target(self, target_id: int | None) -> None:
        """Show a target in the editor (read in the background) or a blank one."""
        self._clear_errors()
        self.target_id = target_id
        if target_id is None:
            self._show_values(None, {"headcount": 1, "status": TargetStatus.open})
            return

        def read(db: Database) -> tuple[dict[str, Any], Options]:
            values = targets.get(db, target_id).model_dump()
            return values, options(db, values)

        self.editor_reads.read(
            read,
            lambda loaded: self._show_values(target_id, loaded[0], loaded[1]),
            title=_("Targets"),
        )

    def _show_values(
        self, target_id: int | None, values: dict[str, Any], offered: Options | None = None
    ) -> None:
        if target_id != self.target_id:  # another target was chosen meanwhile
            return
        self._shown = values
        if offered is not None:  # with the archived rows this target still names
            self._fill_options(offered)
        self.institution.setCurrentIndex(
            max(self.institution.findData(values.get("institution_id")), 0)
        )
        self._fill_departments()
        self.department.setCurrentIndex(
            max(self.department.findData(values.get("department_id")), 0)
        )
        self.source.setCurrentIndex(max(self.source.findData(values.get("funding_source_id")), 0))
        for key in ("title", "field", "rank", "talent_programme", "fill_by"):
            w = self.fields[key]
            assert isinstance(w, QtWidgets.QLineEdit)
            v = values.get(key)
            w.setText(v.isoformat() if isinstance(v, date) else (v or ""))
        self.owner.setCurrentText(values.get("owner") or "")
        self.headcount.setValue(int(values.get("headcount") or 1))
        self.status.setCurrentIndex(
            max(self.status.findData(TargetStatus(values.get("status") or "open").value), 0)
        )
        self.notes.setPlainText(values.get("notes") or "")
        self.editor.setTitle(
            _("New target") if target_id is None else _("Target #{id}").format(id=target_id)
        )
        self.delete_button.setEnabled(target_id is not None)
        self.pipeline_button.setEnabled(target_id is not None)

    def new_target(self) -> None:
        self.view.clearSelection()
        self.show_target(None)

    def form_values(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "institution_id": self.institution.currentData(),
            "department_id": self.department.currentData(),
            "funding_source_id": self.source.currentData(),
            "headcount": self.headcount.value(),
            "status": self.status.currentData(),
            "notes": self.notes.toPlainText(),
            "owner": self.owner.currentText(),
        }
        for key in ("title", "field", "rank", "talent_programme", "fill_by"):
            w = self.fields[key]
            assert isinstance(w, QtWidgets.QLineEdit)
            out[key] = w.text()
        return out

    def set_field(self, key: str, text: str) -> None:
        w = self.fields[key]
        if isinstance(w, QtWidgets.QLineEdit):
            w.setText(text)
        elif isinstance(w, QtWidgets.QSpinBox):
            w.setValue(int(text))
        elif isinstance(w, QtWidgets.QComboBox) and w.isEditable():
            w.setCurrentText(text)

    def _clear_errors(self) -> None:
        for key, label in self.errors.items():
            label.hide()
            self.fields[key].setStyleSheet("")

    def _show_errors(self, errors: dict[str, str]) -> None:
        self._clear_errors()
        for key, text in errors.items():
            if key in self.errors:
                self.errors[key].setText(text)
                self.errors[key].show()
                self.fields[key].setStyleSheet("border: 1px solid #b3261e;")

    def save(self, overwrite: bool = False) -> bool:
        values = self.form_values()
        failure: list[RecruiterError] = []
        if self.target_id is None:
            cmd = cmds.create_target(self.ctx, values, on_error=failure.append)
        else:
            current = self._shown
            changes = {k: v for k, v in values.items() if str(current.get(k) or "") != str(v or "")}
            if not changes:
                return True
            cmd = cmds.edit_target(
                self.ctx,
                self.target_id,
                changes,
                on_error=failure.append,
                title=current.get("title"),
                expected_version=current.get("version"),
                overwrite=overwrite,
            )
        if failure:
            exc = failure[0]
            if isinstance(exc, EditConflict):
                answer = conflicts.ask(self, exc)
                if answer == "overwrite":
                    return self.save(overwrite=True)
                if answer == "reload":
                    self.show_target(self.target_id)
                return False
            if isinstance(exc, ValidationError):
                self._show_errors(exc.errors)
            else:
                show_error(self, _("Targets"), exc)
            return False
        if self.target_id is None:
            self.target_id = int(cmd.state)
        self.show_target(self.target_id)  # the stored values, as the service cleaned them
        self._clear_errors()
        return True

    def delete(self) -> None:
        if self.target_id is None:
            return
        cmd = cmds.delete_target(
            self.ctx,
            self.target_id,
            on_error=lambda e: show_error(self, _("Delete target"), e),
            title=self._shown.get("title"),
        )
        if cmd.error is None:
            self.new_target()

    def open_pipeline(self) -> None:
        if self.target_id is not None:
            self.ctx.bus.navigate.emit("Pipeline", {"target_id": self.target_id})
