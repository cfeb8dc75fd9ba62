"""The Funding page's "By fiscal year" tab: the selected source's ledger per fiscal year —
reserved, committed and unpaid, paid (net of refunds) — whose years add up to the source's
totals in the table above (money with no date yet under "no date yet")."""

from __future__ import annotations

from recruiter.domain import money
from recruiter.domain.figures import Ledger
from recruiter.i18n import N_, _
from recruiter.services import payments
from recruiter.store.database import Database

from .ops import Reader
from .qt import Qt, QtWidgets

HEADERS = [N_("Fiscal year"), N_("Reserved"), N_("Committed, unpaid"), N_("Paid")]


def source_years(db: Database, source_id: int) -> list[tuple[int | None, Ledger]]:
    rows = [(y, led) for (sid, y), led in payments.by_fiscal_year(db).items() if sid == source_id]
    return sorted(rows, key=lambda r: (r[0] is None, r[0] or 0))


class FiscalYearsTable(QtWidgets.QTableWidget):
    def __init__(self, reader: Reader, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self.reader = reader
        self.setHorizontalHeaderLabels([_(h) for h in HEADERS])
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.horizontalHeader().setStretchLastSection(True)

    def show_source(self, source_id: int | None, currency: str) -> None:
        if source_id is None:
            self.setRowCount(0)
            return
        self.reader.read(
            lambda db: source_years(db, source_id),
            lambda rows: self._fill(rows, currency),
            title=_("Funding"),
        )

    def _fill(self, rows: list[tuple[int | None, Ledger]], currency: str) -> None:
        total = sum((led for _y, led in rows), Ledger())
        lines = [*rows, (_("Total"), total)]
        self.setRowCount(len(lines))
        for r, (year, led) in enumerate(lines):
            label = str(year) if year is not None else _("no date yet")
            cells = [label] + [
                money.format_amount(v, currency)
                for v in (led.reserved, led.committed_unpaid, led.paid)
            ]
            for c, text in enumerate(cells):
                item = QtWidgets.QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.setItem(r, c, item)
        self.resizeColumnsToContents()
