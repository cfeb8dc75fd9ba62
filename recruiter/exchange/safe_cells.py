"""Text cells that stay text: never a formula, never a broken workbook.

Names in lists we receive can look like `=HYPERLINK("http://evil", "Zhang Wei")`; written with a
plain `cell.value = text` openpyxl would store a formula that runs when leadership opens the file.
Characters that XML 1.0 forbids (control characters, lone surrogates) would make the whole
workbook unreadable, so they are dropped here, once, for every writer.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

# XML 1.0 allows \t \n \r and everything from U+0020 except surrogates, U+FFFE and U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_CHARS = 32767  # Excel's limit for one cell


def safe_text(value: Any) -> str:
    """`value` as text that any workbook can hold: XML-illegal characters removed, at most
    32,767 characters, '' for None. Whole floats print without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, datetime):
        text = value.isoformat(sep=" ")
    elif isinstance(value, date | time):
        text = value.isoformat()
    else:
        text = str(value)
    return _ILLEGAL.sub("", text)[:MAX_CELL_CHARS]


def write_text_cell(cell: Any, value: Any) -> None:
    """Put `value` in an openpyxl cell (normal or write-only) as a string, never a formula.

    Text that Excel would read as a formula when edited also gets the quote-prefix style, so it
    stays text after someone presses Enter in the cell.
    """
    text = safe_text(value)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True
