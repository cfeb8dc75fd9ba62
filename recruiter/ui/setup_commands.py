"""Undoable edits of the office's set-up: institutions, departments, officers, archiving, the
office time zone and a loaded set-up workbook (DESIGN.md §2).

As in offer_commands.py, a creation is redone from the snapshot its undo took, so the row keeps
its id and later commands on the stack still find it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from recruiter.i18n import _
from recruiter.services import archive, institutions, officers, settings, setup

from .context import AppContext
from .row_commands import ErrorFn, created, edited
from .undo import ServiceCommand, push


def create_institution(
    ctx: AppContext, values: Mapping[str, Any], on_error: ErrorFn = None
) -> ServiceCommand:
    db = ctx.db
    return created(
        ctx,
        _("Add institution '{value}'").format(value=values.get("name") or ""),
        lambda: institutions.create(db, **dict(values)),
        lambda ident: institutions.delete(db, ident),
        lambda snap: institutions.restore(db, snap),
        on_error,
    )


def edit_institution(
    ctx: AppContext, institution_id: int, changes: Mapping[str, Any], on_error: ErrorFn = None
) -> ServiceCommand:
    return edited(
        ctx, _("Edit institution"), institutions.update, institution_id, changes, on_error
    )


def create_department(
    ctx: AppContext, institution_id: int, values: Mapping[str, Any], on_error: ErrorFn = None
) -> ServiceCommand:
    db = ctx.db
    return created(
        ctx,
        _("Add department '{value}'").format(value=values.get("name") or ""),
        lambda: institutions.add_department(
            db,
            institution_id,
            values.get("name") or "",
            values.get("name_zh"),
            values.get("parent_id"),
        ),
        lambda ident: institutions.delete_department(db, ident),
        lambda snap: institutions.restore_department(db, snap),
        on_error,
    )


def edit_department(
    ctx: AppContext, department_id: int, changes: Mapping[str, Any], on_error: ErrorFn = None
) -> ServiceCommand:
    return edited(
        ctx, _("Edit department"), institutions.update_department, department_id, changes, on_error
    )


def create_officer(
    ctx: AppContext, values: Mapping[str, Any], on_error: ErrorFn = None
) -> ServiceCommand:
    db = ctx.db
    return created(
        ctx,
        _("Add officer '{value}'").format(value=values.get("name") or ""),
        lambda: officers.create(db, **dict(values)),
        lambda ident: officers.delete(db, ident),
        lambda snap: officers.restore(db, snap),
        on_error,
    )


def edit_officer(
    ctx: AppContext, officer_id: int, changes: Mapping[str, Any], on_error: ErrorFn = None
) -> ServiceCommand:
    return edited(ctx, _("Edit officer"), officers.update, officer_id, changes, on_error)


def retire(
    ctx: AppContext, kind: archive.Kind, ident: int, what: str, on_error: ErrorFn = None
) -> ServiceCommand:
    """ "Remove": deleted when nothing refers to it, archived otherwise (`cmd.state` says which)."""
    db = ctx.db
    return push(
        ctx,
        _("Remove {what}").format(what=what),
        lambda: archive.retire(db, kind, ident),
        lambda done: archive.undo_retire(db, done),
        on_error,
    )


def unarchive(
    ctx: AppContext, kind: archive.Kind, ident: int, what: str, on_error: ErrorFn = None
) -> ServiceCommand:
    db = ctx.db
    return push(
        ctx,
        _("Unarchive {what}").format(what=what),
        lambda: archive.unarchive(db, kind, ident),
        lambda previous: archive.set_archived_at(db, kind, ident, previous),
        on_error,
    )


def set_time_zone(ctx: AppContext, name: str, on_error: ErrorFn = None) -> ServiceCommand:
    db = ctx.db
    return push(
        ctx,
        _("Office time zone {name}").format(name=name),
        lambda: settings.set_time_zone(db, name),
        lambda previous: settings.set_time_zone(db, previous),
        on_error,
    )


def loaded_setup(
    ctx: AppContext, path: str | Path, result: setup.SetupResult, on_error: ErrorFn = None
) -> ServiceCommand:
    """Put a set-up load that already ran (in the background) on the undo stack. Undo takes
    back what it created and changed; redo loads the workbook again."""
    db = ctx.db
    first: list[setup.SetupResult] = [result]

    def do() -> setup.SetupResult:
        if first:
            return first.pop()
        return setup.load(db, path)

    return push(
        ctx,
        _("Load set-up {name}").format(name=Path(path).name),
        do,
        lambda done: setup.undo_load(db, done),
        on_error,
    )


__all__ = [
    "create_department",
    "create_institution",
    "create_officer",
    "edit_department",
    "edit_institution",
    "edit_officer",
    "loaded_setup",
    "retire",
    "set_time_zone",
    "unarchive",
]
