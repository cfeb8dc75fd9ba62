"""`recruiter check [--repair]`: schema version, SQLite integrity and foreign keys, the tables,
indexes and search triggers the migrations make, the search index, row counts.

What can be rebuilt from the data is repairable: missing indexes and search triggers (their SQL
is taken from a reference schema built by running the migrations on an empty in-memory
database), a search index out of step with the candidates, an index whose entries do not match
its table (REINDEX). Damaged tables and broken foreign keys are not: those need a backup.
`require_intact` is the cheap guard (PRAGMA quick_check) that export and backup run first;
`intact_while` runs the same check beside an export and refuses its result if it fails.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from recruiter.domain.table_names import TABLES
from recruiter.errors import StoreError
from recruiter.i18n import _

from . import migrate, search
from .backup import restore_hint
from .database import Database
from .ddl_transaction import ddl_transaction
from .schema_cache import reference_schema  # the migrations' schema at HEAD, cached

_SHOWN = 20  # rows of each kind named in a report
_INDEX_IN_PROBLEM = re.compile(
    r"(?:missing from index|wrong # of entries in index|non-unique entry in index) (\S+)"
)

Repair = Callable[[Connection], None]


@dataclass
class CheckReport:
    ok: bool
    schema: str | None
    head: str
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # The problems `check --repair` can fix (a subset of `problems`).
    repairable: list[str] = field(default_factory=list)
    # What `check --repair` fixed before this report was made, and what it could not.
    repaired: list[str] = field(default_factory=list)
    not_repaired: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "schema": self.schema,
            "head": self.head,
            "counts": self.counts,
            "problems": self.problems,
            "repairable": self.repairable,
            "repaired": self.repaired,
            "not_repaired": self.not_repaired,
        }


@dataclass
class _Finding:
    text: str
    repair: Repair | None = None


def run_check(db: Database) -> CheckReport:
    with db.engine.connect() as conn:
        schema = migrate.current_revision(conn)
        findings = _findings(conn, schema)
        present = set(inspect(conn).get_table_names())
        counts: dict[str, int] = {}
        for table in (t for t in TABLES if t in present):
            try:
                counts[table] = int(
                    conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
                )
            except DBAPIError as exc:  # a damaged table: already an integrity problem
                findings.append(
                    _Finding(
                        _("table {table} cannot be read: {orig}").format(table=table, orig=exc.orig)
                    )
                )
    problems = [f.text for f in findings]
    repairable = [f.text for f in findings if f.repair is not None]
    return CheckReport(
        ok=not problems,
        schema=schema,
        head=migrate.HEAD,
        counts=counts,
        problems=problems,
        repairable=repairable,
    )


class _NothingToRepair(Exception):
    pass


def repair(db: Database) -> tuple[list[str], list[str]]:
    """Fix every repairable problem in one transaction, each repair in a savepoint so that one
    failing leaves the others done. Returns (what was repaired, what failed and why)."""
    done: list[str] = []
    failed: list[str] = []
    try:
        with ddl_transaction(db.engine) as conn:
            findings = [f for f in _findings(conn, migrate.current_revision(conn)) if f.repair]
            if not findings:
                raise _NothingToRepair  # roll back: the checks themselves wrote nothing to keep
            ran: dict[Repair, str | None] = {}
            for f in findings:
                assert f.repair is not None
                if f.repair not in ran:
                    ran[f.repair] = _attempt(conn, f.repair)
                error = ran[f.repair]
                if error is None:
                    done.append(f.text)
                else:
                    failed.append(f"{f.text}: {error}")
    except _NothingToRepair:
        return [], []
    except DBAPIError as exc:  # the commit itself failed (a damaged file): nothing was kept
        return [], [*(f"{text}: {exc.orig}" for text in done), *failed]
    return done, failed


def require_intact(db: Database, doing: str) -> None:
    """Refuse to `doing` (e.g. "export") from a database SQLite finds damaged. PRAGMA quick_check
    reads every page but skips the slower index-against-table comparison."""
    if not db.is_sqlite:
        return
    with db.engine.connect() as conn:
        rows = _quick_check(conn)
    _refuse_unless_ok(db, doing, rows)


def _quick_check(conn: Connection) -> list[str]:
    try:
        return [r[0] for r in conn.exec_driver_sql("PRAGMA quick_check(5)").all()]
    except DBAPIError as exc:
        return [str(exc.orig)]


def _refuse_unless_ok(db: Database, doing: str, rows: list[str]) -> None:
    if rows == ["ok"]:
        return
    first = _messages(rows)[0]
    raise StoreError(
        _(
            "The database {label} is damaged ({first}), so it was not "
            "used to {doing}. Run `recruiter check --repair`, or {path}."
        ).format(label=db.label, first=first, doing=doing, path=restore_hint(db.path))
    )


class _QuickCheck:
    """PRAGMA quick_check on a connection of its own, in a worker thread (SQLite releases the
    GIL while it reads), so a 100,000-candidate database is checked while the export runs."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.rows: list[str] | None = None
        self.error: BaseException | None = None
        self._dbapi: Any = None
        self._thread = threading.Thread(target=self._run, name="quick_check", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            with self.db.engine.connect() as conn:
                self._dbapi = conn.connection.dbapi_connection
                self.rows = _quick_check(conn)
        except BaseException as exc:  # handed to the waiting thread
            self.error = exc

    def result(self) -> list[str]:
        self._thread.join()
        if self.error is not None:
            raise self.error
        assert self.rows is not None
        return self.rows

    def stop(self) -> None:
        """Interrupt the check (the work it guarded was abandoned) and wait for the thread."""
        if self._thread.is_alive() and self._dbapi is not None:
            with contextlib.suppress(Exception):
                self._dbapi.interrupt()
        self._thread.join()


@contextmanager
def intact_while(db: Database, doing: str) -> Iterator[Callable[[], None]]:
    """`require_intact`, run beside the work instead of before it. Yields `require`, which the
    work calls before it makes its result visible (e.g. before the finished workbook replaces
    the target): it waits for the check and raises the damage error, so nothing made from a
    damaged database is kept. Work that fails on a database error is reported as the damage
    when the check finds any; other failures stop the check."""
    if not db.is_sqlite or db.path is None:  # a server; or one in-memory connection
        yield lambda: require_intact(db, doing)
        return
    check = _QuickCheck(db)
    checked = False

    def require() -> None:
        nonlocal checked
        _refuse_unless_ok(db, doing, check.result())
        checked = True

    try:
        yield require
    except (SQLAlchemyError, StoreError):  # the database failed the work: say why, if damaged
        require()
        raise
    except BaseException:
        check.stop()
        raise
    if not checked:
        require()  # the work never asked: still refuse to report success from a damaged file


def _attempt(conn: Connection, fix: Repair) -> str | None:
    conn.exec_driver_sql("SAVEPOINT repair")
    try:
        fix(conn)
    except DBAPIError as exc:
        conn.exec_driver_sql("ROLLBACK TO repair")
        conn.exec_driver_sql("RELEASE repair")
        return str(exc.orig)
    conn.exec_driver_sql("RELEASE repair")
    return None


def _findings(conn: Connection, schema: str | None) -> list[_Finding]:
    found: list[_Finding] = []
    if schema != migrate.HEAD:
        found.append(
            _Finding(
                _("schema is {schema}, this version of Recruiter expects {HEAD}").format(
                    schema=schema, HEAD=migrate.HEAD
                )
            )
        )
    if conn.dialect.name == "postgresql":  # the server keeps its own files whole
        from . import search_pg, sequences, statistics

        found.extend(_Finding(p, sequences.reset_all) for p in sequences.behind(conn))
        searched = search_pg.index_problems(conn, search.SEARCH_COLUMNS)
        found.extend(_Finding(p, _pg_search_repair) for p in searched)
        found.extend(_Finding(p, statistics.create_function) for p in statistics.problems(conn))
        return found
    if conn.dialect.name != "sqlite":
        return found
    found.extend(_integrity(conn))
    try:
        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    except DBAPIError as exc:
        found.append(_Finding(_("foreign keys cannot be checked: {orig}").format(orig=exc.orig)))
        broken = []
    for table, rowid, parent, _fk in broken[:_SHOWN]:
        found.append(
            _Finding(
                _("foreign key: {table} row {rowid} points at a missing {parent}").format(
                    table=table, rowid=rowid, parent=parent
                )
            )
        )
    found.extend(_schema_objects(conn))
    found.extend(_Finding(p, search.repair) for p in search.trigger_problems(conn))
    found.extend(_Finding(p, search.repair) for p in search.index_problems(conn))
    return found


def _pg_search_repair(conn: Connection) -> None:
    from . import search_pg

    search_pg.drop(conn)
    search_pg.create(conn, search.SEARCH_COLUMNS)
    search_pg.create_short(conn)


def _integrity(conn: Connection) -> list[_Finding]:
    try:
        rows = [r[0] for r in conn.exec_driver_sql(f"PRAGMA integrity_check({_SHOWN})").all()]
    except DBAPIError as exc:
        return [_Finding(_("integrity: {orig}").format(orig=exc.orig))]
    if rows == ["ok"]:
        return []
    found = []
    for row in _messages(rows)[:_SHOWN]:
        m = _INDEX_IN_PROBLEM.search(row)
        found.append(
            _Finding(_("integrity: {row}").format(row=row), _reindex(m.group(1)) if m else None)
        )
    return found


def _messages(rows: list[str]) -> list[str]:
    """SQLite's check rows as one message a line, without its "*** in database main ***"."""
    lines = [
        line.strip()
        for row in rows
        for line in row.splitlines()
        if line.strip() and not line.startswith("*** in database")
    ]
    return lines or rows


@cache
def _reindex(name: str) -> Repair:
    def fix(conn: Connection) -> None:
        conn.exec_driver_sql(f'REINDEX "{name}"')

    return fix


def _schema_objects(conn: Connection) -> list[_Finding]:
    """Tables, indexes and triggers the migrations make that the database lacks."""
    have = {
        (kind, name)
        for kind, name in conn.exec_driver_sql("SELECT type, name FROM sqlite_master").all()
    }
    found: list[_Finding] = []
    for (kind, name), (table, sql) in reference_schema().items():
        if (kind, name) in have or kind == "trigger":  # triggers: search.trigger_problems
            continue
        if kind == "table":
            if name in TABLES:
                found.append(
                    _Finding(_("table {name} is missing; restore a backup").format(name=name))
                )
        elif kind == "index":
            found.append(
                _Finding(
                    _("index {name} on {table} is missing").format(name=name, table=table),
                    _create(sql),
                )
            )
    return found


@cache
def _create(sql: str) -> Repair:
    def fix(conn: Connection) -> None:
        conn.exec_driver_sql(sql)

    return fix
