"""The summary sections of a report (funnel, progress to targets, offers, funding, sources of
hires, follow-ups, key figures): what the Dashboard and the workbook's Summary both show.
Every figure is read through domain.figures, so no rule is restated here."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col

from recruiter.domain import figures
from recruiter.domain.enums import (
    CLOSED_OUTCOMES,
    STAGES,
    FundingKind,
    OfferStatus,
    Outcome,
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
from recruiter.i18n import N_, _
from recruiter.store.database import Database

from .. import funding
from .money import MoneyContext, _int_median, _Money, _money_in
from .scope import (
    DECIDED,
    LATE_STAGES,
    MADE,
    STALE_DAYS,
    Filters,
    _activity_scope,
    _app_conditions,
    _current_offer_stmt,
    _place_conditions,
    _raw,
    _target_conditions,
    zone_in,
)

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
    median_days: int | None = None  # whole days, like days in stage everywhere
    on_hold: int = 0  # of `open`

    @property
    def active(self) -> int:
        return self.open - self.on_hold

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
        select(col(Application.stage), col(Application.outcome), func.count())
        .where(*_app_conditions(f, zone_in(s)))
        .group_by(col(Application.stage), col(Application.outcome))
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
                figures.ApplicationCounts(c[Outcome.active], c[Outcome.on_hold]).open,
                c[Outcome.hired],
                c[Outcome.declined],
                c[Outcome.rejected],
                c[Outcome.withdrawn],
                reached[i + 1] if i + 1 < len(STAGES) else None,
                on_hold=c[Outcome.on_hold],
            )
        )
    return rows


def funnel(db: Database, f: Filters = Filters()) -> list[FunnelRow]:
    with db.session() as s:
        return funnel_in(s, f)


def stage_days_in(s: Session, f: Filters) -> dict[Stage, tuple[int, int]]:
    """Median whole days spent in each stage, from stage_event: {stage: (median days, stays)}.

    A stay starts when an application enters a stage and ends when it moves on or is closed;
    stays still running are left out, so a long current stay does not count as finished.
    """
    conds = _app_conditions(f, zone_in(s))
    stmt = select(
        col(StageEvent.application_id),
        _raw(col(StageEvent.to_stage)),
        _raw(col(StageEvent.outcome)),
        _raw(col(StageEvent.at)),
    )
    if conds:
        stmt = stmt.where(
            col(StageEvent.application_id).in_(select(col(Application.id)).where(*conds))
        )
    stmt = stmt.order_by(col(StageEvent.application_id), col(StageEvent.at), col(StageEvent.id))
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
    return {Stage(st): (round(statistics.median(v)), len(v)) for st, v in stays.items() if v}


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
    open: int  # open applications (active or on hold)
    late: int  # open applications at offer stage or beyond
    fill_by: date | None
    active: int = 0  # outcome active
    on_hold: int = 0

    @property
    def filled(self) -> float:
        """Share of headcount hired; for display only."""
        return self.hired / self.headcount if self.headcount else 0.0


def targets_in(s: Session, f: Filters) -> list[TargetProgress]:
    outcome = _raw(col(Application.outcome))
    is_open = figures.is_open_sql(outcome)
    late = _raw(col(Application.stage)).in_([st.value for st in LATE_STAGES])
    active, on_hold = figures.application_counts_sql(outcome)
    per = (
        select(
            col(Application.target_id).label("tid"),
            func.sum(case((outcome == Outcome.hired.value, 1), else_=0)).label("hired"),
            active.label("active"),
            on_hold.label("on_hold"),
            func.sum(case((and_(is_open, late), 1), else_=0)).label("late"),
        )
        .where(*_place_conditions(f))
        .group_by(col(Application.target_id))
        .subquery("per")
    )
    stmt = (
        select(
            col(Target.id),
            col(Target.title),
            col(Institution.name),
            col(Department.name),
            col(Target.status),
            col(Target.headcount),
            col(Target.fill_by),
            per.c.hired,
            per.c.active,
            per.c.on_hold,
            per.c.late,
        )
        .select_from(Target)
        .join(Institution, col(Institution.id) == col(Target.institution_id))
        .outerjoin(Department, col(Department.id) == col(Target.department_id))
        .outerjoin(per, per.c.tid == col(Target.id))
        .where(*_target_conditions(f))
        .order_by(col(Institution.name), col(Target.title), col(Target.id))
    )
    out = []
    for r in s.execute(stmt).all():
        counts = figures.counts_of(r[8], r[9])
        out.append(
            TargetProgress(
                r[0],
                r[1],
                r[2],
                r[3],
                str(r[4]),
                int(r[5]),
                int(r[7] or 0),
                counts.open,
                int(r[10] or 0),
                r[6],
                counts.active,
                counts.on_hold,
            )
        )
    return out


def application_counts_in(s: Session, f: Filters) -> figures.ApplicationCounts:
    """Open / active / on-hold applications in scope (the Dashboard's and the Targets page's
    figures: both read this definition)."""
    stmt = select(*figures.application_counts_sql(_raw(col(Application.outcome)))).where(
        *_app_conditions(f, zone_in(s))
    )
    return figures.counts_of(*s.execute(stmt).one())


def application_counts(db: Database, f: Filters = Filters()) -> figures.ApplicationCounts:
    with db.session() as s:
        return application_counts_in(s, f)


def targets(db: Database, f: Filters = Filters()) -> list[TargetProgress]:
    with db.session() as s:
        return targets_in(s, f)


# -- offers ----------------------------------------------------------------------------------


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


def offer_stats_in(s: Session, f: Filters, money: _Money) -> OfferStats:
    """Counts by status and the medians. Two streaming queries joined in Python: the current
    offers, and their package figures summed per (offer, currency) straight off a covering
    index; one joined, grouped query needs a temporary B-tree and takes twice as long at 100k."""
    conn = s.connection()
    current = _current_offer_stmt(
        f, zone_in(s), col(Offer.id), _raw(col(Offer.status)), col(Offer.extended_on).is_not(None)
    )
    by_status: dict[OfferStatus, int] = {st: 0 for st in OfferStatus}
    statuses = {st.value: st for st in OfferStatus}
    made: set[int] = set()
    for oid, status, extended in conn.execute(current).all():
        st = statuses[status]
        by_status[st] += 1
        if st in MADE or extended:
            made.add(oid)
    # Only the two figures the medians need, each (offer, currency) sum converted once as
    # figures.in_reporting does; no Package objects, which cost a third of the time at 100k.
    oid_col, ccy_col = col(OfferItem.offer_id), col(OfferItem.currency)
    items = select(
        oid_col,
        ccy_col,
        func.sum(figures.item_first_year_sql()),
        func.sum(figures.item_startup_sql()),
    ).group_by(oid_col, ccy_col)
    if f.institution_ids or f.target_ids or f.stages or f.date_from or f.date_to:
        items = items.where(oid_col.in_(current.with_only_columns(col(Offer.id))))
    cash: dict[int, list[int]] = {oid: [0, 0, 0] for oid in made}  # first year, start-up, any
    for oid, ccy, fy, su in conn.execute(items):
        c = cash.get(oid)
        if c is not None:
            c[0] += money(int(fy), ccy)
            c[1] += money(int(su), ccy)
            c[2] = 1
    with_items = [c for c in cash.values() if c[2]]
    return OfferStats(
        by_status,
        len(made),
        _int_median([c[0] for c in with_items]),
        _int_median([c[1] for c in with_items]),
    )


def offer_count_in(s: Session, f: Filters) -> int:
    sq = _current_offer_stmt(f, zone_in(s), col(Offer.id)).subquery()
    return int(s.execute(select(func.count()).select_from(sq)).scalar_one())


def _months(f: Filters, as_of: date) -> list[str]:
    start = f.date_from or date(as_of.year - 1, as_of.month, 1) + timedelta(days=31)
    end = f.date_to or as_of
    first = date(start.year, start.month, 1)
    out: list[str] = []
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
        _current_offer_stmt(f, zone_in(s), col(Offer.extended_on), col(Offer.status), func.count())
        .where(col(Offer.extended_on) >= lo, col(Offer.extended_on) <= (f.date_to or as_of))
        .group_by(col(Offer.extended_on), col(Offer.status))
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
    def kind_label(self) -> str:
        try:
            return FundingKind(self.kind).label
        except ValueError:
            return self.kind.capitalize()

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
        select(col(OfferItem.funding_source_id))
        .join(Offer, col(Offer.id) == col(OfferItem.offer_id))
        .join(Application, col(Application.id) == col(Offer.application_id))
        .where(col(OfferItem.funding_source_id).is_not(None), *_place_conditions(f))
    )
    cond: ColumnElement[bool] = col(FundingSource.id).in_(used)
    if f.institution_ids and not f.target_ids:
        cond = or_(
            col(FundingSource.institution_id).in_(f.institution_ids),
            and_(col(FundingSource.institution_id).is_(None), cond),
        )
    return [int(r[0]) for r in s.execute(select(col(FundingSource.id)).where(cond)).all()]


def funding_in(s: Session, f: Filters, money: _Money) -> list[FundingRow]:
    ids = _source_ids(s, f)
    if ids == []:
        return []
    names = dict(s.execute(select(col(Institution.id), col(Institution.name))).tuples().all())
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
            col(Candidate.source),
            func.count(),
            func.sum(case((col(Application.outcome) == Outcome.hired, 1), else_=0)),
        )
        .select_from(Application)
        .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
        .where(*_app_conditions(f, zone_in(s)))
        .group_by(col(Candidate.source))
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


def overdue_in(s: Session, f: Filters, as_of: date, limit: int = 20) -> tuple[int, list[FollowUp]]:
    """Open follow-ups due before `as_of`: how many, and the oldest few."""
    conds = [col(Activity.done).is_(False), col(Activity.due_on) < as_of, *_activity_scope(f)]
    count = int(s.execute(select(func.count()).select_from(Activity).where(*conds)).scalar_one())
    stmt = (
        select(
            col(Activity.id), col(Candidate.full_name), col(Activity.summary), col(Activity.due_on)
        )
        .join(Candidate, col(Candidate.id) == col(Activity.candidate_id))
        .where(*conds)
        .order_by(col(Activity.due_on), col(Activity.id))
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
    active: int = 0  # of `open`: outcome active
    on_hold: int = 0  # of `open`: outcome on hold

    @property
    def counts(self) -> figures.ApplicationCounts:
        """Open / active / on hold, as the Targets page shows them."""
        return figures.ApplicationCounts(self.active, self.on_hold)

    @classmethod
    def empty(cls) -> Kpis:
        return cls(0, 0, 0, 0, 0, None, 0, 0, 0, None)

    def items(self) -> list[tuple[str, Any, str]]:
        """(label, value, kind) in display order: the dashboard tiles and the workbook's
        "Key figures" are both this list, so they cannot disagree. The labels are English, the
        tiles' keys; `kpi_label` says them in the current language."""
        return [
            (N_("Applications"), self.applications, "count"),
            (N_("Open applications"), self.open, "count"),
            (N_("Hires"), self.hires, "count"),
            (STALE_LABEL, self.stale, "count"),
            (N_("Offers made"), self.offers_made, "count"),
            (N_("Offer acceptance rate"), self.acceptance_rate, "percent"),
            (N_("Median first-year cash"), self.median_first_year, "money"),
            (N_("Median start-up funds"), self.median_startup, "money"),
            (N_("Overdue follow-ups"), self.overdue, "count"),
            (N_("Target headcount"), self.headcount, "count"),
            (N_("Hired against targets"), self.hired_to_targets, "count"),
            (N_("Funding available"), self.available, "money"),
        ]


STALE_LABEL = f"Stale (over {STALE_DAYS} days in stage)"


def kpi_label(label: str) -> str:
    """A key figure's label (from `Kpis.items`) in the current language."""
    if label == STALE_LABEL:
        return _("Stale (over {days} days in stage)").format(days=STALE_DAYS)
    return _(label)


def stale_count_in(s: Session, f: Filters, as_of: date) -> int:
    """Open applications more than STALE_DAYS days in their stage (figures.is_stale)."""
    zone = zone_in(s)
    stmt = (
        select(func.count())
        .select_from(Application)
        .where(*_app_conditions(f, zone), figures.is_stale_sql(as_of, zone))
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
        active=sum(r.active for r in fun),
        on_hold=sum(r.on_hold for r in fun),
    )
