"""Reads from each case's stored next deadline (`next_due`, `next_rule`, kept by
clocks.refresh_next_due_in with domain.deadlines on every case, rule and calendar write): the
Visas page's lines and the Due dock's nearest cases, counted in SQL. So a list of 5,000 cases
costs one query, not 5,000 clock computations. Cases not worked out yet (NULL, e.g. just after
the 0014 upgrade) are worked out here the same way clocks does."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, NamedTuple

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from recruiter.domain import clock
from recruiter.domain.deadlines import DUE_SOON_DAYS, urgency_of
from recruiter.domain.immigration import CaseState, Severity
from recruiter.domain.models import Application, Candidate, ImmigrationCase, Institution, Target
from recruiter.store.database import Database

from .. import calendar, settings
from . import rules as rule_table
from .clocks import (
    NO_DEADLINE,
    CaseFilters,
    DueDeadline,
    _cases,
    _Clocks,
    _day,
    _fetch,
    _labels,
)

# How many cases the Due dock lists: the nearest (most overdue first). The rest are counted and
# one click away on the Visas page; a dock of thousands of lines helps nobody.
DOCK_LIMIT = 50


class CaseLine(NamedTuple):
    """One line of the Visas page: a case and its next deadline (a tuple: 5,000 of them are
    made per read, and a frozen dataclass costs five times as much to build)."""

    id: int
    application_id: int
    candidate_id: int
    candidate: str
    name_zh: str | None
    institution: str
    route: str
    category: str
    state: str
    officer: str | None
    next_deadline: str | None
    next_due: date | None
    days_left: int | None
    urgency: str


@dataclass(frozen=True)
class CaseLines:
    today: date
    rows: list[CaseLine]

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.rows if r.urgency == "overdue")

    @property
    def soon(self) -> int:
        return sum(1 for r in self.rows if r.urgency == "soon")


@dataclass(frozen=True)
class NearestDue:
    """The Due dock's visa section: cases whose next deadline is overdue or due within a week,
    how many (in SQL), and the nearest `DOCK_LIMIT` of them, one line per case."""

    today: date
    overdue: int  # cases with a deadline past due
    soon: int  # cases whose next deadline is due within the week
    nearest: list[DueDeadline]

    @property
    def total(self) -> int:
        return self.overdue + self.soon

    @property
    def more(self) -> int:
        return self.total - len(self.nearest)


def _names(s: Session) -> dict[str, tuple[str, Any]]:
    """{rule code: (name as shown, severity)}."""
    return {r.key: (r.name, r.severity) for r in rule_table.load_in(s)}


def _unknown(s: Session, f: CaseFilters) -> list[tuple[Any, date | None, str | None]]:
    """(case row, next due, rule code) of the cases matching `f` whose next deadline is not
    stored yet, worked out now."""
    rows, dates = _cases(s, replace(f, unknown=True))
    if not rows:
        return []
    clocks = _Clocks(rule_table.load_in(s), calendar.load_in(s))
    out: list[tuple[Any, date | None, str | None]] = []
    for r in rows:
        found = clocks.of(r, dates)
        out.append((r, found[0].due, found[0].rule) if found else (r, None, None))
    return out


def _stored(value: Any) -> date | None:
    if value is None:
        return None
    day = _day(value)
    return None if day == NO_DEADLINE else day


def case_lines_in(
    s: Session, f: CaseFilters = CaseFilters(), today: date | None = None
) -> CaseLines:
    """The cases matching `f`, soonest next deadline first."""
    today = today or clock.today_in(settings.office_zone_in(s))
    c = ImmigrationCase
    stmt = (
        sa_select(
            col(c.id),
            col(c.application_id),
            col(Candidate.id),
            col(Candidate.full_name),
            col(Candidate.name_zh),
            col(Institution.name),
            col(c.route),
            col(c.category),
            col(c.state),
            col(c.officer),
            col(c.next_due),
            col(c.next_rule),
        )
        .join(Application, col(Application.id) == col(c.application_id))
        .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
        .join(Target, col(Target.id) == col(Application.target_id))
        .join(Institution, col(Institution.id) == col(Target.institution_id))
        .where(*f.conditions(), col(c.next_due).is_not(None))
        # NO_DEADLINE sorts last, as "no deadline" should.
        .order_by(col(c.next_due), col(Candidate.full_name))
    )
    found = [(r, _stored(r[10]), r[11]) for r in _fetch(s, stmt)]
    unknown = _unknown(s, f)
    for r, due, rule in unknown:  # the same columns, from clocks' own query
        found.append(((*r[:5], r[6], *r[7:11]), due, rule))
    names = _names(s)
    labels = _labels()
    out = [
        CaseLine(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            labels[str(r[6])],
            labels[str(r[7])] if r[7] else "",
            labels[str(r[8])],
            r[9],
            names.get(rule, (rule, None))[0] if rule else None,
            due,
            (due - today).days if due is not None else None,
            urgency_of(due, today),
        )
        for r, due, rule in found
    ]
    if unknown:
        out.sort(key=lambda x: (x.next_due is None, x.next_due or today, x.candidate))
    return CaseLines(today, out)


def case_lines(
    db: Database, f: CaseFilters = CaseFilters(), today: date | None = None
) -> CaseLines:
    with db.session() as s:
        return case_lines_in(s, f, today)


def nearest_due_in(
    s: Session, today: date | None = None, within: int = DUE_SOON_DAYS, limit: int = DOCK_LIMIT
) -> NearestDue:
    today = today or clock.today_in(settings.office_zone_in(s))
    horizon = today + timedelta(days=within)
    c = ImmigrationCase
    due = col(c.next_due)
    live = col(c.state) != CaseState.closed
    overdue, soon = s.execute(
        sa_select(
            func.coalesce(func.sum(case((due < today, 1), else_=0)), 0),
            func.coalesce(func.sum(case((due.between(today, horizon), 1), else_=0)), 0),
        ).where(live, due.is_not(None))
    ).one()
    rows = s.execute(
        sa_select(
            col(c.id),
            col(c.application_id),
            col(Candidate.id),
            col(Candidate.full_name),
            col(Candidate.name_zh),
            col(c.next_due),
            col(c.next_rule),
        )
        .join(Application, col(Application.id) == col(c.application_id))
        .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
        .where(live, due.is_not(None), due <= horizon)
        .order_by(due, col(Candidate.full_name), col(c.id))
        .limit(limit)
    ).all()
    found: list[tuple[Any, date, str]] = [(r, r[5], r[6]) for r in rows]
    for r, day, rule in _unknown(s, CaseFilters(state="live")):
        if day is not None and rule is not None and day <= horizon:
            found.append((r, day, rule))
            overdue, soon = (overdue + 1, soon) if day < today else (overdue, soon + 1)
    names = _names(s)
    nearest = sorted(
        (
            DueDeadline(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                names.get(rule, (rule, None))[0],
                day,
                (day - today).days,
                names.get(rule, (rule, Severity.warning))[1],
            )
            for r, day, rule in found
        ),
        key=lambda d: (d.due_on, d.candidate, d.case_id),
    )[:limit]
    return NearestDue(today, int(overdue), int(soon), nearest)


def nearest_due(
    db: Database, today: date | None = None, within: int = DUE_SOON_DAYS, limit: int = DOCK_LIMIT
) -> NearestDue:
    with db.session() as s:
        return nearest_due_in(s, today, within, limit)
