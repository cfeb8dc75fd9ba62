"""Undoable edits of immigration cases: one QUndoCommand per edit whose redo/undo call
services.immigration (each write returns what its undo needs). Creations are re-inserted with
their ids on redo, so later commands on the stack still refer to the right rows."""

from __future__ import annotations

from typing import Any

from recruiter.domain.enums import Stage
from recruiter.domain.immigration import Milestone
from recruiter.i18n import _
from recruiter.services import applications, immigration

from .context import AppContext
from .row_commands import ErrorFn, created, edited
from .undo import ServiceCommand, push

OnError = ErrorFn


def open_case(ctx: AppContext, application_id: int, on_error: OnError = None) -> ServiceCommand:
    return created(
        ctx,
        _("Open immigration case"),
        lambda: immigration.open_case(ctx.db, application_id),
        lambda cid: immigration.remove_case(ctx.db, cid),
        lambda bundle: immigration.restore_case(ctx.db, bundle),
        on_error,
    )


def edit_case(
    ctx: AppContext, case_id: int, changes: dict[str, Any], on_error: OnError = None
) -> ServiceCommand:
    return edited(
        ctx,
        _("Edit immigration case"),
        immigration.update_case,
        case_id,
        changes,
        on_error,
        skip_empty=True,
    )


def close_case(
    ctx: AppContext, case_id: int, reason: str, on_error: OnError = None
) -> ServiceCommand:
    return push(
        ctx,
        _("Close immigration case"),
        lambda: immigration.close_case(ctx.db, case_id, reason),
        lambda before: immigration.update_case(ctx.db, case_id, **before),
        on_error,
    )


def set_milestone(
    ctx: AppContext,
    case_id: int,
    kind: Milestone,
    values: dict[str, Any] | None,
    on_error: OnError = None,
) -> ServiceCommand:
    """Date a milestone (`values`), or clear it (None)."""

    def do() -> Any:
        if values is None:
            return immigration.clear_milestone(ctx.db, case_id, kind)
        return immigration.set_milestone(ctx.db, case_id, kind, **values)

    verb = _("Clear") if values is None else _("Date")
    return push(
        ctx,
        f"{verb} {kind.label}",
        do,
        lambda prev: immigration.put_milestone(ctx.db, case_id, kind, prev),
        on_error,
    )


def add_person(
    ctx: AppContext, case_id: int, values: dict[str, Any], on_error: OnError = None
) -> ServiceCommand:
    return created(
        ctx,
        _("Add {person} to the case").format(person=values.get("full_name") or _("a person")),
        lambda: immigration.add_person(ctx.db, case_id, **values),
        lambda pid: immigration.remove_person(ctx.db, pid),
        lambda kept: immigration.restore_person(ctx.db, kept),
        on_error,
    )


def edit_person(
    ctx: AppContext, person_id: int, changes: dict[str, Any], on_error: OnError = None
) -> ServiceCommand:
    return edited(
        ctx, "Edit person", immigration.update_person, person_id, changes, on_error, skip_empty=True
    )


def remove_person(ctx: AppContext, person_id: int, on_error: OnError = None) -> ServiceCommand:
    return push(
        ctx,
        _("Remove person from the case"),
        lambda: immigration.remove_person(ctx.db, person_id),
        lambda kept: immigration.restore_person(ctx.db, kept),
        on_error,
    )


def edit_document(
    ctx: AppContext, document_id: int, changes: dict[str, Any], on_error: OnError = None
) -> ServiceCommand:
    return edited(
        ctx,
        _("Update document"),
        immigration.update_document,
        document_id,
        changes,
        on_error,
        skip_empty=True,
    )


def add_task(
    ctx: AppContext, case_id: int | None, values: dict[str, Any], on_error: OnError = None
) -> ServiceCommand:
    what = _("template line") if case_id is None else _("relocation task")
    return created(
        ctx,
        _("Add {what} '{title}'").format(what=what, title=values.get("title") or ""),
        lambda: immigration.add_task(ctx.db, case_id, **values),
        lambda tid: immigration.remove_task(ctx.db, tid),
        lambda kept: immigration.restore_task(ctx.db, kept),
        on_error,
    )


def edit_task(
    ctx: AppContext, task_id: int, changes: dict[str, Any], on_error: OnError = None
) -> ServiceCommand:
    return edited(
        ctx,
        _("Edit relocation task"),
        immigration.update_task,
        task_id,
        changes,
        on_error,
        skip_empty=True,
    )


def remove_task(ctx: AppContext, task_id: int, on_error: OnError = None) -> ServiceCommand:
    return push(
        ctx,
        _("Remove relocation task"),
        lambda: immigration.remove_task(ctx.db, task_id),
        lambda kept: immigration.restore_task(ctx.db, kept),
        on_error,
    )


def charge_task(
    ctx: AppContext, task_id: int, cost_minor: int | None, on_error: OnError = None
) -> ServiceCommand:
    return push(
        ctx,
        _("Charge relocation cost"),
        lambda: immigration.charge(ctx.db, task_id, cost_minor),
        lambda before: immigration.put_charge(ctx.db, task_id, before),
        on_error,
    )


def edit_rule(
    ctx: AppContext, rule_id: int, changes: dict[str, Any], on_error: OnError = None
) -> ServiceCommand:
    return edited(
        ctx,
        _("Edit deadline rule"),
        immigration.update_rule,
        rule_id,
        changes,
        on_error,
        skip_empty=True,
    )


def arrive(
    ctx: AppContext,
    application_id: int,
    override_reason: str | None = None,
    on_error: OnError = None,
) -> ServiceCommand:
    """Move the hire to `arrived`; refused (ArrivalBlocked) while required milestones are
    open, unless `override_reason` is given (audited)."""
    return push(
        ctx,
        _("Mark arrived"),
        lambda: applications.move(ctx.db, application_id, Stage.arrived, override=override_reason),
        lambda state: applications.restore(ctx.db, state, "move"),
        on_error,
    )
