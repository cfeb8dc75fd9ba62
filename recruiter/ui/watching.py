"""A widget that reloads when the kinds of data it shows change: at once while it is visible,
otherwise the next time it is shown (pages, Setup panels, boards)."""

from __future__ import annotations

from typing import Any

from recruiter.domain.changes import Changes, Kind

from .context import AppContext
from .qt import QtWidgets


class Watching(QtWidgets.QWidget):
    """Subclasses set `watches` (the entity kinds they show; empty: every change) and implement
    `refresh()`."""

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

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh_now()

    def refresh_now(self) -> None:
        self._stale = False
        self.refresh()

    def refresh(self) -> None:
        """Reload what the widget shows."""
