"""Refunds count as returned to their source only when received (issue 18): migration 0014
keeps the figures of refunds recorded before it (received in full on the departure day), and
the Payments and Cash flow sheets show what is owed and what came back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from alembic import command

from recruiter.domain.enums import OfferStatus
from recruiter.services import funding, offers, payments
from recruiter.services.payments import Line
from recruiter.services.reporting.payment_sheets import CASH_FLOW_SHEET, payment_sheets
from recruiter.store import migrate
from recruiter.store.database import Database
from recruiter.store.opening import open_database
from tests.factories import extend, item, make_world

SIGNED = date(2026, 3, 10)


def departed(db: Database, tmp_path: Path) -> tuple[int, int]:
    """A hire paid 120,000.00 (pro rata) who left after 12 of 60 months: 96,000.00 owed."""
    world = make_world(db)
    oid = offers.create_offer(
        db, world.apps[0], start_on="2026-04-01", items=[item(world.cny, 120_000_00, "other")]
    )
    extend(db, oid, SIGNED)
    offers.set_status(db, oid, OfferStatus.accepted, today=SIGNED)
    (item_id,) = [int(i["id"]) for i in offers.snapshot(db, oid).items]
    payments.set_schedule(db, item_id, [Line("signing", percent=100, clawback="pro_rata")])
    payments.set_service(db, world.apps[0], date(2026, 4, 1), 5, plan=False)
    res = payments.run_batch(db, tmp_path / "b.xlsx", "2026-03")
    assert res.batch_id is not None
    payments.mark_batch_paid(db, res.batch_id, date(2026, 3, 30))
    payments.record(db, world.apps[0], date(2027, 4, 1))
    return world.cny, world.apps[0]


def test_upgrading_to_0014_counts_earlier_refunds_as_received(db: Database, tmp_path: Path) -> None:
    url = db.url
    cny, _app = departed(db, tmp_path)
    (refund,) = payments.refunds(db)
    assert (refund.owed, refund.received) == (96_000_00, 0)
    db.dispose()
    command.downgrade(migrate.alembic_config(url), "0013")  # the refund, no receipts table
    again = open_database(url)  # upgrades to HEAD
    try:
        (refund,) = payments.refunds(again)
        assert (refund.received, refund.last_received_on, refund.state) == (
            96_000_00,
            date(2027, 4, 1),
            "received",
        )
        (b,) = funding.balances(again, [cny])
        assert b.paid == 120_000_00 - 96_000_00  # as before the upgrade
        assert payments.by_fiscal_year(again)[(cny, 2027)].paid == -96_000_00
    finally:
        again.dispose()


def test_sheets_show_refunds_owed_and_received(db: Database, tmp_path: Path) -> None:
    _cny, _app = departed(db, tmp_path)
    as_of = date(2027, 6, 1)

    def cash_2027() -> dict[str, object]:
        sheets = dict((name, rows) for name, _cols, rows in payment_sheets(db, as_of))
        fields = [c.field for c in CASH_FLOW_SHEET]
        (row,) = [dict(zip(fields, r, strict=True)) for r in sheets["Cash flow"] if r[2] == "2027"]
        return row

    owed = cash_2027()
    assert (owed["paid"], owed["refund_owed"]) == (0, 96_000)
    (refund,) = payments.refunds(db)
    payments.receive(db, refund.id, 40_000_00, date(2027, 5, 1))
    part = cash_2027()
    assert (part["paid"], part["refund_owed"]) == (-40_000, 56_000)
    sheets = {name: (cols, rows) for name, cols, rows in payment_sheets(db, as_of)}
    cols, rows = sheets["Payments"]
    fields = [c.field for c in cols]
    (line,) = [dict(zip(fields, r, strict=True)) for r in rows if r[fields.index("amount")] < 0]
    assert line["amount"] == -96_000
    assert line["status"] == "refund partly received"
    assert line["paid_on"] == date(2027, 5, 1)
