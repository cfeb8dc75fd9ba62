"""A database that can only be read opens read-only: it can be looked at, a save is refused
with one clear message, and nothing is written (not even beside the file)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from recruiter.errors import StoreError
from recruiter.services import candidates
from recruiter.store import location, migrate
from recruiter.store.opening import open_database


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def unwritable(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """From the call on, the database file may not be written. The tests run as root, which
    ignores permission bits: the check is simulated, and SQLite's read-only mode (which binds
    root too) does the rest."""
    import recruiter.store.opening as opening

    def make() -> None:
        monkeypatch.setattr(opening, "_can_write", lambda _path: False)

    return make


def test_a_read_only_database_opens_read_only(
    db_path: Path, unwritable: Callable[[], None]
) -> None:
    first = open_database(db_path, user="tester")
    assert not first.read_only
    candidates.create(first, full_name="Wei Zhang", email="wz@example.edu")
    first.dispose()
    unwritable()
    before = _sha(db_path)
    beside = sorted(p.name for p in db_path.parent.iterdir())

    db = open_database(db_path, user="tester")
    try:
        assert db.read_only
        assert candidates.count(db) == 1  # reading works
        with pytest.raises(StoreError, match="open read-only") as err:
            candidates.create(db, full_name="Na Li")
        assert "copy it to a folder you may write to" in str(err.value)
        with pytest.raises(StoreError, match="open read-only"), db.transaction() as conn:
            conn.execute(text("UPDATE candidate SET notes = 'x'"))
        assert candidates.count(db) == 1
    finally:
        db.dispose()
    assert _sha(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == beside


def test_a_read_only_database_that_needs_an_upgrade_is_refused(
    db_path: Path, unwritable: Callable[[], None]
) -> None:
    older = sorted(migrate.known_revisions())[-2]
    command.upgrade(migrate.alembic_config(location.resolve(db_path)), older)
    unwritable()
    before = _sha(db_path)
    with pytest.raises(StoreError, match="can only be read") as err:
        open_database(db_path, user="tester")
    assert migrate.HEAD in str(err.value)
    assert _sha(db_path) == before
