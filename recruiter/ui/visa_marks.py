"""The visa clocks on the Pipeline page: after each board load the page reads which applications
have an immigration deadline overdue or due within 7 days, and the card delegate colours those
cards (a band on the right edge and the border: red overdue, amber soon)."""

from __future__ import annotations

from typing import Any

from recruiter.services import immigration

from .ops import Reads
from .qt import Qt, QtCore, QtGui

COLOURS = {"overdue": QtGui.QColor("#b3261e"), "soon": QtGui.QColor("#d98c00")}


class VisaMarks(QtCore.QObject):
    """`load(cards)` reads {application id: "overdue" | "soon"} for the page's delegate."""

    def __init__(self, page: Any) -> None:
        super().__init__(page)
        self.page = page
        self.reads = Reads(page.ctx.runner, self)
        self.marks: dict[int, str] = {}

    def load(self, cards: list[Any]) -> None:
        ids = [c.application_id for c in cards]  # renewals tick on after arrival too
        db = self.page.ctx.db
        if not ids:
            self._show({})
            return
        self.reads.start("visas", lambda: immigration.urgency_by_application(db, ids), self._show)

    def _show(self, marks: dict[int, str]) -> None:
        self.marks = marks
        self.page.delegate.visas = marks
        for column in self.page.columns.values():
            column.view.viewport().update()


def draw_visa_mark(painter: QtGui.QPainter, urgency: str | None, rect: QtCore.QRect) -> None:
    """Colour a card by its next immigration deadline (nothing when none is near)."""
    colour = COLOURS.get(urgency or "")
    if colour is None:
        return
    painter.save()
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.setPen(QtGui.QPen(colour, 1.5))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(rect, 5, 5)
    painter.fillRect(QtCore.QRect(rect.right() - 4, rect.top() + 4, 4, rect.height() - 8), colour)
    painter.restore()


__all__ = ["COLOURS", "VisaMarks", "draw_visa_mark"]
