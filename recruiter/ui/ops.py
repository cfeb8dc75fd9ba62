"""The one way screens touch the database, Anki-style: `QueryOp` reads in the task runner's pool
and hands the result to the GUI thread; `CollectionOp` runs a mutating call in the pool behind a
progress dialog. Neither says what changed: the store announces every commit (DataBus), so a
write started here refreshes the screens like any other.

`Reader` is a widget's stream of reads where only the newest answer counts (a page refreshed
twice, a filter changed while loading).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from shiboken6 import isValid

from recruiter.store.database import Database

from .context import AppContext
from .qt import QtCore, QtWidgets
from .tasks import CancelledFn, ProgressFn, Task, TaskRunner, run_with_progress, show_error

T = TypeVar("T")


class QueryOp(Generic[T]):
    """`op(db)` in the pool; `success(result)` on the GUI thread. A failure is shown to the
    user (titled `title`) unless `failure(...)` takes it."""

    def __init__(
        self,
        *,
        parent: QtWidgets.QWidget | None,
        op: Callable[[Database], T],
        success: Callable[[T], None],
        title: str = "Recruiter",
    ) -> None:
        self._parent = parent
        self._op = op
        self._success = success
        self._title = title
        self._failure: Callable[[BaseException], None] | None = None

    def failure(self, fn: Callable[[BaseException], None]) -> QueryOp[T]:
        self._failure = fn
        return self

    def run_in_background(self, ctx: AppContext) -> Task:
        db = ctx.db
        return ctx.runner.start(
            lambda _p, _c: self._op(db),
            on_done=self._success,
            on_error=self._failure or (lambda exc: show_error(self._parent, self._title, exc)),
        )


class CollectionOp(Generic[T]):
    """`op(db, progress, cancelled)` in the pool behind a progress dialog with Cancel (shown
    after ~0.5 s); `success(result)` on the GUI thread. The commits inside `op` announce what
    they changed."""

    def __init__(
        self,
        *,
        parent: QtWidgets.QWidget,
        op: Callable[[Database, ProgressFn, CancelledFn], T],
        title: str,
    ) -> None:
        self._parent = parent
        self._op = op
        self._title = title
        self._success: Callable[[T], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None

    def success(self, fn: Callable[[T], None]) -> CollectionOp[T]:
        self._success = fn
        return self

    def failure(self, fn: Callable[[BaseException], None]) -> CollectionOp[T]:
        self._failure = fn
        return self

    def run_in_background(self, ctx: AppContext) -> Task:
        db = ctx.db
        return run_with_progress(
            self._parent,
            ctx.runner,
            self._title,
            lambda progress, cancelled: self._op(db, progress, cancelled),
            on_done=self._success,
            on_error=self._failure,
        )


class Reads(QtCore.QObject):
    """A widget's streams of reads, by key: each read of a key supersedes the previous one, whose
    answer is dropped (the user picked another candidate meanwhile), and answers arriving after
    the widget is gone are dropped too. `pending` says whether a newest read is still out, for
    tests and "Loading…" states. Failures go to `on_error`, or are dropped without one (the next
    read will tell)."""

    def __init__(self, runner: TaskRunner, parent: QtCore.QObject) -> None:
        super().__init__(parent)
        self.runner = runner
        self._latest: dict[str, int] = {}
        self._waiting: set[str] = set()

    @property
    def pending(self) -> bool:
        return bool(self._waiting)

    def start(
        self,
        key: str,
        fn: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        generation = self._latest.get(key, 0) + 1
        self._latest[key] = generation
        self._waiting.add(key)

        def deliver(callback: Callable[[Any], None] | None, value: Any) -> None:
            if self._latest.get(key) != generation or not isValid(self):
                return
            self._waiting.discard(key)
            if callback is not None:
                callback(value)

        self.runner.start(
            lambda _progress, _cancelled: fn(),
            on_done=lambda result: deliver(on_done, result),
            on_error=lambda exc: deliver(on_error, exc),
            on_cancel=lambda: deliver(None, None),
        )


class Reader(Reads):
    """One stream of reads of the app's database; a failure is shown to the user unless
    `failure` takes it."""

    def __init__(self, ctx: AppContext, parent: QtCore.QObject) -> None:
        super().__init__(ctx.runner, parent)
        self.ctx = ctx

    def read(
        self,
        op: Callable[[Database], Any],
        success: Callable[[Any], None],
        failure: Callable[[BaseException], None] | None = None,
        title: str = "Recruiter",
    ) -> None:
        parent = self.parent()
        widget = parent if isinstance(parent, QtWidgets.QWidget) else None
        db = self.ctx.db
        self.start("", lambda: op(db), success, failure or (lambda e: show_error(widget, title, e)))
