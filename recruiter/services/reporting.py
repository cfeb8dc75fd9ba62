"""The one report layer behind the dashboard and the leadership workbook, so they never disagree.

No Qt, no openpyxl: plain dataclasses and row tuples out. Money is integer minor units in the
reporting currency (services.rates), with the rates used named in the report.

What the filters mean, deliberately:
- institution(s) and target(s) restrict everything to those targets' pipelines (funding: the
  sources of those institutions, plus unassigned sources that pay for their offers);
- the date range selects *applications created* in it (a cohort: funnel, losses, days in stage,
  sources of hires, the Pipeline sheet) and *offers made* in it (extended_on, or created_at for
  offers never extended). Progress to targets, funding and overdue follow-ups are "as of" figures
  and ignore the date range.
- "as of" is a local calendar day; days in stage count local days, and an application is stale
  when it is open and has been more than STALE_DAYS days in its stage.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Date, String, and_, case, func, or_, select, type_coerce, union
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from recruiter.domain.clock import to_local
from recruiter.domain.enums import (
    CLOSED_OUTCOMES,
    OPEN_OUTCOMES,
    STAGES,
    ItemKind,
    OfferStatus,
    Outcome,
    Period,
    Stage,
)
from recruiter.domain.models import (
    Activity,
    Application,
    Candidate,
    Department,
    FundingSource,
    Institution,
    Offer,
    OfferItem,
    StageEvent,
    Target,
)
from recruiter.domain.money import exponent
from recruiter.errors import NotFound
from recruiter.store.database import Database

from . import funding, rates

STALE_DAYS = 30
CHUNK = 2_000
OPEN = tuple(OPEN_OUTCOMES)
LOST = (Outcome.declined, Outcome.rejected, Outcome.withdrawn)
# Offers that reached the candidate.
MADE = (OfferStatus.extended, OfferStatus.accepted, OfferStatus.declined, OfferStatus.expired)
DECIDED = (OfferStatus.accepted, OfferStatus.declined, OfferStatus.expired)
LATE_STAGES = tuple(s for s in STAGES if s.index >= Stage.offer.index)
ITEM_KINDS: tuple[ItemKind, ...] = tuple(ItemKind)


# -- filters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a report is restricted to; empty tuples mean "all"."""

    institution_ids: tuple[int, ...] = ()
    target_ids: tuple[int, ...] = ()
    date_from: date | None = None
    date_to: date | None = None


def resolve_institutions(db: Database, names: Sequence[str]) -> tuple[int, ...]:
    """Institution ids for names typed on the command line (English or Chinese, any case)."""
    if not names:
        return ()
    with db.session() as s:
        rows = s.execute(select(Institution.id, Institution.name, Institution.name_zh)).all()
    index: dict[str, int] = {}
    for iid, name, name_zh in rows:
        index[name.casefold().strip()] = iid
        if name_zh:
            index[name_zh.strip()] = iid
    ids: list[int] = []
    unknown = []
    for n in names:
        key = n.strip()
        iid = index.get(key.casefold(), index.get(key))
        if iid is None:
            unknown.append(n)
        elif iid not in ids:
            ids.append(iid)
    if unknown:
        known = ", ".join(sorted(r[1] for r in rows)) or "none yet"
        raise NotFound(
            f"No institution named {', '.join(repr(u) for u in unknown)}. "
            f"Known institutions: {known}."
        )
    return tuple(ids)


@dataclass(frozen=True)
class FilterOptions:
    """What the filter pickers offer: institutions (id, name), targets (id, title, inst id)."""

    institutions: list[tuple[int, str]]
    targets: list[tuple[int, str, int]]


def filter_options(db: Database) -> FilterOptions:
    with db.session() as s:
        insts = [
            (int(i), n)
            for i, n in s.execute(
                select(Institution.id, Institution.name).order_by(Institution.name)
            ).all()
        ]
        tgts = [
            (int(i), t, int(inst))
            for i, t, inst in s.execute(
                select(Target.id, Target.title, Target.institution_id).order_by(
                    Target.title, Target.id
                )
            ).all()
        ]
    return FilterOptions(insts, tgts)


def local_midnight(day: date) -> datetime:
    """The UTC instant at which a local calendar day starts (timestamps are stored in UTC)."""
    return datetime.combine(day, time()).astimezone().astimezone(UTC)


def _app_conditions(f: Filters) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if f.institution_ids:
        conds.append(
            Application.target_id.in_(
                select(Target.id).where(Target.institution_id.in_(f.institution_ids))
            )
        )
    if f.target_ids:
        conds.append(Application.target_id.in_(f.target_ids))
    if f.date_from:
        conds.append(Application.created_at >= local_midnight(f.date_from))
    if f.date_to:
        conds.append(Application.created_at < local_midnight(f.date_to + timedelta(days=1)))
    return conds


def _scope_conditions(f: Filters) -> list[ColumnElement[bool]]:
    """Institution/target only: for the "as of" figures that ignore the date range."""
    return _app_conditions(Filters(f.institution_ids, f.target_ids))


def _target_conditions(f: Filters) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if f.institution_ids:
        conds.append(Target.institution_id.in_(f.institution_ids))
    if f.target_ids:
        conds.append(Target.id.in_(f.target_ids))
    return conds


def _offer_date_conditions(f: Filters) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if f.date_from:
        conds.append(
            or_(
                Offer.extended_on >= f.date_from,
                and_(Offer.extended_on.is_(None), Offer.created_at >= local_midnight(f.date_from)),
            )
        )
    if f.date_to:
        end = f.date_to + timedelta(days=1)
        conds.append(
            or_(
                Offer.extended_on < end,
                and_(Offer.extended_on.is_(None), Offer.created_at < local_midnight(end)),
            )
        )
    return conds


def _current_offers() -> Any:
    """Subquery (application_id, revision) of each application's latest offer revision."""
    return (
        select(
            Offer.application_id.label("application_id"), func.max(Offer.revision).label("revision")
        )
        .group_by(Offer.application_id)
        .subquery("cur")
    )


def _raw(col: Any) -> Any:
    """A column fetched as the driver returns it: no per-row enum or datetime processing,
    which is most of the cost when a report reads hundreds of thousands of rows."""
    return type_coerce(col, String)


def _ts(value: Any) -> datetime:
    """A stored UTC timestamp (text on SQLite, a datetime elsewhere) as an aware datetime."""
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@lru_cache(maxsize=8192)
def _utc_day_offset(day: str) -> timedelta | None:
    """The local UTC offset throughout one UTC day, or None when it changes that day."""
    start = datetime.fromisoformat(day).replace(tzinfo=UTC)
    first = start.astimezone().utcoffset()
    last = (start + timedelta(hours=23, minutes=59)).astimezone().utcoffset()
    return first if first == last else None


def _local_day(value: Any) -> date:
    """The local calendar day of a stored timestamp; cached per UTC day because converting
    every one of 100,000 timestamps through the time zone rules is the slow part."""
    if isinstance(value, str) and len(value) >= 19:
        offset = _utc_day_offset(value[:10])
        if offset is not None:
            return (datetime.fromisoformat(value) + offset).date()
    return _ts(value).astimezone().date()


def days_in_stage(stage_changed_at: datetime, as_of: date) -> int:
    return (as_of - to_local(stage_changed_at).date()).days


# -- money -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoneyContext:
    """The reporting currency and the rates a report used (currency -> rate text)."""

    currency: str
    rates: tuple[tuple[str, str], ...]

    @property
    def exponent(self) -> int:
        return exponent(self.currency)

    def describe(self) -> str:
        if not self.rates:
            return f"all amounts in {self.currency}; no conversion needed"
        used = ", ".join(f"1 {c} = {r} {self.currency}" for c, r in self.rates)
        return f"amounts in {self.currency}; rates used: {used}"


class _Money:
    """A converter that fails early, naming every missing rate, before any figure is shown."""

    def __init__(self, conv: rates.Converter, currencies: set[str]) -> None:
        self.conv = conv
        self.reporting = conv.reporting
        missing = conv.missing(currencies)
        if missing:
            raise rates.MissingRate(missing, conv.reporting)
        self._rates = dict(conv.rates)
        self.context = MoneyContext(
            conv.reporting,
            tuple(
                (c, format(r, "f")) for c, r in conv.used(currencies).items() if c != conv.reporting
            ),
        )

    def __call__(self, minor: int, currency: str) -> int:
        if currency == self.reporting:
            return minor
        return self.conv.to_reporting(minor, currency)


def _money_in(s: Session) -> _Money:
    """Every currency in use (items and sources), so the rates named cover the whole report."""
    stmt = union(select(OfferItem.currency).distinct(), select(FundingSource.currency).distinct())
    currencies = {str(r[0]).upper() for r in s.execute(stmt).all()}
    return _Money(rates.converter_in(s), currencies)


def money_context(db: Database) -> MoneyContext:
    with db.session() as s:
        return _money_in(s).context


# -- funnel, losses, days in stage -----------------------------------------------------------


@dataclass(frozen=True)
class FunnelRow:
    """Applications by the stage they are at (open) or reached (closed)."""

    stage: Stage
    reached: int  # at this stage or beyond
    open: int
    hired: int
    declined: int
    rejected: int
    withdrawn: int
    next_reached: int | None  # reached of the next stage; None for the last
    median_days: float | None = None

    @property
    def at_stage(self) -> int:
        return self.open + self.hired + self.lost

    @property
    def lost(self) -> int:
        return self.declined + self.rejected + self.withdrawn

    @property
    def conversion(self) -> float | None:
        """Share that went on to the next stage; for display only."""
        if self.next_reached is None or not self.reached:
            return None
        return self.next_reached / self.reached


def funnel_in(s: Session, f: Filters) -> list[FunnelRow]:
    stmt = (
        select(Application.stage, Application.outcome, func.count())
        .where(*_app_conditions(f))
        .group_by(Application.stage, Application.outcome)
    )
    counts: dict[Stage, dict[Outcome, int]] = {st: defaultdict(int) for st in STAGES}
    for stage, outcome, n in s.execute(stmt).all():
        counts[Stage(stage)][Outcome(outcome)] += int(n)
    totals = [sum(counts[st].values()) for st in STAGES]
    reached = [sum(totals[i:]) for i in range(len(STAGES))]
    rows = []
    for i, st in enumerate(STAGES):
        c = counts[st]
        rows.append(
            FunnelRow(
                st,
                reached[i],
                c[Outcome.active] + c[Outcome.on_hold],
                c[Outcome.hired],
                c[Outcome.declined],
                c[Outcome.rejected],
                c[Outcome.withdrawn],
                reached[i + 1] if i + 1 < len(STAGES) else None,
            )
        )
    return rows


def funnel(db: Database, f: Filters = Filters()) -> list[FunnelRow]:
    with db.session() as s:
        return funnel_in(s, f)


def stage_days_in(s: Session, f: Filters) -> dict[Stage, tuple[float, int]]:
    """Median days spent in each stage, from stage_event: {stage: (median days, stays)}.

    A stay starts when an application enters a stage and ends when it moves on or is closed;
    stays still running are left out, so a long current stay does not count as finished.
    """
    conds = _app_conditions(f)
    stmt = select(
        StageEvent.application_id,
        _raw(StageEvent.to_stage),
        _raw(StageEvent.outcome),
        _raw(StageEvent.at),
    )
    if conds:
        stmt = stmt.where(StageEvent.application_id.in_(select(Application.id).where(*conds)))
    stmt = stmt.order_by(StageEvent.application_id, StageEvent.at, StageEvent.id)
    stays: dict[str, list[float]] = defaultdict(list)
    app_id = None
    cur: str | None = None
    since: datetime | None = None
    closed = {o.value for o in CLOSED_OUTCOMES}
    result = s.connection().execution_options(yield_per=20_000).execute(stmt)
    parse = datetime.fromisoformat  # only differences matter: naive UTC text is enough
    for aid, to_stage, outcome, raw_at in result:
        at = parse(raw_at) if raw_at.__class__ is str else raw_at
        ends = outcome in closed
        if aid != app_id:
            app_id, cur, since = aid, (None if ends else to_stage), at
            continue
        if cur is None:  # closed; a later event reopened it
            cur, since = to_stage, at
        elif to_stage != cur or ends:
            assert since is not None
            stays[cur].append((at - since).total_seconds() / 86400)
            cur, since = to_stage, at
        if ends:
            cur = None
    return {Stage(st): (round(statistics.median(v), 1), len(v)) for st, v in stays.items() if v}


# -- progress to targets ---------------------------------------------------------------------


@dataclass(frozen=True)
class TargetProgress:
    target_id: int
    title: str
    institution: str
    department: str | None
    status: str
    headcount: int
    hired: int
    active: int  # open applications (active or on hold)
    late: int  # open applications at offer stage or beyond
    fill_by: date | None

    @property
    def filled(self) -> float:
        """Share of headcount hired; for display only."""
        return self.hired / self.headcount if self.headcount else 0.0


def targets_in(s: Session, f: Filters) -> list[TargetProgress]:
    is_open = _raw(Application.outcome).in_([o.value for o in OPEN])
    late = _raw(Application.stage).in_([st.value for st in LATE_STAGES])
    per = (
        select(
            Application.target_id.label("tid"),
            func.sum(case((_raw(Application.outcome) == Outcome.hired.value, 1), else_=0)).label(
                "hired"
            ),
            func.sum(case((is_open, 1), else_=0)).label("active"),
            func.sum(case((and_(is_open, late), 1), else_=0)).label("late"),
        )
        .where(*_scope_conditions(f))
        .group_by(Application.target_id)
        .subquery("per")
    )
    stmt = (
        select(
            Target.id,
            Target.title,
            Institution.name,
            Department.name,
            Target.status,
            Target.headcount,
            Target.fill_by,
            per.c.hired,
            per.c.active,
            per.c.late,
        )
        .select_from(Target)
        .join(Institution, Institution.id == Target.institution_id)
        .outerjoin(Department, Department.id == Target.department_id)
        .outerjoin(per, per.c.tid == Target.id)
        .where(*_target_conditions(f))
        .order_by(Institution.name, Target.title, Target.id)
    )
    return [
        TargetProgress(
            r[0],
            r[1],
            r[2],
            r[3],
            str(r[4]),
            int(r[5]),
            int(r[7] or 0),
            int(r[8] or 0),
            int(r[9] or 0),
            r[6],
        )
        for r in s.execute(stmt).all()
    ]


def targets(db: Database, f: Filters = Filters()) -> list[TargetProgress]:
    with db.session() as s:
        return targets_in(s, f)


# -- offers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferMoney:
    """One offer's package in the reporting currency."""

    by_kind: dict[ItemKind, int]  # life cost per kind (annual items times years)
    first_year: int  # cash in the first year: everything but research funds, annual items once
    startup: int  # research start-up funds over their life
    sources: tuple[str, ...]

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


def _offer_money_in(
    s: Session, money: _Money, offer_ids: Sequence[int] | Any
) -> dict[int, OfferMoney]:
    """Packages of the given offers (a list of ids or a subquery of ids)."""
    stmt = (
        select(
            OfferItem.offer_id,
            _raw(OfferItem.kind),
            OfferItem.currency,
            _raw(OfferItem.period),
            OfferItem.years,
            OfferItem.amount_minor,
            FundingSource.name,
        )
        .outerjoin(FundingSource, FundingSource.id == OfferItem.funding_source_id)
        .where(OfferItem.offer_id.in_(offer_ids))
    )
    kinds = {k.value: k for k in ItemKind}
    acc: dict[int, tuple[dict[ItemKind, int], list[int], set[str]]] = {}
    for oid, kind_text, ccy, period, years, amount, source in s.connection().execute(stmt):
        by_kind, cash, names = acc.setdefault(oid, ({}, [0, 0], set()))
        kind = kinds[kind_text]
        annual = period == "annual"
        life = money(int(amount) * (int(years) if annual else 1), ccy)
        by_kind[kind] = by_kind.get(kind, 0) + life
        if kind == ItemKind.startup_research:
            cash[1] += life
        else:
            cash[0] += money(int(amount), ccy) if annual else life
        if source:
            names.add(source)
    return {oid: OfferMoney(bk, c[0], c[1], tuple(sorted(n))) for oid, (bk, c, n) in acc.items()}


def _offer_cash_in(s: Session, money: _Money, offer_ids: Any) -> dict[int, tuple[int, int]]:
    """(first-year cash, start-up funds) per offer, summed in SQL per currency: the cheap path
    for the medians, which need no item detail."""
    annual = OfferItem.period == Period.annual
    startup = OfferItem.kind == ItemKind.startup_research
    first = func.sum(case((startup, 0), else_=OfferItem.amount_minor))
    funds = func.sum(
        case((startup, OfferItem.amount_minor * case((annual, OfferItem.years), else_=1)), else_=0)
    )
    stmt = (
        select(OfferItem.offer_id, OfferItem.currency, first, funds)
        .where(OfferItem.offer_id.in_(offer_ids))
        .group_by(OfferItem.offer_id, OfferItem.currency)
    )
    out: dict[int, tuple[int, int]] = {}
    for oid, ccy, fy, su in s.connection().execute(stmt):
        a, b = out.get(oid, (0, 0))
        out[oid] = (a + money(int(fy), ccy), b + money(int(su), ccy))
    return out


@dataclass(frozen=True)
class OfferStats:
    by_status: dict[OfferStatus, int]
    made: int  # offers that reached the candidate
    median_first_year: int | None
    median_startup: int | None

    @property
    def acceptance_rate(self) -> float | None:
        """Accepted out of decided (accepted, declined, expired); for display only."""
        decided = sum(self.by_status.get(st, 0) for st in DECIDED)
        return self.by_status.get(OfferStatus.accepted, 0) / decided if decided else None


@dataclass(frozen=True)
class MonthOffers:
    month: str  # "2026-03"
    extended: int
    accepted: int
    declined: int  # declined or expired


def _current_offer_stmt(f: Filters, *cols: Any, with_application: bool = False) -> Any:
    """Columns of each application's current offer (no later revision exists; the unique
    (application, revision) index answers that per row, cheaper than a grouped subquery)."""
    newer = aliased(Offer)
    later = (
        select(newer.id)
        .where(newer.application_id == Offer.application_id, newer.revision > Offer.revision)
        .exists()
    )
    stmt = select(*cols).select_from(Offer)
    scope = _scope_conditions(f)
    if scope or with_application:  # otherwise the offer table alone answers
        stmt = stmt.join(Application, Application.id == Offer.application_id)
    return stmt.where(~later, *scope, *_offer_date_conditions(f))


def _int_median(values: list[int]) -> int | None:
    """Median in whole minor units (the mean of the middle two, rounded down)."""
    if not values:
        return None
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) // 2


def offer_stats_in(s: Session, f: Filters, money: _Money) -> OfferStats:
    """Counts by status and the medians. Two streaming queries joined in Python: the current
    offers, and their items summed per (offer, currency) straight off a covering index; one
    joined, grouped query needs a temporary B-tree and takes twice as long at 100k."""
    conn = s.connection()
    current = _current_offer_stmt(f, Offer.id, _raw(Offer.status), Offer.extended_on.is_not(None))
    by_status: dict[OfferStatus, int] = {st: 0 for st in OfferStatus}
    statuses = {st.value: st for st in OfferStatus}
    cash: dict[int, list[int]] = {}  # made offers: first-year cash, start-up funds, has items
    made = 0
    for oid, status, extended in conn.execute(current).all():
        st = statuses[status]
        by_status[st] += 1
        if st in MADE or extended:
            made += 1
            cash[oid] = [0, 0, 0]
    annual = OfferItem.period == Period.annual
    startup = OfferItem.kind == ItemKind.startup_research
    first = func.sum(case((startup, 0), else_=OfferItem.amount_minor))
    funds = func.sum(
        case((startup, OfferItem.amount_minor * case((annual, OfferItem.years), else_=1)), else_=0)
    )
    items = select(OfferItem.offer_id, OfferItem.currency, first, funds).group_by(
        OfferItem.offer_id, OfferItem.currency
    )
    if f.institution_ids or f.target_ids or f.date_from or f.date_to:
        items = items.where(OfferItem.offer_id.in_(current.with_only_columns(Offer.id)))
    for oid, ccy, fy, su in conn.execute(items).all():
        c = cash.get(oid)
        if c is not None:
            c[0] += money(int(fy), ccy)
            c[1] += money(int(su), ccy)
            c[2] = 1
    made_cash = [c for c in cash.values() if c[2]]
    return OfferStats(
        by_status,
        made,
        _int_median([c[0] for c in made_cash]),
        _int_median([c[1] for c in made_cash]),
    )


def _months(f: Filters, as_of: date) -> list[str]:
    start = f.date_from or date(as_of.year - 1, as_of.month, 1) + timedelta(days=31)
    end = f.date_to or as_of
    first = date(start.year, start.month, 1)
    out = []
    while first <= end and len(out) < 60:
        out.append(f"{first:%Y-%m}")
        first = (first + timedelta(days=32)).replace(day=1)
    return out


def offers_by_month_in(s: Session, f: Filters, as_of: date) -> list[MonthOffers]:
    """Current offers by the month they were extended: the last 12 months unless a range is set.

    Grouped by day in SQL and bucketed here, so no date function of one database is needed.
    """
    months = _months(f, as_of)
    if not months:
        return []
    lo = date.fromisoformat(months[0] + "-01")
    stmt = (
        _current_offer_stmt(f, Offer.extended_on, Offer.status, func.count())
        .where(Offer.extended_on >= lo, Offer.extended_on <= (f.date_to or as_of))
        .group_by(Offer.extended_on, Offer.status)
    )
    buckets = {m: [0, 0, 0] for m in months}
    for day, status, n in s.execute(stmt).all():
        b = buckets.get(f"{day:%Y-%m}")
        if b is None:
            continue
        b[0] += n
        if status == OfferStatus.accepted:
            b[1] += n
        elif status in (OfferStatus.declined, OfferStatus.expired):
            b[2] += n
    return [MonthOffers(m, *buckets[m]) for m in months]


# -- funding ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundingRow(funding.Accounts):
    """One source, in the reporting currency (converted from `currency` at `rate`)."""

    source_id: int
    name: str
    kind: str
    institution: str | None
    fiscal_year: int | None
    currency: str
    total: int
    reserved: int
    committed: int

    @property
    def used(self) -> float:
        """Share reserved or committed; for display only."""
        return self.used_fraction


@dataclass(frozen=True)
class FundingGroup(funding.Accounts):
    name: str
    sources: int
    total: int
    reserved: int
    committed: int


def _source_ids(s: Session, f: Filters) -> list[int] | None:
    if not f.institution_ids and not f.target_ids:
        return None
    used = (
        select(OfferItem.funding_source_id)
        .join(Offer, Offer.id == OfferItem.offer_id)
        .join(Application, Application.id == Offer.application_id)
        .where(OfferItem.funding_source_id.is_not(None), *_scope_conditions(f))
    )
    cond = FundingSource.id.in_(used)
    if f.institution_ids and not f.target_ids:
        cond = or_(
            FundingSource.institution_id.in_(f.institution_ids),
            and_(FundingSource.institution_id.is_(None), cond),
        )
    return [int(r[0]) for r in s.execute(select(FundingSource.id).where(cond)).all()]


def funding_in(s: Session, f: Filters, money: _Money) -> list[FundingRow]:
    ids = _source_ids(s, f)
    if ids == []:
        return []
    names = dict(s.execute(select(Institution.id, Institution.name)).tuples().all())
    out = []
    for b in funding.balances_in(s, ids):
        out.append(
            FundingRow(
                b.source_id,
                b.name,
                str(b.kind),
                names.get(b.institution_id) if b.institution_id is not None else None,
                b.fiscal_year,
                b.currency,
                money(b.total, b.currency),
                money(b.reserved, b.currency),
                money(b.committed, b.currency),
            )
        )
    return out


def funding_by_institution(rows: Sequence[FundingRow]) -> list[FundingGroup]:
    groups: dict[str, list[FundingRow]] = defaultdict(list)
    for r in rows:
        groups[r.institution or "(no institution)"].append(r)
    return [
        FundingGroup(
            name,
            len(g),
            sum(r.total for r in g),
            sum(r.reserved for r in g),
            sum(r.committed for r in g),
        )
        for name, g in sorted(groups.items(), key=lambda kv: (kv[0].startswith("("), kv[0]))
    ]


def funding_report(db: Database, f: Filters = Filters()) -> tuple[MoneyContext, list[FundingRow]]:
    with db.session() as s:
        money = _money_in(s)
        return money.context, funding_in(s, f, money)


# -- sources of hires, follow-ups ------------------------------------------------------------


@dataclass(frozen=True)
class HireSource:
    source: str
    applications: int
    hires: int

    @property
    def rate(self) -> float:
        return self.hires / self.applications if self.applications else 0.0


def hire_sources_in(s: Session, f: Filters) -> list[HireSource]:
    stmt = (
        select(
            Candidate.source,
            func.count(),
            func.sum(case((Application.outcome == Outcome.hired, 1), else_=0)),
        )
        .select_from(Application)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .where(*_app_conditions(f))
        .group_by(Candidate.source)
    )
    rows = [
        HireSource(src or "(not recorded)", int(n), int(h or 0))
        for src, n, h in s.execute(stmt).all()
    ]
    return sorted(rows, key=lambda r: (-r.hires, -r.applications, r.source))


@dataclass(frozen=True)
class FollowUp:
    activity_id: int
    candidate: str
    summary: str
    due_on: date
    days_overdue: int


def _activity_scope(f: Filters) -> list[ColumnElement[bool]]:
    conds = _scope_conditions(f)
    if not conds:
        return []
    apps = select(Application.id).where(*conds)
    cands = select(Application.candidate_id).where(*conds)
    return [
        or_(
            Activity.application_id.in_(apps),
            and_(Activity.application_id.is_(None), Activity.candidate_id.in_(cands)),
        )
    ]


def overdue_in(s: Session, f: Filters, as_of: date, limit: int = 20) -> tuple[int, list[FollowUp]]:
    """Open follow-ups due before `as_of`: how many, and the oldest few."""
    conds = [Activity.done.is_(False), Activity.due_on < as_of, *_activity_scope(f)]
    count = int(s.execute(select(func.count()).select_from(Activity).where(*conds)).scalar_one())
    stmt = (
        select(Activity.id, Candidate.full_name, Activity.summary, Activity.due_on)
        .join(Candidate, Candidate.id == Activity.candidate_id)
        .where(*conds)
        .order_by(Activity.due_on, Activity.id)
        .limit(limit)
    )
    items = [FollowUp(r[0], r[1], r[2], r[3], (as_of - r[3]).days) for r in s.execute(stmt).all()]
    return count, items


# -- KPIs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kpis:
    applications: int
    open: int
    hires: int
    stale: int  # open and more than STALE_DAYS days in stage
    offers_made: int
    acceptance_rate: float | None
    overdue: int
    headcount: int  # of the targets in scope
    hired_to_targets: int  # hires counted against those targets (all time)
    available: int | None  # funding available, reporting currency (None: not computed)
    median_first_year: int | None = None
    median_startup: int | None = None

    @classmethod
    def empty(cls) -> Kpis:
        return cls(0, 0, 0, 0, 0, None, 0, 0, 0, None)

    def items(self) -> list[tuple[str, Any, str]]:
        """(label, value, kind) in display order: the dashboard tiles and the workbook's
        "Key figures" are both this list, so they cannot disagree."""
        return [
            ("Applications", self.applications, "count"),
            ("Open applications", self.open, "count"),
            ("Hires", self.hires, "count"),
            (f"Stale (over {STALE_DAYS} days in stage)", self.stale, "count"),
            ("Offers made", self.offers_made, "count"),
            ("Offer acceptance rate", self.acceptance_rate, "percent"),
            ("Median first-year cash", self.median_first_year, "money"),
            ("Median start-up funds", self.median_startup, "money"),
            ("Overdue follow-ups", self.overdue, "count"),
            ("Target headcount", self.headcount, "count"),
            ("Hired against targets", self.hired_to_targets, "count"),
            ("Funding available", self.available, "money"),
        ]


def stale_count_in(s: Session, f: Filters, as_of: date) -> int:
    cutoff = local_midnight(as_of - timedelta(days=STALE_DAYS))
    stmt = (
        select(func.count())
        .select_from(Application)
        .where(
            *_app_conditions(f),
            Application.outcome.in_(OPEN),
            Application.stage_changed_at < cutoff,
        )
    )
    return int(s.execute(stmt).scalar_one())


def kpis_from(
    fun: Sequence[FunnelRow],
    stale: int,
    offers: OfferStats,
    overdue: int,
    progress: Sequence[TargetProgress],
    fund: Sequence[FundingRow] | None,
) -> Kpis:
    return Kpis(
        applications=fun[0].reached if fun else 0,
        open=sum(r.open for r in fun),
        hires=sum(r.hired for r in fun),
        stale=stale,
        offers_made=offers.made,
        acceptance_rate=offers.acceptance_rate,
        overdue=overdue,
        headcount=sum(t.headcount for t in progress),
        hired_to_targets=sum(min(t.hired, t.headcount) for t in progress),
        available=None if fund is None else sum(r.available for r in fund),
        median_first_year=offers.median_first_year,
        median_startup=offers.median_startup,
    )


# -- the whole report ------------------------------------------------------------------------


@dataclass(frozen=True)
class FilterLabels:
    institutions: tuple[str, ...]
    targets: tuple[str, ...]
    period: str


@dataclass(frozen=True)
class Report:
    as_of: date
    filters: Filters
    labels: FilterLabels
    money: MoneyContext
    kpis: Kpis
    funnel: list[FunnelRow]
    targets: list[TargetProgress]
    offers: OfferStats
    offers_by_month: list[MonthOffers]
    funding: list[FundingRow]
    funding_groups: list[FundingGroup]
    hire_sources: list[HireSource]
    overdue: list[FollowUp]
    counts: dict[str, int] = field(default_factory=dict)  # rows of the big sheets


def labels_in(s: Session, f: Filters) -> FilterLabels:
    insts: tuple[str, ...] = ()
    tgts: tuple[str, ...] = ()
    if f.institution_ids:
        insts = tuple(
            s.execute(
                select(Institution.name)
                .where(Institution.id.in_(f.institution_ids))
                .order_by(Institution.name)
            ).scalars()
        )
    if f.target_ids:
        tgts = tuple(
            s.execute(
                select(Target.title).where(Target.id.in_(f.target_ids)).order_by(Target.title)
            ).scalars()
        )
    if f.date_from and f.date_to:
        period = f"applications created {f.date_from:%Y-%m-%d} to {f.date_to:%Y-%m-%d}"
    elif f.date_from:
        period = f"applications created from {f.date_from:%Y-%m-%d}"
    elif f.date_to:
        period = f"applications created up to {f.date_to:%Y-%m-%d}"
    else:
        period = "all dates"
    return FilterLabels(insts, tgts, period)


def build(
    db: Database, f: Filters = Filters(), as_of: date | None = None, *, detail: bool = True
) -> Report:
    """Everything the Summary sheet and the dashboard show, in one read transaction.

    `detail=False` (the dashboard) skips median days in stage, the one figure that reads every
    stage_event; everything else is the same computation the workbook uses.
    """
    as_of = as_of or date.today()
    with db.session() as s:
        money = _money_in(s)
        fun = funnel_in(s, f)
        if detail:
            days = stage_days_in(s, f)
            fun = [replace(r, median_days=days.get(r.stage, (None, 0))[0]) for r in fun]
        progress = targets_in(s, f)
        offers = offer_stats_in(s, f, money)
        fund = funding_in(s, f, money)
        overdue_n, overdue = overdue_in(s, f, as_of)
        kpis = kpis_from(fun, stale_count_in(s, f, as_of), offers, overdue_n, progress, fund)
        return Report(
            as_of=as_of,
            filters=f,
            labels=labels_in(s, f),
            money=money.context,
            kpis=kpis,
            funnel=fun,
            targets=progress,
            offers=offers,
            offers_by_month=offers_by_month_in(s, f, as_of),
            funding=fund,
            funding_groups=funding_by_institution(fund),
            hire_sources=hire_sources_in(s, f) if detail else [],
            overdue=overdue,
            counts={
                "Pipeline": fun[0].reached if fun else 0,
                "Offers": offer_count_in(s, f) if detail else 0,
                "Funding": len(fund),
            },
        )


# -- big per-row tables, streamed ------------------------------------------------------------

PIPELINE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Candidate", "text"),
    ("Chinese name", "text"),
    ("Current institution", "text"),
    ("Country", "text"),
    ("Field", "text"),
    ("Source", "text"),
    ("Target", "text"),
    ("Institution", "text"),
    ("Department", "text"),
    ("Stage", "text"),
    ("Outcome", "text"),
    ("Entered stage", "date"),
    ("Days in stage", "int"),
    ("Owner", "text"),
    ("Priority", "int"),
    ("Last activity", "date"),
    ("Next follow-up", "date"),
    ("Offer status", "text"),
    ("First-year cash", "money"),
    ("Start-up funds", "money"),
)

OFFER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Candidate", "text"),
    ("Chinese name", "text"),
    ("Target", "text"),
    ("Institution", "text"),
    ("Department", "text"),
    ("Revision", "int"),
    ("Status", "text"),
    ("Rank", "text"),
    ("Extended on", "date"),
    ("Expires on", "date"),
    ("Responded on", "date"),
    ("Start on", "date"),
    *((f"{k.label} (total)" if k == ItemKind.salary else k.label, "money") for k in ITEM_KINDS),
    ("First-year cash", "money"),
    ("Start-up funds", "money"),
    ("Package total", "money"),
    ("Funding sources", "text"),
)

FUNDING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Source", "text"),
    ("Kind", "text"),
    ("Institution", "text"),
    ("Fiscal year", "int"),
    ("Currency", "text"),
    ("Total", "money"),
    ("Reserved", "money"),
    ("Committed", "money"),
    ("Available", "money"),
    ("% used", "percent"),
)


def funding_table(rows: Sequence[FundingRow]) -> list[tuple[Any, ...]]:
    return [
        (
            r.name,
            r.kind.capitalize(),
            r.institution,
            r.fiscal_year,
            r.currency,
            r.total,
            r.reserved,
            r.committed,
            r.available,
            r.used,
        )
        for r in rows
    ]


def offer_count_in(s: Session, f: Filters) -> int:
    sq = _current_offer_stmt(f, Offer.id).subquery()
    return int(s.execute(select(func.count()).select_from(sq)).scalar_one())


def _label(value: Any) -> str | None:
    if value is None:
        return None
    for enum in (Stage, Outcome, OfferStatus):
        try:
            return enum(value).label
        except ValueError:
            continue
    return str(value)


def pipeline_rows(
    db: Database, f: Filters = Filters(), as_of: date | None = None, chunk: int = CHUNK
) -> Iterator[tuple[Any, ...]]:
    """One tuple per application (PIPELINE_COLUMNS), streamed from one SQL cursor in chunks.

    Offer packages are fetched per chunk, so memory stays flat however big the pipeline.
    """
    as_of = as_of or date.today()
    cur = _current_offers()
    off = aliased(Offer)
    by_app = (
        select(
            Activity.application_id.label("aid"),
            func.max(Activity.at).label("last"),
            func.min(case((Activity.done.is_(False), Activity.due_on))).label("next"),
        )
        .where(Activity.application_id.is_not(None))
        .group_by(Activity.application_id)
        .subquery("by_app")
    )
    by_cand = (
        select(
            Activity.candidate_id.label("cid"),
            func.max(Activity.at).label("last"),
            func.min(case((Activity.done.is_(False), Activity.due_on))).label("next"),
        )
        .where(Activity.application_id.is_(None))
        .group_by(Activity.candidate_id)
        .subquery("by_cand")
    )
    stmt = (
        select(
            Candidate.full_name,
            Candidate.name_zh,
            Candidate.current_institution,
            Candidate.country,
            Candidate.field,
            Candidate.source,
            Target.title,
            Institution.name,
            Department.name,
            _raw(Application.stage),
            _raw(Application.outcome),
            _raw(Application.stage_changed_at),
            Application.owner,
            Application.priority,
            _raw(by_app.c.last),
            type_coerce(by_app.c.next, Date),
            _raw(by_cand.c.last),
            type_coerce(by_cand.c.next, Date),
            off.id,
            _raw(off.status),
        )
        .select_from(Application)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .join(Target, Target.id == Application.target_id)
        .join(Institution, Institution.id == Target.institution_id)
        .outerjoin(Department, Department.id == Target.department_id)
        .outerjoin(cur, cur.c.application_id == Application.id)
        .outerjoin(off, and_(off.application_id == Application.id, off.revision == cur.c.revision))
        .outerjoin(by_app, by_app.c.aid == Application.id)
        .outerjoin(by_cand, by_cand.c.cid == Application.candidate_id)
        .where(*_app_conditions(f))
        .order_by(Institution.name, Target.title, Candidate.full_name, Application.id)
    )
    labels_stage = {st.value: st.label for st in Stage}
    labels_outcome = {o.value: o.label for o in Outcome}
    labels_offer = {o.value: o.label for o in OfferStatus}
    with db.session() as s:
        money = _money_in(s)
        result = s.connection().execution_options(yield_per=chunk).execute(stmt)
        for part in result.partitions(chunk):
            offer_ids = [r[18] for r in part if r[18] is not None]
            cash = _offer_cash_in(s, money, offer_ids) if offer_ids else {}
            for r in part:
                changed = _local_day(r[11])
                last = max(r[14], r[16]) if r[14] and r[16] else (r[14] or r[16])
                nxt = min(r[15], r[17]) if r[15] and r[17] else (r[15] or r[17])
                pkg = cash.get(r[18]) if r[18] is not None else None
                yield (
                    r[0],
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    r[5],
                    r[6],
                    r[7],
                    r[8],
                    labels_stage[r[9]],
                    labels_outcome[r[10]],
                    changed,
                    (as_of - changed).days,
                    r[12],
                    r[13],
                    _local_day(last) if last else None,
                    nxt,
                    labels_offer[r[19]] if r[19] is not None else None,
                    pkg[0] if pkg else None,
                    pkg[1] if pkg else None,
                )


def offer_rows(
    db: Database, f: Filters = Filters(), chunk: int = CHUNK
) -> Iterator[tuple[Any, ...]]:
    """One tuple per current offer (OFFER_COLUMNS), its items summed by kind; streamed."""
    stmt = (
        _current_offer_stmt(
            f,
            Offer.id,
            Candidate.full_name,
            Candidate.name_zh,
            Target.title,
            Institution.name,
            Department.name,
            Offer.revision,
            Offer.status,
            Offer.rank,
            Offer.extended_on,
            Offer.expires_on,
            Offer.responded_on,
            Offer.start_on,
            with_application=True,
        )
        .join(Candidate, Candidate.id == Application.candidate_id)
        .join(Target, Target.id == Application.target_id)
        .join(Institution, Institution.id == Target.institution_id)
        .outerjoin(Department, Department.id == Target.department_id)
        .order_by(Institution.name, Target.title, Candidate.full_name, Offer.id)
    )
    with db.session() as s:
        money = _money_in(s)
        result = s.execute(stmt.execution_options(yield_per=chunk))
        for part in result.partitions(chunk):
            packages = _offer_money_in(s, money, [r[0] for r in part])
            for r in part:
                pkg = packages.get(r[0])
                kinds = [pkg.by_kind.get(k) if pkg else None for k in ITEM_KINDS]
                yield (
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    r[5],
                    r[6],
                    _label(r[7]),
                    r[8],
                    r[9],
                    r[10],
                    r[11],
                    r[12],
                    *kinds,
                    pkg.first_year if pkg else None,
                    pkg.startup if pkg else None,
                    pkg.total if pkg else None,
                    ", ".join(pkg.sources) if pkg and pkg.sources else None,
                )


__all__ = [
    "FUNDING_COLUMNS",
    "OFFER_COLUMNS",
    "PIPELINE_COLUMNS",
    "STALE_DAYS",
    "FilterOptions",
    "Filters",
    "FollowUp",
    "FundingGroup",
    "FundingRow",
    "FunnelRow",
    "HireSource",
    "Kpis",
    "MoneyContext",
    "MonthOffers",
    "OfferMoney",
    "OfferStats",
    "Report",
    "TargetProgress",
    "build",
    "filter_options",
    "funding_by_institution",
    "funding_report",
    "funding_table",
    "funnel",
    "money_context",
    "offer_rows",
    "pipeline_rows",
    "resolve_institutions",
    "targets",
]
