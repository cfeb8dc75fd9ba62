"""Every foundation command through main(argv), plus the entry points as subprocesses."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from recruiter.cli import main
from recruiter.store.database import Database


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_fills_and_refuses_non_empty(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    code, out, _err = run(capsys, "--db", str(db_path), "demo", "--size", "40", "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["candidates"] == 40
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM candidate").fetchone()[0] == 40
    names = {r[0] for r in conn.execute("SELECT name_zh FROM institution")}
    assert {"武汉大学", "复旦大学"} <= names
    conn.close()

    code, _out, err = run(capsys, "--db", str(db_path), "demo", "--size", "10")
    assert code == 1
    assert "--force" in err
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM candidate").fetchone()[0] == 40

    code, _out, _err = run(capsys, "--db", str(db_path), "demo", "--size", "10", "--force")
    assert code == 0
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM candidate").fetchone()[0] == 10


def test_demo_is_deterministic(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    dumps = []
    for name in ("a.db", "b.db"):
        path = tmp_path / name
        assert run(capsys, "--db", str(path), "demo", "--size", "60", "--seed", "5")[0] == 0
        conn = sqlite3.connect(path)
        dumps.append(
            conn.execute("SELECT full_name, email, orcid FROM candidate ORDER BY id").fetchall()
            + conn.execute(
                "SELECT candidate_id, target_id, stage, outcome FROM application ORDER BY id"
            ).fetchall()
        )
        conn.close()
    assert dumps[0] == dumps[1]


@pytest.mark.sqlite_only(reason="checks with SQLite's date functions")
def test_demo_covers_every_stage_and_outcome(demo_db: Database) -> None:
    from sqlalchemy import text

    from recruiter.domain.enums import Outcome, Stage

    with demo_db.engine.connect() as conn:
        stages = {r[0] for r in conn.execute(text("SELECT DISTINCT stage FROM application"))}
        outcomes = {r[0] for r in conn.execute(text("SELECT DISTINCT outcome FROM application"))}
        span = conn.execute(
            text("SELECT julianday(max(at)) - julianday(min(at)) FROM stage_event")
        ).scalar_one()
        kinds = {r[0] for r in conn.execute(text("SELECT DISTINCT kind FROM funding_source"))}
        bad_orcids = conn.execute(text("SELECT orcid FROM candidate WHERE orcid IS NOT NULL")).all()
        future = conn.execute(
            text(
                # julianday, not text: '…:34.000000' > '…:34' as strings within one second
                "SELECT (SELECT count(*) FROM application"
                " WHERE julianday(created_at) > julianday('now')"
                " OR julianday(stage_changed_at) > julianday('now'))"
                " + (SELECT count(*) FROM stage_event WHERE julianday(at) > julianday('now'))"
                " + (SELECT count(*) FROM offer WHERE julianday(created_at) > julianday('now'))"
            )
        ).scalar_one()
    assert future == 0
    assert stages == {s.value for s in Stage}
    assert outcomes == {o.value for o in Outcome}
    assert span > 365
    assert {"national", "provincial", "university"} <= kinds
    from recruiter.domain.identity import normalise_orcid

    assert all(normalise_orcid(r[0]) == r[0] for r in bad_orcids)


def test_check_json(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    code, out, _err = run(capsys, "--db", str(db_path), "check", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["ok"] is True
    assert report["schema"]
    assert report["counts"]["candidate"] == 0
    assert report["problems"] == []


def test_check_finds_broken_foreign_key(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    assert run(capsys, "--db", str(db_path), "check")[0] == 0
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO activity (candidate_id, kind, at, summary, done) "
        "VALUES (77, 'call', '2025-01-01', 'x', 0)"
    )
    conn.commit()
    conn.close()
    code, out, _err = run(capsys, "--db", str(db_path), "check", "--json")
    assert code == 1
    assert json.loads(out)["ok"] is False


def test_backup(capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path) -> None:
    run(capsys, "--db", str(db_path), "demo", "--size", "20")
    out_file = tmp_path / "copy.db"
    code, out, _err = run(capsys, "--db", str(db_path), "backup", str(out_file), "--json")
    assert code == 0
    assert json.loads(out)["file"] == str(out_file)
    assert sqlite3.connect(out_file).execute("SELECT count(*) FROM candidate").fetchone()[0] == 20


def test_not_a_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bogus = tmp_path / "cv.db"
    bogus.write_bytes(b"%PDF-1.4 not a database")
    before = hashlib.sha256(bogus.read_bytes()).hexdigest()
    code, _out, err = run(capsys, "--db", str(bogus), "check")
    assert code == 1
    assert "not a Recruiter database" in err
    assert err.count("\n") == 1  # one clear line, no traceback
    assert hashlib.sha256(bogus.read_bytes()).hexdigest() == before


def test_locked_database(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    run(capsys, "--db", str(db_path), "check")
    holder = sqlite3.connect(db_path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, _out, err = run(capsys, "--db", str(db_path), "demo", "--size", "5")
    finally:
        holder.rollback()
        holder.close()
    assert code == 1
    assert "locked" in err
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM candidate").fetchone()[0] == 0


def test_newer_database(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    run(capsys, "--db", str(db_path), "check")
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num='zz_future'")
    conn.commit()
    conn.close()
    code, _out, err = run(capsys, "--db", str(db_path), "demo", "--size", "5")
    assert code == 1
    assert "newer version" in err


def test_env_var_chooses_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "env.db"
    monkeypatch.setenv("RECRUITER_DB", str(target))
    assert run(capsys, "demo", "--size", "3")[0] == 0
    assert sqlite3.connect(target).execute("SELECT count(*) FROM candidate").fetchone()[0] == 3


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--size", "many"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2


def test_python_dash_m_and_console_script(tmp_path: Path) -> None:
    db = tmp_path / "sub.db"
    proc = subprocess.run(
        [sys.executable, "-m", "recruiter", "--db", str(db), "check", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["ok"] is True
    script = Path(sys.executable).with_name("recruiter")
    proc = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert proc.stdout.startswith("recruiter ")
    # The command line never loads Qt.
    code = (
        "import sys; from recruiter.cli import main; main(['--db', sys.argv[1], 'check']); "
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt loaded'"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(db)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr


def test_help_loads_neither_the_database_layer_nor_qt() -> None:
    """`recruiter --help` and usage errors answer at once: the command modules import services,
    SQLAlchemy and Qt only inside the commands that need them."""
    code = (
        "import sys\n"
        "from recruiter.cli import main\n"
        "for argv in (['--help'], ['import', '--help'], ['frobnicate']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = ('sqlalchemy', 'sqlmodel', 'PySide6', 'openpyxl', 'recruiter.services')\n"
        "loaded = sorted({m for m in sys.modules if m.startswith(heavy)})\n"
        "assert not loaded, loaded[:5]\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "usage: recruiter" in proc.stdout and "invalid choice: 'frobnicate'" in proc.stderr


def test_cancelled_demo_writes_nothing(db: Database) -> None:
    from sqlalchemy import text

    from recruiter.services import demo

    calls = []

    def cancel_on_third() -> bool:
        calls.append(1)
        return len(calls) >= 3

    with pytest.raises(demo.DemoCancelled):
        demo.generate(db, size=50, cancelled=cancel_on_third)
    with db.engine.connect() as conn:
        for table in ("candidate", "institution", "application", "audit_entry"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0
    summary = demo.generate(db, size=50)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM candidate")).scalar_one() == 50
        entry = conn.execute(
            text("SELECT action, changes FROM audit_entry WHERE entity = 'database'")
        ).one()
    assert entry[0] == "demo" and json.loads(entry[1])["candidates"] == summary.candidates


def test_backup_without_a_name_goes_to_backups_and_never_overwrites(
    capsys: pytest.CaptureFixture[str],
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from recruiter.store import backup

    run(capsys, "--db", str(db_path), "demo", "--size", "20")
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, _err = run(capsys, "--db", str(db_path), "backup", "--json")
    assert code == 0
    first = Path(json.loads(out)["file"])
    assert first.parent == db_path.parent / "backups"
    assert first.name.startswith("recruiter.") and first.name.endswith(".manual.backup.db")
    assert list(elsewhere.iterdir()) == []  # nothing in the current folder
    code, out, _err = run(capsys, "--db", str(db_path), "backup", "--json")
    second = Path(json.loads(out)["file"])
    assert code == 0 and second != first and first.exists()  # a new name each time
    # Automatic backups (before an upgrade) never prune the user's own.
    for _ in range(backup.KEEP_BACKUPS + 1):
        backup.automatic_backup(db_path, "before-0007")
    assert first.exists() and second.exists()

    named = tmp_path / "copy.db"
    named.write_bytes(b"precious")
    code, _out, err = run(capsys, "--db", str(db_path), "backup", str(named))
    assert code == 1 and "--force" in err and "already exists" in err
    assert named.read_bytes() == b"precious"
    code, _out, _err = run(capsys, "--db", str(db_path), "backup", str(named), "--force")
    assert code == 0
    assert sqlite3.connect(named).execute("SELECT count(*) FROM candidate").fetchone()[0] == 20
