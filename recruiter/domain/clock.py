"""Timestamps are aware UTC datetimes (SQLModel refuses naive ones), local time on screen.

Calendar-day figures (days in stage, "as of", date filters) count days in the office's time
zone (services.settings), not the machine's, so two desks in different zones agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def today() -> date:
    return date.today()


def to_local(ts: datetime) -> datetime:
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.astimezone().replace(tzinfo=None)


def as_utc(ts: datetime) -> datetime:
    """A stored timestamp as an aware UTC datetime (SQLite hands them back naive)."""
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def local_day(ts: datetime, zone: tzinfo) -> date:
    """The calendar day in `zone` of a timestamp (naive ones are UTC)."""
    return as_utc(ts).astimezone(zone).date()


def local_midnight(day: date, zone: tzinfo) -> datetime:
    """The UTC instant at which `day` starts in `zone`."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def today_in(zone: tzinfo, now: datetime | None = None) -> date:
    """Today's date in `zone` (of `now`, when given)."""
    return as_utc(now or utcnow()).astimezone(zone).date()
