"""Board queries: cards per stage, days in stage, next follow-up and overdue mark."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from recruiter.domain.enums import STAGES, ActivityKind, Outcome, Stage
from recruiter.errors import ValidationError
from recruiter.services import activities, applications, candidates, institutions, pipeline, targets


def test_board_groups_cards_and_marks_overdue(db) -> None:
    inst = institutions.create(db, name="Fudan University")
    other = institutions.create(db, name="Wuhan University")
    t = targets.create(db, institution_id=inst, title="Professor")
    t2 = targets.create(db, institution_id=other, title="Lecturer")
    a = candidates.create(db, full_name="Wei Zhang", name_zh="张伟", current_institution="MIT")
    b = candidates.create(db, full_name="Ann Lee")
    c = candidates.create(db, full_name="Closed Case")
    app_a = applications.add(db, a, t)
    applications.move(db, app_a, Stage.review)
    app_b = applications.add(db, b, t)
    app_c = applications.add(db, c, t)
    applications.set_outcome(db, app_c, Outcome.declined, "salary")
    applications.add(db, b, t2)
    today = date(2030, 5, 10)
    activities.log(db, a, ActivityKind.task, "Send contract", due_on=date(2030, 5, 9))
    activities.log(db, a, ActivityKind.task, "Later", due_on=date(2030, 6, 1))
    activities.log(db, b, ActivityKind.task, "Done already", due_on=date(2030, 5, 1), done=True)

    now = datetime.now(UTC) + timedelta(days=3)
    board = pipeline.board(db, target_id=t, today_=today, now=now)
    assert list(board) == list(STAGES)
    assert [c.application_id for c in board[Stage.review]] == [app_a]
    assert [c.application_id for c in board[Stage.identified]] == [app_b]
    card = board[Stage.review][0]
    assert card.display_name == "Wei Zhang 张伟" and card.institution == "MIT"
    assert card.next_due == date(2030, 5, 9) and card.overdue
    assert card.days_in_stage == 3
    assert board[Stage.identified][0].next_due is None
    with_closed = pipeline.cards(db, target_id=t, include_closed=True)
    assert {c.application_id for c in with_closed} == {app_a, app_b, app_c}
    assert len(pipeline.cards(db, institution_id=other)) == 1
    assert len(pipeline.cards(db)) == 3


def test_a_board_is_one_query_whatever_its_size(db) -> None:
    """No query per card, and on PostgreSQL no JIT: the follow-up subquery per card pushed a
    63,000-card board over the JIT thresholds, and compiling cost a third of the query."""
    inst = institutions.create(db, name="Fudan University")
    t = targets.create(db, institution_id=inst, title="Professor")
    for i in range(6):
        c = candidates.create(db, full_name=f"Candidate {i}")
        applications.add(db, c, t)
        activities.log(db, c, ActivityKind.task, "Call", due_on=date(2030, 5, 9 + i))
    sent: list[str] = []
    listen = lambda *a: sent.append(a[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        board = pipeline.cards(db, include_closed=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert len(board) == 6 and {c.next_due for c in board} == {
        date(2030, 5, 9 + i) for i in range(6)
    }
    queries = [q for q in sent if "FROM application" in q]
    assert len(queries) == 1 and not [q for q in sent if "FROM activity" in q and q not in queries]
    if db.engine.dialect.name == "postgresql":
        assert "SET LOCAL jit = off" in sent


def test_neighbour_stage() -> None:
    assert pipeline.neighbour(Stage.identified, 1) == Stage.contacted
    assert pipeline.neighbour(Stage.arrived, -1) == Stage.immigration
    with pytest.raises(ValidationError):
        pipeline.neighbour(Stage.arrived, 1)


def test_days_in_stage_are_calendar_days_in_the_office_zone(db) -> None:
    from recruiter.domain.models import Application
    from recruiter.services import settings

    inst = institutions.create(db, name="Fudan University")
    t = targets.create(db, institution_id=inst, title="Professor")
    app = applications.add(db, candidates.create(db, full_name="Wei Zhang"), t)
    with db.session() as s:  # 23:30 in Shanghai
        s.get(Application, app).stage_changed_at = datetime(2030, 5, 9, 15, 30, tzinfo=UTC)
    now = datetime(2030, 5, 9, 17, 0, tzinfo=UTC)  # 01:00 the next day in Shanghai
    assert pipeline.cards(db, now=now)[0].days_in_stage == 1
    settings.set_time_zone(db, "Europe/London")  # 16:30 and 18:00 on the same day
    assert pipeline.cards(db, now=now)[0].days_in_stage == 0
