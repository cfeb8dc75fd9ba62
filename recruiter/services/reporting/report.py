"""The whole report: every summary section for some filters, read in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from recruiter.store.database import Database

from .awaiting import AwaitingOffer, awaiting_in
from .money import MoneyContext, _money_in
from .scope import FilterLabels, Filters, labels_in, today_in
from .sections import (
    FollowUp,
    FundingGroup,
    FundingRow,
    FunnelRow,
    HireSource,
    Kpis,
    MonthOffers,
    OfferStats,
    TargetProgress,
    funding_by_institution,
    funding_in,
    funnel_in,
    hire_sources_in,
    kpis_from,
    offer_count_in,
    offer_stats_in,
    offers_by_month_in,
    overdue_in,
    stage_days_in,
    stale_count_in,
    targets_in,
)


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
    awaiting: list[AwaitingOffer] = field(default_factory=list)  # soonest expiry first
    awaiting_total: int = 0  # offers awaiting an answer, all of them


def build(
    db: Database, f: Filters = Filters(), as_of: date | None = None, *, detail: bool = True
) -> Report:
    """Everything the Summary sheet and the dashboard show, in one read transaction.

    `detail=False` (the dashboard) skips median days in stage, the one figure that reads every
    stage_event; everything else is the same computation the workbook uses.
    """
    with db.session() as s:
        as_of = as_of or today_in(s)
        money = _money_in(s)
        fun = funnel_in(s, f)
        if detail:
            days = stage_days_in(s, f)
            fun = [replace(r, median_days=days.get(r.stage, (None, 0))[0]) for r in fun]
        progress = targets_in(s, f)
        offers = offer_stats_in(s, f, money)
        fund = funding_in(s, f, money)
        overdue_n, overdue = overdue_in(s, f, as_of)
        awaiting_n, awaiting = awaiting_in(s, f, as_of)
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
            awaiting=awaiting,
            awaiting_total=awaiting_n,
        )
