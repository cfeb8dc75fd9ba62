"""The finance office's monthly batch workbook, and reading the sheet they send back.

One row per instalment; the `Ref` column is the instalment's number, which the returned sheet
must keep, and the finance office fills in `Paid on` for what they paid. Amounts are written
twice: in major units for people, and exactly in minor units for the round trip."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from recruiter.domain.money import exponent
from recruiter.errors import RecruiterError
from recruiter.i18n import _

from . import workbook as xw
from .reading import read_table

HEADERS = (
    "Ref",
    "Person",
    "Target",
    "Item",
    "Trigger",
    "Source",
    "Project number",
    "Amount",
    "Currency",
    "Amount (minor units)",
    "Due on",
    "Paid on",
)
_KINDS = (
    "int",
    "text",
    "text",
    "text",
    "text",
    "text",
    "text",
    "number",
    "text",
    "int",
    "date",
    "date",
)
_WIDTHS = (8, 24, 28, 22, 28, 28, 16, 16, 9, 18, 12, 12)
# Headers a returned sheet may use instead (the finance office may translate them).
_REF = {"ref", "编号", "reference"}
_PAID_ON = {"paid on", "支付日期", "付款日期", "paid"}


@dataclass(frozen=True)
class BatchLine:
    ref: int
    person: str
    target: str
    item: str
    trigger: str
    source: str
    project_no: str
    amount_minor: int
    currency: str
    due_on: date | None


def major(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def write_batch(path: Path | str, month: str, lines: Sequence[BatchLine]) -> Path:
    """The batch workbook for `month` (one sheet); returns where it was written."""
    rows: list[list[Any]] = [
        [
            line.ref,
            line.person,
            line.target,
            line.item,
            line.trigger,
            line.source,
            line.project_no,
            major(line.amount_minor, line.currency),
            line.currency,
            line.amount_minor,
            line.due_on,
            None,
        ]
        for line in lines
    ]
    sheet = xw.DataSheet(
        xw.sheet_title(f"Payments {month}"),
        [xw.Column(h, k, w) for h, k, w in zip(HEADERS, _KINDS, _WIDTHS, strict=True)],
        rows,
        total=len(rows),
    )
    return xw.write_table(path, sheet).path


@dataclass(frozen=True)
class Returned:
    """One row of the returned sheet: the instalment and the day finance paid it (None: not
    paid)."""

    ref: int
    paid_on: date | None
    row: int


class ReturnedSheetError(RecruiterError):
    pass


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def read_returned(path: Path | str) -> list[Returned]:
    """The Ref and Paid on of each row of the finance office's returned sheet."""
    table = read_table(path)
    names = [str(h).strip().lower() for h in table.headers]
    try:
        ref_at = next(i for i, n in enumerate(names) if n in _REF)
        paid_at = next(i for i, n in enumerate(names) if n in _PAID_ON)
    except StopIteration:
        raise ReturnedSheetError(
            _(
                "{name} has no 'Ref' and 'Paid on' columns; send back the batch "
                "workbook Recruiter wrote, with 'Paid on' filled in."
            ).format(name=Path(path).name)
        ) from None
    out = []
    problems = []
    for number, row in table.data_rows():
        try:
            ref = int(str(row[ref_at]).strip().split(".")[0])
        except ValueError:
            problems.append(
                _("row {number}: Ref '{row}' is not a number").format(
                    number=number, row=row[ref_at]
                )
            )
            continue
        try:
            paid_on = _date(row[paid_at])
        except ValueError as exc:
            problems.append(
                _("row {number}: Paid on '{exc}' is not a date (YYYY-MM-DD)").format(
                    number=number, exc=exc
                )
            )
            continue
        out.append(Returned(ref, paid_on, number))
    if problems:
        raise ReturnedSheetError(
            _("The returned sheet has rows Recruiter cannot read, so nothing was marked paid: ")
            + "; ".join(problems[:5])
        )
    return out


__all__ = ["HEADERS", "BatchLine", "Returned", "ReturnedSheetError", "read_returned", "write_batch"]
