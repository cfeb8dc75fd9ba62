"""Whole-window tests: pages, welcome state, shortcuts, remembered layout, bad databases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from recruiter.ui.main_window import PAGES, MainWindow
from recruiter.ui.qt import Qt, QtCore, QtGui, QtWidgets


def test_visits_every_page(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert window.outer.currentIndex() == 0  # not the welcome page
    for row, (name, *_rest) in enumerate(PAGES):
        window.sidebar.setCurrentRow(row)
        assert window.current_page() is window.pages[name]
        assert window.pages[name].isVisible()
        image = window.grab()
        assert not image.isNull()
        assert image.save(str(tmp_path / f"{name}.png"))
    window.ctx.runner.wait(10000)


def test_candidates_page_lists_real_candidates(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    page = window.show_page("Candidates")
    qtbot.waitUntil(lambda: page.model.rowCount() == 300, timeout=20_000)
    with window.ctx.db.engine.connect() as conn:
        first = conn.execute(
            text("SELECT full_name FROM candidate ORDER BY full_name, id LIMIT 1")
        ).scalar_one()
    name_col = page.model.columns.index("full_name")
    assert page.model.index(0, name_col).data() == first


def test_shortcuts_switch_pages(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is window.pages["Pipeline"]
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is window.pages["Candidates"]


def test_empty_database_shows_welcome_and_loads_demo(
    qtbot,
    db,
    make_ctx,
    settings,
    drain,  # type: ignore[no-untyped-def]
) -> None:
    win = MainWindow(make_ctx(db), settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.outer.currentWidget() is win.welcome, timeout=10000)
    with qtbot.waitSignal(win.ctx.bus.changed, timeout=30000):
        qtbot.mouseClick(win.welcome.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.outer.currentIndex() == 0, timeout=10000)
    qtbot.waitUntil(lambda: win.current_page() is win.pages["Dashboard"], timeout=10000)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM candidate")).scalar_one() > 0
    drain(win.ctx)  # the pages' refreshes finish before the database closes


def test_window_state_is_remembered(qtbot, demo_db, make_ctx, settings) -> None:  # type: ignore[no-untyped-def]
    win = MainWindow(make_ctx(demo_db), settings)
    qtbot.addWidget(win)
    win.show()
    win.resize(700, 500)
    size = win.size()
    win.show_page("Funding")
    win.close()
    again = MainWindow(make_ctx(demo_db), settings)
    qtbot.addWidget(again)
    assert again.current_page() is again.pages["Funding"]
    assert again.size() == size


def test_dropping_a_spreadsheet_opens_import(
    qtbot,
    window,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[str | None] = []
    monkeypatch.setattr(window, "import_file", lambda path=None: opened.append(path))
    sheet = tmp_path / "list.xlsx"
    sheet.write_bytes(b"")
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(sheet))])
    pos = QtCore.QPointF(50, 50)
    enter = QtGui.QDragEnterEvent(
        pos.toPoint(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QtGui.QDropEvent(
        pos,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(drop)
    assert opened == [str(sheet)]
    other = QtCore.QMimeData()
    other.setUrls([QtCore.QUrl.fromLocalFile(str(tmp_path / "photo.jpg"))])
    enter = QtGui.QDragEnterEvent(
        pos.toPoint(),
        Qt.DropAction.CopyAction,
        other,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dragEnterEvent(enter)
    assert not enter.isAccepted()


def test_bad_database_gives_one_dialog(
    qtbot,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from recruiter.ui import app as app_module

    shown: list[str] = []
    monkeypatch.setattr(
        QtWidgets.QMessageBox, "exec", lambda self: shown.append(self.informativeText()) or 0
    )
    bogus = tmp_path / "thesis.db"
    bogus.write_text("not a database")
    assert app_module.open_or_explain(bogus) is None
    assert len(shown) == 1 and "not a Recruiter database" in shown[0]
    assert bogus.read_text() == "not a database"
    assert app_module.run_gui(str(bogus)) == 1


def test_due_dock_toggles_and_lists_overdue(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    assert not window.followups.isVisible()
    window.followups_action.trigger()
    assert window.followups.isVisible()
    with window.ctx.db.engine.connect() as conn:
        due = conn.execute(
            text("SELECT count(*) FROM activity WHERE NOT done AND due_on <= :today"),
            {"today": date.today()},
        ).scalar_one()
    assert due > 0
    window.followups_action.trigger()
    assert not window.followups.isVisible()


def test_overdue_offers_expire_at_start_up(qtbot, demo_db, make_ctx, settings) -> None:  # type: ignore[no-untyped-def]
    with demo_db.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE offer SET status='extended', expires_on='2020-01-01' "
                "WHERE id = (SELECT min(id) FROM offer)"
            )
        )
    win = MainWindow(make_ctx(demo_db), settings)
    qtbot.addWidget(win)

    def expired() -> bool:
        with demo_db.engine.connect() as conn:
            return (
                conn.execute(
                    text("SELECT status FROM offer WHERE id = (SELECT min(id) FROM offer)")
                ).scalar_one()
                == "expired"
            )

    qtbot.waitUntil(expired, timeout=20_000)
    win.ctx.runner.wait(5000)


def test_export_view_exports_the_table_as_shown(
    qtbot,
    window,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import recruiter.ui.export_actions as ea

    seen: list[object] = []
    monkeypatch.setattr(ea, "export_view", lambda parent, ctx, view: seen.append(view))
    page = window.show_page("Targets")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=20_000)
    window.export_view_action.trigger()
    assert seen == [page.view]


def test_table_column_layouts_are_remembered(qtbot, demo_db, make_ctx, settings) -> None:  # type: ignore[no-untyped-def]
    win = MainWindow(make_ctx(demo_db), settings)
    qtbot.addWidget(win)
    page = win.show_page("Offers")
    table = page.findChildren(QtWidgets.QTableView)[0]
    header = table.horizontalHeader()
    header.resizeSection(0, 271)
    header.moveSection(1, 3)
    win.close()
    again = MainWindow(make_ctx(demo_db), settings)
    qtbot.addWidget(again)
    table2 = again.pages["Offers"].findChildren(QtWidgets.QTableView)[0]
    assert table2.horizontalHeader().sectionSize(0) == 271
    assert table2.horizontalHeader().visualIndex(1) == 3
    again.ctx.runner.wait(5000)


@pytest.mark.sqlite_only(reason="backs up the SQLite file")
def test_back_up_suggests_a_time_stamped_file_in_backups(
    qtbot,
    window,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    suggested: list[str] = []

    def ask(_parent, _title, path, _filter):  # type: ignore[no-untyped-def]
        suggested.append(path)
        return "", ""

    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", ask)
    window.backup()
    (path,) = map(Path, suggested)
    assert path.parent == window.ctx.db.path.parent / "backups"
    assert path.name.startswith("demo.") and path.name.endswith(".manual.backup.db")
