"""The clocks of an immigration case: from the rule table (`deadline_rule`) and the dates entered,
the deadlines that follow. Pure: rules, dates and the office calendar come in as data.

A deadline exists only when the date it counts from is known: nothing is ever computed from a
missing date (a hypothesis test holds this). A rule stops ticking once the milestone that
answers it is dated (`closed_by`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from .immigration import Category, Milestone, Route, Severity
from .workdays import Calendar, DayCount, shift


@dataclass(frozen=True)
class Rule:
    """One clock: `offset` units of `unit` from the `anchor` date (a milestone or an expiry).

    `routes`/`categories` limit where it applies (empty: everywhere); `only_if_before` makes it
    apply only while the anchor date is before that other date (a passport expiring before the
    permit)."""

    key: str
    name: str
    anchor: str
    offset: int
    unit: DayCount
    severity: Severity = Severity.warning
    closed_by: Milestone | None = None
    routes: frozenset[Route] = frozenset()
    categories: frozenset[Category] = frozenset()
    only_if_before: str | None = None
    source: str = ""
    active: bool = True

    def applies(self, route: Route, category: Category | None) -> bool:
        if not self.active or (self.routes and route not in self.routes):
            return False
        return not self.categories or (category is not None and category in self.categories)


@dataclass(frozen=True)
class Deadline:
    rule: str  # the rule's key
    name: str
    due: date
    severity: Severity
    counted_from: date

    def days_left(self, today: date) -> int:
        return (self.due - today).days


def deadlines(
    rules: Iterable[Rule],
    route: Route,
    category: Category | None,
    dates: Mapping[str, date | None],
    cal: Calendar | None = None,
) -> list[Deadline]:
    """The open deadlines of one case, soonest first."""
    found: list[Deadline] = []
    for rule in rules:
        start = dates.get(rule.anchor)
        if start is None or not rule.applies(route, category):
            continue
        if rule.closed_by is not None and dates.get(rule.closed_by.value) is not None:
            continue
        if rule.only_if_before is not None:
            limit = dates.get(rule.only_if_before)
            if limit is None or start >= limit:
                continue
        due = shift(start, rule.offset, rule.unit, cal)
        found.append(Deadline(rule.key, rule.name, due, rule.severity, start))
    found.sort(key=lambda d: (d.due, d.rule))
    return found


def next_deadline(
    rules: Iterable[Rule],
    route: Route,
    category: Category | None,
    dates: Mapping[str, date | None],
    cal: Calendar | None = None,
) -> Deadline | None:
    found = deadlines(rules, route, category, dates, cal)
    return found[0] if found else None


DUE_SOON_DAYS = 7


def urgency(deadline: Deadline | None, today: date) -> str:
    """ "overdue", "soon" (within 7 days) or "" — the colour a card or row gets."""
    return urgency_of(deadline.due if deadline is not None else None, today)


def urgency_of(due: date | None, today: date) -> str:
    """The same from a due date alone (a case's stored next deadline)."""
    if due is None:
        return ""
    left = (due - today).days
    if left < 0:
        return "overdue"
    return "soon" if left <= DUE_SOON_DAYS else ""


_PERMITS = frozenset({Route.z, Route.r})
_SAFE = "Foreigner's Work Permit service guide (State Administration of Foreign Experts Affairs)"
_NIA = "Exit and Entry Administration Law arts. 30-32 and NIA guidance"

# Today's published values; an office edits them in Setup (deadline_rule). Keys never change.
DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(
        "fwp_prereview",
        "FWP pre-review result expected",
        Milestone.fwp_submitted.value,
        10,
        DayCount.working_days,
        Severity.info,
        Milestone.fwp_accepted,
        _PERMITS,
        source=f"{_SAFE}: pre-review takes up to 10 working days.",
    ),
    Rule(
        "fwp_decision_a",
        "FWP decision expected (category A)",
        Milestone.fwp_accepted.value,
        5,
        DayCount.working_days,
        Severity.info,
        Milestone.letter_issued,
        _PERMITS,
        frozenset({Category.a}),
        source=f"{_SAFE}: decision within 5 working days for category A.",
    ),
    Rule(
        "fwp_decision_bc",
        "FWP decision expected (categories B, C)",
        Milestone.fwp_accepted.value,
        10,
        DayCount.working_days,
        Severity.info,
        Milestone.letter_issued,
        _PERMITS,
        frozenset({Category.b, Category.c}),
        source=f"{_SAFE}: decision within 10 working days for categories B and C.",
    ),
    Rule(
        "letter_expiry",
        "Notification letter expires",
        Milestone.letter_issued.value,
        3,
        DayCount.months,
        Severity.critical,
        Milestone.visa_issued,
        frozenset({Route.z}),
        source=f"{_SAFE}: the Notification Letter of Foreigner's Work Permit is valid 3 months.",
    ),
    Rule(
        "work_permit_due",
        "Apply for the work permit",
        Milestone.entry.value,
        10,
        DayCount.calendar_days,
        Severity.critical,
        Milestone.work_permit,
        _PERMITS,
        source=f"{_SAFE}: apply for the work permit within 10 days of entry.",
    ),
    Rule(
        "residence_permit_due",
        "Apply for the residence permit",
        Milestone.entry.value,
        30,
        DayCount.calendar_days,
        Severity.critical,
        Milestone.residence_permit,
        _PERMITS,
        source=f"{_NIA}: within 30 days of entry; late ones are fined (e.g. CNY 500 a day).",
    ),
    Rule(
        "work_permit_renewal",
        "File the work permit renewal",
        "work_permit_expires",
        -30,
        DayCount.calendar_days,
        Severity.warning,
        source=f"{_SAFE}: renewals are filed at least 30 days before expiry.",
    ),
    Rule(
        "residence_permit_renewal",
        "File the residence permit renewal",
        "residence_permit_expires",
        -30,
        DayCount.calendar_days,
        Severity.warning,
        source=f"{_NIA}: renewals are filed at least 30 days before expiry.",
    ),
    Rule(
        "passport_before_permit",
        "Passport expires before the residence permit",
        "passport_expires",
        0,
        DayCount.calendar_days,
        Severity.warning,
        only_if_before="residence_permit_expires",
        source="A residence permit cannot outlast the passport it is issued in; renew first.",
    ),
)
