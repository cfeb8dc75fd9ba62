"""A viewer's sign-in for tests on PostgreSQL: `recruiter team init` with the given options on the
test database, then a login role in `recruiter_viewer` (or `recruiter_officer`), dropped after."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import make_url

from recruiter.store.database import Database

_n = itertools.count(1)


@contextmanager
def signed_in(db: Database, group: str, *init: str) -> Iterator[Database]:
    """`db` as a new login role in `group`, after `team init URL *init` (as the admin)."""
    from recruiter import cli

    assert cli.main(["team", "init", db.url, *init]) == 0
    login = f"rt_{group.rsplit('_', 1)[-1]}_{os.getpid()}_{next(_n)}"
    with db.engine.begin() as conn:
        conn.exec_driver_sql(f"DROP ROLE IF EXISTS {login}")
        conn.exec_driver_sql(f"CREATE ROLE {login} LOGIN IN ROLE {group}")
    from recruiter.store.opening import open_database

    other = open_database(make_url(db.url).set(username=login).render_as_string(False))
    try:
        yield other
    finally:
        other.dispose()
        with db.engine.begin() as conn:
            conn.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s",
                (login,),
            )
            conn.exec_driver_sql(f"DROP ROLE {login}")
