"""Where the database lives: --db, then RECRUITER_DB, then the user's data directory."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "Recruiter"
DB_FILE = "recruiter.db"


def default_path() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False)) / DB_FILE


def resolve(location: str | os.PathLike[str] | None = None) -> str:
    """An SQLAlchemy URL for the chosen database."""
    chosen = str(location) if location else os.environ.get("RECRUITER_DB") or str(default_path())
    if "://" in chosen:
        from .postgres import normalise_url

        return normalise_url(chosen)
    return "sqlite:///" + str(Path(chosen).expanduser().absolute())


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other backends and in-memory databases."""
    if not url.startswith("sqlite"):
        return None
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if not path or path == ":memory:":
        return None
    return Path(path.split("?", 1)[0])
