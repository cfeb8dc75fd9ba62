"""Applications: one candidate in the pipeline of one target. Stage moves and outcomes write a
stage_event and an audit entry in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from recruiter.domain.clock import utcnow
from recruiter.domain.enums import CLOSED_OUTCOMES, Outcome, Stage
from recruiter.domain.models import Application, Candidate, StageEvent, Target
from recruiter.domain.rules import outcome_for_stage, stage_move_problem
from recruiter.errors import ConflictError, ValidationError
from recruiter.store.database import Database

from . import audit
from ._common import get_or_raise


@dataclass(frozen=True)
class ApplicationState:
    """What undo needs to put an application back exactly."""

    id: int
    stage: Stage
    outcome: Outcome
    stage_changed_at: datetime
    closed_reason: str | None
    # The stage_event the change wrote; undo removes it so history reads as if it never happened.
    event_id: int | None = None


def _state(app: Application) -> ApplicationState:
    assert app.id is not None
    return ApplicationState(app.id, Stage(app.stage), Outcome(app.outcome), app.stage_changed_at,
                            app.closed_reason)


def add(db: Database, candidate_id: int, target_id: int, *, stage: Stage = Stage.identified,
        owner: str | None = None, priority: int = 0) -> int:
    with db.session() as s:
        return add_in(s, db.user, candidate_id, target_id, stage=stage, owner=owner,
                      priority=priority)


def add_in(s: Session, user: str, candidate_id: int, target_id: int, *,
           stage: Stage = Stage.identified, owner: str | None = None, priority: int = 0) -> int:
    get_or_raise(s, Candidate, candidate_id, "Candidate")
    target = get_or_raise(s, Target, target_id, "Target")
    if not 0 <= priority <= 3:
        raise ValidationError({"priority": "must be between 0 and 3"})
    exists = s.exec(select(Application.id).where(Application.candidate_id == candidate_id,
                                                 Application.target_id == target_id)).first()
    if exists is not None:
        raise ConflictError(f"This candidate is already in the pipeline of '{target.title}'.")
    now = utcnow()
    app = Application(candidate_id=candidate_id, target_id=target_id, stage=stage,
                      outcome=Outcome.active, owner=owner, priority=priority,
                      stage_changed_at=now, created_at=now)
    s.add(app)
    try:
        s.flush()
    except IntegrityError as exc:  # a concurrent add
        raise ConflictError("This candidate is already in that pipeline.") from exc
    assert app.id is not None
    s.add(StageEvent(application_id=app.id, from_stage=None, to_stage=stage,
                     outcome=Outcome.active, at=now, by=user, note="added to pipeline"))
    audit.record(s, user, "application", app.id, "create", audit.snapshot(app))
    return app.id


def move(db: Database, application_id: int, to: Stage, note: str | None = None) -> ApplicationState:
    """Move to another stage; returns the state before, for undo."""
    with db.session() as s:
        return move_in(s, db.user, application_id, to, note)


def move_in(s: Session, user: str, application_id: int, to: Stage, note: str | None = None
            ) -> ApplicationState:
    app = get_or_raise(s, Application, application_id, "Application")
    before = _state(app)
    problem = stage_move_problem(before.stage, before.outcome, to)
    if problem:
        raise ConflictError(problem[0].upper() + problem[1:] + ".")
    now = utcnow()
    app.stage = to
    app.outcome = outcome_for_stage(to, before.outcome)
    app.stage_changed_at = now
    s.add(app)
    event = StageEvent(application_id=application_id, from_stage=before.stage, to_stage=to,
                       outcome=app.outcome, at=now, note=note, by=user)
    s.add(event)
    s.flush()
    audit.record(s, user, "application", application_id, "move",
                 {"stage": [before.stage, to], "outcome": [before.outcome, app.outcome]})
    return replace(before, event_id=event.id)


def set_outcome(db: Database, application_id: int, outcome: Outcome,
                reason: str | None = None) -> ApplicationState:
    """Close (declined, rejected, withdrawn, hired), hold, or reopen (active)."""
    with db.session() as s:
        return set_outcome_in(s, db.user, application_id, outcome, reason)


def set_outcome_in(s: Session, user: str, application_id: int, outcome: Outcome,
                   reason: str | None = None) -> ApplicationState:
    app = get_or_raise(s, Application, application_id, "Application")
    before = _state(app)
    if before.outcome == outcome:
        raise ConflictError(f"The application is already {outcome.label.lower()}.")
    if outcome in CLOSED_OUTCOMES and outcome != Outcome.hired and not (reason or "").strip():
        raise ValidationError({"reason": "say why the application is closed"})
    now = utcnow()
    app.outcome = outcome
    app.closed_reason = (reason or "").strip() or None if outcome in CLOSED_OUTCOMES else None
    s.add(app)
    event = StageEvent(application_id=application_id, from_stage=before.stage,
                       to_stage=before.stage, outcome=outcome, at=now, note=reason, by=user)
    s.add(event)
    s.flush()
    audit.record(s, user, "application", application_id, "outcome",
                 {"outcome": [before.outcome, outcome], "reason": reason})
    return replace(before, event_id=event.id)


def restore(db: Database, state: ApplicationState, undo_of: str) -> None:
    """Undo: put the application back exactly and drop the stage_event the change wrote.
    The audit log keeps both the change and its undo."""
    with db.session() as s:
        restore_in(s, db.user, state, undo_of)


def restore_in(s: Session, user: str, state: ApplicationState, undo_of: str) -> None:
    app = get_or_raise(s, Application, state.id, "Application")
    after = _state(app)
    app.stage, app.outcome = state.stage, state.outcome
    app.stage_changed_at, app.closed_reason = state.stage_changed_at, state.closed_reason
    s.add(app)
    if state.event_id is not None:
        event = s.get(StageEvent, state.event_id)
        if event is not None:
            s.delete(event)
    audit.record(s, user, "application", state.id, "undo",
                 {"of": undo_of, "stage": [after.stage, state.stage],
                  "outcome": [after.outcome, state.outcome]})


def delete(db: Database, application_id: int) -> None:
    with db.session() as s:
        app = get_or_raise(s, Application, application_id, "Application")
        snap = audit.snapshot(app)
        s.delete(app)
        audit.record(s, db.user, "application", application_id, "delete", snap)


def history(db: Database, application_id: int) -> list[StageEvent]:
    with db.session() as s:
        return list(s.exec(select(StageEvent).where(StageEvent.application_id == application_id)
                           .order_by(StageEvent.at, StageEvent.id)).all())


def get(db: Database, application_id: int) -> Application:
    with db.session() as s:
        return get_or_raise(s, Application, application_id, "Application")
