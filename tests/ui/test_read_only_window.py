"""A database that can only be read: the window says so at once, and an edit is refused with
one clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from recruiter.ui.main_window import MainWindow
from recruiter.ui.qt import QtWidgets

pytestmark = pytest.mark.sqlite_only(reason="a read-only SQLite file")


def _boxes() -> list[QtWidgets.QMessageBox]:
    return [
        w
        for w in QtWidgets.QApplication.topLevelWidgets()
        if isinstance(w, QtWidgets.QMessageBox) and w.isVisible()
    ]


def test_read_only_database_shows_a_banner_and_refuses_edits(
    qtbot,
    demo_db,
    make_ctx,
    settings,
    drain,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    import recruiter.store.opening as opening
    from recruiter.store.opening import open_database

    path: Path = demo_db.path
    demo_db.dispose()
    monkeypatch.setattr(opening, "_can_write", lambda _p: False)
    db = open_database(path, user="tester")
    assert db.read_only
    win = MainWindow(make_ctx(db), settings)
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    drain(win.ctx)
    assert win.read_only_banner is not None and win.read_only_banner.isVisible()
    assert "Read-only" in win.read_only_banner.text()
    assert "read-only" in win.windowTitle()
    assert not win.import_action.isEnabled() and not win.demo_action.isEnabled()
    assert _boxes() == []  # opening and showing the pages asked nothing of the user

    page = win.show_page("Candidates")
    drain(win.ctx)
    page.view.selectRow(0)
    drain(win.ctx)
    detail = page.detail
    qtbot.waitUntil(lambda: detail.candidate_id is not None, timeout=20_000)
    detail.set_value("notes", "changed while read-only")
    assert not detail.save()
    # One clear message, where the form reports what was not saved.
    assert "open read-only" in detail.summary.text()
    assert "cannot be saved" in detail.summary.text()
    assert win.ctx.undo.count() == 0
    drain(win.ctx)
    db.dispose()
