"""Issue 15, items 2 and 8: backups are pruned per database and never the newest; a killed backup
leaves only a private partial copy, which the next start removes."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from recruiter.errors import StoreError
from recruiter.store import backup
from recruiter.store.opening import open_database


def _databases(tmp_path: Path) -> tuple[Path, Path]:
    main, wuhan = tmp_path / "recruiter.db", tmp_path / "recruiter-wuhan.db"
    for path in (main, wuhan):
        open_database(path).dispose()
    return main, wuhan


def test_backups_of_one_database_never_prune_anothers(tmp_path: Path) -> None:
    main, wuhan = _databases(tmp_path)
    folder = backup.backup_dir(main)
    assert backup.backup_dir(wuhan) == folder  # the same folder: names must keep them apart

    wuhan_backups = [backup.automatic_backup(wuhan, "before-0004") for _ in range(3)]
    for _ in range(backup.KEEP_BACKUPS + 2):  # upgrading recruiter.db many times
        backup.automatic_backup(main, "before-0004")
    assert all(p.exists() for p in wuhan_backups)
    assert backup.backups_of(folder, "recruiter-wuhan") == wuhan_backups
    assert len(backup.backups_of(folder, "recruiter")) == backup.KEEP_BACKUPS

    main_before = backup.backups_of(folder, "recruiter")
    for _ in range(backup.KEEP_BACKUPS):  # and then recruiter-wuhan.db five times
        backup.automatic_backup(wuhan, "before-0004")
    assert backup.backups_of(folder, "recruiter") == main_before
    assert all(p.exists() for p in main_before)
    assert len(backup.backups_of(folder, "recruiter-wuhan")) == backup.KEEP_BACKUPS


def test_names_of_earlier_versions_still_count_for_their_database(tmp_path: Path) -> None:
    main, _wuhan = _databases(tmp_path)
    folder = backup.backup_dir(main)
    folder.mkdir()
    old_main = [folder / f"recruiter-2024010{i}-120000000000-before-0003.db" for i in range(1, 8)]
    old_wuhan = [folder / f"recruiter-wuhan-2024010{i}-120000000000-before-0003.db" for i in (1, 2)]
    for p in (*old_main, *old_wuhan):
        p.write_bytes(b"")
    assert backup.backups_of(folder, "recruiter") == old_main
    newest = backup.automatic_backup(main, "before-0004")
    kept = backup.backups_of(folder, "recruiter")
    assert kept == [*old_main[-(backup.KEEP_BACKUPS - 1) :], newest]
    assert all(p.exists() for p in old_wuhan)
    assert newest.name.startswith("recruiter.") and newest.name.endswith(".backup.db")


def test_the_backup_just_taken_is_never_pruned(tmp_path: Path) -> None:
    """Even when the clock went back and older backups carry later times."""
    main, _wuhan = _databases(tmp_path)
    folder = backup.backup_dir(main)
    folder.mkdir()
    future = datetime.now() + timedelta(days=365)
    for i in range(backup.KEEP_BACKUPS + 1):
        (folder / backup.backup_name("recruiter", future + timedelta(seconds=i), "x")).write_bytes(
            b""
        )
    newest = backup.automatic_backup(main, "before-0004")
    assert newest.exists()
    assert len(backup.backups_of(folder, "recruiter")) == backup.KEEP_BACKUPS + 1
    assert len(backup.prune(folder, "recruiter", keep=0, newest=newest)) == backup.KEEP_BACKUPS - 1
    assert newest.exists()
    backup.prune(folder, "recruiter", keep=0)
    assert len(backup.backups_of(folder, "recruiter")) == 1  # keep=0 still keeps one


def test_backup_copy_is_private_and_refuses_the_database_itself(tmp_path: Path) -> None:
    main, _wuhan = _databases(tmp_path)
    out = backup.backup_to(main, tmp_path / "copy.db")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    copy = sqlite3.connect(out)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()
    before = main.read_bytes()
    with pytest.raises(StoreError, match="the database itself"):
        backup.backup_to(main, main)
    assert main.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "copy.db",
        "recruiter-wuhan.db",
        "recruiter.db",
    ]


def test_killed_backup_leaves_a_private_part_that_the_next_start_removes(tmp_path: Path) -> None:
    main, _wuhan = _databases(tmp_path)
    out = tmp_path / "backups" / "manual.db"
    out.parent.mkdir()
    # The copy is complete and still under its temporary name when the process dies.
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from recruiter.store import backup\n"
        "backup._fsync = lambda _p: os._exit(9)\n"
        "backup.backup_to(Path(sys.argv[1]), Path(sys.argv[2]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(main), str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 9, proc.stderr
    parts = list(out.parent.glob("*.part"))
    assert len(parts) == 1 and not out.exists()
    assert re.fullmatch(r"manual\.db\.\d+\.backup\.part", parts[0].name)
    if os.name == "posix":
        assert stat.S_IMODE(os.stat(parts[0]).st_mode) == 0o600
    open_database(main).dispose()
    assert list(out.parent.glob("*.part")) == []


def test_a_part_file_of_a_running_backup_is_left_alone(tmp_path: Path) -> None:
    running = tmp_path / f"x.db.{os.getppid()}.backup.part"
    mine = tmp_path / f"y.db.{os.getpid()}.backup.part"
    running.write_bytes(b"")
    mine.write_bytes(b"")
    assert backup.remove_stale_parts(tmp_path) == []
    assert running.exists() and mine.exists()
