"""The stage guard of issue 13: an application cannot move to `arrived` while its immigration
case still lacks a milestone its route requires, unless the mover gives a reason — the override
is audited on the case, as budget overrides are on funding sources."""

from __future__ import annotations

from sqlmodel import Session, col, select

from recruiter.domain.enums import Stage
from recruiter.domain.immigration import Route, missing_for_arrival
from recruiter.domain.models import Application, ImmigrationCase
from recruiter.errors import ConflictError

from .. import audit
from . import _rows


class ArrivalBlocked(ConflictError):
    """Moving to `arrived` needs milestones that are not dated yet; a reason overrides."""

    def __init__(self, application_id: int, problem: str) -> None:
        self.application_id = application_id
        self.problem = problem
        super().__init__(
            problem[0].upper() + problem[1:] + ". Date them on the Visas & arrivals page, "
            "or give a reason to override."
        )


def _case(s: Session, application_id: int | None) -> ImmigrationCase | None:
    return s.exec(
        select(ImmigrationCase).where(col(ImmigrationCase.application_id) == application_id)
    ).first()


def arrival_problem(s: Session, application: Application, to: Stage) -> str | None:
    """What keeps `application` from moving to `to`, in words (None: nothing)."""
    if to != Stage.arrived:
        return None
    case = _case(s, application.id)
    if case is None or case.closed_on is not None or case.id is None:
        return None
    missing = missing_for_arrival(Route(case.route), _rows.dated(s, case.id))
    if not missing:
        return None
    return "the immigration case still needs: " + ", ".join(m.label for m in missing)


def check_move(
    s: Session, user: str, application: Application, to: Stage, override_reason: str | None
) -> None:
    """Raise ArrivalBlocked, or audit the override when a reason is given."""
    problem = arrival_problem(s, application, to)
    if problem is None:
        return
    why = (override_reason or "").strip()
    assert application.id is not None
    if not why:
        raise ArrivalBlocked(application.id, problem)
    case = _case(s, application.id)
    assert case is not None
    audit.record(
        s,
        user,
        "immigration_case",
        case.id,
        "override",
        {"application_id": application.id, "to": to, "problem": problem, "reason": why},
    )
