"""Candidates page: debounced search and filters over the whole talent pool (ids query in SQL, off
the GUI thread), a lazy table with a column chooser and remembered layout, multi-select bulk
actions, and the candidate editor in a side panel."""

from __future__ import annotations

from typing import Any

from recruiter.domain.changes import Kind
from recruiter.domain.enums import STAGES, Outcome, Stage
from recruiter.i18n import N_, _
from recruiter.services import candidates, institutions, targets

from .. import tracking_commands as cmds
from ..candidate_detail import CandidateDetail, TargetDialog
from ..candidate_model import CandidateTableModel, Latest
from ..columns import fit_header_labels, keep_fitted, spreadsheet_sort_arrows
from ..context import AppContext
from ..ops import Reads
from ..owners import OwnerDialog
from ..qt import Qt, QtCore, QtGui, QtWidgets
from ..tasks import show_error
from .base import Page

DEFAULT_VISIBLE = (
    "full_name",
    "name_zh",
    "email",
    "current_institution",
    "country",
    "field",
    "phd_year",
    "h_index",
    "stage",
    "next_due",
    "source",
)
DEFAULT_WIDTHS = {
    "full_name": 180,
    "name_zh": 100,
    "email": 230,
    "current_institution": 220,
    "country": 100,
    "field": 150,
    "phd_year": 70,
    "h_index": 60,
    "stage": 100,
    "next_due": 90,
    "source": 160,
}
SETTINGS_KEY = "candidates/header"
DEBOUNCE_MS = 120


class CandidatesPage(Page):
    name = N_("Candidates")
    watches = frozenset(
        {
            Kind.candidate,
            Kind.application,
            Kind.import_batch,
            Kind.activity,
            Kind.stage_event,
            Kind.target,
            Kind.institution,
        }
    )

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = CandidateTableModel(ctx.db, self, runner=ctx.runner)
        self.model.suspended = True  # header set-up sorts; the first query runs when shown
        self.model.loaded.connect(self._on_loaded)
        self.model.failed.connect(lambda exc: show_error(self, _("Candidates"), exc))
        self._facets = Latest(ctx.runner, self)
        self.reads = Reads(ctx.runner, self)
        self._total = 0
        self._pending_select: int | None = None
        self._facets_stale = True
        self._loading_filters = True  # no queries while the widgets are being built

        # search + count
        self.search = QtWidgets.QLineEdit()
        self.search.setPlaceholderText(
            _("Search name, 中文名, e-mail, ORCID, institution, field, notes…  (Ctrl+F)")
        )
        self.search.setClearButtonEnabled(True)
        self.count_label = QtWidgets.QLabel()
        self.count_label.setObjectName("candidateCount")

        # filters
        self.filters: dict[str, QtWidgets.QComboBox] = {}
        filter_row = QtWidgets.QHBoxLayout()
        filter_row.setSpacing(4)
        for key, label in (
            ("stage", _("Stage")),
            ("outcome", _("Outcome")),
            ("target_id", _("Target")),
            ("institution_id", _("Institution")),
            ("field", _("Field")),
            ("country", _("Country")),
            ("source", _("Source")),
            ("tag", _("Tag")),
        ):
            combo = QtWidgets.QComboBox()
            combo.setObjectName(f"filter_{key}")
            combo.addItem(_("Any {what}").format(what=label.lower()), None)
            combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMaximumWidth(200)
            combo.currentIndexChanged.connect(self._filters_changed)
            self.filters[key] = combo
            filter_row.addWidget(combo)
        for st in STAGES:
            self.filters["stage"].addItem(st.label, st.value)
        for o in Outcome:
            self.filters["outcome"].addItem(o.label, o.value)
        self.followup = QtWidgets.QCheckBox(_("Follow-up due"))
        self.followup.toggled.connect(self._filters_changed)
        filter_row.addWidget(self.followup)
        self.clear_button = QtWidgets.QPushButton(_("Clear"))
        self.clear_button.clicked.connect(self.clear_filters)
        filter_row.addWidget(self.clear_button)
        filter_row.addStretch(1)

        # bulk actions
        self.actions_bar = QtWidgets.QToolBar()
        self.actions_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.new_action = self.actions_bar.addAction(_("New candidate"), self.new_candidate)
        self.actions_bar.addSeparator()
        self.add_action = self.actions_bar.addAction(
            _("Add to pipeline…"), self.bulk_add_to_pipeline
        )
        self.owner_action = self.actions_bar.addAction(_("Set owner…"), self.bulk_set_owner)
        self.tag_action = self.actions_bar.addAction(_("Add tag…"), lambda: self.bulk_tag(add=True))
        self.untag_action = self.actions_bar.addAction(
            _("Remove tag…"), lambda: self.bulk_tag(add=False)
        )
        self.delete_action = self.actions_bar.addAction(_("Delete…"), self.bulk_delete)
        self.delete_action.setShortcut(QtGui.QKeySequence.StandardKey.Delete)
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.actions_bar.addSeparator()
        self.history_action = self.actions_bar.addAction(
            _("Import history"), lambda: self.ctx.bus.navigate.emit("Import history", {})
        )
        self.actions_bar.addSeparator()
        self.columns_button = QtWidgets.QToolButton()
        self.columns_button.setText(_("Columns"))
        self.columns_button.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        self.columns_menu = QtWidgets.QMenu(self.columns_button)
        self.columns_button.setMenu(self.columns_menu)
        self.actions_bar.addWidget(self.columns_button)

        # table
        self.view = QtWidgets.QTableView()
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.verticalHeader().hide()
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        header = self.view.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(
            lambda pos: self.columns_menu.exec(header.mapToGlobal(pos))
        )
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.empty_label = QtWidgets.QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: #555; padding: 24px;")
        self.empty_label.hide()
        self.empty_label.linkActivated.connect(lambda _link: self.clear_filters())

        self._detail: CandidateDetail | None = None  # built on first use: it is the costly part
        self.placeholder = QtWidgets.QLabel(
            _(
                "Select a candidate to see and edit their profile, pipelines and activities.\n\n"
                "Ctrl+N adds a candidate."
            )
        )
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setEnabled(False)
        self.splitter = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        left = QtWidgets.QWidget()
        lv = QtWidgets.QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.empty_label)
        lv.addWidget(self.view, 1)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.placeholder)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([800, 460])

        layout = QtWidgets.QVBoxLayout(self)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        layout.addLayout(top)
        layout.addLayout(filter_row)
        layout.addWidget(self.actions_bar)
        layout.addWidget(self.splitter, 1)

        self._debounce = QtCore.QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.run_query)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self.run_query)
        self._build_columns_menu()
        self._apply_default_layout()
        self.restore_state(QtCore.QSettings())
        self._selection_changed()
        self._loading_filters = False
        self.model.suspended = False

    # -- layout and its memory ----------------------------------------------------------
    def _build_columns_menu(self) -> None:
        self.column_actions: dict[str, QtGui.QAction] = {}
        for i, name in enumerate(self.model.columns):
            act = self.columns_menu.addAction(candidates.LABELS.get(name, name))
            act.setCheckable(True)
            act.toggled.connect(lambda on, col=i: self.set_column_visible(col, on))
            self.column_actions[name] = act

    def set_column_visible(self, column: int, visible: bool) -> None:
        header = self.view.horizontalHeader()
        header.setSectionHidden(column, not visible)
        if visible:
            fit_header_labels(self.view)
        self.model.set_visible(
            {c for i, c in enumerate(self.model.columns) if not header.isSectionHidden(i)}
        )
        act = self.column_actions[self.model.columns[column]]
        if act.isChecked() != visible:
            act.blockSignals(True)
            act.setChecked(visible)
            act.blockSignals(False)

    def _apply_default_layout(self) -> None:
        for i, name in enumerate(self.model.columns):
            self.set_column_visible(i, name in DEFAULT_VISIBLE)
            self.view.setColumnWidth(i, DEFAULT_WIDTHS.get(name, 120))
        header = self.view.horizontalHeader()
        header.setSortIndicator(self.model.columns.index("full_name"), Qt.SortOrder.AscendingOrder)
        fit_header_labels(self.view)

    def save_state(self, settings: QtCore.QSettings) -> None:
        """Column order, widths, visibility and sort; the main window calls this on close."""
        settings.setValue(SETTINGS_KEY, self.view.horizontalHeader().saveState())
        settings.setValue("candidates/splitter", self.splitter.saveState())

    def restore_state(self, settings: QtCore.QSettings) -> None:
        state = settings.value(SETTINGS_KEY)
        header = self.view.horizontalHeader()
        if isinstance(state, QtCore.QByteArray) and not state.isEmpty():
            header.restoreState(state)
            for i in range(len(self.model.columns)):
                self.set_column_visible(i, not header.isSectionHidden(i))
            col = header.sortIndicatorSection()
            if 0 <= col < len(self.model.columns):
                self.model.query = self.model.query.with_(
                    sort=self.model.columns[col],
                    descending=header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder,
                )
        split = settings.value("candidates/splitter")
        if isinstance(split, QtCore.QByteArray) and not split.isEmpty():
            self.splitter.restoreState(split)

    # -- querying -----------------------------------------------------------------------
    def current_query(self) -> candidates.CandidateQuery:
        values: dict[str, Any] = {k: c.currentData() for k, c in self.filters.items()}
        return self.model.query.with_(
            text=self.search.text(), followup_due=self.followup.isChecked(), **values
        )

    def run_query(self) -> None:
        """Apply search and filters now (the debounce timer calls this)."""
        self._debounce.stop()
        self.model.query = self.current_query()
        self.model.reload()

    def _filters_changed(self, *_args: Any) -> None:
        if not self._loading_filters:
            self.run_query()

    def refresh(self) -> None:
        # The total comes with the filter options, read after the rows (`_on_loaded`).
        self._facets_stale = True
        self.run_query()
        if self._detail_id() is not None and not self.detail.dirty():
            self.detail.show_candidate(self.detail.candidate_id)

    def _load_facets(self) -> None:
        db = self.ctx.db

        def work() -> dict[str, Any]:
            out: dict[str, Any] = dict(candidates.facets(db))
            out["total"] = candidates.count(db)
            out["target_id"] = [(c.label, c.id) for c in targets.choices(db)]
            out["institution_id"] = [(i.name, i.id) for i in institutions.list_all(db)]
            return out

        self._facets.run(work, self._fill_facets)

    def _fill_facets(self, facets: dict[str, Any]) -> None:
        self._total = facets.pop("total")
        self._show_count()
        self._loading_filters = True
        try:
            for key, values in facets.items():
                combo = self.filters.get(key)
                if combo is None:
                    continue
                current = combo.currentData()
                while combo.count() > 1:
                    combo.removeItem(1)
                for v in values:
                    label, data = v if isinstance(v, tuple) else (v, v)
                    combo.addItem(label, data)
                ix = combo.findData(current)
                combo.setCurrentIndex(ix if ix >= 0 else 0)
        finally:
            self._loading_filters = False

    def _on_loaded(self) -> None:
        if self._facets_stale:  # after the rows, so both queries do not share the CPU
            self._facets_stale = False
            QtCore.QTimer.singleShot(0, self._load_facets)
        shown = len(self.model.ids)
        if not self.model.query.filtered:
            self._total = shown
        self._show_count()
        if shown == 0:
            self.empty_label.setText(
                _(
                    "No candidate matches this search and these filters. "
                    "<a href='clear'>Clear them</a>, or add a candidate with Ctrl+N."
                )
                if self.model.query.filtered
                else _("No candidates yet: import a candidate list (Ctrl+I) or load demo data.")
            )
            self.empty_label.setTextFormat(Qt.TextFormat.RichText)
        self.empty_label.setVisible(shown == 0)
        target = self._pending_select if self._pending_select is not None else self._detail_id()
        self._pending_select = None
        if target is not None:
            row = self.model.row_of(target)
            if row >= 0:
                self.view.selectionModel().select(
                    self.model.index(row, 0),
                    QtCore.QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QtCore.QItemSelectionModel.SelectionFlag.Rows,
                )
                self.view.scrollTo(self.model.index(row, 0))
        self._selection_changed()

    # -- filters from outside -------------------------------------------------------------
    def apply_filter(self, filters: dict[str, object]) -> None:
        """Dashboard click-through: {"stage": "offer", "institution_id": 2, ...}. Unknown keys
        are ignored; filters not named are cleared so the view shows exactly what was asked."""
        self._loading_filters = True
        try:
            self.search.blockSignals(True)
            self.search.setText(str(filters.get("text") or ""))
            self.search.blockSignals(False)
            for key, combo in self.filters.items():
                value = filters.get(key)
                if value is not None and combo.findData(value) < 0:
                    label = str(value)
                    if key == "stage" and value in Stage.__members__:
                        label = Stage(value).label
                    elif key == "outcome" and value in Outcome.__members__:
                        label = Outcome(value).label
                    combo.addItem(label, value)
                combo.setCurrentIndex(max(combo.findData(value), 0) if value is not None else 0)
            self.followup.setChecked(bool(filters.get("followup_due")))
        finally:
            self._loading_filters = False
        self.run_query()

    def clear_filters(self) -> None:
        self.apply_filter({})

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- selection and the detail panel ----------------------------------------------------
    @property
    def detail(self) -> CandidateDetail:
        if self._detail is None:
            self._detail = CandidateDetail(self.ctx)
            self._detail.saved.connect(self._detail_saved)
            # Its short lists (applications, history, activities) show their values whole.
            for table in self._detail.findChildren(QtWidgets.QTableView):
                keep_fitted(table)
                spreadsheet_sort_arrows(table)
            self.splitter.replaceWidget(1, self._detail)
            self.placeholder.hide()
        return self._detail

    def _name_of(self, ids: list[int]) -> str | None:
        """The one selected candidate's name as the detail panel shows it (for an undo
        command's text; never read from the database here)."""
        if len(ids) == 1 and self._detail is not None and self._detail.candidate_id == ids[0]:
            return self._detail.shown_name
        return None

    def _detail_id(self) -> int | None:
        return self._detail.candidate_id if self._detail is not None else None

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.id_at(r) for r in rows if r < len(self.model.ids)]

    def _selection_changed(self, *_args: Any) -> None:
        ids = self.selected_ids()
        writable = not self.model.read_only  # a viewer's sign-in, a read-only file
        self.new_action.setEnabled(writable)
        for act in (
            self.add_action,
            self.owner_action,
            self.tag_action,
            self.untag_action,
            self.delete_action,
        ):
            act.setEnabled(bool(ids) and writable)
        if len(ids) == 1 and ids[0] != self._detail_id():
            if self._detail_id() is not None and self.detail.dirty():
                self.detail.save()
            self.detail.show_candidate(ids[0])

    def new_candidate(self) -> None:
        """Ctrl+N: an empty editor; Save adds the candidate (undoable)."""
        self.view.clearSelection()
        self.detail.new_candidate()

    def _detail_saved(self, candidate_id: int) -> None:
        self._pending_select = candidate_id

    def _context_menu(self, pos: QtCore.QPoint) -> None:
        menu = QtWidgets.QMenu(self)
        for act in (
            self.add_action,
            self.owner_action,
            self.tag_action,
            self.untag_action,
            self.delete_action,
        ):
            menu.addAction(act)
        menu.addSeparator()
        menu.addAction(self.new_action)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    # -- bulk actions ---------------------------------------------------------------------
    def _on_error(self, title: str) -> Any:
        return lambda exc: show_error(self, title, exc)

    def bulk_add_to_pipeline(self, target_id: int | None = None, owner: str | None = None) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        title: str | None = None
        if target_id is None:
            dialog = TargetDialog(self.ctx, self)
            if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
                return
            target_id, owner = dialog.values()
            title = dialog.title()
            if target_id is None:
                return
        cmds.add_to_pipeline(
            self.ctx,
            ids,
            target_id,
            owner=owner,
            on_error=self._on_error(_("Add to pipeline")),
            name=self._name_of(ids),
            title=title,
        )

    def bulk_set_owner(self, owner: str | None = None) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        if owner is None:
            dialog = OwnerDialog(
                self.ctx,
                _("Owner of the open applications of {n} candidate(s):").format(n=len(ids)),
                self,
            )
            if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
                return
            owner = dialog.owner.owner()
        cmds.set_owner(
            self.ctx,
            ids,
            owner or None,
            on_error=self._on_error(_("Set owner")),
            name=self._name_of(ids),
        )

    def bulk_tag(self, add: bool, tag: str | None = None) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        if tag is None:
            tags = [self.filters["tag"].itemText(i) for i in range(1, self.filters["tag"].count())]
            tag, ok = QtWidgets.QInputDialog.getItem(
                self,
                _("Add tag") if add else _("Remove tag"),
                _("Tag for {n} candidate(s):").format(n=len(ids)),
                tags,
                0,
                add,
            )
            if not ok:
                return
        cmds.change_tag(
            self.ctx, ids, tag, add=add, on_error=self._on_error(_("Tags")), name=self._name_of(ids)
        )

    def _show_count(self) -> None:
        shown = len(self.model.ids)
        self.count_label.setText(
            _("{n} candidates ({m} shown)").format(n=f"{self._total:,}", m=f"{shown:,}")
        )

    def delete_message(self, ids: list[int]) -> str:
        """What the confirmation says: how many, and what goes with them (reads the database:
        `bulk_delete` calls it in the background)."""
        impact = candidates.impact(self.ctx.db, ids)
        who = (
            candidates.get(self.ctx.db, ids[0]).full_name
            if len(ids) == 1
            else _("{n} candidates").format(n=f"{len(ids):,}")
        )
        parts = [
            _("{n} application(s) with their stage history").format(n=impact["application"]),
            _("{n} activity record(s)").format(n=impact["activity"]),
            _("{n} offer(s)").format(n=impact["offer"]),
        ]
        return _(
            "Delete {who}?\n\nThis also deletes {parts}.\n\nYou can undo it with Ctrl+Z."
        ).format(who=who, parts=", ".join(parts))

    def bulk_delete(self, confirm: bool = True) -> None:
        """Delete the selected candidates, after a confirmation that says what goes with them
        (read in the background)."""
        ids = self.selected_ids()
        if not ids:
            return
        if not confirm:
            self._delete(ids)
            return

        def ask(text: str) -> None:
            answer = QtWidgets.QMessageBox.question(self, _("Delete candidates"), text)
            if answer == QtWidgets.QMessageBox.StandardButton.Yes:
                self._delete(ids)

        self.reads.start(
            "delete",
            lambda: self.delete_message(ids),
            ask,
            lambda exc: show_error(self, _("Delete"), exc),
        )

    def _delete(self, ids: list[int]) -> None:
        name = self._name_of(ids)
        if self._detail_id() in ids:
            self.detail.show_candidate(None)
        cmds.delete_candidates(self.ctx, ids, on_error=self._on_error(_("Delete")), name=name)
