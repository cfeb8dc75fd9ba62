"""Candidates page: search and a table over the whole talent pool (read-only in the foundation;
the tracking workspace issue adds filters, bulk actions and the detail editor)."""

from __future__ import annotations

from recruiter.services import candidates

from ..candidate_model import CandidateTableModel
from ..context import AppContext
from ..qt import QtCore, QtWidgets
from .base import Page


class CandidatesPage(Page):
    name = "Candidates"
    watches = frozenset({"candidate", "application", "import_batch"})

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = CandidateTableModel(ctx.db, self)
        self.search = QtWidgets.QLineEdit()
        self.search.setPlaceholderText(self.tr("Search name, 中文名, e-mail, institution…"))
        self.search.setClearButtonEnabled(True)
        self.view = QtWidgets.QTableView()
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSortIndicator(0, QtCore.Qt.SortOrder.AscendingOrder)
        self.count_label = QtWidgets.QLabel()
        layout = QtWidgets.QVBoxLayout(self)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self._debounce = QtCore.QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.refresh_now)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        for i, w in enumerate((260, 90, 240, 260, 120, 160, 70, 60, 180)):
            self.view.setColumnWidth(i, w)

    def refresh(self) -> None:
        self.model.query = candidates.CandidateQuery(
            text=self.search.text(), sort=self.model.query.sort,
            descending=self.model.query.descending)
        self.model.reload()
        total = candidates.count(self.ctx.db)
        self.count_label.setText(self.tr("{n} candidates ({m} shown)").format(
            n=f"{total:,}", m=f"{len(self.model.ids):,}"))

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()
