""" "Funding per source" is keyed by source id: every source has a bar (or is folded into an
explicit "Other (N sources)" bar), each bar carries the Funding page's figures for the same id,
and labels never collide, even for names sharing a long prefix."""

from __future__ import annotations

import random
from typing import Any

import pytest

from recruiter.domain.enums import FundingKind, OfferStatus
from recruiter.services import funding, offers, rates
from recruiter.store.database import Database
from recruiter.ui.pages.dashboard import (
    MAX_BARS,
    DashboardPage,
    FundingBar,
    funding_bars,
    money_scale,
)
from recruiter.ui.pages.funding import FundingPage
from tests.unit.test_offers import item, make_world

PREFIX = "National Talent Programme 2026 – "


def random_funding(db: Database, seed: int, n_sources: int) -> list[int]:
    """Sources with random totals (two share a long name prefix) and offers charged to them in
    every money-bearing status. Returns the source ids."""
    rng = random.Random(seed)
    world = make_world(db, n_apps=8)
    rates.set_rate(db, "USD", "7")
    ids = [world.cny, world.usd]
    names = [PREFIX + "Young Scholars", PREFIX + "Leading Talents"]
    names += [f"Source {n} {'x' * rng.randint(0, 40)}" for n in range(n_sources - 4)]
    for name in names:
        ids.append(
            funding.create(
                db,
                name=name,
                kind=rng.choice(list(FundingKind)),
                institution_id=world.institution_id,
                total_minor=rng.randint(0, 90_000_000) * 100,
                currency="CNY",
            )
        )
    cny_ids = [i for i in ids if i != world.usd]
    for app in world.apps:
        lines = [
            item(rng.choice(cny_ids), rng.randint(1, 5_000_000) * 100)
            for _ in range(rng.randint(1, 3))
        ]
        oid = offers.create_offer(db, app, items=lines)
        status = rng.choice(["draft", "approved", "extended", "accepted"])
        if status == "draft":
            continue
        offers.set_status(db, oid, OfferStatus.approved, override_reason="test")
        if status in ("extended", "accepted"):
            offers.set_status(db, oid, OfferStatus.extended, override_reason="test")
        if status == "accepted":
            offers.set_status(db, oid, OfferStatus.accepted, override_reason="test")
    return ids


def shown(page: Any, qtbot: Any) -> None:
    page.resize(1300, 900)
    page.show()
    qtbot.waitExposed(page)


@pytest.mark.parametrize(("seed", "n_sources"), [(1, 6), (2, 12), (3, 17), (4, 25)])
def test_every_source_is_a_bar_with_the_funding_pages_figures(
    qtbot: Any, make_ctx: Any, db: Database, seed: int, n_sources: int
) -> None:
    ids = random_funding(db, seed, n_sources)
    ctx = make_ctx(db)
    dash = DashboardPage(ctx)
    qtbot.addWidget(dash)
    with qtbot.waitSignal(dash.loaded, timeout=20000):
        shown(dash, qtbot)
    fund = FundingPage(ctx)
    qtbot.addWidget(fund)
    shown(fund, qtbot)
    qtbot.waitUntil(lambda: len(fund.model.rows) == len(ids), timeout=20000)
    rate = {"CNY": 1, "USD": 7}  # the reporting currency is CNY
    page_figures = {
        b.source_id: (b.total, b.committed, b.reserved, b.available) for b in fund.model.rows
    }

    bars: list[FundingBar] = dash.funding_bars
    assert len(bars) == min(len(ids), MAX_BARS)
    covered = [sid for b in bars for sid in b.source_ids]
    assert sorted(covered) == sorted(ids)  # every source exactly once
    folded = [b for b in bars if len(b.source_ids) > 1]
    assert bool(folded) == (len(ids) > MAX_BARS)
    for b in folded:
        assert b.label == f"Other ({len(b.source_ids)} sources)"

    committed, reserved, available = (
        dash.funding_sets[name] for name in ("Committed", "Reserved", "Available")
    )
    labels = dash.funding_view.chart().axes()[0].categories()
    assert len(set(labels)) == len(labels) == len(bars)  # one distinct label per bar
    for index, bar in enumerate(bars):
        expected = [
            sum(page_figures[sid][k] * rate[_ccy(fund, sid)] for sid in bar.source_ids)
            for k in range(4)
        ]
        assert [bar.total, bar.committed, bar.reserved, bar.available] == expected
        assert labels[index] == bar.label
        tip = dash.funding_tooltip(index)
        for sid in bar.source_ids:
            assert _name(fund, sid) in tip  # the full name, never only the shortened label
        # The drawn bar segments are the same figures (in the axis unit).
        scale, _unit = money_scale(max(b.stacked for b in bars))
        assert committed.at(index) == pytest.approx(expected[1] / scale)
        assert reserved.at(index) == pytest.approx(expected[2] / scale)
        assert available.at(index) == pytest.approx(max(expected[3], 0) / scale)
    prefixed = [b for b in bars if b.title.startswith(PREFIX)]
    assert len({b.label for b in prefixed}) == len(prefixed)


def _ccy(page: FundingPage, source_id: int) -> str:
    return next(b.currency for b in page.model.rows if b.source_id == source_id)


def _name(page: FundingPage, source_id: int) -> str:
    return next(b.name for b in page.model.rows if b.source_id == source_id)


def test_labels_stay_distinct_when_shortened() -> None:
    from recruiter.services.reporting import FundingRow

    rows = [
        FundingRow(
            source_id=n,
            name=PREFIX + "Track",
            kind="national",
            institution=None,
            fiscal_year=None,
            currency="CNY",
            total=(10 - n) * 100,
            reserved=0,
            committed=0,
        )
        for n in range(1, 5)
    ]
    bars = funding_bars(rows)
    assert [b.source_id for b in bars] == [1, 2, 3, 4]
    assert len({b.label for b in bars}) == 4
