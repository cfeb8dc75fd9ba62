"""Several desktops on one PostgreSQL server: change notifications between them, and the
database roles an office's people sign in as.

Every table has a statement-level trigger that calls `pg_notify('recruiter_changes', <table>)`.
PostgreSQL folds identical notifications of one transaction into one and delivers them only on
commit, so a 100,000-row import sends one message per table it wrote, and a rolled-back one none.
A `ChangeFeed` (one thread and one connection per open database that has subscribers) LISTENs and
turns what other connections committed into `Changes` for `Database.publish`, so open windows
refresh what they show within a moment.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from sqlalchemy import Connection, Engine, inspect

from recruiter.domain.changes import Changes, Collector

CHANNEL = "recruiter_changes"
FUNCTION = "recruiter_notify_change"
log = logging.getLogger(__name__)


def feed_enabled() -> bool:
    """RECRUITER_CHANGE_FEED=0 turns the listener off (scripts that never show anything)."""
    return os.environ.get("RECRUITER_CHANGE_FEED", "1") != "0"


def _trigger_name(table: str) -> str:
    return f"{table}_notify_change"


def install_notify(conn: Connection) -> None:
    """The notify function and a trigger on every table of the schema (again after later
    migrations add tables: it replaces what exists)."""
    conn.exec_driver_sql(
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME); RETURN NULL; END $$"
    )
    for table in inspect(conn).get_table_names():
        if table == "alembic_version":
            continue
        name = _trigger_name(table)
        conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
        conn.exec_driver_sql(
            f'CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
        )


def remove_notify(conn: Connection) -> None:
    for table in inspect(conn).get_table_names():
        conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS {_trigger_name(table)} ON "{table}"')
    conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


class ChangeFeed:
    """LISTENs on its own connection and hands other connections' commits to `publish`.

    Our own commits are announced by the unit of work already; notifications from this process's
    own server connections (their backend pids, collected as the pool opens them) are skipped.
    """

    def __init__(
        self, engine: Engine, publish: Callable[[Changes], None], own_pids: set[int]
    ) -> None:
        self.engine = engine
        self.publish = publish
        self.own_pids = own_pids
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="recruiter-change-feed", daemon=True)

    def start(self, wait: float = 5.0) -> None:
        self._thread.start()
        self._ready.wait(wait)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(1)

    def _run(self) -> None:
        import psycopg

        url = self.engine.url.set(drivername="postgresql")
        conninfo = url.render_as_string(hide_password=False)
        while not self._stop.is_set():
            try:
                with psycopg.connect(conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._ready.set()
                    while not self._stop.is_set():
                        tables = {
                            n.payload
                            for n in conn.notifies(timeout=0.1)
                            if n.pid not in self.own_pids
                        }
                        if tables:
                            self.publish(_changes(tables))
            except Exception:  # the server went away: try again shortly
                log.warning("change feed lost its connection; retrying", exc_info=True)
                self._ready.set()
                self._stop.wait(2)


def _changes(tables: set[str]) -> Changes:
    collector = Collector()
    for table in tables:
        collector.wrote(table)
    return collector.changes()
