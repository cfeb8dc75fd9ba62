"""Issue 15 item 4: a demo or bulk load that fails, is cancelled or is killed never leaves the
search index without its triggers (they are dropped inside the load's transaction)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from recruiter.services import candidates, demo
from recruiter.store import search
from recruiter.store.check import run_check

pytestmark = pytest.mark.sqlite_only(reason="SQLite's FTS5 triggers")


def _triggers(db) -> set[str]:
    with db.engine.connect() as conn:
        return {
            r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='trigger'"))
        }


def _searchable_afterwards(db) -> None:
    assert set(search.TRIGGERS) <= _triggers(db)
    report = run_check(db)
    assert report.ok, report.problems
    ident = candidates.create(db, full_name="Xiaoming Quellington")
    assert candidates.query_ids(db, candidates.CandidateQuery(text="quellington")) == [ident]


def test_cancelled_demo_keeps_the_search_triggers(db) -> None:
    calls = [0]

    def cancelled() -> bool:
        calls[0] += 1
        return calls[0] > 3  # midway: after some rows were written

    with pytest.raises(demo.DemoCancelled):
        demo.generate(db, size=200, seed=3, cancelled=cancelled)
    assert calls[0] > 3
    assert demo.is_empty(db)
    _searchable_afterwards(db)


def test_failing_demo_over_existing_data_keeps_triggers_and_data(demo_db) -> None:
    before = demo_db.engine.connect().execute(text("SELECT count(*) FROM candidate")).scalar()

    def boom(done: int, total: int) -> None:
        if done > total // 3:
            raise RuntimeError("disk went away")

    with pytest.raises(RuntimeError):
        demo.generate(demo_db, size=150, seed=2, force=True, progress=boom)
    with demo_db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM candidate")).scalar() == before
    _searchable_afterwards(demo_db)


def test_bulk_load_failing_midway_rolls_the_drop_back(db) -> None:
    with pytest.raises(RuntimeError), db.transaction() as conn, search.bulk_load(conn):
        assert not set(search.TRIGGERS) & _names(conn)
        conn.execute(
            text(
                "INSERT INTO candidate (full_name, created_at, updated_at) "
                "VALUES ('Half Loaded', '2025-01-01', '2025-01-01')"
            )
        )
        raise RuntimeError("failed midway")
    assert candidates.query_ids(db, candidates.CandidateQuery(text="half loaded")) == []
    _searchable_afterwards(db)


def test_bulk_load_drop_is_not_committed_on_its_own(db) -> None:
    """While a load runs, another connection still sees the triggers: the drop is part of the
    load's transaction, so a kill -9 at that moment loses nothing."""
    with db.transaction() as conn, search.bulk_load(conn):
        assert not set(search.TRIGGERS) & _names(conn)
        assert set(search.TRIGGERS) <= _triggers(db)
    assert set(search.TRIGGERS) <= _triggers(db)


def _names(conn) -> set[str]:
    return {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='trigger'"))}


def test_full_disk_message_reads_as_one_sentence() -> None:
    import sqlite3

    from recruiter.store.database import explain

    message = str(explain(sqlite3.OperationalError("database or disk is full"), "The database x"))
    assert message.startswith("The disk holding the database x is full.")


def _indexes(db) -> list[tuple[str, str]]:
    with db.engine.connect() as conn:
        return conn.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
        ).all()


def test_demo_builds_its_tables_indexes_once_and_keeps_them_all(db) -> None:
    """The demo drops the big tables' indexes for its load and creates each again from its own
    SQL: afterwards the schema's indexes are exactly the ones it started with, and they work."""
    before = _indexes(db)
    assert any(name.startswith("ix_candidate") for name, _sql in before)
    demo.generate(db, size=300, seed=5)
    assert _indexes(db) == before
    assert run_check(db).ok


def test_a_load_failing_without_its_indexes_rolls_their_drop_back(db) -> None:
    before = _indexes(db)
    with (
        pytest.raises(RuntimeError),
        db.transaction() as conn,
        search.without_indexes(conn, demo.BULK_TABLES),
    ):
        inside = conn.execute(text("SELECT count(*) FROM sqlite_master WHERE type='index'"))
        assert inside.scalar() < len(before)  # dropped for the load
        raise RuntimeError("disk went away")
    assert _indexes(db) == before


def test_a_unique_index_the_loaded_rows_break_fails_the_load(db) -> None:
    """A duplicate e-mail written while the unique index is away cannot be committed."""
    with (
        pytest.raises(Exception, match="UNIQUE"),
        db.transaction() as conn,
        search.without_indexes(conn, ("candidate",)),
    ):
        for n in (1, 2):
            conn.execute(
                text(
                    "INSERT INTO candidate (id, full_name, email, created_at, updated_at)"
                    " VALUES (:n, 'A B', 'same@example.edu', '2026-01-01', '2026-01-01')"
                ),
                {"n": n},
            )
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM candidate")).scalar() == 0
