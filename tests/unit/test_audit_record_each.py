"""`audit.record_each` writes exactly the rows `record_many` would, set-based."""

from __future__ import annotations

from sqlalchemy import select, text

from recruiter.domain.models import Candidate
from recruiter.services import audit, candidates
from recruiter.store.database import Database


def test_record_each_writes_what_record_many_writes(db: Database) -> None:
    ids = [candidates.create(db, full_name=f"Person {i}") for i in range(3)]
    row = audit.entry("tester", "candidate", None, "import_create", {"import_batch": 7})
    source = select(Candidate.__table__.c.id).where(Candidate.__table__.c.id.in_(ids))  # type: ignore[attr-defined]
    query = text(
        'SELECT at, "user", entity, entity_id, action, changes FROM audit_entry '
        "WHERE action = :a ORDER BY entity_id"
    )
    with db.engine.begin() as conn:
        audit.record_each(conn, row, source, ids)
        each = conn.execute(query, {"a": "import_create"}).all()
        conn.execute(text("DELETE FROM audit_entry WHERE action = 'import_create'"))
        audit.record_many(conn, [{**row, "entity_id": i} for i in ids])
        many = conn.execute(query, {"a": "import_create"}).all()
    assert len(each) == 3 and each == many
