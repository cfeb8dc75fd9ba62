"""One real transaction around schema changes, so a failure or a kill leaves the old schema.

Python's sqlite3 driver manages transactions itself: it opens one only before INSERT, UPDATE,
DELETE and REPLACE, so DDL (CREATE INDEX, CREATE TABLE, ...) runs in autocommit mode and commits
statement by statement. SQLite itself has transactional DDL; this takes the driver out of the way
(``isolation_level = None`` on the DBAPI connection, as SQLAlchemy's pysqlite notes advise) and
emits ``BEGIN IMMEDIATE`` ourselves, which also takes the write lock before anything is read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

from sqlalchemy import Connection, Engine


@contextmanager
def ddl_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection inside one transaction that commits at the end and rolls back on any error,
    DDL included."""
    with engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            with conn.begin():  # PostgreSQL's DDL is transactional without help
                yield conn
            return
        raw = cast(sqlite3.Connection, conn.connection.dbapi_connection)
        saved = raw.isolation_level
        raw.isolation_level = None
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
        finally:
            raw.isolation_level = saved
