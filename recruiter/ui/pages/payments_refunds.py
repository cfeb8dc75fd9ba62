"""The Payments page's Refunds tab: what early leavers owe (the departure's arithmetic) and
what came back. A refund returns to its source only when received; it may come back in parts,
each part on its own date (so each falls in its fiscal year). Marking received is undoable."""

from __future__ import annotations

from datetime import date
from typing import Any

from recruiter.domain import clock, money
from recruiter.domain.changes import Kind
from recruiter.errors import RecruiterError, ValidationError
from recruiter.i18n import N_, NC_, _, pgettext
from recruiter.services import payments
from recruiter.store.database import Database

from ..context import AppContext
from ..ops import Reader
from ..qt import QtCore, QtWidgets
from ..tasks import show_error
from ..undo import ServiceCommand, push
from ..watching import Watching

COLUMNS = (
    N_("Person"),
    N_("Item"),
    NC_("funding", "Source"),
    N_("Left on"),
    N_("Owed"),
    N_("Received"),
    N_("Outstanding"),
    N_("State"),
    N_("Last received"),
    N_("Working"),
)
WATCHES = frozenset({Kind.refund, Kind.refund_receipt, Kind.departure, Kind.funding_source})


def load(db: Database) -> list[payments.RefundRow]:
    return payments.refunds(db)


def receive_command(
    ctx: AppContext,
    refund_id: int,
    amount_minor: int | None,
    on: date,
    on_error: Any = None,
) -> ServiceCommand:
    """Mark (part of) a refund received; redo puts the same receipt back (its id kept)."""
    db = ctx.db
    kept: dict[str, Any] = {}

    def do() -> int:
        if "snap" in kept:
            return payments.restore_receipt(db, kept["snap"])
        return payments.receive(db, refund_id, amount_minor, on)

    def undo(receipt_id: int) -> None:
        kept["snap"] = payments.remove_receipt(db, receipt_id)

    return push(ctx, _("Mark refund received"), do, undo, on_error)


class RefundsPanel(Watching):
    watches = WATCHES

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.reader = Reader(ctx, self)
        self.rows: list[payments.RefundRow] = []
        note = QtWidgets.QLabel(
            _(
                "A refund is owed from the departure on; it returns to its source (and counts "
                "in the ledger) only as it is received. Parts received on different days fall "
                "in their own fiscal years."
            )
        )
        note.setWordWrap(True)
        self.table = QtWidgets.QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(
            [pgettext(*c) if isinstance(c, tuple) else _(c) for c in COLUMNS]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selected)
        self.amount = QtWidgets.QLineEdit()
        self.amount.setPlaceholderText(_("all that is outstanding"))
        self.amount.setMinimumWidth(280)
        self.received_on = QtWidgets.QDateEdit(QtCore.QDate(clock.today()))
        self.received_on.setCalendarPopup(True)
        self.received_on.setDisplayFormat("yyyy-MM-dd")
        self.receive_button = QtWidgets.QPushButton(_("Mark received"))
        self.receive_button.setEnabled(False)
        self.receive_button.clicked.connect(self.mark_received)
        self.error = QtWidgets.QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        bar = QtWidgets.QHBoxLayout()
        bar.addWidget(QtWidgets.QLabel(_("Amount received")))
        bar.addWidget(self.amount)
        bar.addWidget(QtWidgets.QLabel(_("on")))
        bar.addWidget(self.received_on)
        bar.addWidget(self.receive_button)
        bar.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addLayout(bar)
        layout.addWidget(self.error)

    @property
    def loading(self) -> bool:
        return self.reader.pending

    def refresh(self) -> None:
        self._stale = False
        self.reader.read(load, self._show, title=_("Refunds"))

    def _show(self, rows: list[payments.RefundRow]) -> None:
        keep = self.selected()
        self.rows = rows
        self.table.setRowCount(len(rows))
        right = {4, 5, 6}
        for r, x in enumerate(rows):
            cells = (
                x.candidate,
                x.item_text,
                x.source,
                x.on.isoformat(),
                money.format_amount(x.owed, x.currency),
                money.format_amount(x.received, x.currency),
                money.format_amount(x.outstanding, x.currency),
                x.state_label,
                x.last_received_on.isoformat() if x.last_received_on else "—",
                x.working,
            )
            for c, text in enumerate(cells):
                item = QtWidgets.QTableWidgetItem(text)
                if c in right:
                    item.setTextAlignment(
                        QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        for c in range(self.table.columnCount() - 1):
            self.table.setColumnWidth(c, min(self.table.columnWidth(c), 200))
        if keep is not None:
            at = next((n for n, x in enumerate(rows) if x.id == keep.id), -1)
            if at >= 0:
                self.table.selectRow(at)
        self._selected()

    def selected(self) -> payments.RefundRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _selected(self) -> None:
        x = self.selected()
        self.receive_button.setEnabled(x is not None and x.outstanding > 0)
        if x is not None and x.outstanding > 0:
            self.amount.setPlaceholderText(
                _("all that is outstanding ({amount})").format(
                    amount=money.format_amount(x.outstanding, x.currency)
                )
            )

    def mark_received(self) -> ServiceCommand | None:
        x = self.selected()
        if x is None:
            return None
        self.error.clear()
        text = self.amount.text().strip()
        try:
            amount = money.parse_amount(text, x.currency) if text else None
        except (ValueError, money.MoneyError):
            self.error.setText(_("'{text}' is not an amount").format(text=text))
            return None
        on: date = self.received_on.date().toPython()  # type: ignore[assignment]  # untyped

        def failed(exc: RecruiterError) -> None:
            if isinstance(exc, ValidationError):
                self.error.setText("; ".join(exc.errors.values()))
            else:
                show_error(self, _("Refunds"), exc)

        cmd = receive_command(self.ctx, x.id, amount, on, failed)
        if cmd.error is None:
            self.amount.clear()
        return cmd


__all__ = ["COLUMNS", "RefundsPanel", "load", "receive_command"]
