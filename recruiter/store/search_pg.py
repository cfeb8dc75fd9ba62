"""Candidate search on PostgreSQL through `pg_trgm`, with the results SQLite's FTS5 gives.

FTS5's trigram tokenizer finds a word of three or more characters as a case-insensitive substring
of any one searched column. Here the searched columns are joined into one lowered string, with
U+001F (the unit separator) between them, and a GIN trigram index on exactly that expression
serves `LIKE '%word%'`. Python's `str.split()` treats U+001F as white space, so no query word can
contain it and no match can run across two columns: the same rows as FTS5 for the same words,
Chinese included.

Words of one or two characters look where SQLite looks (Latin: the romanised name and its pinyin;
Chinese: the Chinese name), which a trigram index cannot serve: `LIKE '%li%'` over 100,000 names
is a sequential scan of 40-60 ms. Each of those places has a GIN index of every one- and
two-character piece of its lowered text (`recruiter_short_grams`), so a short word is one exact
array lookup, `grams @> ARRAY['li']` (3-15 ms): the same rows, since a word of one or two
characters is a substring exactly when it is one of the pieces.
"""

from __future__ import annotations

from sqlalchemy import (
    ColumnElement,
    Connection,
    Text,
    and_,
    cast,
    false,
    func,
    literal,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, array

from recruiter.domain.identity import is_cjk
from recruiter.i18n import _

from .search import SHORT_LATIN_COLUMNS, SHORT_ZH_COLUMNS, LikeSearch

INDEX = "ix_candidate_search_trgm"
_SEP = "E'\\x1f'"


def search_expression(columns: tuple[str, ...]) -> str:
    """The SQL expression both the index and the query use (they must be character-identical
    for the planner to use the index)."""
    joined = f" || {_SEP} || ".join(f"coalesce({c}, '')" for c in columns)
    return f"lower({joined})"


def _pattern(word: str) -> str:
    """`%word%`, LIKE's wildcards escaped; lowered by the server, as the indexed text is (Python
    lowers "İ" to two characters where PostgreSQL gives one: "İstanbul" found nothing)."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
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


GRAMS = "recruiter_short_grams"
# plpgsql: 4 µs a name, five times faster than the same in one SQL statement (index upkeep).
_GRAMS_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {GRAMS}(t text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  pieces text[] := string_to_array(t, NULL);
BEGIN
  FOR i IN 1 .. length(t) - 1 LOOP
    pieces := pieces || substr(t, i, 2);
  END LOOP;
  RETURN pieces;
END $$"""
SHORT_INDEXES = {
    "ix_candidate_short_latin": SHORT_LATIN_COLUMNS,
    "ix_candidate_short_zh": SHORT_ZH_COLUMNS,
}


def short_expression(columns: tuple[str, ...]) -> str:
    """The pieces of `columns` (index and query, character-identical)."""
    return f"{GRAMS}({search_expression(columns)})"


def create_short(conn: Connection) -> None:
    """The short-word indexes and their function (migration 0016, `recruiter check --repair`)."""
    conn.exec_driver_sql(_GRAMS_FUNCTION)
    for name, columns in SHORT_INDEXES.items():
        conn.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS {name} ON candidate "
            f"USING gin (({short_expression(columns)}))"
        )


def drop_short(conn: Connection) -> None:
    for name in SHORT_INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {GRAMS}(text)")


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
    out = []
    if definition is None:
        out.append(_("the search index {name} is missing").format(name=INDEX))
    elif any(f"({c}," not in definition for c in columns):
        out.append(
            _("the search index {name} does not cover every searched column").format(name=INDEX)
        )
    present = set(
        conn.execute(
            text("SELECT indexname FROM pg_indexes WHERE tablename = 'candidate'")
        ).scalars()
    )
    missing = [n for n in SHORT_INDEXES if n not in present]
    return out + [_("the search index {name} is missing").format(name=n) for n in missing]


class TrigramSearch(LikeSearch):
    """Every word must match: 3+ characters anywhere in the searched columns (trigram index),
    shorter Latin words in the romanised name, shorter Chinese words in the Chinese name."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.columns = columns
        self.expression: ColumnElement[str] = literal_column(search_expression(columns))

    def clause(self, query: str) -> ColumnElement[bool] | None:
        words = query.split()
        if not words:
            return None
        parts: list[ColumnElement[bool]] = []
        for w in words:
            if len(w) >= 3:
                pattern = func.lower(cast(literal(_pattern(w)), Text))
                parts.append(self.expression.like(pattern, escape="\\"))
            else:  # as SQLite's short words: Chinese in the Chinese name, Latin in the others
                pieces = _SHORT_ZH if is_cjk(w) else _SHORT_LATIN
                parts.append(pieces.contains(array([func.lower(cast(literal(w), Text))])))
        return and_(*parts) if parts else false()


_SHORT_LATIN = literal_column(short_expression(SHORT_LATIN_COLUMNS), ARRAY(Text))
_SHORT_ZH = literal_column(short_expression(SHORT_ZH_COLUMNS), ARRAY(Text))
