"""The rejected-rows workbook: the original columns plus `Row` and `Reason`.

HR fixes the rows in this file and imports it again, so the original columns come first, in
their order and with their header names, and the two extra columns map to nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from recruiter.errors import RecruiterError

from . import spool
from .files import atomic_save
from .safe_cells import write_text_cell
from .workbook import save_workbook

ROW_HEADER = "Row"
REASON_HEADER = "Reason"


class WriteError(RecruiterError):
    """A workbook could not be written where the user asked."""


def _cell(ws: Any, value: Any) -> WriteOnlyCell:
    """Numbers and dates keep their type; everything else is safe text."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, bool | int | float) or (
        isinstance(value, date | datetime | time) and getattr(value, "tzinfo", None) is None
    ):
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
        return cell
    cell = WriteOnlyCell(ws)
    if value is not None and value != "":
        write_text_cell(cell, value)
    return cell


def write_rejects(
    path: str | Path,
    headers: list[str],
    rows: Iterable[tuple[int, list[Any], str]],
    sheet: str = "Rejected rows",
) -> int:
    """Write (row number, original cells, reason) rows to `path`; returns how many were written.

    The file appears whole or not at all (`atomic_save`), readable by its owner only.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    with spool.beside(path):  # openpyxl's sheet stream goes next to the file, not to /tmp
        return _write_rejects(path, headers, rows, sheet)


def _write_rejects(
    path: Path, headers: list[str], rows: Iterable[tuple[int, list[Any], str]], sheet: str
) -> int:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for name in [*headers, ROW_HEADER, REASON_HEADER]:
        c = WriteOnlyCell(ws)
        write_text_cell(c, name)
        c.font = bold
        header_cells.append(c)
    header_cells[-1].fill = PatternFill("solid", fgColor="FFF2CC")
    for i, name in enumerate([*headers, ROW_HEADER, REASON_HEADER]):
        letter = get_column_letter(i + 1)
        ws.column_dimensions[letter].width = (
            50
            if name == REASON_HEADER and i == len(headers) + 1
            else min(max(len(name) + 4, 12), 40)
        )
    ws.append(header_cells)
    count = 0
    width = len(headers)
    for number, cells, reason in rows:
        cells = (list(cells) + [None] * width)[:width]
        ws.append(
            [_cell(ws, v) for v in cells] + [WriteOnlyCell(ws, value=number), _cell(ws, reason)]
        )
        count += 1
    try:
        atomic_save(path, lambda tmp: save_workbook(wb, tmp))
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    return count


def _cannot_write(path: Path, exc: OSError) -> WriteError:
    return WriteError(
        f"The rejected rows could not be saved to {path} ({exc.strerror or exc}). "
        "Choose a folder you may write to, and close the file if it is open in Excel."
    )
