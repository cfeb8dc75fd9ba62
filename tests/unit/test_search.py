"""Search: FTS5 trigram for 3+ characters, LIKE for 1-2 character (Chinese) words, kept current by
triggers, and a LIKE-only form for other databases."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from recruiter.services import candidates
from recruiter.store import search


def _ids(db, q: str) -> set[int]:
    return set(candidates.query_ids(db, candidates.CandidateQuery(text=q)))


def _people(db) -> dict[str, int]:
    return {
        "zhang": candidates.create(
            db,
            full_name="Wei Zhang",
            name_zh="张伟",
            email="wei.zhang@kyoto-u.ac.jp",
            current_institution="Kyoto University",
            field="Chemistry",
        ),
        "li": candidates.create(
            db,
            full_name="Na Li",
            name_zh="李娜",
            email="li.na@mit.edu",
            current_institution="MIT",
            notes="Met at the MRS Fall Meeting",
        ),
        "smith": candidates.create(
            db,
            full_name="Anna Smith",
            email="anna@ox.ac.uk",
            orcid="0000-0002-1825-0097",
            field="Quantum information",
        ),
    }


@pytest.mark.sqlite_only(reason="SQLite's FTS5 table")
def test_migration_creates_fts_and_triggers(db) -> None:
    with db.engine.connect() as conn:
        assert search.has_index(conn)
        names = {
            r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='trigger'"))
        }
    assert {"candidate_fts_ai", "candidate_fts_ad", "candidate_fts_au"} <= names


def test_trigram_substrings_in_every_searched_column(db) -> None:
    p = _people(db)
    assert _ids(db, "zhan") == {p["zhang"]}  # name substring
    assert _ids(db, "ZHANG") == {p["zhang"]}  # case-insensitive
    assert _ids(db, "kyoto-u") == {p["zhang"]}  # e-mail
    assert _ids(db, "1825-0097") == {p["smith"]}  # ORCID
    assert _ids(db, "quantum") == {p["smith"]}  # field
    assert _ids(db, "fall meeting") == {p["li"]}  # notes, every word must match
    assert _ids(db, "张伟") == {p["zhang"]}  # two Chinese characters: LIKE fallback
    assert _ids(db, "伟") == {p["zhang"]}  # one character
    assert _ids(db, "li") == {p["li"]}  # short Latin word: names only
    assert _ids(db, "wei kyoto") == {p["zhang"]}
    assert _ids(db, "nobody-here") == set()
    assert _ids(db, '"; DROP') == set()  # quotes are data, not syntax
    assert _ids(db, "50%") == set()  # LIKE wildcards are escaped


def test_triggers_follow_updates_and_deletes(db) -> None:
    p = _people(db)
    candidates.update(db, p["li"], full_name="Na Li-Wong", notes="")
    assert _ids(db, "wong") == {p["li"]}
    assert _ids(db, "fall meeting") == set()
    candidates.delete_many(db, [p["smith"]])
    assert _ids(db, "quantum") == set()


@pytest.mark.sqlite_only(reason="SQLite's FTS5 triggers")
def test_bulk_load_skips_triggers_then_rebuilds(db) -> None:
    _people(db)
    with db.engine.begin() as conn, search.bulk_load(conn):
        names = {
            r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='trigger'"))
        }
        assert "candidate_fts_ai" not in names
        conn.execute(
            text(
                "INSERT INTO candidate (full_name, created_at, updated_at) "
                "VALUES ('Bulk Loaded Person', '2025-01-01', '2025-01-01')"
            )
        )
    assert len(_ids(db, "bulk loaded")) == 1
    with db.engine.connect() as conn:
        names = {
            r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='trigger'"))
        }
    assert "candidate_fts_ai" in names


def test_like_backend_for_other_databases(db) -> None:
    """The portable form PostgreSQL (pg_trgm) would use: no FTS table involved."""
    p = _people(db)
    clause = search.LikeSearch().clause("kyoto wei")
    assert clause is not None and "candidate_fts" not in str(clause)
    from sqlalchemy import select
    from sqlmodel import SQLModel

    cand = SQLModel.metadata.tables["candidate"]
    with db.engine.connect() as conn:
        got = {r[0] for r in conn.execute(select(cand.c.id).where(clause))}
    assert got == {p["zhang"]}
    assert search.for_dialect("postgresql").clause("") is None
