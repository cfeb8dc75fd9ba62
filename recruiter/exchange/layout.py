"""How the cells of a sheet are sized: column widths from a sample of the rows, and the height a
row needs for its wrapped text.

LibreOffice does not grow a row to fit wrapped text on its own, and Excel only when it
recalculates, so the export sets each height itself. That runs once per row of a 100,000-row
sheet, so the common cases (short text, plain ASCII that fits) return before any per-character
work, and the wrapping of a text is remembered (names repeat across rows).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Protocol

WRAP_FROM = 24  # text columns at least this wide wrap (the long titles and names of sources)
SAMPLE_ROWS = 200  # rows looked at to size columns before streaming the rest


class ColumnLike(Protocol):
    @property
    def header(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def width(self) -> float | None: ...


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def widths(columns: Sequence[ColumnLike], sample: Sequence[Sequence[Any]]) -> list[float]:
    """Header length, widened to what most sample values need, within sensible bounds."""
    widths = []
    for i, col in enumerate(columns):
        # The header wraps onto two lines (row 1 is 30 points high): its longest word counts
        # (Chinese wraps between any two characters, each of them two columns wide).
        head = display_width(col.header)
        word = max((display_width(w) for w in col.header.split()), default=0)
        if head != len(col.header):  # double-width characters
            word = min(word, (head + 1) // 2)
        need = [max(word, (head + 1) // 2) + 2]
        if col.width:
            # A declared width fits its English header; a Chinese one may need more room.
            widths.append(col.width if head == len(col.header) else max(col.width, need[0]))
            continue
        lengths = sorted(display_width(as_text(r[i])) for r in sample if r[i] is not None)
        if lengths:
            need.append(lengths[int(len(lengths) * 0.9) - (1 if len(lengths) > 1 else 0)] + 2)
        floor = {"date": 12, "money": 15, "percent": 8, "int": 8, "count": 8}.get(col.kind, 10)
        widths.append(float(min(max(max(need), floor), 50)))
    return widths


LINE_POINTS = 15.0  # one line of 11-point Calibri, Excel's default row height

LATIN_ON_PAPER = 0.87  # Calibri's letters are narrower than the "0" a column width counts


def _paper_width(text: str) -> float:
    return sum(2.0 if unicodedata.east_asian_width(c) in "WF" else LATIN_ON_PAPER for c in text)


def text_lines(text: str, width: float) -> int:
    """How many lines `text` takes wrapped in a column `width` characters wide (word by word;
    CJK characters count double, letters a little less than one). LibreOffice does not grow a
    row to fit wrapped text on its own, and Excel only when it recalculates, so the export sets
    the height itself."""
    cap = max(1.0, width - 1)  # the cell's padding
    space = LATIN_ON_PAPER
    lines = 0
    for para in text.split("\n"):
        lines += 1
        used = 0.0
        for word in para.split():
            w = _paper_width(word)
            need = w if used == 0 else used + space + w
            if need <= cap:
                used = need
                continue
            if used:
                lines += 1
            broken = int((w - 1e-9) // cap)  # a word longer than the line is broken
            lines += broken
            used = w - broken * cap
    return max(lines, 1)


_wrapped_lines = lru_cache(maxsize=8192)(text_lines)  # sources and institutions repeat


def row_height(values: Sequence[Any], wrapped: Sequence[tuple[int, float]]) -> float | None:
    """The height a row needs for its wrapped cells (None: one line is enough). Text that fits
    returns at once (ASCII letters count LATIN_ON_PAPER each, so plain text shorter than the
    line needs no word-by-word look), so a 100,000-row sheet pays for the long names only."""
    lines = 1
    for i, width in wrapped:
        v = values[i]
        if v.__class__ is not str:
            continue
        n = len(v)
        if n * 2 <= width - 1 and "\n" not in v:
            continue
        if v.isascii() and n * LATIN_ON_PAPER <= max(1.0, width - 1) and "\n" not in v:
            continue
        lines = max(lines, _wrapped_lines(v, width))
    return LINE_POINTS * lines if lines > 1 else None


def as_text(v: Any) -> str:
    if isinstance(v, date | datetime):
        return "2026-01-01"
    if isinstance(v, int | Decimal) and not isinstance(v, bool):
        return f"{v:,}" + "00"
    return str(v)


__all__ = [
    "LATIN_ON_PAPER",
    "LINE_POINTS",
    "SAMPLE_ROWS",
    "WRAP_FROM",
    "as_text",
    "display_width",
    "row_height",
    "text_lines",
    "widths",
]
