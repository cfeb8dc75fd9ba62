"""An office starting from an empty database, through the window: the welcome page's checklist
opens the right places, the set-up workbook loads from the File menu (and undoes), the
templates are saved, owners come from the officers list, and the Import history page undoes a
batch or says clearly why it will not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from recruiter.domain.enums import ActivityKind
from recruiter.services import (
    activities,
    archive,
    candidates,
    import_history,
    importing,
    institutions,
    officers,
    setup,
    targets,
)
from recruiter.store.database import Database
from recruiter.ui.qt import Qt, QtWidgets
from tests.sheets import write_xlsx
from tests.ui.conftest import drain
from tests.unit.test_setup_workbook import fill, full_workbook


@pytest.fixture
def empty_window(qtbot: Any, db: Database, make_ctx: Any, settings: Any) -> Any:
    from recruiter.ui.main_window import MainWindow

    win = MainWindow(make_ctx(db), settings)
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.outer.currentWidget() is win.welcome, timeout=10000)
    checklist = win.welcome.checklist
    qtbot.waitUntil(lambda: checklist.current is not None, timeout=10000)
    yield win
    drain(win.ctx)


def test_welcome_offers_set_up_and_the_checklist_opens_the_right_place(
    empty_window: Any, qtbot: Any
) -> None:
    win = empty_window
    checklist = win.welcome.checklist
    assert win.welcome.setup_button.text() == "Set up your office"
    assert [i.key for i in checklist.current.missing] == [
        "institution",
        "department",
        "funding_source",
        "target",
    ]
    assert set(checklist.buttons) == {"institution", "department", "funding_source", "target"}
    qtbot.mouseClick(checklist.buttons["funding_source"], Qt.MouseButton.LeftButton)
    page = win.current_page()
    assert page.name == "Setup" and win.outer.currentIndex() == 0
    assert page.tabs.currentIndex() == 1  # funding sources

    # Adding an institution keeps the user on the Setup page (the database is not "empty" for
    # the welcome page any more), and the checklist ticks it off.
    institutions.create(win.ctx.db, name="Wuhan University")
    qtbot.waitUntil(lambda: checklist.current.items[0].done, timeout=10000)
    assert checklist.buttons["institution"].text().startswith("✓")
    assert win.current_page().name == "Setup"
    win.open_setup_place("departments")
    assert win.current_page().tabs.currentIndex() == 0
    win.open_setup_place("targets")
    targets_page = win.current_page()
    assert targets_page.name == "Targets" and targets_page.target_id is None


def test_set_up_button_opens_the_setup_page_and_stays(empty_window: Any, qtbot: Any) -> None:
    win = empty_window
    qtbot.mouseClick(win.welcome.setup_button, Qt.MouseButton.LeftButton)
    assert win.current_page().name == "Setup" and win.outer.currentIndex() == 0
    officers.create(win.ctx.db, name="Li Hua")  # still an "empty" database for the welcome
    drain(win.ctx)
    assert win.outer.currentIndex() == 0 and win.current_page().name == "Setup"


def test_load_setup_workbook_from_the_file_menu_and_undo(
    empty_window: Any, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    win, db = empty_window, empty_window.ctx.db
    path = full_workbook(tmp_path)
    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))
    win.load_setup_action.trigger()
    qtbot.waitUntil(lambda: getattr(win, "setup_report", None) is not None, timeout=10000)
    report = win.setup_report
    assert report.loaded.written
    assert "Institutions (sheet 'Institutions'): created 2, updated 0" in report.text.text()
    assert not report.problems.isVisible()
    report.close()
    assert {i.name for i in institutions.list_all(db)} == {"Wuhan University", "Fudan University"}
    assert len(targets.choices(db)) == 2
    assert win.ctx.undo.undoText() == "Load set-up setup.xlsx"
    win.ctx.undo.undo()
    assert institutions.list_all(db) == [] and targets.choices(db) == []
    win.ctx.undo.redo()  # loads the workbook again
    assert len(institutions.list_all(db)) == 2 and len(targets.choices(db)) == 2


def test_an_invalid_setup_workbook_writes_nothing_and_lists_the_reasons(
    empty_window: Any, qtbot: Any, tmp_path: Path
) -> None:
    win, db = empty_window, empty_window.ctx.db
    bad = fill(
        tmp_path / "bad.xlsx",
        {"Departments": [["Peking University", "Physics", "", ""]]},
    )
    win.load_setup(str(bad))
    qtbot.waitUntil(lambda: getattr(win, "setup_report", None) is not None, timeout=10000)
    report = win.setup_report
    assert not report.loaded.written
    assert "nothing was written" in report.text.text()
    assert report.problems.rowCount() == 1
    assert report.problems.item(0, 2).text() == "no institution named 'Peking University'"
    assert institutions.list_all(db) == [] and win.ctx.undo.count() == 0


def test_save_both_templates_from_the_file_menu(
    empty_window: Any, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    win = empty_window
    for action, name in (
        (win.setup_template_action, "setup.xlsx"),
        (win.candidate_template_action, "candidates.xlsx"),
    ):
        out = tmp_path / name
        monkeypatch.setattr(
            QtWidgets.QFileDialog, "getSaveFileName", lambda *_a, _o=out, **_k: (str(_o), "")
        )
        action.trigger()
        qtbot.waitUntil(out.exists, timeout=10000)
        drain(win.ctx)
        assert str(out) in win.statusBar().currentMessage()
    assert set(setup.read_workbook(tmp_path / "setup.xlsx")) == {
        "institutions",
        "departments",
        "funding",
        "targets",
    }


def test_owner_boxes_offer_officers_and_hide_archived_ones(ctx: Any, qtbot: Any) -> None:
    from recruiter.ui.candidate_detail import TargetDialog
    from recruiter.ui.pages.targets import TargetsPage

    db = ctx.db
    officers.create(db, name="Li Hua", name_zh="李华")
    gone = officers.create(db, name="Old Hand")
    archive.archive(db, "officer", gone)
    dialog = TargetDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.reads.pending, timeout=10000)
    offered = [dialog.owner.itemText(i) for i in range(dialog.owner.count())]
    assert "Li Hua" in offered and "Old Hand" not in offered
    assert dialog.owner.itemData(offered.index("Li Hua"), Qt.ItemDataRole.ToolTipRole) == (
        "Li Hua 李华"
    )
    dialog.owner.setCurrentText("  someone new ")
    assert dialog.values()[1] == "someone new"  # typed names are still taken

    # A target owned by the archived officer keeps that owner in its editor.
    tid = targets.choices(db)[0].id
    targets.update(db, tid, owner="Old Hand")
    page = TargetsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.loading, timeout=10000)
    page.show_target(tid)
    qtbot.waitUntil(lambda: not page.loading, timeout=10000)
    assert page.owner.currentText() == "Old Hand"
    names = [page.owner.itemText(i) for i in range(page.owner.count())]
    assert "Old Hand" in names and "Li Hua" in names
    page.new_target()
    page.refresh_now()
    qtbot.waitUntil(lambda: not page.loading, timeout=10000)
    assert "Old Hand" not in [page.owner.itemText(i) for i in range(page.owner.count())]


def test_targets_editor_keeps_an_archived_institution_it_already_has(ctx: Any, qtbot: Any) -> None:
    from recruiter.ui.pages.targets import TargetsPage

    db = ctx.db
    target = targets.get(db, targets.choices(db)[0].id)
    archive.archive(db, "institution", target.institution_id)
    page = TargetsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.loading, timeout=10000)
    ids = [page.institution.itemData(i) for i in range(page.institution.count())]
    assert target.institution_id not in ids  # hidden for new targets
    page.show_target(target.id)
    qtbot.waitUntil(lambda: not page.loading, timeout=10000)
    assert page.institution.currentData() == target.institution_id
    assert "(archived)" in page.institution.currentText()


# -- import history --------------------------------------------------------------------------

HEAD = ["Name", "E-mail", "Current institution"]


@pytest.fixture
def history(qtbot: Any, db: Database, make_ctx: Any, tmp_path: Path) -> Any:
    from recruiter.ui.pages.imports import ImportHistoryPage

    for n, rows in enumerate(
        (
            [["Ana Silva", "ana@example.org", "Lisbon"], ["Kenji Sato", "kenji@example.jp", ""]],
            [["Li Wei", "li@example.cn", ""]],
        )
    ):
        importing.run_import(db, write_xlsx(tmp_path / f"list{n}.xlsx", [HEAD, *rows]))
    page = ImportHistoryPage(make_ctx(db))
    qtbot.addWidget(page)
    page.resize(1100, 650)
    page.show()
    qtbot.waitUntil(lambda: not page.loading and page.batches.rowCount() == 2, timeout=10000)
    page.qtbot = qtbot
    return page


def test_import_history_lists_batches_and_their_rows(history: Any, qtmodeltester: Any) -> None:
    qtmodeltester.check(history.batches, force_py=True)
    newest = history.batches.record(0)
    assert (newest.file_name, newest.user, newest.created) == ("list1.xlsx", "tester", 1)
    history.view.selectRow(1)
    history.qtbot.waitUntil(lambda: history.rows.rowCount() == 2, timeout=10000)
    qtmodeltester.check(history.rows, force_py=True)
    assert [r.full_name for r in history.rows.records] == ["Ana Silva", "Kenji Sato"]
    assert "list0.xlsx" in history.rows_label.text()


def test_import_history_undoes_a_batch(
    history: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = history.ctx.db
    asked: list[str] = []
    monkeypatch.setattr(history, "confirm", lambda _t, text: asked.append(text) or True)
    history.view.selectRow(1)
    batch_id = history.selected_id()
    qtbot.mouseClick(history.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not history.loading, timeout=10000)
    assert "2 candidates it created are deleted" in asked[0]
    assert import_history.batch(db, batch_id).undone
    qtbot.waitUntil(lambda: history.batches.record(1).undone, timeout=10000)
    assert "undone" in history.notice.text()
    history.view.selectRow(1)
    assert not history.undo_button.isEnabled()  # an undone batch cannot be undone again


def test_import_history_refusal_is_one_clear_dialog(
    history: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = history.ctx.db
    monkeypatch.setattr(history, "confirm", lambda _t, _text: True)
    history.view.selectRow(0)
    batch_id = history.selected_id()
    [row] = import_history.batch_rows(db, batch_id)
    activities.log(db, row.candidate_id, ActivityKind.call, "Spoke about the position")
    qtbot.waitUntil(lambda: not history.loading, timeout=10000)
    history.view.selectRow(0)
    history.undo_selected()
    qtbot.waitUntil(lambda: not history.loading, timeout=10000)
    boxes = [b for b in history.findChildren(QtWidgets.QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    assert f"Import batch {batch_id} cannot be undone" in boxes[0].text()
    assert not import_history.batch(db, batch_id).undone
    boxes[0].close()


def test_undo_import_message_names_a_page_that_exists() -> None:
    from recruiter.ui.main_window import PAGES

    assert "Import history" in [name for name, _cls in PAGES]


def test_welcome_links_load_setup_and_save_the_template(
    empty_window: Any, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    win, db = empty_window, empty_window.ctx.db
    out = tmp_path / "template.xlsx"
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(out), ""))
    qtbot.mouseClick(win.welcome.template_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(out.exists, timeout=10000)
    path = full_workbook(tmp_path)
    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))
    qtbot.mouseClick(win.welcome.load_setup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(win, "setup_report", None) is not None, timeout=10000)
    assert len(institutions.list_all(db)) == 2
    qtbot.waitUntil(lambda: win.outer.currentIndex() == 0, timeout=10000)  # not empty now
    win.setup_report.close()


def test_a_batch_candidate_opens_on_the_candidates_page(history: Any) -> None:
    seen: list[tuple[str, object]] = []
    history.ctx.bus.navigate.connect(lambda name, f: seen.append((name, f)))
    history.view.selectRow(1)
    history.qtbot.waitUntil(lambda: history.rows.rowCount() == 2, timeout=10000)
    history.open_candidate(0)
    assert seen == [("Candidates", {"text": "ana@example.org"})]


def test_import_history_offers_to_keep_candidates_edited_since(
    history: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Undo refused because an imported candidate was edited since: "Keep them" keeps that
    candidate and undoes the rest of the batch."""
    db = history.ctx.db
    monkeypatch.setattr(history, "confirm", lambda _t, _text: True)
    history.view.selectRow(1)
    batch_id = history.selected_id()
    rows = import_history.batch_rows(db, batch_id)
    edited = rows[0].candidate_id
    candidates.update(db, edited, email="edited.since@example.org")
    asked: list[str] = []
    monkeypatch.setattr(
        "recruiter.ui.pages.imports.keep_touched",
        lambda _parent, _title, message: asked.append(message) or True,
    )
    history.view.selectRow(1)
    qtbot.mouseClick(history.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: import_history.batch(db, batch_id).undone, timeout=10000)
    assert asked and rows[0].full_name in asked[0]
    assert candidates.get(db, edited).email == "edited.since@example.org"  # kept
    others = [r.candidate_id for r in rows[1:]]
    with db.engine.connect() as conn:
        left = {r[0] for r in conn.execute(text("SELECT id FROM candidate"))}
    assert edited in left and not set(others) & left
