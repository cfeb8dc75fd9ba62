"""Alembic environment: runs on the connection the app hands over (see store/migrate.py)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine
from sqlmodel import SQLModel

import recruiter.domain.models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata


def run() -> None:
    connection: Connection | None = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # Run by the `alembic` command itself (e.g. to write a migration): open the configured URL.
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("No sqlalchemy.url in the Alembic configuration.")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()  # its pooled connection would otherwise be closed by the collector


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # store/migrate.py's fault hook for the kill tests; nothing otherwise.
        on_version_apply=config.attributes.get("on_version_apply", ()),
    )
    with context.begin_transaction():
        context.run_migrations()


run()
