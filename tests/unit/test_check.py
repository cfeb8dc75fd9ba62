"""Issue 15, items 4 and 9: `recruiter check` sees missing search triggers, a stale search index,
missing indexes and damaged pages; `check --repair` rebuilds what can be rebuilt; export and
backup refuse a damaged database."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from recruiter.cli import main
from recruiter.services import candidates
from recruiter.store import check
from recruiter.store.database import Database


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


def _add_candidate(path: Path, name: str) -> None:
    _sql(
        path,
        "INSERT INTO candidate (full_name, created_at, updated_at) "
        f"VALUES ('{name}', '2025-01-01', '2025-01-01')",
    )


def _found(db: Database, text: str) -> int:
    return len(candidates.query_ids(db, candidates.CandidateQuery(text=text)))


@pytest.mark.sqlite_only(reason="SQLite's FTS5 triggers")
def test_dropped_search_triggers_are_named_and_repaired(
    capsys: pytest.CaptureFixture[str], demo_db: Database
) -> None:
    path = demo_db.path
    assert path is not None
    demo_db.dispose()
    assert run(capsys, "--db", str(path), "check")[0] == 0
    _sql(path, *(f"DROP TRIGGER {name}" for name in ("candidate_fts_ai", "candidate_fts_au")))
    _add_candidate(path, "Zebulon Quaxley")  # not indexed: the trigger is gone

    code, _out, err = run(capsys, "--db", str(path), "check")
    assert code == 1
    assert "search trigger candidate_fts_ai is missing" in err
    assert "search trigger candidate_fts_au is missing" in err
    assert "candidate_fts_ad" not in err
    assert "does not match the candidates" in err
    assert "check --repair" in err

    code, out, _err = run(capsys, "--db", str(path), "check", "--repair", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["ok"] is True and report["problems"] == []
    assert "search trigger candidate_fts_ai is missing" in report["repaired"]
    assert report["not_repaired"] == []

    assert run(capsys, "--db", str(path), "check")[2].endswith("OK\n")
    db = Database(f"sqlite:///{path}")
    try:
        assert _found(db, "Quaxley") == 1  # indexed by the rebuild
        _add_candidate(path, "Ottoline Brackenbury")  # and by the triggers from now on
        assert _found(db, "Brackenbury") == 1
    finally:
        db.dispose()


@pytest.mark.sqlite_only(reason="SQLite's FTS5 index")
def test_missing_index_is_named_and_rebuilt(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_candidate_sort_full_name")
        conn.exec_driver_sql("DROP INDEX uq_offer_accepted")
    report = check.run_check(db)
    assert not report.ok
    assert "index ix_candidate_sort_full_name on candidate is missing" in report.problems
    assert "index uq_offer_accepted on offer is missing" in report.problems
    assert report.repairable == report.problems
    repaired, failed = check.repair(db)
    assert failed == [] and len(repaired) == 2
    assert check.run_check(db).ok
    with db.engine.connect() as conn:
        sql = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE name = 'uq_offer_accepted'"
        ).scalar_one()
    assert "UNIQUE" in sql and "accepted" in sql  # the partial unique index, as 0003 makes it


@pytest.mark.sqlite_only(reason="damages SQLite's file")
def test_an_index_out_of_step_with_its_table_is_reindexed(demo_db: Database) -> None:
    path = demo_db.path
    assert path is not None
    demo_db.dispose()
    # Make the stored entries of one index disagree with its definition, as a damaged or
    # hand-edited file would.
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute(
        "UPDATE sqlite_master SET sql = replace(sql, 'lower(country)', 'lower(field)') "
        "WHERE name = 'ix_candidate_sort_country'"
    )
    conn.commit()
    conn.close()
    db = Database(f"sqlite:///{path}")
    try:
        report = check.run_check(db)
        bad = [p for p in report.problems if "ix_candidate_sort_country" in p]
        assert bad and set(bad) <= set(report.repairable)
        repaired, failed = check.repair(db)
        assert failed == [] and repaired
        assert check.run_check(db).ok
    finally:
        db.dispose()


def _damage(path: Path, table: str) -> None:
    """Zero the root page of `table`, as a failing disk would."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    conn.close()
    with path.open("r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\0" * page_size)


@pytest.mark.sqlite_only(reason="damages SQLite's file")
def test_export_and_backup_refuse_a_damaged_database(
    capsys: pytest.CaptureFixture[str], demo_db: Database, tmp_path: Path
) -> None:
    path = demo_db.path
    assert path is not None
    demo_db.dispose()
    _damage(path, "stage_event")

    out = tmp_path / "pipeline.xlsx"
    code, _out, err = run(capsys, "--db", str(path), "export", str(out))
    assert code == 1 and not out.exists()
    assert "is damaged" in err and "check --repair" in err and "restore a backup" in err
    assert err.count("\n") == 1

    copy = tmp_path / "copy.db"
    code, _out, err = run(capsys, "--db", str(path), "backup", str(copy))
    assert code == 1 and not copy.exists()
    assert "is damaged" in err and "check --repair" in err

    code, out_json, err = run(capsys, "--db", str(path), "check", "--json")
    assert code == 1
    report = json.loads(out_json)
    assert any(p.startswith("integrity:") for p in report["problems"])
    code, _out, err = run(capsys, "--db", str(path), "check")
    assert code == 1 and "restore a backup" in err


def test_undo_import_of_an_impossible_batch_id_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    for bad in ("99999999999999999999999", "0", "-3", "seven"):
        with pytest.raises(SystemExit) as exc:
            main(["--db", str(db_path), "undo-import", bad])
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert "BATCH_ID" in err and "Traceback" not in err and "OverflowError" not in err
    assert not db_path.exists()  # a usage error opens nothing
    code, _out, err = run(capsys, "--db", str(db_path), "undo-import", str(2**63 - 1))
    assert code == 1 and "Traceback" not in err


def test_check_counts_every_table_of_the_models() -> None:
    from sqlmodel import SQLModel

    from recruiter.domain import models

    assert check.TABLES is models.TABLES
    declared = set(SQLModel.metadata.tables) - {"setting", "exchange_rate"}  # configuration
    assert set(check.TABLES) == declared, "add the new table to domain/table_names.py"
    assert len(check.TABLES) == len(declared)


def test_check_loads_neither_the_models_nor_the_orm(tmp_path: Path) -> None:
    """`recruiter check` starts in under half a second (issue 16): it builds no model."""
    import subprocess
    import sys

    probe = (
        "import sys; from recruiter.cli import main; main(['--db', sys.argv[1], 'check']); "
        "print(sorted(m for m in ('sqlmodel', 'recruiter.domain.models', 'sqlalchemy.orm') "
        "if m in sys.modules))"
    )
    import os

    db = tmp_path / "empty.db"
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    # The first run creates the database (migrations build the models) and caches the schema
    # `check` compares with, as an installation's first start does.
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", probe, str(db)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
    assert done.stdout.strip().splitlines()[-1] == "[]"
