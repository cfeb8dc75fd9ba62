"""Every user edit is a QUndoCommand whose redo()/undo() call services (DESIGN.md §2).

Commands say nothing about what changed: the services' commits announce it (DataBus), for the
first run, undo and redo alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from recruiter.errors import RecruiterError

from .context import AppContext
from .qt import QtGui


class ServiceCommand(QtGui.QUndoCommand):
    """A command built from two service calls.

    `do()` runs on the first push and on every redo and may return state that `undo(state)`
    needs. A failing service call (e.g. the row was deleted elsewhere) is reported through
    `on_error` and marks the command obsolete instead of raising into Qt's event loop.
    """

    def __init__(
        self,
        ctx: AppContext,
        text: str,
        do: Callable[[], Any],
        undo: Callable[[Any], object],
        on_error: Callable[[RecruiterError], None] | None = None,
    ) -> None:
        super().__init__(text)
        self.ctx = ctx
        self._do = do
        self._undo = undo
        self.state: Any = None
        self.error: RecruiterError | None = None
        self._on_error = on_error

    def redo(self) -> None:
        try:
            self.state = self._do()
            self.error = None
        except RecruiterError as exc:
            self.error = exc
            self.setObsolete(True)
            if self._on_error:
                self._on_error(exc)

    def undo(self) -> None:
        try:
            self._undo(self.state)
        except RecruiterError as exc:
            self.setObsolete(True)
            if self._on_error:
                self._on_error(exc)


def push(
    ctx: AppContext,
    text: str,
    do: Callable[[], Any],
    undo: Callable[[Any], object],
    on_error: Callable[[RecruiterError], None] | None = None,
) -> ServiceCommand:
    """Run an edit through the undo stack. Check `cmd.error` afterwards: when the service
    refused, nothing changed and the command is not kept."""
    cmd = ServiceCommand(ctx, text, do, undo, on_error)
    ctx.undo.push(cmd)
    return cmd
