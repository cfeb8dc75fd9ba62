"""Audited row writes the immigration services share, each returning what undo needs: `insert`
the new id, `change` the previous values, `delete` the row's values (for `put_back`, which
re-inserts with the same id so later undo steps still find it)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, select

from recruiter.domain.immigration import state_of
from recruiter.domain.models import CaseMilestone, CasePerson, DeadlineRule, ImmigrationCase
from recruiter.i18n import _

from .. import audit
from .._common import get_or_raise

M = TypeVar("M", bound=SQLModel)


def table(model: type[SQLModel]) -> str:
    return str(model.__tablename__)


def insert(s: Session, user: str, row: SQLModel) -> int:
    s.add(row)
    s.flush()
    ident = int(row.id)  # type: ignore[attr-defined]  # every table here has an integer id
    audit.record(s, user, table(type(row)), ident, "create", audit.snapshot(row))
    return ident


def change(
    s: Session, user: str, model: type[M], ident: int, values: dict[str, Any], what: str
) -> dict[str, Any]:
    """Set `values`; returns the previous values of the fields that changed."""
    row = get_or_raise(s, model, ident, what)
    before = {k: getattr(row, k) for k in values}
    changed = {k: v for k, v in values.items() if before[k] != v}
    for k, v in changed.items():
        setattr(row, k, v)
    if changed:
        s.add(row)
        s.flush()
        audit.record(
            s, user, table(model), ident, "update", {k: [before[k], v] for k, v in changed.items()}
        )
        _recount(s, model, [getattr(row, "case_id", None)])
    return {k: before[k] for k in changed}


def delete(s: Session, user: str, model: type[M], ident: int, what: str) -> dict[str, Any]:
    row = get_or_raise(s, model, ident, what)
    kept = row.model_dump()
    audit.record(s, user, table(model), ident, "delete", audit.snapshot(row))
    s.delete(row)
    s.flush()
    _recount(s, model, [kept.get("case_id")])
    return kept


def put_back(s: Session, user: str, model: type[M], rows: list[dict[str, Any]]) -> None:
    """Re-insert deleted rows with their ids (undo of a delete)."""
    for values in rows:
        row = model(**values)
        s.add(row)
        s.flush()
        audit.record(s, user, table(model), values.get("id"), "restore", audit.snapshot(row))
    _recount(s, model, [values.get("case_id") for values in rows])


def _recount(s: Session, model: type[SQLModel], case_ids: list[Any]) -> None:
    """Keep each case's stored next deadline true: a person's passport (cases and milestones
    go through `refresh_state`), or a rule, which may move every case's clocks."""
    from .clocks import refresh_next_due_in  # lazy: clocks reads the rules that write here

    if model is DeadlineRule:
        refresh_next_due_in(s)
    elif model is CasePerson:
        refresh_next_due_in(s, [i for i in case_ids if i is not None])


def dated(s: Session, case_id: int) -> dict[str, Any]:
    """The dates a case's clocks count from: milestones, permit expiries, the earliest
    passport expiry. Missing dates are simply absent."""
    out: dict[str, Any] = {}
    for kind, on, expires in s.execute(
        select(
            col(CaseMilestone.kind), col(CaseMilestone.done_on), col(CaseMilestone.expires_on)
        ).where(col(CaseMilestone.case_id) == case_id)
    ).all():
        out[str(kind)] = on
        if expires is not None:
            out[f"{kind}_expires"] = expires
    passports = [
        d
        for d in s.exec(
            select(col(CasePerson.passport_expires)).where(col(CasePerson.case_id) == case_id)
        ).all()
        if d is not None
    ]
    if passports:
        out["passport_expires"] = min(passports)
    return out


def refresh_state(s: Session, user: str, case_id: int) -> None:
    """Re-derive the stored state of a case from its milestones."""
    case = get_or_raise(s, ImmigrationCase, case_id, _("Case"))
    new = state_of(case.route, dated(s, case_id), closed=case.closed_on is not None)
    if case.state != new:
        audit.record(s, user, "immigration_case", case_id, "state", {"state": [case.state, new]})
        case.state = new
        s.add(case)
        s.flush()
    from .clocks import refresh_next_due_in  # see _recount

    refresh_next_due_in(s, [case_id])
