"""The store: migrations, pragmas, permissions, refusing what is not ours, backups, check."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from recruiter.domain.table_names import TABLES
from recruiter.errors import StoreError
from recruiter.store import backup, location, migrate
from recruiter.store.check import run_check
from recruiter.store.database import Database
from recruiter.store.opening import open_database


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fresh_database_is_migrated_to_head(db_path: Path) -> None:
    db = open_database(db_path)
    with db.engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()
        tables = {
            r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))
        }
    db.dispose()
    assert set(TABLES) <= tables


@pytest.mark.sqlite_only(reason="SQLite's pragmas")
def test_pragmas_on_every_connection(db: Database) -> None:
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 200


def test_database_file_is_owner_only(db_path: Path) -> None:
    open_database(db_path).dispose()
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600


def test_default_location_is_in_user_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert location.default_path() == tmp_path / "xdg" / "Recruiter" / "recruiter.db"
    assert location.resolve(None) == f"sqlite:///{tmp_path / 'xdg' / 'Recruiter' / 'recruiter.db'}"


def test_env_var_and_urls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RECRUITER_DB", str(tmp_path / "team.db"))
    assert location.resolve(None).endswith("team.db")
    assert location.resolve("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert location.sqlite_path("postgresql+psycopg://u@h/db") is None
    assert location.sqlite_path("sqlite://") is None


def test_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n")
    before = _digest(bogus)
    with pytest.raises(StoreError, match="not a Recruiter database"):
        open_database(bogus)
    assert _digest(bogus) == before


def test_foreign_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE things (x)")
    conn.commit()
    conn.close()
    before = _digest(other)
    with pytest.raises(StoreError, match="not one of Recruiter's"):
        open_database(other)
    assert _digest(other) == before


def test_newer_schema_is_refused_untouched(db_path: Path) -> None:
    open_database(db_path).dispose()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = _digest(db_path)
    with pytest.raises(StoreError, match="newer version"):
        open_database(db_path)
    assert _digest(db_path) == before


def test_folder_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        open_database(tmp_path)


def test_unwritable_location(tmp_path: Path) -> None:
    # /proc refuses new files even to root, which chmod-based checks cannot show.
    with pytest.raises(StoreError, match=r"cannot be created|may not write|cannot be written"):
        open_database(Path("/proc/recruiter-test/recruiter.db"))


def test_unwritable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # CI runs as root, which ignores permission bits, so the access check is simulated.
    import recruiter.store.opening as opening

    folder = tmp_path / "ro"
    folder.mkdir()
    monkeypatch.setattr(opening.os, "access", lambda _p, _m: False)
    with pytest.raises(StoreError, match="may not write"):
        open_database(folder / "r.db")
    assert list(folder.iterdir()) == []


def test_upgrade_from_older_revision_makes_a_backup(db_path: Path) -> None:
    revisions = sorted(migrate.known_revisions())
    assert len(revisions) >= 2, "needs at least two migrations to test an upgrade"
    cfg = migrate.alembic_config(location.resolve(db_path))
    command.upgrade(cfg, revisions[0])
    db = open_database(db_path)
    with db.engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()
    db.dispose()
    made = backup.backups_of(backup.backup_dir(db_path), "recruiter")
    assert len(made) == 1
    assert made[0].name.endswith(f".before-{migrate.HEAD}.backup.db")
    conn = sqlite3.connect(made[0])
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == revisions[0]
    conn.close()


def test_fresh_database_makes_no_backup(db_path: Path) -> None:
    open_database(db_path).dispose()
    assert not backup.backup_dir(db_path).exists()


def test_backups_are_pruned(tmp_path: Path, db_path: Path) -> None:
    open_database(db_path).dispose()
    for _ in range(backup.KEEP_BACKUPS + 3):
        backup.automatic_backup(db_path, "test")
    assert len(list(backup.backup_dir(db_path).glob("*.db"))) == backup.KEEP_BACKUPS


@pytest.mark.sqlite_only(reason="backs up the SQLite file")
def test_backup_while_open_is_consistent(demo_db: Database, tmp_path: Path) -> None:
    holder = sqlite3.connect(demo_db.path)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO institution (name) VALUES ('Uncommitted University')")
    out = backup.backup_to(demo_db.path, tmp_path / "copy.db")
    holder.rollback()
    holder.close()
    copy = sqlite3.connect(out)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    names = {r[0] for r in copy.execute("SELECT name FROM institution")}
    assert "Uncommitted University" not in names and "Wuhan University" in names
    assert copy.execute("SELECT count(*) FROM candidate").fetchone()[0] == 300
    copy.close()


@pytest.mark.sqlite_only(reason="plants problems with SQLite's PRAGMA foreign_keys")
def test_check_reports_counts_and_problems(demo_db: Database) -> None:
    report = run_check(demo_db)
    assert report.ok and report.problems == []
    assert report.counts["candidate"] == 300
    with demo_db.engine.begin() as conn:
        conn.execute(text("PRAGMA foreign_keys=OFF"))
        conn.execute(
            text(
                "INSERT INTO application (candidate_id, target_id, stage, outcome, "
                "priority, stage_changed_at, created_at) VALUES (999999, 1, 'identified',"
                " 'active', 0, '2025-01-01', '2025-01-01')"
            )
        )
    report = run_check(demo_db)
    assert not report.ok
    assert any("foreign key" in p for p in report.problems)


def test_constraints_hold_in_the_database(db: Database) -> None:
    from sqlalchemy.exc import IntegrityError

    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO institution (name) VALUES ('Wuhan University')"))
    bad = [
        "INSERT INTO target (institution_id, title, headcount, status, created_at) "
        "VALUES (1, 'x', 0, 'open', '2025-01-01')",
        "INSERT INTO funding_source (name, kind, total_minor, currency) "
        "VALUES ('f', 'national', -1, 'CNY')",
        "INSERT INTO candidate (full_name, phd_year, created_at, updated_at) "
        "VALUES ('a', 1800, '2025-01-01', '2025-01-01')",
        "INSERT INTO target (institution_id, title, headcount, status, created_at) "
        "VALUES (1, 'x', 1, 'bogus', '2025-01-01')",
        "INSERT INTO target (institution_id, title, headcount, status, created_at) "
        "VALUES (42, 'x', 1, 'open', '2025-01-01')",
    ]
    for sql in bad:
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(text(sql))
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO candidate (full_name, email, created_at, updated_at) "
                "VALUES ('a', 'Wei@X.edu', '2025-01-01', '2025-01-01')"
            )
        )
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO candidate (full_name, email, created_at, updated_at) "
                "VALUES ('b', 'wei@x.EDU', '2025-01-01', '2025-01-01')"
            )
        )


def test_locked_rollback_journal_database_says_locked(tmp_path: Path) -> None:
    path = tmp_path / "old-style.db"
    open_database(path).dispose()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked") as exc:
            open_database(path)
        assert "damaged" not in str(exc.value)
    finally:
        conn.rollback()
        conn.close()
