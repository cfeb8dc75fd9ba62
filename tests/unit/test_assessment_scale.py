"""The office's own assessment scale: results in order with English and Chinese names and an
effect (release, hold, stop); validated against the recorded assessments, audited, undoable."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import col, select

from recruiter.domain.instalments import (
    DEFAULT_RESULTS,
    Effect,
    ScaleResult,
    parse_scale,
    scale_problems,
)
from recruiter.domain.models import AuditEntry, Instalment, Setting
from recruiter.errors import ValidationError
from recruiter.services import payments
from recruiter.services.payments import Line
from recruiter.services.payments.plan import SCALE_KEY
from recruiter.store.database import Database
from tests.factories import World, item, make_world
from tests.unit.test_payments import accepted_offer

PASS, BASIC, FAIL = DEFAULT_RESULTS


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db, cny_total=2_000_000_00)


def hire_with_mid_term(world: World) -> tuple[int, int]:
    """(item with a mid-term tranche, the mid-term assessment)."""
    _oid, (it,) = accepted_offer(world, [item(world.cny, 100_000_00, "signing_bonus")])
    payments.set_schedule(
        world.db,
        it,
        [Line("signing", percent=80), Line("assessment", percent=20, assessment_kind="mid_term")],
    )
    payments.set_service(world.db, world.apps[0], date(2026, 4, 1), 8)
    mid = payments.assessments(world.db, application_id=world.apps[0])[0].id
    return it, mid


def test_the_default_scale_and_the_older_stored_mapping() -> None:
    assert [(r.key, r.en, r.effect) for r in DEFAULT_RESULTS] == [
        ("合格", "Pass", Effect.release),
        ("基本合格", "Basic pass", Effect.release),
        ("不合格", "Fail", Effect.stop),
    ]
    older = parse_scale({"优秀": "release", "不合格": "stop"})
    assert older == (
        ScaleResult("优秀", "优秀", "优秀", Effect.release),
        ScaleResult("不合格", "Fail", "不合格", Effect.stop),
    )
    assert parse_scale([{"key": "A", "effect": "maybe"}]) is None
    assert parse_scale("nonsense") is None


def test_scale_rules_in_words() -> None:
    assert scale_problems(DEFAULT_RESULTS, {}) == {}
    assert "at least one" in scale_problems((), {})["results"]
    no_pass = (ScaleResult("a", "A", "", Effect.hold), ScaleResult("b", "B", "", Effect.stop))
    assert "release" in scale_problems(no_pass, {})["results"]
    twice = (PASS, ScaleResult("x", "pass", "", Effect.release))
    assert "twice" in scale_problems(twice, {})["result 2"]
    unnamed = (PASS, ScaleResult("", " ", "", Effect.hold))
    assert "name" in scale_problems(unnamed, {})["result 2"]
    # a result in use: renamed fine, removed or given another effect refused
    renamed = (ScaleResult("合格", "Passed", "通过", Effect.release), FAIL)
    assert scale_problems(renamed, {"合格": 3}, DEFAULT_RESULTS) == {}
    assert "keep it" in scale_problems((PASS,), {"不合格": 1}, DEFAULT_RESULTS)["不合格"]
    flipped = (PASS, ScaleResult("不合格", "Fail", "不合格", Effect.hold))
    assert "effect" in scale_problems(flipped, {"不合格": 1}, DEFAULT_RESULTS)["不合格"]


def test_set_scale_renames_adds_and_undoes(world: World) -> None:
    db = world.db
    it, mid = hire_with_mid_term(world)
    payments.record_result(db, mid, "合格", date(2030, 4, 10))
    wanted = [
        ScaleResult("", "Excellent", "优秀", Effect.release),
        ScaleResult("合格", "Satisfactory", "称职", Effect.release),  # renamed, same key
        ScaleResult("", "Pending review", "待定", Effect.hold),
        FAIL,
    ]
    before = payments.set_scale(db, wanted)
    assert before is None  # the default scale was in use
    stored = payments.assessment_scale(db)
    assert [r.key for r in stored] == ["优秀", "合格", "待定", "不合格"]
    assert stored[1].label(True) == "称职" and stored[1].label(False) == "Satisfactory"
    assert payments.assessments(db, application_id=world.apps[0])[0].result == "合格"
    assert payments.scale_used(db) == {"合格": 1}
    with db.session() as s:
        row = s.get(Setting, SCALE_KEY)
        assert row is not None and json.loads(row.value)[2]["effect"] == "hold"
        audit = s.exec(select(AuditEntry).where(col(AuditEntry.entity) == "setting")).all()
        assert len(audit) == 1 and SCALE_KEY in audit[0].changes
    # removing the result in use is refused, and nothing changes
    with pytest.raises(ValidationError) as exc:
        payments.set_scale(db, [stored[0], stored[3]])
    assert "合格" in exc.value.errors
    assert payments.assessment_scale(db) == stored
    # undo puts the default scale back; redo the office's
    after = payments.restore_scale(db, before)
    assert payments.assessment_scale(db) == DEFAULT_RESULTS
    payments.restore_scale(db, after)
    assert payments.assessment_scale(db) == stored
    assert it


def test_a_holding_result_keeps_the_tranche_waiting(world: World) -> None:
    db = world.db
    it, mid = hire_with_mid_term(world)
    payments.set_scale(db, [PASS, ScaleResult("", "Deferred", "暂缓", Effect.hold), FAIL])
    payments.record_result(db, mid, "暂缓", date(2030, 4, 10))
    with db.session() as s:
        statuses = s.exec(
            select(col(Instalment.status))
            .where(col(Instalment.offer_item_id) == it)
            .order_by(col(Instalment.seq))
        ).all()
    assert list(statuses) == ["planned", "planned"]  # neither stopped ...
    due = payments.due_for_month(db, "2030-04")
    assert [r.amount_minor for r in due] == [80_000_00]  # ... nor released
    payments.record_result(db, mid, "合格", date(2030, 6, 1))
    assert sorted(r.amount_minor for r in payments.due_for_month(db, "2030-06")) == [
        20_000_00,
        80_000_00,
    ]
