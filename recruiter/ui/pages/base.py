"""What a page in the sidebar is: a widget that refreshes when kinds of data it shows change."""

from __future__ import annotations

from recruiter.domain.changes import Changes, Kind

from ..context import AppContext
from ..qt import QtWidgets


class Page(QtWidgets.QWidget):
    """Subclasses set `name` (sidebar label), `watches` (the entity kinds they show; empty:
    every change) and implement `refresh()`. Refreshes of hidden pages wait until the page is
    shown."""

    name = "Page"
    watches: frozenset[Kind] = frozenset()

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        ctx.bus.changed.connect(self._on_changed)

    def _on_changed(self, changes: Changes) -> None:
        if not self.watches or changes.touches(self.watches):
            self._stale = True
            if self.isVisible():
                self.refresh_now()

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        if self._stale:
            self.refresh_now()

    def refresh_now(self) -> None:
        self._stale = False
        self.refresh()

    def refresh(self) -> None:
        """Reload what the page shows."""

    def apply_filter(self, filters: dict[str, object]) -> None:
        """Show a filtered view (used by dashboard click-through)."""
