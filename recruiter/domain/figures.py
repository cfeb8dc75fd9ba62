"""Every figure Recruiter shows, defined once (issue 9).

Each figure is a pure function over plain values. Where a report computes it in SQL (because
reading 100,000 rows into Python would be too slow), its SQL twin, a SQLAlchemy expression
builder, sits right beside it; tests/unit/test_figures.py checks that the two agree on random
offers, items and histories. Services call these and never restate a rule.

Money figures are integer minor units in an item's own currency. A figure over several items
is summed per currency first and each sum converted once (`in_reporting`), so the dashboard,
the Offers page, the editor and the workbook round alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Subquery, case, func, literal, select, union_all
from sqlalchemy.orm import aliased
from sqlmodel import col

from .clock import local_day, local_midnight
from .enums import ItemKind, OfferStatus, Outcome, Period
from .models import Application, Instalment, Offer, OfferItem, Refund, RefundReceipt
from .rules import COMMITTING, RESERVING

# -- open / active / on-hold applications ---------------------------------------------------
# "Open" = active or on hold; "active" = outcome active; "on hold" = outcome on_hold.

OPEN: tuple[Outcome, ...] = (Outcome.active, Outcome.on_hold)
_OPEN_VALUES = [o.value for o in OPEN]


def is_open(outcome: Outcome | str) -> bool:
    return str(outcome) in _OPEN_VALUES


def is_open_sql(outcome: Any = None) -> ColumnElement[bool]:
    """`is_open` in SQL; `outcome` may be a raw (text) column, default Application.outcome."""
    return _outcome(outcome).in_(_OPEN_VALUES)


@dataclass(frozen=True)
class ApplicationCounts:
    """Applications by outcome as the Dashboard, Targets page and workbook name them."""

    active: int = 0
    on_hold: int = 0

    @property
    def open(self) -> int:
        return self.active + self.on_hold

    def __add__(self, other: ApplicationCounts) -> ApplicationCounts:
        return ApplicationCounts(self.active + other.active, self.on_hold + other.on_hold)


def application_counts(outcomes: Iterable[Outcome | str]) -> ApplicationCounts:
    active = on_hold = 0
    for o in outcomes:
        if str(o) == Outcome.active.value:
            active += 1
        elif str(o) == Outcome.on_hold.value:
            on_hold += 1
    return ApplicationCounts(active, on_hold)


def application_counts_sql(outcome: Any = None) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """(active, on hold) as two aggregate columns; NULL when no row, so wrap in coalesce or
    read them through `counts_of`."""
    o = _outcome(outcome)
    return (
        func.sum(case((o == Outcome.active.value, 1), else_=0)),
        func.sum(case((o == Outcome.on_hold.value, 1), else_=0)),
    )


def counts_of(active: Any, on_hold: Any) -> ApplicationCounts:
    """The two columns of `application_counts_sql` as read back (None when no row)."""
    return ApplicationCounts(int(active or 0), int(on_hold or 0))


def _outcome(outcome: Any) -> Any:
    return col(Application.outcome) if outcome is None else outcome


# -- days in stage ---------------------------------------------------------------------------

STALE_DAYS = 30


def days_in_stage(stage_changed_at: datetime, as_of: date, zone: tzinfo) -> int:
    """Calendar days in the office's time zone since the application entered its stage: moved
    late yesterday is one day today. Never negative (another desk's clock may run ahead)."""
    return days_since(local_day(stage_changed_at, zone), as_of)


def days_since(day: date, as_of: date) -> int:
    """Days in stage from the office-local day the stage was entered (for callers that have
    converted the timestamp already, in bulk)."""
    return max(0, (as_of - day).days)


def in_stage_over_sql(days: int, as_of: date, zone: tzinfo, changed: Any = None) -> Any:
    """`days_in_stage(...) > days` in SQL: entered the stage before the office's midnight that
    starts the day `as_of - days`."""
    column = col(Application.stage_changed_at) if changed is None else changed
    return column < local_midnight(as_of - timedelta(days=days), zone)


def is_stale(outcome: Outcome | str, stage_changed_at: datetime, as_of: date, zone: tzinfo) -> bool:
    """Open and more than STALE_DAYS days in its stage."""
    return is_open(outcome) and days_in_stage(stage_changed_at, as_of, zone) > STALE_DAYS


def is_stale_sql(as_of: date, zone: tzinfo) -> ColumnElement[bool]:
    return is_open_sql() & in_stage_over_sql(STALE_DAYS, as_of, zone)


# -- offer items and packages ----------------------------------------------------------------


class Item(Protocol):
    """What a figure needs of an offer item (OfferItem rows and offers.ItemData both fit)."""

    @property
    def kind(self) -> ItemKind | str: ...
    @property
    def amount_minor(self) -> int: ...
    @property
    def currency(self) -> str: ...
    @property
    def period(self) -> Period | str: ...
    @property
    def years(self) -> int: ...


def item_life_cost(amount_minor: int, period: Period | str, years: int) -> int:
    """What an item costs over its life: annual items count times their years."""
    return amount_minor * (years if str(period) == Period.annual.value else 1)


def item_life_cost_sql(amount: Any = None, period: Any = None, years: Any = None) -> Any:
    amount = col(OfferItem.amount_minor) if amount is None else amount
    period = col(OfferItem.period) if period is None else period
    years = col(OfferItem.years) if years is None else years
    return amount * case((period == Period.annual.value, years), else_=1)


def item_first_year(
    kind: ItemKind | str, amount_minor: int, period: Period | str, years: int
) -> int:
    """Cash to the scholar in the first year: an annual item once, a one-off item whole;
    start-up research funds (科研启动经费) are not cash to the scholar."""
    return 0 if str(kind) == ItemKind.startup_research.value else amount_minor


def item_first_year_sql(kind: Any = None, amount: Any = None) -> Any:
    kind = col(OfferItem.kind) if kind is None else kind
    amount = col(OfferItem.amount_minor) if amount is None else amount
    return case((kind == ItemKind.startup_research.value, 0), else_=amount)


def item_startup(kind: ItemKind | str, amount_minor: int, period: Period | str, years: int) -> int:
    """Start-up research funds over their life."""
    if str(kind) != ItemKind.startup_research.value:
        return 0
    return item_life_cost(amount_minor, period, years)


def item_startup_sql(kind: Any = None) -> Any:
    kind = col(OfferItem.kind) if kind is None else kind
    return case((kind == ItemKind.startup_research.value, item_life_cost_sql()), else_=0)


@dataclass(frozen=True)
class Package:
    """An offer's package: first-year cash, total package (life cost of every item) and
    start-up funds, in one currency."""

    first_year: int = 0
    total: int = 0
    startup: int = 0

    def __add__(self, other: Package) -> Package:
        return Package(
            self.first_year + other.first_year,
            self.total + other.total,
            self.startup + other.startup,
        )


def item_package(item: Item) -> Package:
    args = (item.kind, item.amount_minor, item.period, item.years)
    return Package(item_first_year(*args), item_life_cost(*args[1:]), item_startup(*args))


def package(items: Iterable[Item]) -> dict[str, Package]:
    """Per currency: first-year cash, total package and start-up funds of these items."""
    out: dict[str, Package] = {}
    for i in items:
        ccy = i.currency.upper()
        out[ccy] = out.get(ccy, Package()) + item_package(i)
    return out


def package_sql() -> tuple[Any, Any, Any]:
    """(first-year cash, total package, start-up funds) as SUMs over OfferItem rows: group
    them by (offer, currency) and feed the sums to `in_reporting`."""
    return (
        func.sum(item_first_year_sql()),
        func.sum(item_life_cost_sql()),
        func.sum(item_startup_sql()),
    )


def in_reporting(
    per_currency: Mapping[str, Package], convert: Callable[[int, str], int]
) -> Package:
    """A per-currency package in the reporting currency, each currency's sum converted once."""
    out = Package()
    for ccy, p in per_currency.items():
        out = out + Package(
            convert(p.first_year, ccy), convert(p.total, ccy), convert(p.startup, ccy)
        )
    return out


def life_by_kind(items: Iterable[Item]) -> dict[tuple[ItemKind, str], int]:
    """Life cost per (kind, currency): the Offers sheet's columns per kind."""
    out: dict[tuple[ItemKind, str], int] = {}
    for i in items:
        key = (ItemKind(i.kind), i.currency.upper())
        out[key] = out.get(key, 0) + item_life_cost(i.amount_minor, i.period, i.years)
    return out


# -- current offers --------------------------------------------------------------------------
# An application's current offer is its latest revision; earlier revisions are history (a
# counter-offer withdraws the one it replaces). The Offers page, the Summary's "Current offers
# by status" and the Offers sheet all count current offers.


def is_current_offer(revision: int, revisions: Iterable[int]) -> bool:
    """Whether `revision` is the latest of its application's offer `revisions`."""
    return revision >= max(revisions, default=revision)


def is_current_offer_sql() -> ColumnElement[bool]:
    """`is_current_offer` for Offer rows in SQL: no later revision of the same application
    exists (the unique (application, revision) index answers it per row)."""
    newer: Any = aliased(Offer)
    later = (
        select(newer.id)
        .where(
            newer.application_id == col(Offer.application_id), newer.revision > col(Offer.revision)
        )
        .exists()
    )
    return ~later


# -- reserved / committed / available --------------------------------------------------------

_RESERVING = [s.value for s in RESERVING]
_COMMITTING = [s.value for s in COMMITTING]


def holds(status: OfferStatus | str) -> str:
    """'reserved' (approved or extended), 'committed' (accepted), or '' (holds no money)."""
    if str(status) in _RESERVING:
        return "reserved"
    if str(status) in _COMMITTING:
        return "committed"
    return ""


def reserved(charges: Iterable[tuple[OfferStatus | str, int]]) -> int:
    """Life cost of the items on approved or extended offers: (offer status, life cost) pairs."""
    return sum(cost for status, cost in charges if holds(status) == "reserved")


def committed(charges: Iterable[tuple[OfferStatus | str, int]]) -> int:
    """Life cost of the items on accepted offers: (offer status, life cost) pairs."""
    return sum(cost for status, cost in charges if holds(status) == "committed")


def available(total: int, reserved: int, committed: int) -> int:
    return total - reserved - committed


def reserved_sql(status: Any = None, cost: Any = None) -> Any:
    """SUM of item life costs on reserving offers (0, not NULL, when there are none)."""
    status = col(Offer.status) if status is None else status
    cost = item_life_cost_sql() if cost is None else cost
    return func.coalesce(func.sum(case((status.in_(_RESERVING), cost), else_=0)), 0)


def committed_sql(status: Any = None, cost: Any = None) -> Any:
    status = col(Offer.status) if status is None else status
    cost = item_life_cost_sql() if cost is None else cost
    return func.coalesce(func.sum(case((status.in_(_COMMITTING), cost), else_=0)), 0)


class Accounts:
    """Mixin for anything with total, reserved and committed (minor units): one definition of
    'available' for sources, report rows and institution totals. `committed` includes what
    was paid (`paid`, net of refunds), so total = available + reserved + committed-unpaid +
    paid."""

    total: int
    reserved: int
    committed: int
    paid: int = 0

    @property
    def committed_unpaid(self) -> int:
        return self.committed - self.paid

    @property
    def available(self) -> int:
        return available(self.total, self.reserved, self.committed)

    @property
    def used_fraction(self) -> float:
        """For display only (a percentage bar); never used in arithmetic."""
        return (self.reserved + self.committed) / self.total if self.total else 0.0


# -- the ledger: money paid over time (issue 18) ---------------------------------------------
# A source is charged by "charges": each instalment of a scheduled item (to the instalment's
# source, else the item's), each whole unscheduled item (its life cost), and each refund receipt
# (negative, state 'refund'). Paid money stays paid whatever becomes of the offer; stopped and
# lapsed instalments return to the source.

_UNPAID_STATES = ("planned", "sent")
_PAID_STATES = ("paid", "refund")


def charge_bucket(offer_status: OfferStatus | str, state: str | None) -> str:
    """'reserved', 'committed_unpaid', 'paid' or '' for a charge of an offer in
    `offer_status` whose instalment is in `state` (None: an unscheduled item)."""
    if state in _PAID_STATES:
        return "paid"
    if state is not None and state not in _UNPAID_STATES:
        return ""
    held = holds(offer_status)
    return "committed_unpaid" if held == "committed" else held


@dataclass(frozen=True)
class Ledger:
    """A source's (or a fiscal year's) charges by bucket, in minor units."""

    reserved: int = 0
    committed_unpaid: int = 0
    paid: int = 0

    @property
    def committed(self) -> int:
        return self.committed_unpaid + self.paid

    def __add__(self, other: Ledger) -> Ledger:
        return Ledger(
            self.reserved + other.reserved,
            self.committed_unpaid + other.committed_unpaid,
            self.paid + other.paid,
        )


def ledger(charges: Iterable[tuple[OfferStatus | str, str | None, int]]) -> Ledger:
    """(offer status, instalment state, amount) charges summed by bucket."""
    sums = {"reserved": 0, "committed_unpaid": 0, "paid": 0}
    for status, state, amount in charges:
        bucket = charge_bucket(status, state)
        if bucket:
            sums[bucket] += amount
    return Ledger(**sums)


def charges_sql() -> Subquery:
    """Every charge as a row (source_id, offer_status, state, amount): `ledger` in SQL reads
    this through `ledger_sql`."""
    scheduled: Any = (
        select(
            func.coalesce(
                col(Instalment.funding_source_id), col(OfferItem.funding_source_id)
            ).label("source_id"),
            col(Offer.status).label("offer_status"),
            col(Instalment.status).label("state"),
            col(Instalment.amount_minor).label("amount"),
        )
        .select_from(Instalment)
        .join(OfferItem, col(OfferItem.id) == col(Instalment.offer_item_id))
        .join(Offer, col(Offer.id) == col(OfferItem.offer_id))
    )
    has_schedule = select(col(Instalment.id)).where(
        col(Instalment.offer_item_id) == col(OfferItem.id)
    )
    unscheduled = (
        select(
            col(OfferItem.funding_source_id),
            col(Offer.status),
            literal(None).label("state"),
            item_life_cost_sql(),
        )
        .select_from(OfferItem)
        .join(Offer, col(Offer.id) == col(OfferItem.offer_id))
        .where(~has_schedule.exists())
    )
    refunds = (  # only refund money received back returns to the source
        select(
            col(Refund.funding_source_id),
            literal(None),
            literal("refund"),
            -col(RefundReceipt.amount_minor),
        )
        .select_from(RefundReceipt)
        .join(Refund, col(Refund.id) == col(RefundReceipt.refund_id))
    )
    return union_all(scheduled, unscheduled, refunds).subquery("charge")


def ledger_sql(charges: Subquery) -> tuple[Any, Any, Any]:
    """(reserved, committed-unpaid, paid) as SUMs over `charges_sql()` rows (0 when none)."""
    status, state, amount = charges.c.offer_status, charges.c.state, charges.c.amount
    unpaid = state.is_(None) | state.in_(_UNPAID_STATES)

    def total(when: Any) -> Any:
        return func.coalesce(func.sum(case((when, amount), else_=0)), 0)

    return (
        total(unpaid & status.in_(_RESERVING)),
        total(unpaid & status.in_(_COMMITTING)),
        total(state.in_(_PAID_STATES)),
    )


__all__ = [
    "OPEN",
    "STALE_DAYS",
    "Accounts",
    "ApplicationCounts",
    "Item",
    "Ledger",
    "Package",
    "application_counts",
    "application_counts_sql",
    "available",
    "charge_bucket",
    "charges_sql",
    "committed",
    "committed_sql",
    "counts_of",
    "days_in_stage",
    "days_since",
    "holds",
    "in_reporting",
    "in_stage_over_sql",
    "is_current_offer",
    "is_current_offer_sql",
    "is_open",
    "is_open_sql",
    "is_stale",
    "is_stale_sql",
    "item_first_year",
    "item_first_year_sql",
    "item_life_cost",
    "item_life_cost_sql",
    "item_package",
    "item_startup",
    "item_startup_sql",
    "ledger",
    "ledger_sql",
    "life_by_kind",
    "package",
    "package_sql",
    "reserved",
    "reserved_sql",
]
