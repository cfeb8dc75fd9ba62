"""The recruiting officers who own applications and targets: a list to choose from.

Applications and targets keep the owner as text (their `owner` column), so an officer is
"referred to" while some application or target names them; such an officer is archived, not
deleted (services/archive.py). Return values are what undo needs, as in institutions.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from recruiter.domain.identity import is_email
from recruiter.domain.models import Application, Officer, Target
from recruiter.errors import ConflictError
from recruiter.i18n import _
from recruiter.store.database import Database

from . import audit, crud
from ._common import get_or_raise
from .archive import delete_unreferenced
from .validate import Problems, clean_text

FIELDS = ("name", "name_zh", "email")


def _validate(data: dict[str, Any]) -> dict[str, Any]:
    p = Problems()
    out = {
        "name": clean_text(data.get("name"), 100),
        "name_zh": clean_text(data.get("name_zh"), 100),
        "email": clean_text(data.get("email"), 254),
    }
    if not out["name"]:
        p.add("name", _("give the officer's name"))
    if out["email"] and not is_email(out["email"]):
        p.add("email", _("is not an e-mail address"))
    p.raise_if_any()
    return out


def _taken_by(values: dict[str, Any]) -> crud.Clash:
    return lambda: ConflictError(
        _("An officer named '{name}' already exists.").format(name=values.get("name"))
    )


def create(db: Database, **data: Any) -> int:
    values = _validate(data)
    with db.session() as s:
        return crud.add(s, db.user, "officer", Officer(**values), clash=_taken_by(values))


def update(db: Database, officer_id: int, **changes: Any) -> dict[str, Any]:
    """Apply changes; returns the previous values of the changed fields (for undo).

    Renaming an officer does not rewrite the owner text of applications and targets: that text
    is history ("who owned it then")."""
    with db.session() as s:
        officer = get_or_raise(s, Officer, officer_id, _("Officer"))
        values = _validate({**audit.snapshot(officer), **changes})
        change = crud.update(s, db.user, "officer", officer, values, clash=_taken_by(values))
        return {k: old for k, (old, _new) in change.items()}


def delete(db: Database, officer_id: int) -> dict[str, Any]:
    """Delete an officer who owns nothing; returns the snapshot (undo: `restore`)."""
    with db.session() as s:
        return delete_unreferenced(
            s,
            db.user,
            "officer",
            Officer,
            officer_id,
            _("{name} still owns {refs}; archive the officer instead."),
        )


def restore(db: Database, snap: dict[str, Any]) -> None:
    """Undo of `delete`: the officer comes back with the old id."""
    with db.session() as s:
        if s.get(Officer, snap["id"]) is not None:
            raise ConflictError(_("That officer exists again; nothing to restore."))
        archived = snap.get("archived_at")
        fields: dict[str, Any] = {k: snap.get(k) for k in FIELDS}
        officer = Officer(
            id=snap["id"],
            archived_at=datetime.fromisoformat(archived) if isinstance(archived, str) else archived,
            **fields,
        )
        crud.add(
            s,
            db.user,
            "officer",
            officer,
            clash=_taken_by(snap),
            action="restore",
            snap=lambda _row: snap,
        )


def get(db: Database, officer_id: int) -> Officer:
    with db.session() as s:
        return get_or_raise(s, Officer, officer_id, _("Officer"))


def list_all(db: Database, *, archived: bool = False) -> list[Officer]:
    q = select(Officer).order_by(col(Officer.name))
    if not archived:
        q = q.where(col(Officer.archived_at).is_(None))
    with db.session() as s:
        return list(s.exec(q).all())


@dataclass(frozen=True)
class OfficerRow:
    id: int
    name: str
    name_zh: str | None
    email: str | None
    archived_at: datetime | None
    applications: int  # open or closed, owned under this name
    targets: int


def overview(db: Database) -> list[OfficerRow]:
    """Every officer (archived too) with what they own, for the Setup page."""
    with db.session() as s:
        apps = dict(
            s.exec(
                select(Application.owner, func.count())
                .where(col(Application.owner).is_not(None))
                .group_by(col(Application.owner))
            ).all()
        )
        owned = dict(
            s.exec(
                select(Target.owner, func.count())
                .where(col(Target.owner).is_not(None))
                .group_by(col(Target.owner))
            ).all()
        )
        return [
            OfficerRow(
                o.id,
                o.name,
                o.name_zh,
                o.email,
                o.archived_at,
                int(apps.get(o.name, 0)),
                int(owned.get(o.name, 0)),
            )
            for o in s.exec(select(Officer).order_by(col(Officer.name))).all()
            if o.id is not None
        ]


__all__ = [
    "FIELDS",
    "OfficerRow",
    "create",
    "delete",
    "get",
    "list_all",
    "overview",
    "restore",
    "update",
]
