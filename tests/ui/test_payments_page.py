"""The Payments page: run a month's batch from the window, mark it paid, close a year and undo
it, checked in the database; the Funding page shows the paid money."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlmodel import col, select

from recruiter.domain.enums import OfferStatus
from recruiter.domain.models import FinanceBatch, Instalment, OfferItem
from recruiter.services import funding, offers, payments
from recruiter.services.payments import Line
from recruiter.store.database import Database
from recruiter.ui.pages.funding import COLUMNS, FundingPage
from recruiter.ui.pages.payments import PaymentsPage
from tests.factories import World, extend, item, make_world

SIGNED = date(2026, 3, 10)


@pytest.fixture
def world(db: Database) -> World:
    w = make_world(db)
    oid = offers.create_offer(
        db,
        w.apps[0],
        start_on="2026-04-01",
        items=[item(w.cny, 300_000_00), item(w.cny, 100_000_00, "startup_research")],
    )
    extend(db, oid, SIGNED)
    offers.set_status(db, oid, OfferStatus.accepted, today=SIGNED)
    with db.session() as s:
        settle, start = s.exec(
            select(col(OfferItem.id))
            .where(col(OfferItem.offer_id) == oid)
            .order_by(col(OfferItem.id))
        ).all()
    assert settle is not None and start is not None
    payments.set_schedule(
        db,
        settle,
        [
            Line("signing", percent=50, clawback="pro_rata"),
            Line("service_year", percent=50, trigger_year=1, clawback="pro_rata"),
        ],
    )
    payments.set_schedule(
        db, start, [Line("date", percent=100, trigger_on=date(2026, 3, 20), lapses=True)]
    )
    return w


def settled(qtbot: Any, page: Any) -> None:
    qtbot.waitUntil(lambda: not page.reader.pending, timeout=10_000)


@pytest.fixture
def page(qtbot: Any, make_ctx: Any, world: World) -> PaymentsPage:
    p = PaymentsPage(make_ctx(world.db))
    qtbot.addWidget(p)
    p.resize(1280, 720)
    p.month.setText("2026-03")
    p.show()
    qtbot.waitExposed(p)
    settled(qtbot, p)
    return p


def statuses(db: Database) -> list[str]:
    with db.session() as s:
        return list(s.exec(select(col(Instalment.status)).order_by(col(Instalment.id))).all())


def test_month_batch_from_the_page(
    qtbot: Any, page: PaymentsPage, world: World, tmp_path: Path
) -> None:
    assert page.due.rowCount() == 2
    assert "2 instalment(s)" in page.summary.text() and "250,000.00" in page.summary.text()
    page.grab().save(str(tmp_path / "payments.png"))
    out = tmp_path / "march.xlsx"
    page.write_batch(out)
    qtbot.waitUntil(lambda: statuses(world.db) == ["sent", "planned", "sent"], timeout=10_000)
    qtbot.waitUntil(
        lambda: page.due.rowCount() == 0 and page.batches.rowCount() == 1, timeout=10_000
    )
    assert out.exists()
    ws = openpyxl.load_workbook(out).active
    assert ws is not None and ws.max_row == 3
    assert not page.batch_button.isEnabled()  # nothing more due this month
    # mark the batch paid from the Batches tab; undo puts it back
    page.tabs.setCurrentIndex(2)
    page.batches.selectRow(0)
    page.mark_selected_paid()
    assert statuses(world.db) == ["paid", "planned", "paid"]
    b = funding.balances(world.db, [world.cny])[0]
    assert (b.paid, b.committed_unpaid) == (250_000_00, 150_000_00)
    page.ctx.undo.undo()
    assert statuses(world.db) == ["sent", "planned", "sent"]
    page.ctx.undo.redo()
    assert statuses(world.db) == ["paid", "planned", "paid"]
    with world.db.session() as s:
        (batch,) = s.exec(select(FinanceBatch)).all()
        assert batch.month == "2026-03" and batch.rows == 2


def test_cancel_batch_and_year_close_from_the_page(
    qtbot: Any, page: PaymentsPage, world: World, tmp_path: Path
) -> None:
    page.write_batch(tmp_path / "b.xlsx")
    qtbot.waitUntil(lambda: page.batches.rowCount() == 1, timeout=10_000)
    page.batches.selectRow(0)
    page.cancel_selected()
    assert statuses(world.db) == ["planned", "planned", "planned"]
    settled(qtbot, page)
    qtbot.waitUntil(lambda: page.due.rowCount() == 2, timeout=10_000)
    page.year.setValue(2026)
    page.close_year()
    assert statuses(world.db) == ["planned", "planned", "lapsed"]
    page.ctx.undo.undo()
    assert statuses(world.db) == ["planned", "planned", "planned"]


def test_funding_page_shows_paid(qtbot: Any, make_ctx: Any, world: World, tmp_path: Path) -> None:
    res = payments.run_batch(world.db, tmp_path / "b.xlsx", "2026-03")
    assert res.batch_id is not None
    payments.mark_batch_paid(world.db, res.batch_id, date(2026, 3, 31))
    p = FundingPage(make_ctx(world.db))
    qtbot.addWidget(p)
    p.show()
    qtbot.waitUntil(lambda: p.model.rowCount() == 2, timeout=10_000)
    row = next(n for n, b in enumerate(p.model.rows) if b.source_id == world.cny)
    assert p.model.index(row, COLUMNS.index("Paid")).data() == "¥250,000.00"
    assert p.model.index(row, COLUMNS.index("Committed")).data() == "¥400,000.00"
    p.table.selectRow(row)
    qtbot.waitUntil(lambda: p.years_table.rowCount() == 3 and not p.loading, timeout=10_000)
    years = [
        [p.years_table.item(r, c).text() for c in range(4)] for r in range(p.years_table.rowCount())
    ]
    assert years == [
        ["2026", "¥0.00", "¥0.00", "¥250,000.00"],
        ["2027", "¥0.00", "¥150,000.00", "¥0.00"],  # after the first year of service
        ["Total", "¥0.00", "¥150,000.00", "¥250,000.00"],
    ]


def test_due_dock_reminds_of_assessments_and_dashboard_shows_next_year(
    qtbot: Any, make_ctx: Any, world: World
) -> None:
    from recruiter.domain import clock
    from recruiter.domain.instalments import add_years
    from recruiter.ui.dashboard_payments import PaymentsOutlook
    from recruiter.ui.followups import FollowUpsPanel

    today = clock.today()
    payments.set_service(world.db, world.apps[0], add_years(today, -4), 8)
    ctx = make_ctx(world.db)
    panel = FollowUpsPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: not panel.loading, timeout=10_000)
    # the mid-term review of an 8-year agreement started four years ago falls due about now
    assert panel.assessments_model.rowCount() == 1
    assert "Mid-term assessment" in str(panel.assessments_model.record(0).label)
    label = PaymentsOutlook(ctx)
    qtbot.addWidget(label)
    qtbot.waitUntil(lambda: "expected in" in label.text(), timeout=10_000)
    assert f"expected in {today.year + 1}" in label.text()


def test_hires_tab_records_a_result_and_a_departure(
    qtbot: Any, page: PaymentsPage, world: World, tmp_path: Path
) -> None:
    from recruiter.ui.qt import QtCore

    res = payments.run_batch(world.db, tmp_path / "b.xlsx", "2026-03")
    assert res.batch_id is not None
    payments.mark_batch_paid(world.db, res.batch_id, date(2026, 3, 31))
    hires = page.hires
    page.tabs.setCurrentWidget(hires)
    qtbot.waitUntil(lambda: hires.hire.count() == 1 and not hires.reader.pending, timeout=10_000)
    hires.starts.setDate(QtCore.QDate(2026, 4, 1))
    hires.years.setValue(5)
    hires.set_service()
    qtbot.waitUntil(lambda: hires.table.rowCount() == 2, timeout=10_000)
    hires.table.selectRow(0)
    hires.result.setCurrentIndex(hires.result.findData("合格"))
    hires.record_result()
    assert [a.result for a in payments.assessments(world.db)] == ["合格", None]
    page.ctx.undo.undo()
    assert [a.result for a in payments.assessments(world.db)] == [None, None]
    # leaving after 12 of 60 months: the 150,000.00 paid at signing is refunded 48/60
    hires.left_on.setDate(QtCore.QDate(2027, 4, 1))
    hires.record_departure()
    assert "¥150,000.00 × 48 / 60 months not served = ¥120,000.00" in hires.working.toPlainText()
    b = funding.balances(world.db, [world.cny])[0]
    assert b.paid == 250_000_00  # owed: it returns to the source when received (Refunds tab)
    assert [r.owed for r in payments.refunds(world.db)] == [120_000_00]
    page.ctx.undo.undo()
    assert funding.balances(world.db, [world.cny])[0].paid == 250_000_00
