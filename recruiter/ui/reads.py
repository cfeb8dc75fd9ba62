"""Database reads for one widget, off the GUI thread.

A widget that shows stored data asks `WidgetReads.start(key, fn, on_done)`: `fn` runs in the task
runner's pool (`TaskRunner.start`), and `on_done(result)` runs on the GUI thread, but only for the
newest read of that key (an older one is stale: the user picked another candidate meanwhile) and
only while the widget exists (a result may arrive after its dialog was closed). `pending` says
whether reads are still out, for tests and for "Loading…" states.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .qt import QtCore
from .tasks import TaskRunner

T = TypeVar("T")


class WidgetReads:
    def __init__(self, runner: TaskRunner, owner: QtCore.QObject) -> None:
        self.runner = runner
        self._latest: dict[str, int] = {}
        self._out = 0
        self._alive = True
        owner.destroyed.connect(self._gone)

    def _gone(self, *_args: Any) -> None:
        self._alive = False

    @property
    def pending(self) -> bool:
        return self._out > 0

    def start(
        self,
        key: str,
        fn: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run `fn()` in the pool; deliver its result to `on_done` unless a newer read of `key`
        was started since or the widget is gone. Errors go to `on_error` under the same rule
        (and are dropped without one: the next read will tell)."""
        generation = self._latest.get(key, 0) + 1
        self._latest[key] = generation
        self._out += 1

        def deliver(callback: Callable[[Any], None] | None, value: Any) -> None:
            self._out -= 1
            if callback is not None and self._alive and self._latest.get(key) == generation:
                callback(value)

        self.runner.start(
            lambda _progress, _cancelled: fn(),
            on_done=lambda result: deliver(on_done, result),
            on_error=lambda exc: deliver(on_error, exc),
            on_cancel=lambda: deliver(None, None),
        )
