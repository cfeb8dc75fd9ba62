"""Capture and restore whole rows, so deletes can be undone exactly (ids included)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlmodel import Session, SQLModel

# A hire's immigration case (issue 13), parents first.
CASE_TABLES = (
    "immigration_case",
    "case_person",
    "case_document",
    "case_milestone",
    "relocation_task",
)
# Parents before children: the order rows are re-inserted in.
ORDER = ("candidate", "application", "stage_event", "activity", "offer", "offer_item", *CASE_TABLES)


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
    b.tables.update(capture_cases(conn, app_ids))
    return b


def capture_cases(conn: Connection, application_ids: list[int]) -> dict[str, list[dict[str, Any]]]:
    """The immigration cases of these applications, with their people, documents, milestones
    and relocation tasks (they go with the application; undo brings them back as they were)."""
    out = {"immigration_case": _fetch(conn, "immigration_case", "application_id", application_ids)}
    case_ids = [r["id"] for r in out["immigration_case"]]
    for table in CASE_TABLES[1:]:
        out[table] = _fetch(conn, table, "case_id", case_ids)
    return out


def reinsert(s: Session, bundle: RowBundle) -> None:
    conn = s.connection()
    for table in ORDER:
        rows = bundle.tables.get(table)
        if rows:
            conn.execute(insert(SQLModel.metadata.tables[table]), rows)
