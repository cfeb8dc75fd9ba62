"""Spreadsheet fixtures the tests write themselves: text always as text (never a formula)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from recruiter.exchange.safe_cells import write_text_cell


def write_sheets(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """An .xlsx with one worksheet per entry, rows as given (None leaves a cell empty)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if isinstance(value, str):
                    write_text_cell(ws.cell(row=r, column=c), value)
                elif value is not None:
                    ws.cell(row=r, column=c, value=value)
    wb.save(path)
    return path


def write_xlsx(path: Path, rows: list[list[Any]], sheet: str = "Sheet1") -> Path:
    """An .xlsx with a single worksheet."""
    return write_sheets(path, {sheet: rows})
