"""The stored pinyin of candidates' names (domain/pinyin.py): the sort expressions and their
indexes, and the bulk refresh for rows written without it (bulk loads, migration 0012)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Table, bindparam, func, select, update

from recruiter.domain import pinyin

# Name columns sort by pinyin when written in Chinese, by lower() otherwise; an expression
# index on exactly the ORDER BY expression lets SQLite and PostgreSQL walk it.
SORT_INDEXES = {
    "ix_candidate_sort_pinyin_name": "coalesce(sort_name, lower(full_name))",
    "ix_candidate_sort_pinyin_zh": "coalesce(name_pinyin, lower(name_zh))",
}
_CHUNK = 500


def candidate_table() -> Table:
    from sqlmodel import SQLModel  # deferred: `recruiter check` builds no query (start-up time)

    return SQLModel.metadata.tables["candidate"]


def sort_expr(column: str) -> object | None:
    """The ORDER BY expression of a name column, or None for another column."""
    cand = candidate_table()
    if column == "full_name":
        return func.coalesce(cand.c.sort_name, func.lower(cand.c.full_name))
    if column == "name_zh":
        return func.coalesce(cand.c.name_pinyin, func.lower(cand.c.name_zh))
    return None


def refresh(conn: Connection, ids: Sequence[int] | None = None) -> int:
    """Compute the pinyin columns of these candidates (all when None) and write those that
    differ; returns how many rows changed. Latin-only names cost a read and nothing more."""
    cand = candidate_table()
    cols = (cand.c.id, cand.c.full_name, cand.c.name_zh, cand.c.name_pinyin, cand.c.sort_name)
    wanted = None if ids is None else list(dict.fromkeys(ids))
    chunks = (
        [select(*cols)]
        if wanted is None
        else [
            select(*cols).where(cand.c.id.in_(wanted[i : i + _CHUNK]))
            for i in range(0, len(wanted), _CHUNK)
        ]
    )
    changes = []
    for stmt in chunks:
        for ident, full, zh, old_pinyin, old_sort in conn.execute(stmt):
            new = pinyin.columns(full, zh)
            if (new["name_pinyin"], new["sort_name"]) != (old_pinyin, old_sort):
                changes.append({"k_id": ident, **new})
    if changes:
        conn.execute(
            update(cand)
            .where(cand.c.id == bindparam("k_id"))
            .values(name_pinyin=bindparam("name_pinyin"), sort_name=bindparam("sort_name")),
            changes,
        )
    return len(changes)
