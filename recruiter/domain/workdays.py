"""Calendar and working-day arithmetic for every clock of the app (visa deadlines, public-notice
periods), against the office's own calendar: public holidays that fall on weekdays, and the
adjusted working days (调休) that fall on a weekend. Pure: the calendar is data the caller loads
(services/calendar.py); nothing here reads a clock or a database.
"""

from __future__ import annotations

import calendar as _gregorian
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

WEEKEND = frozenset({5, 6})  # Saturday, Sunday (date.weekday())


class DayCount(StrEnum):
    """How an offset is counted: calendar days, working days of the office calendar, or months
    (same day of the month, clamped to the month's last day)."""

    calendar_days = "calendar_days"
    working_days = "working_days"
    months = "months"


@dataclass(frozen=True)
class Calendar:
    """An office calendar: `holidays` are days off (even on a weekday), `workdays` are days worked
    (even on a weekend). A day in both is a data error the service refuses; here holidays win."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    @classmethod
    def of(cls, holidays: Iterable[date] = (), workdays: Iterable[date] = ()) -> Calendar:
        return cls(frozenset(holidays), frozenset(workdays))

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        return day.weekday() not in WEEKEND

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (before it when n < 0); `start` itself is not
        counted, so a 5-working-day notice posted on a Monday ends on the next Monday. n == 0
        gives `start` when it is a working day, else the next working day."""
        step = 1 if n >= 0 else -1
        day = start
        if n == 0:
            while not self.is_working_day(day):
                day += timedelta(days=1)
            return day
        left = abs(n)
        while left:
            day += timedelta(days=step)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; when end is before start, minus the working days in
        [end, start) — the days `add_working_days` steps over, so the two are inverses."""
        if end < start:
            back = (start - end).days
            return -sum(1 for k in range(back) if self.is_working_day(end + timedelta(k)))
        return sum(
            1 for k in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(k))
        )


def add_months(start: date, n: int) -> date:
    """Same day n months later (or earlier), clamped to the month's end: 31 Jan + 1 = 28/29 Feb."""
    month_index = start.year * 12 + (start.month - 1) + n
    year, month = divmod(month_index, 12)
    last = _gregorian.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))


def shift(start: date, amount: int, count: DayCount, cal: Calendar | None = None) -> date:
    """`start` moved by `amount` units of `count` (negative amounts go back)."""
    if count is DayCount.calendar_days:
        return start + timedelta(days=amount)
    if count is DayCount.months:
        return add_months(start, amount)
    return (cal or Calendar()).add_working_days(start, amount)
