"""Timestamps are aware UTC datetimes (SQLModel refuses naive ones), local time on screen."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def today() -> date:
    return date.today()


def to_local(ts: datetime) -> datetime:
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.astimezone().replace(tzinfo=None)
