"""The workbook's `Immigration` sheet (入境 in Chinese): one row per case with its route,
category, state, milestones, next deadline and the days to it; and the Summary's counts of
cases by state and of overdue deadlines. Each column's header, kind and width sit beside the
function that gives its value."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from recruiter.domain.immigration import LABELS, CaseState, Milestone
from recruiter.domain.models import Application, ImmigrationCase
from recruiter.i18n import N_, _, format_number
from recruiter.store.database import Database

from ..immigration import CaseCounts, CaseFilters, CaseListRow, case_list_in, counts_in
from .scope import Filters, _scope_conditions

NAME = "Immigration"
NAME_ZH = "入境"  # recorded for the Chinese-language workbook (issue 11)


@dataclass(frozen=True)
class Column:
    header: str  # English, marked for the catalog; `heading` is what the sheet shows
    kind: str
    width: float | None
    value: Callable[[CaseListRow], Any]
    milestone: Milestone | None = None

    @property
    def heading(self) -> str:
        if self.milestone is not None:
            return self.milestone.label
        return _(self.header) if self.header.isascii() else self.header


def _milestone(m: Milestone) -> Column:
    return Column(LABELS.get(m.value, m.value), "date", 14, lambda r: r.milestones.get(m.value), m)


COLUMNS: tuple[Column, ...] = (
    Column(N_("Candidate"), "text", 26, lambda r: r.candidate),
    Column("中文名", "text", 10, lambda r: r.name_zh),
    Column(N_("Institution"), "text", 30, lambda r: r.institution),
    Column(N_("Target"), "text", 30, lambda r: r.target),
    Column(N_("Route"), "text", 14, lambda r: r.route),
    Column(N_("FWP category"), "text", 8, lambda r: r.category),
    Column(N_("Status"), "text", 12, lambda r: r.state),
    Column(N_("Officer"), "text", 14, lambda r: r.officer),
    Column(N_("Opened"), "date", 12, lambda r: r.opened_on),
    *(_milestone(m) for m in Milestone),
    Column(N_("Next deadline"), "text", 34, lambda r: r.next_deadline),
    Column(N_("Due"), "date", 12, lambda r: r.next_due),
    Column(N_("Days to it"), "int", 10, lambda r: r.days_left),
    Column(N_("Overdue deadlines"), "count", 10, lambda r: r.overdue),
)


def rows(db: Database, f: Filters = Filters(), as_of: date | None = None) -> Iterator[tuple]:
    """Every case (open, done and closed) of the filtered institutions, targets and stages,
    soonest deadline first. Cases are "as of": the date range does not apply."""
    with db.session() as s:
        listed = case_list_in(s, CaseFilters(state="all", institution_ids=f.institution_ids), as_of)
        wanted: set[int] | None = None
        if f.target_ids or f.stages:  # the few applications with a case, read in one query
            stmt = select(col(ImmigrationCase.application_id)).join(
                Application, col(Application.id) == col(ImmigrationCase.application_id)
            )
            wanted = set(s.execute(stmt.where(*_scope_conditions(f))).scalars())
    for r in listed.rows:
        if wanted is None or r.application_id in wanted:
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
    from recruiter.services.exporting import sheet_name  # late: exporting imports this module

    return xw.DataSheet(
        sheet_name(NAME),
        [xw.Column(c.heading, c.kind, c.width) for c in COLUMNS],
        rows(db, f, as_of),
    )


def summary_block(c: CaseCounts) -> Any:
    """The Summary's block: cases by state, with the overdue deadlines in its title."""
    from recruiter.exchange import workbook as xw

    return xw.Block(
        _(
            "Immigration cases by state ({overdue} overdue deadlines, {soon} due within 7 days)"
        ).format(overdue=format_number(c.overdue), soon=format_number(c.due_soon)),
        [xw.Column(_("State")), xw.Column(_("Cases"), "count")],
        [*state_rows(c), (_("Overdue deadlines"), c.overdue)],
        note=_(
            "Deadlines follow the rules on the Setup page; done cases keep their renewal clocks."
        ),
    )
