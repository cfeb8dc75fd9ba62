"""Office-wide settings kept in the `setting` table, so every desk on one database agrees.

The office time zone decides calendar-day figures (days in stage, "as of", date filters); it
defaults to Asia/Shanghai, where the recruitment offices are.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from recruiter.domain.models import Setting
from recruiter.errors import ValidationError
from recruiter.i18n import _
from recruiter.store.database import Database

from . import audit

TIME_ZONE_KEY = "office_time_zone"
DEFAULT_TIME_ZONE = "Asia/Shanghai"


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def time_zone_name_in(s: Session) -> str:
    row = s.get(Setting, TIME_ZONE_KEY)
    return row.value if row is not None and _zone(row.value) is not None else DEFAULT_TIME_ZONE


def office_zone_in(s: Session) -> ZoneInfo:
    """The office time zone (the default when unset or no longer known to this machine)."""
    return ZoneInfo(time_zone_name_in(s))


def office_zone(db: Database) -> ZoneInfo:
    with db.session() as s:
        return office_zone_in(s)


def time_zone_name(db: Database) -> str:
    with db.session() as s:
        return time_zone_name_in(s)


def set_time_zone(db: Database, name: str) -> str:
    """Change the office time zone (an IANA name such as 'Europe/Berlin'); returns the previous
    name, so undo is set_time_zone(previous)."""
    name = (name or "").strip()
    if not name or _zone(name) is None:
        raise ValidationError(
            {
                "time_zone": _(
                    "'{name}' is not a time zone name we know (e.g. Asia/Shanghai)"
                ).format(name=name)
            }
        )
    with db.session() as s:
        previous = time_zone_name_in(s)
        row = s.get(Setting, TIME_ZONE_KEY)
        if row is None:
            s.add(Setting(key=TIME_ZONE_KEY, value=name))
        else:
            row.value = name
            s.add(row)
        if previous != name:
            audit.record(
                s,
                db.user,
                "setting",
                None,
                "update",
                {"key": TIME_ZONE_KEY, "value": [previous, name]},
            )
        return previous


__all__ = [
    "DEFAULT_TIME_ZONE",
    "TIME_ZONE_KEY",
    "office_zone",
    "office_zone_in",
    "set_time_zone",
    "time_zone_name",
    "time_zone_name_in",
]
