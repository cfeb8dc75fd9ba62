"""Reading the tabular files HR receives into rows of plain Python values.

Spreadsheets (.xlsx, .xlsm, .xls, .ods) go through python-calamine, which is several times faster
than openpyxl and also reads the old binary and OpenDocument formats. Text files (.csv, .tsv,
.txt) are decoded as UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 (which covers the GBK
that Excel writes on a Chinese Windows machine), and their delimiter is detected.

Cells are kept as read; recruiter.domain.cells turns them into what a field needs.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetVisibleEnum

from recruiter.domain.cells import to_text
from recruiter.errors import RecruiterError
from recruiter.i18n import N_, _

from . import headers as header_names
from . import isolated
from . import limits as read_limits

MAX_BYTES = 100 * 1024 * 1024
MAX_ROWS = 1_000_000
HEADER_SCAN = 30  # the header row is looked for among this many rows at the top

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
SUFFIXES = SPREADSHEET_SUFFIXES + TEXT_SUFFIXES

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_SAVE_AS = N_(
    "Open it in Excel or LibreOffice and save it as .xlsx or CSV UTF-8, then import that file."
)


class ReadError(RecruiterError):
    """The file cannot be read as a table; the message says what is wrong and what to do."""


def current_limits() -> read_limits.Limits:
    """The limits set for this command (`limits.use`), else the defaults above."""
    return read_limits.current() or read_limits.Limits(max_rows=MAX_ROWS, max_file_bytes=MAX_BYTES)


def _blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def is_blank_row(row: list[Any]) -> bool:
    """True when no cell holds anything but whitespace (fast: stops at the first real value)."""
    for c in row:
        if c != "" and c is not None and (not isinstance(c, str) or c.strip()):
            return False
    return True


@dataclass
class Table:
    """One sheet in memory. `rows[i]` is source row `first_row + i`; cells are as read."""

    path: Path
    sheet: str | None
    sheets: list[str]
    rows: list[list[Any]]
    first_row: int = 1
    header_index: int = 0
    headers: list[str] = field(default_factory=list)

    @property
    def header_row(self) -> int:
        """The header's row number in the source sheet (1-based, as the spreadsheet shows it)."""
        return self.first_row + self.header_index

    @property
    def width(self) -> int:
        return len(self.headers)

    def data_rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cells sized to the headers) for every non-blank row below the header."""
        width = self.width
        number = self.header_row
        for row in self.rows[self.header_index + 1 :]:
            number += 1
            if len(row) != width:
                row = (list(row) + [""] * width)[:width]
            if is_blank_row(row):
                continue
            yield number, row

    def count_data_rows(self) -> int:
        return sum(1 for _ in self.data_rows())

    def set_header_row(self, row_number: int) -> None:
        """Use source row `row_number` (1-based) as the header."""
        index = row_number - self.first_row
        if not 0 <= index < len(self.rows):
            raise ReadError(
                _(
                    "Row {row_number} is outside the sheet (rows "
                    "{first_row}-{value}). Choose another header row."
                ).format(
                    row_number=row_number,
                    first_row=self.first_row,
                    value=self.first_row + len(self.rows) - 1,
                )
            )
        self.header_index = index
        self.headers = make_headers(self.rows, index)


# ---------------------------------------------------------------------------------------------
# Opening files


def read_table(path: str | Path, sheet: str | None = None, header_row: int | None = None) -> Table:
    """Read `path` (one sheet of it) and find its header row, or raise ReadError."""
    path = Path(path)
    kind = _kind(path)
    if kind == "text":
        rows = _read_text(path)
        table = Table(path=path, sheet=None, sheets=[], rows=rows)
    else:
        table = _read_workbook(path, sheet)
    if not any(not is_blank_row(r) for r in table.rows):
        where = (
            _("The sheet '{sheet}' of {name}").format(sheet=table.sheet, name=path.name)
            if table.sheet
            else path.name
        )
        raise ReadError(
            _("{where} is empty. Choose the sheet or file that holds the list.").format(where=where)
        )
    if header_row is not None:
        table.set_header_row(header_row)
    else:
        table.header_index = find_header_row(table.rows)
        table.headers = make_headers(table.rows, table.header_index)
    return table


def sheet_names(path: str | Path) -> list[str]:
    """The visible worksheets of a workbook; [] for a text file."""
    path = Path(path)
    if _kind(path) == "text":
        return []
    if not _measurable(path):
        return _read_isolated(path, None, names_only=True).sheets
    return sheet_names_here(path)


def sheet_names_here(path: Path) -> list[str]:
    with _open_workbook(path) as wb:
        return _visible_sheets(wb)


def _kind(path: Path) -> str:
    """'text' or 'workbook', after checking that the file exists, is not empty and not too big."""
    if not path.exists():
        raise ReadError(
            _("{path} does not exist. Check the file name and folder.").format(path=path)
        )
    if path.is_dir():
        raise ReadError(
            _("{path} is a folder. Choose a spreadsheet file (.xlsx, .xls, .ods, .csv).").format(
                path=path
            )
        )
    size = path.stat().st_size
    if size == 0:
        raise ReadError(
            _("{name} is empty (0 bytes). Choose the file that holds the list.").format(
                name=path.name
            )
        )
    max_bytes = current_limits().max_file_bytes
    if size > max_bytes:
        raise ReadError(
            _(
                "{name} is {value:.0f} MB; files over {value2} MB are not "
                "imported. Split it into smaller files, or delete columns "
                "and sheets you do not need."
            ).format(name=path.name, value=size / 1024 / 1024, value2=max_bytes // 1024 // 1024)
        )
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise ReadError(
            _(
                "{name} cannot be opened ({strerror}). Check that it is not "
                "open in another program and that you may read it."
            ).format(name=path.name, strerror=exc.strerror)
        ) from exc
    suffix = path.suffix.lower()
    if head.startswith((_OLE_MAGIC, _ZIP_MAGIC)):
        return "workbook"
    if suffix in TEXT_SUFFIXES:
        return "text"
    if _is_web_page(head):
        raise ReadError(
            _(
                "{name} is a web page or XML file saved with a spreadsheet "
                "name, not a real workbook. {SAVE_AS}"
            ).format(name=path.name, SAVE_AS=_(_SAVE_AS))
        )
    if suffix in SPREADSHEET_SUFFIXES and not _looks_like_text(head):
        raise ReadError(
            _("{name} is not a spreadsheet Recruiter can read (it may be damaged). ").format(
                name=path.name
            )
            + _(_SAVE_AS)
        )
    if _looks_like_text(head) and suffix in (*SPREADSHEET_SUFFIXES, ""):
        return "text"  # a CSV saved as .xls (web systems do that) still imports
    raise ReadError(
        _(
            "{name} is not a spreadsheet. Import an .xlsx, .xlsm, .xls, .ods, .csv or .tsv file."
        ).format(name=path.name)
    )


_MARKUP = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<meta",
    b"<table",
    b"<style",
    b"<title",
    b"<?xml",
    b"<!--",
)


def _is_web_page(head: bytes) -> bool:
    """HTML or XML, as web systems and Excel's "Web page" save it (any BOM, UTF-8 or -16)."""
    text = head[:2048]
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if text.startswith(bom):
            text = text[len(bom) :].decode(encoding, "ignore").encode("utf-8", "ignore")
            break
    lowered = text.lstrip().lower()
    return lowered.startswith(_MARKUP)


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls <= len(head) // 100


def _open_workbook(path: Path) -> CalamineWorkbook:
    with path.open("rb") as fh:
        head = fh.read(8)
    # An encrypted .xlsx is an OLE container holding an 'EncryptedPackage' stream.
    if head.startswith(_OLE_MAGIC) and _ENCRYPTED in path.read_bytes():
        raise ReadError(
            _(
                "{name} is protected with a password. Open it in Excel, "
                "remove the password (File > Info > Protect Workbook), save, "
                "and import again."
            ).format(name=path.name)
        )
    if head.startswith(_ZIP_MAGIC):
        try:  # before the reader allocates anything: see recruiter.exchange.limits
            read_limits.check_archive(path, current_limits())
        except read_limits.LimitError as exc:
            raise ReadError(str(exc)) from exc
    try:
        return CalamineWorkbook.from_path(str(path))
    except PasswordError as exc:
        raise ReadError(
            _(
                "{name} is protected with a password. Open it in Excel, "
                "remove the password, save, and import again."
            ).format(name=path.name)
        ) from exc
    except (CalamineError, OSError, ValueError) as exc:
        if _truncated(exc):
            raise ReadError(read_limits.damaged(path)) from exc
        raise ReadError(
            _(
                "{name} cannot be read as a spreadsheet: it is damaged or "
                "not a spreadsheet ({exc}). {SAVE_AS}"
            ).format(name=path.name, exc=exc, SAVE_AS=_(_SAVE_AS))
        ) from exc


def _truncated(exc: BaseException) -> bool:
    """The reader's words for a file cut short ("invalid Zip archive: Could not find EOCD",
    an unexpected end of file), which mean nothing to the person importing it."""
    text = str(exc).lower()
    return any(w in text for w in ("zip", "eocd", "end of file", "unexpected eof", "truncated"))


def _visible_sheets(wb: CalamineWorkbook) -> list[str]:
    names = [m.name for m in wb.sheets_metadata if m.visible == SheetVisibleEnum.Visible]
    return names or list(wb.sheet_names)


def _read_workbook(path: Path, sheet: str | None) -> Table:
    if not _measurable(path):
        return _read_isolated(path, sheet)
    return read_workbook_here(path, sheet)


def _measurable(path: Path) -> bool:
    """Whether `limits` can size the file before the reader allocates: a zip-based workbook
    whose sheets are XML (.xlsx, .xlsm, .ods), not the binary .xls or .xlsb."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head.startswith(_ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return not any(n.lower().endswith(".bin") for n in archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return True  # damaged: the in-process check says so


def _read_isolated(path: Path, sheet: str | None, *, names_only: bool = False) -> Table:
    try:
        fields = isolated.read(path, sheet, current_limits(), names_only=names_only)
    except isolated.ChildFailed as exc:
        raise ReadError(
            _(
                "{name} could not be read ({exc}): it may be damaged, or "
                "expand to far more than its size suggests. {SAVE_AS}"
            ).format(name=path.name, exc=exc, SAVE_AS=_(_SAVE_AS))
        ) from exc
    return Table(path=path, **fields)


def read_workbook_here(path: Path, sheet: str | None) -> Table:
    """Read the workbook in this process (`isolated` calls this in its child)."""
    with _open_workbook(path) as wb:
        sheets = _visible_sheets(wb)
        if sheet is not None and sheet not in wb.sheet_names:
            raise ReadError(
                _("{name} has no sheet named '{sheet}'. Its sheets are: ").format(
                    name=path.name, sheet=sheet
                )
                + ", ".join(f"'{s}'" for s in sheets)
                + "."
            )
        candidates = [sheet] if sheet is not None else sheets
        chosen = candidates[0] if candidates else None
        rows: list[list[Any]] = []
        first = 1
        for name in candidates:
            try:
                rows, first = _sheet_rows(wb, name, path)
            except ReadError:
                raise
            except (CalamineError, ValueError, OverflowError) as exc:
                raise ReadError(
                    _(
                        "The sheet '{name}' of {name2} cannot be read: it may be "
                        "damaged ({exc}). {SAVE_AS}"
                    ).format(name=name, name2=path.name, exc=exc, SAVE_AS=_(_SAVE_AS))
                ) from exc
            chosen = name
            if any(not is_blank_row(r) for r in rows):
                break  # the first sheet with data, when no sheet was asked for
    return Table(path=path, sheet=chosen, sheets=sheets, rows=rows, first_row=first)


def _sheet_rows(wb: CalamineWorkbook, name: str, path: Path) -> tuple[list[list[Any]], int]:
    ws = wb.get_sheet_by_name(name)
    limit = current_limits()
    if ws.height > limit.max_rows + 1:
        raise ReadError(
            _(
                "The sheet '{name}' of {name2} has {height:,} rows; at most "
                "{max_rows:,} are imported at once. Split it into several "
                "files, or raise the limit (recruiter import --max-rows N)."
            ).format(name=name, name2=path.name, height=ws.height, max_rows=limit.max_rows)
        )
    if ws.height * ws.width > limit.max_cells:
        raise ReadError(
            _(
                "The sheet '{name}' of {name2} spans {height:,} rows by "
                "{width:,} columns; at most {max_cells:,} cells are imported "
                "at once. Delete the columns and rows you do not need, or "
                "raise the limit (recruiter import --max-cells N)."
            ).format(
                name=name,
                name2=path.name,
                height=ws.height,
                width=ws.width,
                max_cells=limit.max_cells,
            )
        )
    rows = list(ws.iter_rows())
    end = ws.end
    # iter_rows may start at the first used row or at row 1: count back from the last used row.
    first = (end[0] + 1 - len(rows) + 1) if end is not None and rows else 1
    return rows, max(first, 1)


def _read_text(path: Path) -> list[list[Any]]:
    data = path.read_bytes()
    text = decode(data, path.name)
    first, _newline, rest = text.partition("\n")
    skipped = 0  # lines before `text`, so messages give the line numbers an editor shows
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        delimiter, text, skipped = first.strip()[4], rest, 1  # Excel's 'sep=;' hint line
    else:
        delimiter = detect_delimiter(text, path.suffix.lower())
    limit = current_limits()
    spans: list[tuple[int, int]] = []  # (first line, last line) of records over several lines
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows: list[list[Any]] = []
        cells = 0
        started = 1
        for row in reader:
            rows.append(row)
            cells += len(row)
            if reader.line_num > started:
                spans.append((started, reader.line_num))
            started = reader.line_num + 1
            if len(rows) > limit.max_rows + 1:
                raise ReadError(
                    _(
                        "{name} has more than {max_rows:,} rows; at most "
                        "{max_rows:,} are imported at once. Split it into several "
                        "files, or raise the limit (recruiter import --max-rows N)."
                    ).format(name=path.name, max_rows=limit.max_rows)
                )
            if cells > limit.max_cells:
                raise ReadError(
                    _(
                        "{name} has more than {max_cells:,} cells; at most that many "
                        "are imported at once. Split it into several files, or raise "
                        "the limit (recruiter import --max-cells N)."
                    ).format(name=path.name, max_cells=limit.max_cells)
                )
    except csv.Error as exc:
        raise ReadError(
            _(
                "{name} is not a well-formed CSV file ({exc}). Open it in "
                "Excel or LibreOffice and save it as CSV UTF-8 or .xlsx, "
                "then import that file."
            ).format(name=path.name, exc=exc)
        ) from exc
    if spans:
        _refuse_merged_lines(path, text, spans, delimiter, skipped)
    return rows


def _refuse_merged_lines(
    path: Path, text: str, spans: list[tuple[int, int]], delimiter: str, skipped: int
) -> None:
    """A value over several lines is fine when its quotes are ("met in Kyoto<newline>and
    Boston"); one whose opening quote is never closed, or closed in the middle of a later
    value, swallows the lines after it, which the lenient csv module returns as one value."""
    lines = io.StringIO(text, newline="").readlines()
    for first, last in spans:
        record = "".join(lines[first - 1 : last])
        try:
            for _record in csv.reader(
                io.StringIO(record, newline=""), delimiter=delimiter, strict=True
            ):
                pass
        except csv.Error:
            end = (
                _("the end of the file")
                if last >= len(lines)
                else _("line {value}").format(value=last + skipped)
            )
            raise ReadError(
                _(
                    '{name}: the quote (") that opens a value on line {value} is '
                    "not closed where the value ends, so every line up to {end} "
                    "would be read as one value. Close the quote (or remove it) "
                    "in a text editor, or open the file in Excel or LibreOffice "
                    "and save it again as CSV UTF-8, then import that file."
                ).format(name=path.name, value=first + skipped, end=end)
            ) from None


def decode(data: bytes, name: str = "the file") -> str:
    """Text of a CSV file in UTF-8 (BOM or not), UTF-16 with BOM, or GB18030/GBK."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
    except UnicodeDecodeError as exc:
        raise ReadError(
            _(
                "{name} says it is Unicode text but is damaged ({reason}). "
                "Save it again as CSV UTF-8 and import that file."
            ).format(name=name, reason=exc.reason)
        ) from exc
    if b"\x00" in data[:65536]:
        raise ReadError(
            _(
                "{name} is not a text file or spreadsheet Recruiter can "
                "read. Import an .xlsx, .xls, .ods or CSV file."
            ).format(name=name)
        )
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError(
        _(
            "The characters in {name} are in an encoding Recruiter does "
            "not know (it reads UTF-8, UTF-16 and GBK/GB18030). Save it "
            "as CSV UTF-8 and import that file."
        ).format(name=name)
    )


_DELIMITERS = (",", "\t", ";", "|")


def detect_delimiter(text: str, suffix: str = ".csv") -> str:
    """The delimiter that splits the first lines into the most consistent number of columns."""
    preferred = "\t" if suffix == ".tsv" else ","
    sample = text[:65536]
    if len(text) > len(sample):
        sample = sample.rsplit("\n", 1)[0]
    best, best_score = preferred, (0, 0)
    for d in _DELIMITERS:
        try:
            counts = [
                len(r) for r in csv.reader(io.StringIO(sample, newline=""), delimiter=d) if r
            ][:50]
        except csv.Error:
            continue
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        if mode < 2:
            continue
        score = (counts.count(mode), mode)
        if score > best_score or (score == best_score and d == preferred):
            best, best_score = d, score
    return best


# ---------------------------------------------------------------------------------------------
# Header row


def find_header_row(
    rows: list[list[Any]], known: Callable[[object], str | None] = header_names.field_for
) -> int:
    """Index of the header: among the top rows, the one with the most recognised column names,
    else the one with the most text cells. Title rows above it ("2024 conference list") have
    a single cell and lose."""
    best_index, best_score = None, (-1, -1)
    for i, row in enumerate(rows[:HEADER_SCAN]):
        texts = [c for c in row if isinstance(c, str) and c.strip()]
        if not texts:
            continue
        score = (sum(1 for c in texts if known(c)), len(texts))
        if score > best_score:
            best_index, best_score = i, score
    if best_index is None:
        raise ReadError(
            _(
                "No header row was found: none of the first {HEADER_SCAN} "
                "rows has column names. Add a row of column names (such as "
                "Name, Email, Institution) above the data and import again."
            ).format(HEADER_SCAN=HEADER_SCAN)
        )
    return best_index


def make_headers(rows: list[list[Any]], header_index: int) -> list[str]:
    """Names for the columns: the header cells, 'Column C' under an empty one, unique, and
    trailing columns dropped when both header and data are empty."""
    header = list(rows[header_index]) if rows else []
    width = max((len(r) for r in rows[header_index:]), default=0)
    names = [to_text(c) or "" for c in header] + [""] * (width - len(header))
    used = len(names)
    while used > 0 and not names[used - 1]:
        col = used - 1
        if any(len(r) > col and not _blank(r[col]) for r in rows[header_index + 1 :]):
            break
        used -= 1
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(names[:used]):
        name = " ".join(name.split()) or f"Column {get_column_letter(i + 1)}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        seen.setdefault(name, 1)
        out.append(name)
    return out
