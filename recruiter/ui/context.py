"""What every page is handed by the composition root (app.py): no global singletons."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from recruiter.domain.changes import Changes
from recruiter.store.database import Database

from .qt import Qt, QtCore, QtGui, Signal, Slot
from .tasks import TaskRunner


class DataBus(QtCore.QObject):
    """Carries the database's `Changes` to the GUI thread: the one place screens learn that data
    changed (Anki's operation_did_execute).

    `changed` carries a `Changes` (entity kinds and ids); commits made in workers close together
    arrive merged as one. `navigate` asks the main window to show a page with a filter:
    (page name, {filter: value}).
    """

    changed = Signal(object)
    navigate = Signal(str, object)
    _posted = Signal()

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: Changes | None = None
        self._detach: Callable[[], None] | None = None
        # Queued: the slot runs on the bus's (GUI) thread whichever thread committed.
        self._posted.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def attach(self, db: Database) -> None:
        """Listen to what `db` commits (once; a second call replaces the first database)."""
        self.detach()
        self._detach = db.subscribe(self.post)

    def detach(self) -> None:
        if self._detach is not None:
            self._detach()
            self._detach = None

    def post(self, changes: Changes) -> None:
        """Any thread. A commit made on the GUI thread (an undoable edit) is announced at once,
        so the screens agree with it before the edit returns; one made in a worker is queued
        for the GUI thread."""
        with self._lock:
            first = self._pending is None
            self._pending = changes if self._pending is None else self._pending | changes
        if QtCore.QThread.currentThread() is self.thread():
            self._deliver()
        elif first:
            self._posted.emit()

    @Slot()
    def _deliver(self) -> None:
        with self._lock:
            changes, self._pending = self._pending, None
        if changes:
            self.changed.emit(changes)


@dataclass
class AppContext:
    db: Database
    runner: TaskRunner
    undo: QtGui.QUndoStack
    bus: DataBus
