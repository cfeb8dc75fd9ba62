"""Holding rows for the rest of a transaction, so a check and the write that depends on it cannot
interleave with another officer's (the budget guard: balances read, then an offer approved).

PostgreSQL: SELECT ... FOR UPDATE; a second transaction waits (up to lock_timeout) and then reads
the first one's committed result. SQLite has no row locks, and Python's driver reads outside any
transaction until the first write, so the check would read a state another writer is about to
change: a no-op UPDATE of the rows takes the database's write lock first, and every read after it
sees the latest commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, text


def lock_rows(conn: Connection, table: str, ids: Iterable[int]) -> None:
    wanted = sorted(set(ids))  # one order for everyone: no deadlock between two lockers
    if not wanted:
        return
    if conn.dialect.name == "postgresql":
        stmt = text(f'SELECT id FROM "{table}" WHERE id IN :ids ORDER BY id FOR UPDATE')
    else:
        stmt = text(f'UPDATE "{table}" SET id = id WHERE id IN :ids')
    conn.execute(stmt.bindparams(bindparam("ids", expanding=True)), {"ids": wanted})
