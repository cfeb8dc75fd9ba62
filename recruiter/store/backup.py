"""Consistent copies through SQLite's online backup API, safe while the app is open.

Automatic backups (before a schema upgrade), and `recruiter backup` without a file name, go to
`backups/` beside the database, named ``<stem>.<YYYYmmdd-HHMMSSffffff>.<tag>.backup.db`` (tag
``manual`` for the user's own, which are never pruned): the dot after the stem keeps the backups of
``recruiter.db`` and ``recruiter-wuhan.db`` apart, so pruning one database's never touches the
other's. Names of earlier versions (``<stem>-<timestamp>-<tag>.db``) are still recognised.

A copy is written to ``<target>.<pid>.backup.part`` (created 0600, next to the target, renamed into
place when complete), so a killed backup leaves only a private partial file, which the next start
removes (beside the database and in `backups/`), or the next backup into the same folder.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
from datetime import datetime
from pathlib import Path

from recruiter.errors import StoreError
from recruiter.i18n import _

KEEP_BACKUPS = 5
BACKUP_SUFFIX = ".backup.db"
MANUAL_TAG = "manual"  # backups the user asked for: never pruned
PART_SUFFIX = ".backup.part"
_STAMP = r"\d{8}-\d{12}"
_PART = re.compile(r"\.(\d+)" + re.escape(PART_SUFFIX) + r"(?:-journal)?$")


def backup_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def backup_name(stem: str, when: datetime, tag: str | None = None) -> str:
    return f"{stem}.{when:%Y%m%d-%H%M%S%f}{f'.{tag}' if tag else ''}{BACKUP_SUFFIX}"


def _patterns(stem: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    s = re.escape(stem)
    return (
        re.compile(rf"^{s}\.({_STAMP})(?:\.[A-Za-z0-9_-]+)?{re.escape(BACKUP_SUFFIX)}$"),
        re.compile(rf"^{s}-({_STAMP})(?:-[A-Za-z0-9_-]+)?\.db$"),  # names before issue 15
    )


def backups_of(folder: Path, stem: str) -> list[Path]:
    """The backups of the database named `stem` in `folder`, oldest first."""
    if not folder.is_dir():
        return []
    patterns = _patterns(stem)
    found: list[tuple[str, str, Path]] = []
    for entry in os.scandir(folder):
        for pattern in patterns:
            m = pattern.match(entry.name)
            if m:
                found.append((m.group(1), entry.name, Path(entry.path)))
                break
    return [p for _stamp, _name, p in sorted(found)]


def restore_hint(db_path: Path | None) -> str:
    """How to restore, for messages: "restore a backup (...)"."""
    if db_path is None:
        return _("restore a backup")
    found = backups_of(backup_dir(db_path), db_path.stem)
    newest = _("the newest automatic one is {value}; ").format(value=found[-1]) if found else ""
    return _(
        "restore a backup ({newest}close Recruiter, delete "
        "{name}-wal and {name}-shm if they are there, and copy the "
        "backup over {db_path})"
    ).format(newest=newest, name=db_path.name, db_path=db_path)


def backup_to(db_path: Path, out: Path) -> Path:
    """Copy `db_path` to `out` page by page; the copy is a valid database even mid-write."""
    out = out.expanduser()
    if out.is_dir():
        out = out / backup_name(db_path.stem, datetime.now())
    if _same_file(out, db_path):
        raise StoreError(
            _(
                "{out} is the database itself; a backup must go to another "
                "file. Nothing was changed."
            ).format(out=out)
        )
    tmp = out.with_name(f"{out.name}.{os.getpid()}{PART_SUFFIX}")
    remove_stale_parts(out.parent)  # a killed backup to a folder the next start does not sweep
    try:
        _create_private(tmp)
        src = _connect_source(db_path)
        try:
            dst = sqlite3.connect(tmp, isolation_level=None)
            try:
                # The copy is thrown away if anything fails, so it needs no journal of its own
                # (and leaves no -journal file behind when killed).
                dst.execute("PRAGMA journal_mode=OFF")
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        _fsync(tmp)
        os.replace(tmp, out)
    except (sqlite3.Error, OSError) as exc:
        _unlink_part(tmp)
        raise StoreError(
            _("The backup to {out} failed: {exc}. Nothing was changed.").format(out=out, exc=exc)
        ) from exc
    return out


def _private_backup_dir(db_path: Path) -> Path:
    folder = backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(folder, 0o700)
    return folder


def manual_backup(db_path: Path, out: Path | None = None, *, force: bool = False) -> Path:
    """A backup the user asked for (`recruiter backup [OUT] [--force]`): without `out`, a
    time-stamped file in `backups/` beside the database; a folder gets a time-stamped file too.
    An existing file is replaced only with `force`."""
    if out is None:
        out = _private_backup_dir(db_path) / backup_name(db_path.stem, datetime.now(), MANUAL_TAG)
    else:
        out = out.expanduser()
        if out.is_dir():
            out = out / backup_name(db_path.stem, datetime.now(), MANUAL_TAG)
    if out.exists() and not force and not _same_file(out, db_path):
        raise StoreError(
            _(
                "{out} already exists. Choose another name, or add --force "
                "to replace it. Nothing was written."
            ).format(out=out)
        )
    return backup_to(db_path, out)


def automatic_backup(db_path: Path, tag: str) -> Path:
    """A backup before a migration, keeping only the newest few of this database."""
    folder = _private_backup_dir(db_path)
    out = backup_to(db_path, folder / backup_name(db_path.stem, datetime.now(), tag))
    prune(folder, db_path.stem, newest=out)
    return out


def prune(
    folder: Path, stem: str, keep: int = KEEP_BACKUPS, *, newest: Path | None = None
) -> list[Path]:
    """Delete all but the `keep` newest backups of the database named `stem`; never `newest`
    (the one just taken), never one the user made (`MANUAL_TAG`) and never another database's.
    Returns what was deleted."""
    manual = f".{MANUAL_TAG}{BACKUP_SUFFIX}"
    automatic = [p for p in backups_of(folder, stem) if not p.name.endswith(manual)]
    old = [p for p in automatic[: -max(keep, 1)] if p != newest]
    for path in old:
        path.unlink(missing_ok=True)
    return old


def remove_stale_parts(*folders: Path) -> list[Path]:
    """Remove partial copies left in `folders` by a backup that was killed. A part file whose
    process still runs is another backup in progress and stays."""
    removed: list[Path] = []
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            m = _PART.search(entry.name)
            if m is None or _running(int(m.group(1))):
                continue
            try:
                os.unlink(entry.path)
            except OSError:  # in use (Windows) or not ours to remove: leave it
                continue
            removed.append(Path(entry.path))
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        return False  # a file still open there cannot be deleted, which is the test we need
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but belongs to someone else
        return True
    return True


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _create_private(path: Path) -> None:
    """Create `path` empty and readable by its owner only, before any data goes into it."""
    _unlink_part(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def _connect_source(db_path: Path) -> sqlite3.Connection:
    """Read-write (SQLite falls back to read-only for a write-protected file; `rw` never creates
    one), so that as the last connection to close it tidies the WAL files away as any writer
    would. A read-only connection would leave `-wal` and `-shm` beside the database."""
    return sqlite3.connect(db_path.absolute().as_uri() + "?mode=rw", uri=True, timeout=10)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink_part(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.with_name(path.name + "-journal").unlink(missing_ok=True)
