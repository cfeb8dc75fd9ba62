"""Pinyin of Chinese names: 张伟 is found by `zhangwei`, `zhang wei` and `zw`, and Chinese names
sort by pinyin among the Latin ones (domain/pinyin.py, store/names.py, migration 0012)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from recruiter.domain import pinyin
from recruiter.services import candidates
from recruiter.services.candidates import CandidateQuery
from recruiter.services.importing import ImportOptions, run_import
from recruiter.store import names, search


def test_syllables_search_text_and_sort_key() -> None:
    assert pinyin.syllables("张伟") == ["zhang", "wei"]
    assert pinyin.search_text("张伟") == "zhangwei zw"
    assert pinyin.search_text("张伟", "张伟", None) == "zhangwei zw"  # each name once
    assert pinyin.search_text("Alice Smith") is None
    assert pinyin.sort_key("张伟") == "zhang wei"
    assert pinyin.sort_key("Alice Smith") is None
    assert pinyin.sort_key("张伟 David") == "zhang wei david"
    # The surname reading, not the everyday one: 曾 is zeng, 单 is shan.
    assert pinyin.syllables("曾小明")[0] == "zeng"
    assert pinyin.syllables("单田芳")[0] == "shan"
    assert pinyin.columns("Wei Zhang", "张伟") == {
        "name_pinyin": "zhangwei zw",
        "sort_name": None,
    }


def _ids(db, q: str) -> set[int]:  # type: ignore[no-untyped-def]
    return set(candidates.query_ids(db, CandidateQuery(text=q)))


def test_pinyin_finds_chinese_names(db) -> None:  # type: ignore[no-untyped-def]
    zhang = candidates.create(db, full_name="张伟")
    li = candidates.create(db, full_name="Na Li", name_zh="李娜")
    other = candidates.create(db, full_name="Zoe Walker")
    for query in ("zhangwei", "zhang wei", "zw", "ZhangWei", "zhang"):
        assert zhang in _ids(db, query), query
    assert _ids(db, "zw") == {zhang}
    assert _ids(db, "lina") == {li}
    assert _ids(db, "ln") == {li}
    assert other not in _ids(db, "zhangwei")
    assert _ids(db, "李娜") == {li}  # the characters still work


def test_renaming_recomputes_the_pinyin(db) -> None:  # type: ignore[no-untyped-def]
    ident = candidates.create(db, full_name="张伟")
    candidates.update(db, ident, full_name="王芳")
    assert _ids(db, "zhangwei") == set()
    assert _ids(db, "wangfang") == {ident}
    candidates.update(db, ident, name_zh="王芳芳")
    assert ident in _ids(db, "wff")


def test_chinese_names_sort_by_pinyin_among_latin_names(db) -> None:  # type: ignore[no-untyped-def]
    people = ["张伟", "Alice Smith", "李娜", "曾小明", "Mark Young", "阿兰"]
    ids = {candidates.create(db, full_name=n): n for n in people}
    ordered = [ids[i] for i in candidates.query_ids(db, CandidateQuery(sort="full_name"))]
    # a lan, alice smith, li na, mark young, zeng xiao ming, zhang wei
    assert ordered == ["阿兰", "Alice Smith", "李娜", "Mark Young", "曾小明", "张伟"]
    desc = candidates.query_ids(db, CandidateQuery(sort="full_name", descending=True))
    assert [ids[i] for i in desc] == ordered[::-1]
    # Filtered (the path that sorts after filtering) keeps the pinyin order too.
    filtered = candidates.query_ids(db, CandidateQuery(text="a", sort="full_name"))
    assert ids[filtered[0]] == "阿兰"


def test_sort_by_chinese_name_column_uses_pinyin(db) -> None:  # type: ignore[no-untyped-def]
    a = candidates.create(db, full_name="Wei Zhang", name_zh="张伟")
    b = candidates.create(db, full_name="Na Li", name_zh="李娜")
    c = candidates.create(db, full_name="Ming Zeng", name_zh="曾明")
    assert candidates.query_ids(db, CandidateQuery(sort="name_zh")) == [b, c, a]


def test_the_sort_uses_an_index(db) -> None:  # type: ignore[no-untyped-def]
    sql = f"SELECT id FROM candidate ORDER BY {names.SORT_INDEXES['ix_candidate_sort_pinyin_name']}"
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":  # an empty table: make the planner show its way
            conn.exec_driver_sql("SET enable_seqscan = off")
            rows = conn.exec_driver_sql(f"EXPLAIN {sql}")
        else:
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}, id")
        plan = " ".join(str(r[-1]) for r in rows)
    assert "ix_candidate_sort_pinyin_name" in plan


def test_imported_and_bulk_loaded_names_get_pinyin(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "list.csv"
    path.write_text(
        "Name,Chinese name,Email\n张伟,,zw@example.org\nWei Li,李伟,wl@example.org\n",
        encoding="utf-8",
    )
    run_import(db, path, ImportOptions())
    assert len(_ids(db, "zhangwei")) == 1
    assert len(_ids(db, "liwei")) == 1
    with db.transaction() as conn, search.bulk_load(conn):
        conn.execute(
            text(
                "INSERT INTO candidate (full_name, created_at, updated_at) "
                "VALUES ('欧阳娜娜', '2026-01-01', '2026-01-01')"
            )
        )
    assert len(_ids(db, "ouyang")) == 1
    assert len(_ids(db, "oynn")) == 1


def test_refresh_writes_only_what_changed(db) -> None:  # type: ignore[no-untyped-def]
    ident = candidates.create(db, full_name="张伟")
    candidates.create(db, full_name="Alice Smith")
    with db.transaction() as conn:
        assert names.refresh(conn) == 0
        conn.execute(text("UPDATE candidate SET name_pinyin = NULL, sort_name = NULL"))
        assert names.refresh(conn, [ident]) == 1
        assert names.refresh(conn) == 0


def test_an_import_that_renames_updates_the_pinyin(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = tmp_path / "a.csv"
    first.write_text("Name,Email\n张伟,zw@example.org\n", encoding="utf-8")
    run_import(db, first, ImportOptions())
    second = tmp_path / "b.csv"
    second.write_text("Name,Email\n王芳,zw@example.org\n", encoding="utf-8")
    run_import(db, second, ImportOptions(on_duplicate="overwrite"))
    assert _ids(db, "zhangwei") == set()
    assert len(_ids(db, "wangfang")) == 1


@given(st.text(max_size=12), st.one_of(st.none(), st.text(max_size=6)))
@settings(max_examples=200, deadline=None)
def test_any_name_gets_its_columns(full: str, zh: str | None) -> None:
    got = pinyin.columns(full, zh)
    assert got["sort_name"] is None or len(got["sort_name"]) <= pinyin.SORT_MAX
    assert got["name_pinyin"] is None or got["name_pinyin"].isascii()


def test_a_character_without_pinyin_keeps_its_place() -> None:
    assert pinyin.sort_key("张𩫃伟") == "zhang 𩫃 wei"
    assert pinyin.search_text("张𩫃伟") == "zhangwei zw"
    assert pinyin.search_text("𩫃") is None


def test_upgrading_to_0012_gives_stored_names_their_pinyin(db_path: Path) -> None:
    import sqlite3

    from alembic import command

    from recruiter.store import location, migrate
    from recruiter.store.opening import open_database

    command.upgrade(migrate.alembic_config(location.resolve(db_path)), "0007")
    conn = sqlite3.connect(db_path)
    now = "2025-01-01 00:00:00"
    conn.executemany(
        "INSERT INTO candidate (full_name, name_zh, created_at, updated_at) VALUES (?, ?, ?, ?)",
        [("张伟", None, now, now), ("Na Li", "李娜", now, now), ("Alice Smith", None, now, now)],
    )
    conn.commit()
    conn.close()
    db = open_database(db_path)  # upgrades to HEAD
    try:
        assert len(_ids(db, "zhangwei")) == 1
        assert len(_ids(db, "ln")) == 1
        names_sorted = candidates.query_ids(db, CandidateQuery(sort="full_name"))
        assert len(names_sorted) == 3
        with db.engine.connect() as c:
            assert search.index_problems(c) == []
            assert search.trigger_problems(c) == []
    finally:
        db.dispose()
