"""What counts working days follows the office calendar after the fact: a holiday added, moved
or removed recomputes the end of public notices not yet decided (issue 17) and each immigration
case's stored next deadline (issue 13), audited; decided notices keep their end."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from recruiter.domain.enums import Stage
from recruiter.domain.immigration import Milestone
from recruiter.services import (
    applications,
    calendar,
    candidates,
    gates,
    immigration,
    institutions,
    targets,
)
from recruiter.services.immigration.clocks import NO_DEADLINE


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    inst = institutions.create(db, name="Wuhan University")
    t = targets.create(db, institution_id=inst, title="Professor of Physics")
    gates.install_defaults(db, inst)
    notice = next(r.id for r in gates.for_institution(db, inst) if r.kind.value == "public_notice")
    apps = [
        applications.add(db, candidates.create(db, full_name=n), t, stage=Stage.review)
        for n in ("Ada Lovelace", "Emmy Noether")
    ]
    return {"apps": apps, "notice": notice}


def _notice_end(db, app: int) -> date | None:  # type: ignore[no-untyped-def]
    view = next(g for g in gates.for_application(db, app).gates if g.rule.notice_days)
    return view.notice_end


def test_a_holiday_moves_open_notices_but_not_decided_ones(db, world) -> None:  # type: ignore[no-untyped-def]
    open_app, decided_app = world["apps"]
    monday = date(2026, 11, 30)
    for app in world["apps"]:
        gates.post_notice(db, app, world["notice"], monday)
    assert _notice_end(db, open_app) == date(2026, 12, 7)
    with db.engine.begin() as conn:  # decided (the guard's order is not what this tests)
        conn.execute(
            text(
                "UPDATE gate_record SET outcome = 'approved', decided_on = :d "
                "WHERE application_id = :a AND template_id = :t"
            ),
            {"d": "2026-12-07", "a": decided_app, "t": world["notice"]},
        )

    day = calendar.add(db, day=date(2026, 12, 2), name="Office closed", kind="holiday")
    assert _notice_end(db, open_app) == date(2026, 12, 8)
    assert _notice_end(db, decided_app) == date(2026, 12, 7)
    with db.engine.connect() as conn:
        logged = conn.execute(
            text(
                "SELECT changes FROM audit_entry WHERE entity = 'gate_record' "
                "AND action = 'notice' ORDER BY id DESC LIMIT 1"
            )
        ).scalar_one()
    assert "2026-12-08" in logged

    calendar.update(db, day, day=date(2026, 12, 9))  # after the end: no effect
    assert _notice_end(db, open_app) == date(2026, 12, 7)
    calendar.update(db, day, day=date(2026, 12, 3))
    assert _notice_end(db, open_app) == date(2026, 12, 8)
    kept = calendar.remove(db, day)
    assert _notice_end(db, open_app) == date(2026, 12, 7)
    calendar.restore(db, kept)  # undo of the removal
    assert _notice_end(db, open_app) == date(2026, 12, 8)


def _stored(db) -> dict[int, date | None]:  # type: ignore[no-untyped-def]
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, next_due FROM immigration_case")).all()
    return {i: (d if isinstance(d, date) or d is None else date.fromisoformat(d)) for i, d in rows}


def _computed(db) -> dict[int, date]:  # type: ignore[no-untyped-def]
    listed = immigration.case_list(db, immigration.CaseFilters(state="all"))
    return {r.id: r.next_due or NO_DEADLINE for r in listed.rows}


def test_stored_next_deadline_follows_every_write(db, world) -> None:  # type: ignore[no-untyped-def]
    app = world["apps"][0]
    applications.move(db, app, Stage.signed, override="test")
    case = immigration.case_of(db, app)
    assert case is not None
    assert _stored(db) == {case: NO_DEADLINE}
    # FWP pre-review: 10 working days from a Monday → two weeks later.
    immigration.set_milestone(db, case, Milestone.fwp_submitted, done_on=date(2026, 11, 30))
    assert _stored(db) == _computed(db) == {case: date(2026, 12, 14)}
    day = calendar.add(db, day=date(2026, 12, 1), name="Office closed", kind="holiday")
    assert _stored(db) == _computed(db) == {case: date(2026, 12, 15)}
    rule = next(r for r in immigration.rule_rows(db) if r.code == "fwp_prereview")
    immigration.update_rule(db, rule.id, amount=5)
    assert _stored(db) == _computed(db) == {case: date(2026, 12, 8)}
    calendar.remove(db, day)
    assert _stored(db) == _computed(db) == {case: date(2026, 12, 7)}
    person = immigration.add_person(
        db, case, role="spouse", full_name="Jo", passport_expires=date(2026, 12, 1)
    )
    immigration.set_milestone(
        db,
        case,
        Milestone.residence_permit,
        done_on=date(2026, 11, 1),
        expires_on=date(2027, 11, 1),
    )
    assert _stored(db) == _computed(db) == {case: date(2026, 12, 1)}  # the passport
    immigration.update_person(db, person, passport_expires=date(2030, 1, 1))
    assert _stored(db) == _computed(db)
    bundle = immigration.remove_case(db, case)
    immigration.restore_case(db, bundle)
    assert _stored(db) == _computed(db)
    immigration.close_case(db, case, "Hire withdrawn", on=date(2026, 12, 2))
    assert _stored(db) == {case: NO_DEADLINE}


def test_due_reads_only_cases_near_a_deadline_and_those_not_worked_out(db, world) -> None:  # type: ignore[no-untyped-def]
    today = date(2026, 12, 1)
    app = world["apps"][0]
    applications.move(db, app, Stage.signed, override="test")
    case = immigration.case_of(db, app)
    assert case is not None
    immigration.set_milestone(db, case, Milestone.entry, done_on=today - timedelta(days=5))
    assert [d.deadline for d in immigration.due(db, today=today).deadlines] == [
        "Apply for the work permit"
    ]
    with db.engine.begin() as conn:  # an upgraded database: nothing stored yet
        conn.execute(text("UPDATE immigration_case SET next_due = NULL"))
    assert len(immigration.due(db, today=today).deadlines) == 1
    with db.engine.begin() as conn:  # a stale far date hides it: the stored date is trusted
        conn.execute(text("UPDATE immigration_case SET next_due = '2030-01-01'"))
    assert immigration.due(db, today=today).deadlines == []
    immigration.refresh_next_due(db)
    assert len(immigration.due(db, today=today).deadlines) == 1
