"""Payment schedules, the ledger with paid money, finance batches, assessments, departures and
the year-end close, each checked against the database afterwards."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import col, select

from recruiter.cli import main
from recruiter.domain.enums import FundingKind, OfferStatus
from recruiter.domain.models import (
    AuditEntry,
    FinanceBatch,
    Instalment,
    OfferItem,
    Refund,
    RefundReceipt,
)
from recruiter.errors import ConflictError, ValidationError
from recruiter.services import funding, offers, payments
from recruiter.services.payments import Line
from recruiter.store.database import Database
from tests.factories import World, extend, item, make_world

SIGNED = date(2026, 3, 10)


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db, cny_total=2_000_000_00)


def accepted_offer(
    world: World, items: list[dict[str, object]], app: int = 0
) -> tuple[int, list[int]]:
    oid = offers.create_offer(world.db, world.apps[app], start_on="2026-04-01", items=items)
    extend(world.db, oid, SIGNED)
    offers.set_status(world.db, oid, OfferStatus.accepted, today=SIGNED)
    with world.db.session() as s:
        ids = s.exec(
            select(col(OfferItem.id))
            .where(col(OfferItem.offer_id) == oid)
            .order_by(col(OfferItem.id))
        ).all()
    return oid, [i for i in ids if i is not None]


def balance(db: Database, sid: int) -> funding.Balance:
    (b,) = funding.balances(db, [sid])
    return b


def statuses(db: Database, item_id: int) -> list[str]:
    with db.session() as s:
        return list(
            s.exec(
                select(col(Instalment.status))
                .where(col(Instalment.offer_item_id) == item_id)
                .order_by(col(Instalment.seq))
            ).all()
        )


# -- schedules -----------------------------------------------------------------------------


def test_schedule_by_percentage_adds_up_and_splits_between_sources(world: World) -> None:
    match = funding.create(
        world.db, name="University match", kind=FundingKind.university, total_minor=500_000_00
    )
    _oid, (bonus,) = accepted_offer(world, [item(world.cny, 100_000_01, "signing_bonus")])
    payments.set_schedule(
        world.db,
        bonus,
        [
            Line("signing", percent=60),
            Line("assessment", percent=20, assessment_kind="mid_term", funding_source_id=match),
            Line("assessment", percent=20, assessment_kind="end_of_term", funding_source_id=match),
        ],
    )
    with world.db.session() as s:
        rows = s.exec(select(Instalment).order_by(col(Instalment.seq))).all()
        assert [r.amount_minor for r in rows] == [60_000_01, 20_000_00, 20_000_00]
    # the national grant carries 60%, the match 40%: counted once, nowhere twice
    assert balance(world.db, world.cny).committed == 60_000_01
    assert balance(world.db, match).committed == 40_000_00
    assert balance(world.db, match).available == 500_000_00 - 40_000_00


def test_schedule_that_does_not_add_up_is_refused(world: World) -> None:
    _oid, (it,) = accepted_offer(world, [item(world.cny, 100_000_00)])
    with pytest.raises(ValidationError) as exc:
        payments.set_schedule(
            world.db,
            it,
            [Line("signing", amount_minor=50_000_00), Line("arrival", amount_minor=40_000_00)],
        )
    assert "add up to 9000000" in exc.value.errors["instalments"]
    with pytest.raises(ValidationError):
        payments.set_schedule(world.db, it, [Line("date", amount_minor=100_000_00)])  # no date
    with pytest.raises(ValidationError):
        payments.set_schedule(
            world.db, it, [Line("signing", amount_minor=100_000_00, funding_source_id=world.usd)]
        )
    assert statuses(world.db, it) == []


def test_templates_fill_every_kind(world: World) -> None:
    _oid, ids = accepted_offer(
        world,
        [
            item(world.cny, 300_000_00, "settling_in"),
            item(world.cny, 50_000_00, "salary", period="annual", years=3),
            item(world.cny, 200_000_00, "startup_research"),
        ],
    )
    assert payments.fill_from_templates(world.db) == 3
    with world.db.session() as s:
        amounts = {
            i: [
                r.amount_minor
                for r in s.exec(
                    select(Instalment)
                    .where(col(Instalment.offer_item_id) == i)
                    .order_by(col(Instalment.seq))
                )
            ]
            for i in ids
        }
        lapsing = s.exec(select(Instalment).where(col(Instalment.lapses).is_(True))).all()
    assert amounts[ids[0]] == [102_000_00, 99_000_00, 99_000_00]
    assert amounts[ids[1]] == [50_000_00] * 3
    assert amounts[ids[2]] == [100_000_00, 50_000_00, 50_000_00]
    assert len(lapsing) == 3
    assert payments.fill_from_templates(world.db) == 0  # already scheduled


# -- batches -------------------------------------------------------------------------------


def test_batch_marks_sent_then_paid_and_the_ledger_follows(world: World, tmp_path: Path) -> None:
    _oid, (it,) = accepted_offer(world, [item(world.cny, 300_000_00)])
    payments.set_schedule(
        world.db,
        it,
        [Line("signing", percent=50), Line("date", percent=50, trigger_on=date(2026, 7, 1))],
    )
    assert payments.due_for_month(world.db, "2026-02") == []
    out = tmp_path / "march.xlsx"
    res = payments.run_batch(world.db, out, "2026-03")
    assert (res.rows, res.totals) == (1, {"CNY": 150_000_00})
    assert statuses(world.db, it) == ["sent", "planned"]
    ws = openpyxl.load_workbook(out).active
    assert ws is not None
    header = [c.value for c in ws[1]]
    row = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert row["Person"] == "Scholar 0" and row["Amount (minor units)"] == 150_000_00
    assert row["Source"] == "National programme" and row["Currency"] == "CNY"
    # nothing new is due in March any more: no file
    again = payments.run_batch(world.db, tmp_path / "again.xlsx", "2026-03")
    assert again.rows == 0 and not (tmp_path / "again.xlsx").exists()
    b = balance(world.db, world.cny)
    assert (b.committed, b.paid) == (300_000_00, 0)
    assert res.batch_id is not None
    payments.mark_batch_paid(world.db, res.batch_id, date(2026, 3, 28))
    b = balance(world.db, world.cny)
    assert (b.paid, b.committed_unpaid, b.available) == (
        150_000_00,
        150_000_00,
        2_000_000_00 - 300_000_00,
    )
    assert b.total == b.available + b.reserved + b.committed_unpaid + b.paid
    with pytest.raises(ConflictError):
        payments.cancel_batch(world.db, res.batch_id)
    by_year = payments.by_fiscal_year(world.db)
    assert by_year[(world.cny, 2026)].paid == 150_000_00
    assert by_year[(world.cny, 2026)].committed_unpaid == 150_000_00


def test_cancel_batch_puts_everything_back(world: World, tmp_path: Path) -> None:
    _oid, (it,) = accepted_offer(world, [item(world.cny, 100_000_00)])
    payments.set_schedule(world.db, it, [Line("signing", percent=100)])
    res = payments.run_batch(world.db, tmp_path / "b.xlsx", "2026-03")
    assert res.batch_id is not None
    assert payments.cancel_batch(world.db, res.batch_id) != []
    assert statuses(world.db, it) == ["planned"]
    with world.db.session() as s:
        batch = s.get(FinanceBatch, res.batch_id)
        assert batch is not None and batch.cancelled_at is not None
    assert len(payments.due_for_month(world.db, "2026-03")) == 1  # due again


def test_returned_sheet_marks_paid(world: World, tmp_path: Path) -> None:
    _oid, (a, b) = accepted_offer(
        world, [item(world.cny, 100_000_00), item(world.cny, 50_000_00, "relocation")]
    )
    payments.set_schedule(world.db, a, [Line("signing", percent=100)])
    payments.set_schedule(world.db, b, [Line("signing", percent=100)])
    out = tmp_path / "batch.xlsx"
    payments.run_batch(world.db, out, "2026-03")
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    assert ws is not None
    paid_col = [c.value for c in ws[1]].index("Paid on") + 1
    ws.cell(row=2, column=paid_col, value="2026-04-02")  # finance paid the first only
    wb.save(tmp_path / "returned.xlsx")
    res = payments.import_returned(world.db, tmp_path / "returned.xlsx")
    assert len(res.paid) == 1 and res.not_paid == 1 and res.unknown == []
    with world.db.session() as s:
        (paid,) = s.exec(select(Instalment).where(col(Instalment.status) == "paid")).all()
        assert paid.paid_on == date(2026, 4, 2)


def test_cli_batch_json(world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _oid, (it,) = accepted_offer(world, [item(world.cny, 100_000_00)])
    payments.set_schedule(world.db, it, [Line("signing", percent=100)])
    db_path = world.db.url  # the file, or the database on the --db-url server
    world.db.dispose()
    out = tmp_path / "out.xlsx"
    assert main(["--db", str(db_path), "batch", str(out), "--month", "2026-03", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["rows"] == 1 and got["totals"] == {"CNY": 100_000_00} and got["file"] == str(out)
    assert (
        main(
            [
                "--db",
                str(db_path),
                "batch",
                str(tmp_path / "no.xlsx"),
                "--month",
                "2026-04",
                "--json",
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert json.loads(captured.out)["rows"] == 0 and "nothing" in captured.err.lower()
    assert not (tmp_path / "no.xlsx").exists()
    assert main(["--db", str(db_path), "batch", str(out), "--month", "2026-13"]) == 1


# -- assessments ---------------------------------------------------------------------------


def test_failed_assessment_stops_its_tranche_and_clearing_restores_it(world: World) -> None:
    _oid, (it,) = accepted_offer(world, [item(world.cny, 100_000_00, "signing_bonus")])
    payments.set_schedule(
        world.db,
        it,
        [
            Line("signing", percent=60),
            Line("assessment", percent=20, assessment_kind="mid_term"),
            Line("assessment", percent=20, assessment_kind="end_of_term"),
        ],
    )
    payments.set_service(world.db, world.apps[0], date(2026, 4, 1), 8)
    rows = payments.assessments(world.db, application_id=world.apps[0])
    assert [r.kind for r in rows] == ["mid_term", "end_of_term"]
    assert rows[1].due_on == date(2034, 4, 1)
    mid = rows[0].id
    before = balance(world.db, world.cny).available
    change = payments.record_result(world.db, mid, "不合格", date(2030, 4, 10))
    assert statuses(world.db, it) == ["planned", "stopped", "planned"]
    assert balance(world.db, world.cny).available == before + 20_000_00  # back to the source
    payments.restore_result(world.db, change)
    assert statuses(world.db, it) == ["planned", "planned", "planned"]
    payments.record_result(world.db, mid, "合格", date(2030, 4, 10))
    due = payments.due_for_month(world.db, "2030-04")
    assert sorted(r.amount_minor for r in due) == [20_000_00, 60_000_00]
    with pytest.raises(ValidationError):
        payments.record_result(world.db, mid, "excellent")


# -- departure -----------------------------------------------------------------------------


def test_early_departure_refund_pro_rata_and_full(world: World, tmp_path: Path) -> None:
    _oid, (settle, bonus) = accepted_offer(
        world,
        [item(world.cny, 600_000_00, "settling_in"), item(world.cny, 100_000_00, "signing_bonus")],
    )
    payments.set_schedule(
        world.db,
        settle,
        [
            Line("signing", percent=50, clawback="pro_rata"),
            Line("service_year", percent=50, trigger_year=4, clawback="pro_rata"),
        ],
    )
    payments.set_schedule(world.db, bonus, [Line("signing", percent=100, clawback="full")])
    payments.set_service(world.db, world.apps[0], date(2026, 4, 1), 8)
    res = payments.run_batch(world.db, tmp_path / "b.xlsx", "2026-03")
    assert res.batch_id is not None
    payments.mark_batch_paid(world.db, res.batch_id, date(2026, 3, 30))
    # left after 36 of 96 months: 300,000.00 x 60/96 = 187,500.00; the bonus comes back whole
    terms = payments.preview(world.db, world.apps[0], date(2029, 4, 1))
    assert (terms.months_served, terms.service_months) == (36, 96)
    assert sorted(r.amount for r in terms.refunds) == [100_000_00, 187_500_00]
    assert any("60 / 96" in r.working for r in terms.refunds)
    before = balance(world.db, world.cny)
    did = payments.record(world.db, world.apps[0], date(2029, 4, 1))
    after = balance(world.db, world.cny)
    # owed, not received yet: the money has not come back to the source
    assert after.paid == before.paid
    assert after.committed_unpaid == 0  # the unpaid year-4 tranche stopped
    assert after.total == after.available + after.reserved + after.committed_unpaid + after.paid
    assert statuses(world.db, settle) == ["paid", "stopped"]
    with world.db.session() as s:
        assert len(s.exec(select(Refund)).all()) == 2
        actions = s.exec(
            select(col(AuditEntry.action)).where(col(AuditEntry.entity) == "departure")
        ).all()
        assert list(actions) == ["create"]
    owed = {r.owed: r for r in payments.refunds(world.db, world.apps[0])}
    assert sorted(owed) == [100_000_00, 187_500_00]
    assert all(r.state == "owed" for r in owed.values())
    # the pro rata refund comes back in two parts, across a year end; the bonus whole
    big = owed[187_500_00].id
    with pytest.raises(ValidationError):  # never before the departure
        payments.receive(world.db, big, 1, date(2029, 3, 1))
    with pytest.raises(ValidationError, match="outstanding"):  # never more than owed
        payments.receive(world.db, big, 187_500_01, date(2029, 12, 20))
    first = payments.receive(world.db, big, 87_500_00, date(2029, 12, 20))
    payments.receive(world.db, big, None, date(2030, 1, 15))  # the rest
    payments.receive(world.db, owed[100_000_00].id, 100_000_00, date(2029, 6, 1))
    got = balance(world.db, world.cny)
    assert got.paid == before.paid - 287_500_00
    assert got.total == got.available + got.reserved + got.committed_unpaid + got.paid
    years = payments.by_fiscal_year(world.db)
    assert years[(world.cny, 2029)].paid == -187_500_00
    assert years[(world.cny, 2030)].paid == -100_000_00
    assert {r.state for r in payments.refunds(world.db)} == {"received"}
    with pytest.raises(ConflictError):  # nothing more is outstanding
        payments.receive(world.db, big, 1, date(2030, 2, 1))
    with pytest.raises(ConflictError):  # received money is not undone with the departure
        payments.undo(world.db, did)
    snap = payments.remove_receipt(world.db, first)
    assert balance(world.db, world.cny).paid == before.paid - 200_000_00
    assert [r.state for r in payments.refunds(world.db) if r.id == big] == ["part"]
    assert payments.restore_receipt(world.db, snap) == first
    with world.db.session() as s:
        for receipt in s.exec(select(RefundReceipt)).all():
            assert receipt.id is not None
            payments.remove_receipt(world.db, receipt.id)
    payments.undo(world.db, did)
    assert balance(world.db, world.cny) == before
    assert statuses(world.db, settle) == ["paid", "planned"]


# -- year-end close ------------------------------------------------------------------------


def test_year_end_close_lapses_unspent_startup_funds_and_undo_restores(
    world: World, tmp_path: Path
) -> None:
    _oid, (start,) = accepted_offer(world, [item(world.cny, 200_000_00, "startup_research")])
    payments.set_schedule(
        world.db,
        start,
        [
            Line("date", percent=50, trigger_on=date(2026, 3, 15), lapses=True),
            Line("date", percent=50, trigger_on=date(2026, 11, 1), lapses=True),
            # next year's tranche is not touched by this year's close
        ],
    )
    res = payments.run_batch(world.db, tmp_path / "b.xlsx", "2026-03")
    assert res.batch_id is not None
    payments.mark_batch_paid(world.db, res.batch_id, date(2026, 3, 31))
    before = balance(world.db, world.cny)
    closed = payments.close_year(world.db, 2026)
    assert len(closed.lapsed) == 1
    assert statuses(world.db, start) == ["paid", "lapsed"]
    after = balance(world.db, world.cny)
    assert after.available == before.available + 100_000_00
    assert after.paid == before.paid == 100_000_00
    with pytest.raises(ConflictError):
        payments.close_year(world.db, 2026)
    payments.undo_close(world.db, closed.close_id)
    assert statuses(world.db, start) == ["paid", "planned"]
    assert balance(world.db, world.cny) == before


def test_undo_of_offer_status_keeps_the_schedule(world: World) -> None:
    oid, (it,) = accepted_offer(world, [item(world.cny, 100_000_00)])
    payments.set_schedule(world.db, it, [Line("signing", percent=100)])
    change = offers.set_status(world.db, oid, OfferStatus.withdrawn)
    offers.undo_status(world.db, change)
    assert statuses(world.db, it) == ["planned"]


def test_workbook_payments_and_cash_flow_sheets(world: World, tmp_path: Path) -> None:
    from decimal import Decimal

    from recruiter.services import exporting, rates
    from recruiter.services.reporting.payment_sheets import CHINESE_NAMES

    rates.set_rate(world.db, "USD", "7.10")
    _oid, (it,) = accepted_offer(world, [item(world.cny, 300_000_00)])
    payments.set_schedule(
        world.db,
        it,
        [Line("signing", percent=50), Line("date", percent=50, trigger_on=date(2027, 7, 1))],
    )
    res = payments.run_batch(world.db, tmp_path / "b.xlsx", "2026-03")
    assert res.batch_id is not None
    payments.mark_batch_paid(world.db, res.batch_id, date(2026, 3, 31))
    out = exporting.export_workbook(world.db, tmp_path / "w.xlsx", as_of=date(2026, 6, 30))
    assert out.rows["Payments"] == 2 and out.rows["Cash flow"] == 2
    wb = openpyxl.load_workbook(tmp_path / "w.xlsx")
    head = [c.value for c in wb["Payments"][1]]
    first = dict(zip(head, [c.value for c in wb["Payments"][2]], strict=True))
    assert (first["Status"], first["Trigger"], Decimal(str(first["Amount"]))) == (
        "paid",
        "At signing",
        Decimal("150000"),
    )
    head = [c.value for c in wb["Cash flow"][1]]
    flows = [
        dict(zip(head, [c.value for c in r], strict=True))
        for r in wb["Cash flow"].iter_rows(min_row=2)
    ]
    assert [(f["Fiscal year"], f["Paid"], f["Expected"]) for f in flows] == [
        ("2026", 150000, 0),
        ("2027", 0, 150000),
    ]
    assert CHINESE_NAMES == {"Payments": "付款计划", "Cash flow": "资金流"}


def test_changing_a_draft_items_amount_drops_its_schedule(world: World) -> None:
    oid = offers.create_offer(world.db, world.apps[1], items=[item(world.cny, 100_000_00)])
    (it,) = [i["id"] for i in offers.snapshot(world.db, oid).items]
    payments.set_schedule(world.db, it, [Line("signing", percent=100)])
    offers.update_item(world.db, it, amount_minor=120_000_00)
    assert statuses(world.db, it) == []  # no longer adds up: removed
    payments.set_schedule(world.db, it, [Line("signing", percent=100)])
    offers.update_item(world.db, it, funding_source_id=world.cny)  # same money: kept
    assert statuses(world.db, it) == ["planned"]
