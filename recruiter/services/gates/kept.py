"""What undo of a gate edit needs: the rows as they were before it (None for a row the edit
created), written down in an order that puts parents back before their children, and the
application's state when the edit closed it. `put_back` is the one restore function of every
gate edit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, SQLModel

from recruiter.domain.enums import Outcome
from recruiter.domain.models import (
    Application,
    GateObjection,
    GateRecord,
    GateReview,
    GateTemplate,
    TalentTier,
    Target,
)
from recruiter.store.database import Database

from .. import applications, audit

MODELS: dict[str, type[SQLModel]] = {
    "talent_tier": TalentTier,
    "gate_template": GateTemplate,
    "gate_record": GateRecord,
    "gate_review": GateReview,
    "gate_objection": GateObjection,
    "target": Target,  # hire type and tier fields only (partial rows)
    "application": Application,
}

Row = tuple[str, int, dict[str, Any] | None]


@dataclass(frozen=True)
class Kept:
    """`rows`: (table, id, values before or None) in the order the edit touched them; undo walks
    them backwards. `application`: its state before, when the edit closed it; `reclose`:
    (application id, reason) to close it again (the inverse of such an undo, for redo)."""

    rows: tuple[Row, ...] = ()
    application: applications.ApplicationState | None = None
    reclose: tuple[int, str] | None = None
    ids: dict[str, int] = field(default_factory=dict)  # what the edit created, by name


def values(row: SQLModel) -> dict[str, Any]:
    """Every column value, as Python values (dates stay dates), for putting the row back."""
    return {k: getattr(row, k) for k in type(row).model_fields}


def put_back(db: Database, kept: Kept, what: str) -> Kept:
    """Undo an edit; returns the inverse (put it back to redo the edit)."""
    with db.session() as s:
        return put_back_in(s, db.user, kept, what)


def put_back_in(s: Session, user: str, kept: Kept, what: str) -> Kept:
    application: applications.ApplicationState | None = None
    reclose: tuple[int, str] | None = None
    if kept.application is not None:
        app = s.get(Application, kept.application.id)
        if app is not None and app.closed_reason:
            reclose = (kept.application.id, app.closed_reason)
        applications.restore_in(s, user, kept.application, what)
    inverse: list[Row] = []
    for table, ident, before in reversed(kept.rows):
        model = MODELS[table]
        row = s.get(model, ident)
        now = None if row is None else values(row)
        if now is not None and before is not None:  # a partial edit: only its fields
            now = {k: now[k] for k in before}
        inverse.append((table, ident, now))
        if before is None:
            if row is not None:
                s.delete(row)
        elif row is None:
            s.add(model(**before))
        else:
            for k, v in before.items():
                setattr(row, k, v)
            s.add(row)
        s.flush()
        audit.record(s, user, table, ident, "undo", {"of": what})
    if kept.reclose is not None:
        app_id, reason = kept.reclose
        application = applications.set_outcome_in(s, user, app_id, Outcome.rejected, reason)
    return Kept(tuple(inverse), application, reclose, dict(kept.ids))


__all__ = ["MODELS", "Kept", "put_back", "put_back_in", "values"]
