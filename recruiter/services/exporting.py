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

from recruiter import i18n
from recruiter.domain import fields
from recruiter.domain.enums import TargetStatus
from recruiter.exchange import workbook as xw
from recruiter.exchange.files import same_file
from recruiter.i18n import N_, NC_, _, pgettext
from recruiter.store.database import Database

from . import reporting
from .reporting import Filters, Report, approvals, immigration_sheet
from .reporting.brief import filter_facts
from .reporting.payment_sheets import payment_sheets

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]

TITLE = N_("Recruitment pipeline")
# The workbook's sheets by their English names (the names `--lang en` writes, and the keys of
# `ExportResult.rows`'s callers), with the catalog's key of each name.
SHEETS: dict[str, tuple[str, str]] = {
    "Summary": NC_("sheet", "Summary"),
    "Pipeline": NC_("sheet", "Pipeline"),
    "Offers": NC_("sheet", "Offers"),
    "Funding": NC_("sheet", "Funding"),
    approvals.NAME: NC_("sheet", "Approvals"),
    immigration_sheet.NAME: NC_("sheet", "Immigration"),
    "Payments": NC_("sheet", "Payments"),
    "Cash flow": NC_("sheet", "Cash flow"),
}


def sheet_name(english: str) -> str:
    """A sheet's name in the current language (汇总, 招聘进度, 录用, 经费, ... in Chinese)."""
    pair = SHEETS.get(english)
    return xw.sheet_title(pgettext(*pair)) if pair else english


def typeface() -> xw.Typeface:
    """The workbook's font: a CJK font in a Chinese workbook (see exchange.workbook)."""
    return xw.CHINESE if i18n.is_chinese() else xw.LATIN


def _field_header(name: str) -> str:
    spec = fields.spec(name)
    return spec.label_zh if i18n.is_chinese() and spec.label_zh else spec.header


def _target_status(value: str) -> str:
    try:
        return TargetStatus(value).label
    except ValueError:
        return value.replace("_", " ").capitalize()


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
    """The writer's columns, headed in the current language (translated once per export)."""
    return [xw.Column(c.heading, c.kind, c.width) for c in sheet]


def exported_at(now: datetime | None = None) -> str:
    """The export time as pages print it, in the machine's local time."""
    return f"{(now or datetime.now(UTC)).astimezone():%Y-%m-%d %H:%M}"


def paper_of(report: Report, now: datetime | None = None) -> xw.Paper:
    """What every printed page of the workbook carries: export time and filters."""
    return xw.Paper(
        _("Exported {time} · {filters}").format(
            time=exported_at(now), filters=report.labels.describe()
        ),
        page=page_words(),
    )


def page_words() -> str:
    """The footer's page number, with Excel's codes for the page (&P) and page count (&N)."""
    return _("Page {page} of {pages}").format(page="&P", pages="&N")


def summary_of(report: Report, cases: Any = None) -> xw.Summary:
    """The Summary sheet: what the filters were, the key figures, and the small tables."""
    facts = [
        *filter_facts(report),
        (_("Currency"), report.money.describe()),
        (
            _("Stale rows"),
            _(
                "open applications more than {days} days in their stage "
                "are shaded on the Pipeline sheet"
            ).format(days=reporting.STALE_DAYS),
        ),
    ]
    blocks = [
        xw.Block(
            _("Funnel, losses and time in stage"),
            [
                xw.Column(_("Stage")),
                xw.Column(_("Reached"), "count"),
                xw.Column(pgettext("count", "Open"), "count"),
                xw.Column(pgettext("count", "Hired"), "count"),
                xw.Column(pgettext("count", "Declined"), "count"),
                xw.Column(pgettext("count", "Rejected"), "count"),
                xw.Column(pgettext("count", "Withdrawn"), "count"),
                xw.Column(_("Went on to next"), "percent"),
                xw.Column(_("Median days in stage"), "int"),
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
            xw.Chart(_("Applications that reached each stage"), (1,), horizontal=True),
            note=_("Closed applications count at the stage they reached."),
        ),
        xw.Block(
            _("Funding per source"),
            [
                xw.Column(pgettext("funding", "Source")),
                xw.Column(_("Total"), "money"),
                xw.Column(_("Committed"), "money"),
                xw.Column(_("Reserved"), "money"),
                xw.Column(_("Available"), "money"),
                xw.Column(reporting.percent_heading("% used"), "percent"),
            ],
            [
                (r.name, r.total, r.committed, r.reserved, r.available, r.used)
                for r in report.funding
            ],
            xw.Chart(
                _("Funding per source"),
                (2, 3, 4),
                horizontal=True,
                stacked=True,
                y_title=_("million {currency}").format(currency=report.money.currency),
                money=True,
            ),
            new_page=True,
        ),
        xw.Block(
            _("Funding per institution"),
            [
                xw.Column(_("Institution")),
                xw.Column(_("Sources"), "count"),
                xw.Column(_("Total"), "money"),
                xw.Column(_("Committed"), "money"),
                xw.Column(_("Reserved"), "money"),
                xw.Column(_("Available"), "money"),
            ],
            [
                (g.name, g.sources, g.total, g.committed, g.reserved, g.available)
                for g in report.funding_groups
            ],
        ),
        xw.Block(
            _("Offers by month extended"),
            [
                xw.Column(_("Month")),
                xw.Column(pgettext("count", "Extended"), "count"),
                xw.Column(pgettext("count", "Accepted"), "count"),
                xw.Column(_("Declined or expired"), "count"),
            ],
            [(m.month, m.extended, m.accepted, m.declined) for m in report.offers_by_month],
            xw.Chart(_("Offers by month"), (1, 2, 3)),
            new_page=True,
        ),
        xw.Block(
            _("Current offers by status"),
            [xw.Column(_("Status")), xw.Column(_("Offers"), "count")],
            [(st.label, n) for st, n in report.offers.by_status.items()],
        ),
        xw.Block(
            _("Progress to targets"),
            [
                xw.Column(_("Target")),
                xw.Column(_("Institution")),
                xw.Column(_("Headcount"), "count"),
                xw.Column(pgettext("count", "Hired"), "count"),
                xw.Column(_("Open applications"), "count"),
                xw.Column(_("At offer or later"), "count"),
                xw.Column(reporting.percent_heading("% filled"), "percent"),
                xw.Column(_("Fill by"), "date"),
                xw.Column(_("Status")),
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
                    _target_status(t.status),
                )
                for t in report.targets
            ],
            note=_(
                "All-time hires and the open pipeline of each target (not limited to the period)."
            ),
            new_page=True,
        ),
        xw.Block(
            _("Sources of candidates and hires"),
            [
                xw.Column(_field_header("source")),
                xw.Column(_("Applications"), "count"),
                xw.Column(_("Hires"), "count"),
                xw.Column(_("Hire rate"), "percent"),
            ],
            [(h.source, h.applications, h.hires, h.rate) for h in report.hire_sources],
        ),
        xw.Block(
            _("Offers awaiting an answer ({count} in all; soonest expiry first)").format(
                count=i18n.format_number(report.awaiting_total)
            ),
            [
                xw.Column(_field_header("full_name")),
                xw.Column(_("Target")),
                xw.Column(_("Institution")),
                xw.Column(_("Extended on"), "date"),
                xw.Column(_("Expires on"), "date"),
                xw.Column(_("Days left"), "int"),
            ],
            [
                (a.name, a.target, a.institution, a.extended_on, a.expires_on, a.days_left)
                for a in report.awaiting
            ],
        ),
        xw.Block(
            _("Overdue follow-ups ({count} in all; oldest first)").format(
                count=i18n.format_number(report.kpis.overdue)
            ),
            [
                xw.Column(_field_header("full_name")),
                xw.Column(_("Follow-up")),
                xw.Column(_("Due on"), "date"),
                xw.Column(_("Days overdue"), "count"),
            ],
            [(o.candidate, o.summary, o.due_on, o.days_overdue) for o in report.overdue],
        ),
    ]
    if cases is not None:  # immigration: reporting.immigration_sheet.counts
        blocks.append(immigration_sheet.summary_block(cases))
    return xw.Summary(
        _(TITLE),
        facts,
        [(reporting.kpi_label(label), value, kind) for label, value, kind in report.kpis.items()],
        blocks,
        sheet=sheet_name("Summary"),
        key_figures=_("Key figures"),
        empty=_("(none)"),
    )


def refuse_database_target(db: Database, path: Path | str) -> None:
    """An export over the database (or its journal) would replace the data with a report."""
    if db.path is None:
        return
    for own in (db.path, Path(f"{db.path}-wal"), Path(f"{db.path}-shm")):
        if same_file(path, own):
            raise xw.ExportError(
                _(
                    "{path} is the database Recruiter is using; exporting there would replace "
                    "all its data with the report. Choose another file name ending in .xlsx."
                ).format(path=path)
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
    before_save: Callable[[], None] | None = None,
) -> ExportResult:
    """The leadership workbook: Summary, Pipeline, Offers, Funding (and Approvals once the
    office has approval gates). The big sheets stream. `before_save` may refuse the finished
    workbook before it replaces the target (store.check.intact_while)."""
    if progress is not None:
        progress(0, 0)
    refuse_database_target(db, path)
    xw.check_target(Path(path).expanduser())  # fail before the long work
    report = reporting.build(db, filters, as_of)
    if cancelled is not None and cancelled():
        raise xw.ExportCancelled()
    sheets = [
        xw.DataSheet(
            sheet_name("Pipeline"),
            _columns(reporting.PIPELINE_SHEET),
            reporting.pipeline_rows(db, filters, report.as_of),
            total=report.counts["Pipeline"],
            highlight=xw.Highlight(*reporting.stale_when()),
        ),
        xw.DataSheet(
            sheet_name("Offers"),
            _columns(reporting.OFFER_SHEET),
            reporting.offer_rows(db, filters),
            total=report.counts["Offers"],
        ),
        xw.DataSheet(
            sheet_name("Funding"),
            _columns(reporting.FUNDING_SHEET),
            reporting.funding_table(report.funding),
            total=report.counts["Funding"],
        ),
        *approvals.sheet(db, filters),  # 审批: when the office has approval gates
        immigration_sheet.data_sheet(db, filters, report.as_of),  # 入境
        *(
            xw.DataSheet(sheet_name(name), _columns(cols), rows, total=len(rows))
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
            typeface=typeface(),
            before_save=before_save,
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
    title: str | None = None,
    kinds: Sequence[str] | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> ExportResult:
    """Any table as shown on screen (its columns, order and filter) as a styled sheet.

    Column kinds are taken from the values unless given: strings stay text (never formulas),
    numbers and dates keep their type so the sheet sorts and sums properly.
    """
    title = title or _("Export")
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
    paper = xw.Paper(
        _("Exported {time} · {title}, as shown on screen").format(time=exported_at(), title=title),
        page=page_words(),
    )
    written = xw.write_table(
        path, sheet, progress=progress, cancelled=cancelled, paper=paper, typeface=typeface()
    )
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
    "page_words",
    "paper_of",
    "sheet_name",
    "summary_of",
]
