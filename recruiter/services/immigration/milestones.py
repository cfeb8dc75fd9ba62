"""Dated milestones of a case (one row per kind). Setting one re-derives the case's state; the
planned entry also moves the due dates of template-based relocation tasks."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from recruiter.domain.immigration import PERMITS, Milestone
from recruiter.domain.models import CaseMilestone, RelocationTask
from recruiter.errors import ValidationError
from recruiter.i18n import _
from recruiter.store.database import Database

from .. import audit
from ..validate import clean_text
from . import _rows
from .cases import due_from_entry

FIELDS = ("done_on", "number", "expires_on", "note")


def _find(s: Session, case_id: int, kind: Milestone) -> CaseMilestone | None:
    return s.exec(
        select(CaseMilestone).where(
            col(CaseMilestone.case_id) == case_id, col(CaseMilestone.kind) == kind
        )
    ).first()


def _validate(kind: Milestone, values: dict[str, Any]) -> dict[str, Any]:
    on = values.get("done_on")
    if not isinstance(on, date):
        raise ValidationError({"done_on": _("give the date")})
    expires = values.get("expires_on")
    if expires is not None and not isinstance(expires, date):
        raise ValidationError({"expires_on": _("give a date")})
    if expires is not None and expires <= on:
        raise ValidationError({"expires_on": _("is not after the date issued")})
    number = clean_text(values.get("number"), 100)
    if kind not in PERMITS and (number or expires):
        raise ValidationError({"number": _("only permits have a number and an expiry")})
    return {
        "done_on": on,
        "number": number,
        "expires_on": expires,
        "note": clean_text(values.get("note"), 500),
    }


def set_milestone(
    db: Database, case_id: int, kind: Milestone | str, **values: Any
) -> dict[str, Any] | None:
    """Date a milestone (or change it); returns its previous row (None: it was not dated), for
    `put_milestone`."""
    kind = Milestone(kind)
    clean = _validate(kind, values)
    with db.session() as s:
        row = _find(s, case_id, kind)
        before = row.model_dump() if row is not None else None
        if row is None:
            _rows.insert(s, db.user, CaseMilestone(case_id=case_id, kind=kind, **clean))
        else:
            _rows.change(s, db.user, CaseMilestone, row.id or 0, clean, "Milestone")
        _after(s, db.user, case_id, kind)
        return before


def clear_milestone(db: Database, case_id: int, kind: Milestone | str) -> dict[str, Any] | None:
    """Remove a milestone's date; returns the row it had (for `put_milestone`)."""
    kind = Milestone(kind)
    with db.session() as s:
        row = _find(s, case_id, kind)
        if row is None:
            return None
        kept = _rows.delete(s, db.user, CaseMilestone, row.id or 0, "Milestone")
        _after(s, db.user, case_id, kind)
        return kept


def put_milestone(
    db: Database, case_id: int, kind: Milestone | str, previous: dict[str, Any] | None
) -> None:
    """Undo: the milestone exactly as it was (absent when `previous` is None)."""
    kind = Milestone(kind)
    with db.session() as s:
        row = _find(s, case_id, kind)
        if row is not None:
            audit.record(s, db.user, "case_milestone", row.id, "undo", audit.snapshot(row))
            s.delete(row)
            s.flush()
        if previous is not None:
            _rows.put_back(s, db.user, CaseMilestone, [previous])
        _after(s, db.user, case_id, kind)


def _after(s: Session, user: str, case_id: int, kind: Milestone) -> None:
    _rows.refresh_state(s, user, case_id)
    if kind == Milestone.entry_planned:
        planned = _rows.dated(s, case_id).get(Milestone.entry_planned.value)
        for task in s.exec(
            select(RelocationTask).where(
                col(RelocationTask.case_id) == case_id,
                col(RelocationTask.due_days).is_not(None),
                col(RelocationTask.done_on).is_(None),
            )
        ).all():
            due = due_from_entry(planned, task.due_days)
            if task.due_on != due:
                _rows.change(s, user, RelocationTask, task.id or 0, {"due_on": due}, "Task")
