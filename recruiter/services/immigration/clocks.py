"""Every case's clocks at once, for the Visas page, the Due dock, the Dashboard, the Pipeline
cards and the workbook: three queries (cases, milestone dates, passport expiries), then the pure
rules of domain.deadlines with the office calendar and the office's today."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import bindparam, func, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from recruiter.domain import clock
from recruiter.domain.deadlines import DUE_SOON_DAYS, Deadline, Rule, deadlines, urgency
from recruiter.domain.immigration import OPEN_STATES, CaseState, Category, Route
from recruiter.domain.models import (
    Application,
    Candidate,
    CaseMilestone,
    CasePerson,
    ImmigrationCase,
    Institution,
    Target,
)
from recruiter.domain.workdays import Calendar
from recruiter.store.database import Database

from .. import calendar, settings
from . import rules as rule_table


@dataclass(frozen=True)
class CaseFilters:
    """`state`: "open" (not done or closed), "all", or one CaseState value."""

    route: str | None = None
    category: str | None = None
    institution_id: int | None = None
    officer: str | None = None
    state: str = "open"
    application_ids: frozenset[int] | None = None
    institution_ids: tuple[int, ...] = ()  # the workbook's filter: any of these
    case_ids: frozenset[int] | None = None
    due_by: date | None = None  # only cases whose stored next deadline is due by then
    unknown: bool = False  # only cases whose next deadline is not worked out yet (NULL)

    def conditions(self) -> list[ColumnElement[bool]]:
        c = ImmigrationCase
        out: list[ColumnElement[bool]] = []
        if self.route:
            out.append(col(c.route) == Route(self.route))
        if self.category:
            out.append(col(c.category) == Category(self.category))
        if self.institution_id is not None:
            out.append(col(Target.institution_id) == self.institution_id)
        if self.institution_ids:
            out.append(col(Target.institution_id).in_(list(self.institution_ids)))
        if self.officer:
            out.append(col(c.officer) == self.officer)
        if self.state == "open":
            out.append(col(c.state).in_(list(OPEN_STATES)))
        elif self.state == "live":  # everything whose clocks still tick
            out.append(col(c.state) != CaseState.closed)
        elif self.state != "all":
            out.append(col(c.state) == CaseState(self.state))
        if self.application_ids is not None:
            out.append(col(c.application_id).in_(list(self.application_ids)))
        if self.case_ids is not None:
            out.append(col(c.id).in_(list(self.case_ids)))
        if self.due_by is not None:  # NULL: not worked out yet, so read it
            out.append(or_(col(c.next_due).is_(None), col(c.next_due) <= self.due_by))
        if self.unknown:
            out.append(col(c.next_due).is_(None))
        return out


@dataclass(frozen=True)
class CaseListRow:
    """One line of the Visas page (and of the workbook's Immigration sheet)."""

    id: int
    application_id: int
    candidate_id: int
    candidate: str
    name_zh: str | None
    target: str
    institution: str
    route: str
    category: str
    state: str
    officer: str | None
    opened_on: date
    milestones: dict[str, date]
    next_deadline: str | None
    next_due: date | None
    days_left: int | None
    urgency: str
    overdue: int  # how many of its deadlines have passed


@dataclass(frozen=True)
class CaseList:
    today: date
    rows: list[CaseListRow]


_COLUMNS = (
    col(ImmigrationCase.id),
    col(ImmigrationCase.application_id),
    col(Candidate.id),
    col(Candidate.full_name),
    col(Candidate.name_zh),
    col(Target.title),
    col(Institution.name),
    col(ImmigrationCase.route),
    col(ImmigrationCase.category),
    col(ImmigrationCase.state),
    col(ImmigrationCase.officer),
    col(ImmigrationCase.opened_on),
)


def _fetch(s: Session, stmt: Any) -> list[Any]:
    """Rows as plain tuples. On SQLite straight from the driver (dates stay ISO strings, read
    with `_day`): SQLAlchemy's per-value processing was most of the Visas page's read time."""
    conn = s.connection()
    if conn.dialect.name != "sqlite":
        return [tuple(r) for r in conn.execute(stmt)]
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    # Dates as SQLite stores them (the raw driver has no date adapter of its own any more).
    args = [_iso(params[k]) for k in compiled.positiontup or ()]
    raw: Any = conn.connection.driver_connection
    return list(raw.execute(str(compiled), args).fetchall())


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _cases(s: Session, f: CaseFilters) -> tuple[list[Any], dict[int, dict[str, date]]]:
    conds = f.conditions()
    stmt = (
        sa_select(*_COLUMNS)
        .join(Application, col(Application.id) == col(ImmigrationCase.application_id))
        .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
        .join(Target, col(Target.id) == col(Application.target_id))
        .join(Institution, col(Institution.id) == col(Target.institution_id))
        .where(*conds)
    )
    rows = _fetch(s, stmt)
    ids = sa_select(col(ImmigrationCase.id))
    if f.institution_id is not None or f.institution_ids:
        ids = ids.join(
            Application, col(Application.id) == col(ImmigrationCase.application_id)
        ).join(Target, col(Target.id) == col(Application.target_id))
    ids = ids.where(*conds)
    dates: dict[int, dict[str, date]] = defaultdict(dict)
    for case_id, kind, on, expires in _fetch(
        s,
        sa_select(
            col(CaseMilestone.case_id),
            col(CaseMilestone.kind),
            col(CaseMilestone.done_on),
            col(CaseMilestone.expires_on),
        ).where(col(CaseMilestone.case_id).in_(ids.scalar_subquery())),
    ):
        d = dates[case_id]
        kind = str(getattr(kind, "value", kind))
        d[kind] = _day(on)
        if expires is not None:
            d[kind + "_expires"] = _day(expires)
    for case_id, first in _fetch(
        s,
        sa_select(col(CasePerson.case_id), func.min(CasePerson.passport_expires))
        .where(col(CasePerson.case_id).in_(ids.scalar_subquery()))
        .group_by(col(CasePerson.case_id)),
    ):
        if first is not None:
            dates[case_id]["passport_expires"] = _day(first)
    return rows, dates


def _context(s: Session, today: date | None) -> tuple[list[Rule], Calendar, date]:
    today = today or clock.today_in(settings.office_zone_in(s))
    return rule_table.load_in(s), calendar.load_in(s), today


class _Clocks:
    """The rules that apply to each (route, category), worked out once per read."""

    def __init__(self, rules: Sequence[Rule], cal: Calendar) -> None:
        self.rules = rules
        self.cal = cal
        self._by: dict[tuple[str, str | None], tuple[Route, Category | None, list[Rule]]] = {}

    def of(self, r: Any, dates: dict[int, dict[str, date]]) -> list[Deadline]:
        if r[9] == CaseState.closed.value:
            return []
        key = (str(r[7]), r[8])
        found = self._by.get(key)
        if found is None:
            route, category = Route(r[7]), Category(r[8]) if r[8] else None
            found = (route, category, [x for x in self.rules if x.applies(route, category)])
            self._by[key] = found
        route, category, rules = found
        case_dates = dates.get(r[0])
        if not case_dates:
            return []
        return deadlines(rules, route, category, case_dates, self.cal)


def _labels() -> dict[str, str]:
    """Route, category and state labels in the current language, looked up once per list."""
    return {
        **{x.value: x.label for x in Route},
        **{x.value: x.label for x in Category},
        **{x.value: x.label for x in CaseState},
    }


def case_list_in(s: Session, f: CaseFilters = CaseFilters(), today: date | None = None) -> CaseList:
    rules, cal, today = _context(s, today)
    rows, dates = _cases(s, f)
    clocks = _Clocks(rules, cal)
    _LABELS = _labels()
    out: list[CaseListRow] = []
    for r in rows:
        found = clocks.of(r, dates)
        first = found[0] if found else None
        out.append(
            CaseListRow(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                _LABELS[str(r[7])],
                _LABELS[str(r[8])] if r[8] else "",
                _LABELS[str(r[9])],
                r[10],
                _day(r[11]),
                dates.get(r[0], {}),
                first.name if first else None,
                first.due if first else None,
                first.days_left(today) if first else None,
                urgency(first, today),
                sum(1 for d in found if d.due < today),
            )
        )
    out.sort(key=lambda x: (x.next_due is None, x.next_due or today, x.candidate))
    return CaseList(today, out)


def case_list(db: Database, f: CaseFilters = CaseFilters(), today: date | None = None) -> CaseList:
    with db.session() as s:
        return case_list_in(s, f, today)


# The stored next deadline of a case that has none running (NULL means "not worked out yet").
NO_DEADLINE = date(9999, 12, 31)


def refresh_next_due_in(s: Session, case_ids: Sequence[int] | None = None) -> int:
    """Work out and store the soonest deadline (its date and rule) of the given cases (all
    cases: None), after a write to a case, its people or milestones, the rule table or the
    office calendar. Deadlines do not depend on today, so what is stored stays true until one
    of those changes."""
    ids = frozenset(case_ids) if case_ids is not None else None
    if ids is not None and not ids:
        return 0
    rows, dates = _cases(s, CaseFilters(state="all", case_ids=ids))
    clocks = _Clocks(rule_table.load_in(s), calendar.load_in(s))
    params = []
    for r in rows:
        found = clocks.of(r, dates)
        params.append(
            {
                "case": r[0],
                "due": found[0].due if found else NO_DEADLINE,
                "rule": found[0].rule if found else None,
            }
        )
    if params:
        table = ImmigrationCase.__table__  # type: ignore[attr-defined]  # SQLModel's table
        s.connection().execute(
            update(table)
            .where(table.c.id == bindparam("case"))
            .values(next_due=bindparam("due"), next_rule=bindparam("rule")),
            params,
        )
    return len(params)


def refresh_next_due(db: Database, case_ids: Sequence[int] | None = None) -> int:
    """The same in its own transaction (after bulk writers such as the demo data)."""
    with db.session() as s:
        return refresh_next_due_in(s, case_ids)


def refresh_unknown(db: Database) -> int:
    """Store the next deadline of every case whose one is not worked out yet (NULL: after the
    0015 upgrade, or a writer that skipped it); the daily job runs it, off the start-up path."""
    with db.session() as s:
        unknown = sa_select(col(ImmigrationCase.id)).where(col(ImmigrationCase.next_due).is_(None))
        return refresh_next_due_in(s, list(s.execute(unknown).scalars()))


@dataclass(frozen=True)
class DueDeadline:
    """A deadline due within a week (or overdue), for the Due dock and the Dashboard."""

    case_id: int
    application_id: int
    candidate_id: int
    candidate: str
    name_zh: str | None
    deadline: str
    due_on: date
    days_left: int
    severity: str

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


@dataclass(frozen=True)
class DueList:
    today: date
    deadlines: list[DueDeadline]

    @property
    def overdue(self) -> int:
        return sum(1 for d in self.deadlines if d.overdue)

    @property
    def soon(self) -> int:
        return len(self.deadlines) - self.overdue


def due_in(
    s: Session,
    within: int = DUE_SOON_DAYS,
    today: date | None = None,
    f: CaseFilters = CaseFilters(state="live"),
) -> DueList:
    rules, cal, today = _context(s, today)
    rows, dates = _cases(s, replace(f, due_by=today + timedelta(days=within)))
    clocks = _Clocks(rules, cal)
    out: list[DueDeadline] = []
    for r in rows:
        for d in clocks.of(r, dates):
            left = d.days_left(today)
            if left > within:
                break
            out.append(DueDeadline(r[0], r[1], r[2], r[3], r[4], d.name, d.due, left, d.severity))
    out.sort(key=lambda d: (d.due_on, d.candidate))
    return DueList(today, out)


def due(db: Database, within: int = DUE_SOON_DAYS, today: date | None = None) -> DueList:
    with db.session() as s:
        return due_in(s, within, today)


MAX_IN_LIST = 5000  # application ids a query names (a target's board); above, filtered in Python


def urgency_by_application(
    db: Database, application_ids: Sequence[int] | None = None, today: date | None = None
) -> dict[int, str]:
    """{application id: "overdue" | "soon"} for the Pipeline cards (quiet ones left out)."""
    ids = frozenset(application_ids) if application_ids is not None else None
    # A whole board's ids (tens of thousands) as an IN list cost PostgreSQL seconds to bind and
    # plan, three times over; the live cases are few, so read them all and keep the board's.
    in_sql = ids if ids is not None and len(ids) <= MAX_IN_LIST else None
    with db.session() as s:
        listed = due_in(s, DUE_SOON_DAYS, today, CaseFilters(state="live", application_ids=in_sql))
    out: dict[int, str] = {}
    for d in listed.deadlines:
        if ids is not None and d.application_id not in ids:
            continue
        if d.overdue:
            out[d.application_id] = "overdue"
        else:
            out.setdefault(d.application_id, "soon")
    return out


@dataclass(frozen=True)
class CaseCounts:
    """The Summary's and the Dashboard's figures."""

    by_state: dict[CaseState, int]
    overdue: int  # deadlines past due, over every case whose clocks tick
    due_soon: int  # deadlines due within 7 days

    @property
    def open(self) -> int:
        return sum(n for st, n in self.by_state.items() if st in OPEN_STATES)


def counts_in(
    s: Session, today: date | None = None, institution_ids: Sequence[int] = ()
) -> CaseCounts:
    """With `institution_ids`, only the cases of hires at those institutions (the Dashboard's
    filter); without, every case (the workbook's Summary)."""
    by_state = dict.fromkeys(CaseState, 0)
    stmt = sa_select(col(ImmigrationCase.state), func.count())
    if institution_ids:
        stmt = (
            stmt.join(Application, col(Application.id) == col(ImmigrationCase.application_id))
            .join(Target, col(Target.id) == col(Application.target_id))
            .where(col(Target.institution_id).in_(list(institution_ids)))
        )
    for st, n in s.execute(stmt.group_by(col(ImmigrationCase.state))):
        by_state[CaseState(st)] = n
    f = CaseFilters(state="live", institution_ids=tuple(institution_ids))
    listed = due_in(s, DUE_SOON_DAYS, today, f)
    return CaseCounts(by_state, listed.overdue, listed.soon)


def counts(
    db: Database, today: date | None = None, institution_ids: Sequence[int] = ()
) -> CaseCounts:
    with db.session() as s:
        return counts_in(s, today, institution_ids)


@dataclass(frozen=True)
class CaseChoices:
    """What the Visas page's filters offer: institutions and officers that have cases."""

    institutions: list[tuple[int, str]]
    officers: list[str]


def filter_choices(db: Database) -> CaseChoices:
    with db.session() as s:
        insts = s.execute(
            sa_select(col(Institution.id), col(Institution.name))
            .where(
                col(Institution.id).in_(
                    sa_select(col(Target.institution_id))
                    .join(Application, col(Application.target_id) == col(Target.id))
                    .join(
                        ImmigrationCase,
                        col(ImmigrationCase.application_id) == col(Application.id),
                    )
                )
            )
            .order_by(col(Institution.name))
        ).all()
        officers = s.execute(
            sa_select(col(ImmigrationCase.officer))
            .where(col(ImmigrationCase.officer).is_not(None))
            .distinct()
            .order_by(col(ImmigrationCase.officer))
        ).all()
        return CaseChoices([(int(i), n) for i, n in insts], [o for (o,) in officers])
