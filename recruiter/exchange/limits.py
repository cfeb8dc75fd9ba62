"""Limits on what a file HR receives may expand to, checked before anything large is allocated.

A 5 KB .xlsx with one cell at XFD1000000 makes python-calamine allocate a range of 16,384 x
1,000,000 cells and abort the process; a 260 KB archive can hold a 250 MB cell. So before the
reader touches a zip-based workbook (.xlsx, .xlsm, .xlsb, .ods), `check_archive` reads only the
archive's directory (the declared uncompressed sizes) and streams each worksheet's XML looking at
its cell references: the rows and columns the reader would allocate follow from them, whatever
the `<dimension>` element claims. A hostile file gets one ReadError.

The defaults suit any real candidate list; an office with bigger ones raises them on the command
line (`recruiter import --max-rows N --max-cells N --max-size MB`), which sets them with `use()`
for the duration of the command.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from recruiter.errors import RecruiterError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_rows: int = 1_000_000  # rows of one sheet
    max_cells: int = 20_000_000  # rows x columns of the range a sheet expands to
    max_file_bytes: int = 100 * MB  # the file as stored
    max_expanded_bytes: int = 200 * MB  # the archive's parts once uncompressed

    def raised(
        self,
        *,
        max_rows: int | None = None,
        max_cells: int | None = None,
        max_size_mb: int | None = None,
    ) -> Limits:
        """These limits with the ones given on the command line replaced."""
        return Limits(
            max_rows=max_rows or self.max_rows,
            max_cells=max_cells or self.max_cells,
            max_file_bytes=max(self.max_file_bytes, (max_size_mb or 0) * MB),
            max_expanded_bytes=(max_size_mb * MB) if max_size_mb else self.max_expanded_bytes,
        )


class LimitError(RecruiterError):
    """The file would expand beyond a limit (or its archive is damaged); nothing was read."""


_current: ContextVar[Limits | None] = ContextVar("recruiter_read_limits", default=None)


def current() -> Limits | None:
    """The limits set with `use()` in this context, or None for the reader's defaults."""
    return _current.get()


@contextmanager
def use(limits: Limits) -> Iterator[Limits]:
    """Read files under `limits` inside the block (this thread or task only)."""
    token = _current.set(limits)
    try:
        yield limits
    finally:
        _current.reset(token)


_RAISE = (
    "If the file really is that big, split it into smaller files, or raise the limit on the "
    "command line (recruiter import --max-rows N --max-cells N --max-size MB)."
)
_REF = re.compile(rb'<c r="([A-Z]{1,4})([0-9]{1,9})"')
_CHUNK = 4 * MB


def check_archive(path: Path, limits: Limits) -> None:
    """Refuse a zip-based workbook that is damaged or would expand beyond `limits`."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            total = sum(i.file_size for i in infos)
            if total > limits.max_expanded_bytes:
                raise LimitError(
                    f"{path.name} expands to {total / MB:,.0f} MB once uncompressed; at most "
                    f"{limits.max_expanded_bytes // MB:,} MB are read. {_RAISE}"
                )
            for info in infos:
                name = info.filename.lower()
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    _check_sheet(archive, info, path, limits)
                elif name == "content.xml":
                    _check_ods(archive, info, path, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        # NotImplementedError: a compression method Python lacks (the reader may lack it too)
        raise LimitError(damaged(path)) from exc
    except (OSError, ValueError, ElementTree.ParseError) as exc:
        raise LimitError(damaged(path)) from exc


def damaged(path: Path) -> str:
    return (
        f"{path.name} is damaged or incomplete (perhaps it was not copied or downloaded "
        "completely). Open it in Excel or LibreOffice and save it again, or ask for the file "
        "again, then import that file."
    )


def _check_sheet(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, limits: Limits
) -> None:
    """The range the reader would allocate for this sheet: from its first to its last used row
    and column, as the cell references say."""
    columns: set[bytes] = set()
    top_row = (0, b"")
    low_row = None
    tail = b""
    with archive.open(info) as stream:
        while True:
            block = stream.read(_CHUNK)
            if not block:
                break
            chunk = tail + block
            found = _REF.findall(chunk)
            if found:
                columns.update(c for c, _ in found)
                rows = {r for _, r in found}
                high = max(rows, key=_digits_key)
                if _digits_key(high) > top_row:
                    top_row = _digits_key(high)
                low = min(rows, key=_digits_key)
                if low_row is None or _digits_key(low) < low_row:
                    low_row = _digits_key(low)
            tail = chunk[-40:]
    if not columns or low_row is None:
        return
    numbers = [_column_number(c) for c in columns]
    width = max(numbers) - min(numbers) + 1
    height = int(top_row[1]) - int(low_row[1]) + 1
    _refuse_range(path, int(top_row[1]), width, height, limits)


_TABLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_TABLE = _TABLE_NS + "table"
_ODS_ROW = _TABLE_NS + "table-row"
_ODS_CELLS = (_TABLE_NS + "table-cell", _TABLE_NS + "covered-table-cell")
_ROWS_REPEATED = _TABLE_NS + "number-rows-repeated"
_COLUMNS_REPEATED = _TABLE_NS + "number-columns-repeated"


def _check_ods(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, limits: Limits) -> None:
    """An OpenDocument sheet says how often a row or cell repeats; a row of values repeated a
    million times is a million rows to the reader. Streamed, keeping no more than one row."""
    with archive.open(info) as stream:
        row = used_rows = width = 0
        for _event, elem in ElementTree.iterparse(stream, events=("end",)):
            if elem.tag == _ODS_ROW:
                repeat = int(elem.get(_ROWS_REPEATED, "1"))
                column = last = 0
                for c in elem:
                    if c.tag in _ODS_CELLS:
                        column += int(c.get(_COLUMNS_REPEATED, "1"))
                        if len(c) or any(k.endswith("value-type") for k in c.attrib):
                            last = column
                row += repeat
                if last:
                    used_rows, width = row, max(width, last)
                elem.clear()
            elif elem.tag == _ODS_TABLE:
                _refuse_range(path, used_rows, width, used_rows, limits)
                row = used_rows = width = 0
                elem.clear()


def _refuse_range(path: Path, last_row: int, width: int, height: int, limits: Limits) -> None:
    if last_row > limits.max_rows + 1:
        raise LimitError(
            f"{path.name} has a sheet reaching row {last_row:,}; at most "
            f"{limits.max_rows:,} rows are read. {_RAISE}"
        )
    if width * height > limits.max_cells:
        raise LimitError(
            f"{path.name} has a sheet that spans {height:,} rows by {width:,} "
            f"columns ({width * height:,} cells); at most {limits.max_cells:,} cells are read. "
            + _RAISE
        )


def _digits_key(number: bytes) -> tuple[int, bytes]:
    """Orders decimal numbers written as bytes without converting each one."""
    stripped = number.lstrip(b"0") or b"0"
    return (len(stripped), stripped)


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n
