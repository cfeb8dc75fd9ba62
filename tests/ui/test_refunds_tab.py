"""The Payments page's Refunds tab: a refund owed after an early departure is marked received
in two parts (undoable, redo keeps the receipt's id), checked in the database and the ledger."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from recruiter.domain.models import RefundReceipt
from recruiter.services import funding, payments
from recruiter.store.database import Database
from recruiter.ui.pages.payments import PaymentsPage
from recruiter.ui.pages.payments_refunds import RefundsPanel
from recruiter.ui.qt import QtCore
from tests.unit.test_refund_receipts import departed


def receipts(db: Database) -> list[tuple[int, int, date]]:
    with db.session() as s:
        rows = s.exec(select(RefundReceipt).order_by(col(RefundReceipt.id))).all()
        return [(r.id or 0, r.amount_minor, r.received_on) for r in rows]


def test_mark_a_refund_received_in_parts_with_undo(
    qtbot: Any, make_ctx: Any, db: Database, tmp_path: Path
) -> None:
    cny, _app = departed(db, tmp_path)
    paid_before = funding.balances(db, [cny])[0].paid
    ctx = make_ctx(db)
    page = PaymentsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    panel = page.findChild(RefundsPanel)
    assert panel is not None
    page.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=10_000)
    assert panel.table.item(0, 7).text() == "owed"
    assert not panel.receive_button.isEnabled()  # nothing selected yet
    panel.table.selectRow(0)
    assert panel.receive_button.isEnabled()
    panel.amount.setText("40,000")
    panel.received_on.setDate(QtCore.QDate(2027, 5, 1))
    panel.receive_button.click()
    assert receipts(db) == [(1, 40_000_00, date(2027, 5, 1))]
    assert funding.balances(db, [cny])[0].paid == paid_before - 40_000_00
    qtbot.waitUntil(lambda: panel.table.item(0, 7).text() == "partly received", timeout=10_000)
    assert panel.table.item(0, 6).text() == payments_text(56_000_00)
    # more than is outstanding is refused, nothing changes
    panel.table.selectRow(0)
    panel.amount.setText("60,000")
    panel.receive_button.click()
    assert "outstanding" in panel.error.text()
    assert len(receipts(db)) == 1
    ctx.undo.undo()
    assert receipts(db) == []
    ctx.undo.redo()
    assert receipts(db) == [(1, 40_000_00, date(2027, 5, 1))]
    # the rest, leaving the amount empty
    qtbot.waitUntil(lambda: panel.table.item(0, 7).text() == "partly received", timeout=10_000)
    panel.table.selectRow(0)
    panel.amount.clear()
    panel.received_on.setDate(QtCore.QDate(2028, 1, 10))
    panel.receive_button.click()
    assert [r[1:] for r in receipts(db)] == [
        (40_000_00, date(2027, 5, 1)),
        (56_000_00, date(2028, 1, 10)),
    ]
    qtbot.waitUntil(lambda: panel.table.item(0, 7).text() == "received", timeout=10_000)
    assert not panel.receive_button.isEnabled()
    assert funding.balances(db, [cny])[0].paid == paid_before - 96_000_00
    years = payments.by_fiscal_year(db)
    assert (years[(cny, 2027)].paid, years[(cny, 2028)].paid) == (-40_000_00, -56_000_00)
    shot = os.environ.get("RECRUITER_SHOTS")
    if shot:
        page.grab().save(str(Path(shot) / "refunds.png"))


def payments_text(minor: int) -> str:
    from recruiter.domain import money

    return money.format_amount(minor, "CNY")
