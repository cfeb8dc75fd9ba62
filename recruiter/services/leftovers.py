"""Start-up housekeeping: the temporary files killed runs left where Recruiter writes.

Saves sweep their own folder before writing (`exchange.files.atomic_save`), but debris in a folder
nothing is saved to again would stay, full of names. The CLI and the window call `sweep` once a
database is open: its folder and `backups/`, plus the last export folder when the caller knows it
(the window keeps it in its settings; the command line does not, so there it waits for the next
export into that folder).
"""

from __future__ import annotations

from pathlib import Path

from recruiter.exchange import spool
from recruiter.store import backup
from recruiter.store.database import Database


def sweep(db: Database, *also: Path | None) -> list[Path]:
    """Remove dead runs' temporary files beside `db`, in its backups and in `also`."""
    folders: list[Path | None] = []
    if db.path is not None:
        folders += [db.path.parent, backup.backup_dir(db.path)]
    return spool.sweep_on_start(*folders, *also)
