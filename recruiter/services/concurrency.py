"""Several officers on one database: an edit made on a stale copy is caught and explained.

An editor keeps the `version` of the row it opened (candidate, target, offer, funding source:
store/versions.py) and passes it to the service as `expected_version`. If the row has moved on
since, `check` raises `EditConflict`, which names who changed what and when (from the audit log),
so the window can offer to reload or to overwrite. An overwrite (`overwrite=True`) goes ahead and
is itself audited, naming the changes it replaced. Any other table opts in by having a `version`
column and passing through `check` in its update service.

On PostgreSQL the row is locked (SELECT ... FOR UPDATE) before the comparison, so the check and
the write that follows cannot interleave with another officer's save; on SQLite the single write
lock and the ORM's `WHERE version = ?` do the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text, update
from sqlmodel import Session, col, select

from recruiter.domain.models import AuditEntry
from recruiter.errors import ConflictError
from recruiter.store import postgres

from . import audit

LABELS = {
    "candidate": "candidate",
    "target": "target",
    "offer": "offer",
    "funding_source": "funding source",
}


@dataclass(frozen=True)
class SeenChange:
    """One change made by someone else since the editor opened the row."""

    user: str
    at: datetime
    action: str
    fields: tuple[str, ...]

    def describe(self) -> str:
        what = ", ".join(f.replace("_", " ") for f in self.fields) or self.action
        return f"{self.user} changed {what} at {self.at:%Y-%m-%d %H:%M} UTC"


class EditConflict(ConflictError):
    """The row changed since the editor opened it; nothing was saved."""

    def __init__(
        self,
        entity: str,
        entity_id: int,
        expected: int,
        current: int,
        changes: list[SeenChange],
    ) -> None:
        self.entity = entity
        self.entity_id = entity_id
        self.expected = expected
        self.current = current
        self.changes = changes
        label = LABELS.get(entity, entity.replace("_", " "))
        said = "; ".join(c.describe() for c in changes) or "someone else changed it"
        super().__init__(
            f"This {label} was changed by someone else since you opened it ({said}). "
            "Reload to see their changes, or save again to overwrite them."
        )


def current_version(conn: Connection, table: str, row_id: int) -> int | None:
    """The row's version now, locking the row on PostgreSQL until the transaction ends."""
    postgres.lock_for_update(conn, table, row_id)
    value = conn.execute(
        text(f'SELECT version FROM "{table}" WHERE id = :id'), {"id": row_id}
    ).scalar()
    return None if value is None else int(value)


def changes_since(s: Session, entity: str, entity_id: int, count: int) -> list[SeenChange]:
    """The last `count` audited changes of a row (newest last): what moved its version on."""
    if count <= 0:
        return []
    rows = s.exec(
        select(AuditEntry)
        .where(
            col(AuditEntry.entity) == entity,
            col(AuditEntry.entity_id) == entity_id,
            col(AuditEntry.action) != "create",
        )
        .order_by(col(AuditEntry.id).desc())
        .limit(count)
    ).all()
    out = []
    for entry in reversed(rows):
        try:
            fields = tuple(json.loads(entry.changes or "{}"))
        except ValueError:
            fields = ()
        out.append(SeenChange(entry.user, entry.at, entry.action, fields))
    return out


def check(
    s: Session,
    user: str,
    entity: str,
    entity_id: int,
    expected_version: int | None,
    *,
    overwrite: bool = False,
) -> None:
    """Refuse (EditConflict) a save made on a copy older than the row, unless `overwrite`, which
    is audited. `expected_version` None: the caller did not open the row in an editor."""
    if expected_version is None:
        return
    current = current_version(s.connection(), entity, entity_id)
    if current is None or current == expected_version:
        return
    seen = changes_since(s, entity, entity_id, current - expected_version)
    if not overwrite:
        raise EditConflict(entity, entity_id, expected_version, current, seen)
    details: dict[str, Any] = {
        "version": [expected_version, current],
        "overwrote": [c.describe() for c in seen],
    }
    audit.record(s, user, entity, entity_id, "overwrite", details)


def touch_version(s: Session, row: Any) -> None:
    """Move a row's version on without changing it (its child rows changed: an offer's items),
    so an editor that opened it before sees the conflict."""
    table = type(row).__table__
    s.flush()
    s.connection().execute(
        update(table).where(table.c.id == row.id).values(version=table.c.version + 1)
    )
    s.expire(row, ["version"])
