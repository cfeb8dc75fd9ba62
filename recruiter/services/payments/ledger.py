"""The ledger by fiscal year and the cash flow leadership reads.

Per source: total = available + reserved + committed-unpaid + paid (domain.figures.Ledger;
funding.balances_in has the same figures in SQL). By fiscal year, paid money falls in the year
it was paid (refunds in the year they were received), unpaid money in the year it is expected,
and money with no date yet (an unscheduled item, a trigger not yet known) under None; the years
of a source add up to its total figures."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from recruiter.domain import figures
from recruiter.domain.figures import Ledger
from recruiter.domain.instalments import Status, fiscal_year
from recruiter.domain.models import (
    FundingSource,
    Instalment,
    Offer,
    OfferItem,
    Refund,
    RefundReceipt,
)
from recruiter.store.database import Database

from .plan import PaymentRow, rows_in
from .refunds import rows_in as refund_rows_in

Key = tuple[int | None, int | None]  # (source id, fiscal year)


def by_fiscal_year_in(s: Session, rows: Iterable[PaymentRow] | None = None) -> dict[Key, Ledger]:
    """Each (source, fiscal year)'s ledger; `rows` may pass instalment rows already read."""
    out: dict[Key, Ledger] = {}

    def add(
        source: int | None, year: int | None, status: str, state: str | None, amount: int
    ) -> None:
        part = figures.ledger([(status, state, amount)])
        out[(source, year)] = out.get((source, year), Ledger()) + part

    for r in rows if rows is not None else rows_in(s):
        year = fiscal_year(r.paid_on if r.status == Status.paid else r.expected_on)
        add(r.source_id, year, r.offer_status, r.status.value, r.amount_minor)
    scheduled = select(col(Instalment.id)).where(col(Instalment.offer_item_id) == col(OfferItem.id))
    unscheduled = (
        sa_select(col(OfferItem.funding_source_id), col(Offer.status), figures.item_life_cost_sql())
        .select_from(OfferItem)
        .join(Offer, col(Offer.id) == col(OfferItem.offer_id))
        .where(~scheduled.exists())
    )
    for source, status, cost in s.execute(unscheduled).all():
        add(source, None, status, None, int(cost))
    for source, day, amount, _ccy in received_in_years(s):
        add(source, fiscal_year(day), "", "refund", -amount)
    return out


def received_in_years(s: Session) -> list[tuple[int | None, date, int, str]]:
    """(source, day received, amount, currency) of every refund receipt: refund money returns
    to its source only when received, in the fiscal year it was received."""
    rows = s.exec(
        select(
            col(Refund.funding_source_id),
            col(RefundReceipt.received_on),
            col(RefundReceipt.amount_minor),
            col(Refund.currency),
        ).join(Refund, col(Refund.id) == col(RefundReceipt.refund_id))
    ).all()
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def by_fiscal_year(db: Database) -> dict[Key, Ledger]:
    with db.session() as s:
        return by_fiscal_year_in(s)


@dataclass(frozen=True)
class CashFlow:
    """One source in one fiscal year: paid (net of refunds received), due (trigger met, not
    paid) and expected (trigger not met yet), committed money only, in the source's currency;
    and refunds still owed to it."""

    source_id: int | None
    source: str
    institution_id: int | None
    currency: str
    year: int | None
    paid: int
    due: int
    expected: int
    refund_owed: int = 0  # refunds not received yet (in the departure's fiscal year)


def cash_flow_in(s: Session, as_of: date) -> list[CashFlow]:
    rows = rows_in(s)
    names = {
        r[0]: (r[1], r[2], r[3])
        for r in s.exec(
            select(
                col(FundingSource.id),
                col(FundingSource.name),
                col(FundingSource.currency),
                col(FundingSource.institution_id),
            )
        ).all()
    }
    sums: dict[Key, list[int]] = {}
    currency: dict[Key, str] = {}
    for r in rows:
        if r.status == Status.paid:
            key, slot = (r.source_id, fiscal_year(r.paid_on)), 0
        elif r.status.value in ("planned", "sent") and r.offer_status == "accepted":
            met = r.met_on is not None and r.met_on <= as_of
            key, slot = (r.source_id, fiscal_year(r.expected_on)), 1 if met else 2
        else:
            continue
        sums.setdefault(key, [0, 0, 0, 0])[slot] += r.amount_minor
        currency[key] = r.currency
    for source, day, amount, ccy in received_in_years(s):
        key = (source, fiscal_year(day))
        sums.setdefault(key, [0, 0, 0, 0])[0] -= amount
        currency[key] = ccy
    for refund in refund_rows_in(s):  # still owed: in the departure's fiscal year
        if refund.outstanding:
            key = (refund.source_id, fiscal_year(refund.on))
            sums.setdefault(key, [0, 0, 0, 0])[3] += refund.outstanding
            currency[key] = refund.currency
    out = []
    for (sid, year), (paid, due, expected, owed) in sums.items():
        fallback = ("(no source)", currency[(sid, year)], None)
        name, ccy, inst = names.get(sid, fallback) if sid is not None else fallback
        out.append(CashFlow(sid, name, inst, ccy, year, paid, due, expected, owed))
    return sorted(out, key=lambda c: (c.source, c.year is None, c.year or 0))


def cash_flow(db: Database, as_of: date) -> list[CashFlow]:
    with db.session() as s:
        return cash_flow_in(s, as_of)


def expected_in_year(db: Database, year: int) -> dict[str, int]:
    """Committed money not yet paid that is expected in `year`, per currency (the Dashboard's
    'next year' figure)."""
    out: dict[str, int] = {}
    with db.session() as s:
        for r in rows_in(s):
            if (
                r.status.value in ("planned", "sent")
                and r.offer_status == "accepted"
                and fiscal_year(r.expected_on) == year
            ):
                out[r.currency] = out.get(r.currency, 0) + r.amount_minor
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class Outlook:
    """The Dashboard's payments line, per currency: paid this fiscal year (net of refunds), due
    now (trigger met, not paid) and expected next fiscal year."""

    year: int
    paid: dict[str, int]
    due: dict[str, int]
    next_year: dict[str, int]


def outlook(db: Database, as_of: date) -> Outlook:
    paid: dict[str, int] = {}
    due: dict[str, int] = {}
    ahead: dict[str, int] = {}
    with db.session() as s:
        for c in cash_flow_in(s, as_of):
            if c.year == as_of.year:
                paid[c.currency] = paid.get(c.currency, 0) + c.paid
            if c.due:
                due[c.currency] = due.get(c.currency, 0) + c.due
            if c.year == as_of.year + 1:
                ahead[c.currency] = ahead.get(c.currency, 0) + c.due + c.expected
    return Outlook(as_of.year, paid, due, ahead)
