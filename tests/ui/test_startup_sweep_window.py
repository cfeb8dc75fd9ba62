"""Issue 15 item 8: opening a database in the window removes what killed runs left beside it,
in its backups, and in the folder the user last exported to."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from recruiter.exchange import files
from recruiter.store import backup
from recruiter.ui import app as app_module
from recruiter.ui.export_actions import SETTINGS_KEY

pytestmark = pytest.mark.skipif(os.name != "posix", reason="liveness is asked with os.kill")


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _debris(folder: Path, pid: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f".pipeline.xlsx{files.TEMP_MARK}{pid}-q7.part"
    path.write_bytes(b"Wei Zhang")
    return path


def test_opening_sweeps_the_database_folders(qapp, tmp_path: Path) -> None:
    db_path = tmp_path / "data" / "recruiter.db"
    pid = _dead_pid()
    beside = _debris(db_path.parent, pid)
    in_backups = _debris(backup.backup_dir(db_path), pid)
    live = _debris(db_path.parent, os.getpid())
    db = app_module.open_or_explain(db_path)
    assert db is not None
    try:
        assert not beside.exists()
        assert not in_backups.exists()
        assert live.exists()
    finally:
        db.dispose()


def test_the_last_export_folder_is_swept_too(qapp, db, settings, tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    left = _debris(exports, _dead_pid())
    settings.setValue(SETTINGS_KEY, str(exports))
    app_module.sweep_debris(db, settings)
    assert not left.exists()
