"""The cached reference schema `recruiter check` compares with: the migrations' own, rebuilt
when the cache is missing or damaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from recruiter.store import schema_cache


@pytest.fixture
def fresh_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    schema_cache.reference_schema.cache_clear()
    yield schema_cache.cache_file()
    schema_cache.reference_schema.cache_clear()


def test_the_cached_schema_is_the_migrations_schema(fresh_cache: Path) -> None:
    built = schema_cache.build()
    assert ("table", "candidate") in built and ("trigger", "candidate_fts_ai") in built
    assert not fresh_cache.exists()
    assert schema_cache.reference_schema() == built
    assert fresh_cache.exists()
    schema_cache.reference_schema.cache_clear()
    assert schema_cache._load(fresh_cache) == built
    assert schema_cache.reference_schema() == built


def test_a_damaged_cache_is_rebuilt(fresh_cache: Path) -> None:
    fresh_cache.parent.mkdir(parents=True)
    fresh_cache.write_text('[["table", "candidate"]]', encoding="utf-8")
    assert schema_cache.reference_schema() == schema_cache.build()
    assert schema_cache._load(fresh_cache) == schema_cache.build()


def test_the_key_names_the_head_and_changes_with_the_scripts(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from recruiter.store import migrate

    assert fresh_cache.name.startswith(f"{migrate.HEAD}-")
    other = tmp_path / "migrations"
    (other / "versions").mkdir(parents=True)
    (other / "versions" / "0001_x.py").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(migrate, "MIGRATIONS", other)
    assert schema_cache.cache_file() != fresh_cache
