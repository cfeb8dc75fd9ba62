"""Immigration cases: opening one per hire (by hand, or when an application reaches `signed`),
editing its route, category and officer, closing and removing it. Every write is audited and
returns what undo needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from recruiter.domain import clock
from recruiter.domain.deadlines import Deadline, deadlines
from recruiter.domain.enums import OPEN_OUTCOMES, Stage
from recruiter.domain.immigration import (
    CaseState,
    Category,
    PersonRole,
    Route,
    documents_for,
)
from recruiter.domain.models import (
    Application,
    Candidate,
    CaseDocument,
    CaseMilestone,
    CasePerson,
    ImmigrationCase,
    Institution,
    RelocationTask,
    Target,
)
from recruiter.errors import ConflictError, ValidationError
from recruiter.i18n import _
from recruiter.store.database import Database

from .. import calendar, settings
from .._common import get_or_raise
from ..validate import clean_text
from . import _rows, rules
from .contract import start_problem_in

EDITABLE = ("route", "category", "officer", "notes", "closed_on", "closed_reason")
# Stages at which reaching them opens a case (moving straight to `arrived` does not).
OPENING_STAGES = frozenset({Stage.signed, Stage.immigration})


def _office_today(s: Session) -> date:
    return clock.today_in(settings.office_zone_in(s))


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in values.items():
        if k not in EDITABLE:
            raise ValidationError({k: _("cannot be edited here")}) from None
        if k == "route":
            try:
                out[k] = Route(v)
            except ValueError:
                raise ValidationError(
                    {"route": _("is Z, R, K, already resident or not needed")}
                ) from None
        elif k == "category":
            try:
                out[k] = Category(v) if v else None
            except ValueError:
                raise ValidationError({"category": _("is A, B or C")}) from None
        elif k == "closed_on":
            if v is not None and not isinstance(v, date):
                raise ValidationError({"closed_on": _("give a date")}) from None
            out[k] = v
        else:
            out[k] = clean_text(v, 500 if k != "officer" else 100)
    return out


def open_in(
    s: Session,
    user: str,
    application_id: int,
    *,
    route: Route = Route.z,
    category: Category | None = None,
    opened_on: date | None = None,
) -> int:
    """A new case for an application: the scholar as its first person with their document
    checklist, and the office's relocation template as its tasks."""
    app = get_or_raise(s, Application, application_id, _("Application"))
    taken = s.exec(
        select(col(ImmigrationCase.id)).where(col(ImmigrationCase.application_id) == app.id)
    ).first()
    if taken is not None:
        raise ConflictError(_("This application already has an immigration case."))
    cand = get_or_raise(s, Candidate, app.candidate_id, _("Candidate"))
    case_id = _rows.insert(
        s,
        user,
        ImmigrationCase(
            application_id=application_id,
            route=route,
            category=category,
            officer=app.owner,
            opened_on=opened_on or _office_today(s),
        ),
    )
    person = _rows.insert(
        s,
        user,
        CasePerson(
            case_id=case_id,
            role=PersonRole.scholar,
            full_name=cand.full_name,
            nationality=cand.nationality,
        ),
    )
    for kind in documents_for(PersonRole.scholar, route):
        _rows.insert(s, user, CaseDocument(case_id=case_id, person_id=person, kind=kind))
    for t in s.exec(
        select(RelocationTask)
        .where(col(RelocationTask.case_id).is_(None))
        .order_by(col(RelocationTask.position))
    ).all():
        _rows.insert(
            s,
            user,
            RelocationTask(
                case_id=case_id,
                position=t.position,
                title=t.title,
                owner=t.owner,
                due_days=t.due_days,
            ),
        )
    _rows.refresh_state(s, user, case_id)  # its state and stored next deadline
    return case_id


def open_case(
    db: Database,
    application_id: int,
    *,
    route: Route | str = Route.z,
    category: Category | str | None = None,
    opened_on: date | None = None,
) -> int:
    """Open a case by hand (undo: `remove_case`)."""
    clean = _clean({"route": route, "category": category})
    with db.session() as s:
        return open_in(
            s,
            db.user,
            application_id,
            route=clean["route"],
            category=clean["category"],
            opened_on=opened_on,
        )


def open_on_move(s: Session, user: str, app: Application, before: Stage, to: Stage) -> int | None:
    """Open the case of an application that just reached `signed` (or `immigration`) from an
    earlier stage, unless it has one; the id lets undo of the move remove it again."""
    if to not in OPENING_STAGES or before.index >= Stage.signed.index:
        return None
    assert app.id is not None
    opened = open_missing_in(s, user, [app.id])
    return opened[0] if opened else None


def open_missing_in(
    s: Session, user: str, application_ids: Sequence[int] | None = None
) -> list[int]:
    """Open a case for each open application at `signed` or `immigration` that has none, of
    `application_ids` (every application: None, a sweep). The one way cases open, however the
    application got there: a move (one or many), an application added at a stage, a bulk
    writer. Returns the new case ids."""
    has_case = select(col(ImmigrationCase.application_id))
    stmt = (
        select(col(Application.id))
        .where(
            col(Application.stage).in_(list(OPENING_STAGES)),
            col(Application.outcome).in_(list(OPEN_OUTCOMES)),
            col(Application.id).not_in(has_case),
        )
        .order_by(col(Application.id))
    )
    if application_ids is not None:
        ids = list(dict.fromkeys(application_ids))
        todo = [
            a
            for i in range(0, len(ids), 500)
            for a in s.exec(stmt.where(col(Application.id).in_(ids[i : i + 500]))).all()
        ]
    else:
        todo = list(s.exec(stmt).all())
    return [open_in(s, user, int(a)) for a in todo if a is not None]


def open_missing(db: Database) -> list[int]:
    """The sweep, in its own transaction (e.g. at start-up, or after a bulk writer)."""
    with db.session() as s:
        return open_missing_in(s, db.user)


def update_case(db: Database, case_id: int, **changes: Any) -> dict[str, Any]:
    """Route, category, officer, notes, closing; returns the previous values (for undo)."""
    values = _clean(changes)
    with db.session() as s:
        before = _rows.change(s, db.user, ImmigrationCase, case_id, values, "Case")
        _rows.refresh_state(s, db.user, case_id)
        return before


def close_case(db: Database, case_id: int, reason: str, on: date | None = None) -> dict[str, Any]:
    """Stop a case by hand (the hire fell through); undo: `update_case(**before)`."""
    if not clean_text(reason):
        raise ValidationError({"closed_reason": _("say why the case is closed")}) from None
    with db.session() as s:
        on = on or _office_today(s)
    return update_case(db, case_id, closed_on=on, closed_reason=reason)


CHILDREN = (CaseMilestone, CaseDocument, CasePerson, RelocationTask)


@dataclass(frozen=True)
class CaseBundle:
    """A removed case and every row under it, for `restore_case`."""

    case: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def remove_case(db: Database, case_id: int) -> CaseBundle:
    with db.session() as s:
        kept: dict[str, list[dict[str, Any]]] = {}
        for model in CHILDREN:
            found = s.exec(select(model).where(col(model.case_id) == case_id)).all()
            kept[_rows.table(model)] = [r.model_dump() for r in found]
        case = _rows.delete(s, db.user, ImmigrationCase, case_id, "Case")
        return CaseBundle(case, kept)


def remove_case_in(s: Session, user: str, case_id: int) -> None:
    """Drop a case opened by a stage move that is being undone."""
    if s.get(ImmigrationCase, case_id) is not None:
        _rows.delete(s, user, ImmigrationCase, case_id, "Case")


def restore_case(db: Database, bundle: CaseBundle) -> None:
    with db.session() as s:
        _rows.put_back(s, db.user, ImmigrationCase, [bundle.case])
        for model in reversed(CHILDREN):  # people before their documents
            s.add_all(model(**r) for r in bundle.rows.get(_rows.table(model), []))
            s.flush()
        _rows.refresh_state(s, db.user, bundle.case["id"])  # rules may have changed since


def case_of(db: Database, application_id: int) -> int | None:
    with db.session() as s:
        return s.exec(
            select(col(ImmigrationCase.id)).where(
                col(ImmigrationCase.application_id) == application_id
            )
        ).first()


# -- the editor's view of one case --------------------------------------------------------
@dataclass(frozen=True)
class PersonRow:
    id: int
    role: PersonRole
    full_name: str
    nationality: str | None
    passport_no: str | None
    passport_expires: date | None
    birth_date: date | None


@dataclass(frozen=True)
class DocumentRow:
    id: int
    person_id: int
    person: str
    kind: Any
    status: Any
    status_on: date | None
    note: str | None


@dataclass(frozen=True)
class MilestoneRow:
    id: int
    kind: Any
    done_on: date
    number: str | None
    expires_on: date | None
    note: str | None


@dataclass(frozen=True)
class TaskRow:
    id: int
    position: int
    title: str
    owner: str | None
    due_on: date | None
    done_on: date | None
    cost_minor: int | None
    currency: str | None
    offer_item_id: int | None
    note: str | None


@dataclass(frozen=True)
class CaseDetail:
    id: int
    application_id: int
    candidate_id: int
    candidate: str
    target: str
    institution: str
    stage: Stage
    route: Route
    category: Category | None
    state: CaseState
    officer: str | None
    opened_on: date
    closed_on: date | None
    closed_reason: str | None
    notes: str | None
    people: list[PersonRow]
    documents: list[DocumentRow]
    milestones: dict[str, MilestoneRow]
    tasks: list[TaskRow]
    deadlines: list[Deadline]
    today: date
    start_problem: str | None = None  # the contract starts before the permits (contract.py)


def detail(db: Database, case_id: int) -> CaseDetail:
    with db.session() as s:
        case = get_or_raise(s, ImmigrationCase, case_id, _("Case"))
        app = get_or_raise(s, Application, case.application_id, _("Application"))
        cand = get_or_raise(s, Candidate, app.candidate_id, _("Candidate"))
        target = get_or_raise(s, Target, app.target_id, _("Target"))
        inst = get_or_raise(s, Institution, target.institution_id, _("Institution"))
        people = [
            PersonRow(
                p.id or 0,
                PersonRole(p.role),
                p.full_name,
                p.nationality,
                p.passport_no,
                p.passport_expires,
                p.birth_date,
            )
            for p in s.exec(
                select(CasePerson)
                .where(col(CasePerson.case_id) == case_id)
                .order_by(col(CasePerson.id))
            ).all()
        ]
        names = {p.id: p.full_name for p in people}
        docs = [
            DocumentRow(
                d.id or 0,
                d.person_id,
                names.get(d.person_id, ""),
                d.kind,
                d.status,
                d.status_on,
                d.note,
            )
            for d in s.exec(
                select(CaseDocument)
                .where(col(CaseDocument.case_id) == case_id)
                .order_by(col(CaseDocument.person_id), col(CaseDocument.id))
            ).all()
        ]
        milestones = {
            str(m.kind): MilestoneRow(m.id or 0, m.kind, m.done_on, m.number, m.expires_on, m.note)
            for m in s.exec(select(CaseMilestone).where(col(CaseMilestone.case_id) == case_id))
        }
        tasks = [
            TaskRow(
                t.id or 0,
                t.position,
                t.title,
                t.owner,
                t.due_on,
                t.done_on,
                t.cost_minor,
                t.currency,
                t.offer_item_id,
                t.note,
            )
            for t in s.exec(
                select(RelocationTask)
                .where(col(RelocationTask.case_id) == case_id)
                .order_by(col(RelocationTask.position), col(RelocationTask.id))
            ).all()
        ]
        route = Route(case.route)
        category = Category(case.category) if case.category else None
        found = deadlines(
            rules.load_in(s), route, category, _rows.dated(s, case_id), calendar.load_in(s)
        )
        today = _office_today(s)
        return CaseDetail(
            case_id,
            app.id or 0,
            cand.id or 0,
            cand.full_name,
            target.title,
            inst.name,
            Stage(app.stage),
            route,
            category,
            CaseState(case.state),
            case.officer,
            case.opened_on,
            case.closed_on,
            case.closed_reason,
            case.notes,
            people,
            docs,
            milestones,
            tasks,
            found,
            today,
            start_problem_in(s, app.id or 0, today),
        )


def due_from_entry(planned: date | None, days: int | None) -> date | None:
    """A template task's due date from the planned entry (None without both)."""
    if planned is None or days is None:
        return None
    return planned + timedelta(days=days)
