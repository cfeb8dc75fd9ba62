"""The finance batch workbook speaks the workbook's language, and the returned sheet is read
back by either language's headers, with the finance office's usual edits (columns added,
moved, a title line above, a totals line below)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from recruiter import i18n
from recruiter.exchange.batch import (
    COLUMNS,
    HEADERS,
    BatchLine,
    ReturnedSheetError,
    column_keys,
    read_returned,
    write_batch,
)

LINES = [
    BatchLine(
        7,
        "Wei Zhang",
        "Chair",
        "Settling-in",
        "At signing",
        "National",
        "P-1",
        12_345_67,
        "CNY",
        date(2026, 3, 10),
    ),
    BatchLine(9, "Na Li", "Chair", "Housing", "On arrival", "Match", "", 500_00, "CNY", None),
]


def headers_of(path: Path) -> list[str]:
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    return [str(c.value) for c in next(ws.iter_rows(max_row=1))]


@pytest.mark.parametrize(
    ("lang", "first", "paid"), [("en", "Ref", "Paid on"), ("zh_CN", "编号", "支付日期")]
)
def test_headers_in_the_workbook_language_and_read_back(
    tmp_path: Path, lang: str, first: str, paid: str
) -> None:
    out = write_batch(tmp_path / f"{lang}.xlsx", "2026-03", LINES, lang=lang)
    headers = headers_of(out)
    assert headers[0] == first and headers[-1] == paid
    assert headers == [c.header(lang == "zh_CN") for c in COLUMNS]
    if lang == "en":
        assert tuple(headers) == HEADERS  # English as before
    else:
        assert not any(h.isascii() for h in headers)
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    assert ws is not None
    ws.cell(row=2, column=len(headers), value=date(2026, 3, 28))  # finance paid the first
    wb.save(out)
    got = read_returned(out)
    assert [(r.ref, r.paid_on) for r in got] == [(7, date(2026, 3, 28)), (9, None)]


def test_the_window_language_is_the_default(tmp_path: Path) -> None:
    i18n.set_language("zh_CN")
    out = write_batch(tmp_path / "b.xlsx", "2026-03", LINES)
    assert headers_of(out)[:2] == ["编号", "姓名"]
    assert openpyxl.load_workbook(out).sheetnames == ["付款申请 2026-03"]


def test_the_finance_offices_edits_are_tolerated(tmp_path: Path) -> None:
    """Columns moved and added, a title line, a totals line, headers with full-width brackets
    and trailing colons, mixed languages."""
    path = tmp_path / "returned.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["2026年3月 人才经费支付回执"])
    ws.append(["审核人", "支付日期：", "金额（最小货币单位）", "Person", "编号", "备注"])
    ws.append(["王", date(2026, 3, 30), 1_234_567, "Wei Zhang", 7, "已付"])
    ws.append(["王", None, 50_000, "Na Li", 9.0, ""])
    ws.append(["", None, 1_284_567, "", "合计", ""])
    wb.save(path)
    got = read_returned(path)
    assert [(r.ref, r.paid_on) for r in got] == [(7, date(2026, 3, 30)), (9, None)]


def test_header_table_maps_both_languages() -> None:
    assert column_keys(["Paid on", "Ref"]) == {"paid_on": 0, "ref": 1}
    assert column_keys([" 编号 ", "付款日期", "extra"]) == {"ref": 0, "paid_on": 1}
    assert column_keys(["REF", "PAID ON:"]) == {"ref": 0, "paid_on": 1}


def test_a_sheet_without_ref_or_paid_on_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "金额"])
    ws.append(["Wei Zhang", 100])
    wb.save(path)
    with pytest.raises(ReturnedSheetError, match="Ref"):
        read_returned(path)


def test_the_command_line_writes_chinese_headers(tmp_path: Path) -> None:
    from recruiter.cli import main
    from recruiter.domain.enums import OfferStatus
    from recruiter.services import offers, payments
    from recruiter.services.payments import Line
    from recruiter.store.opening import open_database
    from tests.factories import extend, item, make_world

    db_path = tmp_path / "r.db"
    db = open_database(db_path)
    try:
        world = make_world(db)
        oid = offers.create_offer(
            db, world.apps[0], start_on="2026-04-01", items=[item(world.cny, 100_000_00, "other")]
        )
        extend(db, oid, date(2026, 3, 10))
        offers.set_status(db, oid, OfferStatus.accepted, today=date(2026, 3, 10))
        (item_id,) = [int(i["id"]) for i in offers.snapshot(db, oid).items]
        payments.set_schedule(db, item_id, [Line("signing", percent=100)])
    finally:
        db.dispose()
    out = tmp_path / "b.xlsx"
    args = ["--db", str(db_path), "batch", str(out), "--month", "2026-03", "--lang", "zh_CN"]
    assert main(args) == 0
    assert headers_of(out)[0] == "编号"
    assert [r.ref for r in read_returned(out)] == [1]
