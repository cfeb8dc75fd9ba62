"""One engine per database, a short-lived Session per unit of work, SQLite pragmas on connect."""

from __future__ import annotations

import getpass
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

from recruiter.errors import StoreError

from . import location

SQLITE_MAGIC = b"SQLite format 3\x00"


def busy_timeout_ms() -> int:
    return int(os.environ.get("RECRUITER_BUSY_TIMEOUT_MS", "5000"))


def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def explain(exc: BaseException, where: str = "the database") -> StoreError:
    """Turn a driver error into one message a person can act on."""
    text = str(getattr(exc, "orig", exc)).lower()
    if "locked" in text or "busy" in text:
        return StoreError(
            f"{where} is locked by another program (another copy of Recruiter?). "
            "Close it and try again."
        )
    if "disk is full" in text or "disk full" in text:
        return StoreError(
            f"The disk holding {where} is full. Free some space and try again; nothing was saved."
        )
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return StoreError(
            f"{where} is not a Recruiter database or is damaged. "
            "Choose another file with --db, or restore a backup."
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return StoreError(
            f"{where} cannot be written: check that the folder exists and that you "
            "may write to it, or choose another location with --db."
        )
    return StoreError(f"{where} could not be used: {getattr(exc, 'orig', exc)}")


class Database:
    """An open database: the engine, who is using it, and sessions for units of work."""

    def __init__(self, url: str, user: str | None = None) -> None:
        self.url = url
        self.path: Path | None = location.sqlite_path(url)
        self.is_sqlite = url.startswith("sqlite")
        self.user = user or _current_user()
        kwargs: dict[str, object] = {}
        if self.is_sqlite:
            # A pool of file connections; in-memory databases need one shared connection.
            kwargs["connect_args"] = {"check_same_thread": False}
            if self.path is None:
                from sqlalchemy.pool import StaticPool

                kwargs["poolclass"] = StaticPool
        self.engine: Engine = create_engine(url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _on_connect)

    @property
    def label(self) -> str:
        return str(self.path) if self.path else self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on any error."""
        try:
            with Session(self.engine, expire_on_commit=False) as s:
                yield s
                s.commit()
        except OperationalError as exc:
            raise explain(exc, f"The database {self.label}") from exc
        except DatabaseError as exc:
            text = str(exc.orig).lower() if exc.orig else ""
            if "not a database" in text or "malformed" in text:
                raise explain(exc, f"The database {self.label}") from exc
            raise

    def dispose(self) -> None:
        self.engine.dispose()


def _current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def null_pool_engine(url: str) -> Engine:
    """An engine without pooling, for one-off checks that must release the file at once."""
    engine = create_engine(url, poolclass=NullPool)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _on_connect)
    return engine
