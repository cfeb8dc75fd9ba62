"""The Visas & arrivals page: open immigration cases with their next deadline (overdue in red,
due within a week in amber), filters by route, category, institution, officer and status, and
the case editor beside the list."""

from __future__ import annotations

from typing import Any

from recruiter.domain.changes import Kind
from recruiter.domain.immigration import CaseState, Category, Route
from recruiter.i18n import N_, _
from recruiter.services import immigration
from recruiter.services.immigration import CaseChoices, CaseFilters, CaseLines

from ..candidate_model import RecordTableModel
from ..case_editor import CaseEditor, urgency_brush
from ..context import AppContext
from ..ops import Reader, Reads
from ..qt import Qt, QtGui, QtWidgets
from .base import Page

COLUMNS = (
    ("candidate", N_("Candidate")),
    ("next_deadline", N_("Next deadline")),
    ("next_due", N_("Due")),
    ("days_left", N_("Days")),
    ("route", N_("Route")),
    ("category", N_("Cat.")),
    ("state", N_("Status")),
    ("institution", N_("Institution")),
    ("officer", N_("Officer")),
    ("name_zh", "中文名"),
)


class VisasPage(Page):
    name = N_("Visas & arrivals")
    watches = frozenset(
        {
            Kind.immigration_case,
            Kind.case_person,
            Kind.case_document,
            Kind.case_milestone,
            Kind.relocation_task,
            Kind.deadline_rule,
            Kind.holiday,
            Kind.application,
            Kind.candidate,
            Kind.setting,
        }
    )

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.reader = Reader(ctx, self)
        self.choices_reader = Reads(ctx.runner, self)
        self.loaded: CaseLines | None = None

        self.route = QtWidgets.QComboBox()
        self.route.addItem(_("All routes"), "")
        for r in Route:
            self.route.addItem(r.label, r.value)
        self.category = QtWidgets.QComboBox()
        self.category.addItem(_("All categories"), "")
        for c in Category:
            self.category.addItem(_("Category {c}").format(c=c.label), c.value)
        self.institution = QtWidgets.QComboBox()
        self.institution.addItem(_("All institutions"), None)
        self.officer = QtWidgets.QComboBox()
        self.officer.addItem(_("All officers"), "")
        self.status = QtWidgets.QComboBox()
        self.status.addItem(_("Open cases"), "open")
        self.status.addItem(_("All cases"), "all")
        for st in CaseState:
            self.status.addItem(st.label, st.value)
        for combo in (self.route, self.category, self.institution, self.officer, self.status):
            combo.currentIndexChanged.connect(lambda *_a: self.refresh())
        self.summary = QtWidgets.QLabel()
        filters = QtWidgets.QHBoxLayout()
        for w in (self.route, self.category, self.institution, self.officer, self.status):
            filters.addWidget(w)
        filters.addWidget(self.summary, 1)

        self.model = RecordTableModel(COLUMNS, parent=self)
        self.model.numeric = {"days_left"}
        self.model.decorate = self._decorate
        self.view = QtWidgets.QTableView()
        self.view.setObjectName("casesTable")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        for i, w in enumerate((130, 200, 80, 40, 60, 35, 75, 150, 80)):
            self.view.setColumnWidth(i, w)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._selected())
        self.empty = QtWidgets.QLabel(
            _(
                "No cases here. A case opens when an application reaches Signed on the "
                "Pipeline page."
            )
        )
        self.empty.setWordWrap(True)
        self.empty.hide()

        self.editor = CaseEditor(ctx, self)
        left = QtWidgets.QWidget()
        lv = QtWidgets.QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.view, 1)
        lv.addWidget(self.empty)
        split = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        split.setObjectName("visasSplit")
        split.addWidget(left)
        split.addWidget(self.editor)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([560, 700])
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split, 1)

    # -- reading ----------------------------------------------------------------------------
    @property
    def loading(self) -> bool:
        return self.reader.pending or self.choices_reader.pending or self.editor.loading

    def filters(self) -> CaseFilters:
        return CaseFilters(
            route=self.route.currentData() or None,
            category=self.category.currentData() or None,
            institution_id=self.institution.currentData(),
            officer=self.officer.currentData() or None,
            state=self.status.currentData() or "open",
        )

    def refresh(self) -> None:
        f = self.filters()
        self.reader.read(lambda db: immigration.case_lines(db, f), self._show, title=self.name)
        self.choices_reader.start(
            "choices", lambda: immigration.filter_choices(self.ctx.db), self._fill_choices
        )

    def _fill_choices(self, choices: CaseChoices) -> None:
        for combo, items in (
            (self.institution, [(n, i) for i, n in choices.institutions]),
            (self.officer, [(o, o) for o in choices.officers]),
        ):
            keep = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for label, data in items:
                combo.addItem(label, data)
            combo.setCurrentIndex(max(0, combo.findData(keep)) if keep else 0)
            combo.blockSignals(False)

    def _show(self, loaded: CaseLines) -> None:
        keep = self.editor.case_id
        self.loaded = loaded
        self.model.set_records(loaded.rows)
        overdue, soon = loaded.overdue, loaded.soon
        self.summary.setText(
            _("{n:,} {cases} · {o} overdue · {s} due within 7 days (today {d})").format(
                n=len(loaded.rows),
                cases=_("case") if len(loaded.rows) == 1 else _("cases"),
                o=overdue,
                s=soon,
                d=loaded.today.isoformat(),
            )
        )
        self.empty.setVisible(not loaded.rows)
        if keep is not None:
            self.select_case(keep)
            self.editor.reload()
        elif loaded.rows:
            self.view.selectRow(0)

    def _decorate(self, rec: Any, key: str, role: int) -> Any:
        if key in ("next_deadline", "next_due", "days_left"):
            if role == Qt.ItemDataRole.ForegroundRole:
                return urgency_brush(rec.urgency)
            if role == Qt.ItemDataRole.FontRole and rec.urgency == "overdue":
                font = QtGui.QFont()
                font.setBold(True)
                return font
        return None

    def select_case(self, case_id: int) -> None:
        for i, r in enumerate(self.model.records):
            if r.id == case_id:
                self.view.selectRow(i)
                return

    def _selected(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        if rows:
            case_id = self.model.record(rows[0].row()).id
            if case_id != self.editor.case_id:
                self.editor.load(case_id)

    def apply_filter(self, filters: dict[str, object]) -> None:
        """Dashboard click-through: {"status": "open", "case_id": 3}."""
        status = filters.get("status")
        if isinstance(status, str):
            self.status.setCurrentIndex(max(0, self.status.findData(status)))
        case_id = filters.get("case_id")
        if isinstance(case_id, int):
            self.editor.load(case_id)
