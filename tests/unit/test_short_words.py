"""Search words of one or two characters look in the names only (Latin: the romanised name and
its pinyin; Chinese: the Chinese name), on either database; on PostgreSQL through GIN indexes of
the names' pieces (migration 0016), which a downgrade removes and an upgrade brings back."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from recruiter.domain.identity import is_cjk
from recruiter.services import candidates
from recruiter.store import migrate, search_pg
from recruiter.store.database import Database
from recruiter.store.opening import open_database

PEOPLE = (
    {"full_name": "Li Wei", "email": "ab@x.org"},
    {"full_name": "Zhang Wei", "name_zh": "张伟"},
    {"full_name": "Ana_Maria Costa", "notes": "li in the notes only"},
    {"full_name": "Ming 100% Sure"},
    {"full_name": "王小明", "name_zh": "王小明"},
    {"full_name": "Émile Zola", "current_institution": "Lille"},
)
WORDS = ("li", "L", "wei", "zw", "张", "张伟", "小", "_", "%", "a_", "xq", "ab", "é", "z", "ei")


def _expected(db: Database, word: str) -> set[int]:
    """The rule, in Python on the stored rows: a substring of a name column, ignoring case."""
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, full_name, name_pinyin, name_zh FROM candidate"))
        places = {r[0]: ([r[3]] if is_cjk(word) else [r[1], r[2]]) for r in rows}
    w = word.lower()
    return {i for i, cols in places.items() if any(c and w in c.lower() for c in cols)}


def _found(db: Database, word: str) -> set[int]:
    return set(candidates.query_ids(db, candidates.CandidateQuery(text=word)))


def _short_indexes(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        return set(
            conn.execute(
                text("SELECT indexname FROM pg_indexes WHERE tablename = 'candidate'")
            ).scalars()
        ) & set(search_pg.SHORT_INDEXES)


def test_short_words_find_names_only(db: Database) -> None:
    for person in PEOPLE:
        candidates.create(db, **person)
    for word in WORDS:
        if word == "é" and db.is_sqlite:
            continue  # SQLite's LIKE folds ASCII only: "é" is matched, "É" is not
        assert _found(db, word) == _expected(db, word), word
    assert _found(db, "li wei") == _expected(db, "li") & _expected(db, "wei")


def test_the_piece_indexes_go_with_a_downgrade_and_come_back(db: Database) -> None:
    ids = [candidates.create(db, **person) for person in PEOPLE]
    before = {w: _found(db, w) for w in WORDS}
    if not db.is_sqlite:
        assert _short_indexes(db) == set(search_pg.SHORT_INDEXES)
    url = db.url
    db.dispose()
    command.downgrade(migrate.alembic_config(url), "0015")
    again = open_database(url)  # upgrades to HEAD
    try:
        if not again.is_sqlite:
            pieces = search_pg.short_expression(("name_zh",))
            with again.engine.connect() as conn:  # the upgrade indexed the rows already there
                found = conn.exec_driver_sql(
                    f"SELECT count(*) FROM candidate WHERE {pieces} @> ARRAY['张']"
                ).scalar_one()
            assert found == 1
            assert _short_indexes(again) == set(search_pg.SHORT_INDEXES)
        assert {w: _found(again, w) for w in WORDS} == before
        assert before["张伟"] == {ids[1]}
    finally:
        again.dispose()


def test_a_word_is_lowered_as_the_searched_text_is(db: Database) -> None:
    """Python lowers "İ" to two characters, PostgreSQL (as the indexed text) to one: the word is
    lowered where the text is, so a Turkish institution is found by its own spelling."""
    cid = candidates.create(db, full_name="Elif Kaya", current_institution="İstanbul Üniversitesi")
    for word in ("İstanbul", "Üniversitesi", "Kaya"):
        assert _found(db, word) == {cid}, word
