"""Capture and restore whole rows, so deletes can be undone exactly (ids included)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlmodel import Session, SQLModel

# Parents before children: the order rows are re-inserted in.
ORDER = ("candidate", "application", "stage_event", "activity", "offer", "offer_item")


@dataclass
class RowBundle:
    """Rows of several tables, keyed by table name, as plain column dicts."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def count(self, table: str) -> int:
        return len(self.tables.get(table, []))


def _fetch(conn: Connection, table: str, column: str, ids: list[int]) -> list[dict[str, Any]]:
    t = SQLModel.metadata.tables[table]
    out: list[dict[str, Any]] = []
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        out.extend(dict(r._mapping) for r in conn.execute(select(t).where(t.c[column].in_(chunk))))
    return out


def capture_candidates(s: Session, candidate_ids: list[int]) -> RowBundle:
    """Everything that goes when these candidates are deleted."""
    conn = s.connection()
    b = RowBundle()
    b.tables["candidate"] = _fetch(conn, "candidate", "id", candidate_ids)
    b.tables["application"] = _fetch(conn, "application", "candidate_id", candidate_ids)
    app_ids = [r["id"] for r in b.tables["application"]]
    b.tables["stage_event"] = _fetch(conn, "stage_event", "application_id", app_ids)
    b.tables["activity"] = _fetch(conn, "activity", "candidate_id", candidate_ids)
    b.tables["offer"] = _fetch(conn, "offer", "application_id", app_ids)
    offer_ids = [r["id"] for r in b.tables["offer"]]
    b.tables["offer_item"] = _fetch(conn, "offer_item", "offer_id", offer_ids)
    return b


def reinsert(s: Session, bundle: RowBundle) -> None:
    conn = s.connection()
    for table in ORDER:
        rows = bundle.tables.get(table)
        if rows:
            conn.execute(insert(SQLModel.metadata.tables[table]), rows)
