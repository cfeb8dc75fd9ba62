"""The Summary sheet's native parts: a bar chart under a block, and an Excel table over it (so each
block has its own filter buttons)."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from openpyxl.chart import BarChart, Reference
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn

if TYPE_CHECKING:
    from .workbook import Block


def add_filter_table(ws: Any, names: list[Any], first: int, last: int) -> None:
    """An Excel table over a Summary block, so each block gets its own filter buttons (a sheet
    has only one plain autofilter). Write-only mode needs the column names spelled out, and
    they must equal the header cells exactly or Excel drops the table."""
    if len(set(names)) != len(names) or not all(isinstance(n, str) and n for n in names):
        return
    ref = f"A{first}:{get_column_letter(len(names))}{last}"
    table = Table(
        displayName=f"Summary{len(ws.tables) + 1}",
        ref=ref,
        autoFilter=AutoFilter(ref=ref),
        tableColumns=[TableColumn(id=i, name=name) for i, name in enumerate(names, 1)],
    )
    with warnings.catch_warnings():  # it warns in write-only mode even when columns are given
        warnings.filterwarnings("ignore", "In write-only mode you must add table columns")
        ws.add_table(table)


def bar_chart(ws: Any, block: Block, header_row: int, last_row: int) -> BarChart:
    spec = block.chart
    assert spec is not None
    chart = BarChart()
    chart.type = "bar" if spec.horizontal else "col"
    chart.title = spec.title
    chart.style = 10
    if spec.stacked:
        chart.grouping = "stacked"
        chart.overlap = 100
    for col in spec.values:
        ref = Reference(ws, min_col=col + 1, min_row=header_row, max_row=last_row)
        chart.add_data(ref, titles_from_data=True)
    chart.set_categories(
        Reference(ws, min_col=spec.category + 1, min_row=header_row + 1, max_row=last_row)
    )
    if spec.y_title:
        chart.y_axis.title = spec.y_title
    if spec.money:
        chart.y_axis.number_format = "#,##0,,"  # millions
        chart.y_axis.title = spec.y_title or "millions"
    # Every category gets its label (left alone, Excel and LibreOffice skip every other one).
    chart.x_axis.tickLblSkip = 1
    chart.x_axis.tickMarkSkip = 1
    # openpyxl leaves <c:delete> unset, which some Excel versions read as "hide the axis".
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if spec.horizontal:
        chart.x_axis.scaling.orientation = "maxMin"  # first category on top
    if len(spec.values) == 1:
        chart.legend = None
    rows = last_row - header_row
    chart.width = 24 if spec.horizontal and rows > 6 else 18
    chart.height = min(max(7.5, 3 + rows * (0.9 if spec.horizontal else 0.3)), 22)
    return chart


__all__ = ["add_filter_table", "bar_chart"]
