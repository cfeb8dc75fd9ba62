"""Targets: progress per stage, choices, delete refused with a pipeline, restore with same id."""

from __future__ import annotations

import pytest

from recruiter.domain.enums import Outcome, Stage, TargetStatus
from recruiter.errors import ConflictError, ValidationError
from recruiter.services import applications, candidates, institutions, targets


def test_progress_and_choices(db) -> None:
    inst = institutions.create(db, name="Wuhan University")
    t = targets.create(db, institution_id=inst, title="Professor", headcount=2)
    closed = targets.create(db, institution_id=inst, title="Archived", status="closed")
    people = [candidates.create(db, full_name=f"P {i}") for i in range(4)]
    apps = [applications.add(db, p, t) for p in people]
    applications.move(db, apps[0], Stage.arrived)
    applications.move(db, apps[1], Stage.review)
    applications.set_outcome(db, apps[2], Outcome.rejected, "no")
    applications.set_outcome(db, apps[3], Outcome.on_hold, "waiting for funds")
    prog = {p.id: p for p in targets.progress(db)}
    assert prog[t].hired == 1 and prog[t].headcount == 2
    assert (prog[t].open, prog[t].active, prog[t].on_hold) == (2, 1, 1)
    assert prog[t].per_stage[Stage.review] == 1 and prog[t].per_stage[Stage.identified] == 1
    counts = targets.application_counts(db)
    assert (counts.open, counts.active, counts.on_hold) == (2, 1, 1)
    assert targets.application_counts(db, institutions.create(db, name="Other")).open == 0
    assert [c.id for c in targets.choices(db)] == [t, closed]
    assert targets.choices(db)[1].status == TargetStatus.closed


def test_validation_delete_and_restore(db) -> None:
    inst = institutions.create(db, name="Wuhan University")
    with pytest.raises(ValidationError) as err:
        targets.create(db, institution_id=inst, title="", headcount=0)
    assert set(err.value.errors) == {"title", "headcount"}
    t = targets.create(db, institution_id=inst, title="Professor")
    snap = targets.snapshot(db, t)
    prev = targets.update(db, t, title="Full Professor", headcount=3)
    assert prev == {"title": "Professor", "headcount": 1}
    targets.update(db, t, **prev)
    assert targets.snapshot(db, t) == snap
    targets.delete(db, t)
    targets.restore(db, snap)
    assert targets.snapshot(db, t) == snap
    app = applications.add(db, candidates.create(db, full_name="X"), t)
    assert app
    with pytest.raises(ConflictError, match="close the target"):
        targets.delete(db, t)


def test_a_target_is_charged_to_a_budget_of_its_institution_or_of_none(db) -> None:
    from recruiter.services import funding

    whu = institutions.create(db, name="Wuhan University")
    fudan = institutions.create(db, name="Fudan University")
    own = funding.create(db, name="WHU talent fund", institution_id=whu, total_minor=100)
    anywhere = funding.create(db, name="Provincial fund", total_minor=100)
    theirs = funding.create(db, name="Fudan fund", institution_id=fudan, total_minor=100)
    tid = targets.create(db, institution_id=whu, title="Chair", funding_source_id=own)
    assert targets.get(db, tid).funding_source_id == own
    with pytest.raises(ValidationError) as refused:
        targets.create(db, institution_id=whu, title="Lecturer", funding_source_id=theirs)
    assert refused.value.errors == {"funding_source_id": "belongs to another institution"}
    with pytest.raises(ValidationError):
        targets.update(db, tid, funding_source_id=theirs)
    before = targets.update(db, tid, funding_source_id=anywhere)
    assert before == {"funding_source_id": own}
    targets.update(db, tid, **before)  # what undo does
    assert targets.get(db, tid).funding_source_id == own
