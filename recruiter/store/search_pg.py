"""Candidate search on PostgreSQL through `pg_trgm`, with the results SQLite's FTS5 gives.

FTS5's trigram tokenizer finds a word of three or more characters as a case-insensitive substring
of any one searched column. Here the searched columns are joined into one lowered string, with
U+001F (the unit separator) between them, and a GIN trigram index on exactly that expression
serves `LIKE '%word%'`. Python's `str.split()` treats U+001F as white space, so no query word can
contain it and no match can run across two columns: the same rows as FTS5 for the same words,
Chinese included. Words of one or two characters take the same LIKE paths as on SQLite (Latin:
the romanised name; Chinese: the Chinese name).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, and_, false, literal_column, or_, text

from recruiter.domain.identity import is_cjk

from .search import SHORT_LATIN_COLUMNS, LikeSearch

INDEX = "ix_candidate_search_trgm"
_SEP = "E'\\x1f'"


def search_expression(columns: tuple[str, ...]) -> str:
    """The SQL expression both the index and the query use (they must be character-identical
    for the planner to use the index)."""
    joined = f" || {_SEP} || ".join(f"coalesce({c}, '')" for c in columns)
    return f"lower({joined})"


def _pattern(word: str) -> str:
    escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def create(conn: Connection, columns: tuple[str, ...]) -> None:
    """The extension and the index (migration 0011 and `recruiter check --repair`). pg_trgm is a
    trusted extension: a database owner may create it without being a superuser."""
    conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    conn.exec_driver_sql(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON candidate "
        f"USING gin (({search_expression(columns)}) gin_trgm_ops)"
    )


VIEWER_INDEX = "ix_candidate_search_trgm_viewer"


def viewer_index(conn: Connection, columns: tuple[str, ...], hidden: tuple[str, ...]) -> None:
    """The same index over the columns a viewer may read, when the office hides some (a viewer
    searches only those: store/access.py); dropped when nothing is hidden."""
    shown = tuple(c for c in columns if c not in hidden)
    conn.exec_driver_sql(f"DROP INDEX IF EXISTS {VIEWER_INDEX}")
    if shown != columns:
        conn.exec_driver_sql(
            f"CREATE INDEX {VIEWER_INDEX} ON candidate "
            f"USING gin (({search_expression(shown)}) gin_trgm_ops)"
        )


def drop(conn: Connection) -> None:
    conn.exec_driver_sql(f"DROP INDEX IF EXISTS {INDEX}")


def has_index(conn: Connection) -> bool:
    return (
        conn.execute(
            text("SELECT 1 FROM pg_indexes WHERE tablename = 'candidate' AND indexname = :i"),
            {"i": INDEX},
        ).first()
        is not None
    )


def index_problems(conn: Connection, columns: tuple[str, ...]) -> list[str]:
    definition = conn.execute(
        text("SELECT indexdef FROM pg_indexes WHERE tablename = 'candidate' AND indexname = :i"),
        {"i": INDEX},
    ).scalar()
    if definition is None:
        return [f"the search index {INDEX} is missing"]
    if any(f"({c}," not in definition for c in columns):
        return [f"the search index {INDEX} does not cover every searched column"]
    return []


class TrigramSearch(LikeSearch):
    """Every word must match: 3+ characters anywhere in the searched columns (trigram index),
    shorter Latin words in the romanised name, shorter Chinese words in the Chinese name."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.columns = columns
        self.expression: ColumnElement[str] = literal_column(search_expression(columns))

    def clause(self, query: str) -> ColumnElement[bool] | None:
        from sqlmodel import SQLModel

        words = query.split()
        if not words:
            return None
        cand = SQLModel.metadata.tables["candidate"]
        parts: list[ColumnElement[bool]] = []
        for w in words:
            if len(w) >= 3:
                parts.append(self.expression.like(_pattern(w), escape="\\"))
            elif is_cjk(w):
                parts.append(cand.c.name_zh.ilike(_pattern(w), escape="\\"))
            else:  # the romanised name or its pinyin, as SQLite's short words
                parts.append(
                    or_(*(cand.c[c].ilike(_pattern(w), escape="\\") for c in SHORT_LATIN_COLUMNS))
                )
        return and_(*parts) if parts else false()
