"""Applications: bulk add/remove with exact restore, owners, candidate history."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from recruiter.domain.enums import ActivityKind, Outcome, Stage
from recruiter.errors import ConflictError, ValidationError
from recruiter.services import activities, applications, candidates, institutions, targets


@pytest.fixture
def setup(db):
    inst = institutions.create(db, name="Wuhan University")
    t = targets.create(db, institution_id=inst, title="Professor")
    people = [candidates.create(db, full_name=f"Person {i}") for i in range(3)]
    return t, people


def _dump(db) -> dict[str, list[tuple]]:
    with db.engine.connect() as conn:
        return {
            t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY id"))]
            for t in ("application", "stage_event", "activity", "offer")
        }


def test_add_many_skips_present_and_refuses_when_nothing_to_do(db, setup) -> None:
    t, people = setup
    first = applications.add(db, people[0], t)
    new = applications.add_many(db, people, t, owner="li.hua")
    assert len(new) == 2 and first not in new
    assert {applications.get(db, a).owner for a in new} == {"li.hua"}
    with pytest.raises(ConflictError, match="already in the pipeline"):
        applications.add_many(db, people, t)


def test_remove_and_reinsert_is_exact(db, setup) -> None:
    t, people = setup
    app = applications.add(db, people[0], t)
    applications.move(db, app, Stage.review)
    activities.log(db, people[0], ActivityKind.call, "Talked", application_id=app)
    before = _dump(db)
    bundle = applications.remove_many(db, [app])
    after = _dump(db)
    assert after["application"] == [] and after["stage_event"] == []
    assert after["activity"][0][2] is None  # the activity stays, unlinked
    applications.reinsert_many(db, bundle)
    assert _dump(db) == before


def test_move_outcome_restore(db, setup) -> None:
    t, people = setup
    app = applications.add(db, people[0], t)
    before = _dump(db)
    state = applications.move(db, app, Stage.contacted)
    assert applications.get(db, app).stage == Stage.contacted
    applications.restore(db, state, "move")
    assert _dump(db) == before
    with pytest.raises(ValidationError):
        applications.set_outcome(db, app, Outcome.declined, "  ")
    state = applications.set_outcome(db, app, Outcome.withdrawn, "Family reasons")
    with pytest.raises(ConflictError, match="closed"):
        applications.move(db, app, Stage.review)
    applications.restore(db, state, "outcome")
    assert _dump(db) == before
    state = applications.move(db, app, Stage.arrived)
    assert applications.get(db, app).outcome == Outcome.hired


def test_owners_in_bulk(db, setup) -> None:
    t, people = setup
    a0 = applications.add(db, people[0], t, owner="old")
    a1 = applications.add(db, people[1], t)
    applications.set_outcome(db, a1, Outcome.rejected, "no")
    prev = applications.set_owner_many(db, people, "new.owner")
    assert prev == {a0: "old"}  # closed applications are left alone
    applications.restore_owners(db, prev)
    assert applications.get(db, a0).owner == "old"
    with pytest.raises(ConflictError):
        applications.set_owner_many(db, [people[2]], "x")


def test_rows_for_candidate(db, setup) -> None:
    t, people = setup
    app = applications.add(db, people[0], t)
    applications.move(db, app, Stage.applied, note="CV received")
    rows = applications.for_candidate(db, people[0])
    assert [(r.id, r.stage, r.target) for r in rows] == [(app, Stage.applied, "Professor")]
    hist = applications.history_for_candidate(db, people[0])
    assert [h.to_stage for h in hist] == [Stage.applied, Stage.identified]
    assert hist[0].note == "CV received"
