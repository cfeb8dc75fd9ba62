"""Pages agree (issue 9): every figure the Dashboard tiles, the Targets page, the Funding page, the
Offers page and the Pipeline header show equals the report layer's figure for the same filters
(all institutions, and one), and equals the workbook's Summary sheet. On the demo database and
on random databases built through the services.

Where a page formats a number, the expected text goes through the page's own formatting function
(`tile_text`, `money.format_amount`), so the test checks the figure, not a copy of the format.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from recruiter.domain import clock, figures
from recruiter.domain.enums import STAGES, ItemKind, OfferStatus, Outcome, Period, TargetStatus
from recruiter.domain.money import exponent, format_amount
from recruiter.services import exporting, funding, rates, reporting
from recruiter.services.reporting import Filters, Report
from recruiter.store.database import Database
from tests.factories import (
    Plan,
    PlannedApplication,
    PlannedOffer,
    build_plan,
)

TARGET_STATUSES = [TargetStatus.open, TargetStatus.open, *TargetStatus]

# -- the workbook's Summary sheet ------------------------------------------------------------

BLOCKS = {  # block title -> the first column's header
    "Funnel, losses and time in stage": "Stage",
    "Funding per source": "Source",
    "Funding per institution": "Institution",
    "Current offers by status": "Status",
    "Progress to targets": "Target",
}


@dataclass
class Summary:
    kpis: dict[str, Any]
    blocks: dict[str, list[tuple[Any, ...]]]  # title -> data rows
    exp: int  # the reporting currency's minor-unit exponent

    def minor(self, cell: Any) -> int | None:
        """A money cell back in minor units."""
        return None if cell is None else int(Decimal(str(cell)).scaleb(self.exp))


def read_summary(db: Database, filters: Filters, path: Path) -> Summary:
    result = exporting.export_workbook(db, path, filters)
    wb = load_workbook(result.file, read_only=True)
    rows = [
        tuple(v.date() if isinstance(v, datetime) else v for v in r) or (None,)
        for r in wb["Summary"].iter_rows(values_only=True)
    ]  # dates come back as datetimes at midnight
    wb.close()
    blank = [i for i, r in enumerate(rows) if not any(v is not None for v in r)]

    def upto_blank(start: int) -> list[tuple[Any, ...]]:
        end = min(i for i in blank if i > start) if any(i > start for i in blank) else len(rows)
        return [r for r in rows[start:end] if r[0] != "(none)"]

    start = [r[0] for r in rows].index("Key figures") + 1
    kpis = {r[0]: (*r, None)[1] for r in upto_blank(start)}
    blocks = {}
    for title, first in BLOCKS.items():
        at = [r[0] for r in rows].index(title)
        header = next(i for i in range(at + 1, len(rows)) if rows[i][0] == first)
        width = len([h for h in rows[header] if h is not None])
        # Read-only sheets drop trailing empty cells: pad each row to the block's width.
        blocks[title] = [(r + (None,) * width)[:width] for r in upto_blank(header + 1)]
    currency = next(r[1] for r in rows if r[0] == "Currency")
    return Summary(kpis, blocks, exponent(str(currency)[:3]))


# -- the pages ---------------------------------------------------------------------------------


@dataclass
class Pages:
    dashboard: Any
    targets: Any
    funding: Any
    offers: Any
    pipeline: Any

    def all(self) -> list[Any]:
        return [self.dashboard, self.targets, self.funding, self.offers, self.pipeline]


def open_pages(ctx: Any, qtbot: Any) -> Pages:
    from recruiter.ui.pages.dashboard import DashboardPage
    from recruiter.ui.pages.funding import FundingPage
    from recruiter.ui.pages.offers import OffersPage
    from recruiter.ui.pages.pipeline import PipelinePage
    from recruiter.ui.pages.targets import TargetsPage

    pages = Pages(
        DashboardPage(ctx), TargetsPage(ctx), FundingPage(ctx), OffersPage(ctx), PipelinePage(ctx)
    )
    for p in pages.all():
        qtbot.addWidget(p)
        p.resize(1400, 800)
        p.show()
    settle(qtbot, pages)
    pages.pipeline.apply_filter({})  # every target, not the first target's board
    settle(qtbot, pages)
    return pages


def settle(qtbot: Any, pages: Pages) -> None:
    qtbot.waitUntil(lambda: not any(p.loading for p in pages.all()), timeout=20000)


def choose_institution(qtbot: Any, pages: Pages, institution_id: int | None) -> None:
    """The institution filter of every page that has one."""
    chosen = Filters(institution_ids=(institution_id,) if institution_id is not None else ())
    pages.dashboard.set_filters(chosen)
    pages.offers.apply_filter({} if institution_id is None else {"institution_id": institution_id})
    pages.pipeline.apply_filter(
        {} if institution_id is None else {"institution_id": institution_id}
    )
    settle(qtbot, pages)
    assert pages.dashboard.report.filters == chosen
    if institution_id in offer_institutions(pages.offers):
        assert pages.offers.current_filters().get("institution_id") == institution_id
    assert pages.pipeline.institution.currentData() == institution_id
    assert pages.pipeline.target.currentData() is None


def offer_institutions(page: Any) -> list[int | None]:
    """What the Offers page's institution box offers: institutions with offers, and "All"."""
    box = page.institution_box
    return [box.itemData(i) for i in range(box.count())]


def count(text: str) -> int:
    return int(text.replace(",", ""))


# -- the checks ------------------------------------------------------------------------------


def check_dashboard(page: Any, rep: Report, summary: Summary) -> None:
    from recruiter.ui.pages.dashboard import tile_text

    ccy = rep.money.currency
    assert page.report.kpis == rep.kpis
    assert rep.kpis.counts == reporting.application_counts(page.ctx.db, rep.filters)
    for label, value, kind in rep.kpis.items():
        assert page.tiles[label].value.text() == tile_text(value, kind, ccy), label
        cell = summary.kpis[label]
        if kind == "money":
            assert summary.minor(cell) == value, label
        elif kind == "percent":
            assert cell == (None if value is None else pytest.approx(value)), label
        else:
            assert cell == value, label
    funnel = {st: page.funnel_set.at(i) for i, st in enumerate(page.funnel_stages)}
    assert [funnel[r.stage] for r in rep.funnel] == [r.reached for r in rep.funnel]
    assert summary.blocks["Funnel, losses and time in stage"] == [
        (
            r.stage.label,
            r.reached,
            r.open,
            r.hired,
            r.declined,
            r.rejected,
            r.withdrawn,
            *(None if v is None else pytest.approx(v) for v in (r.conversion, r.median_days)),
        )
        for r in rep.funnel
    ]
    # Every funding source is in one bar of the chart, with the report's figures.
    rows = {r.source_id: r for r in rep.funding}
    shown = [sid for bar in page.funding_bars for sid in bar.source_ids]
    assert sorted(shown) == sorted(rows)
    for bar in page.funding_bars:
        for attr in ("total", "committed", "reserved", "available"):
            assert getattr(bar, attr) == sum(getattr(rows[s], attr) for s in bar.source_ids)


def check_pipeline(qtbot: Any, page: Any, rep: Report) -> None:
    """The header's counts and each stage column's count: open applications by default, every
    application with "Show closed"; the cards' days in stage and next follow-up are the
    workbook's Pipeline sheet's, and "overdue" counts the cards whose next follow-up is before
    the report's "as of"."""
    records = list(reporting.pipeline_records(page.ctx.db, rep.filters, rep.as_of))
    open_labels = {o.label for o in figures.OPEN}
    for closed in (False, True):
        page.show_closed.setChecked(closed)
        qtbot.waitUntil(lambda: not page.loading, timeout=20000)
        shown = [r for r in records if closed or r.outcome in open_labels]
        m = re.fullmatch(r"([\d,]+) applications, ([\d,]+) overdue", page.count_label.text())
        assert m, page.count_label.text()
        assert count(m[1]) == (rep.kpis.applications if closed else rep.kpis.open) == len(shown)
        overdue = [r for r in shown if r.next_follow_up and r.next_follow_up < rep.as_of]
        assert count(m[2]) == len(overdue)
        for r in rep.funnel:
            heading = page.columns[r.stage].heading.text()
            assert heading == f"{r.stage.label}  ({(r.at_stage if closed else r.open):,})"
        cards = Counter(
            (c.name, c.target, c.stage.label, c.outcome.label, c.days_in_stage, c.next_due)
            for c in page.cards
        )
        assert cards == Counter(
            (r.candidate, r.target, r.stage, r.outcome, r.days, r.next_follow_up) for r in shown
        )
    page.show_closed.setChecked(False)
    qtbot.waitUntil(lambda: not page.loading, timeout=20000)


def check_due(qtbot: Any, due: Any, rep: Report) -> None:
    """The Pipeline page's "Due" tab counts overdue follow-ups to the office's today, as the
    Dashboard's "Overdue follow-ups" does (every institution: the tab is not filtered)."""
    due.refresh()
    qtbot.waitUntil(lambda: not due.loading, timeout=20000)
    m = re.fullmatch(
        r"<b>Due</b> — ([\d,]+) overdue, ([\d,]+) due today \((\S+)\)", due.heading.text()
    )
    assert m, due.heading.text()
    assert (count(m[1]), m[3]) == (rep.kpis.overdue, rep.as_of.isoformat())


def check_offers(page: Any, rep: Report, records: list[Any]) -> None:
    """Each application's current offer (its latest revision) as the report counts it, with
    the Offers sheet's package total; earlier revisions are listed and counted apart."""
    from recruiter.ui.pages.offers import count_text

    rows = page.model.rows
    latest: dict[int, int] = {}
    for r in rows:
        latest[r.application_id] = max(latest.get(r.application_id, 0), r.revision)
    assert [r.current for r in rows] == [latest[r.application_id] == r.revision for r in rows]
    current = [r for r in rows if r.current]
    assert len(current) == sum(rep.offers.by_status.values()) == rep.counts["Offers"]
    assert page.count_label.text() == count_text(rows)
    m = re.match(r"([\d,]+) (current )?offers?", page.count_label.text())
    assert m and count(m[1]) == rep.counts["Offers"]
    by_status = Counter(r.status for r in current)
    assert {s: by_status.get(s, 0) for s in OfferStatus} == rep.offers.by_status
    totals = {(rec.candidate, rec.target, rec.revision): rec.total for rec in records}
    assert len(totals) == len(records) == len(current)
    for r in current:
        total = totals[(r.candidate, r.target, r.revision)]
        shown = page.model.package_text(r)[0]
        assert shown == ("—" if total is None else format_amount(total, rep.money.currency))


def check_targets(page: Any, rep: Report, summary: Summary, records: list[Any]) -> None:
    rows = {r.id: r for r in page.model.records}
    progress = {t.target_id: t for t in rep.targets}
    assert rows.keys() == progress.keys()
    keys = [k for k, _label in page.model.columns]
    for n, rec in enumerate(page.model.records):
        t = progress[rec.id]
        assert (rec.hired, rec.headcount, rec.open, rec.active, rec.on_hold) == (
            t.hired,
            t.headcount,
            t.open,
            t.active,
            t.on_hold,
        )
        assert page.model.index(n, keys.index("progress")).data() == f"{t.hired} / {t.headcount}"
    # Open applications per stage, over every target, are the funnel's.
    for r in rep.funnel:
        assert sum(rec.per_stage.get(r.stage, 0) for rec in rows.values()) == r.open
    # Money held for each target's offers: the Offers sheet's package totals of its current
    # offers, by what their status holds.
    held: dict[tuple[str, str], list[int]] = {}
    holds = {OfferStatus.approved.label: 0, OfferStatus.extended.label: 0}
    holds[OfferStatus.accepted.label] = 1
    for rec in records:
        if rec.status in holds and rec.total is not None:
            held.setdefault((rec.institution, rec.target), [0, 0])[holds[rec.status]] += rec.total
    # The sheet names targets, not ids, and two targets may share a title: sum per name.
    shown: dict[tuple[str, str], list[int]] = {}
    for n, rec in enumerate(page.model.records):
        money = rec.money
        sums = shown.setdefault((rec.institution, rec.title), [0, 0])
        sums[0] += money.reserved if money else 0
        sums[1] += money.committed if money else 0
        cell = page.model.index(n, keys.index("reserved")).data()
        assert cell == ("" if money is None else format_amount(money.reserved, rep.money.currency))
    assert {k: v for k, v in shown.items() if v != [0, 0]} == held
    m = re.fullmatch(
        r"([\d,]+) targets? — ([\d,]+) hired of ([\d,]+) open positions\. Open applications: "
        r"([\d,]+) \(Active applications: ([\d,]+), On hold: ([\d,]+)\)",
        page.summary.text(),
    )
    assert m, page.summary.text()
    open_heads = sum(t.headcount for t in rep.targets if t.status == "open")
    k = rep.kpis
    assert [count(g) for g in m.groups()] == [
        len(rep.targets),
        k.hires,
        open_heads,
        k.open,
        k.active,
        k.on_hold,
    ]
    assert summary.blocks["Progress to targets"] == [
        (
            t.title,
            t.institution,
            t.headcount,
            t.hired,
            t.open,
            t.late,
            pytest.approx(t.filled),
            t.fill_by,
            t.status.replace("_", " ").capitalize(),
        )
        for t in rep.targets
    ]


def check_funding(page: Any, rep: Report, summary: Summary, db: Database) -> None:
    from recruiter.ui.pages.funding import COLUMNS

    conv = rates.converter(db)
    ccy = rep.money.currency
    rows = {r.source_id: r for r in rep.funding}
    balances: list[funding.Balance] = page.model.rows
    assert sorted(b.source_id for b in balances) == sorted(rows)
    for n, b in enumerate(balances):
        r = rows[b.source_id]
        assert (b.name, b.currency, b.fiscal_year) == (r.name, r.currency, r.fiscal_year)
        for attr in ("total", "reserved", "committed", "available"):
            assert conv.to_reporting(getattr(b, attr), b.currency) == getattr(r, attr), attr
            cell = page.model.index(n, COLUMNS.index(attr.capitalize())).data()
            assert cell == format_amount(getattr(b, attr), b.currency)
    assert [
        (c[0], *map(summary.minor, c[1:5]), c[5]) for c in summary.blocks["Funding per source"]
    ] == [
        (r.name, r.total, r.committed, r.reserved, r.available, pytest.approx(r.used))
        for r in rep.funding
    ]
    over = sum(r.available < 0 for r in rep.funding)
    m = re.match(r"([\d,]+) sources?(?: — .*?([\d,]+) over-committed)?", page.summary.text())
    assert m, page.summary.text()
    assert count(m[1]) == len(rep.funding) and count(m[2] or "0") == over
    # The per-institution totals under the sources are the report's groups.
    table = page.institutions_table
    shown = [
        [table.item(i, c).text() for c in range(table.columnCount())]
        for i in range(table.rowCount())
    ]
    assert sorted(shown) == sorted(
        [
            g.name,
            str(g.sources),
            *(format_amount(v, ccy) for v in (g.total, g.reserved, g.committed, g.available)),
        ]
        for g in rep.funding_groups
    )
    groups = [
        (c[0], c[1], *map(summary.minor, c[2:6])) for c in summary.blocks["Funding per institution"]
    ]
    assert groups == [
        (g.name, g.sources, g.total, g.committed, g.reserved, g.available)
        for g in rep.funding_groups
    ]


def check_everything(ctx: Any, qtbot: Any, pages: Pages, tmp_path: Path) -> None:
    db = ctx.db
    # One institution: one with offers when there is one, so the Offers page can show it.
    institution_ids = [i for i, _name in reporting.filter_options(db).institutions]
    with_offers = [i for i in offer_institutions(pages.offers) if i is not None]
    for inst in [None, *(with_offers or institution_ids)[:1]]:
        filters = Filters(institution_ids=(inst,) if inst is not None else ())
        choose_institution(qtbot, pages, inst)
        rep = reporting.build(db, filters)
        summary = read_summary(db, filters, tmp_path / f"agree-{inst}.xlsx")
        records = list(reporting.offer_records(db, filters))
        check_dashboard(pages.dashboard, rep, summary)
        check_pipeline(qtbot, pages.pipeline, rep)
        if inst in offer_institutions(pages.offers):
            check_offers(pages.offers, rep, records)
        else:  # the Offers page lists institutions with offers only
            assert rep.counts["Offers"] == 0
        if inst is None:  # the Targets and Funding pages and the Due tab show every one
            check_due(qtbot, pages.pipeline.due, rep)
            check_targets(pages.targets, rep, summary, records)
            check_funding(pages.funding, rep, summary, db)


# -- the demo database -----------------------------------------------------------------------


def test_pages_agree_on_the_demo_data(ctx: Any, qtbot: Any, tmp_path: Path) -> None:
    pages = open_pages(ctx, qtbot)
    check_everything(ctx, qtbot, pages, tmp_path)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12"])  # 26 hours apart
def test_the_dashboard_s_period_ends_on_the_office_s_today(
    ctx: Any, qtbot: Any, tmp_path: Path, zone: str
) -> None:
    """The period "Last 30 days" ends on the report's "as of", the office's today (not the
    machine's), and the tiles show what the workbook says for that period."""
    from recruiter.services import settings as office
    from recruiter.ui.followups import FollowUpsPanel
    from recruiter.ui.pages.dashboard import DashboardPage

    office.set_time_zone(ctx.db, zone)
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.show()
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.period.setCurrentIndex(page.period.findData(30))
    today = clock.today_in(ZoneInfo(zone))
    rep = page.report
    assert rep.as_of == today
    assert rep.filters.date_to == today and (today - rep.filters.date_from).days == 30
    assert page.current_filters() == rep.filters  # what Export to Excel… writes
    summary = read_summary(ctx.db, rep.filters, tmp_path / "period.xlsx")
    check_dashboard(page, reporting.build(ctx.db, rep.filters), summary)
    due = FollowUpsPanel(ctx)
    qtbot.addWidget(due)
    check_due(qtbot, due, reporting.build(ctx.db))


# -- random databases ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty database, copied for each example (migrating is the slow part)."""
    from recruiter.store.opening import open_database

    path = tmp_path_factory.mktemp("agree") / "empty.db"
    open_database(path, user="tester").dispose()
    return path


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    n_inst = draw(st.integers(1, 3))
    tgts = draw(
        st.lists(
            st.tuples(
                st.integers(0, n_inst - 1),
                st.integers(1, 3),
                st.sampled_from(TARGET_STATUSES),
            ),
            min_size=1,
            max_size=4,
        )
    )
    sources = draw(
        st.lists(
            st.tuples(
                st.one_of(st.none(), st.integers(0, n_inst - 1)),
                st.integers(0, 3_000_000),
                st.sampled_from(["CNY", "USD"]),
            ),
            max_size=4,
        )
    )
    n_cand = draw(st.integers(1, 8))
    item = st.tuples(
        st.sampled_from([k.value for k in ItemKind]),
        st.integers(1, 900_000),
        st.sampled_from(["CNY", "CNY", "USD"]),
        st.sampled_from([p.value for p in Period]),
        st.integers(1, 5),
        st.one_of(st.none(), st.integers(0, 3)),
    )
    offer = st.builds(
        PlannedOffer,
        st.lists(item, max_size=3).map(tuple),
        st.sampled_from(list(OfferStatus)),
        st.booleans(),
    )
    apps = draw(
        st.lists(
            st.builds(
                PlannedApplication,
                st.integers(0, n_cand - 1),
                st.integers(0, len(tgts) - 1),
                st.sampled_from(STAGES),
                st.sampled_from(list(Outcome)),
                st.one_of(st.none(), offer),
                st.sampled_from([None, None, "application", "candidate"]),
            ),
            min_size=1,
            max_size=12,
        )
    )
    return Plan(n_inst, tuple(tgts), tuple(sources), n_cand, tuple(apps))


@pytest.fixture
def fresh_db(empty_template: Path, tmp_path: Path) -> Iterator[Any]:
    """A factory of private copies of the empty template (one per hypothesis example)."""
    from recruiter.store.opening import open_database

    opened: list[Database] = []

    def make() -> Database:
        path = tmp_path / f"random-{len(opened)}.db"
        src, dst = sqlite3.connect(empty_template), sqlite3.connect(path)
        src.backup(dst)
        src.close()
        dst.close()
        db = open_database(path, user="tester")
        opened.append(db)
        return db

    yield make
    for db in opened:
        db.dispose()


@settings(
    max_examples=6,
    deadline=None,  # one example opens five pages and writes a workbook twice
    # No shrinking: each step rebuilds a database and five pages, minutes for little gain (the
    # failing plan is printed whole, and small).
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=plans())
def test_pages_agree_on_random_data(
    plan: Plan, fresh_db: Any, make_ctx: Any, qtbot: Any, tmp_path: Path
) -> None:
    from tests.ui.conftest import drain

    db = fresh_db()
    build_plan(db, plan, clock.today())
    ctx = make_ctx(db)
    pages = open_pages(ctx, qtbot)
    try:
        check_everything(ctx, qtbot, pages, tmp_path)
    finally:
        for p in pages.all():
            p.close()
        drain(ctx)
