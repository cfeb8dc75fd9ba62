"""The offer snags of a first week: whose offer the editor shows, one-off kinds are one-off,
the institution's own budgets first, Approve/Extend say what the budgets will look like, and
the Offers list's sort arrow matches its order."""

from __future__ import annotations

from typing import Any

import pytest

from recruiter.domain.enums import FundingKind, ItemKind, OfferStatus, Period
from recruiter.domain.models import Institution, Offer
from recruiter.services import funding, offers
from recruiter.store.database import Database
from recruiter.ui.offer_editor import OfferEditor
from recruiter.ui.pages.offers import COLUMNS, OffersPage, budget_question
from recruiter.ui.qt import Qt, QtGui, QtWidgets
from tests.factories import World, item, make_world


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


@pytest.fixture
def other_source(world: World) -> int:
    """A budget of another university (not the offer's)."""
    with world.db.session() as s:
        inst = Institution(name="Fudan University")
        s.add(inst)
        s.flush()
        inst_id = inst.id
    return funding.create(
        world.db,
        name="Fudan Talent Fund",
        kind=FundingKind.university,
        institution_id=inst_id,
        total_minor=5_000_000_00,
        currency="CNY",
    )


def editor(qtbot: Any, make_ctx: Any, world: World, **kw: Any) -> OfferEditor:
    ed = OfferEditor(make_ctx(world.db), **kw)
    qtbot.addWidget(ed)
    ed.show()
    qtbot.waitUntil(lambda: not ed.loading, timeout=10000)
    return ed


def test_the_editor_title_names_candidate_and_target(
    qtbot: Any, make_ctx: Any, world: World
) -> None:
    new = editor(qtbot, make_ctx, world, application_id=world.apps[0])
    assert new.windowTitle() == "New offer to Scholar 0 — Chair 0"
    oid = offers.create_offer(world.db, world.apps[1], items=[item(world.cny, 1_000_00)])
    old = editor(qtbot, make_ctx, world, offer_id=oid)
    assert old.windowTitle() == "Offer to Scholar 1 — Chair 1 (revision 1)"


def test_kinds_carry_a_default_period() -> None:
    assert ItemKind.salary.default_period == Period.annual
    for kind in (ItemKind.settling_in, ItemKind.relocation, ItemKind.signing_bonus):
        assert kind.default_period == Period.one_off
    line, errors = offers.check_item({"kind": "salary", "amount_minor": 100, "years": 3})
    assert errors == {} and line is not None and line.period == Period.annual
    line, errors = offers.check_item({"kind": "settling_in", "amount_minor": 100, "years": 3})
    assert errors == {} and line is not None and (line.period, line.years) == (Period.one_off, 1)


def test_choosing_a_one_off_kind_sets_the_period(qtbot: Any, make_ctx: Any, world: World) -> None:
    ed = editor(qtbot, make_ctx, world, application_id=world.apps[0])
    row = ed.add_item_row()
    kind, period = ed._widget(row, "kind"), ed._widget(row, "period")
    assert period.currentData() == Period.annual.value  # a salary line
    for one_off in (ItemKind.settling_in, ItemKind.relocation, ItemKind.signing_bonus):
        kind.setCurrentIndex(kind.findData(ItemKind.salary.value))
        assert period.currentData() == Period.annual.value
        kind.setCurrentIndex(kind.findData(one_off.value))
        assert period.currentData() == Period.one_off.value, one_off
        assert not ed._widget(row, "years").isEnabled()


def test_own_budgets_first_others_on_request(
    qtbot: Any, make_ctx: Any, world: World, other_source: int
) -> None:
    ed = editor(qtbot, make_ctx, world, application_id=world.apps[0])
    row = ed.add_item_row()
    box = ed._widget(row, "funding_source_id")
    assert box.findData(world.cny) > 0 and box.findData(world.usd) > 0
    assert box.findData(other_source) == -1
    assert ed.other_sources.isVisibleTo(ed)
    ed.other_sources.setChecked(True)
    assert box.findData(other_source) > max(box.findData(world.cny), box.findData(world.usd))
    assert "Fudan University" in ed.source_labels(row)[box.findData(other_source)]
    box.setCurrentIndex(box.findData(other_source))
    ed.other_sources.setChecked(False)
    assert box.currentData() == other_source  # a chosen budget never vanishes from its line
    # Every name on offer reads whole (up to a limit).
    assert ed.table.columnWidth(5) >= min(box.sizeHint().width(), 380)


def test_an_offer_charged_elsewhere_keeps_its_source(
    qtbot: Any, make_ctx: Any, world: World, other_source: int
) -> None:
    oid = offers.create_offer(world.db, world.apps[0], items=[item(other_source, 1_000_00)])
    ed = editor(qtbot, make_ctx, world, offer_id=oid)
    assert ed._widget(0, "funding_source_id").currentData() == other_source


def test_budget_effects_are_the_guards_figures(world: World) -> None:
    oid = offers.create_offer(
        world.db, world.apps[0], items=[item(world.cny, 400_000_00), item(world.cny, 100_000_00)]
    )
    (effect,) = offers.budget_effects(world.db, oid)
    assert (effect.source_id, effect.available_now, effect.available_after) == (
        world.cny,
        1_000_000_00,
        500_000_00,
    )
    offers.set_status(world.db, oid, OfferStatus.approved)
    (effect,) = offers.budget_effects(world.db, oid)
    assert effect.available_now == effect.available_after == 500_000_00  # already reserved
    big = offers.create_offer(world.db, world.apps[1], items=[item(world.cny, 600_000_00)])
    (effect,) = offers.budget_effects(world.db, big)
    assert effect.short and effect.available_after == -100_000_00
    with world.db.session() as s:
        offer = s.get(Offer, big)
        assert offer is not None
        assert offers.shortfalls_in(s, offer) == [
            (world.cny, "National programme", 100_000_00, "CNY")
        ]


@pytest.fixture
def page(qtbot: Any, make_ctx: Any, world: World) -> OffersPage:
    p = OffersPage(make_ctx(world.db))
    qtbot.addWidget(p)
    p.resize(1200, 500)
    p.show()
    qtbot.waitUntil(lambda: not p.loading, timeout=10000)
    return p


@pytest.mark.parametrize("answer", [False, True])
def test_approve_and_extend_confirm_with_the_budget_afterwards(
    qtbot: Any, page: OffersPage, world: World, monkeypatch: pytest.MonkeyPatch, answer: bool
) -> None:
    oid = offers.create_offer(world.db, world.apps[0], items=[item(world.cny, 400_000_00)])
    page.refresh_now()
    qtbot.waitUntil(lambda: not page.loading, timeout=10000)
    assert page.select_offer(oid)
    asked: list[tuple[str, str]] = []

    def confirm(title: str, text: str) -> bool:
        asked.append((title, text))
        return answer

    monkeypatch.setattr(page, "confirm", confirm)
    page.buttons["approved"].click()
    qtbot.waitUntil(lambda: bool(asked), timeout=10000)
    title, text = asked[0]
    assert title == "Approve offer"
    assert "National programme: ¥1,000,000.00 available now → ¥600,000.00 after" in text
    status = OfferStatus(offers.get_offer(world.db, oid).offer.status)
    assert status == (OfferStatus.approved if answer else OfferStatus.draft)
    if answer:
        qtbot.waitUntil(lambda: not page.loading, timeout=10000)
        assert page.select_offer(oid)
        page.buttons["extended"].click()
        qtbot.waitUntil(lambda: len(asked) == 2, timeout=10000)
        assert asked[1][0] == "Extend offer"
        assert "already reserved" in asked[1][1]
        assert "¥600,000.00 available" in asked[1][1]
        assert OfferStatus(offers.get_offer(world.db, oid).offer.status) == OfferStatus.extended


def test_budget_question_names_an_overrun() -> None:
    effect = offers.BudgetEffect(1, "Donor fund", "USD", 10_000_00, -5_000_00)
    text = budget_question(OfferStatus.approved, [effect])
    assert "available now →" in text and "after" in text
    assert "over budget" in text
    assert "not charged" in budget_question(OfferStatus.extended, [])


def _arrow_points_down(header: QtWidgets.QHeaderView, section: int) -> bool:
    """Read the drawn sort arrow: a ▼ is widest at its top row, a ▲ at its bottom row."""
    view = header.parentWidget()
    assert isinstance(view, QtWidgets.QTableView)
    view.scrollTo(view.model().index(0, section))
    QtWidgets.QApplication.processEvents()
    image = header.grab().toImage()
    left = header.sectionViewportPosition(section)
    right = left + header.sectionSize(section)
    assert left >= 0 and right <= image.width()
    rows = range(1, image.height() - 2)  # inside the section's borders

    def dark(x: int, y: int) -> bool:
        return QtGui.QColor(image.pixel(x, y)).lightness() < 200

    inked = [x for x in range(left + 1, right - 2) if any(dark(x, y) for y in rows)]
    assert inked, "nothing drawn in the section"
    # The arrow is the rightmost run of inked columns (the label's letters are further left).
    run = [inked[-1]]
    while inked[-len(run) - 1 : -len(run)] == [run[-1] - 1]:
        run.append(run[-1] - 1)
    widths = [sum(dark(x, y) for x in run) for y in rows]
    filled = [w for w in widths if w]
    assert len(filled) >= 2, "no sort arrow drawn"
    return filled[0] > filled[-1]


def test_the_offers_list_arrow_matches_its_order(qtbot: Any, window: Any) -> None:
    from recruiter.ui.app import make_application

    make_application()  # the app's style sheet, which styles header sections, as users see it
    page = window.show_page("Offers")
    qtbot.waitUntil(lambda: not page.loading, timeout=10000)
    header = page.table.horizontalHeader()
    created = [c[0] for c in COLUMNS].index("Created")
    assert header.sortIndicatorSection() == created
    assert page.model.descending  # newest first …
    assert _arrow_points_down(header, created)  # … reads "Created ▼"
    page.table.sortByColumn(created, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: not page.loading, timeout=10000)
    assert not page.model.descending
    assert not _arrow_points_down(header, created)  # oldest first: "Created ▲"
