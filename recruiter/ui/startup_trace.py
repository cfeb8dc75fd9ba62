"""Start-up milestones for the benchmark (issue 16): when `RECRUITER_TRACE_STARTUP` names a file,
the app appends `<milestone> <unix time>` lines to it as the window is first painted and as the
first page's content (Candidates rows, or the welcome page of an empty database) is painted, and,
with `RECRUITER_TRACE_QUIT=1`, quits once both are on screen.

Paint events are the honest moment a user could see something; the benchmark compares these
times with the moment it started the process. Without the variable nothing is installed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from .qt import QtCore, QtWidgets

TRACE_ENV = "RECRUITER_TRACE_STARTUP"
QUIT_ENV = "RECRUITER_TRACE_QUIT"
WINDOW = "window"
CONTENT = "content"


class StartupTrace(QtCore.QObject):
    """Watches paint events of the main window and of the widget that shows its first content."""

    def __init__(self, window: QtWidgets.QMainWindow, out: Path, quit_after: bool) -> None:
        super().__init__(window)
        self.window = window
        self.out = out
        self.quit_after = quit_after
        self.seen: dict[str, float] = {}
        app = QtWidgets.QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.Paint and isinstance(watched, QtWidgets.QWidget):
            if WINDOW not in self.seen and watched.window() is self.window:
                self._mark(WINDOW)
            if CONTENT not in self.seen and self._is_content(watched):
                # The paint event is being delivered now; its pixels are drawn when it returns.
                QtCore.QTimer.singleShot(0, lambda: self._mark(CONTENT))
                self.seen[CONTENT] = 0.0
        return False

    def _is_content(self, widget: QtWidgets.QWidget) -> bool:
        window: Any = self.window
        shown = window.outer.currentWidget()
        if window.outer.indexOf(shown) != 0:  # the welcome page of an empty database
            return shown is widget or shown.isAncestorOf(widget)
        pages = window.pages
        page = pages["Candidates"] if pages.is_built("Candidates") else None
        view = getattr(page, "view", None)
        return (
            view is not None
            and widget is view.viewport()
            and view.model() is not None
            and view.model().rowCount() > 0
        )

    def _mark(self, name: str) -> None:
        self.seen[name] = time.time()
        with self.out.open("a", encoding="utf-8") as fh:
            fh.write(f"{name} {self.seen[name]:.6f}\n")
        if self.quit_after and all(self.seen.get(m) for m in (WINDOW, CONTENT)):
            QtWidgets.QApplication.quit()


def install(window: QtWidgets.QMainWindow) -> StartupTrace | None:
    """Start tracing when the environment asks for it (the benchmark does)."""
    out = os.environ.get(TRACE_ENV)
    if not out:
        return None
    return StartupTrace(window, Path(out), os.environ.get(QUIT_ENV) == "1")
