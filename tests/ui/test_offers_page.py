"""The Offers page: model contract, SQL filters, the workflow buttons with their questions, and
undo, each checked against the database."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from recruiter.domain.enums import OfferStatus, Outcome, Stage
from recruiter.domain.models import Offer
from recruiter.services import applications, offers, rates
from recruiter.store.database import Database
from recruiter.ui.offer_editor import OfferEditor
from recruiter.ui.pages.offers import COLUMNS, OffersPage
from recruiter.ui.qt import Qt
from tests.factories import World, item, make_world


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


@pytest.fixture
def page(qtbot: Any, make_ctx: Any, world: World) -> OffersPage:
    p = OffersPage(make_ctx(world.db))
    qtbot.addWidget(p)
    p.resize(1200, 500)
    p.show()
    qtbot.waitExposed(p)
    qtbot.waitUntil(lambda: not p.loading, timeout=10000)
    p.confirm_budget = lambda status, effects: True  # type: ignore[method-assign]
    return p


def click(page: OffersPage, qtbot: Any, key: str) -> None:
    """Click a workflow button and wait for Approve/Extend's budget question to be answered."""
    page.buttons[key].click()
    qtbot.waitUntil(lambda: not page.asking_budget, timeout=10000)


def loaded(page: OffersPage, qtbot: Any) -> None:
    """Refresh and wait for the background reads to answer."""
    page.refresh_now()
    settled(page, qtbot)


def settled(page: OffersPage, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: not page.loading, timeout=10000)


def status_of(db: Database, offer_id: int) -> OfferStatus:
    return OfferStatus(offers.get_offer(db, offer_id).offer.status)


def seed(world: World) -> tuple[int, int]:
    """A draft on app 0 (CNY + USD items) and an extended offer on app 1 expiring in 3 days."""
    a = offers.create_offer(
        world.db,
        world.apps[0],
        rank="Professor",
        items=[
            item(world.cny, 300_000_00, "salary", period="annual", years=2),
            item(world.usd, 10_000_00, ccy="USD"),
        ],
    )
    b = offers.create_offer(
        world.db,
        world.apps[1],
        items=[item(world.cny, 50_000_00)],
        expires_on=date.today() + timedelta(days=3),
    )
    offers.set_status(world.db, b, OfferStatus.approved)
    offers.set_status(world.db, b, OfferStatus.extended)
    return a, b


def test_empty_state(page: OffersPage) -> None:
    assert page.empty.isVisible() and not page.table.isVisible()
    assert "New offer" in page.empty.text()


def test_model_passes_qtmodeltester(
    qtbot: Any, qtmodeltester: Any, page: OffersPage, world: World
) -> None:
    seed(world)
    loaded(page, qtbot)
    assert page.model.rowCount() == 2
    qtmodeltester.check(page.model, force_py=True)


def test_rows_show_package_in_reporting_currency_or_missing_rate(
    qtbot: Any, page: OffersPage, world: World
) -> None:
    a, _b = seed(world)
    loaded(page, qtbot)
    col = [c[1] for c in COLUMNS].index("package")
    row = [r.id for r in page.model.rows].index(a)
    assert page.model.index(row, col).data() == "needs USD rate"
    assert "USD → CNY" in page.model.index(row, col).data(Qt.ItemDataRole.ToolTipRole)
    rates.set_rate(world.db, "USD", "7")  # the commit announces itself; the page refreshes
    settled(page, qtbot)
    assert page.model.index(row, col).data() == "¥670,000.00"


def test_filters(qtbot: Any, page: OffersPage, world: World) -> None:
    a, b = seed(world)
    loaded(page, qtbot)
    assert page.count_label.text() == "2 offers"
    page.status_box.setCurrentIndex(page.status_box.findData("extended"))
    settled(page, qtbot)
    assert [r.id for r in page.model.rows] == [b]
    page.status_box.setCurrentIndex(0)
    page.target_box.setCurrentIndex(page.target_box.findData(world.targets[0]))
    settled(page, qtbot)
    assert [r.id for r in page.model.rows] == [a]
    page.target_box.setCurrentIndex(0)
    page.expiring_box.setChecked(True)
    settled(page, qtbot)
    assert [r.id for r in page.model.rows] == [b]
    page.apply_filter({"institution_id": world.institution_id})
    settled(page, qtbot)
    assert not page.expiring_box.isChecked() and page.model.rowCount() == 2
    page.apply_filter({"expiring": True})
    settled(page, qtbot)
    assert page.count_label.text() == "1 offer"


def test_sorting_is_done_by_the_query(qtbot: Any, page: OffersPage, world: World) -> None:
    seed(world)
    loaded(page, qtbot)
    col = [c[1] for c in COLUMNS].index("candidate")
    page.table.sortByColumn(col, Qt.SortOrder.AscendingOrder)
    settled(page, qtbot)
    assert page.model.order_by == "candidate" and not page.model.descending
    assert [r.candidate for r in page.model.rows] == ["Scholar 0", "Scholar 1"]
    page.table.sortByColumn(col, Qt.SortOrder.DescendingOrder)
    settled(page, qtbot)
    assert [r.candidate for r in page.model.rows] == ["Scholar 1", "Scholar 0"]


def test_buttons_follow_the_workflow(qtbot: Any, page: OffersPage, world: World) -> None:
    a, b = seed(world)
    loaded(page, qtbot)
    page.select_offer(a)
    assert page.buttons["approved"].isEnabled() and not page.buttons["accepted"].isEnabled()
    assert page.buttons["delete"].isEnabled()
    page.select_offer(b)
    assert page.buttons["accepted"].isEnabled() and not page.buttons["approved"].isEnabled()


def test_approve_over_budget_asks_and_cancel_changes_nothing(
    qtbot: Any, page: OffersPage, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    oid = offers.create_offer(world.db, world.apps[0], items=[item(world.cny, 2_000_000_00)])
    loaded(page, qtbot)
    page.select_offer(oid)
    asked: list[str] = []
    monkeypatch.setattr(page, "ask_override", lambda e: asked.append(str(e)))
    click(page, qtbot, "approved")
    assert asked and "National programme" in asked[0]
    assert status_of(world.db, oid) == OfferStatus.draft
    monkeypatch.setattr(page, "ask_override", lambda e: "board approved the overrun")
    click(page, qtbot, "approved")
    assert status_of(world.db, oid) == OfferStatus.approved
    assert page.selected_id() == oid
    assert (
        offers.overrides_for_source(world.db, world.cny)[0].reason == "board approved the overrun"
    )


def test_accept_and_move_to_signed_then_undo(
    qtbot: Any, page: OffersPage, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _a, b = seed(world)
    loaded(page, qtbot)
    page.select_offer(b)
    monkeypatch.setattr(page, "ask_accept_stage", lambda: Stage.signed)
    page.buttons["accepted"].click()
    assert status_of(world.db, b) == OfferStatus.accepted
    assert applications.get(world.db, world.apps[1]).stage == Stage.signed
    page.ctx.undo.undo()
    assert status_of(world.db, b) == OfferStatus.extended
    assert applications.get(world.db, world.apps[1]).stage == Stage.approved
    page.ctx.undo.redo()
    assert applications.get(world.db, world.apps[1]).stage == Stage.signed


def test_accept_cancelled_changes_nothing(
    qtbot: Any, page: OffersPage, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _a, b = seed(world)
    loaded(page, qtbot)
    page.select_offer(b)
    monkeypatch.setattr(page, "ask_accept_stage", lambda: None)
    page.buttons["accepted"].click()
    assert status_of(world.db, b) == OfferStatus.extended
    assert page.ctx.undo.count() == 0


def test_decline_asks_and_closes_application(
    qtbot: Any, page: OffersPage, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _a, b = seed(world)
    loaded(page, qtbot)
    page.select_offer(b)
    monkeypatch.setattr(page, "ask_decline_reason", lambda: None)
    page.buttons["declined"].click()
    assert applications.get(world.db, world.apps[1]).outcome == Outcome.active
    monkeypatch.setattr(page, "ask_decline_reason", lambda: "family reasons")
    page.buttons["declined"].click()
    app = applications.get(world.db, world.apps[1])
    assert app.outcome == Outcome.declined and app.closed_reason == "family reasons"
    page.ctx.undo.undo()
    assert applications.get(world.db, world.apps[1]).outcome == Outcome.active


def test_counter_offer_opens_new_revision_and_undo(
    qtbot: Any, page: OffersPage, world: World
) -> None:
    _a, b = seed(world)
    loaded(page, qtbot)
    page.select_offer(b)
    page.buttons["revise"].click()
    settled(page, qtbot)
    new_id = page.selected_id()
    assert new_id != b and status_of(world.db, b) == OfferStatus.withdrawn
    (editor,) = page.findChildren(OfferEditor)  # the new revision opens for editing
    assert editor.offer_id == new_id and editor.isVisible()
    editor.close()
    assert [r.revision for r in page.model.rows if r.application_id == world.apps[1]] == [2, 1]
    page.ctx.undo.undo()
    with world.db.session() as s:
        assert s.get(Offer, new_id) is None
    assert status_of(world.db, b) == OfferStatus.extended


def test_delete_draft_and_undo_restores_same_id(
    qtbot: Any, page: OffersPage, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, _b = seed(world)
    loaded(page, qtbot)
    page.select_offer(a)
    monkeypatch.setattr(page, "confirm", lambda *_: True)
    page.buttons["delete"].click()
    settled(page, qtbot)
    assert [r.id for r in page.model.rows if r.id == a] == []
    page.ctx.undo.undo()
    settled(page, qtbot)
    assert offers.get_offer(world.db, a).offer.rank == "Professor"
    assert page.select_offer(a)


def test_refused_change_is_reported(
    qtbot: Any, page: OffersPage, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    oid = offers.create_offer(world.db, world.apps[0])  # no items: cannot be approved
    loaded(page, qtbot)
    page.select_offer(oid)
    reported: list[str] = []
    monkeypatch.setattr(page, "report", lambda e: reported.append(str(e)))
    click(page, qtbot, "approved")
    assert reported and "at least one item" in reported[0]
    assert status_of(world.db, oid) == OfferStatus.draft


def test_overdue_offers_expire_when_the_page_loads(qtbot: Any, make_ctx: Any, world: World) -> None:
    oid = offers.create_offer(
        world.db,
        world.apps[0],
        items=[item(world.cny, 1)],
        expires_on=date.today() - timedelta(days=1),
    )
    offers.set_status(world.db, oid, OfferStatus.approved)
    offers.set_status(world.db, oid, OfferStatus.extended, today=date.today() - timedelta(days=5))
    p = OffersPage(make_ctx(world.db))
    qtbot.addWidget(p)
    p.show()
    qtbot.waitUntil(lambda: not p.loading, timeout=10000)
    assert status_of(world.db, oid) == OfferStatus.expired
    assert p.model.rows[0].status == OfferStatus.expired


def test_application_picker_reads_in_the_background(
    qtbot: Any, page: OffersPage, world: World
) -> None:
    from recruiter.ui.pages.offers import ApplicationPicker

    picker = ApplicationPicker(page.ctx, page)
    qtbot.addWidget(picker)
    qtbot.waitUntil(lambda: not picker.loading)
    assert picker.list.count() == len(world.apps)
    picker.search.setText("Scholar 1")
    qtbot.waitUntil(lambda: not picker.loading)
    assert picker.list.count() == 1 and picker.chosen() == world.apps[1]
