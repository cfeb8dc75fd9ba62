"""What a committed unit of work announces (`Changes`), and driver errors explained by their
SQLite result code."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from recruiter.domain.changes import Changes, Collector, Kind
from recruiter.domain.enums import Stage
from recruiter.domain.models import Institution
from recruiter.services import activities, applications, demo, institutions
from recruiter.store.database import Database, explain
from tests.unit.test_offers import make_world


def collect(db: Database) -> list[Changes]:
    seen: list[Changes] = []
    db.subscribe(seen.append)
    return seen


def test_a_service_write_announces_its_kind_and_ids(db: Database) -> None:
    seen = collect(db)
    iid = institutions.create(db, name="Fudan University", name_zh="复旦大学")
    did = institutions.add_department(db, iid, "School of Physics")
    assert [c.kinds for c in seen] == [{Kind.institution}, {Kind.department}]
    assert seen[0].ids_of(Kind.institution) == {iid}
    assert seen[1].ids_of(Kind.department) == {did}
    assert seen[1].ids_of(Kind.institution) == frozenset()  # untouched


def test_rows_written_without_an_audit_entry_are_announced_too(db: Database) -> None:
    world = make_world(db)
    seen = collect(db)
    applications.move(db, world.apps[0], Stage.offer)
    (changes,) = seen
    # The audit log names the application; the stage_event row is seen on its way to SQLite.
    assert {Kind.application, Kind.stage_event} <= changes.kinds
    assert changes.ids_of(Kind.application) == {world.apps[0]}


def test_nothing_is_announced_on_rollback_or_for_reads(db: Database) -> None:
    seen = collect(db)
    with pytest.raises(RuntimeError), db.session() as s:
        s.add(Institution(name="Never saved"))
        s.flush()
        raise RuntimeError("abandon")
    institutions.list_all(db)
    activities.due(db)
    assert seen == []


def test_unsubscribe(db: Database) -> None:
    seen: list[Changes] = []
    stop = db.subscribe(seen.append)
    institutions.create(db, name="One")
    stop()
    institutions.create(db, name="Two")
    assert len(seen) == 1


def test_a_failing_subscriber_does_not_undo_the_write(db: Database) -> None:
    def broken(_c: Changes) -> None:
        raise ValueError("subscriber bug")

    db.subscribe(broken)
    iid = institutions.create(db, name="Kept")
    assert [i.id for i in institutions.list_all(db)] == [iid]


def test_demo_load_announces_everything(db: Database) -> None:
    seen = collect(db)
    demo.generate(db, size=20, seed=2)
    # The bulk load announces everything (later steps, such as the visa clocks' stored next
    # deadlines, may announce their own small changes after it).
    changes = next(c for c in seen if c.everything)
    assert all(changes.touches({k}) for k in Kind)
    assert changes.ids_of(Kind.institution) is None  # unknown: anything may have changed


def test_changes_merge_and_answer_questions() -> None:
    a = Changes.of(Kind.offer)
    c = Collector()
    c.noted("offer_item", 4)
    c.wrote("offer_item")
    c.wrote("audit_entry")  # bookkeeping, not an entity kind
    b = c.changes()
    merged = a | b
    assert merged.kinds == {Kind.offer, Kind.offer_item}
    assert merged.ids_of(Kind.offer_item) == {4}
    assert merged.ids_of(Kind.offer) is None  # written without a known id
    assert merged.touches([Kind.offer]) and not merged.touches([Kind.candidate])
    assert not Changes() and merged


def test_bulk_rows_without_ids_make_the_ids_unknown() -> None:
    c = Collector()
    c.noted("candidate", 3)
    c.noted("candidate", None)
    assert c.changes().ids_of(Kind.candidate) is None


def test_explain_reads_the_sqlite_result_code(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n")
    conn = sqlite3.connect(bogus)
    with pytest.raises(sqlite3.DatabaseError) as caught:
        conn.execute("SELECT * FROM sqlite_master")
    conn.close()
    assert caught.value.sqlite_errorname == "SQLITE_NOTADB"
    assert "not a Recruiter database or is damaged" in str(explain(caught.value, "x.db"))


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("SQLITE_BUSY", "is locked by another program"),
        ("SQLITE_BUSY_SNAPSHOT", "is locked by another program"),
        ("SQLITE_LOCKED", "is locked by another program"),
        ("SQLITE_FULL", "is full"),
        ("SQLITE_CORRUPT_INDEX", "is damaged"),
        ("SQLITE_READONLY_DBMOVED", "cannot be written"),
        ("SQLITE_CANTOPEN", "cannot be written"),
        ("SQLITE_IOERR_READ", "could not be used"),
    ],
)
def test_explain_trusts_the_code_over_the_wording(code: str, says: str) -> None:
    exc = sqlite3.OperationalError("misleading words: locked, disk full, malformed, readonly")
    exc.sqlite_errorname = code
    assert says in str(explain(exc, "the database"))


def test_explain_falls_back_to_the_message_without_a_code() -> None:
    assert "is locked" in str(explain(RuntimeError("database is locked")))
    assert "could not be used" in str(explain(RuntimeError("something else")))
