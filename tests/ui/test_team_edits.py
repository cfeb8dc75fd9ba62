"""Several officers on one database, seen from the candidate editor: a save over someone else's
newer change says who changed what, and Reload or Overwrite (audited) resolve it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from recruiter.services import candidates
from recruiter.store.database import Database
from tests.ui.conftest import open_boxes


@pytest.fixture
def ctx(db, qapp) -> Iterator[object]:
    from recruiter.ui.app import make_context

    context = make_context(db)
    yield context
    context.runner.wait()


@pytest.fixture
def detail(ctx, qtbot, db):
    from recruiter.ui.candidate_detail import CandidateDetail

    cid = candidates.create(db, full_name="Wei Zhang", email="wz@mit.edu")
    w = CandidateDetail(ctx)
    qtbot.addWidget(w)
    w.resize(600, 700)
    w.show()
    with qtbot.waitSignal(w.loaded, timeout=10000):
        w.show_candidate(cid)
    return w


def _someone_else_sets_phone(db: Database, cid: int) -> None:
    other = Database(db.url, user="alice")
    try:
        candidates.update(other, cid, phone="+86 27 8888 0000")
    finally:
        other.dispose()


def _answer(qtbot, button: str, seen: list[str]) -> None:
    from recruiter.ui.qt import QtCore

    def click() -> None:
        boxes = open_boxes()
        if not boxes:
            QtCore.QTimer.singleShot(20, click)
            return
        box = boxes[0]
        seen.append(box.text())
        for b in box.buttons():
            if b.text() == button:
                b.click()
                return
        box.reject()

    QtCore.QTimer.singleShot(20, click)


@pytest.mark.parametrize("choice", ["Overwrite", "Reload"])
def test_a_stale_save_says_who_changed_what(detail, db, qtbot, choice: str) -> None:
    cid = detail.candidate_id
    _someone_else_sets_phone(db, cid)
    detail.set_value("notes", "met at the conference")
    seen: list[str] = []
    _answer(qtbot, choice, seen)
    saved = detail.save()
    assert seen and "alice changed phone" in seen[0]
    row = candidates.row(db, cid)
    assert row["phone"] == "+86 27 8888 0000"  # theirs is kept either way (another field)
    if choice == "Overwrite":
        assert saved and row["notes"] == "met at the conference"
        with db.engine.connect() as conn:
            actions = [
                a
                for (a,) in conn.exec_driver_sql(
                    f"SELECT action FROM audit_entry WHERE entity_id = {cid} "
                    "AND entity = 'candidate' ORDER BY id"
                )
            ]
        assert actions == ["create", "update", "overwrite", "update"]
    else:
        assert not saved and row["notes"] is None
        qtbot.waitUntil(lambda: detail.value_of("phone") == "+86 27 8888 0000", timeout=10000)
        assert detail.value_of("notes") == ""  # reloaded: their change shown, ours dropped
