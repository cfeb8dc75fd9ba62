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
from recruiter.i18n import N_, _

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


_RAISE = N_(
    "If the file really is that big, split it into smaller files, or raise the limit on the "
    "command line (recruiter import --max-rows N --max-cells N --max-size MB)."
)
_CHUNK = 4 * MB


def check_archive(path: Path, limits: Limits) -> None:
    """Refuse a zip-based workbook that is damaged or would expand beyond `limits`."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            total = sum(i.file_size for i in infos)
            if total > limits.max_expanded_bytes:
                raise LimitError(
                    _(
                        "{name} expands to {value:,.0f} MB once uncompressed; at "
                        "most {value2:,} MB are read. {RAISE}"
                    ).format(
                        name=path.name,
                        value=total / MB,
                        value2=limits.max_expanded_bytes // MB,
                        RAISE=_(_RAISE),
                    )
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
    return _(
        "{name} is damaged or incomplete (perhaps it was not copied "
        "or downloaded completely). Open it in Excel or LibreOffice "
        "and save it again, or ask for the file again, then import "
        "that file."
    ).format(name=path.name)


def _check_sheet(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, limits: Limits
) -> None:
    """The range the reader would allocate for this sheet runs from its first to its last used
    row and column, as the cells' references say (whatever `<dimension>` claims). A quick pass
    bounds it; only a sheet near the limits, or written unusually, gets the exact pass."""
    quick = _quick_bounds(archive, info)
    if quick is not None:
        last_row, width = quick
        if last_row <= limits.max_rows + 1 and last_row * width <= limits.max_cells:
            return
    last_row, height, width = _exact_bounds(archive, info)
    _refuse_range(path, last_row, width, height, limits)


def _pieces(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The sheet XML in blocks that end after a '>', so no tag is cut in two."""
    with archive.open(info) as stream:
        rest = b""
        while True:
            block = stream.read(_CHUNK)
            if not block:
                if rest:
                    yield rest
                return
            data = rest + block
            cut = data.rfind(b">") + 1
            yield data[:cut]
            rest = data[cut:]


_REF_START = b'<c r="'
_LAST_REF = re.compile(rb'<c r="[A-Z]{1,4}0*([0-9]{1,10})"')
_TAG = re.compile(rb"<(row|c)(?=[\s>/])([^>]*)>")
_TAG_REF = re.compile(rb'\sr\s*=\s*["\']([A-Za-z]{0,4})0*([0-9]{0,10})["\']')


def _greater_than(n: int) -> bytes:
    """A pattern for the decimal numbers (no leading zeros) greater than `n`."""
    digits = str(n)
    alternatives = [f"[1-9][0-9]{{{len(digits)},}}"]
    for i, d in enumerate(digits):
        if d != "9":
            alternatives.append(f"{digits[:i]}[{int(d) + 1}-9][0-9]{{{len(digits) - i - 1}}}")
    return ("(?:" + "|".join(alternatives) + ")").encode()


def _quick_bounds(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int] | None:
    """(last row, columns) the range cannot exceed, for a sheet whose every cell starts with
    its reference (as Excel, LibreOffice and openpyxl write them); None for any other sheet.
    Columns up to Z count as 26. One regex pass per block, which in a usual sheet matches
    nothing: a cell written otherwise, in a column past Z, or below the last cell seen."""
    top = 0
    widest = 0
    for piece in _pieces(archive, info):
        at = piece.rfind(_REF_START)
        if at >= 0 and (last := _LAST_REF.match(piece, at)) is not None:
            top = max(top, int(last.group(1)))
        unusual = re.compile(
            rb'<c(?:[\t\n\r/>]| (?!r=")| r="(?:([A-Z]{2,4})0*([0-9]{1,10})|[A-Z]0*('
            + _greater_than(top)
            + rb'))")'
        )
        for m in unusual.finditer(piece):
            letters, row, far = m.groups()
            if letters is not None:
                widest = max(widest, _column_number(letters))
                top = max(top, int(row))
            elif far is not None:
                top = max(top, int(far))
            else:
                return None  # a cell without a leading reference: look at every one
    return top, max(widest, 26)


def _exact_bounds(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int, int]:
    """(last row, rows, columns) of the used range, every row and cell looked at; cells and
    rows without a reference follow the one before, as the reader places them."""
    row = col = 0
    top = left = right = 0
    low = 0
    for piece in _pieces(archive, info):
        for tag in _TAG.finditer(piece):
            name, attributes = tag.groups()
            ref = _TAG_REF.search(attributes)
            letters, digits = (ref.group(1).upper(), ref.group(2)) if ref else (b"", b"")
            if name == b"row":
                row = int(digits) if digits else row + 1
                col = 0
                continue
            col = _column_number(letters) if letters else col + 1
            at = int(digits) if digits else row
            top = max(top, at)
            low = at if not low else min(low, at)
            right = max(right, col)
            left = col if not left else min(left, col)
    if not top:
        return 0, 0, 0
    return top, top - low + 1, right - left + 1


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
            _(
                "{name} has a sheet reaching row {last_row:,}; at most "
                "{max_rows:,} rows are read. {RAISE}"
            ).format(name=path.name, last_row=last_row, max_rows=limits.max_rows, RAISE=_(_RAISE))
        )
    if width * height > limits.max_cells:
        raise LimitError(
            _(
                "{name} has a sheet that spans {height:,} rows by {width:,} "
                "columns ({value:,} cells); at most {max_cells:,} cells are "
                "read. "
            ).format(
                name=path.name,
                height=height,
                width=width,
                value=width * height,
                max_cells=limits.max_cells,
            )
            + _(_RAISE)
        )


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n
