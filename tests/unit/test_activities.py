"""Activities: logging, follow-ups due, mark done, delete and restore exactly."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from recruiter.domain.enums import ActivityKind
from recruiter.errors import ValidationError
from recruiter.services import activities, candidates


def test_log_due_done_delete_restore(db) -> None:
    cid = candidates.create(db, full_name="Li Na", name_zh="李娜")
    today = date.today()
    overdue = activities.log(db, cid, "task", "Send forms", due_on=today - timedelta(days=2))
    due_today = activities.log(db, cid, ActivityKind.call, "Call", due_on=today.isoformat())
    activities.log(db, cid, "task", "Next month", due_on=today + timedelta(days=30))
    plain = activities.log(db, cid, "note", "Strong candidate")
    assert [f.activity_id for f in activities.due(db)] == [overdue, due_today]
    assert activities.due(db)[0].overdue and not activities.due(db)[1].overdue
    assert activities.due(db)[0].name_zh == "李娜"
    assert activities.set_done(db, overdue) is False
    assert [f.activity_id for f in activities.due(db)] == [due_today]
    with db.engine.connect() as conn:
        before = conn.execute(text("SELECT * FROM activity WHERE id=:i"), {"i": plain}).one()
    snap = activities.delete(db, plain)
    activities.restore(db, snap)
    with db.engine.connect() as conn:
        after = conn.execute(text("SELECT * FROM activity WHERE id=:i"), {"i": plain}).one()
        audits = conn.execute(
            text(
                "SELECT action FROM audit_entry WHERE entity='activity' "
                "AND entity_id=:i ORDER BY id"
            ),
            {"i": plain},
        ).all()
    assert tuple(before) == tuple(after)
    assert [a[0] for a in audits] == ["create", "delete", "restore"]


def test_log_validation(db) -> None:
    cid = candidates.create(db, full_name="Li Na")
    with pytest.raises(ValidationError) as err:
        activities.log(db, cid, "fax", "", due_on="next week")
    assert set(err.value.errors) == {"kind", "summary", "due_on"}
