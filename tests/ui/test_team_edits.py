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


# -- targets, offers, funding sources: the same question from their editors ---------------------


def _overwrites(db: Database, entity: str, row_id: int) -> int:
    with db.engine.connect() as conn:
        return int(
            conn.exec_driver_sql(
                f"SELECT count(*) FROM audit_entry WHERE entity = '{entity}' "
                f"AND entity_id = {row_id} AND action = 'overwrite'"
            ).scalar_one()
        )


def _as_alice(db: Database, edit) -> None:  # type: ignore[no-untyped-def]
    other = Database(db.url, user="alice")
    try:
        edit(other)
    finally:
        other.dispose()


def _answering(monkeypatch, answer: str, seen: list[str]) -> None:  # type: ignore[no-untyped-def]
    from recruiter.ui import conflicts

    def ask(_parent, conflict) -> str:  # type: ignore[no-untyped-def]
        seen.append(str(conflict))
        return answer

    monkeypatch.setattr(conflicts, "ask", ask)


@pytest.mark.parametrize("answer", ["overwrite", "reload"])
def test_the_target_editor_asks_about_a_newer_target(ctx, qtbot, db, monkeypatch, answer) -> None:
    from recruiter.services import targets
    from recruiter.ui.pages.targets import TargetsPage
    from tests.factories import make_world

    tid = make_world(db).targets[0]
    page = TargetsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.show_target(tid)
    qtbot.waitUntil(lambda: page._shown.get("id") == tid, timeout=10000)
    _as_alice(db, lambda other: targets.update(other, tid, notes="alice's note"))
    page.set_field("title", "Chair in Quantum Optics")
    seen: list[str] = []
    _answering(monkeypatch, answer, seen)
    saved = page.save()
    assert seen and "alice changed notes" in seen[0]
    now = targets.get(db, tid)
    assert now.notes == "alice's note"
    if answer == "overwrite":
        assert saved and now.title == "Chair in Quantum Optics"
        assert _overwrites(db, "target", tid) == 1
    else:
        assert not saved and now.title != "Chair in Quantum Optics"
        qtbot.waitUntil(lambda: page.notes.toPlainText() == "alice's note", timeout=10000)


def test_the_funding_source_dialog_asks_about_a_newer_source(ctx, qtbot, db, monkeypatch) -> None:
    from recruiter.services import funding
    from recruiter.ui.pages.funding import SourceDialog
    from tests.factories import make_world

    sid = make_world(db).cny
    dlg = SourceDialog(ctx, sid)
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: not dlg.loading and dlg.version is not None, timeout=10000)
    _as_alice(db, lambda other: funding.update(other, sid, notes="topped up"))
    dlg.name.setText("Talent fund (renamed)")
    seen: list[str] = []
    _answering(monkeypatch, "keep", seen)
    assert dlg.save() is False and "alice changed notes" in seen[0]
    assert funding.get(db, sid).name != "Talent fund (renamed)"
    _answering(monkeypatch, "overwrite", seen)
    assert dlg.save() is True
    assert funding.get(db, sid).name == "Talent fund (renamed)"
    assert _overwrites(db, "funding_source", sid) == 1


def test_the_offer_editor_asks_about_a_newer_offer(ctx, qtbot, db, monkeypatch) -> None:
    from recruiter.services import offers
    from recruiter.ui.offer_editor import OfferEditor
    from tests.factories import item, make_world

    w = make_world(db)
    oid = offers.create_offer(db, w.apps[0], items=[item(w.cny, 10_000_00)])
    ed = OfferEditor(ctx, offer_id=oid)
    qtbot.addWidget(ed)
    ed.show()
    qtbot.waitUntil(lambda: not ed.loading and ed.detail is not None, timeout=10000)
    _as_alice(db, lambda other: offers.update_offer(other, oid, notes="alice was here"))
    seen: list[str] = []
    _answering(monkeypatch, "reload", seen)
    assert ed.save() is False and seen and "alice" in seen[0]
    qtbot.waitUntil(lambda: not ed.loading, timeout=10000)
    assert ed.table.rowCount() == 1  # read again, not appended
    _as_alice(db, lambda other: offers.update_offer(other, oid, notes="alice again"))
    _answering(monkeypatch, "overwrite", seen)
    assert ed.save() is True and len(seen) == 2
    assert _overwrites(db, "offer", oid) == 1
