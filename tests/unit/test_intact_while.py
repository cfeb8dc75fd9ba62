"""store.check.intact_while: the integrity check an export used to wait for runs beside it, and
still no workbook made from a damaged database is kept (issue 16's export budget, issue 15's
guarantee)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from recruiter.errors import StoreError
from recruiter.exchange.workbook import ExportCancelled
from recruiter.services import exporting
from recruiter.store import check
from recruiter.store.database import Database

pytestmark = pytest.mark.sqlite_only(reason="damages SQLite's file")


def _damage(path: Path, table: str) -> None:
    """Zero the root page of `table`, as a failing disk would."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    conn.close()
    with path.open("r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\0" * page_size)


def _checks_running() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "quick_check"]


def test_a_damage_the_export_never_reads_still_keeps_the_old_file(
    demo_db: Database, tmp_path: Path
) -> None:
    path = demo_db.path
    assert path is not None
    demo_db.dispose()
    _damage(path, "audit_entry")  # no sheet reads the audit trail: the workbook is finished
    db = Database(f"sqlite:///{path}")
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "report.xlsx"
    out.write_bytes(b"last week's report")
    try:
        with (
            pytest.raises(StoreError, match="is damaged"),
            check.intact_while(db, "export") as require,
        ):
            exporting.export_workbook(db, out, before_save=require)
    finally:
        db.dispose()
    assert out.read_bytes() == b"last week's report"
    assert [p.name for p in folder.iterdir()] == ["report.xlsx"]  # no temporary file left
    assert not _checks_running()


def test_an_intact_database_exports_and_the_check_is_done(
    demo_db: Database, tmp_path: Path
) -> None:
    out = tmp_path / "report.xlsx"
    with check.intact_while(demo_db, "export") as require:
        result = exporting.export_workbook(demo_db, out, before_save=require)
    assert result.file == out and out.stat().st_size > 0
    assert not _checks_running()


def test_work_that_never_asks_is_still_refused(demo_db: Database) -> None:
    path = demo_db.path
    assert path is not None
    demo_db.dispose()
    _damage(path, "audit_entry")
    db = Database(f"sqlite:///{path}")
    try:
        with pytest.raises(StoreError, match="is damaged"), check.intact_while(db, "export"):
            pass
    finally:
        db.dispose()


def test_a_cancelled_export_stops_the_check(demo_db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(ExportCancelled), check.intact_while(demo_db, "export") as require:
        exporting.export_workbook(
            demo_db, folder / "r.xlsx", cancelled=lambda: True, before_save=require
        )
    assert not _checks_running()
    assert list(folder.iterdir()) == []
