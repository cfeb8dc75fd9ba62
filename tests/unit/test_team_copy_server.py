"""`recruiter copy --to URL` into a new server database: it already holds its migrations' seed
rows, which the copy replaces (the checksum of the seeds read on the destination's own
connection must not leave that connection streaming)."""

from __future__ import annotations

from pathlib import Path

from recruiter.services import candidates, demo
from recruiter.store import copying
from recruiter.store.database import Database
from recruiter.store.opening import open_database


def test_a_file_copies_into_a_new_database_holding_only_its_seeds(
    db: Database, tmp_path: Path
) -> None:
    source = open_database(tmp_path / "office.db", user="tester")
    try:
        demo.generate(source, size=30, seed=8)
        report = copying.copy(source, db)
        assert {t.table: t.rows for t in report.tables}["candidate"] == 30
        with source.engine.connect() as a, db.engine.connect() as b:
            for table in copying.tables():
                assert copying.checksum(a, table) == copying.checksum(b, table), table.name
    finally:
        source.dispose()
    assert candidates.create(db, full_name="After The Move") > 30
