"""Glue between the report layer and the workbook writer: the leadership workbook for some
filters, and "export this table as shown". No SQL here and no openpyxl: reporting computes,
exchange.workbook writes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from recruiter.domain import fields
from recruiter.exchange import workbook as xw
from recruiter.exchange.files import same_file
from recruiter.store.database import Database

from . import reporting
from .reporting import Filters, Report, approvals, immigration_sheet
from .reporting.brief import filter_facts
from .reporting.payment_sheets import payment_sheets

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]

TITLE = "Recruitment pipeline"
# Widths for columns of "export as shown" tables whose content we know better than a sample of
# rows does (the workbook's own sheets carry their widths in reporting.sheets).
WIDTHS = {
    **{fields.spec(name).header: width for name, width in reporting.sheets.WIDTHS.items()},
    "Target": 32,
    "Institution": 24,
    "Department": 26,
    "Funding sources": 60,
}


@dataclass
class ExportResult:
    file: Path
    sheets: list[str]
    rows: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"file": str(self.file), "sheets": self.sheets, "rows": self.rows}


def _columns(sheet: Sequence[reporting.SheetColumn]) -> list[xw.Column]:
    return [xw.Column(c.header, c.kind, c.width) for c in sheet]


def exported_at(now: datetime | None = None) -> str:
    """The export time as pages print it, in the machine's local time."""
    return f"{(now or datetime.now(UTC)).astimezone():%Y-%m-%d %H:%M}"


def paper_of(report: Report, now: datetime | None = None) -> xw.Paper:
    """What every printed page of the workbook carries: export time and filters."""
    return xw.Paper(f"Exported {exported_at(now)} · {report.labels.describe()}")


def summary_of(report: Report, cases: Any = None) -> xw.Summary:
    """The Summary sheet: what the filters were, the key figures, and the small tables."""
    facts = [
        *filter_facts(report),
        ("Currency", report.money.describe()),
        (
            "Stale rows",
            f"open applications more than {reporting.STALE_DAYS} days in their stage "
            "are shaded on the Pipeline sheet",
        ),
    ]
    blocks = [
        xw.Block(
            "Funnel, losses and time in stage",
            [
                xw.Column("Stage"),
                xw.Column("Reached", "count"),
                xw.Column("Open", "count"),
                xw.Column("Hired", "count"),
                xw.Column("Declined", "count"),
                xw.Column("Rejected", "count"),
                xw.Column("Withdrawn", "count"),
                xw.Column("Went on to next", "percent"),
                xw.Column("Median days in stage", "int"),
            ],
            [
                (
                    r.stage.label,
                    r.reached,
                    r.open,
                    r.hired,
                    r.declined,
                    r.rejected,
                    r.withdrawn,
                    r.conversion,
                    r.median_days,
                )
                for r in report.funnel
            ],
            xw.Chart("Applications that reached each stage", (1,), horizontal=True),
            note="Closed applications count at the stage they reached.",
        ),
        xw.Block(
            "Funding per source",
            [
                xw.Column("Source"),
                xw.Column("Total", "money"),
                xw.Column("Committed", "money"),
                xw.Column("Reserved", "money"),
                xw.Column("Available", "money"),
                xw.Column("% used", "percent"),
            ],
            [
                (r.name, r.total, r.committed, r.reserved, r.available, r.used)
                for r in report.funding
            ],
            xw.Chart(
                "Funding per source",
                (2, 3, 4),
                horizontal=True,
                stacked=True,
                y_title=f"million {report.money.currency}",
                money=True,
            ),
            new_page=True,
        ),
        xw.Block(
            "Funding per institution",
            [
                xw.Column("Institution"),
                xw.Column("Sources", "count"),
                xw.Column("Total", "money"),
                xw.Column("Committed", "money"),
                xw.Column("Reserved", "money"),
                xw.Column("Available", "money"),
            ],
            [
                (g.name, g.sources, g.total, g.committed, g.reserved, g.available)
                for g in report.funding_groups
            ],
        ),
        xw.Block(
            "Offers by month extended",
            [
                xw.Column("Month"),
                xw.Column("Extended", "count"),
                xw.Column("Accepted", "count"),
                xw.Column("Declined or expired", "count"),
            ],
            [(m.month, m.extended, m.accepted, m.declined) for m in report.offers_by_month],
            xw.Chart("Offers by month", (1, 2, 3)),
            new_page=True,
        ),
        xw.Block(
            "Current offers by status",
            [xw.Column("Status"), xw.Column("Offers", "count")],
            [(st.label, n) for st, n in report.offers.by_status.items()],
        ),
        xw.Block(
            "Progress to targets",
            [
                xw.Column("Target"),
                xw.Column("Institution"),
                xw.Column("Headcount", "count"),
                xw.Column("Hired", "count"),
                xw.Column("Open applications", "count"),
                xw.Column("At offer or later", "count"),
                xw.Column("% filled", "percent"),
                xw.Column("Fill by", "date"),
                xw.Column("Status"),
            ],
            [
                (
                    t.title,
                    t.institution,
                    t.headcount,
                    t.hired,
                    t.open,
                    t.late,
                    t.filled,
                    t.fill_by,
                    t.status.replace("_", " ").capitalize(),
                )
                for t in report.targets
            ],
            note="All-time hires and the open pipeline of each target (not limited to the period).",
            new_page=True,
        ),
        xw.Block(
            "Sources of candidates and hires",
            [
                xw.Column(fields.spec("source").header),
                xw.Column("Applications", "count"),
                xw.Column("Hires", "count"),
                xw.Column("Hire rate", "percent"),
            ],
            [(h.source, h.applications, h.hires, h.rate) for h in report.hire_sources],
        ),
        xw.Block(
            f"Offers awaiting an answer ({report.awaiting_total:,} in all; soonest expiry first)",
            [
                xw.Column(fields.spec("full_name").header),
                xw.Column("Target"),
                xw.Column("Institution"),
                xw.Column("Extended on", "date"),
                xw.Column("Expires on", "date"),
                xw.Column("Days left", "int"),
            ],
            [
                (a.name, a.target, a.institution, a.extended_on, a.expires_on, a.days_left)
                for a in report.awaiting
            ],
        ),
        xw.Block(
            f"Overdue follow-ups ({report.kpis.overdue:,} in all; oldest first)",
            [
                xw.Column(fields.spec("full_name").header),
                xw.Column("Follow-up"),
                xw.Column("Due on", "date"),
                xw.Column("Days overdue", "count"),
            ],
            [(o.candidate, o.summary, o.due_on, o.days_overdue) for o in report.overdue],
        ),
    ]
    if cases is not None:  # immigration: reporting.immigration_sheet.counts
        blocks.append(immigration_sheet.summary_block(cases))
    return xw.Summary(TITLE, facts, report.kpis.items(), blocks)


def refuse_database_target(db: Database, path: Path | str) -> None:
    """An export over the database (or its journal) would replace the data with a report."""
    if db.path is None:
        return
    for own in (db.path, Path(f"{db.path}-wal"), Path(f"{db.path}-shm")):
        if same_file(path, own):
            raise xw.ExportError(
                f"{path} is the database Recruiter is using; exporting there would replace "
                "all its data with the report. Choose another file name ending in .xlsx."
            )


def money_format(report: Report) -> xw.MoneyFormat:
    return xw.MoneyFormat(report.money.currency, report.money.exponent)


def export_workbook(
    db: Database,
    path: Path | str,
    filters: Filters = Filters(),
    as_of: date | None = None,
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> ExportResult:
    """The leadership workbook: Summary, Pipeline, Offers, Funding (and Approvals once the
    office has approval gates). The big sheets stream."""
    if progress is not None:
        progress(0, 0)
    refuse_database_target(db, path)
    xw.check_target(Path(path).expanduser())  # fail before the long work
    report = reporting.build(db, filters, as_of)
    if cancelled is not None and cancelled():
        raise xw.ExportCancelled()
    sheets = [
        xw.DataSheet(
            "Pipeline",
            _columns(reporting.PIPELINE_SHEET),
            reporting.pipeline_rows(db, filters, report.as_of),
            total=report.counts["Pipeline"],
            highlight=xw.Highlight(*reporting.STALE_WHEN),
        ),
        xw.DataSheet(
            "Offers",
            _columns(reporting.OFFER_SHEET),
            reporting.offer_rows(db, filters),
            total=report.counts["Offers"],
        ),
        xw.DataSheet(
            "Funding",
            _columns(reporting.FUNDING_SHEET),
            reporting.funding_table(report.funding),
            total=report.counts["Funding"],
        ),
        *approvals.sheet(db, filters),  # 审批: when the office has approval gates
        immigration_sheet.data_sheet(db, filters, report.as_of),  # 入境
        *(
            xw.DataSheet(name, _columns(cols), rows, total=len(rows))
            for name, cols, rows in payment_sheets(db, report.as_of, filters)
        ),
    ]
    try:
        written = xw.write_workbook(
            path,
            summary_of(report, immigration_sheet.counts(db, report.as_of)),
            sheets,
            money_format(report),
            progress=progress,
            cancelled=cancelled,
            paper=paper_of(report),
        )
    finally:
        for sheet in sheets:  # release the database cursors of unfinished generators
            close = getattr(sheet.rows, "close", None)
            if close is not None:
                close()
    return ExportResult(written.path, written.sheets, written.rows)


def _kind(values: Iterable[Any]) -> str:
    """A column's kind from its values: numbers stay numbers, dates stay dates."""
    kinds = set()
    for v in values:
        if v is None or v == "":
            continue
        if isinstance(v, bool):
            kinds.add("text")
        elif isinstance(v, datetime | date):
            kinds.add("date")
        elif isinstance(v, int):
            kinds.add("int")
        elif isinstance(v, float | Decimal):
            kinds.add("number")
        else:
            kinds.add("text")
    if len(kinds) == 1:
        return kinds.pop()
    if kinds == {"int", "number"}:
        return "number"
    return "text"


def export_table(
    path: Path | str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "Export",
    kinds: Sequence[str] | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> ExportResult:
    """Any table as shown on screen (its columns, order and filter) as a styled sheet.

    Column kinds are taken from the values unless given: strings stay text (never formulas),
    numbers and dates keep their type so the sheet sorts and sums properly.
    """
    data = [list(r) for r in rows]
    if kinds is None:
        kinds = [_kind(r[i] for r in data[:500]) for i in range(len(headers))]
    rows_out = [[_coerce(v, k) for v, k in zip(r, kinds, strict=True)] for r in data]
    sheet = xw.DataSheet(
        xw.sheet_title(title),
        [xw.Column(h, k, WIDTHS.get(h)) for h, k in zip(headers, kinds, strict=True)],
        rows_out,
        total=len(rows_out),
    )
    paper = xw.Paper(f"Exported {exported_at()} · {title}, as shown on screen")
    written = xw.write_table(path, sheet, progress=progress, cancelled=cancelled, paper=paper)
    return ExportResult(written.path, written.sheets, written.rows)


def _coerce(value: Any, kind: str) -> Any:
    if value == "":
        return None
    if kind == "text" and value is not None and not isinstance(value, str):
        return str(value)
    return value


__all__ = [
    "ExportResult",
    "export_table",
    "export_workbook",
    "exported_at",
    "filter_facts",
    "paper_of",
    "summary_of",
]
