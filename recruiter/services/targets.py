"""Recruiting targets: positions or quotas to fill, with progress (hired / headcount)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from recruiter.domain import figures
from recruiter.domain.enums import STAGES, Outcome, Stage, TargetStatus
from recruiter.domain.models import Application, Department, FundingSource, Institution, Target
from recruiter.errors import ConflictError, ValidationError
from recruiter.i18n import _
from recruiter.store.database import Database

from . import audit, concurrency
from ._common import get_or_raise
from .validate import Problems, as_date, as_int, clean_text

FIELDS = (
    "institution_id",
    "department_id",
    "title",
    "field",
    "rank",
    "talent_programme",
    "headcount",
    "status",
    "fill_by",
    "owner",
    "notes",
    "funding_source_id",
)


def _validate(data: dict[str, Any]) -> dict[str, Any]:
    p = Problems()
    out: dict[str, Any] = {}
    out["institution_id"] = data.get("institution_id")
    if not out["institution_id"]:
        p.add("institution_id", _("choose the institution this target belongs to"))
    out["department_id"] = data.get("department_id") or None
    out["title"] = clean_text(data.get("title"), 300)
    if not out["title"]:
        p.add("title", _("give the position a title"))
    for k in ("field", "rank", "talent_programme", "owner"):
        out[k] = clean_text(data.get(k), 200)
    out["headcount"] = as_int(
        data.get("headcount", 1), "headcount", p, 1, 1000, _("a whole number of 1 or more")
    )
    try:
        out["status"] = TargetStatus(data.get("status") or TargetStatus.open)
    except ValueError:
        p.add("status", _("must be open, on hold, filled or closed"))
    fill_by = data.get("fill_by")
    out["fill_by"] = fill_by if isinstance(fill_by, date) else as_date(fill_by, "fill_by", p)
    out["notes"] = clean_text(data.get("notes"))
    out["funding_source_id"] = data.get("funding_source_id") or None
    p.raise_if_any()
    return out


def _check_source(s: Session, values: dict[str, Any]) -> None:
    """A target is charged to a budget of its own institution or of none (usable anywhere)."""
    if not values["funding_source_id"]:
        return
    src = get_or_raise(s, FundingSource, values["funding_source_id"], _("Funding source"))
    if src.institution_id is not None and src.institution_id != values["institution_id"]:
        raise ValidationError({"funding_source_id": _("belongs to another institution")})


def create(db: Database, **data: Any) -> int:
    values = _validate(data)
    with db.session() as s:
        get_or_raise(s, Institution, values["institution_id"], _("Institution"))
        if values["department_id"]:
            dept = get_or_raise(s, Department, values["department_id"], _("Department"))
            if dept.institution_id != values["institution_id"]:
                raise ValidationError({"department_id": _("belongs to another institution")})
        _check_source(s, values)
        target = Target(**values)
        s.add(target)
        s.flush()
        assert target.id is not None
        audit.record(s, db.user, "target", target.id, "create", audit.snapshot(target))
        return target.id


def update(
    db: Database,
    target_id: int,
    *,
    expected_version: int | None = None,
    overwrite: bool = False,
    **changes: Any,
) -> dict[str, Any]:
    """`expected_version`: see services/concurrency.py."""
    with db.session() as s:
        concurrency.check(s, db.user, "target", target_id, expected_version, overwrite=overwrite)
        target = get_or_raise(s, Target, target_id, _("Target"))
        before = {k: getattr(target, k) for k in FIELDS}
        values = _validate({**before, **changes})
        changed = {k: v for k, v in values.items() if before[k] != v}
        if "funding_source_id" in changed or "institution_id" in changed:
            _check_source(s, values)
        for k, v in changed.items():
            setattr(target, k, v)
        s.add(target)
        if changed:
            audit.record(
                s,
                db.user,
                "target",
                target_id,
                "update",
                {k: [before[k], v] for k, v in changed.items()},
            )
        return {k: before[k] for k in changed}


def delete(db: Database, target_id: int) -> None:
    with db.session() as s:
        target = get_or_raise(s, Target, target_id, _("Target"))
        n = s.exec(
            select(func.count())
            .select_from(Application)
            .where(col(Application.target_id) == target_id)
        ).one()
        if n:
            raise ConflictError(
                _(
                    "'{title}' has {n} application(s) in its pipeline; close the target instead of "
                    "deleting it."
                ).format(title=target.title, n=n)
            )
        snap = audit.snapshot(target)
        s.delete(target)
        audit.record(s, db.user, "target", target_id, "delete", snap)


def get(db: Database, target_id: int) -> Target:
    with db.session() as s:
        return get_or_raise(s, Target, target_id, _("Target"))


@dataclass(frozen=True)
class TargetProgress:
    """A target's progress. `active`, `on_hold` and `open` (both) are named as on the
    Dashboard (domain.figures), so the two pages can never disagree."""

    id: int
    title: str
    institution: str
    department: str | None
    field: str | None
    headcount: int
    status: TargetStatus
    hired: int
    active: int
    per_stage: dict[Stage, int]  # open applications per stage
    fill_by: date | None
    on_hold: int = 0

    @property
    def counts(self) -> figures.ApplicationCounts:
        return figures.ApplicationCounts(self.active, self.on_hold)

    @property
    def open(self) -> int:
        return self.counts.open


def progress(db: Database, institution_id: int | None = None) -> list[TargetProgress]:
    """Every target with hired/headcount, its open/active/on-hold applications and open
    applications per stage."""
    is_open = figures.is_open_sql()
    per_stage_cols = [
        func.sum(case(((col(Application.stage) == st) & is_open, 1), else_=0)) for st in STAGES
    ]
    stmt = (
        sa_select(
            col(Target.id),
            col(Target.title),
            col(Institution.name),
            col(Department.name),
            col(Target.field),
            col(Target.headcount),
            col(Target.status),
            col(Target.fill_by),
            func.sum(case((col(Application.outcome) == Outcome.hired, 1), else_=0)),
            *figures.application_counts_sql(),
            *per_stage_cols,
        )
        .select_from(Target)
        .join(Institution, col(Institution.id) == col(Target.institution_id))
        .outerjoin(Department, col(Department.id) == col(Target.department_id))
        .outerjoin(Application, col(Application.target_id) == col(Target.id))
        .group_by(col(Target.id), col(Institution.name), col(Department.name))
        .order_by(col(Institution.name), col(Target.title), col(Target.id))
    )
    if institution_id is not None:
        stmt = stmt.where(col(Target.institution_id) == institution_id)
    with db.session() as s:
        rows = s.execute(stmt).all()
    out = []
    for r in rows:
        counts = figures.counts_of(r[9], r[10])
        out.append(
            TargetProgress(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                TargetStatus(r[6]),
                int(r[8] or 0),
                counts.active,
                {st: int(r[11 + i] or 0) for i, st in enumerate(STAGES)},
                r[7],
                counts.on_hold,
            )
        )
    return out


def application_counts(
    db: Database, institution_id: int | None = None
) -> figures.ApplicationCounts:
    """Open / active / on-hold applications of every target (of one institution): the same
    figures, from the same definition, as the Dashboard's tiles (reporting.application_counts)."""
    stmt = sa_select(*figures.application_counts_sql()).select_from(Application)
    if institution_id is not None:
        stmt = stmt.join(Target, col(Target.id) == col(Application.target_id)).where(
            col(Target.institution_id) == institution_id
        )
    with db.session() as s:
        return figures.counts_of(*s.execute(stmt).one())


def snapshot(db: Database, target_id: int) -> dict[str, Any]:
    """The stored row, so a deleted (or undone) target can come back with the same id."""
    with db.session() as s:
        return get_or_raise(s, Target, target_id, _("Target")).model_dump(exclude={"version"})


def restore(db: Database, snap: dict[str, Any]) -> None:
    with db.session() as s:
        target = Target(**snap)
        s.add(target)
        s.flush()
        audit.record(s, db.user, "target", target.id, "restore", audit.snapshot(target))


@dataclass(frozen=True)
class TargetChoice:
    id: int
    title: str
    institution_id: int
    institution: str
    status: TargetStatus

    @property
    def label(self) -> str:
        return f"{self.title} — {self.institution}"


def choices(db: Database, institution_id: int | None = None) -> list[TargetChoice]:
    """Targets for pickers (filters, "add to pipeline"), open ones first."""
    stmt = (
        sa_select(
            col(Target.id),
            col(Target.title),
            col(Target.institution_id),
            col(Institution.name),
            col(Target.status),
        )
        .join(Institution, col(Institution.id) == col(Target.institution_id))
        .order_by(col(Institution.name), col(Target.title), col(Target.id))
    )
    if institution_id is not None:
        stmt = stmt.where(col(Target.institution_id) == institution_id)
    with db.session() as s:
        rows = [
            TargetChoice(r[0], r[1], r[2], r[3], TargetStatus(r[4])) for r in s.execute(stmt).all()
        ]
    return sorted(rows, key=lambda c: c.status != TargetStatus.open)
