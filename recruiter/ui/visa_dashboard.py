"""The Dashboard's visa tiles (issue 13): deadlines due within 7 days and overdue, for the
institutions the page is filtered to; a click opens the Visas & arrivals page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from recruiter.domain.changes import Changes, Kind
from recruiter.i18n import _
from recruiter.services import immigration
from recruiter.store.database import Database

from .context import AppContext
from .ops import Reader
from .qt import QtWidgets

WATCHES = frozenset(
    {
        Kind.immigration_case,
        Kind.case_milestone,
        Kind.case_person,
        Kind.deadline_rule,
        Kind.holiday,
        Kind.application,
        Kind.setting,
    }
)
COLOURS = {"overdue": "#b3261e", "soon": "#b26a00"}


def load(
    db: Database, institution_ids: Sequence[int], today: date | None
) -> immigration.CaseCounts:
    return immigration.counts(db, today, institution_ids)


class VisaTiles(QtWidgets.QWidget):
    """Two KPI tiles built like the page's own (the page passes its tile class in)."""

    def __init__(self, ctx: AppContext, tile: Any, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.reader = Reader(ctx, self)
        self.institution_ids: tuple[int, ...] = ()
        self.as_of: date | None = None
        self.soon = tile(_("Visa deadlines due in 7 days"))
        self.overdue = tile(_("Visa deadlines overdue"))
        self.counts: immigration.CaseCounts | None = None
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for t in (self.soon, self.overdue):
            t.setToolTip(_("Open the Visas & arrivals page"))
            t.mousePressEvent = lambda _e: ctx.bus.navigate.emit("Visas & arrivals", {})
            layout.addWidget(t)
        ctx.bus.changed.connect(self._changed)

    @property
    def loading(self) -> bool:
        return self.reader.pending

    def _changed(self, changes: Changes) -> None:
        if changes.touches(WATCHES):
            self.refresh()

    def load(self, institution_ids: Sequence[int], as_of: date | None) -> None:
        self.institution_ids, self.as_of = tuple(institution_ids), as_of
        self.refresh()

    def refresh(self) -> None:
        ids, as_of = self.institution_ids, self.as_of
        self.reader.read(lambda db: load(db, ids, as_of), self._show, title=_("Dashboard"))

    def _show(self, counts: immigration.CaseCounts) -> None:
        self.counts = counts
        for t, n, kind in (
            (self.soon, counts.due_soon, "soon"),
            (self.overdue, counts.overdue, "overdue"),
        ):
            t.value.setText(f"{n:,}")
            t.value.setStyleSheet(f"color: {COLOURS[kind]};" if n else "")


__all__ = ["VisaTiles", "load"]
