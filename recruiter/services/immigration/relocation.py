"""Relocation tasks of a case, and the office's template (rows without a case) that every new
case copies. A task's cost can be charged to the offer's relocation item: the charges on an item
never exceed its amount, so the funding source, which already counts that item, stays exact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from recruiter.domain.models import ImmigrationCase, RelocationTask
from recruiter.domain.money import format_amount
from recruiter.errors import ConflictError, ValidationError
from recruiter.i18n import _
from recruiter.store.database import Database

from .. import offers
from .._common import get_or_raise
from ..validate import Problems, as_int, clean_text
from . import _rows

FIELDS = ("title", "owner", "due_days", "due_on", "done_on", "note", "position")
COST_FIELDS = ("cost_minor", "currency", "offer_item_id")


def _validate(values: dict[str, Any]) -> dict[str, Any]:
    p = Problems()
    out: dict[str, Any] = {}
    for k, v in values.items():
        if k in ("due_on", "done_on"):
            if v is not None and not isinstance(v, date):
                p.add(k, _("give a date"))
            out[k] = v
        elif k in ("due_days", "position"):
            out[k] = as_int(v, k, p, -3650, 3650)
        elif k == "title":
            out[k] = clean_text(v, 200)
            if not out[k]:
                p.add(k, _("say what needs doing"))
        elif k in ("owner", "note"):
            out[k] = clean_text(v, 100 if k == "owner" else 500)
        else:
            p.add(k, _("cannot be edited here"))
    p.raise_if_any()
    return out


@dataclass(frozen=True)
class TemplateRow:
    id: int
    position: int
    title: str
    owner: str | None
    due_days: int | None


def template(db: Database) -> list[TemplateRow]:
    with db.session() as s:
        return [
            TemplateRow(t.id or 0, t.position, t.title, t.owner, t.due_days)
            for t in s.exec(
                select(RelocationTask)
                .where(col(RelocationTask.case_id).is_(None))
                .order_by(col(RelocationTask.position), col(RelocationTask.id))
            )
        ]


def add_task(db: Database, case_id: int | None, **values: Any) -> int:
    """A task of a case, or a template line when `case_id` is None; undo: `remove_task`."""
    clean = _validate({"title": None, **values})
    with db.session() as s:
        if case_id is not None:
            get_or_raise(s, ImmigrationCase, case_id, _("Case"))
        if "position" not in values:
            last = s.exec(
                select(func.max(RelocationTask.position)).where(
                    col(RelocationTask.case_id).is_(None)
                    if case_id is None
                    else col(RelocationTask.case_id) == case_id
                )
            ).one()
            clean["position"] = (last or 0) + 1
        return _rows.insert(s, db.user, RelocationTask(case_id=case_id, **clean))


def update_task(db: Database, task_id: int, **changes: Any) -> dict[str, Any]:
    """Returns the previous values (undo: `update_task(**before)`). A due date set by hand
    stops following the planned entry."""
    clean = _validate(changes)
    with db.session() as s:
        task = get_or_raise(s, RelocationTask, task_id, _("Task"))
        if "due_on" in clean and task.case_id is not None and "due_days" not in clean:
            clean["due_days"] = None
        return _rows.change(s, db.user, RelocationTask, task_id, clean, "Task")


def remove_task(db: Database, task_id: int) -> dict[str, Any]:
    with db.session() as s:
        return _rows.delete(s, db.user, RelocationTask, task_id, "Task")


def restore_task(db: Database, kept: dict[str, Any]) -> None:
    with db.session() as s:
        _rows.put_back(s, db.user, RelocationTask, [kept])


def charged_in(s: Session, item_id: int, leave_out: int | None = None) -> int:
    q = select(func.coalesce(func.sum(RelocationTask.cost_minor), 0)).where(
        col(RelocationTask.offer_item_id) == item_id
    )
    if leave_out is not None:
        q = q.where(col(RelocationTask.id) != leave_out)
    return int(s.exec(q).one() or 0)


def charge(
    db: Database, task_id: int, cost_minor: int | None, currency: str | None = None
) -> dict[str, Any]:
    """Record a task's cost, charged to the offer's relocation item (None clears it). Refused
    when the item is missing, in another currency, or would be overspent: raise the item on
    the offer first (where the budget check runs). Returns the previous values (undo:
    `put_charge`)."""
    with db.session() as s:
        task = get_or_raise(s, RelocationTask, task_id, _("Task"))
        if task.case_id is None:
            raise ValidationError({"cost_minor": _("template lines have no cost")})
        if cost_minor is None:
            values: dict[str, Any] = {"cost_minor": None, "currency": None, "offer_item_id": None}
            return _rows.change(s, db.user, RelocationTask, task_id, values, "Task")
        if isinstance(cost_minor, bool) or not isinstance(cost_minor, int) or cost_minor < 0:
            raise ValidationError({"cost_minor": _("give an amount of zero or more")})
        case = get_or_raise(s, ImmigrationCase, task.case_id, _("Case"))
        item = offers.relocation_item_in(s, case.application_id)
        if item is None:
            raise ConflictError(
                _(
                    "This hire's accepted offer has no relocation item; add one to the "
                    "offer before charging relocation costs."
                )
            )
        if (currency or item.currency) != item.currency:
            raise ValidationError(
                {
                    "currency": _("the relocation item is in {currency}; charge in it").format(
                        currency=item.currency
                    )
                }
            )
        used = charged_in(s, item.item_id, leave_out=task_id)
        if used + cost_minor > item.total_minor:
            left = item.total_minor - used
            raise ConflictError(
                _(
                    "Only {value} of the relocation item is left; raise the item on the "
                    "offer first (its budget is checked there)."
                ).format(value=format_amount(left, item.currency))
            )
        values = {
            "cost_minor": cost_minor,
            "currency": item.currency,
            "offer_item_id": item.item_id,
        }
        return _rows.change(s, db.user, RelocationTask, task_id, values, "Task")


def put_charge(db: Database, task_id: int, before: dict[str, Any]) -> None:
    """Undo of `charge`: the cost fields as they were."""
    if not before:
        return
    with db.session() as s:
        _rows.change(s, db.user, RelocationTask, task_id, before, "Task")
