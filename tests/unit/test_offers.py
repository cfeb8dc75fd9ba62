"""Offers: creation, items, revisions, the status workflow and the over-commitment guard, each
checked against what the database holds afterwards."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from recruiter.domain.enums import OfferStatus, Outcome, Stage
from recruiter.domain.models import (
    Application,
    AuditEntry,
    Candidate,
    Offer,
    OfferItem,
    StageEvent,
)
from recruiter.domain.money import MAX_MINOR
from recruiter.errors import BudgetExceeded, ConflictError, ValidationError
from recruiter.services import applications, funding, offers, rates
from recruiter.store.database import Database
from tests.factories import TODAY, World, extend, item, make_world


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def balance(db: Database, source_id: int) -> funding.Balance:
    (b,) = funding.balances(db, [source_id])
    return b


def audit_actions(db: Database, entity: str, entity_id: int) -> list[str]:
    with db.session() as s:
        return list(
            s.exec(
                select(AuditEntry.action)
                .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
                .order_by(AuditEntry.id)
            ).all()
        )


# ------------------------------------------------------------------------------ create / items


def test_create_offer_with_items_writes_rows_and_audit(world: World) -> None:
    oid = offers.create_offer(
        world.db,
        world.apps[0],
        rank="Professor",
        start_on="2026-09-01",
        items=[
            item(world.cny, 200_000_00, "salary", period="annual", years=3),
            item(world.cny, 50_000_00),
        ],
    )
    d = offers.get_offer(world.db, oid)
    assert d.offer.revision == 1 and d.offer.status == OfferStatus.draft
    assert d.offer.start_on == date(2026, 9, 1)
    assert [(i.amount_minor, i.years) for i in d.items] == [(200_000_00, 3), (50_000_00, 1)]
    assert audit_actions(world.db, "offer", oid) == ["create"]
    # A draft holds no money.
    assert balance(world.db, world.cny).available == 1_000_000_00


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"amount_minor": -1}, "amount_minor"),
        ({"amount_minor": MAX_MINOR + 1}, "amount_minor"),
        ({"currency": "XYZ"}, "currency"),
        ({"years": 0, "period": "annual"}, "years"),
        ({"years": 11, "period": "annual"}, "years"),
        ({"kind": "bribe"}, "kind"),
        ({"period": "weekly"}, "period"),
        ({"currency": "USD"}, "currency"),  # source is kept in CNY
    ],
)
def test_bad_items_are_refused_and_nothing_saved(
    world: World, bad: dict[str, object], field: str
) -> None:
    line = {**item(world.cny, 1000), **bad}
    with pytest.raises(ValidationError) as err:
        offers.create_offer(world.db, world.apps[0], items=[line])
    assert f"items[0].{field}" in err.value.errors
    with world.db.session() as s:
        assert s.exec(select(Offer)).all() == []
        assert s.exec(select(OfferItem)).all() == []


def test_amount_text_is_parsed_and_bad_text_refused() -> None:
    good, problems = offers.check_item({"kind": "housing", "amount": "12万", "currency": "CNY"})
    assert problems == {} and good is not None and good.amount_minor == 120_000_00
    bad, problems = offers.check_item({"kind": "housing", "amount": "12.345", "currency": "CNY"})
    assert bad is None and "amount_minor" in problems
    one_off, _ = offers.check_item({**item(None, 5), "years": 4})
    assert one_off is not None and one_off.years == 1  # one-off items count once


def test_expiry_before_extension_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as err:
        offers.create_offer(
            world.db, world.apps[0], extended_on="2026-03-10", expires_on="2026-03-01"
        )
    assert "expires_on" in err.value.errors
    oid = offers.create_offer(world.db, world.apps[0], items=[item(world.cny, 1)])
    offers.update_offer(world.db, oid, expires_on="2026-02-20")
    offers.set_status(world.db, oid, OfferStatus.approved, today=TODAY)
    with pytest.raises(ValidationError):
        offers.set_status(world.db, oid, OfferStatus.extended, today=TODAY)
    assert offers.get_offer(world.db, oid).offer.status == OfferStatus.approved


def test_item_crud_only_on_drafts(world: World) -> None:
    oid = offers.create_offer(world.db, world.apps[0], items=[item(world.cny, 100)])
    new_id, _ = offers.add_item(world.db, oid, **item(world.cny, 200))
    offers.update_item(world.db, new_id, amount="3.00")
    assert [i.amount_minor for i in offers.get_offer(world.db, oid).items] == [100, 300]
    with pytest.raises(ValidationError) as err:
        offers.update_item(world.db, new_id, years=0, period="annual")
    assert "years" in err.value.errors
    offers.delete_item(world.db, new_id)
    offers.set_status(world.db, oid, OfferStatus.approved, today=TODAY)
    first = offers.get_offer(world.db, oid).items[0].id
    assert first is not None
    for call in (
        lambda: offers.add_item(world.db, oid, **item(world.cny, 1)),
        lambda: offers.update_item(world.db, first, amount_minor=1),
        lambda: offers.delete_item(world.db, first),
    ):
        with pytest.raises(ConflictError, match="fixed"):
            call()
    assert [i.amount_minor for i in offers.get_offer(world.db, oid).items] == [100]


def test_save_offer_replaces_items_and_restore_undoes_exactly(world: World) -> None:
    oid = offers.create_offer(
        world.db, world.apps[0], items=[item(world.cny, 100), item(world.cny, 200)]
    )
    d = offers.get_offer(world.db, oid)
    keep = {**item(world.cny, 150), "id": d.items[0].id}
    before = offers.save_offer(
        world.db, oid, {"notes": "counter"}, [keep, item(world.usd, 7, ccy="USD")]
    )
    after = offers.get_offer(world.db, oid)
    assert after.offer.notes == "counter"
    assert [(i.id == d.items[0].id, i.amount_minor, i.currency) for i in after.items] == [
        (True, 150, "CNY"),
        (False, 7, "USD"),
    ]
    inverse = offers.restore(world.db, before)
    back = offers.get_offer(world.db, oid)
    assert back.offer.notes is None
    assert [(i.id, i.amount_minor) for i in back.items] == [(i.id, i.amount_minor) for i in d.items]
    offers.restore(world.db, inverse)  # redo
    assert [i.amount_minor for i in offers.get_offer(world.db, oid).items] == [150, 7]


def test_no_offer_on_closed_application(world: World) -> None:
    applications.set_outcome(world.db, world.apps[0], Outcome.rejected, "not a fit")
    with pytest.raises(ConflictError, match="closed"):
        offers.create_offer(world.db, world.apps[0])
    with world.db.session() as s:
        assert s.exec(select(Offer)).all() == []


def test_one_open_offer_per_application_and_revisions(world: World) -> None:
    oid = offers.create_offer(world.db, world.apps[0], rank="Prof", items=[item(world.cny, 100_00)])
    with pytest.raises(ConflictError, match="counter-offer"):
        offers.create_offer(world.db, world.apps[0])
    extend(world.db, oid)
    assert balance(world.db, world.cny).reserved == 100_00
    rev = offers.revise(world.db, oid)
    old, new = offers.get_offer(world.db, oid), offers.get_offer(world.db, rev.offer_id)
    assert old.offer.status == OfferStatus.withdrawn and old.offer.revision == 1
    assert new.offer.status == OfferStatus.draft and new.offer.revision == 2
    assert new.offer.rank == "Prof" and [i.amount_minor for i in new.items] == [100_00]
    assert [r[1] for r in new.revisions] == [1, 2]
    assert balance(world.db, world.cny).reserved == 0
    with pytest.raises(ConflictError, match="newer"):
        offers.revise(world.db, oid)
    offers.undo_revise(world.db, rev)
    with world.db.session() as s:
        assert s.get(Offer, rev.offer_id) is None
    assert offers.get_offer(world.db, oid).offer.status == OfferStatus.extended
    assert balance(world.db, world.cny).reserved == 100_00


# ------------------------------------------------------------------------------ workflow


def test_every_refused_transition(world: World) -> None:
    oid = offers.create_offer(world.db, world.apps[0], items=[item(world.cny, 1)])
    for bad in (
        OfferStatus.accepted,
        OfferStatus.extended,
        OfferStatus.declined,
        OfferStatus.expired,
    ):
        with pytest.raises(ConflictError):
            offers.set_status(world.db, oid, bad, today=TODAY)
    assert offers.get_offer(world.db, oid).offer.status == OfferStatus.draft
    offers.set_status(world.db, oid, OfferStatus.withdrawn, today=TODAY)
    for any_status in OfferStatus:
        if any_status != OfferStatus.withdrawn:
            with pytest.raises(ConflictError):
                offers.set_status(world.db, oid, any_status, today=TODAY)


def test_empty_offer_cannot_be_approved(world: World) -> None:
    oid = offers.create_offer(world.db, world.apps[0])
    with pytest.raises(ValidationError) as err:
        offers.set_status(world.db, oid, OfferStatus.approved)
    assert "items" in err.value.errors


def test_accept_moves_application_and_commits_money(world: World) -> None:
    oid = offers.create_offer(
        world.db,
        world.apps[0],
        items=[item(world.cny, 300_000_00, "salary", period="annual", years=2)],
    )
    extend(world.db, oid)
    b = balance(world.db, world.cny)
    assert (b.reserved, b.committed, b.available) == (600_000_00, 0, 400_000_00)
    change = offers.set_status(world.db, oid, OfferStatus.accepted, today=TODAY)
    app = applications.get(world.db, world.apps[0])
    assert app.stage == Stage.offer and app.outcome == Outcome.active
    d = offers.get_offer(world.db, oid)
    assert d.offer.responded_on == TODAY and d.offer.extended_on == TODAY
    b = balance(world.db, world.cny)
    assert (b.reserved, b.committed, b.available) == (0, 600_000_00, 400_000_00)
    offers.undo_status(world.db, change)
    app = applications.get(world.db, world.apps[0])
    assert app.stage == Stage.approved
    assert offers.get_offer(world.db, oid).offer.status == OfferStatus.extended
    assert [e.to_stage for e in applications.history(world.db, world.apps[0])] == [Stage.approved]


def test_accept_can_move_on_to_signed(world: World) -> None:
    oid = offers.create_offer(world.db, world.apps[0], items=[item(world.cny, 1)])
    extend(world.db, oid)
    offers.set_status(world.db, oid, OfferStatus.accepted, today=TODAY, move_to=Stage.signed)
    assert applications.get(world.db, world.apps[0]).stage == Stage.signed


def test_one_accepted_offer_per_application(world: World) -> None:
    oid = offers.create_offer(world.db, world.apps[0], items=[item(world.cny, 1)])
    extend(world.db, oid)
    offers.set_status(world.db, oid, OfferStatus.accepted, today=TODAY)
    with pytest.raises(ConflictError, match="accepted"):
        offers.create_offer(world.db, world.apps[0])
    # Force a second extended revision past the service to prove the accept guard itself.
    with world.db.session() as s:
        s.add(Offer(application_id=world.apps[0], revision=2, status=OfferStatus.extended))
    with world.db.session() as s:
        second = s.exec(select(Offer.id).where(Offer.revision == 2)).one()
    with pytest.raises(ConflictError, match="already accepted"):
        offers.set_status(world.db, second, OfferStatus.accepted, today=TODAY)


def test_decline_closes_application(world: World) -> None:
    oid = offers.create_offer(world.db, world.apps[1], items=[item(world.cny, 5)])
    extend(world.db, oid)
    change = offers.set_status(
        world.db, oid, OfferStatus.declined, today=TODAY, reason="took a job elsewhere"
    )
    app = applications.get(world.db, world.apps[1])
    assert app.outcome == Outcome.declined and app.closed_reason == "took a job elsewhere"
    assert balance(world.db, world.cny).reserved == 0
    with pytest.raises(ConflictError, match="closed"):
        offers.revise(world.db, oid)
    offers.undo_status(world.db, change)
    assert applications.get(world.db, world.apps[1]).outcome == Outcome.active
    assert balance(world.db, world.cny).reserved == 5


def test_approve_refused_on_closed_application(world: World) -> None:
    oid = offers.create_offer(world.db, world.apps[0], items=[item(world.cny, 5)])
    applications.set_outcome(world.db, world.apps[0], Outcome.withdrawn, "changed mind")
    with pytest.raises(ConflictError, match="closed"):
        offers.set_status(world.db, oid, OfferStatus.approved)
    offers.set_status(world.db, oid, OfferStatus.withdrawn)  # tidying up is still allowed


def test_expire_overdue_and_expiring_soon(world: World) -> None:
    ids = []
    for app_id, days in zip(world.apps, (-1, 3, 7), strict=True):
        oid = offers.create_offer(
            world.db, app_id, items=[item(world.cny, 1)], expires_on=TODAY + timedelta(days=days)
        )
        extend(world.db, oid, TODAY - timedelta(days=10))
        ids.append(oid)
    with world.db.session() as s:
        c = Candidate(full_name="Late Scholar")
        s.add(c)
        s.flush()
        cid = c.id
    assert cid is not None
    app4 = applications.add(world.db, cid, world.targets[0])
    late = offers.create_offer(
        world.db, app4, items=[item(world.cny, 1)], expires_on=TODAY + timedelta(days=8)
    )
    extend(world.db, late)
    soon = offers.expiring_soon(world.db, TODAY)
    assert [r.id for r in soon] == [ids[1], ids[2]]
    assert offers.expire_overdue(world.db, TODAY) == [ids[0]]
    assert offers.get_offer(world.db, ids[0]).offer.status == OfferStatus.expired
    assert "expire" in audit_actions(world.db, "offer", ids[0])
    assert offers.expire_overdue(world.db, TODAY) == []
    # An expired offer can be extended again (with a new expiry).
    offers.update_offer(world.db, ids[0], expires_on=TODAY + timedelta(days=30))
    offers.set_status(world.db, ids[0], OfferStatus.extended, today=TODAY)


# ------------------------------------------------------------------------------ budget guard


def test_over_commitment_is_refused_naming_source_and_shortfall(world: World) -> None:
    oid = offers.create_offer(
        world.db,
        world.apps[0],
        items=[item(world.cny, 600_000_00, "salary", period="annual", years=2)],
    )
    with pytest.raises(BudgetExceeded) as err:
        offers.set_status(world.db, oid, OfferStatus.approved)
    assert err.value.shortfalls == [(world.cny, "National programme", 200_000_00, "CNY")]
    assert "National programme" in str(err.value) and "200,000.00" in str(err.value)
    assert offers.get_offer(world.db, oid).offer.status == OfferStatus.draft
    assert balance(world.db, world.cny).available == 1_000_000_00
    assert offers.overrides_for_source(world.db, world.cny) == []


def test_override_is_audited_on_source_and_undo_marks_it(world: World) -> None:
    oid = offers.create_offer(
        world.db,
        world.apps[0],
        items=[item(world.cny, 1_200_000_00), item(world.usd, 1, ccy="USD")],
    )
    change = offers.set_status(
        world.db, oid, OfferStatus.approved, override_reason="  ministry top-up expected in May "
    )
    assert balance(world.db, world.cny).available == -200_000_00
    (ov,) = offers.overrides_for_source(world.db, world.cny)
    assert (ov.reason, ov.shortfall_minor, ov.currency, ov.offer_id, ov.undone) == (
        "ministry top-up expected in May",
        200_000_00,
        "CNY",
        oid,
        False,
    )
    assert offers.overrides_for_source(world.db, world.usd) == []
    with world.db.session() as s:
        entry = s.exec(
            select(AuditEntry).where(AuditEntry.entity == "offer", AuditEntry.action == "status")
        ).one()
    assert json.loads(entry.changes or "{}")["override_reason"] == "ministry top-up expected in May"
    # Extending an offer whose source is already below zero asks again.
    with pytest.raises(BudgetExceeded):
        offers.set_status(world.db, oid, OfferStatus.extended)
    offers.undo_status(world.db, change)
    assert balance(world.db, world.cny).available == 1_000_000_00
    (ov,) = offers.overrides_for_source(world.db, world.cny)
    assert ov.undone


def test_whitespace_reason_does_not_override(world: World) -> None:
    oid = offers.create_offer(world.db, world.apps[0], items=[item(world.cny, 2_000_000_00)])
    with pytest.raises(BudgetExceeded):
        offers.set_status(world.db, oid, OfferStatus.approved, override_reason="   ")


def test_guard_counts_other_offers_and_only_charged_sources(world: World) -> None:
    a = offers.create_offer(world.db, world.apps[0], items=[item(world.cny, 700_000_00)])
    b = offers.create_offer(
        world.db, world.apps[1], items=[item(world.cny, 300_000_00), item(None, 10**12)]
    )
    c = offers.create_offer(world.db, world.apps[2], items=[item(world.cny, 1)])
    extend(world.db, a)
    offers.set_status(world.db, b, OfferStatus.approved)  # exactly to zero is fine
    assert balance(world.db, world.cny).available == 0
    with pytest.raises(BudgetExceeded) as err:
        offers.set_status(world.db, c, OfferStatus.approved)
    assert err.value.shortfalls[0][2] == 1
    # Moving b back to draft releases its reservation.
    offers.set_status(world.db, b, OfferStatus.draft)
    offers.set_status(world.db, c, OfferStatus.approved)


# ------------------------------------------------------------------------------ reading


def test_list_offers_filters_in_sql(world: World) -> None:
    a = offers.create_offer(
        world.db, world.apps[0], items=[item(world.cny, 10), item(world.usd, 2, ccy="USD")]
    )
    b = offers.create_offer(
        world.db, world.apps[1], items=[item(world.cny, 20)], expires_on=TODAY + timedelta(days=2)
    )
    extend(world.db, b)
    rows = offers.list_offers(world.db, order_by="id", descending=False)
    assert [r.id for r in rows] == [a, b]
    assert rows[0].totals == {"CNY": 10, "USD": 2}
    assert rows[0].candidate == "Scholar 0" and rows[0].institution == "Wuhan University"
    assert [r.id for r in offers.list_offers(world.db, status="extended")] == [b]
    assert [r.id for r in offers.list_offers(world.db, target_id=world.targets[1])] == [b]
    assert len(offers.list_offers(world.db, institution_id=world.institution_id)) == 2
    assert offers.list_offers(world.db, institution_id=world.institution_id + 99) == []
    assert [r.id for r in offers.list_offers(world.db, expiring_within=7, today=TODAY)] == [b]
    assert [r.id for r in offers.list_offers(world.db, search="scholar 1")] == [b]
    choices = offers.offerable_applications(world.db)
    assert [c.id for c in choices] == [world.apps[2]]


def test_package_totals_in_reporting_currency(world: World) -> None:
    lines = [
        offers.check_item(x)[0]
        for x in (
            item(None, 100_000_00, "salary", period="annual", years=3),
            item(None, 50_000_00, "startup_research", period="annual", years=2),
            item(None, 1_000_00, "relocation", ccy="USD"),
        )
    ]
    conv = rates.Converter("CNY", {})
    with pytest.raises(rates.MissingRate, match="USD → CNY"):
        offers.package_totals([x for x in lines if x], conv)
    conv = rates.Converter("CNY", {"USD": Decimal("7.2")})
    t = offers.package_totals([x for x in lines if x], conv)
    assert (t.first_year, t.total, t.startup) == (107_200_00, 407_200_00, 100_000_00)


def test_offer_audit_written_in_same_transaction(world: World) -> None:
    oid = offers.create_offer(world.db, world.apps[0], items=[item(world.cny, 1)])
    extend(world.db, oid)
    assert audit_actions(world.db, "offer", oid) == ["create", "status", "status"]
    with world.db.session() as s:
        events = s.exec(select(StageEvent)).all()
    assert all(e.application_id in world.apps for e in events)
    with world.db.session() as s:
        assert s.get(Application, world.apps[0]) is not None
