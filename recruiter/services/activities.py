"""The contact log and follow-ups: e-mails, calls, meetings, visits, notes, tasks with due dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy import select as select_columns
from sqlmodel import col, select

from recruiter.domain.clock import today, utcnow
from recruiter.domain.enums import ActivityKind
from recruiter.domain.models import Activity, Application, Candidate, Target
from recruiter.errors import ValidationError
from recruiter.i18n import _
from recruiter.store.database import Database

from . import audit
from ._common import get_or_raise
from .validate import Problems, as_date, clean_text


def log(
    db: Database,
    candidate_id: int,
    kind: ActivityKind | str,
    summary: str,
    *,
    application_id: int | None = None,
    at: datetime | None = None,
    due_on: date | str | None = None,
    done: bool | None = None,
) -> int:
    p = Problems()
    try:
        kind = ActivityKind(kind)
    except ValueError:
        p.add(
            "kind",
            _("must be one of {value}").format(value=", ".join(k.value for k in ActivityKind)),
        )
    text = clean_text(summary, 2000)
    if not text:
        p.add("summary", _("say what happened or what to do"))
    due = as_date(due_on, "due_on", p)
    p.raise_if_any()
    with db.session() as s:
        get_or_raise(s, Candidate, candidate_id, _("Candidate"))
        if application_id is not None:
            app = get_or_raise(s, Application, application_id, _("Application"))
            if app.candidate_id != candidate_id:
                raise ValidationError({"application_id": _("belongs to another candidate")})
        act = Activity(
            candidate_id=candidate_id,
            application_id=application_id,
            kind=ActivityKind(kind),
            at=at or utcnow(),
            summary=text or "",
            due_on=due,
            done=(due is None) if done is None else done,
        )
        s.add(act)
        s.flush()
        assert act.id is not None
        audit.record(s, db.user, "activity", act.id, "create", audit.snapshot(act))
        return act.id


def set_done(db: Database, activity_id: int, done: bool = True) -> bool:
    """Returns the previous value, for undo."""
    with db.session() as s:
        act = get_or_raise(s, Activity, activity_id, _("Activity"))
        before = act.done
        act.done = done
        s.add(act)
        audit.record(s, db.user, "activity", activity_id, "update", {"done": [before, done]})
        return before


def delete(db: Database, activity_id: int) -> dict[str, Any]:
    with db.session() as s:
        act = get_or_raise(s, Activity, activity_id, _("Activity"))
        snap = act.model_dump()
        s.delete(act)
        audit.record(s, db.user, "activity", activity_id, "delete", audit.snapshot(act))
        return snap


def restore(db: Database, snap: dict[str, Any]) -> None:
    with db.session() as s:
        s.add(Activity(**snap))
        audit.record(s, db.user, "activity", snap["id"], "restore", {})


def for_candidate(db: Database, candidate_id: int) -> list[Activity]:
    with db.session() as s:
        return list(
            s.exec(
                select(Activity)
                .where(Activity.candidate_id == candidate_id)
                .order_by(col(Activity.at).desc(), col(Activity.id).desc())
            ).all()
        )


@dataclass(frozen=True)
class FollowUp:
    activity_id: int
    candidate_id: int
    candidate: str
    name_zh: str | None
    kind: ActivityKind
    summary: str
    due_on: date
    overdue: bool


def due(
    db: Database,
    on_or_before: date | None = None,
    limit: int = 1000,
    *,
    target_id: int | None = None,
    institution_id: int | None = None,
) -> list[FollowUp]:
    """Open follow-ups due today or earlier (overdue first). With a target (or institution):
    those on its applications, and a candidate's general follow-ups when the candidate is in
    its pipeline."""
    day = on_or_before or today()
    stmt = (
        # SQLAlchemy's select: SQLModel's is typed for at most four columns.
        select_columns(
            col(Activity.id),
            col(Activity.candidate_id),
            col(Candidate.full_name),
            col(Candidate.name_zh),
            col(Activity.kind),
            col(Activity.summary),
            col(Activity.due_on),
        )
        .join(Candidate, col(Candidate.id) == col(Activity.candidate_id))
        .where(col(Activity.done) == False, col(Activity.due_on) <= day)  # noqa: E712
        .order_by(col(Activity.due_on), col(Activity.id))
        .limit(limit)
    )
    if target_id is not None or institution_id is not None:
        apps = select_columns(col(Application.id), col(Application.candidate_id))
        if target_id is not None:
            apps = apps.where(col(Application.target_id) == target_id)
        if institution_id is not None:
            apps = apps.join(Target, col(Target.id) == col(Application.target_id)).where(
                col(Target.institution_id) == institution_id
            )
        scoped = apps.subquery()
        stmt = stmt.where(
            or_(
                col(Activity.application_id).in_(select_columns(scoped.c[0])),
                and_(
                    col(Activity.application_id).is_(None),
                    col(Activity.candidate_id).in_(select_columns(scoped.c[1])),
                ),
            )
        )
    with db.session() as s:
        return [
            FollowUp(r[0], r[1], r[2], r[3], ActivityKind(r[4]), r[5], r[6], r[6] < day)
            for r in s.execute(stmt).all()
            if r[6] is not None  # the query keeps only rows with a due date
        ]
