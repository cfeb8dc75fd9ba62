"""The Setup page's approval gates, tiers and holiday calendar driven with clicks: each edit
lands in the database, and undo/redo through the window's stack puts it back exactly."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from recruiter.services import calendar, gates, institutions
from recruiter.store.database import Database
from recruiter.ui.qt import QtCore


def _rows(db: Database, table: str) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))]


@pytest.fixture
def page(qtbot: Any, db: Database, make_ctx: Any) -> Any:
    from recruiter.ui.pages.setup import SetupPage

    institutions.create(db, name="Wuhan University")
    page = SetupPage(make_ctx(db))
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    qtbot.waitExposed(page)
    page.tabs.setCurrentWidget(page.gate_setup)
    qtbot.waitUntil(
        lambda: not page.gate_setup.loading and page.gate_setup.institution.count() == 1,
        timeout=10000,
    )
    return page


def _settle(qtbot: Any, widget: Any) -> None:
    qtbot.waitUntil(lambda: not widget.loading, timeout=10000)


def test_gate_templates_defaults_edit_move_remove_and_undo(page: Any, qtbot: Any) -> None:
    panel, db, undo = page.gate_setup, page.ctx.db, page.ctx.undo
    assert panel.institution.currentText() == "Wuhan University"
    assert panel.gates.empty.isVisible()
    panel.defaults_button.click()
    _settle(qtbot, panel)
    assert len(panel.gates.model.records) == 7
    installed = _rows(db, "gate_template")
    undo.undo()
    _settle(qtbot, panel)
    assert _rows(db, "gate_template") == [] and panel.gates.model.records == []
    undo.redo()
    _settle(qtbot, panel)
    assert _rows(db, "gate_template") == installed  # same ids

    # a new gate, with a notice period
    panel.gates.new_button.click()
    dlg = panel.dialog
    dlg.set_text("body", "Physics college joint meeting")
    dlg.fields["kind"].setCurrentIndex(dlg.fields["kind"].findData("public_notice"))
    dlg.fields["notice_days"].setValue(7)
    assert dlg.save()
    _settle(qtbot, panel)
    new = panel.gates.model.records[-1]
    assert (new.body, new.notice_days, new.position) == ("Physics college joint meeting", 7, 8)

    # edit the expert review: five reviews, named
    panel.gates.select_id(installed[1][0])
    dlg = panel.edit_gate()
    dlg.fields["reviews_required"].setValue(5)
    dlg.fields["anonymous"].setChecked(False)
    assert dlg.save()
    _settle(qtbot, panel)
    row = next(r for r in gates.for_institution(db, 1) if r.id == installed[1][0])
    assert (row.reviews_required, row.anonymous) == (5, False)

    # move the expert review up, then remove the committee
    panel.gates.select_id(installed[1][0])
    panel.up_button.click()
    _settle(qtbot, panel)
    assert [r.id for r in gates.for_institution(db, 1)][:2] == [installed[1][0], installed[0][0]]
    panel.gates.select_id(installed[3][0])
    panel.gates.remove_button.click()
    _settle(qtbot, panel)
    assert installed[3][0] not in [r.id for r in gates.for_institution(db, 1)]
    for _ in range(4):
        undo.undo()
    _settle(qtbot, panel)
    assert _rows(db, "gate_template") == installed


def test_tiers_are_added_and_undone(page: Any, qtbot: Any) -> None:
    panel, db = page.gate_setup, page.ctx.db
    panel.tiers.new_button.click()
    dlg = panel.dialog
    dlg.set_text("name", "National top talent")
    dlg.fields["level"].setCurrentIndex(dlg.fields["level"].findData("national"))
    assert dlg.save()
    _settle(qtbot, panel)
    assert [(t.name, t.level.value) for t in gates.tiers(db)] == [
        ("National top talent", "national")
    ]
    page.ctx.undo.undo()
    _settle(qtbot, panel)
    assert gates.tiers(db) == [] and panel.tiers.model.records == []


def test_holiday_calendar_edits_and_the_notice_check(page: Any, qtbot: Any, tmp_path: Any) -> None:
    cal, db = page.holidays, page.ctx.db
    page.tabs.setCurrentWidget(cal)
    cal.year.setValue(2026)
    cal.check_start.setDate(QtCore.QDate(2026, 9, 29))
    cal.check_days.setValue(5)
    _settle(qtbot, cal)
    assert cal.check_result.text() == "ends on 2026-10-06 (Tue)"  # no holidays yet
    calendar.add_many(
        db,
        [{"day": date(2026, 10, d), "name": "National Day"} for d in range(1, 8)],
    )
    _settle(qtbot, cal)
    # the adjusted working Saturday, entered with the dialog
    cal.days.new_button.click()
    dlg = cal.dialog
    dlg.fields["day"].setDate(QtCore.QDate(2026, 10, 10))
    dlg.set_text("name", "National Day (adjusted working day)")
    dlg.fields["kind"].setCurrentIndex(dlg.fields["kind"].findData("workday"))
    assert dlg.save()
    _settle(qtbot, cal)
    assert cal.check_result.text() == "ends on 2026-10-12 (Mon)"
    assert len(cal.days.model.records) == 8
    saturday = next(r for r in cal.days.model.records if r.day == date(2026, 10, 10))
    assert (saturday.weekday, saturday.kind_label) == ("Sat", "Adjusted working day")
    before = _rows(db, "holiday")
    cal.days.select_id(saturday.id)
    dlg = cal.edit_day()
    dlg.set_text("name", "调休")
    assert dlg.save()
    cal.days.select_id(saturday.id)
    cal.remove_day()
    _settle(qtbot, cal)
    assert date(2026, 10, 10) not in [r.day for r in cal.days.model.records]
    page.ctx.undo.undo()
    page.ctx.undo.undo()
    _settle(qtbot, cal)
    assert _rows(db, "holiday") == before
    page.ctx.undo.undo()
    _settle(qtbot, cal)
    assert cal.check_result.text() == "ends on 2026-10-13 (Tue)"
    assert page.grab().save(str(tmp_path / "gate_setup_calendar.png"))


def test_render_gate_setup(page: Any, qtbot: Any, tmp_path: Any) -> None:
    page.gate_setup.defaults_button.click()
    _settle(qtbot, page.gate_setup)
    gates.add_tier(page.ctx.db, name="National top talent", level="national")
    _settle(qtbot, page.gate_setup)
    assert len(page.gate_setup.gates.model.records) == 7
    assert page.grab().save(str(tmp_path / "gate_setup.png"))
