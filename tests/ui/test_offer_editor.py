"""The offer editor: live totals, inline validation with nothing saved, the override dialog, and
undo/redo checked against the database."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import select

from recruiter.domain.enums import OfferStatus
from recruiter.domain.models import AuditEntry, Offer, OfferItem
from recruiter.errors import BudgetExceeded
from recruiter.services import offers, rates
from recruiter.store.database import Database
from recruiter.ui.offer_editor import ERROR_STYLE, OfferEditor, OverrideDialog, status_with_override
from recruiter.ui.qt import Qt, QtWidgets
from tests.factories import World, item, make_world


@pytest.fixture
def world(db: Database) -> World:
    w = make_world(db)
    rates.set_rate(db, "USD", "7")
    return w


@pytest.fixture
def ctx(make_ctx: Any, world: World) -> Any:
    return make_ctx(world.db)


def offer_rows(db: Database) -> list[tuple[Any, ...]]:
    with db.session() as s:
        return [(o.id, o.status, o.notes) for o in s.exec(select(Offer)).all()]


def item_rows(db: Database) -> list[tuple[Any, ...]]:
    with db.session() as s:
        return [
            (i.id, i.kind, i.amount_minor, i.currency, i.period, i.years, i.funding_source_id)
            for i in s.exec(select(OfferItem).order_by(OfferItem.id))
        ]


def new_editor(qtbot: Any, ctx: Any, world: World) -> OfferEditor:
    ed = OfferEditor(ctx, application_id=world.apps[0])
    qtbot.addWidget(ed)
    ed.show()
    qtbot.waitUntil(lambda: not ed.loading)  # the editor reads off the GUI thread
    return ed


def test_totals_update_as_you_type(qtbot: Any, ctx: Any, world: World) -> None:
    ed = new_editor(qtbot, ctx, world)
    row = ed.add_item_row()  # a salary line defaults to annual
    qtbot.keyClicks(ed._widget(row, "amount_minor"), "600000")
    assert "¥600,000.00" in ed.first_year_label.text()
    ed._widget(row, "years").setValue(3)
    assert "¥1,800,000.00" in ed.total_label.text()
    assert "¥600,000.00" in ed.first_year_label.text()
    r2 = ed.add_item_row({"kind": "startup_research", "period": "one_off", "currency": "USD"})
    qtbot.keyClicks(ed._widget(r2, "amount_minor"), "50k")
    assert "¥350,000.00" in ed.startup_label.text()
    assert "¥2,150,000.00" in ed.total_label.text()
    ed._widget(r2, "currency").setCurrentText("EUR")  # no EUR rate: say so, do not guess
    assert "EUR → CNY" in ed.first_year_label.text()
    assert "¥" not in ed.total_label.text()
    ed._widget(r2, "currency").setCurrentText("USD")
    qtbot.keyClicks(ed._widget(row, "amount_minor"), "x")  # a bad line is flagged, not counted
    assert ed._widget(row, "amount_minor").styleSheet() == ERROR_STYLE
    assert "not counted" in ed.total_label.toolTip()
    assert offer_rows(world.db) == []  # typing saves nothing


def test_choosing_a_source_sets_its_currency(qtbot: Any, ctx: Any, world: World) -> None:
    ed = new_editor(qtbot, ctx, world)
    row = ed.add_item_row()
    src = ed._widget(row, "funding_source_id")
    src.setCurrentIndex(src.findData(world.usd))
    assert ed._widget(row, "currency").currentText() == "USD"
    ed._widget(row, "currency").setCurrentText("CNY")
    qtbot.keyClicks(ed._widget(row, "amount_minor"), "1")
    assert "kept in USD" in ed._widget(row, "currency").toolTip()


@pytest.mark.parametrize(
    ("amount", "currency", "problem"),
    [
        ("-5", "CNY", "negative"),
        ("99999999999999", "CNY", "implausibly large"),
        ("1000", "XYZ", "not a currency"),
        ("", "CNY", "enter an amount"),
    ],
)
def test_invalid_item_refused_nothing_saved(
    qtbot: Any, ctx: Any, world: World, amount: str, currency: str, problem: str
) -> None:
    ed = new_editor(qtbot, ctx, world)
    row = ed.add_item_row({"kind": "housing", "period": "one_off"})
    ed._widget(row, "currency").setCurrentText(currency)
    qtbot.keyClicks(ed._widget(row, "amount_minor"), amount)
    assert ed.save() is False
    assert problem in ed.error_label.text()
    assert ed.isVisible()
    assert offer_rows(world.db) == [] and item_rows(world.db) == []
    assert ctx.undo.count() == 0


def test_bad_date_and_expiry_before_extension(qtbot: Any, ctx: Any, world: World) -> None:
    ed = new_editor(qtbot, ctx, world)
    qtbot.keyClicks(ed.start_on, "next spring")
    assert ed.save() is False
    assert ed.start_on.styleSheet() == ERROR_STYLE
    assert offer_rows(world.db) == []
    oid = offers.create_offer(world.db, world.apps[1], items=[item(world.cny, 100)])
    offers.set_status(world.db, oid, OfferStatus.approved)
    offers.set_status(world.db, oid, OfferStatus.extended)
    ext = offers.get_offer(world.db, oid).offer.extended_on
    assert ext is not None
    ed2 = OfferEditor(ctx, offer_id=oid)
    qtbot.addWidget(ed2)
    qtbot.waitUntil(lambda: not ed2.loading)
    ed2.expires_on.setText("2000-01-01")
    assert ed2.save() is False
    assert ed2.expires_on.styleSheet() == ERROR_STYLE
    assert "extended" in ed2.error_label.text()
    assert offers.get_offer(world.db, oid).offer.expires_on is None


def test_save_new_offer_then_undo_redo(qtbot: Any, ctx: Any, world: World) -> None:
    ed = new_editor(qtbot, ctx, world)
    qtbot.keyClicks(ed.rank, "Chair Professor")
    row = ed.add_item_row(
        {"kind": "salary", "period": "annual", "years": 2, "funding_source_id": world.cny}
    )
    qtbot.keyClicks(ed._widget(row, "amount_minor"), "80")
    ed._widget(row, "amount_minor").insert("万")  # QTest cannot type CJK; an IME would
    with qtbot.waitSignal(ed.saved) as blocker:
        assert ed.save() is True
    oid = blocker.args[0]
    assert offer_rows(world.db) == [(oid, OfferStatus.draft, None)]
    saved_items = item_rows(world.db)
    assert [r[1:] for r in saved_items] == [("salary", 800_000_00, "CNY", "annual", 2, world.cny)]
    ctx.undo.undo()
    assert offer_rows(world.db) == [] and item_rows(world.db) == []
    ctx.undo.redo()
    assert offer_rows(world.db) == [(oid, OfferStatus.draft, None)]
    assert item_rows(world.db) == saved_items  # same ids: later commands still find them


def test_edit_items_undo_redo(qtbot: Any, ctx: Any, world: World) -> None:
    oid = offers.create_offer(
        world.db, world.apps[0], items=[item(world.cny, 100_00), item(world.cny, 200_00)]
    )
    before = item_rows(world.db)
    ed = OfferEditor(ctx, offer_id=oid)
    qtbot.addWidget(ed)
    qtbot.waitUntil(lambda: not ed.loading)
    ed._widget(0, "amount_minor").setText("150")
    ed._widget(1, "remove").click()
    ed.notes.setPlainText("counter from candidate")
    assert ed.save() is True
    after = item_rows(world.db)
    assert [(r[0], r[2]) for r in after] == [(before[0][0], 150_00)]
    assert offer_rows(world.db) == [(oid, OfferStatus.draft, "counter from candidate")]
    ctx.undo.undo()
    assert item_rows(world.db) == before
    assert offer_rows(world.db) == [(oid, OfferStatus.draft, None)]
    ctx.undo.redo()
    assert item_rows(world.db) == after


def test_items_locked_after_approval_but_notes_editable(qtbot: Any, ctx: Any, world: World) -> None:
    oid = offers.create_offer(world.db, world.apps[0], items=[item(world.cny, 12_345_67)])
    offers.set_status(world.db, oid, OfferStatus.approved)
    ed = OfferEditor(ctx, offer_id=oid)
    qtbot.addWidget(ed)
    qtbot.waitUntil(lambda: not ed.loading)
    assert not ed._widget(0, "amount_minor").isEnabled() and not ed.add_button.isEnabled()
    ed.notes.setPlainText("approved by committee")
    assert ed.save() is True
    assert offer_rows(world.db) == [(oid, OfferStatus.approved, "approved by committee")]
    assert item_rows(world.db)[0][2] == 12_345_67


def test_override_dialog_needs_a_reason(qtbot: Any) -> None:
    err = BudgetExceeded([(1, "National programme", 5_000_00, "CNY")])
    dlg = OverrideDialog(err)
    qtbot.addWidget(dlg)
    message = dlg.findChild(QtWidgets.QLabel, "message")
    assert "National programme would be short by ¥5,000.00" in message.text()
    ok = dlg.buttons.buttons()[0]
    assert not ok.isEnabled()
    qtbot.keyClicks(dlg.reason, "   ")
    assert not ok.isEnabled()
    qtbot.keyClicks(dlg.reason, "top-up confirmed")
    assert ok.isEnabled()


def test_override_flow_refused_then_overridden(qtbot: Any, ctx: Any, world: World) -> None:
    oid = offers.create_offer(world.db, world.apps[0], items=[item(world.cny, 2_000_000_00)])
    asked: list[str] = []

    def cancel(_parent: Any, err: BudgetExceeded) -> None:
        asked.append(str(err))
        return None

    err = status_with_override(ctx, None, oid, OfferStatus.approved, ask=cancel)
    assert isinstance(err, BudgetExceeded) and "short by ¥1,000,000.00" in asked[0]
    assert offers.get_offer(world.db, oid).offer.status == OfferStatus.draft
    assert ctx.undo.count() == 0

    def fill(parent: Any, e: BudgetExceeded) -> str:
        dlg = OverrideDialog(e, parent)
        qtbot.addWidget(dlg)
        qtbot.keyClicks(dlg.reason, "ministry grant arrives in June")
        qtbot.mouseClick(dlg.buttons.buttons()[0], Qt.MouseButton.LeftButton)
        assert dlg.result() == dlg.DialogCode.Accepted
        return dlg.reason.text()

    assert status_with_override(ctx, None, oid, OfferStatus.approved, ask=fill) is None
    assert offers.get_offer(world.db, oid).offer.status == OfferStatus.approved
    (ov,) = offers.overrides_for_source(world.db, world.cny)
    assert ov.reason == "ministry grant arrives in June" and not ov.undone
    ctx.undo.undo()
    assert offers.get_offer(world.db, oid).offer.status == OfferStatus.draft
    assert offers.overrides_for_source(world.db, world.cny)[0].undone
    ctx.undo.redo()
    assert offers.get_offer(world.db, oid).offer.status == OfferStatus.approved
    with world.db.session() as s:
        reasons = [
            json.loads(e.changes or "{}").get("reason")
            for e in s.exec(select(AuditEntry).where(AuditEntry.action == "override")).all()
        ]
    assert reasons == ["ministry grant arrives in June"] * 2


def test_a_fresh_line_is_not_an_error_until_save(qtbot: Any, ctx: Any, world: World) -> None:
    """An amount not typed yet is not flagged while the user works; Save still refuses it."""
    ed = new_editor(qtbot, ctx, world)
    row = ed.add_item_row()
    ed._widget(row, "years").setValue(2)  # any edit revalidates the lines
    assert ed.error_label.text() == ""
    assert ed._widget(row, "amount_minor").styleSheet() == ""
    assert ed.save() is False
    assert "enter an amount" in ed.error_label.text()
    assert item_rows(world.db) == []
