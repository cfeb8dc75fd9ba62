"""exchange.sheet_rows writes the rows openpyxl's write-only writer would write: the same sheet
XML (canonicalised) and the same styles, for every kind of value the export hands it."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import canonicalize

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import IllegalCharacterError

from recruiter.exchange.sheet_rows import stream_rows


def _rows(ws: Any) -> list[list[Any]]:
    money = WriteOnlyCell(ws)
    money.number_format = '"¥"#,##0.00'
    day = WriteOnlyCell(ws)
    day.number_format = "yyyy-mm-dd"
    day.alignment = Alignment(horizontal="center")
    quoted = WriteOnlyCell(ws, value="=HYPERLINK(1)")
    quoted.data_type = "s"
    quoted.quotePrefix = True
    bold_empty = WriteOnlyCell(ws)
    bold_empty.font = Font(bold=True)
    wrap = WriteOnlyCell(ws)
    wrap.alignment = Alignment(wrap_text=True)
    rows: list[list[Any]] = [
        ["Name", "Amount", "Day", "Note", None, "Count"],
        ["Zhang Wei", 12, 3.5, "a & b < c > d \"q\" 'x'", None, True],
        ["  padded  ", "   ", "", "line\nbreak", "tab\there", False],
        ["张伟 (楚天学者计划)", 10**17, -(10**15), 1e-7, float("nan"), float("inf")],
        [Decimal("12.34"), Decimal("-0.5"), date(2026, 1, 2), datetime(2026, 3, 4, 5, 6, 7)],
        [time(9, 30), timedelta(days=2), "=SUM(A1)", "#N/A", "x" * 40_000, "=", "-"],
        [quoted, bold_empty, None, None, "tail"],
    ]
    for i in range(3):  # shared cells reused row after row, as the export does
        money.value = Decimal(1000 * i) / 100
        day.value = date(2026, 5, 1 + i)
        wrap.value = f"Hubei Chutian Scholars Programme {i}"
        rows.append([f"row {i}", money, day, wrap, None, i])
    return rows


def _write(path: Path, fast: bool) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    ws.column_dimensions["A"].width = 30
    ws.row_dimensions[1].height = 30
    stream = stream_rows(ws) if fast else None
    if stream is None:
        ws.row_dimensions[3].height = 45
    for i, row in enumerate(_rows(ws), 1):
        if stream is not None and i == 3:
            stream.height = 45  # the export's way: no RowDimension per row
        ws.append(row)
    wb.save(path)
    return path


def _part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as z:
        return canonicalize(z.read(name).decode())


def test_same_sheet_and_styles_as_openpyxl(tmp_path: Path) -> None:
    ours = _write(tmp_path / "ours.xlsx", fast=True)
    theirs = _write(tmp_path / "theirs.xlsx", fast=False)
    for part in ("xl/worksheets/sheet1.xml", "xl/styles.xml"):
        assert _part(ours, part) == _part(theirs, part), part
    back = load_workbook(ours).active
    assert back is not None
    assert back["D2"].value == "a & b < c > d \"q\" 'x'"
    assert back["A3"].value == "  padded  "
    assert back["A5"].value == Decimal("12.34") or back["A5"].value == 12.34
    assert back["C5"].value == datetime(2026, 1, 2)
    assert back["A7"].value == "=HYPERLINK(1)"
    assert back["B10"].value == 20 and back["C10"].value == datetime(2026, 5, 3)
    assert back.row_dimensions[3].height == 45


def test_illegal_text_still_refused(tmp_path: Path) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    stream_rows(ws)
    with pytest.raises(IllegalCharacterError):
        ws.append(["bad \x01 text"])
