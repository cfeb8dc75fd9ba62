"""The audited row writes the reference-data services share (officers, institutions, the office
calendar, tiers, gates): add a row, apply validated values to one, delete one, each with its
audit entry in the same session, and a unique-constraint clash told in the service's own words.

Validation, undo values and what else an edit touches stay in the services; only the
flush-audit steps that were written out again in each live here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from recruiter.errors import ConflictError

from . import audit

Clash = Callable[[], ConflictError]
Snap = Callable[[Any], dict[str, Any]]


def flush(s: Session, clash: Clash | None = None) -> None:
    """Flush; with `clash`, a unique-constraint failure raises `clash()` (the taken name)."""
    if clash is None:
        s.flush()
        return
    try:
        s.flush()
    except IntegrityError as exc:
        raise clash() from exc


def _id(row: SQLModel) -> int:
    ident = getattr(row, "id", None)
    assert isinstance(ident, int)
    return ident


def add(
    s: Session,
    user: str,
    entity: str,
    row: SQLModel,
    *,
    clash: Clash | None = None,
    action: str = "create",
    snap: Snap = audit.snapshot,
) -> int:
    """Insert `row` and audit it (`action` with `snap(row)`); returns its id. `action="restore"`
    puts back a deleted row under its old id."""
    s.add(row)
    flush(s, clash)
    ident = _id(row)
    audit.record(s, user, entity, ident, action, snap(row))
    return ident


def update(
    s: Session,
    user: str,
    entity: str,
    row: SQLModel,
    values: dict[str, Any],
    *,
    clash: Clash | None = None,
    before: dict[str, Any] | None = None,
    always: bool = False,
) -> dict[str, list[Any]]:
    """Set validated `values` on `row`, flush and audit the change ({field: [old, new]}, which
    it returns). `before`: the snapshot to compare with (default: the row's as it stands);
    `always`: write the entry even when nothing changed."""
    if before is None:
        before = audit.snapshot(row)
    for k, v in values.items():
        setattr(row, k, v)
    s.add(row)
    flush(s, clash)
    change = audit.diff(before, audit.snapshot(row))
    if change or always:
        audit.record(s, user, entity, _id(row), "update", change)
    return change


def delete(
    s: Session, user: str, entity: str, row: SQLModel, *, snap: Snap = audit.snapshot
) -> None:
    """Audit the row's last values (`snap(row)`) and delete it."""
    audit.record(s, user, entity, _id(row), "delete", snap(row))
    s.delete(row)


__all__ = ["Clash", "add", "delete", "flush", "update"]
