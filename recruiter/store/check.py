"""`recruiter check`: SQLite integrity and foreign keys, schema version, row counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text

from recruiter.domain.models import TABLES

from . import migrate
from .database import Database


@dataclass
class CheckReport:
    ok: bool
    schema: str | None
    head: str
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "schema": self.schema,
            "head": self.head,
            "counts": self.counts,
            "problems": self.problems,
        }


def run_check(db: Database) -> CheckReport:
    problems: list[str] = []
    with db.engine.connect() as conn:
        schema = migrate.current_revision(conn)
        head = migrate.head_revision()
        if schema != head:
            problems.append(f"schema is {schema}, this version of Recruiter expects {head}")
        if db.is_sqlite:
            rows = [r[0] for r in conn.execute(text("PRAGMA integrity_check")).all()]
            if rows != ["ok"]:
                problems.extend(f"integrity: {r}" for r in rows[:20])
            for table, rowid, parent, _fk in conn.execute(text("PRAGMA foreign_key_check")).all()[
                :20
            ]:
                problems.append(f"foreign key: {table} row {rowid} points at a missing {parent}")
        counts = {
            t: int(conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()) for t in TABLES
        }
    return CheckReport(ok=not problems, schema=schema, head=head, counts=counts, problems=problems)
