"""The Visas & arrivals page: a case walked from `signed` to `arrived` through the widgets
(dates typed into the editor, the guard refusing, the override asked for), checked in the
database; and undo of the editor's edits through the window's undo stack."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import text

from recruiter.domain.enums import Stage
from recruiter.domain.immigration import Milestone
from recruiter.services import applications, candidates, immigration, institutions, targets
from tests.ui.conftest import drain


@pytest.fixture
def signed(db) -> int:
    inst = institutions.create(db, name="Fudan University")
    t = targets.create(db, institution_id=inst, title="Associate Professor")
    c = candidates.create(db, full_name="Kenji Sato", nationality="Japan")
    app = applications.add(db, c, t, owner="wang.fang")
    applications.move(db, app, Stage.signed)
    return app


def _page(qtbot, ctx):  # type: ignore[no-untyped-def]
    from recruiter.ui.pages.visas import VisasPage

    page = VisasPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    qtbot.waitUntil(lambda: not page.loading and page.editor.current is not None, timeout=10000)
    return page


def _settle(qtbot, page) -> None:  # type: ignore[no-untyped-def]
    drain(page.ctx)
    qtbot.waitUntil(lambda: not page.loading, timeout=10000)


def test_walk_a_case_from_signed_to_arrived(qtbot, db, make_ctx, signed, tmp_path) -> None:
    ctx = make_ctx(db)
    page = _page(qtbot, ctx)
    editor = page.editor
    assert page.model.rowCount() == 1
    assert page.model.record(0).candidate == "Kenji Sato"
    assert editor.current is not None and editor.current.stage == Stage.signed

    # Category A, then the FWP, letter and visa dates typed into the milestone fields.
    editor.category.setCurrentIndex(editor.category.findData("a"))
    qtbot.mouseClick(editor.save_case, Qt_left())
    _settle(qtbot, page)
    editor.milestones[Milestone.fwp_submitted].on.setText("2026-01-05")
    editor.milestones[Milestone.fwp_accepted].on.setText("2026-01-12")
    editor.milestones[Milestone.letter_issued].on.setText("2026-01-19")
    qtbot.mouseClick(editor.save_milestones_button, Qt_left())
    _settle(qtbot, page)
    assert editor.current.state.value == "visa"
    assert editor.current.deadlines[0].rule == "letter_expiry"
    assert editor.current.deadlines[0].due == date(2026, 4, 19)

    # The guard refuses `arrived` while visa and entry are missing; declining the override
    # leaves the stage alone and says why.
    asked: list[str] = []
    editor.ask_override = lambda err: asked.append(str(err)) or None  # type: ignore[method-assign]
    qtbot.mouseClick(editor.arrive_button, Qt_left())
    _settle(qtbot, page)
    assert asked and "Visa issued" in asked[0] and "Entry" in editor.message.text()
    assert applications.get(db, signed).stage == Stage.signed

    editor.milestones[Milestone.visa_issued].on.setText("2026-02-02")
    editor.milestones[Milestone.entry].on.setText("2026-03-01")
    qtbot.mouseClick(editor.save_milestones_button, Qt_left())
    _settle(qtbot, page)
    names = [d.rule for d in editor.current.deadlines]
    assert names == ["work_permit_due", "residence_permit_due"]

    # A family member and a document status, through the widgets.
    editor.person_name.setText("Yui Sato")
    editor.person_passport.setText("2030-01-01")
    qtbot.mouseClick(editor.add_person_button, Qt_left())
    _settle(qtbot, page)
    assert [p.full_name for p in editor.current.people] == ["Kenji Sato", "Yui Sato"]
    editor.docs_view.selectRow(0)
    editor.doc_status.setCurrentIndex(editor.doc_status.findData("received"))
    editor.doc_on.setText("2026-01-03")
    qtbot.mouseClick(editor.doc_button, Qt_left())
    _settle(qtbot, page)
    assert editor.current.documents[0].status.value == "received"

    page.grab().save(str(tmp_path / "visas.png"))

    qtbot.mouseClick(editor.arrive_button, Qt_left())
    _settle(qtbot, page)
    assert len(asked) == 1  # nothing left to override
    assert applications.get(db, signed).stage == Stage.arrived
    case = immigration.case_of(db, signed)
    assert case is not None
    with db.engine.connect() as conn:
        dates = {
            kind: str(day)  # a date on PostgreSQL
            for kind, day in conn.execute(
                text("SELECT kind, done_on FROM case_milestone WHERE case_id = :c"), {"c": case}
            )
        }
        assert dates["entry"] == "2026-03-01" and dates["fwp_accepted"] == "2026-01-12"
        assert conn.execute(text("SELECT count(*) FROM case_person")).scalar() == 2
        assert conn.execute(text("SELECT category FROM immigration_case")).scalar() == "a"

    # Every step undoes: back to a bare signed case.
    while ctx.undo.canUndo():
        ctx.undo.undo()
    drain(ctx)
    assert applications.get(db, signed).stage == Stage.signed
    d = immigration.detail(db, case)
    assert d.milestones == {} and len(d.people) == 1 and d.category is None
    assert {x.status.value for x in d.documents} == {"needed"}


def test_override_reason_is_audited(qtbot, db, make_ctx, signed) -> None:
    ctx = make_ctx(db)
    page = _page(qtbot, ctx)
    page.editor.ask_override = lambda err: "Scholar already in China on a K visa"  # type: ignore[method-assign]
    qtbot.mouseClick(page.editor.arrive_button, Qt_left())
    _settle(qtbot, page)
    assert applications.get(db, signed).stage == Stage.arrived
    with db.engine.connect() as conn:
        (changes,) = conn.execute(
            text("SELECT changes FROM audit_entry WHERE action='override'")
        ).one()
    assert json.loads(changes)["reason"] == "Scholar already in China on a K visa"


def Qt_left():  # type: ignore[no-untyped-def]
    from recruiter.ui.qt import Qt

    return Qt.MouseButton.LeftButton
