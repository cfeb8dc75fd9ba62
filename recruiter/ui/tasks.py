"""Long work off the GUI thread, Anki-style: one call runs a core function in the pool with a
progress dialog (shown after ~0.5 s, with a working Cancel) and hands the result back on the GUI
thread. Workers never touch widgets; they only emit signals."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from recruiter.i18n import _

from .qt import QtCore, QtWidgets, Signal

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]


class _Signals(QtCore.QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class Task(QtCore.QRunnable):
    """Runs fn(progress, cancelled) in a worker thread and reports through signals."""

    def __init__(self, fn: Callable[[ProgressFn, CancelledFn], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _Signals()
        self._cancel = threading.Event()
        self.setAutoDelete(False)

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:  # worker thread
        try:
            result = self.fn(self.signals.progress.emit, self._cancel.is_set)
        except BaseException as exc:  # reported on the GUI thread
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            if self._cancel.is_set():
                self.signals.cancelled.emit()
            else:
                self.signals.failed.emit(exc)
        else:
            if self._cancel.is_set():
                self.signals.cancelled.emit()
            else:
                self.signals.finished.emit(result)


class TaskRunner(QtCore.QObject):
    """Owns the pool and keeps running tasks alive until they report."""

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QtCore.QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._running: set[Task] = set()

    def start(
        self,
        fn: Callable[[ProgressFn, CancelledFn], Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Task:
        task = Task(fn)
        self._running.add(task)

        def finish(cb: Callable[..., None] | None, *args: Any) -> None:
            self._running.discard(task)
            if cb is not None:
                cb(*args)

        task.signals.finished.connect(lambda r: finish(on_done, r))
        task.signals.failed.connect(lambda e: finish(on_error, e))
        task.signals.cancelled.connect(lambda: finish(on_cancel))
        if progress is not None:
            task.signals.progress.connect(progress)
        self.pool.start(task)
        return task

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)


def run_with_progress(
    parent: QtWidgets.QWidget,
    runner: TaskRunner,
    title: str,
    fn: Callable[[ProgressFn, CancelledFn], Any],
    *,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_cancel: Callable[[], None] | None = None,
) -> Task:
    """Run `fn` in the background behind a modal progress dialog with Cancel."""
    dialog = QtWidgets.QProgressDialog(title, _("Cancel"), 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(500)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setValue(0)

    def on_progress(done: int, total: int) -> None:
        if total > 0 and dialog.maximum() != total:
            dialog.setMaximum(total)
        dialog.setValue(min(done, total) if total > 0 else 0)

    def close() -> None:
        dialog.reset()
        dialog.hide()
        dialog.deleteLater()

    def done(result: Any) -> None:
        close()
        if on_done:
            on_done(result)

    def error(exc: BaseException) -> None:
        close()
        if on_error:
            on_error(exc)
        else:
            show_error(parent, title, exc)

    def cancelled() -> None:
        close()
        if on_cancel:
            on_cancel()

    task = runner.start(fn, on_done=done, on_error=error, on_cancel=cancelled, progress=on_progress)
    dialog.canceled.connect(task.cancel)
    dialog.task = task  # type: ignore[attr-defined]
    parent.setProperty("_last_progress_dialog", None)
    return task


def show_error(parent: QtWidgets.QWidget | None, title: str, exc: BaseException) -> None:
    """One clear message; a traceback only behind 'Show Details' for unexpected errors."""
    from recruiter.errors import RecruiterError

    box = QtWidgets.QMessageBox(parent)
    box.setIcon(QtWidgets.QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    if isinstance(exc, RecruiterError):
        box.setText(str(exc))
    else:
        box.setText(
            _("Something went wrong: {exc}\n\nNothing was saved. Please report this.").format(
                exc=exc
            )
        )
        box.setDetailedText(getattr(exc, "__traceback_text__", "") or repr(exc))
    box.open()
