"""The test suite on PostgreSQL (`--db-url URL` or RECRUITER_TEST_DB_URL): every test that asks
for a database gets a fresh one on that server, cloned from a template migrated (or filled)
once per session. CREATE DATABASE ... TEMPLATE copies files: much faster than migrating again."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from recruiter.store.database import Database

ENV = "RECRUITER_TEST_DB_URL"


class Server:
    """One PostgreSQL server the suite makes and drops its databases on."""

    def __init__(self, url: str) -> None:
        from recruiter.store.postgres import normalise_url

        self.url = make_url(normalise_url(url))
        self.prefix = f"rt{os.getpid()}_"
        self._n = itertools.count(1)
        self.admin: Engine = create_engine(
            self.url.set(database=self.url.database or "postgres"), isolation_level="AUTOCOMMIT"
        )
        self.templates: dict[str, str] = {}

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def _create(self, name: str, template: str | None = None) -> None:
        clause = f' TEMPLATE "{template}"' if template else ""
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))

    def drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def template(self, key: str, fill: Callable[[Database], object]) -> str:
        """A database migrated and filled by `fill`, made once per session."""
        if key not in self.templates:
            from recruiter.store.opening import open_database

            name = f"{self.prefix}tpl_{key}"
            self.drop(name)
            self._create(name)
            database = open_database(self.url_of(name), user="tester")
            try:
                fill(database)
            finally:
                database.dispose()
            self.templates[key] = name
        return self.templates[key]

    def fresh(self, key: str, fill: Callable[[Database], object]) -> str:
        """A new database cloned from template `key`; returns its name."""
        template = self.template(key, fill)
        name = f"{self.prefix}{next(self._n)}"
        self._create(name, template)
        return name

    def close(self) -> None:
        with self.admin.connect() as conn:
            names = conn.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                {"p": self.prefix + "%"},
            ).scalars()
            for name in list(names):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()
