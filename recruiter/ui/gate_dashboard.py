"""The Dashboard's approvals section: where applications wait (count and median days per gate)
and each college's and tier's completion against its annual target."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from recruiter.domain import clock
from recruiter.domain.changes import Kind
from recruiter.i18n import _
from recruiter.services import gates, settings
from recruiter.store.database import Database

from .candidate_model import RecordTableModel
from .context import AppContext
from .ops import Reader
from .qt import QtWidgets
from .watching import Watching

WATCHES = frozenset(
    {Kind.application, Kind.target, Kind.gate_template, Kind.gate_record, Kind.talent_tier}
)


@dataclass(frozen=True)
class Loaded:
    year: int
    waiting: list[gates.WaitRow]
    completion: list[gates.CompletionRow]


def load(
    db: Database,
    year: int | None = None,
    scope: gates.Scope | None = None,
    as_of: date | None = None,
) -> Loaded:
    """With `scope` (the Dashboard's institution, target and period), only those applications
    and targets (the period, which ends today, picks the applications that wait)."""
    today = as_of or clock.today_in(settings.office_zone(db))
    done = gates.completion(db, year or today.year, scope)
    if year is None and not done:  # late in the year nothing is due any more: show the next
        year, done = today.year + 1, gates.completion(db, today.year + 1, scope)
    return Loaded(year or today.year, gates.where_waiting(db, today, scope), done)


def _value(rec: Any, key: str) -> Any:
    if key == "median_days":
        return "" if rec.median_days is None else f"{rec.median_days:g}"
    if key == "share":
        return "" if rec.share is None else f"{rec.share:.0%}"
    return getattr(rec, key)


def _table(model: RecordTableModel) -> QtWidgets.QTableView:
    view = QtWidgets.QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(22)
    view.horizontalHeader().setStretchLastSection(True)
    view.setWordWrap(False)
    view.setMinimumHeight(170)
    return view


class ApprovalsBoard(Watching):
    watches = WATCHES

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.loader = Reader(ctx, self)
        self.year: int | None = None
        self.scope: gates.Scope | None = None  # the Dashboard's filters
        self.as_of: date | None = None
        self.waiting = RecordTableModel(
            [
                ("gate", _("Gate")),
                ("institution", _("Institution")),
                ("applications", _("Applications waiting")),
                ("median_days", _("Median days")),
            ],
            getter=_value,
            parent=self,
        )
        self.waiting.numeric = {"applications"}
        self.completion = RecordTableModel(
            [
                ("by", _("By")),
                ("name", _("College or tier")),
                ("target", _("Annual target")),
                ("hired", "Hired"),
                ("share", _("Done")),
            ],
            getter=_value,
            parent=self,
        )
        self.completion.numeric = {"target", "hired"}
        self.waiting_title = QtWidgets.QLabel(_("<b>Where applications wait</b>"))
        self.completion_title = QtWidgets.QLabel()
        self.waiting_view, self.completion_view = _table(self.waiting), _table(self.completion)
        grid = QtWidgets.QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.waiting_title, 0, 0)
        grid.addWidget(self.completion_title, 0, 1)
        grid.addWidget(self.waiting_view, 1, 0)
        grid.addWidget(self.completion_view, 1, 1)

    @property
    def loading(self) -> bool:
        return self.loader.pending

    def set_filters(self, filters: Any, as_of: date | None = None) -> None:
        """Follow the Dashboard's filters (a reporting.Filters) and its "as of" day."""
        self.scope = gates.Scope(
            tuple(filters.institution_ids),
            tuple(filters.target_ids),
            filters.date_from,
            filters.date_to,
        )
        self.as_of = as_of
        self._stale = True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        year, scope, as_of = self.year, self.scope, self.as_of
        self.loader.read(lambda db: load(db, year, scope, as_of), self._show, title=_("Dashboard"))

    def _show(self, loaded: Loaded) -> None:
        self.waiting.set_records(loaded.waiting)
        self.completion.set_records(loaded.completion)
        self.completion_title.setText(
            _("<b>Completion against the {year} targets</b>").format(year=loaded.year)
        )
        for view, column, cap in ((self.waiting_view, 0, 250), (self.completion_view, 1, 250)):
            view.resizeColumnsToContents()
            view.setColumnWidth(column, min(view.columnWidth(column), cap))


__all__ = ["ApprovalsBoard", "Loaded", "load"]
