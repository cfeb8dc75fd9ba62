"""UI fixtures: an AppContext over a test database and a main window with its own settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    from recruiter.ui.qt import QtCore

    return QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.Format.IniFormat)


@pytest.fixture
def make_ctx(qapp):  # type: ignore[no-untyped-def]
    from recruiter.ui.app import make_context

    made = []

    def make(db):  # type: ignore[no-untyped-def]
        ctx = make_context(db)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        drain(ctx)


@pytest.fixture(name="drain")
def drain_fixture():  # type: ignore[no-untyped-def]
    """`drain(ctx)`: finish background work before a test looks at the database or ends."""
    return drain


def drain(ctx) -> None:  # type: ignore[no-untyped-def]
    """Let background reads finish, and the reads their answers start, before widgets go."""
    from recruiter.ui.qt import QtCore

    for _ in range(5):
        ctx.runner.wait(10000)
        QtCore.QCoreApplication.processEvents()
    ctx.runner.wait(10000)


@pytest.fixture
def window(qtbot, demo_db, make_ctx, settings) -> Iterator[object]:  # type: ignore[no-untyped-def]
    from recruiter.ui.main_window import MainWindow

    win = MainWindow(make_ctx(demo_db), settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    drain(win.ctx)


@pytest.fixture
def ctx(demo_db, make_ctx):  # type: ignore[no-untyped-def]
    """An AppContext over a private copy of the demo database (files may override it)."""
    return make_ctx(demo_db)
