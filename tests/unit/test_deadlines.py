"""Every clock of an immigration case against hand-worked examples (month ends, leap days,
working days across a week-end and across the Spring Festival supplied as data), and the rule
that no deadline is ever computed from a missing date."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recruiter.domain.deadlines import DEFAULT_RULES, Deadline, deadlines, next_deadline, urgency
from recruiter.domain.immigration import (
    ANCHORS,
    CaseState,
    Category,
    Milestone,
    Route,
    missing_for_arrival,
    state_of,
)
from recruiter.domain.workdays import Calendar

# Spring Festival 2026 as the State Council announced it: Sun 15 - Mon 23 Feb off, Sat 14 Feb
# and Sat 28 Feb worked.
SPRING_2026 = Calendar.of(
    holidays=[date(2026, 2, d) for d in range(15, 24)],
    workdays=[date(2026, 2, 14), date(2026, 2, 28)],
)


def due(key: str, dates: dict, route=Route.z, category=Category.b, cal=None) -> date | None:
    found = {d.rule: d.due for d in deadlines(DEFAULT_RULES, route, category, dates, cal)}
    return found.get(key)


def test_notification_letter_runs_three_months_clamped_to_month_end() -> None:
    assert due("letter_expiry", {"letter_issued": date(2026, 3, 10)}) == date(2026, 6, 10)
    assert due("letter_expiry", {"letter_issued": date(2025, 11, 30)}) == date(2026, 2, 28)
    assert due("letter_expiry", {"letter_issued": date(2027, 11, 30)}) == date(2028, 2, 29)
    assert due("letter_expiry", {"letter_issued": date(2028, 2, 29)}) == date(2028, 5, 29)
    # The visa answers it; R and K routes have no notification letter clock.
    assert (
        due("letter_expiry", {"letter_issued": date(2026, 3, 10), "visa_issued": date(2026, 4, 1)})
        is None
    )
    assert due("letter_expiry", {"letter_issued": date(2026, 3, 10)}, Route.r) is None


def test_permits_after_entry_in_calendar_days() -> None:
    entry = {"entry": date(2026, 2, 20)}
    assert due("work_permit_due", entry) == date(2026, 3, 2)  # 2026 is not a leap year
    assert due("work_permit_due", {"entry": date(2028, 2, 20)}) == date(2028, 3, 1)
    assert due("residence_permit_due", {"entry": date(2026, 1, 31)}) == date(2026, 3, 2)
    assert due("residence_permit_due", {"entry": date(2028, 1, 31)}) == date(2028, 3, 1)
    # Calendar days ignore holidays.
    assert due("work_permit_due", {"entry": date(2026, 2, 13)}, cal=SPRING_2026) == date(
        2026, 2, 23
    )
    # Issued permits close their clocks; a K visa's permit rules are unpublished: no clock.
    assert due("work_permit_due", {**entry, "work_permit": date(2026, 2, 25)}) is None
    assert due("work_permit_due", entry, Route.k) is None
    assert due("residence_permit_due", entry, Route.k) is None


def test_renewals_thirty_days_before_expiry() -> None:
    assert due("residence_permit_renewal", {"residence_permit_expires": date(2027, 3, 1)}) == date(
        2027, 1, 30
    )
    assert due("work_permit_renewal", {"work_permit_expires": date(2028, 3, 1)}) == date(
        2028, 1, 31
    )
    # Every route renews, including people already resident.
    assert due(
        "work_permit_renewal", {"work_permit_expires": date(2028, 3, 1)}, Route.resident
    ) == date(2028, 1, 31)


def test_passport_expiring_before_the_permit() -> None:
    short = {"passport_expires": date(2027, 6, 1), "residence_permit_expires": date(2028, 1, 1)}
    assert due("passport_before_permit", short) == date(2027, 6, 1)
    long = {"passport_expires": date(2029, 6, 1), "residence_permit_expires": date(2028, 1, 1)}
    assert due("passport_before_permit", long) is None
    assert due("passport_before_permit", {"passport_expires": date(2027, 6, 1)}) is None


def test_fwp_review_in_working_days_across_a_weekend() -> None:
    # Submitted Fri 4 Dec 2026: 10 working days -> Fri 18 Dec.
    assert due("fwp_prereview", {"fwp_submitted": date(2026, 12, 4)}) == date(2026, 12, 18)
    # Accepted Fri 4 Dec, category A: 5 working days -> Fri 11 Dec; B: 10 -> Fri 18 Dec.
    accepted = {"fwp_accepted": date(2026, 12, 4)}
    assert due("fwp_decision_a", accepted, category=Category.a) == date(2026, 12, 11)
    assert due("fwp_decision_bc", accepted, category=Category.b) == date(2026, 12, 18)
    assert due("fwp_decision_a", accepted, category=Category.b) is None
    assert due("fwp_decision_bc", accepted, category=None) is None  # category unknown: no clock


def test_fwp_review_across_the_spring_festival_supplied_as_data() -> None:
    accepted = {"fwp_accepted": date(2026, 2, 12)}  # Thursday before the holiday
    # Fri 13 (1), Sat 14 worked (2), 15-23 off, Tue 24 (3), Wed 25 (4), Thu 26 (5).
    assert due("fwp_decision_a", accepted, category=Category.a, cal=SPRING_2026) == date(
        2026, 2, 26
    )
    # Without the office calendar: plain weekdays -> Thu 19 Feb.
    assert due("fwp_decision_a", accepted, category=Category.a) == date(2026, 2, 19)
    # 10 working days: ... Thu 26 (5), Fri 27 (6), Sat 28 worked (7), Mon 2 Mar (8), 3 (9), 4 (10).
    assert due("fwp_decision_bc", accepted, category=Category.c, cal=SPRING_2026) == date(
        2026, 3, 4
    )


def test_next_deadline_and_urgency() -> None:
    dates = {
        "entry": date(2026, 5, 4),
        "letter_issued": date(2026, 1, 5),
        "visa_issued": date(2026, 2, 1),
    }
    first = next_deadline(DEFAULT_RULES, Route.z, Category.b, dates)
    assert first is not None and first.rule == "work_permit_due" and first.due == date(2026, 5, 14)
    assert urgency(first, date(2026, 5, 15)) == "overdue"
    assert urgency(first, date(2026, 5, 7)) == "soon"
    assert urgency(first, date(2026, 5, 6)) == ""
    assert urgency(None, date(2026, 5, 6)) == ""
    assert first.days_left(date(2026, 5, 4)) == 10


def test_states_and_what_arrival_needs() -> None:
    assert state_of(Route.z, {}) == CaseState.preparing
    assert state_of(Route.z, {"fwp_submitted": date(2026, 1, 1)}) == CaseState.permit
    assert state_of(Route.z, {"letter_issued": date(2026, 1, 1)}) == CaseState.visa
    assert state_of(Route.z, {"visa_issued": date(2026, 1, 1)}) == CaseState.travel
    assert state_of(Route.r, {"entry": date(2026, 1, 1)}) == CaseState.in_country
    assert state_of(Route.r, {"residence_permit": date(2026, 1, 1)}) == CaseState.done
    assert state_of(Route.k, {"first_day": date(2026, 1, 1)}) == CaseState.done
    assert state_of(Route.resident, {"first_day": date(2026, 1, 1)}) == CaseState.done
    assert state_of(Route.z, {}, closed=True) == CaseState.closed
    assert missing_for_arrival(Route.k, {"visa_issued": date(2026, 1, 1)}) == [Milestone.entry]
    assert missing_for_arrival(Route.not_needed, {}) == []
    assert len(missing_for_arrival(Route.z, {})) == 4


_maybe_date = st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2090, 12, 31)))


@given(
    st.dictionaries(st.sampled_from(ANCHORS), _maybe_date),
    st.sampled_from(list(Route)),
    st.one_of(st.none(), st.sampled_from(list(Category))),
    st.sets(st.dates(date(2025, 1, 1), date(2030, 12, 31)), max_size=20),
)
@settings(suppress_health_check=[HealthCheck.too_slow])  # generation is slow on a busy machine
def test_no_deadline_is_ever_computed_from_a_missing_date(dates, route, category, holidays) -> None:
    cal = Calendar.of(holidays)
    rules = {r.key: r for r in DEFAULT_RULES}
    found: list[Deadline] = deadlines(DEFAULT_RULES, route, category, dates, cal)
    for d in found:
        rule = rules[d.rule]
        assert dates.get(rule.anchor) is not None
        assert d.counted_from == dates[rule.anchor]
        if rule.only_if_before is not None:
            assert dates.get(rule.only_if_before) is not None
    # Removing every date leaves no clock at all.
    assert deadlines(DEFAULT_RULES, route, category, dict.fromkeys(dates), cal) == []
    # And a deadline is never further from its date than the rule allows (within a year).
    for d in found:
        assert abs(d.due - d.counted_from) <= timedelta(days=366)
