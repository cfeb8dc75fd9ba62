"""Opening a database safely: refuse what is not ours or too new, back up, then migrate."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.exc import DatabaseError, OperationalError

from recruiter.errors import StoreError

from . import backup, location, migrate
from .database import SQLITE_MAGIC, Database, explain


def _precheck_file(path: Path) -> bool:
    """Refuse a path that cannot hold our database. Returns True when the file already exists."""
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file. Give a file name with --db.")
    if path.exists():
        try:
            with path.open("rb") as fh:
                head = fh.read(16)
        except OSError as exc:
            raise StoreError(
                f"{path} cannot be read: {exc.strerror}. Check its permissions."
            ) from exc
        if head and head != SQLITE_MAGIC:
            raise StoreError(
                f"{path} is not a Recruiter database (it is some other kind of file). "
                "Choose another file with --db; this one was not touched."
            )
        return bool(head)
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        raise StoreError(f"{parent} is a file, not a folder. Choose another location with --db.")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"The folder {parent} cannot be created ({exc.strerror}). "
            "Choose another location with --db."
        ) from exc
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StoreError(
            f"You may not write to the folder {parent}, so the database cannot be "
            "created there. Choose another location with --db."
        )
    return False


def open_database(
    where: str | os.PathLike[str] | None = None, *, user: str | None = None, upgrade: bool = True
) -> Database:
    """Open (creating or migrating as needed) the database at `where`, or raise StoreError."""
    url = location.resolve(where)
    path = location.sqlite_path(url)
    existed = _precheck_file(path) if path else True
    # Look at an existing SQLite file read-only first: the pragmas of a normal connection
    # (journal_mode=WAL) would already modify a file we are about to refuse.
    peeked = _peek_sqlite(path) if path is not None and existed else None
    if peeked is not None and peeked[1] in ("newer", "foreign"):
        _refuse(str(path), *peeked)
    db = Database(url, user=user)
    try:
        rev, state = migrate.schema_state(db.engine)
        if state in ("newer", "foreign"):
            _refuse(db.label, rev, state)
        if state in ("empty", "behind") and upgrade:
            if state == "behind" and path is not None and existed:
                backup.automatic_backup(path, f"before-{migrate.head_revision()}")
            migrate.upgrade(db.engine)
            if path is not None:
                _owner_only(path)
        elif state != "current" and not upgrade:
            raise StoreError(
                f"{db.label} needs a schema upgrade ({rev or 'empty'} -> "
                f"{migrate.head_revision()}). Open it with Recruiter to upgrade it."
            )
    except StoreError:
        db.dispose()
        raise
    except (OperationalError, DatabaseError) as exc:
        db.dispose()
        raise explain(exc, f"The database {db.label}") from exc
    return db


def _refuse(label: str, rev: str | None, state: str) -> None:
    if state == "newer":
        raise StoreError(
            f"{label} was written by a newer version of Recruiter (schema {rev}). "
            "Update Recruiter to open it; the file was not changed."
        )
    raise StoreError(
        f"{label} is an SQLite database, but not one of Recruiter's. "
        "Choose another file with --db; this one was not touched."
    )


def _peek_sqlite(path: Path) -> tuple[str | None, str] | None:
    """(revision, state) read without writing anything, or None if it cannot be read so."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        rev = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            rev = row[0] if row else None
    except sqlite3.OperationalError as exc:  # locked or busy: say so, never "damaged"
        raise explain(exc, str(path)) from exc
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            f"{path} is not a Recruiter database or is damaged ({exc}). "
            "Choose another file with --db, or restore a backup."
        ) from exc
    finally:
        conn.close()
    if rev is None:
        return None, ("empty" if not tables - {"alembic_version"} else "foreign")
    if rev == migrate.head_revision():
        return rev, "current"
    return rev, ("behind" if rev in migrate.known_revisions() else "newer")


def _owner_only(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if p.exists():
            os.chmod(p, 0o600)
