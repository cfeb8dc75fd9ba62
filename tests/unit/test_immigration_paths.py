"""Every way an application reaches `signed` opens its case (a move, several at once, an
application added at that stage, a bulk writer swept after), and undo of a delete puts the case
back as it was; the Visas page's lines and the Due dock's nearest cases, read from each case's
stored next deadline, agree with the clocks worked out in full, on 5,000 cases."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import func, insert, select
from sqlmodel import SQLModel

from recruiter.domain.clock import utcnow
from recruiter.domain.enums import Stage
from recruiter.domain.immigration import Milestone
from recruiter.services import (
    applications,
    candidates,
    demo_visas,
    immigration,
    institutions,
    targets,
)
from recruiter.services.immigration.clocks import CaseFilters


@pytest.fixture
def pipeline(db) -> tuple[int, list[int]]:
    """A target and three candidates (no applications yet)."""
    inst = institutions.create(db, name="Wuhan University")
    t = targets.create(db, institution_id=inst, title="Professor")
    people = [
        candidates.create(db, full_name=n, nationality="Portugal")
        for n in ("Ana Silva", "Ben Okafor", "Chen Wei")
    ]
    return t, people


def _cases(db) -> dict[int, int]:
    """{application id: case id}."""
    t = SQLModel.metadata.tables["immigration_case"]
    with db.engine.connect() as conn:
        return {a: c for c, a in conn.execute(select(t.c.id, t.c.application_id))}


def test_moving_several_to_signed_opens_a_case_each_and_undo_removes_them(db, pipeline) -> None:
    t, people = pipeline
    apps = [applications.add(db, c, t) for c in people]
    states = applications.move_many(db, apps, Stage.signed)
    assert sorted(_cases(db)) == sorted(apps)
    assert all(s.opened_case == _cases(db)[s.id] for s in states)
    applications.restore_many(db, states, "move")
    assert _cases(db) == {}


def test_an_application_added_at_signed_gets_its_case(db, pipeline) -> None:
    t, people = pipeline
    signed = applications.add(db, people[0], t, stage=Stage.signed)
    early = applications.add(db, people[1], t, stage=Stage.offer)
    assert list(_cases(db)) == [signed]
    assert early not in _cases(db)


def test_a_bulk_writer_that_skips_the_services_is_swept(db, pipeline) -> None:
    t, people = pipeline
    app = SQLModel.metadata.tables["application"]
    now = utcnow()
    with db.engine.begin() as conn:
        for c, stage, outcome in (
            (people[0], "signed", "active"),
            (people[1], "immigration", "on_hold"),
            (people[2], "signed", "withdrawn"),  # closed: no case
        ):
            conn.execute(
                insert(app).values(
                    candidate_id=c,
                    target_id=t,
                    stage=stage,
                    outcome=outcome,
                    priority=0,
                    stage_changed_at=now,
                    created_at=now,
                )
            )
        ids = dict(conn.execute(select(app.c.candidate_id, app.c.id)).all())
    opened = immigration.open_missing(db)
    assert sorted(_cases(db)) == sorted([ids[people[0]], ids[people[1]]])
    assert len(opened) == 2
    assert immigration.open_missing(db) == []  # a second sweep finds nothing to do
    for case_id in opened:  # opened like any other: the scholar, documents, clocks stored
        assert immigration.detail(db, case_id).people


def test_undo_of_a_delete_brings_the_case_back_as_it_was(db, pipeline) -> None:
    t, people = pipeline
    a = applications.add(db, people[0], t)
    b = applications.add(db, people[1], t)
    applications.move_many(db, [a, b], Stage.signed)
    cases = _cases(db)
    immigration.set_milestone(db, cases[a], Milestone.entry, done_on=date(2026, 3, 2))
    before = immigration.detail(db, cases[a])
    bundle = applications.remove_many(db, [a])
    assert a not in _cases(db)
    applications.reinsert_many(db, bundle)
    assert _cases(db) == cases
    again = immigration.detail(db, cases[a])
    assert again.milestones == before.milestones and again.people == before.people
    assert again.tasks == before.tasks and again.deadlines == before.deadlines

    gone = candidates.delete_many(db, [people[1]])
    assert b not in _cases(db)
    candidates.restore(db, gone)
    assert _cases(db) == cases


def test_demo_data_leaves_no_signed_application_without_its_case(demo_db) -> None:
    app = SQLModel.metadata.tables["application"]
    with demo_db.engine.connect() as conn:
        signed = conn.execute(
            select(func.count())
            .select_from(app)
            .where(app.c.stage.in_(["signed", "immigration"]), app.c.outcome == "active")
        ).scalar()
    assert signed
    assert immigration.open_missing(demo_db) == []


# -- the Due dock and the Visas page on 5,000 cases ------------------------------------------

TODAY = date(2026, 5, 4)


def many_cases(db, n: int, today: date = TODAY) -> None:
    """`n` signed hires with cases as the demo makes them (every route and state, many overdue),
    written in bulk, then their next deadlines stored as the demo does."""
    inst = institutions.create(db, name="Fudan University")
    t = targets.create(db, institution_id=inst, title="Lecturer")
    cand, app = (SQLModel.metadata.tables[x] for x in ("candidate", "application"))
    now = utcnow()
    with db.engine.begin() as conn:
        first = (conn.execute(select(func.max(cand.c.id))).scalar() or 0) + 1
        conn.execute(
            insert(cand),
            [
                {
                    "full_name": f"Scholar {i:05d}",
                    "full_name_key": f"scholar {i:05d}",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(n)
            ],
        )
        conn.execute(
            insert(app),
            [
                {
                    "candidate_id": first + i,
                    "target_id": t,
                    "stage": "signed",
                    "outcome": "active",
                    "priority": 0,
                    "stage_changed_at": now,
                    "created_at": now,
                }
                for i in range(n)
            ],
        )
        rows = conn.execute(
            select(app.c.id, cand.c.full_name, cand.c.nationality, app.c.owner)
            .join(cand, cand.c.id == app.c.candidate_id)
            .where(app.c.target_id == t)
            .order_by(app.c.id)
        ).all()
        demo_visas.write(conn, random.Random(3), today, [(*r, "signed") for r in rows])
    immigration.refresh_next_due(db)


@pytest.fixture
def many(db):
    many_cases(db, 5_000)
    return db


def test_the_dock_lists_the_nearest_cases_and_counts_the_rest_in_sql(many) -> None:
    full = immigration.case_list(many, CaseFilters(state="live"), TODAY).rows
    horizon = TODAY + timedelta(days=7)
    near = sorted(
        (r for r in full if r.next_due is not None and r.next_due <= horizon),
        key=lambda r: (r.next_due, r.candidate, r.id),
    )
    overdue = sum(1 for r in near if r.next_due < TODAY)
    assert overdue > 1_000  # as in the benchmark: most of them are late

    dock = immigration.nearest_due(many, TODAY)
    assert (dock.overdue, dock.soon) == (overdue, len(near) - overdue)
    assert len(dock.nearest) == immigration.DOCK_LIMIT
    assert dock.more == len(near) - immigration.DOCK_LIMIT
    assert [(d.case_id, d.due_on, d.deadline) for d in dock.nearest] == [
        (r.id, r.next_due, r.next_deadline) for r in near[: immigration.DOCK_LIMIT]
    ]
    assert dock.nearest[0].overdue and dock.nearest[0].days_left == (near[0].next_due - TODAY).days


def test_the_page_lines_match_the_clocks_worked_out_in_full(many) -> None:
    full = immigration.case_list(many, today=TODAY)
    lines = immigration.case_lines(many, today=TODAY)
    assert len(lines.rows) == len(full.rows) > 4_500
    key = [(r.id, r.next_deadline, r.next_due, r.days_left, r.urgency) for r in full.rows]
    assert [(r.id, r.next_deadline, r.next_due, r.days_left, r.urgency) for r in lines.rows] == key
    assert lines.overdue == sum(1 for r in full.rows if r.urgency == "overdue")
    one = CaseFilters(route="r")
    assert [r.id for r in immigration.case_lines(many, one, TODAY).rows] == [
        r.id for r in immigration.case_list(many, one, TODAY).rows
    ]


def test_cases_not_worked_out_yet_are_worked_out_on_read(db, pipeline) -> None:
    """After the 0015 upgrade every case's next deadline is NULL until a write stores it."""
    t, people = pipeline
    apps = [applications.add(db, c, t) for c in people[:2]]
    applications.move_many(db, apps, Stage.signed)
    cases = _cases(db)
    immigration.set_milestone(
        db, cases[apps[0]], Milestone.entry, done_on=TODAY - timedelta(days=12)
    )
    immigration.set_milestone(
        db, cases[apps[1]], Milestone.entry, done_on=TODAY - timedelta(days=2)
    )
    stored = immigration.case_lines(db, today=TODAY)
    ic = SQLModel.metadata.tables["immigration_case"]
    with db.engine.begin() as conn:
        conn.execute(ic.update().values(next_due=None, next_rule=None))
    assert immigration.case_lines(db, today=TODAY) == stored
    dock = immigration.nearest_due(db, TODAY)
    assert (dock.overdue, dock.soon, len(dock.nearest)) == (1, 0, 1)
    assert dock.nearest[0].deadline == "Apply for the work permit"


def test_the_daily_job_stores_the_deadlines_not_worked_out(db, pipeline) -> None:
    """refresh_unknown stores what the reads would work out, and then has nothing left to do."""
    t, people = pipeline
    apps = [applications.add(db, c, t) for c in people[:2]]
    applications.move_many(db, apps, Stage.signed)
    cases = _cases(db)
    immigration.set_milestone(
        db, cases[apps[0]], Milestone.entry, done_on=TODAY - timedelta(days=12)
    )
    ic = SQLModel.metadata.tables["immigration_case"]
    with db.engine.connect() as conn:
        stored = conn.execute(
            select(ic.c.id, ic.c.next_due, ic.c.next_rule).order_by(ic.c.id)
        ).all()
    with db.engine.begin() as conn:
        conn.execute(ic.update().values(next_due=None, next_rule=None))
    assert immigration.refresh_unknown(db) == len(stored) == 2
    with db.engine.connect() as conn:
        assert (
            conn.execute(select(ic.c.id, ic.c.next_due, ic.c.next_rule).order_by(ic.c.id)).all()
            == stored
        )
    assert immigration.refresh_unknown(db) == 0
