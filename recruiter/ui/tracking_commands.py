"""Undoable edits of the tracking workspace. Each function pushes one QUndoCommand (through
recruiter.ui.undo.push) whose redo/undo call services; undo puts the database back exactly:
edits write the captured row back, deletes re-insert the same rows with the same ids, and
creations are re-inserted from what their undo captured (so later commands on the stack still
refer to the right ids).

A command's text names what it acts on from plain values the caller already shows (`name`,
`title`): building a command never reads the database on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from recruiter.domain.enums import ActivityKind, Outcome, Stage
from recruiter.errors import RecruiterError
from recruiter.i18n import _
from recruiter.services import activities, applications, candidates, targets

from .context import AppContext
from .undo import ServiceCommand, push

OnError = Callable[[RecruiterError], None] | None


def _who(ids: Sequence[int], name: str | None = None) -> str:
    """ "Wei Zhang" (the one candidate's name, when the caller knows it), "candidate #7", or
    "3 candidates"."""
    if len(ids) != 1:
        return _("{ids:,} candidates").format(ids=len(ids))
    return name or _("candidate #{value}").format(value=ids[0])


def _target(target_id: int, title: str | None, noun: str = "") -> str:
    """ "'Lecturer'" (with `noun`: "target 'Lecturer'") when the caller knows the title, else
    "target #3"."""
    return f"{noun}'{title}'" if title else _("target #{target_id}").format(target_id=target_id)


# -- candidates -----------------------------------------------------------------------------
def edit_candidate(
    ctx: AppContext,
    candidate_id: int,
    changes: dict[str, Any],
    on_error: OnError = None,
    *,
    name: str | None = None,
    expected_version: int | None = None,
    overwrite: bool = False,
) -> ServiceCommand:
    """Field edits; undo writes back the whole row as it was (updated_at included).
    `expected_version`: the version the form opened, checked on the first save only (a redo
    re-applies what this command did; services/concurrency.py)."""
    label = ", ".join(candidates.LABELS.get(k, k) for k in changes)
    check = [expected_version]

    def do() -> dict[str, Any]:
        before = candidates.row(ctx.db, candidate_id)
        candidates.update(
            ctx.db, candidate_id, expected_version=check[0], overwrite=overwrite, **changes
        )
        check[0] = None
        return before

    return push(
        ctx,
        _("Edit {label} of {value}").format(label=label, value=_who([candidate_id], name)),
        do,
        lambda before: candidates.put_back(ctx.db, before),
        on_error,
    )


def create_candidate(
    ctx: AppContext, values: dict[str, Any], on_error: OnError = None
) -> ServiceCommand:
    kept: dict[str, Any] = {}

    def do() -> int:
        if "bundle" in kept:
            candidates.restore(ctx.db, kept["bundle"])
            return int(kept["id"])
        kept["id"] = candidates.create(ctx.db, **values)
        return int(kept["id"])

    def undo(cid: int) -> None:
        kept["bundle"] = candidates.delete_many(ctx.db, [cid])

    name = values.get("full_name") or values.get("name_zh") or "candidate"
    return push(ctx, _("Add {name}").format(name=name), do, undo, on_error)


def delete_candidates(
    ctx: AppContext,
    candidate_ids: Sequence[int],
    on_error: OnError = None,
    *,
    name: str | None = None,
) -> ServiceCommand:
    ids = list(candidate_ids)
    text = _("Delete {ids}").format(ids=_who(ids, name))
    return push(
        ctx,
        text,
        lambda: candidates.delete_many(ctx.db, ids),
        lambda bundle: candidates.restore(ctx.db, bundle),
        on_error,
    )


def change_tag(
    ctx: AppContext,
    candidate_ids: Sequence[int],
    tag: str,
    *,
    add: bool,
    on_error: OnError = None,
    name: str | None = None,
) -> ServiceCommand:
    ids = list(candidate_ids)
    verb = _("Tag") if add else _("Untag")
    return push(
        ctx,
        f"{verb} {_who(ids, name)} '{tag.strip()}'",
        lambda: candidates.change_tag(ctx.db, ids, tag, add=add),
        lambda before: candidates.restore_tags(ctx.db, before),
        on_error,
    )


# -- pipelines ------------------------------------------------------------------------------
def add_to_pipeline(
    ctx: AppContext,
    candidate_ids: Sequence[int],
    target_id: int,
    *,
    owner: str | None = None,
    on_error: OnError = None,
    name: str | None = None,
    title: str | None = None,
) -> ServiceCommand:
    ids = list(candidate_ids)
    kept: dict[str, Any] = {}

    def do() -> list[int]:
        if "bundle" in kept:
            applications.reinsert_many(ctx.db, kept["bundle"])
            return list(kept["ids"])
        kept["ids"] = applications.add_many(ctx.db, ids, target_id, owner=owner)
        return list(kept["ids"])

    def undo(app_ids: list[int]) -> None:
        kept["bundle"] = applications.remove_many(ctx.db, app_ids)

    return push(
        ctx,
        _("Add {ids} to {target_id}").format(
            ids=_who(ids, name), target_id=_target(target_id, title)
        ),
        do,
        undo,
        on_error,
    )


def set_owner(
    ctx: AppContext,
    candidate_ids: Sequence[int],
    owner: str | None,
    *,
    target_id: int | None = None,
    on_error: OnError = None,
    name: str | None = None,
) -> ServiceCommand:
    ids = list(candidate_ids)
    return push(
        ctx,
        _("Set owner of {ids} to {value}").format(ids=_who(ids, name), value=owner or "nobody"),
        lambda: applications.set_owner_many(ctx.db, ids, owner, target_id=target_id),
        lambda before: applications.restore_owners(ctx.db, before),
        on_error,
    )


def move_stage(
    ctx: AppContext,
    application_ids: Sequence[int],
    to: Stage,
    note: str | None = None,
    on_error: OnError = None,
    seen: Mapping[int, Stage] | None = None,
) -> ServiceCommand:
    """A drag (or its keyboard equivalent): records a stage_event per application; undo drops
    those events and puts stage, outcome and stage_changed_at back. `seen`: the stages the board
    showed, re-checked by the move (someone else may have moved a card meanwhile)."""
    ids = list(application_ids)
    what = "application" if len(ids) == 1 else _("{ids} applications").format(ids=len(ids))
    return push(
        ctx,
        _("Move {what} to {label}").format(what=what, label=to.label),
        lambda: applications.move_many(ctx.db, ids, to, note, seen=seen),
        lambda states: applications.restore_many(ctx.db, states, "move"),
        on_error,
    )


def set_outcome(
    ctx: AppContext,
    application_id: int,
    outcome: Outcome,
    reason: str | None = None,
    on_error: OnError = None,
) -> ServiceCommand:
    text = (
        _("Reopen application")
        if outcome == Outcome.active
        else _("Close application as {value}").format(value=outcome.label.lower())
    )
    return push(
        ctx,
        text,
        lambda: applications.set_outcome(ctx.db, application_id, outcome, reason),
        lambda state: applications.restore(ctx.db, state, "outcome"),
        on_error,
    )


# -- activities -----------------------------------------------------------------------------
def log_activity(
    ctx: AppContext,
    candidate_id: int,
    kind: ActivityKind,
    summary: str,
    *,
    due_on: date | None = None,
    application_id: int | None = None,
    on_error: OnError = None,
) -> ServiceCommand:
    kept: dict[str, Any] = {}

    def do() -> int:
        if "snap" in kept:
            activities.restore(ctx.db, kept["snap"])
            return int(kept["snap"]["id"])
        return activities.log(
            ctx.db, candidate_id, kind, summary, due_on=due_on, application_id=application_id
        )

    def undo(activity_id: int) -> None:
        kept["snap"] = activities.delete(ctx.db, activity_id)

    label = _("follow-up") if due_on else ActivityKind(kind).label.lower()
    return push(ctx, _("Log {label}").format(label=label), do, undo, on_error)


def mark_done(
    ctx: AppContext, activity_id: int, done: bool = True, on_error: OnError = None
) -> ServiceCommand:
    return push(
        ctx,
        _("Mark follow-up done") if done else _("Mark follow-up not done"),
        lambda: activities.set_done(ctx.db, activity_id, done),
        lambda before: activities.set_done(ctx.db, activity_id, before),
        on_error,
    )


def delete_activity(ctx: AppContext, activity_id: int, on_error: OnError = None) -> ServiceCommand:
    return push(
        ctx,
        _("Delete activity"),
        lambda: activities.delete(ctx.db, activity_id),
        lambda snap: activities.restore(ctx.db, snap),
        on_error,
    )


# -- targets --------------------------------------------------------------------------------
def create_target(
    ctx: AppContext, values: dict[str, Any], on_error: OnError = None
) -> ServiceCommand:
    kept: dict[str, Any] = {}

    def do() -> int:
        if "snap" in kept:
            targets.restore(ctx.db, kept["snap"])
            return int(kept["snap"]["id"])
        return targets.create(ctx.db, **values)

    def undo(target_id: int) -> None:
        kept["snap"] = targets.snapshot(ctx.db, target_id)
        targets.delete(ctx.db, target_id)

    return push(
        ctx, _("Add target '{value}'").format(value=values.get("title") or ""), do, undo, on_error
    )


def edit_target(
    ctx: AppContext,
    target_id: int,
    changes: dict[str, Any],
    on_error: OnError = None,
    *,
    title: str | None = None,
    expected_version: int | None = None,
    overwrite: bool = False,
) -> ServiceCommand:
    """`title`: the target's title as shown (the command's text), not read here.
    `expected_version`: checked on the first save only, as for candidates."""
    check = [expected_version]

    def do() -> Any:
        done = targets.update(
            ctx.db, target_id, expected_version=check[0], overwrite=overwrite, **changes
        )
        check[0] = None
        return done

    return push(
        ctx,
        _("Edit {target_id}").format(target_id=_target(target_id, title, "target ")),
        do,
        lambda before: targets.update(ctx.db, target_id, **before),
        on_error,
    )


def delete_target(
    ctx: AppContext, target_id: int, on_error: OnError = None, *, title: str | None = None
) -> ServiceCommand:
    def do() -> dict[str, Any]:
        snap = targets.snapshot(ctx.db, target_id)
        targets.delete(ctx.db, target_id)
        return snap

    return push(
        ctx,
        _("Delete {target_id}").format(target_id=_target(target_id, title, "target ")),
        do,
        lambda snap: targets.restore(ctx.db, snap),
        on_error,
    )
