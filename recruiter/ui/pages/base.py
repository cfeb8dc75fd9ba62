"""What a page in the sidebar is: a widget that refreshes when kinds of data it shows change."""

from __future__ import annotations

from ..watching import Watching


class Page(Watching):
    """Subclasses set `name` (sidebar label), `watches` (the entity kinds they show; empty:
    every change) and implement `refresh()`. Refreshes of hidden pages wait until the page is
    shown (ui/watching.py)."""

    name = "Page"

    def apply_filter(self, filters: dict[str, object]) -> None:
        """Show a filtered view (used by dashboard click-through)."""
