"""The office calendar (`holiday` table): public holidays and adjusted working weekend days that
every working-day clock counts with. An office keeps it up to date from the State Council's
yearly notice; nothing is assumed.

Writes are audited and return what undo needs, as in institutions.py: `add` the new id (undo:
`remove`), `update` the previous values, `remove` the row's snapshot (undo: `restore`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from recruiter.domain.enums import HolidayKind
from recruiter.domain.models import Holiday
from recruiter.domain.workdays import Calendar
from recruiter.errors import ConflictError
from recruiter.i18n import _
from recruiter.store.database import Database

from . import audit, crud
from ._common import get_or_raise
from .validate import Problems, clean_text

FIELDS = ("day", "name", "kind")


@dataclass(frozen=True)
class Day:
    id: int
    day: date
    name: str
    kind: HolidayKind


def load(db: Database) -> Calendar:
    """The office calendar for working-day arithmetic."""
    with db.session() as s:
        return load_in(s)


def load_in(s: Session) -> Calendar:
    rows = s.exec(select(col(Holiday.day), col(Holiday.kind))).all()
    return Calendar.of(
        (d for d, k in rows if k == HolidayKind.holiday),
        (d for d, k in rows if k == HolidayKind.workday),
    )


def days(db: Database, year: int | None = None) -> list[Day]:
    """Calendar entries in date order (of one year when given)."""
    with db.session() as s:
        q = select(Holiday).order_by(col(Holiday.day))
        if year is not None:
            q = q.where(
                col(Holiday.day) >= date(year, 1, 1), col(Holiday.day) <= date(year, 12, 31)
            )
        return [Day(h.id or 0, h.day, h.name, HolidayKind(h.kind)) for h in s.exec(q)]


def _validate(data: dict[str, Any]) -> dict[str, Any]:
    p = Problems()
    day = data.get("day")
    if not isinstance(day, date):
        p.add("day", _("give the date"))
    name = clean_text(data.get("name"), 100)
    if not name:
        p.add("name", _("give the holiday's name (e.g. National Day)"))
    try:
        kind = HolidayKind(data.get("kind") or HolidayKind.holiday)
    except ValueError:
        p.add("kind", _("is a holiday or an adjusted working day"))
        kind = HolidayKind.holiday
    p.raise_if_any()
    return {"day": day, "name": name, "kind": kind}


def _taken_by(values: dict[str, Any]) -> crud.Clash:
    return lambda: ConflictError(
        _("{day} is already in the office calendar.").format(day=values["day"])
    )


def add(db: Database, **data: Any) -> int:
    values = _validate(data)
    with db.session() as s:
        ident = crud.add(s, db.user, "holiday", Holiday(**values), clash=_taken_by(values))
        recount(s, db.user)
        return ident


def add_many(db: Database, entries: Iterable[dict[str, Any]]) -> list[int]:
    """Several days at once (a year's notice), all or nothing."""
    values = [_validate(e) for e in entries]
    with db.session() as s:
        ids = [crud.add(s, db.user, "holiday", Holiday(**v), clash=_taken_by(v)) for v in values]
        recount(s, db.user)
    return ids


def update(db: Database, holiday_id: int, **changes: Any) -> dict[str, Any]:
    """Apply changes; returns the previous values of the changed fields (for undo)."""
    with db.session() as s:
        row = get_or_raise(s, Holiday, holiday_id, _("Calendar day"))
        before = {k: getattr(row, k) for k in FIELDS}
        values = _validate({**before, **changes})
        # Compared with an id-less row, as always: the entry's change names the id too.
        crud.update(
            s,
            db.user,
            "holiday",
            row,
            values,
            clash=_taken_by(values),
            before=audit.snapshot(Holiday(**before)),
            always=True,
        )
        recount(s, db.user)
        return {k: before[k] for k in values if before[k] != values[k]}


def remove(db: Database, holiday_id: int) -> dict[str, Any]:
    """Delete a day; returns its values (for `restore`)."""
    with db.session() as s:
        row = get_or_raise(s, Holiday, holiday_id, _("Calendar day"))
        kept = {"id": row.id, **{k: getattr(row, k) for k in FIELDS}}
        crud.delete(s, db.user, "holiday", row)
        s.flush()
        recount(s, db.user)
        return kept


def restore(db: Database, kept: dict[str, Any]) -> None:
    """Put back a removed day with its id (undo of `remove`)."""
    with db.session() as s:
        crud.add(s, db.user, "holiday", Holiday(**kept), clash=_taken_by(kept), action="restore")
        recount(s, db.user)


def recount(s: Session, user: str) -> None:
    """What counts working days follows the calendar: the ends of public notices not yet
    decided, and each immigration case's stored next deadline."""
    from . import gates, immigration  # lazy: both read this module

    gates.recount_notices_in(s, user)
    immigration.refresh_next_due_in(s)
