"""The immigration and relocation vocabulary of a hire (issue 13): routes, permit categories, case
states, people, documents, milestones, and which milestones a route needs before `arrived`.

Everything a government publishes (deadlines, offsets) is data in `deadline_rule`
(domain/deadlines.py holds the defaults); this module holds only the words and the shape of a
case. The K visa's conditions are unpublished, so nothing here assumes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum

from recruiter.i18n import N_, _


class _Named(StrEnum):
    @property
    def label(self) -> str:
        text = LABELS.get(self.value)
        return _(text) if text else self.value.replace("_", " ").capitalize()


class Route(_Named):
    """How the scholar comes to work in China."""

    z = "z"  # work visa: needs the Notification Letter of Foreigner's Work Permit
    r = "r"  # high-end talent: Confirmation Letter for Foreign High-end Talents
    k = "k"  # young science and technology talent (since 1 Oct 2025): no employer letter
    resident = "resident"  # already holds a residence permit in China
    not_needed = "not_needed"  # Chinese citizen, or no permit needed


class Category(_Named):
    """Foreigner's Work Permit category (points: salary, degree, experience, age, ...)."""

    a = "a"
    b = "b"
    c = "c"


class CaseState(_Named):
    """Where a case is, derived from its milestones (`closed` is set by hand)."""

    preparing = "preparing"  # documents being gathered
    permit = "permit"  # work permit applied for
    visa = "visa"  # letter issued, visa being applied for
    travel = "travel"  # visa issued, entry awaited
    in_country = "in_country"  # entered, permits pending
    done = "done"  # permits issued: only renewal clocks remain
    closed = "closed"  # stopped by hand (the hire fell through)


OPEN_STATES = frozenset(
    {
        CaseState.preparing,
        CaseState.permit,
        CaseState.visa,
        CaseState.travel,
        CaseState.in_country,
    }
)


class PersonRole(_Named):
    scholar = "scholar"
    spouse = "spouse"
    child = "child"
    other = "other"


class DocKind(_Named):
    cv = "cv"
    reference_letter = "reference_letter"
    degree = "degree"  # authenticated highest degree
    no_criminal_record = "no_criminal_record"  # authenticated certificate
    medical_report = "medical_report"
    contract = "contract"  # signed
    passport = "passport"
    relationship = "relationship"  # marriage or birth certificate of a family member
    other = "other"


class DocStatus(_Named):
    """In order: a document moves forward through these."""

    needed = "needed"
    requested = "requested"
    received = "received"
    authenticated = "authenticated"
    submitted = "submitted"
    accepted = "accepted"


class Milestone(_Named):
    """Dated steps of a case, in the order they usually happen."""

    fwp_submitted = "fwp_submitted"
    fwp_accepted = "fwp_accepted"
    letter_issued = "letter_issued"
    visa_issued = "visa_issued"
    entry_planned = "entry_planned"
    entry = "entry"
    medical_check = "medical_check"
    work_permit = "work_permit"
    residence_permit = "residence_permit"
    first_day = "first_day"


class Severity(_Named):
    info = "info"
    warning = "warning"
    critical = "critical"


LABELS: Mapping[str, str] = {
    "z": N_("Z visa"),
    "r": N_("R visa"),
    "k": N_("K visa"),
    "resident": N_("Already resident"),
    "not_needed": N_("Not needed"),
    "a": "A",
    "b": "B",
    "c": "C",
    "in_country": N_("In China"),
    "cv": "CV",
    "degree": N_("Highest degree (authenticated)"),
    "no_criminal_record": N_("No-criminal-record certificate (authenticated)"),
    "contract": N_("Signed contract"),
    "relationship": N_("Marriage or birth certificate"),
    "fwp_submitted": N_("FWP pre-review submitted"),
    "fwp_accepted": N_("FWP accepted"),
    "letter_issued": N_("Notification or confirmation letter issued"),
    "visa_issued": N_("Visa issued"),
    "entry_planned": N_("Planned entry"),
    "entry": N_("Entry"),
    "medical_check": N_("Medical check"),
    "work_permit": N_("Work permit issued"),
    "residence_permit": N_("Residence permit issued"),
    "first_day": N_("First day"),
    # the rest read as their capitalised value in English; listed so the catalog has them
    "preparing": N_("Preparing"),
    "permit": N_("Permit"),
    "visa": N_("Visa"),
    "travel": N_("Travel"),
    "done": N_("Done"),
    "closed": N_("Closed"),
    "reference_letter": N_("Reference letter"),
    "medical_report": N_("Medical report"),
    "passport": N_("Passport"),
    "other": N_("Other"),
    "needed": N_("Needed"),
    "requested": N_("Requested"),
    "received": N_("Received"),
    "authenticated": N_("Authenticated"),
    "submitted": N_("Submitted"),
    "accepted": N_("Accepted"),
    "scholar": N_("Scholar"),
    "spouse": N_("Spouse"),
    "child": N_("Child"),
    "info": N_("Info"),
    "warning": N_("Warning"),
    "critical": N_("Critical"),
}

# Dates a clock can count from besides the milestones' own dates.
EXTRA_ANCHORS: Mapping[str, str] = {
    "work_permit_expires": N_("Work permit expiry"),
    "residence_permit_expires": N_("Residence permit expiry"),
    "passport_expires": N_("Earliest passport expiry on the case"),
}


def anchor_label(anchor: str) -> str:
    text = EXTRA_ANCHORS.get(anchor) or LABELS.get(anchor)
    return _(text) if text else anchor.replace("_", " ").capitalize()


ANCHORS: tuple[str, ...] = (*(m.value for m in Milestone), *EXTRA_ANCHORS)

# Milestones that carry a permit number and an expiry date.
PERMITS = frozenset({Milestone.work_permit, Milestone.residence_permit})

# What must be dated before an application may move to `arrived`, per route.
REQUIRED_FOR_ARRIVAL: Mapping[Route, tuple[Milestone, ...]] = {
    Route.z: (
        Milestone.fwp_accepted,
        Milestone.letter_issued,
        Milestone.visa_issued,
        Milestone.entry,
    ),
    Route.r: (Milestone.letter_issued, Milestone.visa_issued, Milestone.entry),
    Route.k: (Milestone.visa_issued, Milestone.entry),
    Route.resident: (),
    Route.not_needed: (),
}

SCHOLAR_DOCS: tuple[DocKind, ...] = (
    DocKind.cv,
    DocKind.reference_letter,
    DocKind.degree,
    DocKind.no_criminal_record,
    DocKind.medical_report,
    DocKind.contract,
    DocKind.passport,
)
FAMILY_DOCS: Mapping[PersonRole, tuple[DocKind, ...]] = {
    PersonRole.spouse: (
        DocKind.passport,
        DocKind.relationship,
        DocKind.no_criminal_record,
        DocKind.medical_report,
    ),
    PersonRole.child: (DocKind.passport, DocKind.relationship),
    PersonRole.other: (DocKind.passport,),
}


def documents_for(role: PersonRole, route: Route) -> tuple[DocKind, ...]:
    """The checklist a new person starts with (none when no permit is needed)."""
    if route == Route.not_needed:
        return ()
    if role == PersonRole.scholar:
        return SCHOLAR_DOCS
    return FAMILY_DOCS[role]


def missing_for_arrival(route: Route, dated: Mapping[str, date]) -> list[Milestone]:
    """Required milestones of `route` that have no date yet."""
    return [m for m in REQUIRED_FOR_ARRIVAL[route] if dated.get(m.value) is None]


def state_of(route: Route, dated: Mapping[str, date], closed: bool = False) -> CaseState:
    """The state a case is in, from the milestones dated so far."""
    if closed:
        return CaseState.closed
    has = {k for k, v in dated.items() if v is not None}
    if route in (Route.resident, Route.not_needed):
        return CaseState.done if Milestone.first_day in has else CaseState.preparing
    if Milestone.residence_permit in has or (route == Route.k and Milestone.first_day in has):
        return CaseState.done
    for milestone, state in (
        (Milestone.entry, CaseState.in_country),
        (Milestone.visa_issued, CaseState.travel),
        (Milestone.letter_issued, CaseState.visa),
        (Milestone.fwp_accepted, CaseState.permit),
        (Milestone.fwp_submitted, CaseState.permit),
    ):
        if milestone in has:
            return state
    return CaseState.preparing
