"""Issue 15, items 1 and 9: an upgrade is one transaction that checks its data first; files that
are not ours, or too new, are refused without a trace on disk."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command

from recruiter.errors import StoreError
from recruiter.store import backup, location, migrate
from recruiter.store.opening import open_database


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _beside(path: Path) -> list[str]:
    """Files next to the database other than itself (WAL files, journals, backups)."""
    return sorted(p.name for p in path.parent.iterdir() if p != path)


def _revision(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        conn.close()


def _indexes(path: Path) -> set[str]:
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    finally:
        conn.close()


def _database_at(path: Path, revision: str, *, accepted_offers: int = 1) -> None:
    """A WAL database at `revision`, as an older Recruiter left it: one application holding
    `accepted_offers` accepted offers, every change checkpointed into the file."""
    command.upgrade(migrate.alembic_config(location.resolve(path)), revision)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    now = "2025-01-01 00:00:00"
    conn.execute("INSERT INTO institution (id, name) VALUES (1, 'Wuhan University')")
    conn.execute(
        "INSERT INTO target (id, institution_id, title, headcount, status, created_at) "
        "VALUES (1, 1, 'Chair of Optics', 1, 'open', ?)",
        (now,),
    )
    conn.execute(
        "INSERT INTO candidate (id, full_name, created_at, updated_at) "
        "VALUES (1, 'Wei Zhang', ?, ?)",
        (now, now),
    )
    conn.execute(
        "INSERT INTO application (id, candidate_id, target_id, stage, outcome, priority, "
        "stage_changed_at, created_at) VALUES (7, 1, 1, 'offer', 'active', 0, ?, ?)",
        (now, now),
    )
    for n in range(accepted_offers):
        conn.execute(
            "INSERT INTO offer (id, application_id, revision, status, created_at) "
            "VALUES (?, 7, ?, 'accepted', ?)",
            (30 + n, n + 1, now),
        )
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def test_head_constant_matches_the_migration_scripts() -> None:
    assert migrate.script_head() == migrate.HEAD


def test_upgrade_refused_naming_the_offers_to_fix_and_file_untouched(db_path: Path) -> None:
    _database_at(db_path, "0002", accepted_offers=2)
    before = _digest(db_path)
    for _ in range(3):  # each retry is refused the same way, and takes no backup
        with pytest.raises(migrate.UpgradeRefused) as exc:
            open_database(db_path)
        message = str(exc.value)
        assert str(db_path) in message
        assert "application 7 (Wei Zhang) has 2 accepted offers (30, 31)" in message
        assert "The file was not changed" in message
        assert _digest(db_path) == before
        assert _revision(db_path) == "0002"
        assert _beside(db_path) == []  # no backup, no -wal/-shm

    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE offer SET status = 'withdrawn' WHERE id = 31")
    conn.commit()
    conn.close()
    open_database(db_path).dispose()
    assert _revision(db_path) == migrate.HEAD
    assert len(backup.backups_of(backup.backup_dir(db_path), "recruiter")) == 1


def test_cli_names_the_offers_and_exits_1(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from recruiter.cli import main

    _database_at(db_path, "0002", accepted_offers=3)
    assert main(["--db", str(db_path), "check"]) == 1
    err = capsys.readouterr().err
    assert "has 3 accepted offers (30, 31, 32)" in err
    assert err.count("\n") == 1


def test_a_failing_step_rolls_back_every_step(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the precondition check, 0003's unique index fails after its first two indexes
    were made: SQLite's transactional DDL takes them back, so the file stays at 0002."""
    _database_at(db_path, "0002", accepted_offers=2)
    before = _digest(db_path)
    monkeypatch.setattr(migrate, "preconditions", lambda _conn, _rev: [])
    monkeypatch.setattr("recruiter.store.opening._check_preconditions", lambda *_a: None)
    with pytest.raises(StoreError, match="UNIQUE"):
        open_database(db_path)
    assert _revision(db_path) == "0002"
    assert "ix_application_stage_outcome" not in _indexes(db_path)
    assert _digest(db_path) == before
    assert [p for p in _beside(db_path) if p != "backups"] == []


@pytest.mark.parametrize("step", ["0003", "0004"])
def test_upgrade_killed_midway_leaves_the_old_revision(db_path: Path, step: str) -> None:
    _database_at(db_path, "0002")
    before = _digest(db_path)
    code = (
        "import sys; from recruiter.store.opening import open_database; open_database(sys.argv[1])"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(db_path)],
        env={**os.environ, migrate.FAULT_ENV: f"upgrade:after-{step}"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 70, proc.stderr  # ended by the fault hook inside the transaction
    assert _digest(db_path) == before  # WAL: nothing reached the file itself
    conn = sqlite3.connect(db_path)  # recovers from the WAL left by the killed process
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0002"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    conn.close()
    assert "ix_application_stage_outcome" not in names and "uq_offer_accepted" not in names
    db = open_database(db_path)
    db.dispose()
    assert _revision(db_path) == migrate.HEAD
    assert {"uq_offer_accepted", "ix_offer_item_sums"} <= _indexes(db_path)


def test_another_programs_alembic_database_is_not_ours(tmp_path: Path) -> None:
    other = tmp_path / "inventory.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
    conn.execute("INSERT INTO alembic_version VALUES ('3f2a9c1b7d4e')")
    conn.execute("CREATE TABLE widget (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    before = _digest(other)
    with pytest.raises(StoreError) as exc:
        open_database(other)
    assert "not one of Recruiter's" in str(exc.value)
    assert "newer version" not in str(exc.value)
    assert _digest(other) == before


def test_refusing_a_wal_database_leaves_no_wal_files(db_path: Path) -> None:
    open_database(db_path).dispose()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    assert _beside(db_path) == []
    before = _digest(db_path)
    with pytest.raises(StoreError, match="newer version"):
        open_database(db_path)
    assert _beside(db_path) == []
    assert _digest(db_path) == before


def test_opening_a_current_database_does_not_load_alembic(db_path: Path) -> None:
    open_database(db_path).dispose()
    code = (
        "import sys; from recruiter.store.opening import open_database\n"
        "open_database(sys.argv[1]).dispose()\n"
        "assert not [m for m in sys.modules if m.startswith('alembic')], 'alembic loaded'\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(db_path)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr


def test_a_looser_database_file_is_made_private(db_path: Path) -> None:
    if os.name != "posix":
        pytest.skip("file modes are POSIX")
    open_database(db_path).dispose()
    os.chmod(db_path, 0o644)
    open_database(db_path).dispose()
    assert os.stat(db_path).st_mode & 0o777 == 0o600
