"""Each figure's pure function and its SQL twin agree on random offers, items and histories.

The SQL runs on an in-memory SQLite database built from the project's schema; every example
inserts its rows in a transaction that is rolled back afterwards.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, create_engine, insert, select
from sqlmodel import SQLModel, col

from recruiter.domain import figures, money
from recruiter.domain.enums import FundingKind, ItemKind, OfferStatus, Outcome, Period, Stage
from recruiter.domain.models import Application, FundingSource, Offer, OfferItem
from recruiter.errors import ValidationError
from recruiter.services import settings as office

ZONES = [ZoneInfo(z) for z in ("Asia/Shanghai", "UTC", "America/New_York", "Australia/Lord_Howe")]
T0 = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 3, 29, 12, tzinfo=UTC)  # DST changes in Europe and around it


@lru_cache(maxsize=1)
def _engine() -> Engine:
    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    return engine


class Rows:
    """A transaction on the shared in-memory database that is rolled back on exit."""

    def __enter__(self) -> Connection:
        self.conn = _engine().connect()
        self.trans = self.conn.begin()
        return self.conn

    def __exit__(self, *exc: object) -> None:
        self.trans.rollback()
        self.conn.close()


def _table(model: Any) -> Any:
    return model.__table__


# -- strategies ------------------------------------------------------------------------------

timestamps = st.integers(0, 120 * 24 * 60).map(lambda m: T0 + timedelta(minutes=m))
outcomes = st.sampled_from(list(Outcome))
statuses = st.sampled_from(list(OfferStatus))


@st.composite
def items(draw: st.DrawFn, sources: int = 0) -> dict[str, Any]:
    period = draw(st.sampled_from(list(Period)))
    return {
        "kind": draw(st.sampled_from(list(ItemKind))),
        "amount_minor": draw(st.integers(0, 10**12)),
        "currency": draw(st.sampled_from(["CNY", "USD"])),
        "period": period,
        "years": draw(st.integers(1, 10)) if period == Period.annual else 1,
        "funding_source_id": draw(st.integers(1, sources)) if sources else None,
    }


offers = st.lists(
    st.tuples(statuses, st.lists(items(sources=3), max_size=6)), min_size=1, max_size=8
)


def _insert_offers(conn: Connection, data: list[tuple[OfferStatus, list[dict[str, Any]]]]) -> None:
    for n in (1, 2, 3):
        conn.execute(
            insert(_table(FundingSource)),
            {
                "id": n,
                "name": f"S{n}",
                "kind": FundingKind.national,
                "total_minor": 10**15,
                "currency": "CNY",
            },
        )
    for oid, (status, lines) in enumerate(data, 1):
        conn.execute(
            insert(_table(Offer)),
            {"id": oid, "application_id": oid, "revision": 1, "status": status, "created_at": T0},
        )
        if lines:
            conn.execute(insert(_table(OfferItem)), [{"offer_id": oid, **i} for i in lines])


class _Item:
    def __init__(self, row: dict[str, Any]) -> None:
        self.kind = row["kind"]
        self.amount_minor = row["amount_minor"]
        self.currency = row["currency"]
        self.period = row["period"]
        self.years = row["years"]


# -- open / active / on hold -----------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(outcomes, timestamps), max_size=30),
    st.sampled_from(ZONES),
    st.integers(0, 40),
)
def test_application_counts_and_stale_agree(
    apps: list[tuple[Outcome, datetime]], zone: ZoneInfo, over: int
) -> None:
    as_of = figures_today(zone)
    with Rows() as conn:
        if apps:
            conn.execute(
                insert(_table(Application)),
                [
                    {
                        "id": i,
                        "candidate_id": i,
                        "target_id": 1,
                        "stage": Stage.review,
                        "outcome": o,
                        "priority": 0,
                        "stage_changed_at": at,
                        "created_at": at,
                    }
                    for i, (o, at) in enumerate(apps, 1)
                ],
            )
        got = figures.counts_of(*conn.execute(select(*figures.application_counts_sql())).one())
        open_ids = set(conn.scalars(select(Application.id).where(figures.is_open_sql())))
        stale = set(conn.scalars(select(Application.id).where(figures.is_stale_sql(as_of, zone))))
        longer = set(
            conn.scalars(select(Application.id).where(figures.in_stage_over_sql(over, as_of, zone)))
        )
    want = figures.application_counts(o for o, _at in apps)
    assert got == want
    assert got.open == want.active + want.on_hold == len(open_ids)
    assert open_ids == {i for i, (o, _at) in enumerate(apps, 1) if figures.is_open(o)}
    assert stale == {i for i, (o, at) in enumerate(apps, 1) if figures.is_stale(o, at, as_of, zone)}
    assert longer == {
        i for i, (_o, at) in enumerate(apps, 1) if figures.days_in_stage(at, as_of, zone) > over
    }


def figures_today(zone: ZoneInfo) -> date:
    from recruiter.domain.clock import today_in

    return today_in(zone, NOW)


def test_counts_name_open_as_active_plus_on_hold() -> None:
    c = figures.application_counts(
        [Outcome.active, Outcome.on_hold, Outcome.hired, "active", Outcome.withdrawn]
    )
    assert (c.open, c.active, c.on_hold) == (3, 2, 1)
    assert figures.counts_of(None, None) == figures.ApplicationCounts()


# -- days in stage ---------------------------------------------------------------------------


def test_days_in_stage_counts_calendar_days_in_the_office_zone() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    # 23:30 in Shanghai on 9 May is 15:30 UTC; on 10 May that is one day, though 8.5 h elapsed.
    moved = datetime(2030, 5, 9, 15, 30, tzinfo=UTC)
    assert figures.days_in_stage(moved, date(2030, 5, 10), shanghai) == 1
    # 00:30 in Shanghai on 10 May is still 9 May in UTC: zero days on 10 May.
    early = datetime(2030, 5, 9, 16, 30, tzinfo=UTC)
    assert figures.days_in_stage(early, date(2030, 5, 10), shanghai) == 0
    assert figures.days_in_stage(early, date(2030, 5, 10), ZoneInfo("UTC")) == 1
    assert figures.days_in_stage(early.replace(tzinfo=None), date(2030, 5, 10), shanghai) == 0
    assert figures.days_in_stage(early, date(2030, 5, 1), shanghai) == 0  # never negative


# -- money: item life cost, packages ---------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(offers)
def test_package_figures_agree(data: list[tuple[OfferStatus, list[dict[str, Any]]]]) -> None:
    with Rows() as conn:
        _insert_offers(conn, data)
        rows = conn.execute(
            select(
                col(OfferItem.offer_id), col(OfferItem.currency), *figures.package_sql()
            ).group_by(col(OfferItem.offer_id), col(OfferItem.currency))
        ).all()
        lives = conn.execute(
            select(col(OfferItem.id), figures.item_life_cost_sql()).order_by(col(OfferItem.id))
        ).all()
    got = {(oid, ccy): figures.Package(int(a), int(b), int(c)) for oid, ccy, a, b, c in rows}
    want = {
        (oid, ccy): pkg
        for oid, (_s, lines) in enumerate(data, 1)
        for ccy, pkg in figures.package([_Item(i) for i in lines]).items()
    }
    assert got == want
    flat = [i for _s, lines in data for i in lines]
    assert [int(v) for _id, v in lives] == [
        figures.item_life_cost(i["amount_minor"], i["period"], i["years"]) for i in flat
    ]


def test_package_of_a_known_offer() -> None:
    lines = [
        _Item(
            {
                "kind": ItemKind.salary,
                "amount_minor": 100,
                "currency": "CNY",
                "period": Period.annual,
                "years": 3,
            }
        ),
        _Item(
            {
                "kind": ItemKind.startup_research,
                "amount_minor": 50,
                "currency": "CNY",
                "period": Period.annual,
                "years": 2,
            }
        ),
        _Item(
            {
                "kind": ItemKind.housing,
                "amount_minor": 7,
                "currency": "usd",
                "period": Period.one_off,
                "years": 1,
            }
        ),
    ]
    per = figures.package(lines)
    assert per == {"CNY": figures.Package(100, 400, 100), "USD": figures.Package(7, 7, 0)}
    both = figures.in_reporting(per, lambda m, c: m * (7 if c == "USD" else 1))
    assert both == figures.Package(149, 449, 100)
    assert figures.life_by_kind(lines)[(ItemKind.salary, "CNY")] == 300
    assert money.item_total(100, "annual", 3) == 300  # the old name reads the one definition


# -- reserved / committed / available --------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(offers, st.integers(0, 10**13))
def test_reserved_committed_available_agree(
    data: list[tuple[OfferStatus, list[dict[str, Any]]]], total: int
) -> None:
    with Rows() as conn:
        _insert_offers(conn, data)
        rows = conn.execute(
            select(
                col(OfferItem.funding_source_id), figures.reserved_sql(), figures.committed_sql()
            )
            .join(Offer, col(Offer.id) == col(OfferItem.offer_id))
            .group_by(col(OfferItem.funding_source_id))
        ).all()
    got = {sid: (int(r), int(c)) for sid, r, c in rows}
    charges: dict[int, list[tuple[OfferStatus, int]]] = defaultdict(list)
    for status, lines in data:
        for i in lines:
            cost = figures.item_life_cost(i["amount_minor"], i["period"], i["years"])
            charges[i["funding_source_id"]].append((status, cost))
    want = {sid: (figures.reserved(c), figures.committed(c)) for sid, c in charges.items()}
    assert got == want
    for res, com in got.values():
        assert figures.available(total, res, com) == total - res - com


def test_holds_follows_the_offer_workflow() -> None:
    assert [figures.holds(s) for s in OfferStatus] == [
        "",
        "reserved",
        "reserved",
        "committed",
        "",
        "",
        "",
    ]


# -- the office time zone setting ------------------------------------------------------------


def test_office_time_zone_defaults_to_shanghai_and_can_change(db) -> None:
    assert office.time_zone_name(db) == "Asia/Shanghai"
    assert office.office_zone(db) == ZoneInfo("Asia/Shanghai")
    assert office.set_time_zone(db, "Europe/Berlin") == "Asia/Shanghai"
    assert office.office_zone(db) == ZoneInfo("Europe/Berlin")
    with pytest.raises(ValidationError):
        office.set_time_zone(db, "Mars/Olympus_Mons")
    assert office.set_time_zone(db, "Asia/Shanghai") == "Europe/Berlin"


# -- current offers --------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sets(st.integers(1, 6), min_size=1, max_size=4), min_size=1, max_size=5))
def test_current_offer_agrees(revisions: list[set[int]]) -> None:
    """Each application's latest revision is its current offer, in Python and in SQL."""
    with Rows() as conn:
        rows = [
            {"application_id": app, "revision": rev, "status": OfferStatus.draft, "created_at": T0}
            for app, revs in enumerate(revisions, 1)
            for rev in sorted(revs)
        ]
        conn.execute(insert(_table(Offer)), rows)
        got = set(
            conn.execute(
                select(col(Offer.application_id), col(Offer.revision)).where(
                    figures.is_current_offer_sql()
                )
            ).all()
        )
    want = {
        (app, rev)
        for app, revs in enumerate(revisions, 1)
        for rev in revs
        if figures.is_current_offer(rev, revs)
    }
    assert got == want == {(app, max(revs)) for app, revs in enumerate(revisions, 1)}
