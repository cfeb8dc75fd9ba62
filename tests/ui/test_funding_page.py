"""The Funding page: figures per source, drill-down, overrides, per-institution totals, the rate
editor and the source dialog, with undo/redo checked in the database."""

from __future__ import annotations

from typing import Any

import pytest

from recruiter.domain.enums import OfferStatus
from recruiter.domain.money import format_amount
from recruiter.services import funding, offers, rates
from recruiter.store.database import Database
from recruiter.ui import offer_commands
from recruiter.ui.pages.funding import COLUMNS, FundingPage, SourceDialog
from tests.factories import World, extend, item, make_world


@pytest.fixture
def world(db: Database) -> World:
    w = make_world(db)
    a = offers.create_offer(
        db,
        w.apps[0],
        items=[
            item(w.cny, 300_000_00, "salary", period="annual", years=2),
            item(w.usd, 40_000_00, "startup_research", ccy="USD"),
        ],
    )
    extend(db, a)
    offers.set_status(db, a, OfferStatus.accepted)
    b = offers.create_offer(db, w.apps[1], items=[item(w.cny, 500_000_00)])
    offers.set_status(db, b, OfferStatus.approved, override_reason="dean's reserve")
    return w


@pytest.fixture
def page(qtbot: Any, make_ctx: Any, world: World) -> FundingPage:
    p = FundingPage(make_ctx(world.db))
    qtbot.addWidget(p)
    p.resize(1200, 650)
    p.show()
    qtbot.waitExposed(p)
    p.qtbot = qtbot  # type: ignore[attr-defined]
    settled(p)
    return p


def settled(page: Any) -> None:
    """Wait until the page's background reads have answered."""
    page.qtbot.waitUntil(lambda: not page.loading, timeout=10000)


def cell(page: FundingPage, source_id: int, column: str) -> str:
    row = [b.source_id for b in page.model.rows].index(source_id)
    return str(page.model.index(row, COLUMNS.index(column)).data())


def table_text(table: Any) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_model_contract(qtmodeltester: Any, page: FundingPage) -> None:
    qtmodeltester.check(page.model, force_py=True)


def test_source_figures(page: FundingPage, world: World) -> None:
    assert cell(page, world.cny, "Total") == "¥1,000,000.00"
    assert cell(page, world.cny, "Reserved") == "¥500,000.00"
    assert cell(page, world.cny, "Committed") == "¥600,000.00"
    assert cell(page, world.cny, "Available") == "-¥100,000.00"
    assert cell(page, world.cny, "% used") == "110.0%"
    assert cell(page, world.usd, "Committed") == "$40,000.00"
    assert cell(page, world.usd, "% used") == "40.0%"
    assert "1 over-committed" in page.summary.text()
    for b in funding.balances(world.db):  # the page shows exactly what the service computes
        assert cell(page, b.source_id, "Available") == format_amount(b.available, b.currency)


def test_drill_down_and_overrides_follow_selection(page: FundingPage, world: World) -> None:
    page.select_source(world.cny)
    settled(page)
    rows = table_text(page.items_table)
    assert [(r[0], r[7], r[8]) for r in rows] == [
        ("Scholar 1", "¥500,000.00", "reserved"),
        ("Scholar 0", "¥600,000.00", "committed"),
    ]
    assert page.tabs.tabText(1) == "Overrides (1)"
    (ov,) = table_text(page.overrides_table)
    assert ov[4] == "¥100,000.00" and ov[5] == "dean's reserve" and ov[6] == ""
    page.select_source(world.usd)
    settled(page)
    assert [r[4] for r in table_text(page.items_table)] == ["Startup research"]
    assert page.overrides_table.rowCount() == 0


def test_institution_totals_and_rate_editor_with_undo(page: FundingPage, world: World) -> None:
    (inst,) = table_text(page.institutions_table)
    assert inst[2] == "needs USD rate"
    page.rate_currency.setCurrentText("USD")
    page.rate_value.setText("abc")
    assert page.set_rate() is False
    assert "not a number" in page.rate_error.text()
    assert rates.list_rates(world.db) == []
    page.rate_value.setText("7")
    assert page.set_rate() is True
    settled(page)
    (inst,) = table_text(page.institutions_table)
    assert inst[2] == "¥1,700,000.00" and inst[4] == "¥880,000.00"
    assert table_text(page.rates_table)[0][:2] == ["USD", "7"]
    page.ctx.undo.undo()
    settled(page)
    assert rates.list_rates(world.db) == []
    assert table_text(page.institutions_table)[0][2] == "needs USD rate"
    page.ctx.undo.redo()
    assert [r.currency for r in rates.list_rates(world.db)] == ["USD"]


def test_reporting_currency_needs_a_rate_first(page: FundingPage, world: World) -> None:
    rates.set_rate(world.db, "USD", "7")  # existing rates must be rebased onto EUR
    settled(page)
    page.reporting_box.setCurrentText("EUR")
    assert page.set_reporting() is False
    assert "EUR → CNY" in page.rate_error.text()
    assert rates.reporting_currency(world.db) == "CNY"
    assert page.reporting_box.currentText() == "CNY"
    rates.set_rate(world.db, "EUR", "8")
    settled(page)
    page.reporting_box.setCurrentText("EUR")
    assert page.set_reporting() is True
    settled(page)
    assert rates.reporting_currency(world.db) == "EUR"
    assert page.rates_table.horizontalHeaderItem(1).text() == "EUR per unit"
    page.ctx.undo.undo()
    assert rates.reporting_currency(world.db) == "CNY"
    assert {r.currency: str(r.rate) for r in rates.list_rates(world.db)} == {"USD": "7", "EUR": "8"}


def test_source_dialog_refuses_bad_input(qtbot: Any, page: FundingPage, world: World) -> None:
    dlg = SourceDialog(page.ctx)
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: not dlg.loading)
    dlg.total.setText("-100")
    dlg.currency.setCurrentText("ZZZ")
    assert dlg.save() is False
    assert "name" in dlg.error.text() and "currency" in dlg.error.text()
    dlg.total.setText("12.345")
    assert dlg.save() is False and "decimal places" in dlg.error.text()
    assert len(funding.list_sources(world.db)) == 2
    assert page.ctx.undo.count() == 0


def test_create_edit_delete_source_with_undo(qtbot: Any, page: FundingPage, world: World) -> None:
    dlg = page.new_source()
    qtbot.waitUntil(lambda: not dlg.loading)
    qtbot.keyClicks(dlg.name, "Hubei Chutian Scholars")
    qtbot.keyClicks(dlg.total, "2,000,000")
    dlg.kind.setCurrentIndex(dlg.kind.findData("provincial"))
    dlg.institution.setCurrentIndex(dlg.institution.findData(world.institution_id))
    dlg.fiscal_year.setText("2026")
    assert dlg.save() is True
    (new,) = [s for s in funding.list_sources(world.db) if s.name == "Hubei Chutian Scholars"]
    assert (new.total_minor, new.kind, new.fiscal_year) == (2_000_000_00, "provincial", 2026)
    settled(page)
    assert cell(page, new.id, "Available") == "¥2,000,000.00"  # type: ignore[arg-type]
    page.ctx.undo.undo()
    assert all(s.name != "Hubei Chutian Scholars" for s in funding.list_sources(world.db))
    page.ctx.undo.redo()
    assert funding.get(world.db, new.id).name == "Hubei Chutian Scholars"  # type: ignore[arg-type]

    settled(page)
    page.select_source(new.id)  # type: ignore[arg-type]
    edit = page.edit_selected()
    assert edit is not None
    qtbot.waitUntil(lambda: not edit.loading)
    assert edit.name.text() == "Hubei Chutian Scholars"
    edit.total.setText("1500000")
    assert edit.save() is True
    assert funding.get(world.db, new.id).total_minor == 1_500_000_00  # type: ignore[arg-type]
    page.ctx.undo.undo()
    assert funding.get(world.db, new.id).total_minor == 2_000_000_00  # type: ignore[arg-type]


def test_delete_used_source_is_refused(
    page: FundingPage, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    page.select_source(world.cny)
    monkeypatch.setattr(page, "confirm", lambda *_: True)
    reported: list[str] = []
    monkeypatch.setattr(page, "report", lambda e: reported.append(str(e)))
    page.delete_button.click()
    assert reported and "pays for" in reported[0]
    assert funding.get(world.db, world.cny).name == "National programme"


def test_page_follows_offer_changes(page: FundingPage, world: World) -> None:
    (b,) = [r for r in offers.list_offers(world.db) if r.status == OfferStatus.approved]
    offer_commands.set_status(page.ctx, b.id, OfferStatus.withdrawn)
    settled(page)
    assert cell(page, world.cny, "Reserved") == "¥0.00"
    assert cell(page, world.cny, "Available") == "¥400,000.00"
