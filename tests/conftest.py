"""Shared fixtures: every test gets its own data directory and database; nothing touches ~."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
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

if TYPE_CHECKING:
    from tests.pg import Server


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db-url",
        default=os.environ.get("RECRUITER_TEST_DB_URL") or None,
        help="run the database fixtures on this PostgreSQL server (a fresh database per test) "
        "instead of SQLite files; also RECRUITER_TEST_DB_URL",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--db-url"):
        # A pooled server connection of an engine nobody disposed is closed by the garbage
        # collector (psycopg warns; sqlite3 is silent). Measured on the whole UI suite: one such
        # connection, collected after the last test (at exit), none inside a test.
        config.addinivalue_line(
            "filterwarnings",
            "ignore:Exception ignored in. <function BaseConnection.__del__"
            ":pytest.PytestUnraisableExceptionWarning",
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--db-url"):
        return
    for item in items:
        mark = item.get_closest_marker("sqlite_only")
        if mark is not None:
            why = mark.kwargs.get("reason") or "about the SQLite file itself"
            item.add_marker(pytest.mark.skip(reason=f"{why}; not run with --db-url"))


@pytest.fixture(scope="session")
def pg_server(request: pytest.FixtureRequest) -> Iterator[Server | None]:
    """The PostgreSQL server of `--db-url`, or None: the fixtures below use SQLite files."""
    url = request.config.getoption("--db-url")
    if not url:
        yield None
        return
    from tests.pg import Server

    server = Server(url)
    yield server
    server.close()


def _on_server(server: Server, key: str, fill: Callable[[Database], object]) -> Iterator[Database]:
    from recruiter.store.opening import open_database

    name = server.fresh(key, fill)
    database = open_database(server.url_of(name), user="tester")
    try:
        yield database
    finally:
        database.dispose()
        server.drop(name)


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


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new database migrated once per session (per xdist worker); copy it before writing.
    Migrating a new file takes ~0.7 s (mostly fsyncs), a copy ~0.04 s, and some 250 tests ask."""
    from recruiter.store.opening import open_database

    path = tmp_path_factory.mktemp("empty") / "empty.db"
    open_database(path, user="tester").dispose()
    return path


@pytest.fixture
def db(request: pytest.FixtureRequest, db_path: Path) -> Iterator[Database]:
    """A fresh, migrated database (on the --db-url server when one is given)."""
    from recruiter.store.opening import open_database

    server: Server | None = request.getfixturevalue("pg_server")
    if server is not None:
        yield from _on_server(server, "empty", lambda _db: None)
        return
    template: Path = request.getfixturevalue("empty_template")
    _copy_database(template, db_path)
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


def _demo(database: Database) -> None:
    from recruiter.services import demo

    demo.generate(database, size=300, seed=1)


@pytest.fixture
def demo_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A private copy of the demo database."""
    from recruiter.store.opening import open_database

    server: Server | None = request.getfixturevalue("pg_server")
    if server is not None:
        yield from _on_server(server, "demo", _demo)
        return
    demo_template: Path = request.getfixturevalue("demo_template")
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
def sample(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Sample]:
    """A private copy of the reporting sample."""
    from recruiter.store.opening import open_database

    server: Server | None = request.getfixturevalue("pg_server")
    if server is not None:
        from tests.factories import build_sample

        kept: list[Sample] = []
        name = server.fresh("sample", lambda d: kept.append(build_sample(d)))
        built_once = _built_samples.setdefault("sample", kept[0] if kept else None)
        assert built_once is not None
        database = open_database(server.url_of(name), user="tester")
        yield replace(built_once, db=database)
        database.dispose()
        server.drop(name)
        return
    template, built = request.getfixturevalue("sample_template")
    path = tmp_path / "sample.db"
    _copy_database(template, path)
    database = open_database(path, user="tester")
    yield replace(built, db=database)
    database.dispose()


_built_samples: dict[str, Sample | None] = {}
