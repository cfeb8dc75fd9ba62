"""Schema versions: Alembic migrations applied at start-up, a newer database refused untouched."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, inspect

from recruiter.errors import StoreError

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str = "sqlite://") -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def schema_state(engine: Engine) -> tuple[str | None, str]:
    """('current revision or None', 'empty' | 'current' | 'behind' | 'newer' | 'foreign')."""
    with engine.connect() as conn:
        rev = current_revision(conn)
        if rev is None:
            tables = set(inspect(conn).get_table_names())
            return None, ("empty" if not tables - {"alembic_version"} else "foreign")
    if rev == head_revision():
        return rev, "current"
    if rev in known_revisions():
        return rev, "behind"
    return rev, "newer"


def upgrade(engine: Engine) -> None:
    cfg = alembic_config(str(engine.url))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        try:
            command.upgrade(cfg, "head")
        except CommandError as exc:  # pragma: no cover - guarded by schema_state first
            raise StoreError(f"The database schema could not be upgraded: {exc}") from exc
