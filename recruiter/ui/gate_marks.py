"""The approval gates on the Pipeline page: the card's "next gate" line (after each board load
the page reads where each application waits, and the card delegate draws it), and the Due
panel's section of notices ending and reviews outstanding."""

from __future__ import annotations

from typing import Any

from recruiter.i18n import _
from recruiter.services import gates

from .candidate_model import RecordTableModel
from .ops import Reads
from .qt import Qt, QtCore, QtGui, QtWidgets

GATE_COLOUR = QtGui.QColor("#8a5a00")
REJECTED = QtGui.QColor("#b3261e")
LINE = 16  # the extra card height when the board has gates


class NextGates(QtCore.QObject):
    """`load(cards)` reads {application id: next gate} and hands it to the page's delegate."""

    def __init__(self, page: Any) -> None:
        super().__init__(page)
        self.page = page
        self.reads = Reads(page.ctx.runner, self)
        self.marks: dict[int, str] = {}

    def load(self, cards: list[Any]) -> None:
        ids = [c.application_id for c in cards if c.outcome.value in ("active", "on_hold")]
        db = self.page.ctx.db
        self.reads.start("gates", lambda: gates.next_gates(db, ids), self._show)

    def _show(self, marks: dict[int, str]) -> None:
        changed_height = bool(marks) != bool(self.marks)
        self.marks = marks
        self.page.delegate.gates = marks
        for column in self.page.columns.values():
            if changed_height:
                column.view.doItemsLayout()
            column.view.viewport().update()


def draw_next_gate(
    painter: QtGui.QPainter, gate: str | None, x: int, y: int, w: int, metrics: QtGui.QFontMetrics
) -> int:
    """Draw "next: <gate>" on a card at y; returns the y below it."""
    if not gate:
        return y
    painter.save()
    painter.setPen(REJECTED if gate.startswith("rejected") else GATE_COLOUR)
    text = gate if gate.startswith("rejected") else _("next: {gate}").format(gate=gate)
    height = metrics.height() + 3  # room for CJK glyphs from a fallback font
    painter.drawText(
        QtCore.QRect(x, y, w, height),
        Qt.AlignmentFlag.AlignLeft,
        metrics.elidedText(text, Qt.TextElideMode.ElideRight, w),
    )
    painter.restore()
    return y + height


class GateDue(QtWidgets.QWidget):
    """The Due panel's approval-gate section; double-click opens the candidate."""

    def __init__(self, panel: Any) -> None:
        super().__init__(panel)
        self.heading = QtWidgets.QLabel()
        self.model = RecordTableModel(
            [
                ("on", _("Date")),
                ("candidate", _("Candidate")),
                ("gate", _("Gate")),
                ("what", _("What")),
            ],
            parent=self,
        )
        self.view = QtWidgets.QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setWordWrap(False)
        for i, width in enumerate((90, 160, 320)):
            self.view.setColumnWidth(i, width)
        self.view.doubleClicked.connect(
            lambda index: panel.open_candidate.emit(self.model.record(index.row()).candidate_id)
        )
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.view, 1)

    def show_due(self, items: list[gates.DueGate]) -> None:
        self.model.set_records(items)
        notices = sum(1 for d in items if d.what == "notice ends")
        self.heading.setText(
            _(
                "<b>Approval gates</b> — {n} notices ending within 7 days, "
                "{r} expert reviews outstanding"
            ).format(n=notices, r=len(items) - notices)
        )


__all__ = ["LINE", "GateDue", "NextGates", "draw_next_gate"]
