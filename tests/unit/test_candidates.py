"""Candidates: filters and sorting in SQL, tags in bulk, exact restore for undo."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from recruiter.domain.enums import ActivityKind, Outcome, Stage
from recruiter.errors import ValidationError
from recruiter.services import activities, applications, candidates, institutions, targets
from recruiter.services.candidates import CandidateQuery


@pytest.fixture
def world(db):
    inst = institutions.create(db, name="Wuhan University", name_zh="武汉大学")
    other = institutions.create(db, name="Fudan University")
    t1 = targets.create(db, institution_id=inst, title="Professor in Chemistry", headcount=2)
    t2 = targets.create(db, institution_id=other, title="Professor in Physics")
    a = candidates.create(
        db,
        full_name="alice Brown",
        country="UK",
        field="Chemistry",
        source="Referral",
        tags="returnee",
        h_index=30,
    )
    b = candidates.create(
        db, full_name="Bob Chen", name_zh="陈博", country="USA", field="Physics", h_index=10
    )
    c = candidates.create(
        db,
        full_name="Carol Davis",
        country="UK",
        field="Physics",
        tags="industry,returnee",
        h_index=20,
    )
    app_a = applications.add(db, a, t1)
    applications.move(db, app_a, Stage.review)
    app_b = applications.add(db, b, t2)
    applications.set_outcome(db, app_b, Outcome.declined, "took another offer")
    activities.log(db, c, ActivityKind.task, "Call back", due_on=date.today() - timedelta(days=1))
    return {"inst": inst, "other": other, "t1": t1, "t2": t2, "a": a, "b": b, "c": c}


def ids(db, **kw) -> list[int]:
    return candidates.query_ids(db, CandidateQuery(**kw))


def test_sort_is_case_insensitive_and_reversible(db, world) -> None:
    w = world
    assert ids(db) == [w["a"], w["b"], w["c"]]  # 'alice' sorts with 'A'
    assert ids(db, descending=True) == [w["c"], w["b"], w["a"]]
    assert ids(db, sort="h_index") == [w["b"], w["c"], w["a"]]
    assert ids(db, sort="stage", descending=True)[0] == w["a"]  # only open pipeline at review
    assert ids(db, sort="not-a-column") == ids(db)


def test_filters(db, world) -> None:
    w = world
    assert ids(db, stage="review") == [w["a"]]
    assert ids(db, outcome="declined") == [w["b"]]
    assert ids(db, target_id=w["t2"]) == [w["b"]]
    assert ids(db, institution_id=w["inst"]) == [w["a"]]
    assert ids(db, institution_id=w["inst"], outcome="declined") == []  # same application
    assert ids(db, country="UK") == [w["a"], w["c"]]
    assert ids(db, country="UK", field="Physics") == [w["c"]]
    assert ids(db, source="Referral") == [w["a"]]
    assert ids(db, tag="returnee") == [w["a"], w["c"]]
    assert ids(db, tag="return") == []  # whole tags only
    assert ids(db, followup_due=True) == [w["c"]]
    assert ids(db, text="chen", sort="h_index") == [w["b"]]
    assert ids(db, country="UK", sort="h_index", descending=True) == [w["a"], w["c"]]


def test_fetch_rows_and_computed_columns(db, world) -> None:
    w = world
    rows = candidates.fetch_rows(
        db, [w["a"], w["c"]], ["full_name", "stage", "applications", "next_due"]
    )
    assert rows[w["a"]][:3] == ("alice Brown", Stage.review.index, 1)
    assert str(rows[w["c"]][3]) == (date.today() - timedelta(days=1)).isoformat()
    assert candidates.stage_label(rows[w["a"]][1]) == "Review"
    f = candidates.facets(db)
    assert f["country"] == ["UK", "USA"] and f["tag"] == ["industry", "returnee"]


def test_tags_in_bulk_and_undo(db, world) -> None:
    w = world
    before_rows = {k: candidates.row(db, w[k]) for k in "abc"}
    prev = candidates.change_tag(db, [w["a"], w["b"], w["c"]], "VIP", add=True)
    assert set(prev) == {w["a"], w["b"], w["c"]}
    assert candidates.get(db, w["c"]).tags == "industry,returnee,VIP"
    assert ids(db, tag="VIP") == [w["a"], w["b"], w["c"]]
    candidates.restore_tags(db, prev)
    assert {k: candidates.row(db, w[k]) for k in "abc"} == before_rows
    prev = candidates.change_tag(db, [w["a"], w["b"]], "returnee", add=False)
    assert set(prev) == {w["a"]} and candidates.get(db, w["a"]).tags is None
    with pytest.raises(ValidationError):
        candidates.change_tag(db, [w["a"]], " , ", add=True)
    with db.engine.connect() as conn:
        n = conn.execute(
            text(
                "SELECT count(*) FROM audit_entry WHERE entity='candidate' AND changes LIKE '%VIP%'"
            )
        ).scalar_one()
    assert n >= 3


def test_put_back_restores_row_exactly(db, world) -> None:
    w = world
    snap = candidates.row(db, w["b"])
    candidates.update(db, w["b"], email="bob@example.org", h_index=11, name_zh="")
    assert candidates.row(db, w["b"]) != snap
    candidates.put_back(db, snap)
    back = candidates.row(db, w["b"])
    assert back.pop("version") == snap.pop("version") + 2  # the undo is a save too
    assert back == snap
    assert ids(db, text="bob@example") == []


def test_validation_names_each_field(db) -> None:
    with pytest.raises(ValidationError) as err:
        candidates.create(
            db, full_name="", email="nope", orcid="0000-0002-1825-0098", phd_year="1800"
        )
    assert set(err.value.errors) == {"full_name", "email", "orcid", "phd_year"}
    assert candidates.count(db) == 0


def test_delete_and_restore_many(db, world) -> None:
    w = world
    snap = {k: candidates.row(db, w[k]) for k in "ab"}
    assert candidates.impact(db, [w["a"], w["b"]])["application"] == 2
    bundle = candidates.delete_many(db, [w["a"], w["b"]])
    assert candidates.count(db) == 1 and ids(db, text="chen") == []
    candidates.restore(db, bundle)
    assert {k: candidates.row(db, w[k]) for k in "ab"} == snap
    assert ids(db, text="chen") == [w["b"]]
    assert len(applications.history_for_candidate(db, w["a"])) == 2
