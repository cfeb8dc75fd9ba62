"""One engine per database, a short-lived Session per unit of work, SQLite pragmas on connect."""

from __future__ import annotations

import getpass
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.dml import Insert, UpdateBase

from recruiter.domain.changes import Changes, Collector
from recruiter.errors import ConflictError, StoreError
from recruiter.i18n import _

from . import location, postgres, sequences, team

if TYPE_CHECKING:
    from sqlmodel import Session

SQLITE_MAGIC = b"SQLite format 3\x00"
log = logging.getLogger(__name__)


def busy_timeout_ms() -> int:
    return int(os.environ.get("RECRUITER_BUSY_TIMEOUT_MS", "5000"))


def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _on_connect_read_only(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


_WAL_FORMAT = b"\x02\x02"  # header bytes 18-19 of a database in WAL mode


def read_only_connection(path: Path, header: bytes | None = None) -> sqlite3.Connection:
    """A connection that writes nothing, not even beside the file. A read-only connection to a
    WAL database creates `-wal` and `-shm` and, unable to checkpoint, leaves them behind; when
    neither exists nobody has the database open and its file holds every committed change, so
    it is read as immutable instead (no locks, no shared memory)."""
    if header is None:
        with path.open("rb") as fh:
            header = fh.read(100)
    uri = path.absolute().as_uri()
    companions = (path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))
    if header[18:20] == _WAL_FORMAT and not any(p.exists() for p in companions):
        return sqlite3.connect(uri + "?immutable=1", uri=True, check_same_thread=False)
    return sqlite3.connect(uri + "?mode=ro", uri=True, check_same_thread=False)


# Primary SQLite result codes (sqlite3.Error.sqlite_errorname without its extended suffix).
_LOCKED = frozenset({"SQLITE_BUSY", "SQLITE_LOCKED"})
_FULL = frozenset({"SQLITE_FULL"})
_DAMAGED = frozenset({"SQLITE_NOTADB", "SQLITE_CORRUPT"})
_UNWRITABLE = frozenset({"SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM"})


def _sqlite_code(exc: BaseException) -> str | None:
    """The primary result code of a driver error ("SQLITE_BUSY" for "SQLITE_BUSY_SNAPSHOT")."""
    name = getattr(getattr(exc, "orig", exc), "sqlite_errorname", None)
    if not isinstance(name, str) or not name.startswith("SQLITE_"):
        return None
    return "_".join(name.split("_")[:2])


def _matches(exc: BaseException, codes: frozenset[str], *phrases: str) -> bool:
    """By the SQLite result code when the driver gives one, else by the message (other drivers,
    errors raised before a connection exists)."""
    code = _sqlite_code(exc)
    if code is not None:
        return code in codes
    text = str(getattr(exc, "orig", exc)).lower()
    return any(p in text for p in phrases)


def explain(exc: BaseException, where: str | None = None) -> StoreError:
    """Turn a driver error into one message a person can act on."""
    where = where or _("the database")
    if _matches(exc, _LOCKED, "locked", "busy", "lock timeout"):
        return StoreError(
            _(
                "{where} is locked by another program (another copy of "
                "Recruiter?). Close it and try again."
            ).format(where=where)
        )
    if _matches(exc, _FULL, "disk is full", "disk full"):
        inner = "t" + where[1:] if where.startswith("The ") else where  # mid-sentence
        return StoreError(
            _(
                "The disk holding {inner} is full. Free some space and try "
                "again; nothing was saved."
            ).format(inner=inner)
        )
    if is_damaged(exc):
        return StoreError(
            _(
                "{where} is not a Recruiter database or is damaged. Choose "
                "another file with --db, or restore a backup."
            ).format(where=where)
        )
    if _matches(exc, _UNWRITABLE, "readonly", "read-only", "unable to open"):
        return StoreError(
            _(
                "{where} cannot be written: check that the folder exists and "
                "that you may write to it, or choose another location with "
                "--db."
            ).format(where=where)
        )
    return StoreError(
        _("{where} could not be used: {exc}").format(where=where, exc=getattr(exc, "orig", exc))
    )


def is_damaged(exc: BaseException) -> bool:
    """Not a database at all, or a damaged one."""
    return _matches(exc, _DAMAGED, "not a database", "malformed", "file is encrypted")


class RowChanged(ConflictError):
    """Another session saved the same row between our read and our write (the ORM's
    `WHERE version = ?` matched nothing): nothing was saved."""

    def __init__(self) -> None:
        super().__init__(
            "Someone else saved this record at the same moment, so your change was not saved. "
            "Reload it and try again."
        )


class Database:
    """An open database: the engine, who is using it, and units of work that announce what they
    changed.

    Every INSERT, UPDATE or DELETE runs through the engine, so one listener sees them all: each
    unit of work (`session()`, `transaction()`) collects the tables it wrote, plus the ids the
    audit log names (`note`), and after a successful commit the subscribers get one `Changes`.
    A rollback announces nothing.
    """

    def __init__(self, url: str, user: str | None = None, *, read_only: bool = False) -> None:
        url = postgres.normalise_url(url)
        postgres.require_driver(url)
        self.url = url
        self.path: Path | None = location.sqlite_path(url)
        self.is_sqlite = url.startswith("sqlite")
        self.user = user or _signed_in(url)
        # A file we may only read (store.opening decides): opened so that nothing is written,
        # and a write is refused with one message saying why.
        self.read_only = read_only and self.path is not None
        kwargs: dict[str, object] = {}
        if self.read_only:
            ro_path = self.path
            assert ro_path is not None
            kwargs["creator"] = lambda: read_only_connection(ro_path)
        elif self.is_sqlite:
            # A pool of file connections; in-memory databases need one shared connection.
            kwargs["connect_args"] = {"check_same_thread": False}
            if self.path is None:
                kwargs["poolclass"] = StaticPool
        self.engine: Engine = create_engine(url, **kwargs)
        if self.is_sqlite:
            event.listen(
                self.engine, "connect", _on_connect_read_only if self.read_only else _on_connect
            )
        event.listen(self.engine, "after_execute", _after_execute)
        self._subscribers: list[Callable[[Changes], None]] = []
        self._lock = threading.Lock()
        self._feed: team.ChangeFeed | None = None  # other desktops' commits (PostgreSQL)
        self._own_pids: set[int] = set()
        if postgres.is_postgres_url(url):
            event.listen(self.engine, "connect", self._remember_pid)

    def _remember_pid(self, dbapi_conn: Any, _record: object) -> None:
        """PostgreSQL: note the server process (to skip our own change notifications), and wait
        for a row another officer holds no longer than SQLite waits for its lock."""
        with dbapi_conn.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            self._own_pids.add(cur.fetchone()[0])
            cur.execute(f"SET lock_timeout = {busy_timeout_ms()}")
        dbapi_conn.commit()

    @property
    def label(self) -> str:
        return str(self.path) if self.path else self.engine.url.render_as_string(hide_password=True)

    # -- announcing changes --------------------------------------------------------------
    def subscribe(self, fn: Callable[[Changes], None]) -> Callable[[], None]:
        """Call `fn(changes)` after every commit that wrote something, in the writing thread.
        Returns a function that unsubscribes."""
        with self._lock:
            self._subscribers.append(fn)
            if self._feed is None and not self.is_sqlite and team.feed_enabled():
                self._feed = team.ChangeFeed(self.engine, self.publish, self._own_pids)
                self._feed.start()

        def unsubscribe() -> None:
            with self._lock:
                if fn in self._subscribers:
                    self._subscribers.remove(fn)

        return unsubscribe

    def publish(self, changes: Changes) -> None:
        """Tell every subscriber; a failing subscriber never undoes a committed write."""
        if not changes:
            return
        with self._lock:
            subscribers = list(self._subscribers)
        for fn in subscribers:
            try:
                fn(changes)
            except Exception:
                log.exception("a change subscriber failed")

    @contextmanager
    def _collecting(self) -> Iterator[Collector]:
        collector = Collector()
        token = _current.set(collector)
        try:
            yield collector
        finally:
            _current.reset(token)

    def _explain(self, exc: BaseException) -> StoreError:
        if self.read_only and _matches(exc, _UNWRITABLE, "readonly", "read-only"):
            return StoreError(
                _(
                    "{label} is open read-only (you may not write to the file or "
                    "its folder), so changes cannot be saved. To edit, fix its "
                    "permissions or copy it to a folder you may write to, and "
                    "open the copy."
                ).format(label=self.label)
            )
        return explain(exc, _("The database {label}").format(label=self.label))

    # -- units of work -------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on any error."""
        from sqlalchemy.orm.exc import StaleDataError  # the ORM: not loaded for `check`
        from sqlmodel import Session

        try:
            with (
                self._collecting() as collector,
                Session(self.engine, expire_on_commit=False) as s,
            ):
                yield s
                s.commit()
        except StaleDataError as exc:
            raise RowChanged() from exc
        except OperationalError as exc:
            raise self._explain(exc) from exc
        except DatabaseError as exc:
            if is_damaged(exc):
                raise explain(exc, _("The database {label}").format(label=self.label)) from exc
            if postgres.is_permission_denied(exc):
                raise postgres.read_only_role(self.label) from exc
            raise
        self.publish(collector.changes())

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A Core unit of work for bulk writers: one connection, committed on success."""
        try:
            with self._collecting() as collector, self.engine.begin() as conn:
                yield conn
        except OperationalError as exc:
            raise self._explain(exc) from exc
        except DatabaseError as exc:
            if postgres.is_permission_denied(exc):
                raise postgres.read_only_role(self.label) from exc
            raise
        self.publish(collector.changes())

    def dispose(self) -> None:
        if self._feed is not None:
            self._feed.stop()
            self._feed = None
        self.engine.dispose()


_current: ContextVar[Collector | None] = ContextVar("recruiter_unit_of_work", default=None)


def note(entity: str, entity_id: int | None) -> None:
    """Name a changed row of the current unit of work (the audit module calls this)."""
    collector = _current.get()
    if collector is not None:
        collector.noted(entity, entity_id)


def _after_execute(
    conn: Connection,
    clause: object,
    _multiparams: object,
    _params: object,
    _options: object,
    result: object,
) -> None:
    """Every successful INSERT, UPDATE or DELETE: remember its table for the unit of work. An
    INSERT that chose its ids itself moves the table's sequence past them at once (PostgreSQL),
    so an ordinary insert later in the same unit of work (demo data, then a service writing
    through the ORM) gets a free id (see store/sequences.py)."""
    if isinstance(clause, UpdateBase):
        table = getattr(clause, "table", None)
        name = getattr(table, "name", None)
        if not isinstance(name, str):
            return
        collector = _current.get()
        if collector is not None:
            collector.wrote(name)
        if isinstance(clause, Insert) and conn.dialect.name == "postgresql":
            compiled = getattr(getattr(result, "context", None), "compiled", None)
            if compiled is not None and "id" in compiled.binds:
                sequences.advance(conn, [name])


def _signed_in(url: str) -> str:
    """Who the audit log names: a chosen officer name (RECRUITER_USER), else the server role a
    PostgreSQL URL signs in as, else the login name."""
    chosen = os.environ.get("RECRUITER_USER", "").strip()
    if chosen:
        return chosen[:100]
    if postgres.is_postgres_url(url):
        from sqlalchemy.engine import make_url

        role = make_url(url).username
        if role:
            return role[:100]
    return _current_user()


def _current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"
