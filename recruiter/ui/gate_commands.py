"""Undoable edits of the approval gates and the office calendar (DESIGN.md §2).

Every gate service returns a `Kept` (the rows as they were); undo puts them back and keeps the
inverse, which redo puts back in turn, so ids stay the same through undo and redo and later
commands on the stack still find their rows. Calendar days follow setup_commands' pattern."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from recruiter.domain.enums import Stage
from recruiter.i18n import _, ngettext
from recruiter.services import applications, calendar, gates

from .context import AppContext
from .row_commands import ErrorFn, created, edited
from .undo import ServiceCommand, push


def gate_edit(
    ctx: AppContext, text: str, first: Callable[[], gates.Kept], on_error: ErrorFn = None
) -> ServiceCommand:
    """`first()` runs the edit once; undo and redo put rows back."""
    box: dict[str, gates.Kept] = {}
    db = ctx.db

    def do() -> gates.Kept:
        if "inverse" in box:
            return gates.put_back(db, box.pop("inverse"), _("redo: {text}").format(text=text))
        return first()

    def undo(kept: gates.Kept) -> None:
        box["inverse"] = gates.put_back(db, kept, text)

    return push(ctx, text, do, undo, on_error)


def move_with_override(
    ctx: AppContext,
    application_ids: Sequence[int],
    to: Stage,
    reason: str,
    on_error: ErrorFn = None,
) -> ServiceCommand:
    """A stage move past approval gates that are not passed, with the reason (audited)."""
    ids = list(application_ids)
    return push(
        ctx,
        ngettext(
            "Move the application to {stage} (gates overridden)",
            "Move {count} applications to {stage} (gates overridden)",
            len(ids),
        ).format(count=len(ids), stage=to.label),
        lambda: applications.move_many(ctx.db, ids, to, None, override=reason),
        lambda states: applications.restore_many(ctx.db, states, "move"),
        on_error,
    )


# -- the office calendar ------------------------------------------------------------------------
def add_day(ctx: AppContext, values: Mapping[str, Any], on_error: ErrorFn = None) -> ServiceCommand:
    db = ctx.db
    return created(
        ctx,
        _("Add {day} to the calendar").format(day=values.get("name") or _("day")),
        lambda: calendar.add(db, **dict(values)),
        lambda ident: calendar.remove(db, ident),
        lambda snap: calendar.restore(db, snap),
        on_error,
    )


def edit_day(
    ctx: AppContext, holiday_id: int, changes: Mapping[str, Any], on_error: ErrorFn = None
) -> ServiceCommand:
    return edited(ctx, _("Edit calendar day"), calendar.update, holiday_id, changes, on_error)


def remove_day(ctx: AppContext, holiday_id: int, on_error: ErrorFn = None) -> ServiceCommand:
    db = ctx.db
    return push(
        ctx,
        _("Remove calendar day"),
        lambda: calendar.remove(db, holiday_id),
        lambda snap: calendar.restore(db, snap),
        on_error,
    )


__all__ = ["add_day", "edit_day", "gate_edit", "move_with_override", "remove_day"]
