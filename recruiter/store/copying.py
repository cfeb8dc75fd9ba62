"""Moving an office: every row of one Recruiter database into another, empty one, verified.

A local SQLite file goes to a team's PostgreSQL server (`recruiter copy --to URL`), or a server's
data comes back into a file (`--from URL`, also how `recruiter backup` keeps a server's data: a
logical copy into an SQLite file). Both databases are at the same schema revision (opening them
migrates); the destination must hold no rows but those its migrations seeded (deadline rules,
the relocation template), which the copy replaces with the source's own. Tables are copied parents
first in one transaction on the destination, rows that refer to rows of their own table (a
sub-department) in two passes, ids kept; then sequences move past the copied ids. Afterwards both
sides are read again and each table's row count and checksum compared: an order-free sum of a
SHA-256 per row over values normalised the same way on both engines (times in UTC, enums by name).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Connection, Table, delete, func, insert, inspect, select, update
from sqlmodel import SQLModel

from recruiter.errors import StoreError
from recruiter.i18n import _

from . import search, sequences, statistics
from .database import Database

CHUNK = 2000
_MOD = 2**256
Progress = Callable[[int, int], None]


@dataclass
class TableCopy:
    table: str
    rows: int
    checksum: str


@dataclass
class CopyReport:
    source: str
    destination: str
    tables: list[TableCopy] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "destination": self.destination,
            "rows": self.rows,
            "tables": {t.table: {"rows": t.rows, "checksum": t.checksum} for t in self.tables},
        }


def tables() -> list[Table]:
    """The application's tables, parents before children."""
    return list(SQLModel.metadata.sorted_tables)


def _present(conn: Connection) -> list[Table]:
    names = set(inspect(conn).get_table_names())
    return [t for t in tables() if t.name in names]


def _self_refs(table: Table) -> list[str]:
    return [
        fk.parent.name
        for fk in table.foreign_keys
        if fk.column.table is table and fk.parent.nullable
    ]


def _normal(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return value


def _rows(conn: Connection, table: Table) -> Iterator[dict[str, Any]]:
    pk = list(table.primary_key.columns)
    # per statement: Connection.execution_options would change the connection itself, and a
    # destination's later DELETEs would then run as server-side cursors (PostgreSQL refuses)
    result = conn.execute(select(table).order_by(*pk), execution_options={"yield_per": CHUNK})
    for row in result.mappings():
        yield dict(row)


def checksum(conn: Connection, table: Table) -> tuple[int, str]:
    """(row count, checksum) of a table, independent of row order and of the engine."""
    total = 0
    count = 0
    cols = [c.name for c in table.columns]
    for row in _rows(conn, table):
        line = json.dumps([_normal(row[c]) for c in cols], ensure_ascii=False, default=str)
        total = (total + int.from_bytes(hashlib.sha256(line.encode()).digest(), "big")) % _MOD
        count += 1
    return count, f"{total:064x}"


_seeds: dict[str, tuple[int, str]] = {}


def seeded() -> dict[str, tuple[int, str]]:
    """(row count, checksum) of each table a new database already holds rows in: what the
    migrations seed. Read once per process from a database migrated in memory, so a new seed in a
    future migration needs nothing here."""
    if not _seeds:
        from .opening import open_database

        fresh = open_database("sqlite://", user="seeds")
        try:
            with fresh.engine.connect() as conn:
                for table in _present(conn):
                    found = checksum(conn, table)
                    if found[0]:
                        _seeds[table.name] = found
        finally:
            fresh.dispose()
    return _seeds


def _require_empty(conn: Connection, label: str) -> list[Table]:
    """Refuse a destination holding rows of its own; returns the tables holding only their
    migrations' seed rows (the copy replaces them)."""
    seeds: dict[str, tuple[int, str]] | None = None
    only_seeds = []
    for table in _present(conn):
        if not conn.execute(select(func.count()).select_from(table)).scalar():
            continue
        if seeds is None:
            seeds = seeded()
        if seeds.get(table.name) != checksum(conn, table):
            raise StoreError(
                _(
                    "{label} already holds data ({name} has rows). Copy into an empty "
                    "database: a new file, or a new database on the server."
                ).format(label=label, name=table.name)
            )
        only_seeds.append(table)
    return only_seeds


def copy(source: Database, destination: Database, progress: Progress | None = None) -> CopyReport:
    """Copy every row of `source` into the empty `destination`, then verify; raise StoreError
    (with nothing left in the destination) if anything differs."""
    if source.url == destination.url:
        raise StoreError(_("The source and the destination are the same database."))
    report = CopyReport(source.label, destination.label)
    with source.engine.connect() as src, destination.transaction() as dst:
        for table in reversed(_require_empty(dst, destination.label)):
            dst.execute(delete(table))
        todo = [t for t in _present(src) if t.name in set(inspect(dst).get_table_names())]
        total = sum(src.execute(select(func.count()).select_from(t)).scalar() or 0 for t in todo)
        done = 0
        for table in todo:
            done = _copy_table(src, dst, table, done, total, progress)
        sequences.reset_all(dst)
        statistics.refresh(dst)
        _verify(src, dst, todo, report)  # inside the transaction: a mismatch leaves nothing
    return report


def _copy_table(
    src: Connection,
    dst: Connection,
    table: Table,
    done: int,
    total: int,
    progress: Progress | None,
) -> int:
    later = _self_refs(table)
    pending: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []

    def flush() -> None:
        if pending:
            dst.execute(insert(table), pending)
            pending.clear()

    loading = search.bulk_load(dst) if table.name == "candidate" else nullcontext()
    with loading:
        for row in _rows(src, table):
            if later and any(row[c] is not None for c in later):
                links.append({"_id": row["id"], **{c: row[c] for c in later}})
                row = {**row, **dict.fromkeys(later)}
            pending.append(row)
            done += 1
            if len(pending) >= CHUNK:
                flush()
                if progress is not None:
                    progress(done, total)
        flush()
    if links:
        from sqlalchemy import bindparam

        stmt = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({c: bindparam(c) for c in later})
        )
        dst.execute(stmt, links)
    if progress is not None:
        progress(done, total)
    return done


def _verify(src: Connection, dst: Connection, todo: list[Table], report: CopyReport) -> None:
    problems = []
    for table in todo:
        a = checksum(src, table)
        b = checksum(dst, table)
        if a != b:
            problems.append(
                _("{name}: {a} rows in the source, {b} in the copy").format(
                    name=table.name, a=a[0], b=b[0]
                )
                + ("" if a[0] != b[0] else _(" (same count, different contents)"))
            )
        report.tables.append(TableCopy(table.name, a[0], a[1]))
    if problems:
        raise StoreError(
            _("The copy does not match its source: ") + "; ".join(problems) + _(". Do not use it.")
        )
