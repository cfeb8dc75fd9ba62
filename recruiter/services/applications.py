"""Applications: one candidate in the pipeline of one target. Stage moves and outcomes write a
stage_event and an audit entry in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import delete as sa_delete
from sqlalchemy import select as sa_select
from sqlalchemy import update as sa_update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from recruiter.domain import figures
from recruiter.domain.clock import utcnow
from recruiter.domain.enums import CLOSED_OUTCOMES, Outcome, Stage
from recruiter.domain.models import (
    Activity,
    Application,
    AuditEntry,
    Candidate,
    Institution,
    StageEvent,
    Target,
)
from recruiter.domain.rules import outcome_for_stage, stage_move_problem
from recruiter.errors import ConflictError, ValidationError
from recruiter.i18n import _
from recruiter.store.database import Database
from recruiter.store.locking import lock_rows

from . import audit, gate_guard
from ._common import get_or_raise
from .rows import RowBundle, capture_cases, reinsert
from .rows import _fetch as rows_fetch
from .validate import clean_text


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
    opened_case: int | None = None  # the immigration case reaching `signed` opened


def _state(app: Application) -> ApplicationState:
    assert app.id is not None
    return ApplicationState(
        app.id, Stage(app.stage), Outcome(app.outcome), app.stage_changed_at, app.closed_reason
    )


def add(
    db: Database,
    candidate_id: int,
    target_id: int,
    *,
    stage: Stage = Stage.identified,
    owner: str | None = None,
    priority: int = 0,
) -> int:
    with db.session() as s:
        return add_in(
            s, db.user, candidate_id, target_id, stage=stage, owner=owner, priority=priority
        )


def add_in(
    s: Session,
    user: str,
    candidate_id: int,
    target_id: int,
    *,
    stage: Stage = Stage.identified,
    owner: str | None = None,
    priority: int = 0,
) -> int:
    get_or_raise(s, Candidate, candidate_id, _("Candidate"))
    target = get_or_raise(s, Target, target_id, _("Target"))
    if not 0 <= priority <= 3:
        raise ValidationError({"priority": _("must be between 0 and 3")})
    exists = s.exec(
        select(col(Application.id)).where(
            col(Application.candidate_id) == candidate_id, col(Application.target_id) == target_id
        )
    ).first()
    if exists is not None:
        raise ConflictError(
            _("This candidate is already in the pipeline of '{title}'.").format(title=target.title)
        )
    now = utcnow()
    app = Application(
        candidate_id=candidate_id,
        target_id=target_id,
        stage=stage,
        outcome=Outcome.active,
        owner=owner,
        priority=priority,
        stage_changed_at=now,
        created_at=now,
    )
    s.add(app)
    try:
        s.flush()
    except IntegrityError as exc:  # a concurrent add
        raise ConflictError(_("This candidate is already in that pipeline.")) from exc
    assert app.id is not None
    s.add(
        StageEvent(
            application_id=app.id,
            from_stage=None,
            to_stage=stage,
            outcome=Outcome.active,
            at=now,
            by=user,
            note="added to pipeline",
        )
    )
    audit.record(s, user, "application", app.id, "create", audit.snapshot(app))
    from .immigration import cases as immigration_cases  # lazy, as in move_in

    if stage in immigration_cases.OPENING_STAGES:  # added at `signed`: its case
        immigration_cases.open_missing_in(s, user, [app.id])
    return app.id


def move(
    db: Database,
    application_id: int,
    to: Stage,
    note: str | None = None,
    override: str | None = None,
) -> ApplicationState:
    """Move to another stage; returns the state before, for undo. `override` is the reason that
    lets a stage guard's refusal pass (open approval gates, open immigration milestones;
    audited)."""
    with db.session() as s:
        return move_in(s, db.user, application_id, to, note, override)


def move_in(
    s: Session,
    user: str,
    application_id: int,
    to: Stage,
    note: str | None = None,
    override: str | None = None,
    seen: Stage | None = None,
) -> ApplicationState:
    """`override`: the reason that lets a stage guard's refusal pass (audited).
    `seen`: the stage the board showed; if someone else has moved the application since, the
    move is refused with who moved it where (several officers on one board)."""
    from .immigration import cases as immigration_cases  # lazy: immigration reads offers
    from .immigration import guard as immigration_guard

    if seen is not None:
        lock_rows(s.connection(), "application", [application_id])
    app = get_or_raise(s, Application, application_id, _("Application"))
    before = _state(app)
    if seen is not None and before.stage != seen:
        raise ConflictError(_moved_by_someone(s, application_id, seen, before.stage))
    problem = stage_move_problem(before.stage, before.outcome, to)
    if problem:
        raise ConflictError(problem[0].upper() + problem[1:] + ".")
    gate_guard.check(s, user, app, to, override)
    immigration_guard.check_move(s, user, app, to, override)
    now = utcnow()
    app.stage = to
    app.outcome = outcome_for_stage(to, before.outcome)
    app.stage_changed_at = now
    changes = {"stage": [before.stage, to], "outcome": [before.outcome, app.outcome]}
    state = _log_change(s, user, app, before, "move", note, changes)
    opened = immigration_cases.open_on_move(s, user, app, before.stage, to)
    return replace(state, opened_case=opened)


def set_outcome(
    db: Database, application_id: int, outcome: Outcome, reason: str | None = None
) -> ApplicationState:
    """Close (declined, rejected, withdrawn, hired), hold, or reopen (active)."""
    with db.session() as s:
        return set_outcome_in(s, db.user, application_id, outcome, reason)


def set_outcome_in(
    s: Session, user: str, application_id: int, outcome: Outcome, reason: str | None = None
) -> ApplicationState:
    app = get_or_raise(s, Application, application_id, _("Application"))
    before = _state(app)
    if before.outcome == outcome:
        raise ConflictError(
            _("The application is already {value}.").format(value=outcome.label.lower())
        )
    if outcome in CLOSED_OUTCOMES and outcome != Outcome.hired and not (reason or "").strip():
        raise ValidationError({"reason": _("say why the application is closed")})
    app.outcome = outcome
    app.closed_reason = (reason or "").strip() or None if outcome in CLOSED_OUTCOMES else None
    changes: dict[str, object] = {"outcome": [before.outcome, outcome], "reason": reason}
    return _log_change(s, user, app, before, "outcome", reason, changes)


def _log_change(
    s: Session,
    user: str,
    app: Application,
    before: ApplicationState,
    action: str,
    note: str | None,
    changes: dict[str, object],
) -> ApplicationState:
    """Write the stage_event and audit entry of a change; the returned state lets undo remove
    exactly that event again."""
    s.add(app)
    assert app.id is not None
    event = StageEvent(
        application_id=app.id,
        from_stage=before.stage,
        to_stage=app.stage,
        outcome=app.outcome,
        at=app.stage_changed_at if action == "move" else utcnow(),
        note=note,
        by=user,
    )
    s.add(event)
    s.flush()
    audit.record(s, user, "application", app.id, action, changes)
    return replace(before, event_id=event.id)


def restore(db: Database, state: ApplicationState, undo_of: str) -> None:
    """Undo: put the application back exactly and drop the stage_event the change wrote.
    The audit log keeps both the change and its undo."""
    with db.session() as s:
        restore_in(s, db.user, state, undo_of)


def restore_in(s: Session, user: str, state: ApplicationState, undo_of: str) -> None:
    app = get_or_raise(s, Application, state.id, _("Application"))
    after = _state(app)
    app.stage, app.outcome = state.stage, state.outcome
    app.stage_changed_at, app.closed_reason = state.stage_changed_at, state.closed_reason
    s.add(app)
    if state.event_id is not None:
        event = s.get(StageEvent, state.event_id)
        if event is not None:
            s.delete(event)
    if state.opened_case is not None:
        from .immigration import cases as immigration_cases

        immigration_cases.remove_case_in(s, user, state.opened_case)
    audit.record(
        s,
        user,
        "application",
        state.id,
        "undo",
        {
            "of": undo_of,
            "stage": [after.stage, state.stage],
            "outcome": [after.outcome, state.outcome],
        },
    )


def delete(db: Database, application_id: int) -> None:
    with db.session() as s:
        app = get_or_raise(s, Application, application_id, _("Application"))
        snap = audit.snapshot(app)
        s.delete(app)
        audit.record(s, db.user, "application", application_id, "delete", snap)


def history(db: Database, application_id: int) -> list[StageEvent]:
    with db.session() as s:
        return list(
            s.exec(
                select(StageEvent)
                .where(col(StageEvent.application_id) == application_id)
                .order_by(col(StageEvent.at), col(StageEvent.id))
            ).all()
        )


def get(db: Database, application_id: int) -> Application:
    with db.session() as s:
        return get_or_raise(s, Application, application_id, _("Application"))


def add_many(
    db: Database, candidate_ids: Sequence[int], target_id: int, *, owner: str | None = None
) -> list[int]:
    """Add candidates to a target's pipeline, skipping those already in it. Returns the new
    application ids; refuses (ConflictError) when every one of them is already there."""
    ids = list(dict.fromkeys(candidate_ids))
    with db.session() as s:
        target = get_or_raise(s, Target, target_id, _("Target"))
        present = set(
            s.exec(
                select(col(Application.candidate_id)).where(col(Application.target_id) == target_id)
            ).all()
        )
        todo = [c for c in ids if c not in present]
        if not todo:
            raise ConflictError(
                (
                    _("This candidate is already in the pipeline of '{title}'.")
                    if len(ids) == 1
                    else _("All of them are already in the pipeline of '{title}'.")
                ).format(title=target.title)
            )
        return [add_in(s, db.user, cid, target_id, owner=owner) for cid in todo]


def capture(db: Database, application_ids: Sequence[int]) -> RowBundle:
    with db.session() as s:
        return _capture(s, list(application_ids))


def _capture(s: Session, ids: list[int]) -> RowBundle:
    conn = s.connection()
    b = RowBundle()
    b.tables["application"] = rows_fetch(conn, "application", "id", ids)
    b.tables["stage_event"] = rows_fetch(conn, "stage_event", "application_id", ids)
    b.tables["offer"] = rows_fetch(conn, "offer", "application_id", ids)
    b.tables["offer_item"] = rows_fetch(
        conn, "offer_item", "offer_id", [r["id"] for r in b.tables["offer"]]
    )
    b.tables.update(capture_cases(conn, ids))  # undo puts a hire's case back as it was
    # Activities keep their rows (ON DELETE SET NULL); remember which pointed at these.
    b.tables["activity_link"] = (
        [
            {"id": r[0], "application_id": r[1]}
            for r in s.exec(
                select(col(Activity.id), col(Activity.application_id)).where(
                    col(Activity.application_id).in_(ids)
                )
            ).all()
        ]
        if ids
        else []
    )
    return b


def remove_many(db: Database, application_ids: Sequence[int]) -> RowBundle:
    """Take applications out of their pipelines (history and offers go with them). Returns the
    removed rows so `reinsert_many` can put them back exactly."""
    ids = list(dict.fromkeys(application_ids))
    with db.session() as s:
        bundle = _capture(s, ids)
        if len(bundle.tables["application"]) != len(ids):
            raise ConflictError(_("Some of these applications no longer exist; refresh the view."))
        s.exec(sa_delete(Application).where(col(Application.id).in_(ids)))
        for r in bundle.tables["application"]:
            audit.record(
                s,
                db.user,
                "application",
                r["id"],
                "delete",
                {"candidate_id": r["candidate_id"], "target_id": r["target_id"]},
            )
        return bundle


def reinsert_many(db: Database, bundle: RowBundle) -> None:
    """Undo of `remove_many` (and redo of `add_many`): the same rows with the same ids."""
    with db.session() as s:
        reinsert(s, bundle)
        for link in bundle.tables.get("activity_link", []):
            s.exec(
                sa_update(Activity)
                .where(col(Activity.id) == link["id"])
                .values(application_id=link["application_id"])
            )
        for r in bundle.tables["application"]:
            audit.record(
                s,
                db.user,
                "application",
                r["id"],
                "restore",
                {"candidate_id": r["candidate_id"], "target_id": r["target_id"]},
            )


def set_owner_many(
    db: Database, candidate_ids: Sequence[int], owner: str | None, *, target_id: int | None = None
) -> dict[int, str | None]:
    """Set the owner of the open applications of these candidates (of one target, or all).
    Returns {application id: previous owner} for undo (`restore_owners`)."""
    owner = clean_text(owner, 100)
    ids = list(dict.fromkeys(candidate_ids))
    before: dict[int, str | None] = {}
    with db.session() as s:
        for i in range(0, len(ids), 500):
            stmt = select(Application).where(
                col(Application.candidate_id).in_(ids[i : i + 500]),
                figures.is_open_sql(),
            )
            if target_id is not None:
                stmt = stmt.where(col(Application.target_id) == target_id)
            for app in s.exec(stmt).all():
                if app.owner == owner:
                    continue
                assert app.id is not None
                before[app.id] = app.owner
                audit.record(
                    s, db.user, "application", app.id, "update", {"owner": [app.owner, owner]}
                )
                app.owner = owner
                s.add(app)
        if not before:
            raise ConflictError(
                _("None of these candidates has an open application whose owner would change.")
            )
    return before


def restore_owners(db: Database, before: dict[int, str | None]) -> None:
    with db.session() as s:
        for app_id, owner in before.items():
            app = get_or_raise(s, Application, app_id, _("Application"))
            audit.record(s, db.user, "application", app_id, "undo", {"owner": [app.owner, owner]})
            app.owner = owner
            s.add(app)


@dataclass(frozen=True)
class ApplicationRow:
    """One line of a candidate's applications, detached from the session."""

    id: int
    target_id: int
    target: str
    institution: str
    stage: Stage
    outcome: Outcome
    owner: str | None
    priority: int
    stage_changed_at: datetime
    closed_reason: str | None


def for_candidate(db: Database, candidate_id: int) -> list[ApplicationRow]:
    stmt = (
        sa_select(
            col(Application.id),
            col(Target.id),
            col(Target.title),
            col(Institution.name),
            col(Application.stage),
            col(Application.outcome),
            col(Application.owner),
            col(Application.priority),
            col(Application.stage_changed_at),
            col(Application.closed_reason),
        )
        .join(Target, col(Target.id) == col(Application.target_id))
        .join(Institution, col(Institution.id) == col(Target.institution_id))
        .where(col(Application.candidate_id) == candidate_id)
        .order_by(col(Application.created_at), col(Application.id))
    )
    with db.session() as s:
        return [
            ApplicationRow(
                r[0], r[1], r[2], r[3], Stage(r[4]), Outcome(r[5]), r[6], r[7], r[8], r[9]
            )
            for r in s.execute(stmt).all()
        ]


@dataclass(frozen=True)
class HistoryRow:
    id: int
    application_id: int
    target: str
    from_stage: Stage | None
    to_stage: Stage
    outcome: Outcome | None
    at: datetime
    note: str | None
    by: str | None


def history_for_candidate(db: Database, candidate_id: int) -> list[HistoryRow]:
    """Every stage and outcome change of the candidate's applications, newest first."""
    stmt = (
        sa_select(
            col(StageEvent.id),
            col(StageEvent.application_id),
            col(Target.title),
            col(StageEvent.from_stage),
            col(StageEvent.to_stage),
            col(StageEvent.outcome),
            col(StageEvent.at),
            col(StageEvent.note),
            col(StageEvent.by),
        )
        .join(Application, col(Application.id) == col(StageEvent.application_id))
        .join(Target, col(Target.id) == col(Application.target_id))
        .where(col(Application.candidate_id) == candidate_id)
        .order_by(col(StageEvent.at).desc(), col(StageEvent.id).desc())
    )
    with db.session() as s:
        return [
            HistoryRow(
                r[0],
                r[1],
                r[2],
                Stage(r[3]) if r[3] else None,
                Stage(r[4]),
                Outcome(r[5]) if r[5] else None,
                r[6],
                r[7],
                r[8],
            )
            for r in s.execute(stmt).all()
        ]


def move_many(
    db: Database,
    application_ids: Sequence[int],
    to: Stage,
    note: str | None = None,
    override: str | None = None,
    seen: Mapping[int, Stage] | None = None,
) -> list[ApplicationState]:
    """Move several applications at once (a multi-card drag): all or none. `seen`: the stage
    the board showed for each (see move_in)."""
    seen = seen or {}
    with db.session() as s:
        return [
            move_in(s, db.user, a, to, note, override, seen.get(a))
            for a in dict.fromkeys(application_ids)
        ]


def _moved_by_someone(s: Session, application_id: int, seen: Stage, now: Stage) -> str:
    last = s.exec(
        select(AuditEntry)
        .where(
            col(AuditEntry.entity) == "application",
            col(AuditEntry.entity_id) == application_id,
        )
        .order_by(col(AuditEntry.id).desc())
        .limit(1)
    ).first()
    who = f" by {last.user} at {last.at:%Y-%m-%d %H:%M} UTC" if last is not None else ""
    return (
        f"This application was moved from {seen.label} to {now.label}{who} since your board was "
        "loaded; nothing was moved. Refresh the board to see where it is now."
    )


def restore_many(db: Database, states: Sequence[ApplicationState], undo_of: str) -> None:
    with db.session() as s:
        for state in reversed(states):
            restore_in(s, db.user, state, undo_of)
