"""The Setup page driven with clicks and keys: institutions, departments with a parent,
officers, funding sources and the office settings; edits, removal (deleted or archived, said
beforehand), unarchive, and undo/redo of each checked in the database."""

from __future__ import annotations

from typing import Any

import pytest

from recruiter.services import archive, choices, institutions, officers, settings, targets
from recruiter.services.reporting import Filters, sections
from recruiter.store.database import Database
from recruiter.ui.qt import Qt, QtWidgets
from tests.ui.conftest import drain


def settle(page: Any) -> None:
    page.qtbot.waitUntil(lambda: not page.loading, timeout=10000)


@pytest.fixture
def empty_page(qtbot: Any, db: Database, make_ctx: Any) -> Any:
    return _page(qtbot, make_ctx(db))


@pytest.fixture
def demo_page(qtbot: Any, ctx: Any) -> Any:
    return _page(qtbot, ctx)


def _page(qtbot: Any, ctx: Any) -> Any:
    from recruiter.ui.pages.setup import SetupPage

    page = SetupPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 650)
    page.show()
    qtbot.waitExposed(page)
    page.qtbot = qtbot
    settle(page)
    return page


def fill(dialog: Any, **values: str) -> None:
    for key, text in values.items():
        dialog.set_text(key, text)


def click(qtbot: Any, button: QtWidgets.QPushButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_create_institution_department_with_parent_and_officer_undo_redo(
    empty_page: Any, qtbot: Any
) -> None:
    page, db = empty_page, empty_page.ctx.db
    assert page.checklist.isVisible()  # nothing set up yet
    click(qtbot, page.institutions.new_button)
    dlg = page.dialog
    fill(dlg, name="", name_zh="武汉大学")
    assert dlg.save() is False  # the service's complaint shows beside the field
    assert dlg.errors["name"].isVisibleTo(dlg) and "name" in dlg.errors["name"].text()
    fill(dlg, name="Wuhan University", short_name="WHU", city="Wuhan")
    assert dlg.save() is True
    settle(page)
    [inst] = institutions.list_all(db)
    assert (inst.name, inst.name_zh, inst.short_name, inst.city) == (
        "Wuhan University",
        "武汉大学",
        "WHU",
        "Wuhan",
    )
    assert page.institutions.selected_id() == inst.id

    click(qtbot, page.departments.new_button)
    fill(page.dialog, name="School of Physics", name_zh="物理学院")
    assert page.dialog.save() is True
    settle(page)
    [school] = institutions.departments(db)
    page.departments.view.setFocus()
    qtbot.keyClick(page.departments.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dlg = page.dialog
    assert dlg.windowTitle() == "New department of Wuhan University"
    fill(dlg, name="Quantum Optics Lab")
    parent = dlg.fields["parent_id"]
    parent.setCurrentIndex(parent.findData(school.id))
    assert dlg.save() is True
    settle(page)
    lab = next(d for d in institutions.departments(db) if d.name == "Quantum Optics Lab")
    assert lab.parent_id == school.id
    paths = [r.path for r in page.departments.model.records]
    assert "School of Physics / Quantum Optics Lab" in paths

    page.tabs.setCurrentIndex(2)
    click(qtbot, page.officers.new_button)
    fill(page.dialog, name="Li Hua", email="not-an-address")
    assert page.dialog.save() is False
    assert "e-mail" in page.dialog.errors["email"].text()
    fill(page.dialog, email="li.hua@example.edu")
    assert page.dialog.save() is True
    settle(page)
    [officer] = officers.list_all(db)
    assert officer.email == "li.hua@example.edu"

    undo = page.ctx.undo
    undo.undo()
    assert officers.list_all(db) == []
    undo.undo()
    assert {d.name for d in institutions.departments(db)} == {"School of Physics"}
    undo.undo()
    undo.undo()
    assert institutions.list_all(db) == []
    for _ in range(4):
        undo.redo()
    assert [i.id for i in institutions.list_all(db)] == [inst.id]  # same ids come back
    assert institutions.get_department(db, lab.id).parent_id == school.id
    assert officers.get(db, officer.id).name == "Li Hua"
    settle(page)
    assert {r.name for r in page.officers.model.records} == {"Li Hua"}


def test_enter_edits_and_the_edit_is_undoable(demo_page: Any, qtbot: Any) -> None:
    page, db = demo_page, demo_page.ctx.db
    page.institutions.view.setFocus()
    page.institutions.view.selectRow(0)
    rec = page.institutions.selected()
    qtbot.keyClick(page.institutions.view, Qt.Key.Key_Return)
    dlg = page.dialog
    assert dlg.windowTitle() == "Edit institution"
    assert dlg.fields["name"].text() == rec.name
    fill(dlg, short_name="XU", city="Elsewhere")
    assert dlg.save() is True
    got = institutions.get(db, rec.id)
    assert (got.short_name, got.city) == ("XU", "Elsewhere")
    settle(page)
    shown = next(r for r in page.institutions.model.records if r.id == rec.id)
    assert shown.city == "Elsewhere"  # the page refreshed at once
    page.ctx.undo.undo()
    got = institutions.get(db, rec.id)
    assert (got.short_name, got.city) == (rec.short_name, rec.city)
    page.ctx.undo.redo()
    assert institutions.get(db, rec.id).city == "Elsewhere"


def test_removing_a_referenced_department_archives_it(
    demo_page: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recruiter.ui.pages.targets import TargetsPage

    page, db = demo_page, demo_page.ctx.db
    dept = next(d for d in page.departments.model.records if d.targets)
    asked: list[str] = []
    monkeypatch.setattr(page, "confirm", lambda _title, text: asked.append(text) or True)
    assert page.departments.select_id(dept.id)
    page.departments.view.setFocus()
    qtbot.keyClick(page.departments.view, Qt.Key.Key_Delete)
    settle(page)
    assert asked and "will be archived, not deleted" in asked[0]
    assert f"{dept.targets} targets" in asked[0]
    assert institutions.get_department(db, dept.id).archived_at is not None
    assert "Archived" in page.notice.text()
    assert dept.id not in {r.id for r in page.departments.model.records}  # hidden...
    page.departments.show_archived.setChecked(True)
    assert dept.id in {r.id for r in page.departments.model.records}  # ...unless asked for

    # Gone from the Targets editor's choices, still on its targets' rows (reports).
    targets_page = TargetsPage(page.ctx)
    qtbot.addWidget(targets_page)
    targets_page.show()
    qtbot.waitUntil(lambda: not targets_page.loading, timeout=10000)
    offered = {
        targets_page.department.itemData(i)
        for inst in range(targets_page.institution.count())
        for i in _departments_of(targets_page, inst)
    }
    assert dept.id not in offered
    assert dept.id not in {c.id for c in choices.departments(db)}
    on_rows = {p.department for p in targets.progress(db) if p.department}
    assert dept.name in " ".join(on_rows)
    with db.session() as s:  # the report's progress section still counts its targets
        reported = [t for t in sections.targets_in(s, Filters()) if t.department == dept.path]
    assert len(reported) == dept.targets

    page.ctx.undo.undo()
    assert institutions.get_department(db, dept.id).archived_at is None
    page.ctx.undo.redo()
    assert institutions.get_department(db, dept.id).archived_at is not None
    qtbot.waitUntil(lambda: not targets_page.loading, timeout=10000)
    settle(page)
    assert page.departments.select_id(dept.id)
    click(qtbot, page.departments.unarchive_button)
    assert institutions.get_department(db, dept.id).archived_at is None
    page.ctx.undo.undo()
    assert institutions.get_department(db, dept.id).archived_at is not None
    drain(page.ctx)


def _departments_of(page: Any, institution_row: int) -> range:
    page.institution.setCurrentIndex(institution_row)
    return range(page.department.count())


def test_removing_what_nothing_uses_deletes_it(
    demo_page: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    page, db = demo_page, demo_page.ctx.db
    officer_id = officers.create(db, name="Temp Officer")
    settle(page)
    asked: list[str] = []
    monkeypatch.setattr(page, "confirm", lambda _title, text: asked.append(text) or True)
    page.tabs.setCurrentIndex(2)
    assert page.officers.select_id(officer_id)
    click(qtbot, page.officers.remove_button)
    settle(page)
    assert asked == [
        "Delete officer 'Temp Officer'? Nothing refers to it yet. (Undo brings it back.)"
    ]
    assert officer_id not in {o.id for o in officers.list_all(db, archived=True)}
    page.ctx.undo.undo()
    assert officers.get(db, officer_id).name == "Temp Officer"
    page.ctx.undo.redo()
    assert officer_id not in {o.id for o in officers.list_all(db, archived=True)}

    # Declining the confirmation changes nothing.
    monkeypatch.setattr(page, "confirm", lambda _title, _text: False)
    settle(page)
    page.tabs.setCurrentIndex(1)
    page.sources.view.selectRow(0)
    source_id = page.sources.selected_id()
    click(qtbot, page.sources.remove_button)
    settle(page)
    assert archive.references(db, "funding_source", source_id) is not None
    assert source_id in {s.id for s in page.sources.model.records}


def test_funding_sources_use_the_funding_pages_dialog(demo_page: Any, qtbot: Any) -> None:
    from recruiter.ui.pages.funding import SourceDialog

    page = demo_page
    page.tabs.setCurrentIndex(1)
    page.sources.view.setFocus()
    qtbot.keyClick(page.sources.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dlg = page.dialog
    assert isinstance(dlg, SourceDialog)
    qtbot.waitUntil(lambda: not dlg.loading, timeout=10000)
    dlg.name.setText("Provincial Chutian Fund")
    dlg.total.setText("3,000,000")
    assert dlg.save() is True
    settle(page)
    assert "Provincial Chutian Fund" in {s.name for s in page.sources.model.records}
    page.ctx.undo.undo()
    settle(page)
    assert "Provincial Chutian Fund" not in {s.name for s in page.sources.model.records}


def test_time_zone_and_rates_are_undoable(demo_page: Any, qtbot: Any) -> None:
    from recruiter.services import rates

    page, db = demo_page, demo_page.ctx.db
    page.tabs.setCurrentIndex(3)
    office = page.office
    office.time_zone.setCurrentText("Mars/Olympus")
    qtbot.mouseClick(office.time_zone_button, Qt.MouseButton.LeftButton)
    assert "time zone" in office.time_zone_error.text()
    assert settings.time_zone_name(db) == settings.DEFAULT_TIME_ZONE
    office.time_zone.setCurrentText("Europe/Berlin")
    assert office.set_time_zone() is True
    assert not office.time_zone_error.isVisibleTo(office)
    assert settings.time_zone_name(db) == "Europe/Berlin"
    page.ctx.undo.undo()
    assert settings.time_zone_name(db) == settings.DEFAULT_TIME_ZONE
    page.rates.rate_currency.setCurrentText("JPY")
    page.rates.rate_value.setText("0.048")
    assert page.rates.set_rate() is True
    assert {r.currency for r in rates.list_rates(db)} >= {"JPY"}
    page.ctx.undo.undo()
    assert "JPY" not in {r.currency for r in rates.list_rates(db)}


def test_models_pass_the_model_tester(demo_page: Any, qtmodeltester: Any) -> None:
    for panel in (demo_page.institutions, demo_page.departments, demo_page.sources):
        assert panel.model.rowCount() > 0
        qtmodeltester.check(panel.model, force_py=True)


def test_ctrl_n_in_a_setup_list_is_not_new_candidate(window: Any, qtbot: Any) -> None:
    page = window.show_page("Setup")
    qtbot.waitUntil(lambda: not page.loading and page.institutions.model.rowCount() > 0)
    page.institutions.view.setFocus()
    qtbot.keyClick(page.institutions.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is page
    assert page.dialog is not None and page.dialog.windowTitle() == "New institution"
    page.dialog.close()
    # Elsewhere Ctrl+N still means a new candidate.
    window.sidebar.setFocus()
    qtbot.keyClick(window.sidebar, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page().name == "Candidates"
