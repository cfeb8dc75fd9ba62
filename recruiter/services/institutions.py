"""Institutions we recruit for, and their departments."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from recruiter.domain.models import Department, FundingSource, Institution, Target
from recruiter.errors import ConflictError
from recruiter.store.database import Database

from . import audit
from ._common import get_or_raise
from .validate import Problems, clean_text


def _validate(data: dict[str, Any]) -> dict[str, Any]:
    p = Problems()
    out = {k: clean_text(data.get(k), 200) for k in ("name", "name_zh", "city", "country")}
    if not out["name"]:
        p.add("name", "give the institution's name")
    p.raise_if_any()
    return out


def create(db: Database, **data: Any) -> int:
    values = _validate(data)
    with db.session() as s:
        inst = Institution(**values)
        s.add(inst)
        try:
            s.flush()
        except IntegrityError as exc:
            raise ConflictError(f"An institution named '{values['name']}' already exists.") from exc
        assert inst.id is not None
        audit.record(s, db.user, "institution", inst.id, "create", audit.snapshot(inst))
        return inst.id


def update(db: Database, institution_id: int, **changes: Any) -> dict[str, Any]:
    with db.session() as s:
        inst = get_or_raise(s, Institution, institution_id, "Institution")
        before = audit.snapshot(inst)
        values = _validate({**before, **changes})
        for k, v in values.items():
            setattr(inst, k, v)
        s.add(inst)
        try:
            s.flush()
        except IntegrityError as exc:
            raise ConflictError(f"An institution named '{values['name']}' already exists.") from exc
        change = audit.diff(before, audit.snapshot(inst))
        if change:
            audit.record(s, db.user, "institution", institution_id, "update", change)
        return {k: old for k, (old, _new) in change.items()}


def delete(db: Database, institution_id: int) -> None:
    with db.session() as s:
        inst = get_or_raise(s, Institution, institution_id, "Institution")
        targets = s.exec(
            select(func.count()).select_from(Target).where(Target.institution_id == institution_id)
        ).one()
        sources = s.exec(
            select(func.count())
            .select_from(FundingSource)
            .where(FundingSource.institution_id == institution_id)
        ).one()
        if targets or sources:
            raise ConflictError(
                f"{inst.name} still has {targets} target(s) and {sources} funding "
                "source(s); delete or move them first."
            )
        snap = audit.snapshot(inst)
        s.delete(inst)
        audit.record(s, db.user, "institution", institution_id, "delete", snap)


def list_all(db: Database) -> list[Institution]:
    with db.session() as s:
        return list(s.exec(select(Institution).order_by(Institution.name)).all())


def add_department(db: Database, institution_id: int, name: str, name_zh: str | None = None) -> int:
    p = Problems()
    clean = clean_text(name, 200)
    if not clean:
        p.add("name", "give the department's name")
    p.raise_if_any()
    with db.session() as s:
        get_or_raise(s, Institution, institution_id, "Institution")
        dept = Department(
            institution_id=institution_id, name=clean or "", name_zh=clean_text(name_zh, 200)
        )
        s.add(dept)
        try:
            s.flush()
        except IntegrityError as exc:
            raise ConflictError(f"This institution already has a department '{clean}'.") from exc
        assert dept.id is not None
        audit.record(s, db.user, "department", dept.id, "create", audit.snapshot(dept))
        return dept.id


def delete_department(db: Database, department_id: int) -> None:
    """Targets of the department stay, without a department (ON DELETE SET NULL)."""
    with db.session() as s:
        dept = get_or_raise(s, Department, department_id, "Department")
        snap = audit.snapshot(dept)
        s.delete(dept)
        audit.record(s, db.user, "department", department_id, "delete", snap)


def departments(db: Database, institution_id: int | None = None) -> list[Department]:
    with db.session() as s:
        q = select(Department).order_by(Department.name)
        if institution_id is not None:
            q = q.where(Department.institution_id == institution_id)
        return list(s.exec(q).all())
