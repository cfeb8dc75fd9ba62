"""`search.bulk_insert`: new candidates indexed set-based at the end, the triggers back after."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from recruiter.services import candidates
from recruiter.store import search
from recruiter.store.database import Database

pytestmark = pytest.mark.sqlite_only(reason="SQLite's FTS5 triggers and page cache")

INSERT = text(
    "INSERT INTO candidate (full_name, email, created_at, updated_at) "
    "VALUES (:n, :e, '2024-01-01', '2024-01-01')"
)


def _found(db: Database, words: str) -> int:
    return len(candidates.query_ids(db, candidates.CandidateQuery(text=words)))


def test_rows_inserted_in_the_block_are_found_and_the_index_is_whole(db: Database) -> None:
    candidates.create(db, full_name="Already Herbert")
    with db.engine.begin() as conn:
        with search.bulk_insert(conn):
            assert search.trigger_problems(conn)  # dropped for the block
            conn.execute(INSERT, [{"n": f"Bulkname {i}", "e": f"b{i}@x.org"} for i in range(50)])
        assert search.trigger_problems(conn) == []
        assert search.index_problems(conn) == []
    assert _found(db, "Bulkname") == 50
    assert _found(db, "Herbert") == 1
    candidates.create(db, full_name="Later Quentin")  # the triggers work again
    assert _found(db, "Quentin") == 1


def test_a_failed_block_leaves_index_and_triggers_as_they_were(db: Database) -> None:
    candidates.create(db, full_name="Already Herbert")
    with pytest.raises(RuntimeError), db.engine.begin() as conn, search.bulk_insert(conn):
        conn.execute(INSERT, {"n": "Vanished Person", "e": "v@x.org"})
        raise RuntimeError("cancelled")
    with db.engine.connect() as conn:
        assert search.trigger_problems(conn) == []
        assert search.index_problems(conn) == []
    assert _found(db, "Vanished") == 0


def test_large_cache_gives_the_connection_its_size_back(db: Database) -> None:
    with db.engine.connect() as conn:
        before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        with search.large_cache(conn, 65536):
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -65536
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == before
