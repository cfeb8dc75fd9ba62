"""Shared fixtures: every test gets its own data directory and database; nothing touches ~."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from recruiter.store.database import Database
    from tests.factories import Sample

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["RECRUITER_BUSY_TIMEOUT_MS"] = "200"
# Tests assert English texts whatever the machine's locale; a test about Chinese switches itself.
os.environ["RECRUITER_LANG"] = "en"


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point the data directory, QSettings and RECRUITER_DB at a temporary folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("RECRUITER_DB", raising=False)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Every test starts in English, and one that switched language cannot leak it."""
    from recruiter import i18n

    i18n.set_language(i18n.ENGLISH)
    yield
    i18n.set_language(i18n.ENGLISH)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "recruiter.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    """A fresh, migrated database."""
    from recruiter.store.opening import open_database

    database = open_database(db_path, user="tester")
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo database generated once per test session; copy it before writing."""
    from recruiter.services import demo
    from recruiter.store.opening import open_database

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    database = open_database(path, user="tester")
    demo.generate(database, size=300, seed=1)
    database.dispose()
    return path


def _copy_database(src_path: Path, dst_path: Path) -> None:
    """A consistent copy through SQLite's backup API (a template is never written to)."""
    import sqlite3

    src = sqlite3.connect(src_path)
    dst = sqlite3.connect(dst_path)
    src.backup(dst)
    src.close()
    dst.close()


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A private copy of the demo database."""
    from recruiter.store.opening import open_database

    path = tmp_path / "demo.db"
    _copy_database(demo_template, path)
    database = open_database(path, user="tester")
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Sample]:
    """The hand-built reporting sample (tests/factories.py), built once: migrations are the slow
    part. Copy it before writing."""
    from recruiter.store.opening import open_database
    from tests.factories import build_sample

    path = tmp_path_factory.mktemp("sample") / "sample.db"
    database = open_database(path, user="tester")
    built = build_sample(database)
    database.dispose()
    return path, built


@pytest.fixture
def sample(sample_template: tuple[Path, Sample], tmp_path: Path) -> Iterator[Sample]:
    """A private copy of the reporting sample."""
    from recruiter.store.opening import open_database

    template, built = sample_template
    path = tmp_path / "sample.db"
    _copy_database(template, path)
    database = open_database(path, user="tester")
    yield replace(built, db=database)
    database.dispose()
