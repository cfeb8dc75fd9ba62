"""Enumerations of DESIGN.md §3. Members are lowercase so the stored name equals the value."""

from __future__ import annotations

from enum import StrEnum


class _Named(StrEnum):
    """A str enum whose stored form is its lowercase name."""

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Stage(_Named):
    identified = "identified"
    contacted = "contacted"
    applied = "applied"
    review = "review"
    approved = "approved"
    offer = "offer"
    signed = "signed"
    immigration = "immigration"
    arrived = "arrived"

    # A stage's place in the pipeline reads best as `stage.index`; str.index (a substring
    # search) is never wanted on a stage, so shadowing it is deliberate.
    @property
    def index(self) -> int:  # type: ignore[override]  # deliberate, see above
        return STAGES.index(self)


STAGES: tuple[Stage, ...] = tuple(Stage)


class Outcome(_Named):
    active = "active"
    on_hold = "on_hold"
    hired = "hired"
    declined = "declined"
    rejected = "rejected"
    withdrawn = "withdrawn"

    @property
    def is_closed(self) -> bool:
        return self in CLOSED_OUTCOMES


CLOSED_OUTCOMES = frozenset({Outcome.hired, Outcome.declined, Outcome.rejected, Outcome.withdrawn})
OPEN_OUTCOMES = frozenset({Outcome.active, Outcome.on_hold})


class OfferStatus(_Named):
    draft = "draft"
    approved = "approved"
    extended = "extended"
    accepted = "accepted"
    declined = "declined"
    withdrawn = "withdrawn"
    expired = "expired"


class ItemKind(_Named):
    salary = "salary"
    signing_bonus = "signing_bonus"
    settling_in = "settling_in"
    housing = "housing"
    relocation = "relocation"
    startup_research = "startup_research"
    other = "other"

    @property
    def default_period(self) -> Period:
        """How a line of this kind is usually paid, until the user says otherwise."""
        return DEFAULT_PERIODS[self]


class Period(_Named):
    one_off = "one_off"
    annual = "annual"


# Salary is paid every year; a signing bonus, the settling-in allowance (安家费), the housing
# subsidy (购房补贴), relocation and start-up research funds once.
DEFAULT_PERIODS: dict[ItemKind, Period] = {
    ItemKind.salary: Period.annual,
    ItemKind.signing_bonus: Period.one_off,
    ItemKind.settling_in: Period.one_off,
    ItemKind.housing: Period.one_off,
    ItemKind.relocation: Period.one_off,
    ItemKind.startup_research: Period.one_off,
    ItemKind.other: Period.one_off,
}


class FundingKind(_Named):
    national = "national"
    provincial = "provincial"
    municipal = "municipal"
    university = "university"
    department = "department"
    donor = "donor"
    other = "other"


class ActivityKind(_Named):
    email = "email"
    call = "call"
    meeting = "meeting"
    visit = "visit"
    note = "note"
    task = "task"


class TargetStatus(_Named):
    open = "open"
    on_hold = "on_hold"
    filled = "filled"
    closed = "closed"


class Gender(_Named):
    female = "female"
    male = "male"
    other = "other"


class HolidayKind(_Named):
    """A day of the office calendar: a day off, or a weekend day worked (调休)."""

    holiday = "holiday"
    workday = "workday"
