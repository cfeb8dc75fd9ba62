"""Rows of a write-only sheet serialised straight to its XML stream.

openpyxl's write-only writer builds an ElementTree element per cell and runs it through
et_xmlfile's namespace-aware serialiser: about 15 microseconds a cell, most of an export of
millions of cells. The cells the workbook writes are few kinds (inline text, numbers, booleans,
dates, each optionally with a style id), so they are written here as the same XML text directly;
anything else (formulas, rich text, hyperlinks, comments, timezones, NaN) goes through
openpyxl's own `write_cell`, so the file is the one openpyxl would write. test_sheet_rows
compares the two writers cell by cell.

Private API: `WriteOnlyWorksheet._values_to_row`, `WorksheetWriter.write_row` and the writer's
`xf._file`; openpyxl is pinned below 3.2.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell._writer import write_cell
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.compat.strings import safe_string
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

MAX_TEXT = 32_767  # openpyxl cuts longer text to this (Excel's limit)
# What openpyxl refuses in a cell (its ILLEGAL_CHARACTERS_RE): such text goes its way and fails
# there, exactly as before.
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_ERRORS = frozenset(ERROR_CODES)
_SMALL_INT = 10**15  # below this, str(n) equals openpyxl's "%.16g" % n


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _escape_attr(text: str) -> str:
    text = _escape(text)
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\t" in text:
        text = text.replace("\t", "&#09;")
    return text


def _text(ref: str, style: str, value: str) -> str | None:
    """An inline string cell, or None when openpyxl must handle the text."""
    if _ILLEGAL.search(value) is not None:
        return None
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT]
    stripped = value.strip()
    space = ' xml:space="preserve"' if stripped and stripped != value else ""
    if not value:
        return f'<c r="{ref}"{style} t="inlineStr" />'
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>'


def _number(ref: str, style: str, value: Any) -> str | None:
    if value.__class__ is int and -_SMALL_INT < value < _SMALL_INT:
        return f'<c r="{ref}"{style} t="n"><v>{value}</v></c>'
    if value != value or value in (float("inf"), float("-inf")):
        return None  # NaN and infinities: openpyxl's own (empty) form
    return f'<c r="{ref}"{style} t="n"><v>{safe_string(value)}</v></c>'


def _cell_xml(ref: str, cell: Cell, epoch: datetime) -> str | None:
    """A ready (styled) cell; None for what only openpyxl writes."""
    if cell._comment is not None or cell.hyperlink is not None:
        return None
    style = f' s="{cell.style_id}"' if cell.has_style else ""
    value, kind = cell._value, cell.data_type
    if value is None:
        return f'<c r="{ref}"{style} t="{kind}" />' if style else ""
    if kind == "s" and value.__class__ is str:
        return _text(ref, style, value)
    if kind == "n" and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return _number(ref, style, value)
    if kind == "b" and isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if kind == "d" and isinstance(value, date | time) and getattr(value, "tzinfo", None) is None:
        return _number(ref, style, to_excel(value, epoch))
    return None


def _value_xml(ref: str, value: Any) -> str | None:
    """A plain value as openpyxl's write-only sheet writes it (unstyled); None for the rest."""
    cls = value.__class__
    if cls is str:
        if (value.startswith("=") and len(value) > 1) or value in _ERRORS:
            return None  # openpyxl makes it a formula or an error value: its path, as before
        return _text(ref, "", value)
    if cls is int or cls is float or cls is Decimal:
        return _number(ref, "", value)
    if cls is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    return None  # dates (they get a number format), and anything unusual


class RowStream:
    """What the next appended row carries besides its cells: `height` in points (then cleared),
    instead of a RowDimension object per row."""

    __slots__ = ("height",)

    def __init__(self) -> None:
        self.height: float | None = None


def stream_rows(ws: Any) -> RowStream:
    """Write this write-only sheet's rows with `_value_xml`/`_cell_xml`. Must be called before
    its first `append`; rows then hold plain values and ready cells (one cell object may be
    reused across rows and columns: each is written before the next is looked at)."""
    stream = RowStream()
    ws._get_writer()
    writer = ws._writer
    letters: list[str] = []
    epoch = ws.parent.epoch
    iso = ws.parent.iso_dates
    dims = ws.row_dimensions

    def letter(col: int) -> str:
        while len(letters) < col:
            letters.append(get_column_letter(len(letters) + 1))
        return letters[col - 1]

    def slow(xf: Any, value: Any, col: int, row: int) -> None:
        if isinstance(value, Cell):
            cell = value
        else:
            cell = WriteOnlyCell(ws)
            cell.value = value
        cell.column = col
        cell.row = row
        if cell.hyperlink is not None:
            cell.hyperlink.ref = cell.coordinate
        if cell._comment is not None:
            from openpyxl.comments.comment_sheet import CommentRecord

            ws._comments.append(CommentRecord.from_cell(cell))
        if cell._value is None and not cell.has_style and not cell._comment:
            return
        write_cell(xf, ws, cell, cell.has_style)

    def write_row(xf: Any, values: Sequence[Any], row_idx: int) -> None:
        out: Callable[[str], None] = xf._file
        height, stream.height = stream.height, None
        dim = dims.get(row_idx)
        if height is not None and dim is None:
            out(f'<row r="{row_idx}" ht="{safe_string(height)}" customHeight="1">')
        elif dim is None:
            out(f'<row r="{row_idx}">')
        else:
            attrs = "".join(f' {k}="{_escape_attr(v)}"' for k, v in dim)
            out(f'<row r="{row_idx}"{attrs}>')
        r = str(row_idx)
        for col, value in enumerate(values, 1):
            if value is None:
                continue
            ref = (letters[col - 1] if col <= len(letters) else letter(col)) + r
            if isinstance(value, Cell):
                xml = None if iso else _cell_xml(ref, value, epoch)
            else:
                xml = _value_xml(ref, value)
            if xml is None:
                slow(xf, value, col, row_idx)
            elif xml:
                out(xml)
        out("</row>")

    def values_to_row(values: Iterable[Any], row_idx: int) -> Iterable[Any]:
        return values if isinstance(values, list | tuple) else list(values)

    ws._values_to_row = values_to_row
    writer.write_row = write_row
    return stream


__all__ = ["RowStream", "stream_rows"]
