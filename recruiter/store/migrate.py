"""Schema versions: Alembic migrations applied at start-up, a newer database refused untouched.

An upgrade is one transaction (see ddl_transaction.py): a failure or a kill leaves the database at
its old revision. Before anything is written, each pending migration may check the data it needs
(a module-level ``preconditions(bind) -> list[str]``); any problem refuses the upgrade with a
message naming the rows to fix.

Alembic is imported only when a database is not at HEAD, so opening a current database (every
start-up) costs one read of ``alembic_version`` and nothing more.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, inspect, text

from recruiter.errors import StoreError
from recruiter.i18n import _

from .ddl_transaction import ddl_transaction

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration. A test holds it equal to the scripts' head, so that the start-up path can
# tell a current database without loading Alembic and parsing every migration.
HEAD = "0016"
# Tests only: "upgrade:after-0003" ends the process (os._exit) once step 0003 has run inside the
# upgrade's transaction, as a kill -9 at that moment would.
FAULT_ENV = "RECRUITER_TEST_FAULT"
# Tables every Recruiter schema has: an unknown revision with none of them is another program's.
CORE_TABLES = frozenset({"candidate", "institution", "target", "application", "offer"})
_SHOWN = 20  # rows named in a refusal


class UpgradeRefused(StoreError):
    """The data breaks a rule a pending migration adds; nothing was changed."""

    def __init__(
        self, revision: str | None, problems: list[str], where: str = "The database"
    ) -> None:
        self.revision = revision
        self.problems = problems
        shown = problems[:_SHOWN]
        more = (
            _("; and {n} more").format(n=len(problems) - _SHOWN) if len(problems) > _SHOWN else ""
        )
        super().__init__(
            _(
                "{where} cannot be upgraded from schema {revision} to {head} until these are "
                "fixed: {problems}. Fix them with the version of Recruiter that wrote the file, "
                "then open it again. The file was not changed."
            ).format(
                where=_("The database") if where == "The database" else where,
                revision=revision,
                head=HEAD,
                problems="; ".join(shown) + more,
            )
        )


def alembic_config(url: str = "sqlite://") -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    return HEAD


def script_head() -> str:
    """The head as the migration scripts say (loads Alembic; tests compare it with HEAD)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def classify(rev: str | None, tables: Iterable[str]) -> str:
    """'empty' | 'current' | 'behind' | 'newer' | 'foreign' for a revision and the table names."""
    names = set(tables)
    if rev is None:
        return "empty" if not names - {"alembic_version"} else "foreign"
    if rev == HEAD:
        return "current"
    if rev in known_revisions():
        return "behind"
    # Another program's Alembic database has an unknown revision too; ours has our tables.
    return "newer" if names & CORE_TABLES else "foreign"


def schema_state(engine: Engine) -> tuple[str | None, str]:
    """('current revision or None', 'empty' | 'current' | 'behind' | 'newer' | 'foreign')."""
    with engine.connect() as conn:
        rev = current_revision(conn)
        tables = inspect(conn).get_table_names() if rev != HEAD else []
    return rev, classify(rev, tables)


def preconditions(conn: Connection, from_rev: str | None) -> list[str]:
    """What the data must fix before the migrations after `from_rev` can run (empty: none)."""
    if from_rev is None or from_rev == HEAD:
        return []
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    problems: list[str] = []
    for rev in reversed(list(script.iterate_revisions("head", from_rev))):
        check = getattr(rev.module, "preconditions", None)
        if check is not None:
            problems.extend(check(conn))
    return problems


def upgrade(engine: Engine) -> None:
    """Migrate to HEAD in one transaction, or raise UpgradeRefused/StoreError with nothing
    changed."""
    from alembic import command
    from alembic.util.exc import CommandError

    cfg = alembic_config(str(engine.url))
    with ddl_transaction(engine) as conn:
        rev = current_revision(conn)
        problems = preconditions(conn, rev)
        if problems:
            raise UpgradeRefused(rev, problems)
        cfg.attributes["connection"] = conn
        cfg.attributes["on_version_apply"] = [_fault_hook]
        try:
            command.upgrade(cfg, "head")
        except CommandError as exc:  # pragma: no cover - guarded by schema_state first
            raise StoreError(
                _("The database schema could not be upgraded: {exc}").format(exc=exc)
            ) from exc


def _fault_hook(*, step: Any, **_kw: Any) -> None:
    if os.environ.get(FAULT_ENV) == f"upgrade:after-{step.up_revision_id}":
        os._exit(70)
