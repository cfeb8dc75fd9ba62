"""Issue 15 item 8: temporary files a killed run left are removed when the next run starts, not
only when something is next saved into the same folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from recruiter import cli
from recruiter.exchange import files, spool
from recruiter.store import backup


@pytest.fixture(scope="module")
def dead_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _debris(folder: Path, pid: int, name: str = "pipeline.xlsx", suffix: str = ".part") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f".{name}{files.TEMP_MARK}{pid}-k3x9{suffix}"
    path.write_bytes(b"Wei Zhang, Ann Lee")
    return path


def _bystanders(folder: Path) -> list[Path]:
    """Files the sweep must leave alone: a live writer's, and ones that only look similar."""
    folder.mkdir(parents=True, exist_ok=True)
    kept = [
        _debris(folder, os.getpid()),  # this process is alive: a save in progress
        folder / ".pipeline.xlsx",
        folder / "notes.recruiter-tmp-1-x.txt",  # no leading dot: not our pattern
        folder / "recruiter.xlsx",
    ]
    for p in kept[1:]:
        p.write_bytes(b"x")
    return kept


@pytest.mark.skipif(os.name != "posix", reason="liveness is asked with os.kill on POSIX")
def test_sweep_on_start_removes_dead_runs_debris_in_every_folder(
    tmp_path: Path, dead_pid: int
) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    dead = [_debris(a, dead_pid), _debris(b, dead_pid, "copy.xlsx", ".xml")]
    kept = _bystanders(a)
    removed = spool.sweep_on_start(a, None, tmp_path / "missing", b, a)
    assert sorted(removed) == sorted(dead)
    assert not any(p.exists() for p in dead)
    assert all(p.exists() for p in kept)


@pytest.mark.skipif(os.name != "posix", reason="liveness is asked with os.kill on POSIX")
def test_cli_start_sweeps_the_database_folder_and_its_backups(
    tmp_path: Path, dead_pid: int, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "data" / "recruiter.db"
    assert cli.main(["--db", str(db), "check"]) == 0
    beside = _debris(db.parent, dead_pid, "recruiter.db")
    in_backups = _debris(backup.backup_dir(db), dead_pid, "recruiter.backup.db")
    kept = _bystanders(db.parent)
    assert cli.main(["--db", str(db), "check"]) == 0
    assert not beside.exists()
    assert not in_backups.exists()
    assert all(p.exists() for p in kept)
    capsys.readouterr()


@pytest.mark.skipif(os.name != "posix", reason="liveness is asked with os.kill on POSIX")
def test_cli_start_leaves_debris_elsewhere_to_the_next_save_there(
    tmp_path: Path, dead_pid: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command line does not know the last export folder: a folder of the user's own is
    swept by the next save into it."""
    db = tmp_path / "data" / "recruiter.db"
    elsewhere = _debris(tmp_path / "exports", dead_pid)
    assert cli.main(["--db", str(db), "check"]) == 0
    assert elsewhere.exists()
    files.atomic_save(tmp_path / "exports" / "pipeline.xlsx", lambda p: p.write_bytes(b"new"))
    assert not elsewhere.exists()
    capsys.readouterr()
