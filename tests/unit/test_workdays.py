"""Working-day and month arithmetic (domain/workdays.py) against hand-worked examples, and the
office calendar service that feeds it (services/calendar.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recruiter.domain.enums import HolidayKind
from recruiter.domain.workdays import Calendar, DayCount, add_months, shift
from recruiter.errors import ConflictError, ValidationError
from recruiter.services import calendar
from recruiter.store.database import Database

# National Day 2026 (Thu 1 Oct - Wed 7 Oct off; Sat 10 Oct worked), as an office would enter it.
NATIONAL_DAY = Calendar.of(
    holidays=[date(2026, 10, d) for d in range(1, 8)], workdays=[date(2026, 10, 10)]
)


def test_plain_week_skips_the_weekend() -> None:
    cal = Calendar()
    assert cal.add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 7)  # Fri -> Mon
    assert cal.add_working_days(date(2026, 11, 30), 5) == date(2026, 12, 7)  # Mon + 5 -> Mon
    assert cal.add_working_days(date(2026, 12, 7), -1) == date(2026, 12, 4)
    assert cal.add_working_days(date(2026, 12, 5), 0) == date(2026, 12, 7)  # Sat -> Mon
    assert cal.add_working_days(date(2026, 12, 3), 0) == date(2026, 12, 3)


def test_holidays_and_adjusted_working_weekend() -> None:
    # Notice posted Tue 29 Sep for 5 working days: Wed 30 Sep, (1-7 off), Thu 8, Fri 9,
    # Sat 10 (adjusted working day), Mon 12.
    assert NATIONAL_DAY.add_working_days(date(2026, 9, 29), 5) == date(2026, 10, 12)
    assert NATIONAL_DAY.is_working_day(date(2026, 10, 10))
    assert not NATIONAL_DAY.is_working_day(date(2026, 10, 5))
    assert NATIONAL_DAY.working_days_between(date(2026, 9, 29), date(2026, 10, 12)) == 5
    assert NATIONAL_DAY.working_days_between(date(2026, 10, 12), date(2026, 9, 29)) == -5


def test_months_clamp_to_the_month_end_and_leap_days() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2027, 3, 31), -1) == date(2027, 2, 28)


def test_shift_by_each_count() -> None:
    start = date(2026, 9, 30)
    assert shift(start, 10, DayCount.calendar_days) == date(2026, 10, 10)
    assert shift(start, 3, DayCount.months) == date(2026, 12, 30)
    assert shift(start, 2, DayCount.working_days, NATIONAL_DAY) == date(2026, 10, 9)
    assert shift(start, 2, DayCount.working_days) == date(2026, 10, 2)  # no calendar: weekdays


@given(st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.integers(-40, 40))
def test_working_days_round_trip(start: date, n: int) -> None:
    end = NATIONAL_DAY.add_working_days(start, n)
    if n:
        assert NATIONAL_DAY.is_working_day(end)
        assert NATIONAL_DAY.working_days_between(start, end) == n
    assert (end >= start) == (n >= 0) or n == 0


def test_calendar_service_add_update_remove_restore(db: Database) -> None:
    first = calendar.add(db, day=date(2026, 10, 1), name="National Day")
    calendar.add_many(
        db,
        [
            {"day": date(2026, 10, 2), "name": "National Day"},
            {"day": date(2026, 10, 10), "name": "Adjusted working day", "kind": "workday"},
        ],
    )
    cal = calendar.load(db)
    assert cal.holidays == {date(2026, 10, 1), date(2026, 10, 2)}
    assert cal.workdays == {date(2026, 10, 10)}
    assert [d.day for d in calendar.days(db, 2026)] == [
        date(2026, 10, 1),
        date(2026, 10, 2),
        date(2026, 10, 10),
    ]
    assert calendar.days(db, 2027) == []

    before = calendar.update(db, first, name="国庆节")
    assert before == {"name": "National Day"}
    kept = calendar.remove(db, first)
    assert date(2026, 10, 1) not in calendar.load(db).holidays
    calendar.restore(db, kept)
    restored = calendar.days(db, 2026)[0]
    assert (restored.id, restored.name, restored.kind) == (first, "国庆节", HolidayKind.holiday)


def test_calendar_refuses_bad_or_duplicate_days_and_changes_nothing(db: Database) -> None:
    calendar.add(db, day=date(2026, 10, 1), name="National Day")
    with pytest.raises(ConflictError, match="already in the office calendar"):
        calendar.add_many(
            db,
            [
                {"day": date(2026, 10, 3), "name": "National Day"},
                {"day": date(2026, 10, 1), "name": "Again"},
            ],
        )
    assert [d.day for d in calendar.days(db)] == [date(2026, 10, 1)]  # all or nothing
    with pytest.raises(ValidationError):
        calendar.add(db, day=None, name="")
    with pytest.raises(ValidationError):
        calendar.add(db, day=date(2026, 5, 1), name="Labour Day", kind="weekend")


def test_calendar_writes_are_audited(db: Database) -> None:
    from sqlmodel import select

    from recruiter.domain.models import AuditEntry

    ident = calendar.add(db, day=date(2026, 1, 1) + timedelta(days=0), name="New Year")
    calendar.remove(db, ident)
    with db.session() as s:
        actions = [
            e.action for e in s.exec(select(AuditEntry).where(AuditEntry.entity == "holiday"))
        ]
    assert actions == ["create", "delete"]
