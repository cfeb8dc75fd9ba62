"""Cells as a person means them: turning what a spreadsheet or a form holds into field values.

A cell arrives as read (text, a float such as 2005.0, an Excel date or serial number) or as typed
into the editor; the `to_*` converters turn it into what a field stores, so that a phone number
stays text while a year typed as 2005.0 becomes 2005. They raise ValueError with a short phrase
("is not a whole number") that the caller prefixes with the field's label and the value.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from recruiter.i18n import _

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def cell_value(value: Any) -> Any:
    """A cell as a person means it: 2005.0 -> 2005, text trimmed, empty -> None."""
    if value is None:
        return None
    if type(value) is str or isinstance(value, str):
        s = value.strip()
        return s or None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return int(value)
    return value


def to_text(value: Any) -> str | None:
    """Any cell as text, the way it looks in the sheet: 13800138000.0 -> '13800138000'."""
    if type(value) is str:  # the common case, kept fast
        s = value.strip()
        if s.isprintable() or not s:
            return s or None
        s = _CONTROL.sub("", s).strip()
        return s or None
    value = cell_value(value)
    if value is None:
        return None
    if isinstance(value, str):
        s = _CONTROL.sub("", value).strip()
        return s or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return format(value, ".15g")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time() else value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def to_int(value: Any) -> int:
    """A whole number from 2005, 2005.0 or ' 2005 '; ValueError otherwise."""
    value = cell_value(value)
    if isinstance(value, bool) or value is None:
        raise ValueError(_("is not a whole number"))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        raise ValueError(_("is not a whole number"))
    if isinstance(value, str):
        s = value.replace(",", "").replace("，", "").strip()
        m = re.fullmatch(r"[+-]?\d+(?:\.0*)?", s)
        if m:
            return int(float(s)) if "." in s else int(s)
    raise ValueError(_("is not a whole number"))


def to_year(value: Any) -> int:
    """A year from 2005, 2005.0, '2005年', '2005-07' or a date."""
    value = cell_value(value)
    if isinstance(value, datetime | date):
        return value.year
    if isinstance(value, float) and 1000 <= value < 10000:
        return int(value)  # 2005.07: year.month
    if isinstance(value, str):
        m = re.fullmatch(r"(\d{4})\s*(?:年.*|[-./]\d{1,2}(?:[-./]\d{1,2})?)?", value.strip())
        if m:
            return int(m.group(1))
    return to_int(value)


_EXCEL_EPOCH = date(1899, 12, 30)
_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS = {m[:3]: i for i, m in enumerate(_MONTH_NAMES, start=1)}


def excel_serial_date(serial: float) -> date:
    """Excel's 1900 date system: 1 is 1900-01-01, 60 the fictitious 1900-02-29."""
    n = int(serial)
    if not 1 <= n <= 2958465:
        raise ValueError(_("is not a date"))
    if n < 60:
        return date(1899, 12, 31) + timedelta(days=n)
    if n == 60:
        raise ValueError(_("is 1900-02-29, which does not exist"))
    return _EXCEL_EPOCH + timedelta(days=n)


def _ymd(y: int, m: int, d: int) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise ValueError(_("is not a real date")) from None


_ISO = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?"
)
_YEAR_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
_DAY_FIRST = re.compile(r"(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{4})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NAMED = re.compile(
    r"(?:(\d{1,2})[\s-]+([a-z]+)\.?,?[\s-]+(\d{4}))|"
    r"(?:([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4}))|"
    r"(?:([a-z]+)\.?,?\s+(\d{4}))"
)


def to_date(value: Any) -> date:
    """A date from an Excel date or serial number, or text such as 2024-05-01, 2024/5/1,
    2024年5月1日, 01.05.2024, 1 May 2024, 1980.05 or 1980年5月 (the first of that month).

    Day/month order with slashes or dashes is taken from the value when one part is over 12,
    and refused as ambiguous otherwise; with dots it is day first, as in Europe.
    """
    value = cell_value(value)
    if value is None:
        raise ValueError(_("is empty"))
    if isinstance(value, bool):
        raise ValueError(_("is not a date"))
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        if 1000 <= value <= 2200:
            year = int(value)
            month = round((value - year) * 100)
            if month == 0:
                raise ValueError(_("is only a year; give the full date, like 1980-05-01"))
            if not 1 <= month <= 12:
                raise ValueError(_("is not a date"))
            return date(year, month, 1)  # 1980.05, as typed for 出生年月
        return excel_serial_date(value)
    if not isinstance(value, str):
        raise ValueError(_("is not a date"))
    s = value.strip().lower()
    if m := _ISO.fullmatch(s):
        return _ymd(int(m[1]), int(m[2]), int(m[3]))
    if m := _DAY_FIRST.fullmatch(s):
        a, sep, b, y = int(m[1]), m[2], int(m[3]), int(m[4])
        if sep == "." or (a > 12 >= b):
            return _ymd(y, b, a)
        if b > 12 >= a:
            return _ymd(y, a, b)
        if a == b:
            return _ymd(y, a, b)
        raise ValueError(
            _(
                "is ambiguous ({a}/{b} could be day/month or month/day); write it as "
                "{y}-{b2}-{a2} or {y}-{a2}-{b2}"
            ).format(a=a, b=b, y=y, b2=f"{b:02d}", a2=f"{a:02d}")
        )
    if m := _COMPACT.fullmatch(s):
        return _ymd(int(m[1]), int(m[2]), int(m[3]))
    if m := _YEAR_MONTH.fullmatch(s):
        return _ymd(int(m[1]), int(m[2]), 1)
    if m := _NAMED.fullmatch(s):
        if m[1]:
            d, mon, y = int(m[1]), m[2], int(m[3])
        elif m[4]:
            mon, d, y = m[4], int(m[5]), int(m[6])
        else:
            mon, d, y = m[7], 1, int(m[8])
        number = _MONTHS.get(mon[:3])
        if number is None or (len(mon) > 3 and not _month_name_ok(mon)):
            raise ValueError(_("is not a date"))
        return _ymd(y, number, d)
    if re.fullmatch(r"\d{4}", s):
        raise ValueError(_("is only a year; give the full date, like 1980-05-01"))
    if re.fullmatch(r"\d{1,7}(?:\.\d+)?", s):
        return excel_serial_date(float(s))
    raise ValueError(_("is not a date; write it like 2024-05-01"))


def _month_name_ok(word: str) -> bool:
    return word in _MONTH_NAMES or word == "sept"
