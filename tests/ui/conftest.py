"""UI fixtures: an AppContext over a test database and a main window with its own settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from recruiter.store.database import Database
    from recruiter.ui.context import AppContext
    from recruiter.ui.main_window import MainWindow
    from recruiter.ui.qt import QtCore, QtWidgets

MakeContext = Callable[["Database"], "AppContext"]


@pytest.fixture
def settings(tmp_path: Path) -> QtCore.QSettings:
    from recruiter.ui.qt import QtCore

    return QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.Format.IniFormat)


@pytest.fixture
def make_ctx(qapp: QtWidgets.QApplication) -> Iterator[MakeContext]:
    from recruiter.ui.app import make_context

    made: list[AppContext] = []

    def make(db: Database) -> AppContext:
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
def window(
    qtbot: QtBot, demo_db: Database, make_ctx: MakeContext, settings: QtCore.QSettings
) -> Iterator[MainWindow]:
    from recruiter.ui.main_window import MainWindow

    win = MainWindow(make_ctx(demo_db), settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    drain(win.ctx)


@pytest.fixture
def ctx(demo_db: Database, make_ctx: MakeContext) -> AppContext:
    """An AppContext over a private copy of the demo database (files may override it)."""
    return make_ctx(demo_db)


@pytest.fixture
def wizard(qtbot, db, make_ctx):  # type: ignore[no-untyped-def]
    """The import wizard on the test database, its background work waited for at teardown."""
    from recruiter.ui.import_wizard import ImportWizard

    ctx = make_ctx(db)
    wiz = ImportWizard(db, ctx.runner)
    qtbot.addWidget(wiz)
    yield wiz
    ctx.runner.wait(10000)


def open_boxes() -> list[QtWidgets.QMessageBox]:
    """Message boxes showing right now (a test answers them from a timer)."""
    from recruiter.ui.qt import QtWidgets

    return [
        w
        for w in QtWidgets.QApplication.topLevelWidgets()
        if isinstance(w, QtWidgets.QMessageBox) and w.isVisible()
    ]
