"""Composition root: builds the application, opens the database, wires the window to the logic.
Nothing here is reached as a global; pages get an AppContext."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from recruiter import __version__
from recruiter.errors import RecruiterError
from recruiter.i18n import _
from recruiter.store.database import Database

from . import language, startup_trace
from .context import AppContext, DataBus
from .qt import QtCore, QtGui, QtWidgets
from .tasks import TaskRunner

STYLE = Path(__file__).resolve().parents[2] / "resources" / "style.qss"
ORG = "Recruiter"
APP = "Recruiter"


def make_application(argv: list[str] | None = None) -> QtWidgets.QApplication:
    app = QtWidgets.QApplication.instance()
    if app is None:
        app = QtWidgets.QApplication(argv or sys.argv[:1])
    QtCore.QCoreApplication.setOrganizationName(ORG)
    QtCore.QCoreApplication.setApplicationName(APP)
    QtCore.QCoreApplication.setApplicationVersion(__version__)
    app.setWindowIcon(QtGui.QIcon.fromTheme("system-users"))
    language.install(app)  # before any window: every label is built in the chosen language
    if STYLE.exists() and not app.property("recruiter_styled"):
        app.setStyleSheet(STYLE.read_text(encoding="utf-8"))
        app.setProperty("recruiter_styled", True)
    return app  # type: ignore[return-value]


def make_context(db: Database, parent: QtCore.QObject | None = None) -> AppContext:
    undo = QtGui.QUndoStack(parent)
    undo.setUndoLimit(200)
    bus = DataBus(parent)
    bus.attach(db)
    return AppContext(db=db, runner=TaskRunner(parent), undo=undo, bus=bus)


def open_or_explain(
    location: str | os.PathLike[str] | None, parent: QtWidgets.QWidget | None = None
) -> Database | None:
    """Open the database; on failure show one clear dialog and return None."""
    from recruiter.store.opening import open_database

    try:
        db = open_database(location)
    except RecruiterError as exc:
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Icon.Critical,
            "Recruiter",
            _("The database cannot be opened."),
            parent=parent,
        )
        box.setInformativeText(str(exc))
        box.exec()
        return None
    sweep_debris(db)
    return db


def sweep_debris(db: Database, settings: QtCore.QSettings | None = None) -> None:
    """Remove the temporary files killed runs left beside the database, in its backups and in
    the folder the user last exported to (kept in `settings`, the app's by default)."""
    from recruiter.services import leftovers

    from .export_actions import SETTINGS_KEY

    last = str((settings or QtCore.QSettings()).value(SETTINGS_KEY, "") or "")
    leftovers.sweep(db, Path(last) if last else None)


def run_gui(location: str | None = None) -> int:
    from .main_window import MainWindow

    app = make_application()
    db = open_or_explain(location)
    if db is None:
        return 1
    window = MainWindow(make_context(db, app))
    startup_trace.install(window)
    window.show()
    try:
        return app.exec()
    finally:
        window.ctx.runner.wait(10000)
        db.dispose()
