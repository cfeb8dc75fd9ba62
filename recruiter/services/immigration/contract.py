"""Issue 13's rule "the contract's start date must come after the permits are valid": the start
date of the hire's offer (its latest revision that is not withdrawn, declined or expired) may
not come before the day the work permit or the residence permit is issued, nor pass while one
of them is still missing (Z and R routes, the ones that need them).

A warning, not a refusal: the start date is set at offer time, months before any permit exists,
and the permit dates arrive last; refusing either edit would only block the person who must
record what happened. The problem shows in the case view, where the officer fixes it (a new
start date on the offer, or the permit dates), and `start_problem` lets any editor ask."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from recruiter.domain.enums import OfferStatus
from recruiter.domain.immigration import Milestone, Route
from recruiter.domain.models import ImmigrationCase, Offer
from recruiter.i18n import _
from recruiter.store.database import Database

from . import _rows

PERMITS = (Milestone.work_permit, Milestone.residence_permit)
NEED_PERMITS = frozenset({Route.z, Route.r})
_DEAD = [OfferStatus.withdrawn.value, OfferStatus.declined.value, OfferStatus.expired.value]


def contract_start_in(s: Session, application_id: int) -> date | None:
    return s.exec(
        select(col(Offer.start_on))
        .where(
            col(Offer.application_id) == application_id,
            col(Offer.status).not_in(_DEAD),
        )
        .order_by(col(Offer.revision).desc())
    ).first()


def start_problem_in(
    s: Session, application_id: int, today: date, start_on: date | None = None
) -> str | None:
    """The problem in words, or None. `start_on` checks a date about to be set instead."""
    case = s.exec(
        select(ImmigrationCase).where(col(ImmigrationCase.application_id) == application_id)
    ).first()
    if case is None or case.id is None or case.closed_on is not None:
        return None
    if Route(case.route) not in NEED_PERMITS:
        return None
    start = start_on or contract_start_in(s, application_id)
    if start is None:
        return None
    dated = _rows.dated(s, case.id)
    late = [(m, dated[m.value]) for m in PERMITS if dated.get(m.value) and dated[m.value] > start]
    if late:
        m, on = max(late, key=lambda x: x[1])
        return _(
            "The contract starts on {start}, before the {permit} is valid (issued {on}): "
            "move the start date on the offer"
        ).format(start=start.isoformat(), permit=_names()[m], on=on.isoformat())
    missing = [m for m in PERMITS if dated.get(m.value) is None]
    if missing and start <= today:
        if len(missing) > 1:
            return _("The contract started on {start}, but neither permit is issued yet").format(
                start=start.isoformat()
            )
        return _("The contract started on {start}, but the {permit} is not issued yet").format(
            start=start.isoformat(), permit=_names()[missing[0]]
        )
    return None


def _names() -> dict[Milestone, str]:
    return {
        Milestone.work_permit: _("work permit"),
        Milestone.residence_permit: _("residence permit"),
    }


def start_problem(
    db: Database, application_id: int, today: date, start_on: date | None = None
) -> str | None:
    with db.session() as s:
        return start_problem_in(s, application_id, today, start_on)


__all__ = ["contract_start_in", "start_problem", "start_problem_in"]
