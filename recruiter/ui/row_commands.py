"""The two undoable-edit shapes that set-up, calendar and immigration commands share: creating
a row (undo deletes it, redo puts it back from the snapshot the undo took, so it keeps its id
and later commands on the stack still find it) and editing one (undo writes back the previous
values the service returned)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from recruiter.errors import RecruiterError

from .context import AppContext
from .undo import ServiceCommand, push

ErrorFn = Callable[[RecruiterError], None] | None


def created(
    ctx: AppContext,
    text: str,
    create: Callable[[], int],
    remove: Callable[[int], Any],
    restore: Callable[[Any], None],
    on_error: ErrorFn = None,
) -> ServiceCommand:
    """`create()` returns the new id; `remove(id)` what `restore` needs to put the row back."""
    kept: dict[str, Any] = {}

    def do() -> int:
        if "snap" in kept:
            restore(kept["snap"])
            return int(kept["id"])
        kept["id"] = create()
        return int(kept["id"])

    def undo(ident: int) -> None:
        kept["snap"] = remove(ident)

    return push(ctx, text, do, undo, on_error)


def edited(
    ctx: AppContext,
    text: str,
    write: Callable[..., Any],
    ident: int,
    changes: Mapping[str, Any],
    on_error: ErrorFn = None,
    *,
    skip_empty: bool = False,
) -> ServiceCommand:
    """`write(db, ident, **values)` applies values and returns the previous ones, which undo
    writes back (`skip_empty`: not when the edit changed nothing)."""
    db = ctx.db

    def undo(before: dict[str, Any]) -> None:
        if before or not skip_empty:
            write(db, ident, **before)

    return push(ctx, text, lambda: write(db, ident, **dict(changes)), undo, on_error)


__all__ = ["ErrorFn", "created", "edited"]
