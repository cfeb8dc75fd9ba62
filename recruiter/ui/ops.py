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
from .tasks import CancelledFn, ProgressFn, Task, run_with_progress, show_error

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


class Reader(QtCore.QObject):
    """A widget's reads: each `read` supersedes the previous one, whose answer is dropped, and
    answers arriving after the widget is gone are dropped too."""

    def __init__(self, ctx: AppContext, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._generation = 0
        self._pending = 0

    @property
    def pending(self) -> bool:
        """True while the newest read has not answered yet."""
        return self._pending == self._generation and self._generation > 0

    def read(
        self,
        op: Callable[[Database], Any],
        success: Callable[[Any], None],
        failure: Callable[[BaseException], None] | None = None,
        title: str = "Recruiter",
    ) -> None:
        self._generation += 1
        generation = self._pending = self._generation
        parent = self.parent()
        widget = parent if isinstance(parent, QtWidgets.QWidget) else None

        def done(result: Any) -> None:
            if generation == self._generation and isValid(self):
                self._pending = 0
                success(result)

        def failed(exc: BaseException) -> None:
            if generation == self._generation and isValid(self):
                self._pending = 0
                (failure or (lambda e: show_error(widget, title, e)))(exc)

        QueryOp(parent=widget, op=op, success=done, title=title).failure(failed).run_in_background(
            self.ctx
        )
