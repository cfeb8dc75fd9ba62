"""Id sequences after writes that chose ids themselves.

Bulk writers (demo data, a copy of another database, an import that links rows by id) write ids
explicitly for speed. SQLite's next rowid is always max(id)+1, but a PostgreSQL sequence knows
nothing of ids it did not hand out, so the next ordinary INSERT would collide ("duplicate key value
violates unique constraint pk_candidate ... Key (id)=(1)"). Every INSERT that wrote explicit ids
moves its table's sequence past them right after it ran (store.database's after_execute hook calls
`advance`), whatever the table: an ordinary insert later in the same transaction is safe too.
`reset_all` does every table, after a copy or a repair. Sequences only ever move
forward, so a concurrent writer's id that is already handed out is never handed out again.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Table, inspect, text

from recruiter.i18n import _


def id_tables(names: Iterable[str] | None = None) -> list[Table]:
    """Tables whose primary key is a single integer `id` (the ones with a sequence)."""
    from sqlmodel import SQLModel  # deferred: start-up time

    tables = SQLModel.metadata.tables
    chosen = tables.values() if names is None else (tables[n] for n in names if n in tables)
    return [
        t
        for t in chosen
        if [c.name for c in t.primary_key.columns] == ["id"] and t.c.id.type.python_type is int
    ]


def advance(conn: Connection, names: Iterable[str] | None = None) -> None:
    """Move each table's id sequence past its largest id (PostgreSQL; a no-op on SQLite)."""
    if conn.dialect.name != "postgresql":
        return
    existing = set(inspect(conn).get_table_names()) if names is None else None
    for table in id_tables(names):
        if existing is not None and table.name not in existing:
            continue
        conn.execute(
            text(
                "SELECT setval(s.seq, m.top) FROM "
                "(SELECT pg_get_serial_sequence(:t, 'id') AS seq) s, "
                f'(SELECT max(id) AS top FROM "{table.name}") m '
                "WHERE s.seq IS NOT NULL AND m.top IS NOT NULL "
                "AND m.top > coalesce(pg_sequence_last_value(s.seq::regclass), 0)"
            ).bindparams(t=table.name)
        )


def reset_all(conn: Connection) -> None:
    """Every table's sequence past its largest id (after a copy, a restore or a repair)."""
    advance(conn, None)


def behind(conn: Connection) -> list[str]:
    """Tables whose sequence would hand out an id that is already taken (`recruiter check`)."""
    if conn.dialect.name != "postgresql":
        return []
    problems = []
    existing = set(inspect(conn).get_table_names())
    for table in id_tables():
        if table.name not in existing:
            continue
        row = conn.execute(
            text(
                f"SELECT (SELECT max(id) FROM \"{table.name}\"), pg_get_serial_sequence(:t, 'id')"
            ).bindparams(t=table.name)
        ).one()
        top, seq = row
        if top is None or seq is None:
            continue
        last = conn.execute(
            text("SELECT coalesce(pg_sequence_last_value(CAST(:s AS regclass)), 0)"), {"s": seq}
        ).scalar_one()
        if last < top:
            problems.append(
                _("the id sequence of {name} is behind its rows").format(name=table.name)
            )
    return problems
