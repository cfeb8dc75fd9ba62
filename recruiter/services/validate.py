"""Field validation shared by the services: collect every problem, then raise once."""

from __future__ import annotations

from datetime import date
from typing import Any

from recruiter.errors import ValidationError
from recruiter.i18n import _


class Problems:
    """Collects field -> message; `raise_if_any()` raises one ValidationError with all of them."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def clean_text(value: Any, max_len: int | None = None) -> str | None:
    """Trim; empty becomes None. Control characters other than newline/tab are dropped."""
    if value is None:
        return None
    s = str(value)
    s = "".join(c for c in s if c in "\n\t" or ord(c) >= 32).strip()
    if not s:
        return None
    return s[:max_len] if max_len else s


def as_int(
    value: Any,
    field: str,
    problems: Problems,
    lo: int | None = None,
    hi: int | None = None,
    what: str | None = None,
) -> int | None:
    if value is None or value == "":
        return None
    try:
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError
            value = int(value)
        n = int(str(value).strip())
    except ValueError:
        problems.add(field, _("must be {what}").format(what=what or _("a whole number")))
        return None
    if (lo is not None and n < lo) or (hi is not None and n > hi):
        problems.add(field, _("must be between {lo} and {hi}").format(lo=lo, hi=hi))
        return None
    return n


def as_date(value: Any, field: str, problems: Problems) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        problems.add(field, _("must be a date like 2025-03-31"))
        return None
