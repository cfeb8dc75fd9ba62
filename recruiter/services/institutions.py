"""Institutions we recruit for, and their departments (school -> department/lab).

Every write is audited and returns what undo needs: `create*` the new id (undo: `delete*`),
`update*` the previous values of what changed (undo: `update*` with them), `delete*` the row's
snapshot (undo: `restore*`, same id). Archiving is in services/archive.py; `delete*` refuses a
row that anything still refers to, so nothing is ever deleted with what hangs on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from recruiter.domain.models import Department, FundingSource, Institution, Target
from recruiter.errors import ConflictError, ValidationError
from recruiter.i18n import _
from recruiter.store.database import Database

from . import audit, crud
from ._common import get_or_raise
from .archive import delete_unreferenced
from .validate import Problems, clean_text

INSTITUTION_FIELDS = ("name", "name_zh", "short_name", "city", "country")
DEPARTMENT_FIELDS = ("name", "name_zh", "parent_id")
_LENGTHS = {"name": 200, "name_zh": 200, "short_name": 50, "city": 100, "country": 100}


def _validate(data: dict[str, Any]) -> dict[str, Any]:
    p = Problems()
    out = {k: clean_text(data.get(k), _LENGTHS[k]) for k in INSTITUTION_FIELDS}
    if not out["name"]:
        p.add("name", _("give the institution's name"))
    p.raise_if_any()
    return out


def _taken_by(values: dict[str, Any]) -> crud.Clash:
    return lambda: ConflictError(
        _("An institution named '{name}' already exists.").format(name=values["name"])
    )


def create(db: Database, **data: Any) -> int:
    values = _validate(data)
    with db.session() as s:
        return crud.add(s, db.user, "institution", Institution(**values), clash=_taken_by(values))


def update(db: Database, institution_id: int, **changes: Any) -> dict[str, Any]:
    """Apply changes; returns the previous values of the changed fields (for undo)."""
    with db.session() as s:
        inst = get_or_raise(s, Institution, institution_id, _("Institution"))
        values = _validate({**audit.snapshot(inst), **changes})
        change = crud.update(s, db.user, "institution", inst, values, clash=_taken_by(values))
        return {k: old for k, (old, _new) in change.items()}


def delete(db: Database, institution_id: int) -> dict[str, Any]:
    """Delete an institution nothing refers to; returns its snapshot (undo: `restore`)."""
    with db.session() as s:
        return delete_unreferenced(
            s,
            db.user,
            "institution",
            Institution,
            institution_id,
            _("{name} still has {refs}; archive it instead, or delete or move them first."),
        )


def restore(db: Database, snap: dict[str, Any]) -> None:
    """Undo of `delete`: the institution comes back with its old id."""
    with db.session() as s:
        if s.get(Institution, snap["id"]) is not None:
            raise ConflictError(_("That institution exists again; nothing to restore."))
        fields: dict[str, Any] = {k: snap.get(k) for k in INSTITUTION_FIELDS}
        inst = Institution(id=snap["id"], archived_at=_when(snap.get("archived_at")), **fields)
        crud.add(
            s,
            db.user,
            "institution",
            inst,
            clash=_taken_by(snap),
            action="restore",
            snap=lambda _: snap,
        )


def get(db: Database, institution_id: int) -> Institution:
    with db.session() as s:
        return get_or_raise(s, Institution, institution_id, _("Institution"))


def list_all(db: Database, *, archived: bool = False) -> list[Institution]:
    """Institutions by name; archived ones only when asked for."""
    q = select(Institution).order_by(col(Institution.name))
    if not archived:
        q = q.where(col(Institution.archived_at).is_(None))
    with db.session() as s:
        return list(s.exec(q).all())


def find(db: Database, name: str) -> Institution | None:
    """The institution with this name, Chinese name or short name (case-insensitive)."""
    with db.session() as s:
        return find_in(s, name)


def find_in(s: Session, name: str) -> Institution | None:
    """Matched in Python: SQL lower() folds only ASCII, and institutions are few."""
    key = (clean_text(name) or "").casefold()
    if not key:
        return None
    rows = s.exec(
        select(Institution).order_by(col(Institution.archived_at).is_not(None), col(Institution.id))
    ).all()
    for attr in ("name", "name_zh", "short_name"):
        for inst in rows:
            value = getattr(inst, attr)
            if isinstance(value, str) and value.casefold() == key:
                return inst
    return None


# -- departments -----------------------------------------------------------------------------


def _department_values(name: Any, name_zh: Any) -> tuple[str, str | None]:
    p = Problems()
    clean = clean_text(name, 200)
    if not clean:
        p.add("name", _("give the department's name"))
    p.raise_if_any()
    return clean or "", clean_text(name_zh, 200)


def check_parent(
    s: Session, institution_id: int, department_id: int | None, parent_id: Any
) -> None:
    """A parent must be another department of the same institution, and never one of the
    department's own sub-departments (no cycles)."""
    if parent_id is None:
        return
    parent = get_or_raise(s, Department, int(parent_id), _("Parent department"))
    if parent.institution_id != institution_id:
        raise ValidationError({"parent_id": _("belongs to another institution")})
    seen: set[int] = set()
    current: Department | None = parent
    while current is not None and current.id is not None:
        if current.id == department_id:
            raise ValidationError(
                {"parent_id": _("is this department or one of its sub-departments")}
            )
        if current.id in seen:  # an old cycle: stop rather than loop
            break
        seen.add(current.id)
        current = s.get(Department, current.parent_id) if current.parent_id else None


def _dept_taken(name: str) -> crud.Clash:
    return lambda: ConflictError(
        _("This institution already has a department '{name}'.").format(name=name)
    )


def add_department(
    db: Database,
    institution_id: int,
    name: str,
    name_zh: str | None = None,
    parent_id: int | None = None,
) -> int:
    clean, zh = _department_values(name, name_zh)
    with db.session() as s:
        get_or_raise(s, Institution, institution_id, _("Institution"))
        check_parent(s, institution_id, None, parent_id)
        dept = Department(
            institution_id=institution_id, name=clean, name_zh=zh, parent_id=parent_id
        )
        return crud.add(s, db.user, "department", dept, clash=_dept_taken(clean))


def update_department(db: Database, department_id: int, **changes: Any) -> dict[str, Any]:
    """Rename or move under another parent (of the same institution); returns the previous
    values of what changed (for undo). A department stays in its institution."""
    unknown = set(changes) - set(DEPARTMENT_FIELDS)
    if unknown:
        raise ValidationError({k: _("cannot be changed here") for k in sorted(unknown)})
    with db.session() as s:
        dept = get_or_raise(s, Department, department_id, _("Department"))
        merged = {**audit.snapshot(dept), **changes}
        clean, zh = _department_values(merged["name"], merged["name_zh"])
        parent_id = merged.get("parent_id") or None
        check_parent(s, dept.institution_id, department_id, parent_id)
        values = {"name": clean, "name_zh": zh, "parent_id": parent_id}
        change = crud.update(s, db.user, "department", dept, values, clash=_dept_taken(clean))
        return {k: old for k, (old, _new) in change.items()}


def delete_department(db: Database, department_id: int) -> dict[str, Any]:
    """Delete a department no target and no sub-department refers to; returns its snapshot
    (undo: `restore_department`)."""
    with db.session() as s:
        return delete_unreferenced(
            s,
            db.user,
            "department",
            Department,
            department_id,
            _("{name} still has {refs}; archive it instead, or move them first."),
        )


def restore_department(db: Database, snap: dict[str, Any]) -> None:
    """Undo of `delete_department`: the department comes back with its old id."""
    with db.session() as s:
        if s.get(Department, snap["id"]) is not None:
            raise ConflictError(_("That department exists again; nothing to restore."))
        get_or_raise(s, Institution, snap["institution_id"], _("Institution"))
        dept = Department(
            id=snap["id"],
            institution_id=snap["institution_id"],
            name=snap["name"],
            name_zh=snap.get("name_zh"),
            parent_id=snap.get("parent_id"),
            archived_at=_when(snap.get("archived_at")),
        )
        clash = _dept_taken(snap["name"])
        crud.add(s, db.user, "department", dept, clash=clash, action="restore", snap=lambda _: snap)


def departments(
    db: Database, institution_id: int | None = None, *, archived: bool = False
) -> list[Department]:
    """Departments by name; archived ones only when asked for."""
    with db.session() as s:
        q = select(Department).order_by(col(Department.name))
        if institution_id is not None:
            q = q.where(col(Department.institution_id) == institution_id)
        if not archived:
            q = q.where(col(Department.archived_at).is_(None))
        return list(s.exec(q).all())


def get_department(db: Database, department_id: int) -> Department:
    with db.session() as s:
        return get_or_raise(s, Department, department_id, _("Department"))


# -- the Setup page's overview ---------------------------------------------------------------


@dataclass(frozen=True)
class InstitutionRow:
    id: int
    name: str
    name_zh: str | None
    short_name: str | None
    city: str | None
    country: str | None
    archived_at: datetime | None
    departments: int
    targets: int
    funding_sources: int


@dataclass(frozen=True)
class DepartmentRow:
    id: int
    institution_id: int
    name: str
    name_zh: str | None
    parent_id: int | None
    path: str  # "School of Science / Physics Lab"
    archived_at: datetime | None
    targets: int
    sub_departments: int


def _counts(s: Session, column: Any) -> dict[int, int]:
    rows = s.exec(select(column, func.count()).where(column.is_not(None)).group_by(column)).all()
    return {int(k): int(n) for k, n in rows}


def overview(db: Database) -> list[InstitutionRow]:
    """Every institution (archived too) with how much hangs on it, for the Setup page."""
    with db.session() as s:
        depts = _counts(s, col(Department.institution_id))
        targets = _counts(s, col(Target.institution_id))
        sources = _counts(s, col(FundingSource.institution_id))
        out = []
        for i in s.exec(select(Institution).order_by(col(Institution.name))).all():
            assert i.id is not None
            out.append(
                InstitutionRow(
                    i.id,
                    i.name,
                    i.name_zh,
                    i.short_name,
                    i.city,
                    i.country,
                    i.archived_at,
                    depts.get(i.id, 0),
                    targets.get(i.id, 0),
                    sources.get(i.id, 0),
                )
            )
        return out


def paths(rows: list[tuple[int, str, int | None]]) -> dict[int, str]:
    """id -> 'Parent / Child' for (id, name, parent_id) rows; a broken chain stops quietly."""
    by_id = {r[0]: r for r in rows}
    out: dict[int, str] = {}
    for ident, name, parent in rows:
        parts = [name]
        seen = {ident}
        while parent is not None and parent in by_id and parent not in seen:
            seen.add(parent)
            parts.append(by_id[parent][1])
            parent = by_id[parent][2]
        out[ident] = " / ".join(reversed(parts))
    return out


def department_overview(db: Database, institution_id: int | None = None) -> list[DepartmentRow]:
    """Departments (archived too) with their paths and what hangs on them, sorted by path."""
    with db.session() as s:
        q = select(Department)
        if institution_id is not None:
            q = q.where(col(Department.institution_id) == institution_id)
        rows = list(s.exec(q).all())
        targets = _counts(s, col(Target.department_id))
        children = _counts(s, col(Department.parent_id))
    named = paths([(d.id, d.name, d.parent_id) for d in rows if d.id is not None])
    out = [
        DepartmentRow(
            d.id,
            d.institution_id,
            d.name,
            d.name_zh,
            d.parent_id,
            named[d.id],
            d.archived_at,
            targets.get(d.id, 0),
            children.get(d.id, 0),
        )
        for d in rows
        if d.id is not None
    ]
    return sorted(out, key=lambda r: (r.institution_id, r.path.casefold()))


def _when(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


__all__ = [
    "DEPARTMENT_FIELDS",
    "INSTITUTION_FIELDS",
    "DepartmentRow",
    "InstitutionRow",
    "add_department",
    "check_parent",
    "create",
    "delete",
    "delete_department",
    "department_overview",
    "departments",
    "find",
    "find_in",
    "get",
    "get_department",
    "list_all",
    "overview",
    "paths",
    "restore",
    "restore_department",
    "update",
    "update_department",
]
