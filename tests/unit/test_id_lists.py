"""store/id_lists.member: the same rows as an IN list; on PostgreSQL one array parameter."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel

from recruiter.services import candidates
from recruiter.store import id_lists
from recruiter.store.database import Database


def test_member_finds_the_listed_rows(db: Database) -> None:
    ids = [candidates.create(db, full_name=f"Scholar {i}") for i in range(12)]
    cand = SQLModel.metadata.tables["candidate"]
    wanted = [*ids[::3], 10_000]  # and one that does not exist
    with db.engine.connect() as conn:
        got = conn.execute(
            select(cand.c.id).where(id_lists.member(conn.dialect.name, cand.c.id, wanted))
        ).scalars()
        assert sorted(got) == ids[::3]
        none = select(cand.c.id).where(id_lists.member(conn.dialect.name, cand.c.id, []))
        assert conn.execute(none).all() == []


def test_postgresql_binds_one_array_and_sqlite_a_list() -> None:
    cand = SQLModel.metadata.tables["candidate"]
    ids = list(range(1000))
    pg = select(cand.c.id).where(id_lists.member("postgresql", cand.c.id, ids))
    compiled = pg.compile(dialect=postgresql.dialect())
    assert "ANY" in str(compiled) and list(compiled.params.values()) == [ids]
    lite = select(cand.c.id).where(id_lists.member("sqlite", cand.c.id, ids))
    assert "IN" in str(lite.compile(dialect=sqlite.dialect()))
