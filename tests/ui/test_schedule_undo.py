"""Undoing a draft save brings back the schedule the save dropped, exactly (same ids, seqs,
triggers, sources and rules); redo drops it again."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from recruiter.domain.models import Instalment
from recruiter.services import offers, payments
from recruiter.services.payments import Line
from recruiter.store.database import Database
from recruiter.ui import offer_commands
from tests.factories import item, make_world


def rows(db: Database) -> list[dict[str, Any]]:
    with db.session() as s:
        return [i.model_dump() for i in s.exec(select(Instalment).order_by(col(Instalment.id)))]


def _offer_with_two_schedules(db: Database) -> tuple[int, list[int]]:
    world = make_world(db)
    oid = offers.create_offer(
        db,
        world.apps[0],
        items=[item(world.cny, 300_000_00, "settling_in"), item(world.cny, 90_000_00, "housing")],
    )
    ids = [int(i["id"]) for i in offers.snapshot(db, oid).items]
    payments.set_schedule(
        db,
        ids[0],
        [
            Line("signing", percent=60, clawback="full"),
            Line("service_year", percent=40, trigger_year=2, lapses=True, clawback="pro_rata"),
        ],
    )
    payments.set_schedule(db, ids[1], [Line("arrival", percent=100)])
    return oid, ids


def test_undo_of_a_draft_save_restores_the_dropped_schedule(make_ctx: Any, db: Database) -> None:
    oid, ids = _offer_with_two_schedules(db)
    before = rows(db)
    assert len(before) == 3
    ctx = make_ctx(db)
    snap = offers.snapshot(db, oid)
    lines = [dict(r) for r in snap.items]
    lines[0]["amount_minor"] = 310_000_00  # the first item changes: its schedule is dropped
    header = {k: snap.offer[k] for k in ("rank", "notes")} if snap.offer else {}
    cmd = offer_commands.save_offer(ctx, oid, header, lines)
    assert cmd.error is None
    after = rows(db)
    assert [r["offer_item_id"] for r in after] == [ids[1]]  # the unchanged item keeps its own
    ctx.undo.undo()
    assert rows(db) == before
    ctx.undo.redo()
    assert rows(db) == after
    ctx.undo.undo()
    assert rows(db) == before


def test_undo_of_removing_an_item_restores_its_schedule(make_ctx: Any, db: Database) -> None:
    oid, ids = _offer_with_two_schedules(db)
    before = rows(db)
    ctx = make_ctx(db)
    snap = offers.snapshot(db, oid)
    cmd = offer_commands.save_offer(ctx, oid, {}, [dict(snap.items[1])])
    assert cmd.error is None
    assert [r["offer_item_id"] for r in rows(db)] == [ids[1]]
    ctx.undo.undo()
    assert rows(db) == before


def test_restoring_a_snapshot_keeps_a_schedule_that_still_adds_up(db: Database) -> None:
    """A status undo must not touch instalments that are still there (they may be sent)."""
    oid, _ids = _offer_with_two_schedules(db)
    snap = offers.snapshot(db, oid)
    before = rows(db)
    offers.restore(db, snap)
    assert rows(db) == before
