"""The finance office's monthly batch workbook, and reading the sheet they send back.

One row per instalment; the `Ref` (编号) column is the instalment's number, which the returned
sheet must keep, and the finance office fills in `Paid on` (支付日期) for what they paid. Headers
are written in the workbook's language and read back in either (COLUMNS holds both). Amounts
are written twice: in major units for people, and exactly in minor units for the round trip."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from recruiter import i18n
from recruiter.domain.money import exponent
from recruiter.errors import RecruiterError
from recruiter.i18n import _

from . import workbook as xw
from .reading import read_table


@dataclass(frozen=True)
class BatchColumn:
    """One column of the batch workbook: its key, its header in each language, and the other
    headers a returned sheet may carry instead (the finance office's own words)."""

    key: str
    en: str
    zh: str
    kind: str
    width: int
    also: tuple[str, ...] = ()

    def header(self, chinese: bool) -> str:
        return self.zh if chinese else self.en


# The one header table, both languages: the workbook is written in the window's (or --lang)
# language, and a returned sheet is read back by either language's headers.
COLUMNS: tuple[BatchColumn, ...] = (
    BatchColumn("ref", "Ref", "编号", "int", 8, ("reference", "ref.", "ref no", "参考号")),
    BatchColumn("person", "Person", "姓名", "text", 24, ("name", "人员")),
    BatchColumn("target", "Target", "招聘岗位", "text", 28, ("岗位",)),
    BatchColumn("item", "Item", "待遇项目", "text", 22, ("项目名称",)),
    BatchColumn("trigger", "Trigger", "支付条件", "text", 28),
    BatchColumn("source", "Source", "经费来源", "text", 28),
    BatchColumn("project_no", "Project number", "项目编号", "text", 16, ("project no", "项目号")),
    BatchColumn("amount", "Amount", "金额", "number", 16),
    BatchColumn("currency", "Currency", "币种", "text", 9),
    BatchColumn(
        "amount_minor", "Amount (minor units)", "金额（最小货币单位）", "int", 18, ("金额（分）",)
    ),
    BatchColumn("due_on", "Due on", "应付日期", "date", 12),
    BatchColumn(
        "paid_on", "Paid on", "支付日期", "date", 12, ("paid", "付款日期", "实付日期", "支付时间")
    ),
)
HEADERS = tuple(c.en for c in COLUMNS)  # the English headers (as before)
_TOTAL_WORDS = {"total", "totals", "合计", "总计", "小计"}


def _norm(header: Any) -> str:
    """A header as compared: trimmed, case folded, full-width brackets and spaces made plain,
    inner spaces and a trailing colon or asterisk dropped ('Paid on:', '支付日期 *')."""
    text = str(header or "").translate(str.maketrans("（）：　", "(): ")).strip().casefold()
    text = text.rstrip(":*").strip()
    return " ".join(text.split())


_BY_HEADER: dict[str, str] = {
    _norm(h): c.key for c in COLUMNS for h in (c.en, c.zh, c.key, *c.also)
}


def column_keys(headers: Sequence[Any]) -> dict[str, int]:
    """Which column of a returned sheet holds which key (the first one, when repeated); extra
    columns the finance office added are ignored, and the order does not matter."""
    found: dict[str, int] = {}
    for at, h in enumerate(headers):
        key = _BY_HEADER.get(_norm(h))
        if key is not None and key not in found:
            found[key] = at
    return found


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


def write_batch(
    path: Path | str, month: str, lines: Sequence[BatchLine], lang: str | None = None
) -> Path:
    """The batch workbook for `month` (one sheet), with headers in `lang` (default: the
    current language); returns where it was written."""
    chinese = (lang or i18n.language()) == i18n.CHINESE
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
    title = f"付款申请 {month}" if chinese else f"Payments {month}"
    sheet = xw.DataSheet(
        xw.sheet_title(title),
        [xw.Column(c.header(chinese), c.kind, c.width) for c in COLUMNS],
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
    """The Ref and Paid on of each row of the finance office's returned sheet, its headers in
    English or Chinese, with columns added or moved; rows without a Ref (a totals line, a note)
    are skipped."""
    table = read_table(path)
    found = column_keys(table.headers)
    if "ref" not in found or "paid_on" not in found:
        raise ReturnedSheetError(
            _(
                "{name} has no 'Ref' and 'Paid on' columns; send back the batch "
                "workbook Recruiter wrote, with 'Paid on' filled in."
            ).format(name=Path(path).name)
        ) from None
    ref_at, paid_at = found["ref"], found["paid_on"]
    out = []
    problems = []
    for number, row in table.data_rows():
        text = str(row[ref_at] if row[ref_at] is not None else "").strip()
        if not text or _norm(text) in _TOTAL_WORDS:
            continue
        try:
            ref = int(text.split(".")[0])
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


__all__ = [
    "COLUMNS",
    "HEADERS",
    "BatchColumn",
    "BatchLine",
    "Returned",
    "ReturnedSheetError",
    "column_keys",
    "read_returned",
    "write_batch",
]
