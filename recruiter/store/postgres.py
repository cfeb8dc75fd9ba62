"""PostgreSQL, the shared server a team grows into: its URL, its driver, and what differs.

Everything PostgreSQL-specific that services might otherwise need lives here or in the other
`store/` modules named after what they do (sequences, search_pg, copying, team), so services and UI
stay portable (DESIGN.md §4).
"""

from __future__ import annotations

import importlib.util

from sqlalchemy import Connection, text

from recruiter.errors import StoreError
from recruiter.i18n import _

DRIVER = "psycopg"  # psycopg 3, the `team` extra
INSTALL_HINT = "pip install 'recruiter[team]'"


def is_postgres_url(url: str) -> bool:
    return url.split(":", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")


def normalise_url(url: str) -> str:
    """`postgres://` and `postgresql://` (what servers and hosting panels print) mean psycopg 3,
    the driver the `team` extra installs; SQLAlchemy would otherwise look for psycopg2."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme in ("postgres", "postgresql"):
        return f"postgresql+{DRIVER}://{rest}"
    return url


def require_driver(url: str) -> None:
    """One clear message instead of a traceback when the PostgreSQL driver is not installed."""
    if not is_postgres_url(url):
        return
    driver = url.split("://", 1)[0].partition("+")[2] or "psycopg2"
    if importlib.util.find_spec(driver) is not None:
        return
    if driver != DRIVER:
        raise StoreError(
            _(
                "The URL asks for the PostgreSQL driver {driver}, which is not "
                "installed. Recruiter uses psycopg 3: write the URL as "
                "postgresql://... and install it with: {INSTALL_HINT}"
            ).format(driver=driver, INSTALL_HINT=INSTALL_HINT)
        )
    raise StoreError(
        _(
            "Using a PostgreSQL server needs the psycopg driver, which is not "
            "installed. Install it with: {INSTALL_HINT}"
        ).format(INSTALL_HINT=INSTALL_HINT)
    )


def is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def lock_for_update(conn: Connection, table: str, row_id: int) -> None:
    """Hold `table` #`row_id` until the transaction ends, so that a check of it and the write that
    depends on the check cannot interleave with another officer's (PostgreSQL; SQLite writers are
    serialised by its single write lock already)."""
    if is_postgres(conn):
        conn.execute(text(f'SELECT 1 FROM "{table}" WHERE id = :id FOR UPDATE'), {"id": row_id})


def serialise(conn: Connection, name: str) -> None:
    """Let one transaction at a time past this point for `name` (an import, a bulk load): a
    transaction-scoped advisory lock on PostgreSQL; on SQLite the write lock does it already."""
    if is_postgres(conn):
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})


def is_permission_denied(exc: BaseException) -> bool:
    """The server refused a statement to the signed-in role (SQLSTATE 42501)."""
    return getattr(getattr(exc, "orig", exc), "sqlstate", None) == "42501"


def read_only_role(label: str) -> StoreError:
    return StoreError(
        _(
            "Your sign-in to {label} may read but not change this (it is a "
            "viewer's). Ask the office's administrator for the officer role if you "
            "need to edit."
        ).format(label=label)
    )
