"""A hire's service period and its assessments. A result on the office's scale either releases
the instalments triggered by that assessment (they fall due) or stops them (their money
returns to the source); clearing the result puts stopped instalments back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from recruiter.domain import clock
from recruiter.domain.instalments import AssessmentKind, Status, Trigger, add_years
from recruiter.domain.models import (
    Application,
    Assessment,
    Candidate,
    Instalment,
    Offer,
    OfferItem,
    ServicePeriod,
)
from recruiter.errors import ConflictError, ValidationError
from recruiter.i18n import _
from recruiter.store.database import Database

from .. import audit
from .._common import get_or_raise
from .plan import scale_in

REMIND_DAYS = 60  # assessments due within this many days appear in the Due dock


def set_service(
    db: Database, application_id: int, starts_on: date, years: int, *, plan: bool = True
) -> int:
    """Set (or change) a hire's service period; with `plan`, add the mid-term and end-of-term
    assessments it implies (at half and at the end of the period) if they are missing."""
    return change_service(db, application_id, starts_on, years, plan=plan).period_id


@dataclass(frozen=True)
class ServiceChange:
    """What `change_service` did, for `restore_service` (undo)."""

    application_id: int
    period_id: int
    before: tuple[date, int] | None  # the period it replaced (None: there was none)
    planned: tuple[int, ...]  # assessments it added


def change_service(
    db: Database, application_id: int, starts_on: date, years: int, *, plan: bool = True
) -> ServiceChange:
    """`set_service` that says what it changed, so the window can undo it."""
    if not 1 <= years <= 20:
        raise ValidationError({"years": _("a service period runs 1 to 20 years")})
    with db.session() as s:
        get_or_raise(s, Application, application_id, _("Application"))
        sp = s.exec(
            select(ServicePeriod).where(col(ServicePeriod.application_id) == application_id)
        ).first()
        before = None if sp is None else (sp.starts_on, sp.years)
        if sp is None:
            sp = ServicePeriod(application_id=application_id, starts_on=starts_on, years=years)
        else:
            sp.starts_on, sp.years = starts_on, years
        s.add(sp)
        s.flush()
        audit.record(
            s, db.user, "service_period", sp.id, "set", {"starts_on": starts_on, "years": years}
        )
        planned: list[int] = []
        if plan:
            have = {
                a.kind
                for a in s.exec(
                    select(Assessment).where(col(Assessment.application_id) == application_id)
                )
            }
            half = starts_on + timedelta(days=round(years * 365.25 / 2))
            for kind, due in (
                (AssessmentKind.mid_term, half),
                (AssessmentKind.end_of_term, add_years(starts_on, years)),
            ):
                if kind.value not in have:
                    planned.append(_add(s, db.user, application_id, kind.value, due, None))
        assert sp.id is not None
        return ServiceChange(application_id, sp.id, before, tuple(planned))


def restore_service(db: Database, change: ServiceChange) -> None:
    """Undo of `change_service`: the assessments it planned go (refused once one has a
    result), and the period is put back as it was, or removed if there was none."""
    with db.session() as s:
        for aid in change.planned:
            a = s.get(Assessment, aid)
            if a is None:
                continue
            if a.result is not None:
                raise ConflictError(
                    "An assessment this service period planned has a result now; clear the "
                    "result first."
                )
            audit.record(s, db.user, "assessment", aid, "delete", audit.snapshot(a))
            s.delete(a)
        sp = get_or_raise(s, ServicePeriod, change.period_id, "Service period")
        if change.before is None:
            audit.record(s, db.user, "service_period", sp.id, "delete", audit.snapshot(sp))
            s.delete(sp)
        else:
            sp.starts_on, sp.years = change.before
            s.add(sp)
            audit.record(
                s,
                db.user,
                "service_period",
                sp.id,
                "set",
                {"starts_on": sp.starts_on, "years": sp.years, "undo": True},
            )
        s.flush()


def _add(
    s: Session, user: str, application_id: int, kind: str, due_on: date, year: int | None
) -> int:
    a = Assessment(application_id=application_id, kind=kind, due_on=due_on, year=year)
    s.add(a)
    s.flush()
    audit.record(s, user, "assessment", a.id, "create", audit.snapshot(a))
    assert a.id is not None
    return a.id


def add_assessment(
    db: Database, application_id: int, kind: str, due_on: date, year: int | None = None
) -> int:
    try:
        k = AssessmentKind(kind)
    except ValueError:
        raise ValidationError({"kind": _("choose annual, mid_term or end_of_term")}) from None
    if k == AssessmentKind.annual and not year:
        raise ValidationError({"year": _("give the service year of an annual assessment")})
    with db.session() as s:
        get_or_raise(s, Application, application_id, _("Application"))
        return _add(s, db.user, application_id, k.value, due_on, year)


def _triggered(s: Session, a: Assessment) -> list[Instalment]:
    stmt = (
        select(Instalment)
        .join(OfferItem, col(OfferItem.id) == col(Instalment.offer_item_id))
        .join(Offer, col(Offer.id) == col(OfferItem.offer_id))
        .where(
            col(Offer.application_id) == a.application_id,
            col(Instalment.trigger) == Trigger.assessment.value,
            col(Instalment.assessment_kind) == a.kind,
        )
    )
    if a.kind == AssessmentKind.annual.value:
        stmt = stmt.where(col(Instalment.trigger_year) == a.year)
    return list(s.exec(stmt).all())


@dataclass(frozen=True)
class ResultChange:
    assessment_id: int
    before: tuple[str | None, date | None]
    stopped: tuple[int, ...]


def record_result(
    db: Database, assessment_id: int, result: str | None, on: date | None = None
) -> ResultChange:
    """Record (or clear, with None) an assessment's result; a stopping result stops the
    instalments it triggers, and clearing or changing it puts them back to planned."""
    on = on or clock.today()
    with db.session() as s:
        a = get_or_raise(s, Assessment, assessment_id, _("Assessment"))
        scale = scale_in(s)
        result = (result or "").strip() or None
        if result is not None and result not in scale:
            raise ValidationError(
                {
                    "result": _("'{result}' is not on the office's scale ({value})").format(
                        result=result, value=", ".join(scale)
                    )
                }
            )
        before = (a.result, a.result_on)
        mark = f"assessment:{assessment_id}"
        triggered = _triggered(s, a)
        for i in triggered:  # undo what an earlier result stopped
            if i.ended_by == mark and i.status == Status.stopped.value:
                i.status, i.ended_by = Status.planned.value, None
                s.add(i)
        stopped: list[int] = []
        if result is not None and scale[result] == "stop":
            for i in triggered:
                if i.status == Status.planned.value and i.id is not None:
                    i.status, i.ended_by = Status.stopped.value, mark
                    s.add(i)
                    stopped.append(i.id)
                elif i.status == Status.sent.value:
                    raise ConflictError(
                        _(
                            "Instalment #{id} was already sent to finance; cancel its batch first."
                        ).format(id=i.id)
                    )
        a.result, a.result_on = result, on if result else None
        s.add(a)
        s.flush()
        audit.record(
            s,
            db.user,
            "assessment",
            assessment_id,
            "result",
            {"result": [before[0], result], "effect": scale.get(result or ""), "stopped": stopped},
        )
        return ResultChange(assessment_id, before, tuple(stopped))


def restore_result(db: Database, change: ResultChange) -> None:
    """Undo of record_result."""
    record_result(db, change.assessment_id, change.before[0], change.before[1])


@dataclass(frozen=True)
class AssessmentRow:
    id: int
    application_id: int
    candidate: str
    kind: str
    year: int | None
    due_on: date
    result: str | None
    result_on: date | None

    @property
    def label(self) -> str:
        kind = AssessmentKind(self.kind).label
        return f"{kind} assessment" + (f" (year {self.year})" if self.year else "")


def assessments(
    db: Database, *, pending_by: date | None = None, application_id: int | None = None
) -> list[AssessmentRow]:
    """Assessments, soonest first; `pending_by`: only those without a result due by then."""
    stmt = (
        select(Assessment, col(Candidate.full_name))
        .join(Application, col(Application.id) == col(Assessment.application_id))
        .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
        .order_by(col(Assessment.due_on), col(Assessment.id))
    )
    if pending_by is not None:
        stmt = stmt.where(col(Assessment.result).is_(None), col(Assessment.due_on) <= pending_by)
    if application_id is not None:
        stmt = stmt.where(col(Assessment.application_id) == application_id)
    with db.session() as s:
        return [
            AssessmentRow(
                a.id or 0, a.application_id, name, a.kind, a.year, a.due_on, a.result, a.result_on
            )
            for a, name in s.exec(stmt).all()
        ]


def upcoming(db: Database, today: date | None = None) -> list[AssessmentRow]:
    """Assessments without a result due within REMIND_DAYS (or overdue): the Due dock's list."""
    today = today or clock.today()
    return assessments(db, pending_by=today + timedelta(days=REMIND_DAYS))


@dataclass(frozen=True)
class Hire:
    """An application with an accepted offer: its service period and departure, if any."""

    application_id: int
    candidate: str
    target: str
    starts_on: date | None
    years: int | None
    left_on: date | None


def hires(db: Database) -> list[Hire]:
    from recruiter.domain.enums import OfferStatus
    from recruiter.domain.models import Departure, Target

    stmt = (
        sa_select(
            col(Application.id),
            col(Candidate.full_name),
            col(Target.title),
            col(ServicePeriod.starts_on),
            col(ServicePeriod.years),
            col(Departure.left_on),
        )
        .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
        .join(Target, col(Target.id) == col(Application.target_id))
        .join(Offer, col(Offer.application_id) == col(Application.id))
        .outerjoin(ServicePeriod, col(ServicePeriod.application_id) == col(Application.id))
        .outerjoin(Departure, col(Departure.application_id) == col(Application.id))
        .where(col(Offer.status) == OfferStatus.accepted)
        .order_by(col(Candidate.full_name))
    )
    with db.session() as s:
        return [Hire(r[0], r[1], r[2], r[3], r[4], r[5]) for r in s.execute(stmt).all()]
