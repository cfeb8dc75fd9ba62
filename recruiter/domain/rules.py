"""Pure rules for stages, outcomes and offers. No I/O. (What is plausible for a candidate's
fields lives with the fields, in `domain.fields`.)"""

from __future__ import annotations

from .enums import CLOSED_OUTCOMES, OfferStatus, Outcome, Stage

# Which offer statuses may follow which. Anything not listed is refused.
OFFER_TRANSITIONS: dict[OfferStatus, frozenset[OfferStatus]] = {
    OfferStatus.draft: frozenset({OfferStatus.approved, OfferStatus.withdrawn}),
    OfferStatus.approved: frozenset(
        {OfferStatus.extended, OfferStatus.withdrawn, OfferStatus.draft}
    ),
    OfferStatus.extended: frozenset(
        {OfferStatus.accepted, OfferStatus.declined, OfferStatus.withdrawn, OfferStatus.expired}
    ),
    OfferStatus.accepted: frozenset({OfferStatus.withdrawn}),
    OfferStatus.declined: frozenset(),
    OfferStatus.withdrawn: frozenset(),
    OfferStatus.expired: frozenset({OfferStatus.extended}),
}
RESERVING = frozenset({OfferStatus.approved, OfferStatus.extended})
COMMITTING = frozenset({OfferStatus.accepted})


def can_move_offer(current: OfferStatus, new: OfferStatus) -> bool:
    return new in OFFER_TRANSITIONS[current]


def stage_move_problem(stage: Stage, outcome: Outcome, to: Stage) -> str | None:
    """Why an application may not move to `to`, or None when it may."""
    if outcome in CLOSED_OUTCOMES:
        return f"this application is closed ({outcome.label.lower()}); reopen it first"
    if to == stage:
        return f"the application is already at {to.label.lower()}"
    return None


def outcome_for_stage(to: Stage, outcome: Outcome) -> Outcome:
    """Reaching `arrived` is the hire."""
    if to == Stage.arrived:
        return Outcome.hired
    return outcome
