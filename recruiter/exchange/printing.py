"""How a sheet goes on paper: A4 landscape at a legible size, for every sheet the workbook writes.

Excel's "fit to one page wide" shrinks a wide sheet until it fits, however small the text gets
(a 27-column sheet printed at 2 pt). So a sheet is fitted to the page width only when its text
stays at least MIN_POINTS; otherwise the leading columns that fit at that size become the print
area (sheets declare their columns in the order they matter on paper) and the rest stay in Excel.
Everything here is page setup, not cell styling, so it costs nothing per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

BODY_POINTS = 11.0  # openpyxl's default font (Calibri 11)
MIN_POINTS = 8.5  # the smallest text we put on paper (the floor is 8; LibreOffice and
# Excel measure column widths slightly differently, so we keep a margin)
A4_LANDSCAPE_WIDTH_IN = 297 / 25.4
MARGIN_SIDE_IN = 0.4
MARGIN_TOP_IN = 0.6
FOOTER_CHARS = 200  # Excel refuses a header/footer longer than 255 characters in all


@dataclass(frozen=True)
class Paper:
    """What every printed page says besides the sheet: export time and filters, in words, and
    the page number in the workbook's language (`&P` and `&N` are Excel's codes for this page
    and the number of pages)."""

    footer: str = ""
    page: str = "Page &P of &N"
    blank: str = "Recruiter"  # the footer when there is nothing else to say


def column_points(width: float) -> float:
    """An Excel column width (characters of the default font) in points at 100%."""
    return (int(width * 7 + 0.5) + 5) * 0.75  # 7-pixel digits plus 5 pixels of padding, 96 dpi


def page_points() -> float:
    return (A4_LANDSCAPE_WIDTH_IN - 2 * MARGIN_SIDE_IN) * 72


def columns_on_paper(widths: Sequence[float]) -> int:
    """How many leading columns print at MIN_POINTS or larger when fitted to the page width."""
    room = page_points() * BODY_POINTS / MIN_POINTS  # sheet width that may shrink onto a page
    total = 0.0
    for n, w in enumerate(widths):
        total += column_points(w)
        if total > room:
            return max(n, 1)
    return len(widths)


def scale_for(widths: Sequence[float]) -> float:
    """The scale "fit to width" gives these columns (1.0 when they fit at 100%)."""
    return min(1.0, page_points() / sum(column_points(w) for w in widths))


def footer_text(text: str) -> str:
    """User text made safe for a header/footer: '&' starts a code there."""
    text = " ".join(text.split())
    if len(text) > FOOTER_CHARS:
        text = text[: FOOTER_CHARS - 1] + "…"
    return text.replace("&", "&&")


def prepare(ws: Any) -> None:
    """What must be set before the first row of a write-only sheet."""
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def lay_out(
    ws: Any,
    widths: Sequence[float],
    last_row: int,
    paper: Paper,
    *,
    title_rows: str | None = "1:1",
    gridlines: bool = True,
) -> int:
    """A4 landscape, fitted to the width of the columns that go on paper, header rows repeated,
    gridlines printed (cells never run together), and a footer with the page number, the
    export time and the filters. Returns the number of columns on paper."""
    setup = ws.page_setup
    setup.orientation = "landscape"
    setup.paperSize = "9"  # A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = MARGIN_SIDE_IN
    ws.page_margins.top = ws.page_margins.bottom = MARGIN_TOP_IN
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.gridLines = gridlines
    ws.print_options.horizontalCentered = False
    if title_rows:
        ws.print_title_rows = title_rows
    on_paper = columns_on_paper(widths) if widths else 0
    if widths and on_paper < len(widths):
        ws.print_area = f"A1:{get_column_letter(on_paper)}{max(last_row, 1)}"
    ws.oddHeader.center.text = "&A"
    ws.oddFooter.left.text = footer_text(paper.footer) if paper.footer else paper.blank
    ws.oddFooter.right.text = paper.page
    return on_paper


__all__ = [
    "MIN_POINTS",
    "Paper",
    "column_points",
    "columns_on_paper",
    "footer_text",
    "lay_out",
    "page_points",
    "prepare",
    "scale_for",
]
