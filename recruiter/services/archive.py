"""Archiving: what something still refers to is hidden, never deleted with what hangs on it.

Institutions, departments, funding sources, targets and officers carry `archived_at`. Archived
rows drop out of choice lists (services/choices.py) but stay in history, reports and the rows that
point at them. `retire` is the one "remove" a Setup page needs: it deletes a row nothing refers
to and archives anything else, and returns what `undo_retire` needs to put it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from recruiter.domain.clock import utcnow
from recruiter.domain.models import (
    Application,
    Department,
    FundingSource,
    Instalment,
    Institution,
    OfferItem,
    Officer,
    Refund,
    Target,
)
from recruiter.errors import ConflictError, ValidationError
from recruiter.i18n import N_, _
from recruiter.store.database import Database

from . import audit
from ._common import get_or_raise

Kind = Literal["institution", "department", "funding_source", "target", "officer"]

MODELS: dict[str, type[SQLModel]] = {
    "institution": Institution,
    "department": Department,
    "funding_source": FundingSource,
    "target": Target,
    "officer": Officer,
}
# Translated where shown: _(LABELS[kind]).
LABELS = {
    "institution": N_("Institution"),
    "department": N_("Department"),
    "funding_source": N_("Funding source"),
    "target": N_("Target"),
    "officer": N_("Officer"),
}


def _model(kind: str) -> type[SQLModel]:
    try:
        return MODELS[kind]
    except KeyError:
        raise ValidationError(
            {"kind": _("'{kind}' cannot be archived").format(kind=kind)}
        ) from None


def _count(s: Session, model: type[SQLModel], *where: Any) -> int:
    return int(s.exec(select(func.count()).select_from(model).where(*where)).one())


def references_in(s: Session, kind: str, ident: int) -> dict[str, int]:
    """What still refers to a row, by what it is ({'targets': 2, ...}); only non-zero counts."""
    found: dict[str, int] = {}
    if kind == "institution":
        found = {
            "departments": _count(s, Department, col(Department.institution_id) == ident),
            "targets": _count(s, Target, col(Target.institution_id) == ident),
            "funding sources": _count(s, FundingSource, col(FundingSource.institution_id) == ident),
        }
    elif kind == "department":
        found = {
            "sub-departments": _count(s, Department, col(Department.parent_id) == ident),
            "targets": _count(s, Target, col(Target.department_id) == ident),
        }
    elif kind == "funding_source":
        found = {
            "offer items": _count(s, OfferItem, col(OfferItem.funding_source_id) == ident),
            "targets": _count(s, Target, col(Target.funding_source_id) == ident),
            "instalments": _count(s, Instalment, col(Instalment.funding_source_id) == ident),
            "refunds": _count(s, Refund, col(Refund.funding_source_id) == ident),
        }
    elif kind == "target":
        found = {"applications": _count(s, Application, col(Application.target_id) == ident)}
    elif kind == "officer":
        officer = get_or_raise(s, Officer, ident, _("Officer"))
        found = {
            "applications": _count(s, Application, col(Application.owner) == officer.name),
            "targets": _count(s, Target, col(Target.owner) == officer.name),
        }
    else:
        _model(kind)
    return {k: n for k, n in found.items() if n}


def references(db: Database, kind: Kind, ident: int) -> dict[str, int]:
    with db.session() as s:
        get_or_raise(s, _model(kind), ident, _(LABELS[kind]))
        return references_in(s, kind, ident)


def describe(refs: dict[str, int]) -> str:
    """'3 targets and 1 funding sources' for a message."""
    parts = [f"{n} {what}" for what, n in refs.items()]
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1] if parts else ""


def delete_unreferenced(
    s: Session, user: str, kind: str, model: type[SQLModel], ident: int, refusal: str
) -> dict[str, Any]:
    """Delete one row that nothing refers to, audited in the same transaction, and return its
    snapshot for undo. `refusal` is the message when something still does, with `{name}` and
    `{refs}` (e.g. "2 targets") to fill in."""
    row = get_or_raise(s, model, ident, kind.capitalize())
    refs = references_in(s, kind, ident)
    if refs:
        raise ConflictError(refusal.format(name=getattr(row, "name", ident), refs=describe(refs)))
    snap = audit.snapshot(row)
    s.delete(row)
    audit.record(s, user, kind, ident, "delete", snap)
    return snap


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def set_archived_at(
    db: Database, kind: Kind, ident: int, value: datetime | None
) -> datetime | None:
    """Put `archived_at` to `value` (None = in use again); returns the previous value, which is
    also what undo passes back here."""
    model = _model(kind)
    with db.session() as s:
        row = get_or_raise(s, model, ident, _(LABELS[kind]))
        before: datetime | None = getattr(row, "archived_at")  # noqa: B009 - any archivable model
        if before == value:
            return before
        setattr(row, "archived_at", value)  # noqa: B010
        s.add(row)
        audit.record(
            s,
            db.user,
            kind,
            ident,
            "archive" if value is not None else "unarchive",
            {"archived_at": [_iso(before), _iso(value)]},
        )
        return before


def archive(db: Database, kind: Kind, ident: int) -> datetime | None:
    """Hide a row from choice lists; returns the previous `archived_at` (for undo)."""
    with db.session() as s:
        current = getattr(get_or_raise(s, _model(kind), ident, _(LABELS[kind])), "archived_at")  # noqa: B009
    if current is not None:
        return current
    return set_archived_at(db, kind, ident, utcnow())


def unarchive(db: Database, kind: Kind, ident: int) -> datetime | None:
    """Offer a row in choice lists again; returns the previous `archived_at` (for undo)."""
    return set_archived_at(db, kind, ident, None)


@dataclass(frozen=True)
class Retired:
    """What `retire` did: 'deleted' (with the row's snapshot) or 'archived' (with the previous
    `archived_at` and what still refers to the row)."""

    kind: Kind
    id: int
    action: Literal["deleted", "archived"]
    snapshot: dict[str, Any] | None = None
    previous_archived_at: datetime | None = None
    references: dict[str, int] | None = None


def retire(db: Database, kind: Kind, ident: int) -> Retired:
    """Delete a row nothing refers to; archive anything else."""
    refs = references(db, kind, ident)
    if refs:
        previous = archive(db, kind, ident)
        return Retired(kind, ident, "archived", previous_archived_at=previous, references=refs)
    return Retired(kind, ident, "deleted", snapshot=_delete(db, kind, ident))


def _delete(db: Database, kind: Kind, ident: int) -> dict[str, Any]:
    from . import funding, institutions, officers, targets

    if kind == "institution":
        return institutions.delete(db, ident)
    if kind == "department":
        return institutions.delete_department(db, ident)
    if kind == "officer":
        return officers.delete(db, ident)
    if kind == "funding_source":
        return funding.delete(db, ident)
    snap = targets.snapshot(db, ident)
    targets.delete(db, ident)
    return snap


def undo_retire(db: Database, retired: Retired) -> None:
    """Put back what `retire` removed or archived."""
    from . import funding, institutions, officers, targets

    if retired.action == "archived":
        set_archived_at(db, retired.kind, retired.id, retired.previous_archived_at)
        return
    snap = retired.snapshot or {}
    if retired.kind == "institution":
        institutions.restore(db, snap)
    elif retired.kind == "department":
        institutions.restore_department(db, snap)
    elif retired.kind == "officer":
        officers.restore(db, snap)
    elif retired.kind == "funding_source":
        funding.restore_source(db, snap)
    else:
        targets.restore(db, snap)


def active(model: Any) -> Any:
    """The condition 'not archived' for `model`, for queries in other services."""
    return col(model.archived_at).is_(None)


__all__ = [
    "LABELS",
    "Kind",
    "Retired",
    "active",
    "archive",
    "describe",
    "references",
    "references_in",
    "retire",
    "set_archived_at",
    "unarchive",
    "undo_retire",
]
