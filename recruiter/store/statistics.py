"""Planner statistics after bulk writes (PostgreSQL).

PostgreSQL plans from per-table statistics that autovacuum refreshes only some time after a bulk
write (up to a minute, once 10% of a table has changed). Until then a freshly copied or loaded
database is planned as if it were empty: reading one screenful of the Candidates table took 30 ms
instead of 1 ms, its per-row subqueries estimated at 314 applications per candidate. Every bulk
writer (copy, demo data, a large import) refreshes the tables it filled, in its own transaction:
ANALYZE is transactional there, so a rolled-back load leaves the old statistics. SQLite plans
well without them: a no-op there.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

# Fewer rows written than this, or less than autovacuum's own share of the table (10%): the
# statistics still describe the table well enough, and autovacuum's refresh is soon enough.
BULK_ROWS = 1000
SHARE = 0.1


def refresh(conn: Connection, tables: Iterable[str] | None = None) -> None:
    """ANALYZE `tables` (every table of the schema when None) inside the caller's transaction.
    Never a bare ANALYZE: it takes the shared catalogs too (pg_database, ...), whose lock, held to
    the end of a long load, would stall every other database's bulk writer on the server."""
    if conn.dialect.name != "postgresql":
        return
    if tables is None:
        tables = conn.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        ).scalars()
    for name in list(tables):
        conn.exec_driver_sql(f'ANALYZE "{name}"')


def outdated_by(conn: Connection, table: str, written: int) -> bool:
    """Whether writing `written` rows into `table` leaves its statistics too far behind to wait
    for autovacuum: a table never analysed, or one that grew by a tenth (ANALYZE of 100,000
    candidates takes a second, which a 1,000-row import into them should not pay)."""
    if conn.dialect.name != "postgresql" or written < BULK_ROWS:
        return False
    known = conn.exec_driver_sql(
        "SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", (table,)
    ).scalar()
    return known is None or known < 0 or written >= SHARE * known
