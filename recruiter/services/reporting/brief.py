"""The one-page brief for leadership, as plain data: what the page shows, taken from the same
Report as the workbook's Summary (so the two cannot disagree), with every figure already in the
words and numbers the page prints. Rendering (Qt) lives in recruiter.ui.brief."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from recruiter.domain.money import format_amount
from recruiter.i18n import N_, _, format_money_compact
from recruiter.store.database import Database

from .awaiting import AwaitingOffer
from .report import Report, build
from .scope import Filters
from .sections import kpi_label

TITLE = N_("Recruitment brief")
# What one A4 page has room for; the workbook has every row.
FUNDING_ROWS = 8
TARGET_ROWS = 8
AWAITING_ROWS = 12
# The key figures on the page, by their (English) label in Kpis.items() (the dashboard's tiles).
KEY_FIGURES = (
    "Applications",
    "Open applications",
    "Hires",
    "Offers made",
    "Offer acceptance rate",
    "Funding available",
    "Target headcount",
    "Hired against targets",
    "Overdue follow-ups",
    "Median first-year cash",
)


def figure_text(value: Any, kind: str, currency: str) -> str:
    """A figure as the brief prints it: counts with separators, one-decimal percentages, money
    exact in the reporting currency (no rounding to millions: leadership compares them)."""
    if value is None:
        return "—"
    if kind == "percent":
        return f"{value:.1%}"
    if kind == "money":
        return format_amount(int(value), currency).removesuffix(".00")
    return f"{value:,}"


def filter_facts(report: Report) -> list[tuple[str, str]]:
    """The filters in force, in words: the first lines of the Summary sheet and of the brief."""
    lab = report.labels
    return [
        (_("Institutions"), _(", ").join(lab.institutions) or _("All institutions")),
        (_("Targets"), _(", ").join(lab.targets) or _("All targets")),
        (_("Stages"), lab.stage_words),
        (_("Period"), lab.period[:1].upper() + lab.period[1:]),
        (_("As of"), f"{report.as_of:%Y-%m-%d}"),
    ]


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label and its stacked parts (in the legend's order)."""

    label: str
    parts: tuple[int, ...]
    note: str = ""  # printed after the bar; the sum of the parts when empty


@dataclass(frozen=True)
class Brief:
    title: str
    as_of: date
    facts: list[tuple[str, str]]  # the filters and the date, in words
    currency: str  # the reporting currency and the rates used
    figures: list[tuple[str, str]]  # (label, text) of the key figures
    funnel: list[Bar]  # reached per stage
    funding: list[Bar]  # committed, reserved, available (major units) per source
    funding_more: int  # sources left off the page
    targets: list[Bar]  # hired, still to hire, per target
    targets_more: int
    awaiting: list[AwaitingOffer]  # soonest expiry first
    awaiting_total: int
    reporting_currency: str  # ISO code of the amounts


def _major(minor: int, exponent: int) -> int:
    """Whole major units for a bar's length (display only)."""
    return minor // 10**exponent if exponent else minor


def brief_of(report: Report) -> Brief:
    ccy, exp = report.money.currency, report.money.exponent
    items = {label: (value, kind) for label, value, kind in report.kpis.items()}
    funding = sorted(report.funding, key=lambda r: -r.total)
    targets = sorted(report.targets, key=lambda t: (-t.headcount, t.title))
    available = _("{amount} available")  # compact money: ¥12.3M, ¥1230万
    hired_of = _("{hired} hired of {headcount}")
    return Brief(
        title=_(TITLE),
        as_of=report.as_of,
        facts=filter_facts(report),
        currency=report.money.describe(),
        figures=[(kpi_label(k), figure_text(*items[k], ccy)) for k in KEY_FIGURES if k in items],
        funnel=[Bar(r.stage.label, (r.reached,)) for r in report.funnel],
        funding=[
            Bar(
                r.name,
                (
                    _major(r.committed, exp),
                    _major(r.reserved, exp),
                    max(_major(r.available, exp), 0),
                ),
                available.format(amount=format_money_compact(r.available, ccy)),
            )
            for r in funding[:FUNDING_ROWS]
        ],
        funding_more=max(len(funding) - FUNDING_ROWS, 0),
        targets=[
            Bar(
                t.title,
                (t.hired, max(t.headcount - t.hired, 0)),
                hired_of.format(hired=t.hired, headcount=t.headcount),
            )
            for t in targets[:TARGET_ROWS]
        ],
        targets_more=max(len(targets) - TARGET_ROWS, 0),
        awaiting=report.awaiting[:AWAITING_ROWS],
        awaiting_total=report.awaiting_total,
        reporting_currency=ccy,
    )


def build_brief(db: Database, f: Filters = Filters(), as_of: date | None = None) -> Brief:
    """The brief's data in one read (the dashboard's figures: no per-event medians)."""
    return brief_of(build(db, f, as_of, detail=False))


__all__ = ["TITLE", "Bar", "Brief", "brief_of", "build_brief", "figure_text", "filter_facts"]
