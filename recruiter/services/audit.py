"""The audit log: every create/update/delete writes one entry in the same transaction.

Each entry also names its row to the unit of work (`store.database.note`), so the `Changes`
announced after the commit carry the ids of what changed."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Connection, Select, insert, literal, select
from sqlmodel import Session, SQLModel

from recruiter.domain.clock import utcnow
from recruiter.domain.models import AuditEntry
from recruiter.store.database import note


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# Bookkeeping, not data: a row's version moves on with every save, undo included
# (store/versions.py), so snapshots for undo and the log leave it out.
NOT_DATA = ("version",)


def snapshot(obj: SQLModel, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Column values of a row as JSON-safe plain values."""
    return {
        k: _plain(v) for k, v in obj.model_dump().items() if k not in skip and k not in NOT_DATA
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def entry(
    user: str,
    entity: str,
    entity_id: int | None,
    action: str,
    changes: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An audit row as plain column values, for bulk writers that use Core inserts."""
    return {
        "at": utcnow(),
        "user": user,
        "entity": entity,
        "entity_id": entity_id,
        "action": action,
        "changes": json.dumps(
            {k: _plain(v) for k, v in (changes or {}).items()}, ensure_ascii=False, default=str
        ),
    }


def record(
    session: Session,
    user: str,
    entity: str,
    entity_id: int | None,
    action: str,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    row = AuditEntry(**entry(user, entity, entity_id, action, changes))
    session.add(row)
    note(entity, entity_id)
    return row


def record_many(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk writers' audit rows (made with `entry`), inserted in the caller's transaction."""
    if rows:
        conn.execute(insert(AuditEntry.__table__), list(rows))  # type: ignore[attr-defined]  # SQLModel sets __table__ at runtime; its stubs don't declare it
        for row in rows:
            note(row["entity"], row["entity_id"])


def record_each(
    conn: Connection, row: dict[str, Any], source: Select[Any], ids: Sequence[int]
) -> None:
    """The same audit row (made with `entry`) once for each id `source` selects, written
    set-based by the database: what `record_many` writes for `[{**row, "entity_id": i} for i
    in ids]`, without a parameter set per row (an import's 100,000 creates). `ids` are the ids
    `source` selects, named to the unit of work."""
    if not ids:
        return
    table = AuditEntry.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ at runtime
    cols = [c for c in row if c != "entity_id"]
    ident = source.subquery()
    conn.execute(
        insert(table).from_select(
            [*cols, "entity_id"],
            select(*(literal(row[c], table.c[c].type) for c in cols), *ident.c),
        )
    )
    for i in ids:
        note(row["entity"], i)
