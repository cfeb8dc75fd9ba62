"""The workbook's `Immigration` sheet (入境 in Chinese): one row per case with its route,
category, state, milestones, next deadline and the days to it; and the Summary's counts of
cases by state and of overdue deadlines. Each column's header, kind and width sit beside the
function that gives its value."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from recruiter.domain.immigration import CaseState, Milestone
from recruiter.store.database import Database

from ..immigration import CaseCounts, CaseFilters, CaseListRow, case_list_in, counts_in
from .scope import Filters

NAME = "Immigration"
NAME_ZH = "入境"  # recorded for the Chinese-language workbook (issue 11)


@dataclass(frozen=True)
class Column:
    header: str
    kind: str
    width: float | None
    value: Callable[[CaseListRow], Any]


def _milestone(m: Milestone) -> Column:
    return Column(m.label, "date", 14, lambda r: r.milestones.get(m.value))


COLUMNS: tuple[Column, ...] = (
    Column("Candidate", "text", 26, lambda r: r.candidate),
    Column("中文名", "text", 10, lambda r: r.name_zh),
    Column("Institution", "text", 30, lambda r: r.institution),
    Column("Target", "text", 30, lambda r: r.target),
    Column("Route", "text", 14, lambda r: r.route),
    Column("FWP category", "text", 8, lambda r: r.category),
    Column("Status", "text", 12, lambda r: r.state),
    Column("Officer", "text", 14, lambda r: r.officer),
    Column("Opened", "date", 12, lambda r: r.opened_on),
    *(_milestone(m) for m in Milestone),
    Column("Next deadline", "text", 34, lambda r: r.next_deadline),
    Column("Due", "date", 12, lambda r: r.next_due),
    Column("Days to it", "int", 10, lambda r: r.days_left),
    Column("Overdue deadlines", "count", 10, lambda r: r.overdue),
)


def rows(db: Database, f: Filters = Filters(), as_of: date | None = None) -> Iterator[tuple]:
    """Every case (open, done and closed) of the filtered institutions, soonest deadline first."""
    with db.session() as s:
        listed = case_list_in(s, CaseFilters(state="all", institution_ids=f.institution_ids), as_of)
    for r in listed.rows:
        yield tuple(c.value(r) for c in COLUMNS)


def counts(db: Database, as_of: date | None = None) -> CaseCounts:
    with db.session() as s:
        return counts_in(s, as_of)


def state_rows(c: CaseCounts) -> list[tuple[str, int]]:
    """(state, cases) for the Summary, every state listed."""
    return [(st.label, c.by_state.get(st, 0)) for st in CaseState]


def data_sheet(db: Database, f: Filters, as_of: date) -> Any:
    """The sheet as the workbook writer takes it (exchange imported here, where it is used)."""
    from recruiter.exchange import workbook as xw

    return xw.DataSheet(
        NAME, [xw.Column(c.header, c.kind, c.width) for c in COLUMNS], rows(db, f, as_of)
    )


def summary_block(c: CaseCounts) -> Any:
    """The Summary's block: cases by state, with the overdue deadlines in its title."""
    from recruiter.exchange import workbook as xw

    return xw.Block(
        f"Immigration cases by state ({c.overdue:,} overdue deadlines, "
        f"{c.due_soon:,} due within 7 days)",
        [xw.Column("State"), xw.Column("Cases", "count")],
        [*state_rows(c), ("Overdue deadlines", c.overdue)],
        note="Deadlines follow the rules on the Setup page; done cases keep their renewal clocks.",
    )
