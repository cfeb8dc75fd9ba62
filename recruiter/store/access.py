"""What the signed-in role may do, asked of the server once per open database, so that screens,
searches and exports ask only for what it lets this person read (a viewer whose contact columns
are hidden by `team init --hide-contacts`) instead of failing with "permission denied".

The server enforces the rules (store/roles.py); this module only reads them. A SQLite file hides
nothing; it is read-only when the file is (`Database.read_only`).

ORM loads of a table with hidden columns leave those columns out of the SELECT and give the
attributes `None` (`_defer_hidden`, `_blank_hidden`, installed when the first such role signs in),
so services that load a whole `Candidate` keep working for such a viewer.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event, text

if TYPE_CHECKING:
    from sqlalchemy.orm import ORMExecuteState, Session

    from .database import Database


@dataclass(frozen=True)
class Access:
    """The signed-in role's rights: whether it may write, and the columns it may not read."""

    can_write: bool = True
    hidden: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def hidden_in(self, table: str) -> frozenset[str]:
        return self.hidden.get(table, frozenset())

    def readable(self, table: str, columns: tuple[str, ...]) -> tuple[str, ...]:
        gone = self.hidden_in(table)
        return tuple(c for c in columns if c not in gone)

    @property
    def hides_anything(self) -> bool:
        return any(self.hidden.values())


_FULL = Access()
_by_engine: weakref.WeakKeyDictionary[Engine, Access] = weakref.WeakKeyDictionary()
# Engines whose role cannot read some columns: the ORM hooks below do nothing while it is empty.
_hiding: weakref.WeakKeyDictionary[Engine, Access] = weakref.WeakKeyDictionary()

# The catalog, not information_schema.columns: that view lists only the columns one may read.
_HIDDEN_SQL = text(
    "SELECT c.relname, a.attname FROM pg_attribute a "
    "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v') "
    "AND a.attnum > 0 AND NOT a.attisdropped "
    "AND NOT has_column_privilege(c.oid, a.attnum, 'SELECT')"
)


def of(db: Database) -> Access:
    """The rights of `db`'s role, read from the server the first time they are asked for."""
    if db.is_sqlite:
        return Access(can_write=not db.read_only) if db.read_only else _FULL
    known = _by_engine.get(db.engine)
    if known is None:
        known = _by_engine[db.engine] = read(db.engine)
        if known.hides_anything:
            _hiding[db.engine] = known
            _install()
    return known


def on(engine: Engine) -> Access:
    """The rights already read for this engine (everything, if none were read)."""
    return _hiding.get(engine, _FULL)


def read(engine: Engine) -> Access:
    with engine.connect() as conn:
        can_write = bool(
            conn.execute(text("SELECT has_table_privilege('candidate', 'UPDATE')")).scalar_one()
        )
        hidden: dict[str, set[str]] = {}
        for table, column in conn.execute(_HIDDEN_SQL):
            hidden.setdefault(str(table), set()).add(str(column))
    return Access(can_write, {t: frozenset(cs) for t, cs in hidden.items()})


def _known(session: Session) -> Access:
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else getattr(bind, "engine", None)
    return _hiding.get(engine, _FULL) if engine is not None else _FULL


def _defer_hidden(state: ORMExecuteState) -> None:
    """Leave the columns this role may not read out of ORM SELECTs of their tables."""
    if not _hiding or not state.is_select:
        return
    rights = _known(state.session)
    if not rights.hides_anything:
        return
    from sqlalchemy.orm import defer

    options: list[Any] = []
    for described in getattr(state.statement, "column_descriptions", ()):
        entity = described.get("entity")
        if entity is None or described.get("expr") is not entity:
            continue  # a column expression names only what it reads
        table = getattr(entity, "__tablename__", None)
        gone = rights.hidden_in(table) if isinstance(table, str) else frozenset()
        options.extend(defer(getattr(entity, c)) for c in sorted(gone) if hasattr(entity, c))
    if options:
        state.statement = state.statement.options(*options)


def _blank_hidden(target: Any, context: Any) -> None:
    """An instance loaded without its hidden columns reads them as None (not another SELECT
    that the server would refuse)."""
    if not _hiding:
        return
    session = context.session
    if session is None:
        return
    from sqlalchemy.orm.attributes import set_committed_value

    rights = _known(session)
    gone = rights.hidden_in(target.__table__.name)
    for name in gone:
        if name not in target.__dict__:
            set_committed_value(target, name, None)


def _install() -> None:
    """The two ORM hooks, from the first role that cannot read everything on (nobody else
    pays for them). The ORM is imported here, not at the top: `recruiter check` never loads it."""
    from sqlalchemy.orm import Mapper, Session

    if not event.contains(Session, "do_orm_execute", _defer_hidden):
        event.listen(Session, "do_orm_execute", _defer_hidden)
        event.listen(Mapper, "load", _blank_hidden)
