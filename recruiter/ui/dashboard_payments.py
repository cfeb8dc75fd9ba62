"""The Dashboard's payments line: paid this year, due now, and what next year is expected to
cost (committed instalments expected in the next fiscal year), per currency."""

from __future__ import annotations

from recruiter.domain import clock, money
from recruiter.domain.changes import Changes, Kind
from recruiter.i18n import _
from recruiter.services import payments

from .context import AppContext
from .ops import Reader
from .qt import QtWidgets

WATCHES = frozenset(
    {
        Kind.instalment,
        Kind.finance_batch,
        Kind.offer,
        Kind.offer_item,
        Kind.assessment,
        Kind.service_period,
        Kind.departure,
        Kind.year_close,
        Kind.refund_receipt,
    }
)


def _sums(values: dict[str, int]) -> str:
    return ", ".join(money.format_amount(v, k) for k, v in values.items() if v) or _("nothing")


def outlook_text(o: payments.Outlook) -> str:
    return _("<b>Payments</b> — paid in {year}: {paid} · due now: {due} · ").format(
        year=o.year, paid=_sums(o.paid), due=_sums(o.due)
    ) + _("<b>expected in {year}: {amount}</b>").format(year=o.year + 1, amount=_sums(o.next_year))


class PaymentsOutlook(QtWidgets.QLabel):
    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paymentsOutlook")
        self.setWordWrap(True)
        self.reader = Reader(ctx, self)
        ctx.bus.changed.connect(self._changed)
        self.refresh()

    def _changed(self, changes: Changes) -> None:
        if changes.touches(WATCHES):
            self.refresh()

    def refresh(self) -> None:
        today = clock.today()
        self.reader.read(
            lambda db: payments.outlook(db, today),
            lambda o: self.setText(outlook_text(o)),
            failure=lambda _exc: self.setText(""),
        )
