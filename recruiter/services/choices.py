"""Choice lists for "choose one" boxes: archived rows are hidden.

An archived institution, department, funding source, target or officer stays in history,
reports and report filters, but nobody should pick it for new work. A row hidden by an archive
of what it belongs to (a department of an archived institution) is hidden too.

`keep` names ids to list even when archived: the value an editor already holds, so editing an
old record never silently changes it. Such rows come back with `archived=True` and a label that
says so. Everything returned is a plain value, safe to hand to the UI thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select
from sqlmodel import col

from recruiter.domain.enums import TargetStatus
from recruiter.domain.models import Department, FundingSource, Institution, Officer, Target
from recruiter.store.database import Database

from .institutions import paths
from .targets import TargetChoice

ARCHIVED = " (archived)"


@dataclass(frozen=True)
class Choice:
    id: int
    label: str
    archived: bool = False


@dataclass(frozen=True)
class DepartmentChoice(Choice):
    institution_id: int = 0
    parent_id: int | None = None


@dataclass(frozen=True)
class SourceChoice(Choice):
    institution_id: int | None = None
    currency: str = "CNY"
    # The asked-for institution's own source, or one of no institution (usable anywhere).
    own: bool = True


def _visible(keep: Iterable[int], model: Any, *archived_columns: Any) -> Any:
    """Not archived (nor anything it belongs to), or one of the kept ids."""
    live = and_(*(c.is_(None) for c in archived_columns))
    ids = [int(k) for k in keep if k is not None]
    return or_(live, col(model.id).in_(ids)) if ids else live


def _label(name: str, name_zh: str | None, archived: bool) -> str:
    text = f"{name} {name_zh}" if name_zh and name_zh != name else name
    return text + (ARCHIVED if archived else "")


def institutions(db: Database, *, keep: Iterable[int] = ()) -> list[Choice]:
    """Institutions by name: 'Wuhan University 武汉大学'."""
    stmt = (
        select(
            col(Institution.id),
            col(Institution.name),
            col(Institution.name_zh),
            col(Institution.archived_at),
        )
        .where(_visible(keep, Institution, col(Institution.archived_at)))
        .order_by(col(Institution.name))
    )
    with db.session() as s:
        rows = s.execute(stmt).all()
    return [Choice(int(i), _label(n, zh, a is not None), a is not None) for i, n, zh, a in rows]


def departments(
    db: Database, institution_id: int | None = None, *, keep: Iterable[int] = ()
) -> list[DepartmentChoice]:
    """Departments by path ('School of Science / Physics Lab'), per institution."""
    stmt = (
        select(
            col(Department.id),
            col(Department.name),
            col(Department.name_zh),
            col(Department.institution_id),
            col(Department.parent_id),
            col(Department.archived_at),
            col(Institution.archived_at),
        )
        .join(Institution, col(Institution.id) == col(Department.institution_id))
        .where(
            _visible(keep, Department, col(Department.archived_at), col(Institution.archived_at))
        )
    )
    if institution_id is not None:
        stmt = stmt.where(col(Department.institution_id) == institution_id)
    with db.session() as s:
        rows = s.execute(stmt).all()
        # Paths run through every department, archived parents included.
        every = s.execute(
            select(col(Department.id), col(Department.name), col(Department.parent_id))
        ).all()
    named = paths([(int(i), n, p) for i, n, p in every])
    out = []
    for ident, _name, zh, inst, parent, archived, inst_archived in rows:
        gone = archived is not None or inst_archived is not None
        text = named[int(ident)] + (f" {zh}" if zh else "")
        out.append(
            DepartmentChoice(int(ident), text + (ARCHIVED if gone else ""), gone, int(inst), parent)
        )
    return sorted(out, key=lambda c: (c.institution_id, named[c.id].casefold()))


def funding_sources(
    db: Database,
    institution_id: int | None = None,
    *,
    others: bool = False,
    keep: Iterable[int] = (),
) -> list[SourceChoice]:
    """Budgets an offer or target can be charged to.

    With an institution: its own sources and those of no institution first (`own=True`), and
    other institutions' sources only when `others` is asked for (`own=False`, listed last).
    """
    stmt = (
        select(
            col(FundingSource.id),
            col(FundingSource.name),
            col(FundingSource.institution_id),
            col(FundingSource.currency),
            col(FundingSource.fiscal_year),
            col(FundingSource.archived_at),
            col(Institution.archived_at),
            col(Institution.name),
        )
        .outerjoin(Institution, col(Institution.id) == col(FundingSource.institution_id))
        .where(
            _visible(
                keep, FundingSource, col(FundingSource.archived_at), col(Institution.archived_at)
            )
        )
        .order_by(col(FundingSource.name))
    )
    kept = {int(k) for k in keep if k is not None}
    with db.session() as s:
        rows = s.execute(stmt).all()
    out = []
    for ident, name, inst, ccy, year, archived, inst_archived, inst_name in rows:
        own = institution_id is None or inst is None or inst == institution_id
        if not own and not others and int(ident) not in kept:
            continue
        gone = archived is not None or inst_archived is not None
        text = name + (f" ({year})" if year and str(year) not in name else "")
        if not own and inst_name:
            text += f" — {inst_name}"
        out.append(
            SourceChoice(int(ident), text + (ARCHIVED if gone else ""), gone, inst, ccy, own)
        )
    return sorted(out, key=lambda c: not c.own)


def targets(
    db: Database, institution_id: int | None = None, *, keep: Iterable[int] = ()
) -> list[TargetChoice]:
    """Targets for pickers ("add to pipeline", "imports into"), open ones first; the same
    `TargetChoice` values as `services.targets.choices`, without archived targets."""
    stmt = (
        select(
            col(Target.id),
            col(Target.title),
            col(Target.institution_id),
            col(Institution.name),
            col(Target.status),
        )
        .join(Institution, col(Institution.id) == col(Target.institution_id))
        .where(_visible(keep, Target, col(Target.archived_at), col(Institution.archived_at)))
        .order_by(col(Institution.name), col(Target.title), col(Target.id))
    )
    if institution_id is not None:
        stmt = stmt.where(col(Target.institution_id) == institution_id)
    with db.session() as s:
        rows = [
            TargetChoice(int(r[0]), r[1], int(r[2]), r[3], TargetStatus(r[4]))
            for r in s.execute(stmt).all()
        ]
    return sorted(rows, key=lambda c: c.status != TargetStatus.open)


def officers(db: Database, *, keep: Iterable[str] = ()) -> list[Choice]:
    """Recruiting officers by name. Owners are kept as text, so `keep` takes names: an owner
    typed before the officer list existed is offered as it is, with id 0."""
    kept = [k for k in keep if k]
    live = col(Officer.archived_at).is_(None)
    stmt = (
        select(col(Officer.id), col(Officer.name), col(Officer.name_zh), col(Officer.archived_at))
        .where(or_(live, col(Officer.name).in_(kept)) if kept else live)
        .order_by(col(Officer.name))
    )
    with db.session() as s:
        rows = s.execute(stmt).all()
    out = [Choice(int(i), _label(n, zh, a is not None), a is not None) for i, n, zh, a in rows]
    known = {r[1] for r in rows}
    out += [Choice(0, name) for name in kept if name not in known]
    return out


__all__ = [
    "ARCHIVED",
    "Choice",
    "DepartmentChoice",
    "SourceChoice",
    "departments",
    "funding_sources",
    "institutions",
    "officers",
    "targets",
]
