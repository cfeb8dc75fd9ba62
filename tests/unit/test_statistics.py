"""Planner statistics after bulk writes (store/statistics.py): on PostgreSQL a copy, demo data
and a large import ANALYZE what they filled, in their own transaction; small imports leave it to
autovacuum; SQLite is left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from recruiter.services import demo, importing
from recruiter.store import copying, statistics
from recruiter.store.database import Database
from recruiter.store.opening import open_database
from tests.sheets import write_xlsx


def _analyses(db: Database, table: str) -> int:
    """How often `table` was analysed by hand (autovacuum counts apart); SQLite: whether
    ANALYZE ever wrote its statistics table."""
    with db.engine.connect() as conn:
        if db.is_sqlite:
            return int(
                conn.exec_driver_sql(
                    "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
                ).scalar_one()
            )
        return int(
            conn.exec_driver_sql(
                "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = %s", (table,)
            ).scalar_one()
        )


def _rows(n: int, start: int = 0) -> list[list[object]]:
    return [["Name", "Email"]] + [
        [f"Scholar {i}", f"scholar{i}@example.org"] for i in range(start, start + n)
    ]


def test_a_copy_analyses_every_table_it_filled(db: Database, tmp_path: Path) -> None:
    source = open_database(tmp_path / "office.db", user="tester")
    try:
        demo.generate(source, size=20, seed=3)
        before = _analyses(db, "application")
        copying.copy(source, db)
    finally:
        source.dispose()
    assert _analyses(db, "application") == before + (0 if db.is_sqlite else 1)


def test_demo_data_is_analysed(db: Database) -> None:
    before = _analyses(db, "candidate")
    demo.generate(db, size=20, seed=4)
    assert _analyses(db, "candidate") == before + (0 if db.is_sqlite else 1)


def test_only_a_large_import_is_analysed(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _analyses(db, "candidate")
    importing.run_import(db, write_xlsx(tmp_path / "few.xlsx", _rows(10)))
    assert _analyses(db, "candidate") == before
    n = statistics.BULK_ROWS
    importing.run_import(db, write_xlsx(tmp_path / "many.xlsx", _rows(n, start=10)))
    analysed = before + (0 if db.is_sqlite else 1)
    assert _analyses(db, "candidate") == analysed
    # Enough rows, but under a tenth of the analysed table: left to autovacuum.
    monkeypatch.setattr(statistics, "BULK_ROWS", 5)
    importing.run_import(db, write_xlsx(tmp_path / "some.xlsx", _rows(50, start=n + 10)))
    assert _analyses(db, "candidate") == analysed
    importing.run_import(db, write_xlsx(tmp_path / "more.xlsx", _rows(200, start=n + 60)))
    assert _analyses(db, "candidate") == analysed + (0 if db.is_sqlite else 1)


def test_a_rolled_back_load_keeps_the_old_statistics(db: Database) -> None:
    with db.engine.connect() as conn:
        conn.exec_driver_sql("INSERT INTO institution (name) VALUES ('Fudan University')")
        statistics.refresh(conn, ["institution"])
        conn.rollback()
    with db.engine.connect() as conn:
        stats = (
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
            if db.is_sqlite
            else "SELECT count(*) FROM pg_stats WHERE tablename = 'institution'"
        )
        assert conn.exec_driver_sql(stats).scalar_one() == 0


def test_an_officer_s_import_is_analysed_as_the_owner(db: Database, tmp_path: Path) -> None:
    """Only a table's owner may ANALYZE it; officers sign in as their own roles, so their bulk
    writes go through the owner's `recruiter_analyze` that `team init` lets them call."""
    from recruiter.store import roles
    from tests.team_roles import signed_in

    if db.is_sqlite:
        pytest.skip("PostgreSQL roles; run with --db-url")
    with signed_in(db, roles.OFFICER) as officer:
        before = _analyses(db, "candidate")
        xlsx = write_xlsx(tmp_path / "many.xlsx", _rows(statistics.BULK_ROWS))
        assert importing.run_import(officer, xlsx).created == statistics.BULK_ROWS
        assert _analyses(db, "candidate") == before + 1
        with officer.engine.connect() as conn:  # the function analyses the schema's tables only
            conn.exec_driver_sql("SELECT recruiter_analyze(ARRAY['pg_class', 'nothing'])")


def test_check_names_and_repairs_a_missing_statistics_function(db: Database) -> None:
    from recruiter.store import check

    if db.is_sqlite:
        pytest.skip("a PostgreSQL function; run with --db-url")
    with db.engine.begin() as conn:
        statistics.drop_function(conn)
    assert "the statistics function recruiter_analyze is missing" in check.run_check(db).problems
    check.repair(db)
    assert check.run_check(db).ok
    with db.engine.begin() as conn:
        statistics.refresh(conn, ["candidate"])
    assert _analyses(db, "candidate") >= 1
