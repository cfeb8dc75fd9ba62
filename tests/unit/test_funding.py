"""Funding accounting: CRUD with undo, drill-down, per-institution and per-target figures, and a
property test that the books always balance against an independent recomputation."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import text
from sqlmodel import select

from recruiter.domain.enums import OfferStatus
from recruiter.domain.models import AuditEntry, FundingSource
from recruiter.errors import ConflictError, RecruiterError, ValidationError
from recruiter.services import funding, offers, rates
from recruiter.store.database import Database
from recruiter.store.opening import open_database
from tests.factories import TODAY, World, extend, item, make_world


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def test_create_validation_and_nothing_saved(db: Database) -> None:
    with pytest.raises(ValidationError) as err:
        funding.create(db, name="", total_minor=-5, currency="ABC", fiscal_year=1999)
    assert set(err.value.errors) == {"name", "total_minor", "currency", "fiscal_year"}
    assert funding.list_sources(db) == []


def test_delete_and_restore_keep_the_id(world: World) -> None:
    sid = funding.create(world.db, name="Spare", kind="other", total_minor=5)
    snap = funding.delete(world.db, sid)
    assert all(b.source_id != sid for b in funding.balances(world.db))
    funding.restore_source(world.db, snap)
    assert funding.get(world.db, sid).name == "Spare"
    with pytest.raises(ConflictError):
        funding.restore_source(world.db, snap)
    with world.db.session() as s:
        actions = s.exec(
            select(AuditEntry.action)
            .where(AuditEntry.entity == "funding_source", AuditEntry.entity_id == sid)
            .order_by(AuditEntry.id)
        ).all()
    assert actions == ["create", "delete", "restore"]


def test_update_returns_previous_and_currency_locked_once_used(world: World) -> None:
    prev = funding.update(world.db, world.cny, total_minor=5, notes="cut")
    assert prev == {"total_minor": 1_000_000_00, "notes": None}
    funding.update(world.db, world.cny, **prev)
    assert funding.get(world.db, world.cny).total_minor == 1_000_000_00
    offers.create_offer(world.db, world.apps[0], items=[item(world.cny, 1)])
    with pytest.raises(ConflictError, match="currency"):
        funding.update(world.db, world.cny, currency="EUR")
    with pytest.raises(ConflictError, match="pays for"):
        funding.delete(world.db, world.cny)


def test_drill_down_lists_items_with_buckets(world: World) -> None:
    a = offers.create_offer(
        world.db, world.apps[0], items=[item(world.cny, 100_00, "salary", period="annual", years=3)]
    )
    b = offers.create_offer(world.db, world.apps[1], items=[item(world.cny, 5_00)])
    extend(world.db, a)
    offers.set_status(world.db, a, OfferStatus.accepted, today=TODAY)
    rows = funding.charged_items(world.db, world.cny)
    assert [(r.offer_id, r.cost_minor, r.bucket, r.candidate) for r in rows] == [
        (b, 5_00, "", "Scholar 1"),
        (a, 300_00, "committed", "Scholar 0"),
    ]
    held = funding.charged_items(world.db, world.cny, holding_only=True)
    assert [r.offer_id for r in held] == [a]
    b_ = funding.balances(world.db, [world.cny])[0]
    assert b_.committed == sum(r.cost_minor for r in held if r.bucket == "committed")


def test_institution_totals_convert_or_name_missing_rate(world: World) -> None:
    a = offers.create_offer(
        world.db, world.apps[0], items=[item(world.usd, 10_00, ccy="USD"), item(world.cny, 50_00)]
    )
    offers.set_status(world.db, a, OfferStatus.approved)
    (t,) = funding.institution_totals(world.db)
    assert t.total is None and t.missing_rates == ("USD",)
    rates.set_rate(world.db, "USD", "7.25")
    (t,) = funding.institution_totals(world.db)
    assert t.currency == "CNY" and t.sources == 2
    assert t.total == 1_000_000_00 + 725_000_00
    assert t.reserved == 50_00 + 72_50
    assert t.available == t.total - t.reserved


def test_target_funding(world: World) -> None:
    a = offers.create_offer(world.db, world.apps[0], items=[item(world.cny, 10_00)])
    b = offers.create_offer(world.db, world.apps[2], items=[item(world.usd, 1_00, ccy="USD")])
    extend(world.db, a)
    offers.set_status(world.db, a, OfferStatus.accepted, today=TODAY)
    offers.set_status(world.db, b, OfferStatus.approved)
    figures = funding.target_funding(world.db)
    t0 = figures[world.targets[0]]
    assert t0.missing_rates == ("USD",) and t0.reserved is None
    assert t0.by_currency == {"CNY": (0, 10_00), "USD": (1_00, 0)}
    rates.set_rate(world.db, "USD", "7")
    t0 = funding.target_funding(world.db, [world.targets[0]])[world.targets[0]]
    assert (t0.reserved, t0.committed) == (7_00, 10_00)
    assert world.targets[1] not in funding.target_funding(world.db)


# ------------------------------------------------------------------------------ property test


def recompute(db: Database) -> dict[int, tuple[int, int, int]]:
    """total, reserved, committed per source straight from the rows, without the service SQL."""
    with db.engine.connect() as conn:
        sources = {
            r[0]: r[1] for r in conn.execute(text("SELECT id, total_minor FROM funding_source"))
        }
        rows = conn.execute(
            text(
                "SELECT i.funding_source_id, i.amount_minor, i.period, "
                "i.years, o.status FROM offer_item i JOIN offer o "
                "ON o.id = i.offer_id"
            )
        ).all()
    out = {sid: [total, 0, 0] for sid, total in sources.items()}
    for sid, amount, period, years, status in rows:
        if sid is None:
            continue
        cost = amount * (years if period == "annual" else 1)
        if status in ("approved", "extended"):
            out[sid][1] += cost
        elif status == "accepted":
            out[sid][2] += cost
    return {k: (v[0], v[1], v[2]) for k, v in out.items()}


class Books(RuleBasedStateMachine):
    """Random offer creations, item edits, revisions and status changes on a fresh database."""

    @initialize()
    def setup(self) -> None:
        self.db = open_database("sqlite://", user="hypothesis")
        self.world = make_world(self.db, n_apps=4, cny_total=1_000_000, usd_total=300_000)
        self.sources = [self.world.cny, self.world.usd]
        self.overridden = False

    def teardown(self) -> None:
        if hasattr(self, "db"):
            self.db.dispose()

    def _offer_ids(self) -> list[int]:
        return [r.id for r in offers.list_offers(self.db, order_by="id", descending=False)]

    @rule(
        app=st.integers(0, 3),
        lines=st.lists(
            st.tuples(
                st.integers(0, 2),
                st.integers(0, 400_000),
                st.sampled_from(["one_off", "annual"]),
                st.integers(1, 10),
            ),
            max_size=3,
        ),
    )
    def create(self, app: int, lines: list[tuple[int, int, str, int]]) -> None:
        items = []
        for src, amount, period, years in lines:
            sid = self.sources[src] if src < 2 else None
            ccy = "USD" if sid == self.world.usd else "CNY"
            items.append(item(sid, amount, "salary", ccy=ccy, period=period, years=years))
        with contextlib.suppress(ConflictError):
            offers.create_offer(self.db, self.world.apps[app], items=items)

    @rule(pick=st.integers(0, 50), amount=st.integers(-10, 500_000), years=st.integers(0, 11))
    def edit_item(self, pick: int, amount: int, years: int) -> None:
        with self.db.engine.connect() as conn:
            ids = list(conn.execute(text("SELECT id FROM offer_item ORDER BY id")).scalars())
        if not ids:
            return
        before = recompute(self.db)
        try:
            offers.update_item(
                self.db, ids[pick % len(ids)], amount_minor=amount, years=years, period="annual"
            )
        except (ConflictError, ValidationError):
            assert recompute(self.db) == before  # a refusal changes nothing

    @rule(
        pick=st.integers(0, 50), status=st.sampled_from(list(OfferStatus)), override=st.booleans()
    )
    def change_status(self, pick: int, status: OfferStatus, override: bool) -> None:
        ids = self._offer_ids()
        if not ids:
            return
        before = recompute(self.db)
        try:
            offers.set_status(
                self.db,
                ids[pick % len(ids)],
                status,
                today=TODAY,
                override_reason="board decision" if override else None,
            )
        except RecruiterError:
            assert recompute(self.db) == before
        else:
            self.overridden = self.overridden or override

    @rule(pick=st.integers(0, 50))
    def counter_offer(self, pick: int) -> None:
        ids = self._offer_ids()
        if ids:
            with contextlib.suppress(ConflictError):
                offers.revise(self.db, ids[pick % len(ids)])

    @invariant()
    def books_balance(self) -> None:
        if not hasattr(self, "db"):
            return
        expected = recompute(self.db)
        got = {b.source_id: b for b in funding.balances(self.db)}
        assert set(got) == set(expected)
        for sid, (total, reserved, committed) in expected.items():
            b = got[sid]
            assert all(isinstance(v, int) for v in (b.total, b.reserved, b.committed))
            assert (b.total, b.reserved, b.committed) == (total, reserved, committed)
            assert b.available == total - reserved - committed
            if not self.overridden:
                assert b.available >= 0, "the guard let a source go below zero"


Books.TestCase.settings = settings(
    max_examples=20,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestBooks = Books.TestCase


def test_rate_used_in_totals_is_exact_decimal(world: World) -> None:
    rates.set_rate(world.db, "USD", "7.1234")
    conv = rates.converter(world.db)
    assert conv.rates["USD"] == Decimal("7.1234")
    assert conv.to_reporting(1_00, "USD") == 7_12
    with world.db.session() as s:
        assert s.get(FundingSource, world.usd) is not None
