"""Writes the leadership workbook (and any "export as shown" table) with openpyxl.

Knows nothing of the database: callers hand it plain data (column specs and row iterables).
Everything is written in write-only mode, so a 100,000-row Pipeline sheet streams to disk with
flat memory; styles are shared per column instead of being built per cell. The file appears under
its real name only when complete (temporary name, then an atomic rename).

User text is always written as a text cell: openpyxl would otherwise save any string starting with
"=" as a live formula. Characters XML forbids are removed instead of failing the export.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.pagebreak import Break
from openpyxl.writer.excel import ExcelWriter

from recruiter.errors import RecruiterError
from recruiter.i18n import _

from . import charts, layout, printing, sheet_rows, spool
from .files import atomic_save
from .layout import LINE_POINTS, SAMPLE_ROWS, WRAP_FROM, row_height, text_lines
from .printing import Paper
from .safe_cells import MAX_CELL_CHARS, safe_text, write_text_cell

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]

SHEET_NAMES = ("Summary", "Pipeline", "Offers", "Funding")
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
# The workbook's body font, named on every font we set (a nameless bold font prints in
# LibreOffice's default serif).
FONT = "Calibri"
HEADER_FILL = PatternFill(fill_type="solid", start_color="1F4E78", end_color="1F4E78")
HEADER_FONT = Font(name=FONT, bold=True, color="FFFFFF")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")
HEADER_ALIGN_RIGHT = Alignment(wrap_text=True, vertical="center", horizontal="right")
_NUMERIC = frozenset({"int", "count", "number", "money", "percent", "date"})
HEADER_BORDER = Border(bottom=Side(style="thin", color="1F4E78"))
STALE_FILL = PatternFill(fill_type="solid", start_color="FCE4D6", end_color="FCE4D6")
TITLE_FONT = Font(name=FONT, bold=True, size=16, color="1F4E78")
SECTION_FONT = Font(name=FONT, bold=True, size=12, color="1F4E78")
LABEL_FONT = Font(name=FONT, bold=True)
# The Chinese workbook's font: 等线 (DengXian), Office's own CJK body font since 2016 and on every
# Windows 10+, read by WPS too. Its charset (GB2312) tells Excel and WPS to substitute another
# Chinese font where 等线 is missing (宋体 on older Windows), and the theme's Hans font does the
# same for text in the default style; LibreOffice finds a CJK font through fontconfig.
CJK_FONT = "等线"
GB2312_CHARSET = 134
# Long names wrap instead of being cut by the column (on paper above all).
WRAP = Alignment(wrap_text=True, vertical="top")
DATE_ALIGN = Alignment(horizontal="center")  # a date never touches the text beside it
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
SUMMARY_WIDTHS = (40.0, *(15.0,) * 9)  # fits A4 landscape at about 9 pt
PROGRESS_EVERY = 1_000

_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$"}
# What XML 1.0 forbids (control characters, lone surrogates, U+FFFE/U+FFFF).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Text Excel would read as a formula once edited: written with the quote-prefix style.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportCancelled(RecruiterError):
    def __init__(self) -> None:
        super().__init__(_("The export was cancelled; no file was written."))


class ExportError(RecruiterError):
    """The workbook could not be written where the user asked."""


def clean_text(value: Any) -> str:
    """Text without the characters that XML (and so Excel) cannot hold."""
    return safe_text(value)


# -- what callers hand us --------------------------------------------------------------------


@dataclass(frozen=True)
class Typeface:
    """The workbook's font: its name, and the charset that guides font substitution."""

    name: str = FONT
    charset: int | None = None

    @property
    def chinese(self) -> bool:
        return self.charset == GB2312_CHARSET


LATIN = Typeface()
CHINESE = Typeface(CJK_FONT, GB2312_CHARSET)


@dataclass(frozen=True)
class _Fonts:
    """The fonts of one workbook, built once from its typeface (never per cell)."""

    body: Font
    header: Font
    title: Font
    section: Font
    label: Font

    @classmethod
    def of(cls, face: Typeface) -> _Fonts:
        if face == LATIN:
            return cls(Font(name=FONT), HEADER_FONT, TITLE_FONT, SECTION_FONT, LABEL_FONT)
        name, cs = face.name, face.charset
        return cls(
            Font(name=name, charset=cs, family=2, sz=11),
            Font(name=name, charset=cs, bold=True, color="FFFFFF"),
            Font(name=name, charset=cs, bold=True, size=16, color="1F4E78"),
            Font(name=name, charset=cs, bold=True, size=12, color="1F4E78"),
            Font(name=name, charset=cs, bold=True),
        )


def _use_typeface(wb: Workbook, face: Typeface) -> _Fonts:
    """Make `face` the workbook's default font (the first font of its styles, which every cell
    without a font of its own uses) and return the fonts its styled cells use."""
    fonts = _Fonts.of(face)
    if face != LATIN:
        wb._fonts = IndexedList([fonts.body])  # private: openpyxl seeds it with Calibri 11
    return fonts


@dataclass(frozen=True)
class Column:
    """kind: text | int | count | number | money | date | percent."""

    header: str
    kind: str = "text"
    width: float | None = None


@dataclass(frozen=True)
class MoneyFormat:
    currency: str = "CNY"
    exponent: int = 2

    @property
    def number_format(self) -> str:
        symbol = _SYMBOLS.get(self.currency.upper())
        body = "#,##0" + ("." + "0" * self.exponent if self.exponent else "")
        if symbol:
            return f'"{symbol}"{body};-"{symbol}"{body}'
        return f'{body} "{self.currency}";-{body} "{self.currency}"'

    def major(self, minor: int) -> Decimal:
        """Minor units as an exact decimal of major units (never a float)."""
        return Decimal(minor).scaleb(-self.exponent)


@dataclass(frozen=True)
class Chart:
    """A native bar chart over a Summary block: `values` are column indexes of the series."""

    title: str
    values: tuple[int, ...]
    category: int = 0
    horizontal: bool = False
    stacked: bool = False
    y_title: str | None = None
    money: bool = False  # value axis in millions of the reporting currency


@dataclass(frozen=True)
class Block:
    """A small table on the Summary sheet, optionally with a chart under it."""

    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]
    chart: Chart | None = None
    note: str | None = None
    new_page: bool = False  # start this block on a new printed page


@dataclass(frozen=True)
class Summary:
    title: str
    facts: Sequence[tuple[str, str]]  # (label, text): as-of, filters, rates
    kpis: Sequence[tuple[str, Any, str]]  # (label, value, kind)
    blocks: Sequence[Block] = ()
    # The sheet's own words, in the workbook's language (the caller translates them).
    sheet: str = "Summary"
    key_figures: str = "Key figures"
    empty: str = "(none)"


@dataclass(frozen=True)
class Highlight:
    """Shade rows where `column` > `threshold`, and (if given) `when_column` is one of `when`."""

    column: str
    threshold: int
    when_column: str | None = None
    when: tuple[str, ...] = ()


@dataclass(frozen=True)
class DataSheet:
    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    total: int | None = None  # expected rows, for progress
    highlight: Highlight | None = None


@dataclass
class Written:
    path: Path
    sheets: list[str]
    rows: dict[str, int] = field(default_factory=dict)


# -- cells -----------------------------------------------------------------------------------


class _SharedCell(Cell):
    """A styled cell reused for every value of one column. Its style is set once, before the
    first row, so its style id is looked up once, not once per row (openpyxl hashes the style
    of every styled cell it writes: a measurable share of a 100,000-row sheet)."""

    __slots__ = ("_sid",)

    @property
    def style_id(self) -> int:
        try:
            return self._sid
        except AttributeError:
            self._sid: int = self.parent.parent._cell_styles.add(self._style)
            return self._sid


class _Cells:
    """Turns plain values into what a write-only sheet appends, sharing one style per column."""

    def __init__(self, ws: Any, money: MoneyFormat) -> None:
        self.ws = ws
        self.money = money

    def styled(
        self,
        number_format: str | None = None,
        font: Font | None = None,
        fill: PatternFill | None = None,
        alignment: Alignment | None = None,
        border: Border | None = None,
    ) -> Cell:
        cell = _SharedCell(self.ws, column=1, row=1)
        if number_format:
            cell.number_format = number_format
        if font:
            cell.font = font
        if fill:
            cell.fill = fill
        if alignment:
            cell.alignment = alignment
        if border:
            cell.border = border
        return cell

    def text(self, value: Any, style: Cell | None = None) -> Any:
        """A text cell that can never become a formula (see exchange.safe_cells)."""
        if value is None:
            return None
        if (
            value.__class__ is str
            and style is None
            and not value.startswith(_FORMULA_START)
            and len(value) <= MAX_CELL_CHARS
            and not _ILLEGAL.search(value)
        ):
            return value  # the common case: plain, harmless text, no cell object needed
        text = safe_text(value)
        if style is None and not text.startswith(_FORMULA_START):
            return text
        cell = WriteOnlyCell(self.ws)
        if style is not None:
            cell._style = copy(style._style)  # quotePrefix must not leak into the shared style
        write_text_cell(cell, text)
        return cell

    def converters(
        self,
        columns: Sequence[Column],
        wrap: Sequence[bool] = (),
        border: Border | None = None,
    ) -> list[Callable[[Any], Any]]:
        """One function per column; styled kinds reuse one styled cell per column (the
        write-only writer serialises each row before the next is built)."""
        out: list[Callable[[Any], Any]] = []
        for i, col in enumerate(columns):
            out.append(self.converter(col.kind, i < len(wrap) and wrap[i], border))
        return out

    def wrapped(self, border: Border | None = None) -> Callable[[Any], Any]:
        """Text that wraps: one shared wrapping cell per column, like money and dates."""
        proto = self.styled(alignment=WRAP, border=border)
        text = self.text

        def wrap(v: Any) -> Any:
            if v is None:
                return None
            if (
                v.__class__ is str
                and not v.startswith(_FORMULA_START)
                and len(v) <= MAX_CELL_CHARS
                and not _ILLEGAL.search(v)
            ):
                proto._value, proto.data_type = v, "s"  # what `proto.value = v` would set
                return proto
            return text(v, proto)

        return wrap

    def converter(
        self, kind: str, wrap: bool = False, border: Border | None = None
    ) -> Callable[[Any], Any]:
        fmt = {
            "money": self.money.number_format,
            "date": DATE_FORMAT,
            "percent": PERCENT_FORMAT,
            "count": COUNT_FORMAT,
        }.get(kind)
        if kind == "text":
            return self.wrapped(border) if wrap or border else self.text
        # A stray string in a number, money or date column is still only text: it goes
        # through self.text, so "=HYPERLINK(...)" can never become a live formula.
        text = self.text
        if fmt is None and border is None:  # int, number: no style needed

            def plain(v: Any) -> Any:
                return text(v) if isinstance(v, str) else v

            return plain
        proto = self.styled(fmt, alignment=DATE_ALIGN if kind == "date" else None, border=border)
        scale = self.money.major

        if kind == "money":

            def money(v: Any) -> Any:
                if v is None or isinstance(v, str):
                    return None if v is None else text(v)
                _put(proto, scale(v) if isinstance(v, int) else v)
                return proto

            return money

        if kind == "date":

            def day(v: Any) -> Any:
                if v is None or isinstance(v, str):
                    return None if v is None else text(v)
                _put(proto, v.replace(tzinfo=None) if isinstance(v, datetime) else v, days=True)
                return proto

            return day

        def other(v: Any) -> Any:
            if v is None or isinstance(v, str):
                return None if v is None else text(v)
            _put(proto, v)
            return proto

        return other


_NUMBERS = frozenset({int, float, Decimal})
_DAYS = frozenset({date, datetime})


def _put(cell: Cell, value: Any, days: bool = False) -> None:
    """`cell.value = value` without openpyxl's descriptor work for numbers (and, in a date
    column, whose shared cell has its date format already, for dates without a timezone)."""
    cls = value.__class__
    if cls in _NUMBERS:
        cell._value, cell.data_type = value, "n"
    elif days and cls in _DAYS and getattr(value, "tzinfo", None) is None:
        cell._value, cell.data_type = value, "d"
    else:
        cell.value = value  # openpyxl's own checks


# -- sheets ----------------------------------------------------------------------------------


class _Ticker:
    """Progress and cancel checks every few hundred rows across all sheets."""

    def __init__(
        self, total: int, progress: ProgressFn | None, cancelled: CancelledFn | None
    ) -> None:
        self.total, self.done = total, 0
        self.progress, self.cancelled = progress, cancelled

    def step(self, n: int = 1) -> None:
        self.done += n
        if self.done % PROGRESS_EVERY == 0:
            self.check()

    def check(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise ExportCancelled()
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)


def _write_data_sheet(
    wb: Workbook,
    sheet: DataSheet,
    money: MoneyFormat,
    tick: _Ticker,
    paper: Paper = Paper(),
    fonts: _Fonts = _Fonts.of(LATIN),
) -> int:
    """One data sheet, streamed; print-ready whatever its columns (see exchange.printing):
    the columns that go on paper wrap their long text, and only they are fitted to the page."""
    ws = wb.create_sheet(sheet.name)
    cells = _Cells(ws, money)
    columns = list(sheet.columns)
    rows = iter(sheet.rows)
    sample = list(itertools.islice(rows, SAMPLE_ROWS))
    widths = layout.widths(columns, sample)
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    on_paper = printing.columns_on_paper(widths)
    wrap = [
        i < on_paper and c.kind == "text" and w >= WRAP_FROM
        for i, (c, w) in enumerate(zip(columns, widths, strict=True))
    ]
    ws.freeze_panes = "A2"
    printing.prepare(ws)
    ws.row_dimensions[1].height = 30
    header = cells.styled(
        font=fonts.header, fill=HEADER_FILL, alignment=HEADER_ALIGN, border=HEADER_BORDER
    )
    header_right = cells.styled(
        font=fonts.header, fill=HEADER_FILL, alignment=HEADER_ALIGN_RIGHT, border=HEADER_BORDER
    )
    stream = sheet_rows.stream_rows(ws)
    ws.append(
        [cells.text(c.header, header_right if c.kind in _NUMERIC else header) for c in columns]
    )
    convert = cells.converters(columns, wrap)
    wrapped = [(i, widths[i]) for i, w in enumerate(wrap) if w]
    n = 0
    append = ws.append
    for row in itertools.chain(sample, rows):
        if wrapped:
            stream.height = row_height(row, wrapped)
        append([f(v) for f, v in zip(convert, row, strict=True)])
        n += 1
        tick.step()
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A1:{last}{n + 1}"
    if sheet.highlight and n:
        _highlight(ws, columns, sheet.highlight, n)
    printing.lay_out(ws, widths, n + 1, paper)
    return n


def _highlight(ws: Any, columns: Sequence[Column], h: Highlight, n: int) -> None:
    headers = [c.header for c in columns]
    col = get_column_letter(headers.index(h.column) + 1)
    test = f"${col}2>{h.threshold}"
    if h.when_column:
        when = get_column_letter(headers.index(h.when_column) + 1)
        options = ",".join(f'${when}2="{v}"' for v in h.when)
        test = f"AND({test},OR({options}))"
    ref = f"A2:{get_column_letter(len(columns))}{n + 1}"
    ws.conditional_formatting.add(ref, FormulaRule(formula=[test], fill=STALE_FILL))


def _write_summary(
    wb: Workbook,
    summary: Summary,
    money: MoneyFormat,
    paper: Paper = Paper(),
    fonts: _Fonts = _Fonts.of(LATIN),
) -> None:
    ws = wb.create_sheet(summary.sheet)
    cells = _Cells(ws, money)
    for i, w in enumerate(SUMMARY_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    printing.prepare(ws)
    row = 0

    def put(values: list[Any]) -> None:
        nonlocal row
        ws.append(values)
        row += 1

    title = cells.styled(font=fonts.title)
    section = cells.styled(font=fonts.section)
    label = cells.styled(font=fonts.label)
    header = cells.styled(
        font=fonts.header, fill=HEADER_FILL, alignment=HEADER_ALIGN, border=HEADER_BORDER
    )
    header_right = cells.styled(
        font=fonts.header, fill=HEADER_FILL, alignment=HEADER_ALIGN_RIGHT, border=HEADER_BORDER
    )
    ws.row_dimensions[1].height = 24
    sheet_rows.stream_rows(ws)
    put([cells.text(summary.title, title)])
    for name, value in summary.facts:
        put([cells.text(name, label), cells.text(value)])
    put([])
    if summary.kpis:
        put([cells.text(summary.key_figures, section)])
        for name, value, kind in summary.kpis:
            put([cells.text(name, label), cells.converter(kind)(value)])
        put([])
    for block in summary.blocks:
        if block.new_page and row:
            ws.row_breaks.append(Break(id=row))
        put([cells.text(block.title, section)])
        if block.note:
            put([cells.text(block.note)])
        first = row + 1
        ws.row_dimensions[first].height = 30
        heads = [
            cells.text(c.header, header_right if c.kind in _NUMERIC else header)
            for c in block.columns
        ]
        put(heads)
        # A small sheet: every cell of a block is boxed and its text wraps.
        convert = cells.converters(block.columns, border=BOX)
        boxed = [
            (i, SUMMARY_WIDTHS[i])
            for i, c in enumerate(block.columns)
            if c.kind == "text" and i < len(SUMMARY_WIDTHS)
        ]
        for values in block.rows:
            height = row_height(values, boxed)
            if height is not None:
                ws.row_dimensions[row + 1].height = height
            put([f(v) for f, v in zip(convert, values, strict=True)])
        if not block.rows:
            put([cells.text(summary.empty)])
        last = row
        if block.rows:
            charts.add_filter_table(ws, [getattr(h, "value", h) for h in heads], first, last)
        put([])
        if block.chart and block.rows:
            chart = charts.bar_chart(ws, block, first, last)
            ws.add_chart(chart, f"A{row + 1}")
            for _ in range(int(chart.height / 0.5) + 2):  # rows of ~0.5 cm under the chart
                put([])
    printing.lay_out(ws, SUMMARY_WIDTHS, row, paper, title_rows=None, gridlines=False)


# -- files -----------------------------------------------------------------------------------


def check_target(path: Path) -> None:
    """Fail before the long work when the file can't be replaced (e.g. open in Excel)."""
    if path.is_dir():
        raise ExportError(
            _("{path} is a folder. Choose a file name ending in .xlsx.").format(path=path)
        )
    parent = path.parent
    if not parent.is_dir():
        raise ExportError(
            _("The folder {parent} does not exist. Choose another location.").format(parent=parent)
        )
    if not os.access(parent, os.W_OK):
        raise ExportError(
            _("You may not write to the folder {parent}. Choose another location.").format(
                parent=parent
            )
        )
    if path.exists():
        try:
            with path.open("r+b"):
                pass
        except OSError as exc:
            raise _cannot_replace(path, exc) from exc


def _cannot_replace(path: Path, exc: OSError) -> ExportError:
    return ExportError(
        _(
            "{name} cannot be replaced: it may be open in Excel or another program "
            "({value}). Close it and export again, or choose another file name."
        ).format(name=path.name, value=exc.strerror or exc)
    )


def _discard(wb: Workbook) -> None:
    """Finish and delete the temporary files of a workbook that will never be saved (closing
    each sheet's row stream first, so nothing complains when it is garbage-collected)."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        with contextlib.suppress(Exception):
            ws.close()
        with contextlib.suppress(Exception):
            writer.close()
        with contextlib.suppress(Exception):
            writer.cleanup()


def save_workbook(wb: Workbook, target: Path) -> None:
    """What `Workbook.save` does, but closing the archive on failure too, and discarding the
    sheets' spool files: a write that fails (a full disk) leaves no half-closed zip or sheet
    stream to complain later ("Exception ignored in ...") when garbage-collected."""
    if not wb.worksheets:
        wb.create_sheet()
    wb.properties.modified = datetime.now(UTC).replace(tzinfo=None)
    try:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            ExcelWriter(wb, archive).save()
    except BaseException:
        _discard(wb)
        raise


def _write(
    path: Path,
    build: Callable[[Workbook], Written],
    written: Written,
    before_save: Callable[[], None] | None = None,
) -> Written:
    """Build, save to a temporary file, then (unless `before_save` raises: the temporary file is
    removed and the target left as it was) put the file in place."""
    path = Path(path).expanduser()

    def save(tmp: Path) -> None:
        save_workbook(wb, tmp)
        if before_save is not None:
            before_save()

    check_target(path)
    wb = Workbook(write_only=True)
    with spool.beside(path):  # openpyxl's sheet streams go next to the file, not to /tmp
        try:
            build(wb)
        except BaseException:
            _discard(wb)
            raise
        try:
            atomic_save(path, save)
        except OSError as exc:
            if isinstance(exc, PermissionError | FileNotFoundError | IsADirectoryError):
                raise _cannot_replace(path, exc) from exc
            raise ExportError(
                _(
                    "The workbook could not be written to {path}: {value}. Nothing was changed."
                ).format(path=path, value=exc.strerror or exc)
            ) from exc
    written.path = path
    return written


def write_workbook(
    path: Path | str,
    summary: Summary,
    sheets: Sequence[DataSheet],
    money: MoneyFormat = MoneyFormat(),
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
    paper: Paper = Paper(),
    typeface: Typeface = LATIN,
    before_save: Callable[[], None] | None = None,
) -> Written:
    """Summary first, then each data sheet streamed; returns the rows written per sheet.
    `paper` says what every printed page carries (export time, filters); `typeface` is the
    workbook's font (CHINESE for a Chinese workbook); `before_save` may still refuse the
    finished workbook before it replaces the target (the database's integrity check)."""
    total = sum(s.total or 0 for s in sheets)
    tick = _Ticker(total, progress, cancelled)
    written = Written(Path(path), [summary.sheet, *(s.name for s in sheets)])

    def build(wb: Workbook) -> Written:
        tick.check()
        fonts = _use_typeface(wb, typeface)
        _write_summary(wb, summary, money, paper, fonts)
        for sheet in sheets:
            written.rows[sheet.name] = _write_data_sheet(wb, sheet, money, tick, paper, fonts)
            tick.check()
        tick.total = max(tick.total, tick.done)
        tick.check()
        wb.properties.title = summary.title
        wb.properties.creator = "Recruiter"
        return written

    return _write(Path(path), build, written, before_save)


def write_table(
    path: Path | str,
    sheet: DataSheet,
    money: MoneyFormat = MoneyFormat(),
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
    paper: Paper = Paper(),
    typeface: Typeface = LATIN,
) -> Written:
    """One styled sheet: "export this view as shown"."""
    tick = _Ticker(sheet.total or 0, progress, cancelled)
    written = Written(Path(path), [sheet.name])

    def build(wb: Workbook) -> Written:
        fonts = _use_typeface(wb, typeface)
        written.rows[sheet.name] = _write_data_sheet(wb, sheet, money, tick, paper, fonts)
        tick.total = max(tick.total, tick.done)
        tick.check()
        return written

    return _write(Path(path), build, written)


def sheet_title(text: str) -> str:
    """A valid, short sheet name (Excel: at most 31 characters, none of []:*?/\\)."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", clean_text(text)).strip().strip("'") or "Sheet"
    return cleaned[:31]


__all__ = [
    "CHINESE",
    "LATIN",
    "LINE_POINTS",
    "SHEET_NAMES",
    "Block",
    "Chart",
    "Column",
    "DataSheet",
    "ExportCancelled",
    "ExportError",
    "Highlight",
    "MoneyFormat",
    "Paper",
    "Summary",
    "Typeface",
    "Written",
    "check_target",
    "clean_text",
    "sheet_title",
    "text_lines",
    "write_table",
    "write_workbook",
]
