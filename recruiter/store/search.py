"""Candidate search behind one small interface (DESIGN.md §4).

On SQLite an FTS5 table with the `trigram` tokenizer (migration 0002) finds substrings of three or
more characters in names, Chinese names, e-mail, ORCID, institution, field, research area and notes;
shorter words (a Chinese given name such as 伟) fall back to LIKE. Other databases get the LIKE form
only, which PostgreSQL can serve from `pg_trgm` GIN indexes without any change here or above.
The FTS table is kept current by triggers, so bulk inserts need nothing extra; `rebuild()` repairs
an index that was bypassed (e.g. a file edited by another tool).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress

from sqlalchemy import ColumnElement, Connection, and_, false, or_, text
from sqlalchemy.exc import DBAPIError

from recruiter.domain.identity import is_cjk
from recruiter.i18n import _

from . import names

FTS_TABLE = "candidate_fts"
# Columns indexed for search, in the order of the FTS table.
SEARCH_COLUMNS = (
    "full_name",
    "name_zh",
    "email",
    "orcid",
    "current_institution",
    "field",
    "research_area",
    "notes",
    "name_pinyin",  # 'zhangwei zw' for 张伟 (migration 0012)
)
SEARCH_COLUMNS_0002 = SEARCH_COLUMNS[:-1]  # what migration 0002 indexed
# A short Latin word is looked for in the romanised name and in the pinyin (`zw` finds 张伟).
SHORT_LATIN_COLUMNS = ("full_name", "name_pinyin")
SHORT_ZH_COLUMNS = ("name_zh",)  # and a short Chinese word in the Chinese name only
MIN_TRIGRAM = 3


def _words(query: str) -> list[str]:
    return [w for w in query.split() if w]


def _like_any(
    word: str, columns: tuple[str, ...] = SEARCH_COLUMNS, *, native_nocase: bool = False
) -> ColumnElement[bool]:
    cand = names.candidate_table()
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    if native_nocase:  # SQLite's LIKE already ignores ASCII case; lower() would cost a call/row
        return or_(*(cand.c[c].like(pattern, escape="\\") for c in columns))
    return or_(*(cand.c[c].ilike(pattern, escape="\\") for c in columns))


def _fts_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


class LikeSearch:
    """Portable search: every word must occur (case-insensitively) in one of the columns."""

    def clause(self, query: str) -> ColumnElement[bool] | None:
        words = _words(query)
        if not words:
            return None
        return and_(*(_like_any(w) for w in words))


class SqliteTrigramSearch(LikeSearch):
    """FTS5 trigram MATCH for words of 3+ characters, LIKE for 1-2 character words."""

    def clause(self, query: str) -> ColumnElement[bool] | None:
        words = _words(query)
        if not words:
            return None
        long = [w for w in words if len(w) >= MIN_TRIGRAM]
        short = [w for w in words if len(w) < MIN_TRIGRAM]
        parts: list[ColumnElement[bool]] = []
        cand = names.candidate_table()
        if long:
            match = " AND ".join(_fts_phrase(w) for w in long)
            parts.append(
                cand.c.id.in_(
                    text(
                        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts_query"
                    ).bindparams(fts_query=match)
                )
            )
        # A 1-2 character word is a Chinese given name or a short surname: names only, which
        # keeps the unindexed scan of 100k rows short.
        # A Chinese word can only be in the Chinese name (full_name holds it too only when it
        # is a copy of name_zh), a Latin one only in the romanised name: one column each.
        # Chinese words match few rows, so the ids come from a scan of the small name_zh sort
        # index (migration 0002) instead of the table; Latin ones match thousands, for which a
        # plain LIKE on the table is cheaper than building that id list.
        for i, w in enumerate(short):
            if not is_cjk(w):
                parts.append(_like_any(w, SHORT_LATIN_COLUMNS, native_nocase=True))
                continue
            escaped = w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            parts.append(
                cand.c.id.in_(
                    text(
                        "SELECT id FROM candidate INDEXED BY ix_candidate_sort_name_zh "
                        f"WHERE lower(name_zh) LIKE :short_{i} ESCAPE '\\'"
                    ).bindparams(**{f"short_{i}": f"%{escaped}%"})
                )
            )
        return and_(*parts) if parts else false()


def for_dialect(dialect: str) -> LikeSearch:
    """The search implementation for a database dialect name ('sqlite', 'postgresql', ...)."""
    if dialect == "postgresql":
        from .search_pg import TrigramSearch

        return TrigramSearch(SEARCH_COLUMNS)
    return SqliteTrigramSearch() if dialect == "sqlite" else LikeSearch()


def candidate_clause(conn: Connection, query: str) -> ColumnElement[bool] | None:
    """WHERE clause selecting candidates that match `query`, or None for an empty query.
    A role that may not read some searched columns (a viewer without contact data) searches
    the others: the words are looked for in what it may read (store/access.py)."""
    if conn.dialect.name == "sqlite" and not has_index(conn):
        return LikeSearch().clause(query)
    if conn.dialect.name == "postgresql":
        from . import access
        from .search_pg import TrigramSearch

        return TrigramSearch(access.on(conn.engine).readable("candidate", SEARCH_COLUMNS)).clause(
            query
        )
    return for_dialect(conn.dialect.name).clause(query)


def has_index(conn: Connection) -> bool:
    if conn.dialect.name != "sqlite":
        return False
    row = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (FTS_TABLE,)
    ).first()
    return row is not None


def rebuild(conn: Connection) -> None:
    """Re-read every candidate into the FTS index (SQLite only; a no-op elsewhere)."""
    if has_index(conn):
        conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def _triggers(columns: tuple[str, ...] = SEARCH_COLUMNS) -> list[str]:
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    t = FTS_TABLE
    return [
        f"CREATE TRIGGER {t}_ai AFTER INSERT ON candidate BEGIN "
        f"INSERT INTO {t}(rowid, {cols}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER {t}_ad AFTER DELETE ON candidate BEGIN "
        f"INSERT INTO {t}({t}, rowid, {cols}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER {t}_au AFTER UPDATE OF {cols} ON candidate BEGIN "
        f"INSERT INTO {t}({t}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {t}(rowid, {cols}) VALUES (new.id, {new}); END",
    ]


def _drop_triggers(conn: Connection) -> None:
    for suffix in ("ai", "ad", "au"):
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{suffix}")


def create_sqlite(conn: Connection, columns: tuple[str, ...] = SEARCH_COLUMNS) -> None:
    """DDL for the FTS table and its triggers; called by migrations 0002 and 0012 (kept here so
    tests and repair tools build exactly what the migrations build)."""
    conn.exec_driver_sql(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({', '.join(columns)}, "
        "content='candidate', content_rowid='id', tokenize='trigram')"
    )
    for sql in _triggers(columns):
        conn.exec_driver_sql(sql)
    rebuild(conn)


def drop_sqlite(conn: Connection) -> None:
    _drop_triggers(conn)
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")


@contextmanager
def bulk_load(conn: Connection) -> Iterator[None]:
    """Wrap a bulk insert/delete of candidates: the per-row triggers are dropped for its duration
    and the index rebuilt once at the end (100k rows: ~5 s instead of ~30 s).

    The drop happens inside the caller's transaction, opened here if the driver has not opened
    one yet: Python's sqlite3 driver runs DDL such as DROP TRIGGER in autocommit mode until a
    write has begun a transaction, so a load that failed, was cancelled or was killed would
    otherwise leave the index without its triggers for good."""
    if not has_index(conn):
        yield
        names.refresh(conn)  # the pinyin of the names the load wrote
        return
    _begin(conn)
    _drop_triggers(conn)
    try:
        yield
    except BaseException:
        # The rollback brings the triggers back; should the caller commit anyway, they exist.
        with suppress(DBAPIError):
            _create_triggers(conn)
        raise
    names.refresh(conn)  # before the triggers: the rebuild below indexes the pinyin too
    _create_triggers(conn)
    rebuild(conn)


MAX_ROWID = 2**63 - 1


@contextmanager
def bulk_insert(conn: Connection) -> Iterator[None]:
    """Wrap an insert of many new candidates (an import): the per-row triggers are dropped for
    its duration and the new rows indexed at the end in one set-based statement, which costs a
    fraction of 100k trigger firings and, unlike `bulk_load`, does not re-read the candidates
    already there. Updates and deletes must not happen inside the block.

    New rows are those whose id is above the largest before the block: SQLite gives a new row
    the largest id plus one, unless that is already the largest possible id, in which case the
    whole index is rebuilt instead. Transaction handling is `bulk_load`'s: the DDL is part of
    the caller's transaction, so a failure or a kill leaves the triggers as they were."""
    if not has_index(conn):
        yield
        return
    _begin(conn)
    last = int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM candidate").scalar() or 0)
    _drop_triggers(conn)
    try:
        yield
    except BaseException:
        with suppress(DBAPIError):
            _create_triggers(conn)
        raise
    if last >= MAX_ROWID:
        rebuild(conn)
    else:
        cols = ", ".join(SEARCH_COLUMNS)
        conn.exec_driver_sql(
            f"INSERT INTO {FTS_TABLE}(rowid, {cols}) SELECT id, {cols} FROM candidate WHERE id > ?",
            (last,),
        )
    _create_triggers(conn)


@contextmanager
def large_cache(conn: Connection, kib: int = 262_144) -> Iterator[None]:
    """A large page cache (SQLite) for one bulk write: the schema's indexes take random inserts,
    which the default 2 MB cache turns into re-reads. The connection's own size comes back."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{int(kib)}")
    try:
        yield
    finally:
        with suppress(DBAPIError):
            conn.exec_driver_sql(f"PRAGMA cache_size={int(before or -2000)}")


@contextmanager
def without_indexes(conn: Connection, tables: Sequence[str]) -> Iterator[None]:
    """A bulk load into `tables` with their secondary indexes dropped, created again at the end
    from their own stored SQL: one sorted build instead of a random insert per row and index.
    Part of the caller's transaction (SQLite; elsewhere a no-op): a failure or a kill leaves the
    indexes as they were; a unique index that the loaded rows break fails its creation and with
    it the load."""
    if conn.dialect.name != "sqlite":
        yield
        return
    _begin(conn)
    marks = ", ".join("?" for _t in tables)
    found = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        f" AND tbl_name IN ({marks}) ORDER BY name",
        tuple(tables),
    ).all()
    for name, _sql in found:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    try:
        yield
    except BaseException:
        # The rollback brings them back; should the caller commit anyway, they exist.
        with suppress(DBAPIError):
            for _name, sql in found:
                conn.exec_driver_sql(sql)
        raise
    for _name, sql in found:
        conn.exec_driver_sql(sql)


def _begin(conn: Connection) -> None:
    """Open the transaction now (SQLite), so the DDL that follows is part of it."""
    raw = conn.connection.dbapi_connection
    if conn.dialect.name == "sqlite" and not getattr(raw, "in_transaction", True):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _create_triggers(conn: Connection) -> None:
    _drop_triggers(conn)
    for sql in _triggers():
        conn.exec_driver_sql(sql)


# --- checking and repairing the index (`recruiter check [--repair]`) -------------------------

TRIGGERS = tuple(f"{FTS_TABLE}_{suffix}" for suffix in ("ai", "ad", "au"))


def _same_sql(a: str | None, b: str) -> bool:
    return a is not None and " ".join(a.split()) == " ".join(b.split())


def trigger_problems(conn: Connection) -> list[str]:
    """The search triggers that are missing or not as migration 0002 made them (SQLite only).
    Without them new and renamed candidates are never found."""
    if conn.dialect.name != "sqlite":
        return []
    actual: dict[str, str | None] = {
        name: sql
        for name, sql in conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type='trigger' AND tbl_name='candidate'"
        ).all()
    }
    problems = []
    for name, sql in zip(TRIGGERS, _triggers(), strict=True):
        if name not in actual:
            problems.append(_("search trigger {name} is missing").format(name=name))
        elif not _same_sql(actual[name], sql):
            problems.append(
                _("search trigger {name} is not the one Recruiter makes").format(name=name)
            )
    return problems


def index_problems(conn: Connection) -> list[str]:
    """Whether the FTS index exists and holds exactly what the candidate table does (SQLite)."""
    if conn.dialect.name != "sqlite":
        return []
    if not has_index(conn):
        return [_("the search index {name} is missing").format(name=FTS_TABLE)]
    try:
        # rank 1: compare with the content table too, not only the index's own structures
        conn.exec_driver_sql(
            f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('integrity-check', 1)"
        )
    except DBAPIError:
        return [_("the search index {name} does not match the candidates").format(name=FTS_TABLE)]
    return []


def repair(conn: Connection) -> None:
    """Make the FTS table and its triggers what migration 0002 makes, and re-read every candidate
    into it. Run it inside the caller's transaction."""
    if conn.dialect.name != "sqlite":
        return
    if not has_index(conn):
        _drop_triggers(conn)
        create_sqlite(conn)
        return
    _drop_triggers(conn)
    for sql in _triggers():
        conn.exec_driver_sql(sql)
    rebuild(conn)
