"""Opening a database safely: refuse what is not ours or too new, check that an upgrade can
succeed, back up, then migrate in one transaction.

Everything decided before the first write (not ours, too new, data an upgrade would refuse) is
read through a read-only connection that leaves the file and its folder exactly as they were. A
database already at the current schema is opened without loading Alembic at all.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.pool import NullPool

from recruiter.errors import StoreError
from recruiter.i18n import _

from . import access, backup, location, migrate
from .database import SQLITE_MAGIC, Database, explain, read_only_connection

_HEADER = 100  # bytes of the SQLite file header we look at


def _precheck_file(path: Path) -> bytes:
    """Refuse a path that cannot hold our database. Returns the file's header (b"" when there is
    no file yet, or it is empty)."""
    if path.is_dir():
        raise StoreError(
            _("{path} is a folder, not a database file. Give a file name with --db.").format(
                path=path
            )
        )
    if path.exists():
        try:
            with path.open("rb") as fh:
                head = fh.read(_HEADER)
        except OSError as exc:
            raise StoreError(
                _("{path} cannot be read: {strerror}. Check its permissions.").format(
                    path=path, strerror=exc.strerror
                )
            ) from exc
        if head and head[:16] != SQLITE_MAGIC:
            raise StoreError(
                _(
                    "{path} is not a Recruiter database (it is some other kind "
                    "of file). Choose another file with --db; this one was not "
                    "touched."
                ).format(path=path)
            )
        return head
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        raise StoreError(
            _("{parent} is a file, not a folder. Choose another location with --db.").format(
                parent=parent
            )
        )
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            _(
                "The folder {parent} cannot be created ({strerror}). Choose "
                "another location with --db."
            ).format(parent=parent, strerror=exc.strerror)
        ) from exc
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StoreError(
            _(
                "You may not write to the folder {parent}, so the database "
                "cannot be created there. Choose another location with --db."
            ).format(parent=parent)
        )
    return b""


def open_database(
    where: str | os.PathLike[str] | None = None, *, user: str | None = None, upgrade: bool = True
) -> Database:
    """Open (creating or migrating as needed) the database at `where`, or raise StoreError."""
    url = location.resolve(where)
    path = location.sqlite_path(url)
    header = _precheck_file(path) if path else b""
    existed = path is None or bool(header)
    # Look at an existing SQLite file read-only first: the pragmas of a normal connection
    # (journal_mode=WAL) would already modify a file we are about to refuse.
    peeked = _peek_sqlite(path, header) if path is not None and header else None
    if path is not None and peeked is not None:
        rev, state = peeked
        if state in ("newer", "foreign"):
            _refuse(str(path), rev, state)
    if path is not None and header and not _can_write(path):
        return _open_read_only(url, path, peeked, user)
    if path is not None and peeked is not None:
        rev, state = peeked
        if state == "behind" and upgrade:
            _check_preconditions(path, header, rev)
    if path is not None and header:
        _owner_only(path)
        backup.remove_stale_parts(path.parent, backup.backup_dir(path))
    db = Database(url, user=user)
    if peeked is not None and peeked[1] == "current":
        return db
    try:
        rev, state = migrate.schema_state(db.engine)
        if state in ("newer", "foreign"):
            _refuse(db.label, rev, state)
        if state in ("empty", "behind") and upgrade:
            if state == "behind" and path is not None and existed:
                backup.automatic_backup(path, f"before-{migrate.HEAD}")
            try:
                migrate.upgrade(db.engine)
            except migrate.UpgradeRefused as exc:
                raise migrate.UpgradeRefused(exc.revision, exc.problems, db.label) from None
            if path is not None:
                _owner_only(path)
        elif state != "current" and not upgrade:
            raise StoreError(
                _(
                    "{label} needs a schema upgrade ({value} -> {HEAD}). Open it "
                    "with Recruiter to upgrade it."
                ).format(label=db.label, value=rev or "empty", HEAD=migrate.HEAD)
            )
    except StoreError:
        db.dispose()
        raise
    except (OperationalError, DatabaseError) as exc:
        db.dispose()
        raise explain(exc, _("The database {label}").format(label=db.label)) from exc
    if path is None:
        access.of(db)  # what the signed-in role may read, asked once (store/access.py)
    return db


def _can_write(path: Path) -> bool:
    """The file and its folder (where SQLite keeps `-wal` and `-shm`) may be written."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def _open_read_only(
    url: str, path: Path, peeked: tuple[str | None, str] | None, user: str | None
) -> Database:
    """A database that can only be read opens read-only (`db.read_only`), when it needs no
    upgrade: it can be looked at and exported, and a save is refused with one message."""
    if peeked is None:
        raise StoreError(
            _("{path} can only be read, and not even that worked. Check its permissions.").format(
                path=path
            )
        )
    rev, state = peeked
    if state != "current":
        raise StoreError(
            _(
                "{path} can only be read (you may not write to the file or "
                "its folder), and it needs a schema upgrade ({value} -> "
                "{HEAD}) before Recruiter can use it. Fix its permissions, "
                "or copy it to a folder you may write to and open the copy; "
                "this file was not touched."
            ).format(path=path, value=rev or "empty", HEAD=migrate.HEAD)
        )
    return Database(url, user=user, read_only=True)


def _refuse(label: str, rev: str | None, state: str) -> None:
    if state == "newer":
        raise StoreError(
            _(
                "{label} was written by a newer version of Recruiter (schema "
                "{rev}). Update Recruiter to open it; the file was not "
                "changed."
            ).format(label=label, rev=rev)
        )
    raise StoreError(
        _(
            "{label} is an SQLite database, but not one of Recruiter's. "
            "Choose another file with --db; this one was not touched."
        ).format(label=label)
    )


def _readonly(path: Path, header: bytes) -> sqlite3.Connection:
    """A connection that writes nothing, not even beside the file. A read-only connection to a
    WAL database creates `-wal` and `-shm` and, unable to checkpoint, leaves them behind; when
    neither exists nobody has the database open and its file holds every committed change, so
    it is read as immutable instead (no locks, no shared memory)."""
    return read_only_connection(path, header)


def _peek_sqlite(path: Path, header: bytes) -> tuple[str | None, str] | None:
    """(revision, state) read without writing anything, or None if it cannot be read so."""
    try:
        conn = _readonly(path, header)
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
            _(
                "{path} is not a Recruiter database or is damaged ({exc}). "
                "Choose another file with --db, or restore a backup."
            ).format(path=path, exc=exc)
        ) from exc
    finally:
        conn.close()
    return rev, migrate.classify(rev, tables)


def _check_preconditions(path: Path, header: bytes, rev: str | None) -> None:
    """Refuse, before the backup and before any write, an upgrade the data would make fail."""
    engine = create_engine("sqlite://", creator=lambda: _readonly(path, header), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            problems = migrate.preconditions(conn, rev)
    except OperationalError as exc:
        raise explain(exc, str(path)) from exc
    finally:
        engine.dispose()
    if problems:
        raise migrate.UpgradeRefused(rev, problems, str(path))


def _owner_only(path: Path) -> None:
    """The database and its WAL files readable by their owner only (POSIX), whoever made them."""
    if os.name != "posix":
        return
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if os.stat(p).st_mode & 0o077:
                os.chmod(p, 0o600)
        except OSError:  # absent, or not ours to change
            continue
