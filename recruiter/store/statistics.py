"""Planner statistics after bulk writes (PostgreSQL).

PostgreSQL plans from per-table statistics that autovacuum refreshes only some time after a bulk
write (up to a minute, once 10% of a table has changed). Until then a freshly copied or loaded
database is planned as if it were empty: reading one screenful of the Candidates table took 30 ms
instead of 1 ms, its per-row subqueries estimated at 314 applications per candidate. Every bulk
writer (copy, demo data, a large import) refreshes the tables it filled, in its own transaction
(the column statistics go back with a rollback; the row-count estimate does not).

Only a table's owner may ANALYZE it, and officers sign in as their own roles (store/roles.py):
their ANALYZE would be skipped with a server warning nobody sees. So it runs through
`recruiter_analyze`, a SECURITY DEFINER function of the schema's owner (migration 0016) that
analyses the schema's own tables and nothing else; `team init` lets officers call it. A role
that may not call it is left to autovacuum. SQLite plans well without statistics: a no-op there.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text

from recruiter.i18n import _

# Fewer rows written than this, or less than autovacuum's own share of the table (10%): the
# statistics still describe the table well enough, and autovacuum's refresh is soon enough.
BULK_ROWS = 1000
SHARE = 0.1
FUNCTION = "recruiter_analyze"
SIGNATURE = f"{FUNCTION}(text[])"


def create_function(conn: Connection) -> None:
    """The owner's ANALYZE for officers (migration 0016, `recruiter check --repair`). The search
    path is fixed and the schema written in, so a caller can neither redirect it nor name a
    table outside the schema."""
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    quoted = str(schema).replace("'", "''")
    conn.exec_driver_sql(
        f"""CREATE OR REPLACE FUNCTION {FUNCTION}(tables text[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY tables LOOP
    IF EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = '{quoted}' AND tablename = t) THEN
      EXECUTE format('ANALYZE %%I.%%I', '{quoted}', t);
    END IF;
  END LOOP;
END $$"""
    )
    conn.exec_driver_sql(f"REVOKE ALL ON FUNCTION {SIGNATURE} FROM PUBLIC")


def drop_function(conn: Connection) -> None:
    conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {SIGNATURE}")


def problems(conn: Connection) -> list[str]:
    """What `recruiter check` reports (PostgreSQL)."""
    found = conn.execute(text("SELECT to_regprocedure(:f)"), {"f": SIGNATURE}).scalar()
    if found is not None:
        return []
    return [_("the statistics function {name} is missing").format(name=FUNCTION)]


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
    allowed = conn.execute(
        text(
            "SELECT to_regprocedure(:f) IS NOT NULL "
            "AND has_function_privilege(to_regprocedure(:f), 'EXECUTE')"
        ),
        {"f": SIGNATURE},
    ).scalar()
    if allowed:
        conn.execute(text(f"SELECT {FUNCTION}(CAST(:t AS text[]))"), {"t": list(tables)})


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
