"""Consistent copies through SQLite's online backup API, safe while the app is open."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from recruiter.errors import StoreError

KEEP_BACKUPS = 5


def backup_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def backup_to(db_path: Path, out: Path) -> Path:
    """Copy `db_path` to `out` page by page; the copy is a valid database even mid-write."""
    out = out.expanduser()
    if out.is_dir():
        out = out / f"{db_path.stem}-{datetime.now():%Y%m%d-%H%M%S}.db"
    tmp = out.with_name(out.name + ".part")
    try:
        src = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        os.chmod(tmp, 0o600)
        os.replace(tmp, out)
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"The backup to {out} failed: {exc}. Nothing was changed.") from exc
    return out


def automatic_backup(db_path: Path, tag: str) -> Path:
    """A backup before a migration, keeping only the newest few."""
    folder = backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    out = backup_to(db_path, folder / f"{db_path.stem}-{datetime.now():%Y%m%d-%H%M%S%f}-{tag}.db")
    prune(folder, db_path.stem)
    return out


def prune(folder: Path, stem: str, keep: int = KEEP_BACKUPS) -> None:
    backups = sorted(folder.glob(f"{stem}-*.db"))
    for old in backups[:-keep]:
        old.unlink(missing_ok=True)
