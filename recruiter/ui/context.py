"""What every page is handed by the composition root (app.py): no global singletons."""

from __future__ import annotations

from dataclasses import dataclass

from recruiter.store.database import Database

from .qt import QtCore, QtGui, Signal
from .tasks import TaskRunner


class DataBus(QtCore.QObject):
    """Announces which tables changed so every view can refresh what it shows.

    `changed` carries a frozenset of table names (DESIGN.md §3), e.g. {"candidate", "application"}.
    `navigate` asks the main window to show a page with a filter: (page name, {filter: value}).
    """

    changed = Signal(object)
    navigate = Signal(str, object)

    def notify(self, *tables: str) -> None:
        self.changed.emit(frozenset(tables))


@dataclass
class AppContext:
    db: Database
    runner: TaskRunner
    undo: QtGui.QUndoStack
    bus: DataBus
