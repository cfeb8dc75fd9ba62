"""The schema the migrations make, remembered between runs so `recruiter check` need not load
Alembic and replay every migration each time (that took most of its half second).

The reference is built once by migrating an empty in-memory database to HEAD and saved in the
user's cache folder under a key made of the migration scripts' bytes and the library versions
that turn them into SQL: any change to either makes a new key, so a stale copy is never read.
A cache that cannot be read or written is simply rebuilt; it is never a reason to fail.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from functools import cache
from importlib import metadata
from pathlib import Path

from . import migrate

Schema = dict[tuple[str, str], tuple[str, str]]
APP_NAME = "Recruiter"


def _key() -> str:
    digest = hashlib.sha256()
    for path in sorted(migrate.MIGRATIONS.rglob("*.py")):
        digest.update(str(path.relative_to(migrate.MIGRATIONS)).encode())
        digest.update(path.read_bytes())
    for dist in ("sqlalchemy", "alembic", "sqlmodel"):
        try:
            digest.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(dist.encode())
    digest.update(sqlite3.sqlite_version.encode())
    return f"{migrate.HEAD}-{digest.hexdigest()[:24]}"


def cache_file() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False)) / "schema" / f"{_key()}.json"


def build() -> Schema:
    """{(type, name): (table, sql)} of an empty in-memory database migrated to HEAD."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    engine = create_engine("sqlite://", poolclass=StaticPool)
    try:
        migrate.upgrade(engine)
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT type, name, tbl_name, sql FROM sqlite_master "
                "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
            ).all()
    finally:
        engine.dispose()
    return {(kind, name): (table, sql) for kind, name, table, sql in rows}


def _load(path: Path) -> Schema | None:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        schema = {(k, n): (t, s) for k, n, t, s in rows}
    except (OSError, ValueError, TypeError):
        return None
    if not all(isinstance(v, str) for item in schema.items() for part in item for v in part):
        return None
    return schema or None


def _save(path: Path, schema: Schema) -> None:
    rows = [[k, n, t, s] for (k, n), (t, s) in schema.items()]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".schema-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(rows, fh)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only home: the next run builds it again


@cache
def reference_schema() -> Schema:
    """The migrations' schema at HEAD: from the cache when it holds this exact version."""
    try:
        path: Path | None = cache_file()
    except OSError:
        path = None
    if path is not None:
        cached = _load(path)
        if cached is not None:
            return cached
    schema = build()
    if path is not None:
        _save(path, schema)
    return schema
