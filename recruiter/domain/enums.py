"""Enumerations of DESIGN.md §3. Members are lowercase so the stored name equals the value."""

from __future__ import annotations

from enum import StrEnum

from recruiter.i18n import NC_, pgettext


class _Named(StrEnum):
    """A str enum whose stored form is its lowercase name; `label` is what people read, in the
    current language."""

    @property
    def label(self) -> str:
        source = _LABELS.get((type(self).__name__, self.value))
        return pgettext(*source) if source else self.value.replace("_", " ").capitalize()

    @property
    def label_source(self) -> tuple[str, str]:
        """(context, English label): the catalog's key of `label`, for headers that translate
        it later (module-level constants are built before the language is known)."""
        return _LABELS.get((type(self).__name__, self.value)) or (
            type(self).__name__,
            self.value.replace("_", " ").capitalize(),
        )


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


# What each member is called on screen and in workbooks. Keyed by (enum, value) because members
# of different enums with the same value are equal strings; the enum is the message context, so
# "Open" (a target) and "Open" (a button) can be translated apart. Literals for `make catalog`.
_LABELS: dict[tuple[str, str], tuple[str, str]] = {
    ("Stage", "identified"): NC_("Stage", "Identified"),
    ("Stage", "contacted"): NC_("Stage", "Contacted"),
    ("Stage", "applied"): NC_("Stage", "Applied"),
    ("Stage", "review"): NC_("Stage", "Review"),
    ("Stage", "approved"): NC_("Stage", "Approved"),
    ("Stage", "offer"): NC_("Stage", "Offer"),
    ("Stage", "signed"): NC_("Stage", "Signed"),
    ("Stage", "immigration"): NC_("Stage", "Immigration"),
    ("Stage", "arrived"): NC_("Stage", "Arrived"),
    ("Outcome", "active"): NC_("Outcome", "Active"),
    ("Outcome", "on_hold"): NC_("Outcome", "On hold"),
    ("Outcome", "hired"): NC_("Outcome", "Hired"),
    ("Outcome", "declined"): NC_("Outcome", "Declined"),
    ("Outcome", "rejected"): NC_("Outcome", "Rejected"),
    ("Outcome", "withdrawn"): NC_("Outcome", "Withdrawn"),
    ("OfferStatus", "draft"): NC_("OfferStatus", "Draft"),
    ("OfferStatus", "approved"): NC_("OfferStatus", "Approved"),
    ("OfferStatus", "extended"): NC_("OfferStatus", "Extended"),
    ("OfferStatus", "accepted"): NC_("OfferStatus", "Accepted"),
    ("OfferStatus", "declined"): NC_("OfferStatus", "Declined"),
    ("OfferStatus", "withdrawn"): NC_("OfferStatus", "Withdrawn"),
    ("OfferStatus", "expired"): NC_("OfferStatus", "Expired"),
    ("ItemKind", "salary"): NC_("ItemKind", "Salary"),
    ("ItemKind", "signing_bonus"): NC_("ItemKind", "Signing bonus"),
    ("ItemKind", "settling_in"): NC_("ItemKind", "Settling in"),
    ("ItemKind", "housing"): NC_("ItemKind", "Housing"),
    ("ItemKind", "relocation"): NC_("ItemKind", "Relocation"),
    ("ItemKind", "startup_research"): NC_("ItemKind", "Startup research"),
    ("ItemKind", "other"): NC_("ItemKind", "Other"),
    ("Period", "one_off"): NC_("Period", "One off"),
    ("Period", "annual"): NC_("Period", "Annual"),
    ("FundingKind", "national"): NC_("FundingKind", "National"),
    ("FundingKind", "provincial"): NC_("FundingKind", "Provincial"),
    ("FundingKind", "municipal"): NC_("FundingKind", "Municipal"),
    ("FundingKind", "university"): NC_("FundingKind", "University"),
    ("FundingKind", "department"): NC_("FundingKind", "Department"),
    ("FundingKind", "donor"): NC_("FundingKind", "Donor"),
    ("FundingKind", "other"): NC_("FundingKind", "Other"),
    ("ActivityKind", "email"): NC_("ActivityKind", "Email"),
    ("ActivityKind", "call"): NC_("ActivityKind", "Call"),
    ("ActivityKind", "meeting"): NC_("ActivityKind", "Meeting"),
    ("ActivityKind", "visit"): NC_("ActivityKind", "Visit"),
    ("ActivityKind", "note"): NC_("ActivityKind", "Note"),
    ("ActivityKind", "task"): NC_("ActivityKind", "Task"),
    ("TargetStatus", "open"): NC_("TargetStatus", "Open"),
    ("TargetStatus", "on_hold"): NC_("TargetStatus", "On hold"),
    ("TargetStatus", "filled"): NC_("TargetStatus", "Filled"),
    ("TargetStatus", "closed"): NC_("TargetStatus", "Closed"),
    ("Gender", "female"): NC_("Gender", "Female"),
    ("Gender", "male"): NC_("Gender", "Male"),
    ("Gender", "other"): NC_("Gender", "Other"),
    ("HolidayKind", "holiday"): NC_("HolidayKind", "Holiday"),
    ("HolidayKind", "workday"): NC_("HolidayKind", "Workday"),
}
