"""The dashboard renders offscreen, shows the same numbers as the workbook for the same filters,
and a click on a bar asks the main window for a filtered page."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from recruiter.domain.enums import Stage
from recruiter.services import exporting
from recruiter.services.reporting import Filters
from tests.factories import Sample


@pytest.fixture
def page(qtbot, make_ctx, sample: Sample):  # type: ignore[no-untyped-def]
    from recruiter.ui.pages.dashboard import DashboardPage

    page = DashboardPage(make_ctx(sample.db))
    qtbot.addWidget(page)
    page.resize(1500, 1000)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.show()
    return page


def _workbook_kpis(sample: Sample, tmp_path: Path, filters: Filters) -> dict[str, object]:
    out = tmp_path / "check.xlsx"
    exporting.export_workbook(sample.db, out, filters)
    ws = load_workbook(out)["Summary"]
    return {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r and r[0]}


def _same(tile_value: object, cell: object, kind: str) -> bool:
    if kind == "money":
        return (tile_value is None and cell is None) or (
            Decimal(int(tile_value)).scaleb(-2) == Decimal(str(cell))
        )  # type: ignore[call-overload]
    if kind == "percent":
        return tile_value == pytest.approx(cell)
    return tile_value == cell


def test_tiles_equal_the_workbook(page, sample: Sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from recruiter.ui.pages.dashboard import tile_text

    cells = _workbook_kpis(sample, tmp_path, page.filters)
    items = page.report.kpis.items()
    assert len(items) == len(page.tiles) == 12
    for label, value, kind in items:
        assert _same(value, cells[label], kind), label
        assert page.tiles[label].value.text() == tile_text(value, kind, "CNY")
    assert page.tiles["Applications"].value.text() == "7"
    assert page.tiles["Offer acceptance rate"].value.text() == "50.0%"
    # Babel's compact form (¥1130万 in Chinese)
    assert page.tiles["Funding available"].value.text() == "¥11.3M"
    assert page.tiles["Funding available"].toolTip() == "¥11,339,000.00"
    funnel = {st: page.funnel_set.at(i) for i, st in enumerate(page.funnel_stages)}
    assert [funnel[st] for st in Stage] == [7, 6, 5, 5, 4, 3, 1, 1, 1]
    assert page.funnel_stages[-1] == Stage.identified  # drawn bottom-up: first stage on top
    assert "1 USD = 7.1 CNY" in page.status.text()


def test_filters_change_both_the_same_way(
    page,
    qtbot,
    sample: Sample,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    assert page.institution.count() == 3 and page.target.count() == 4
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.institution.setCurrentIndex(page.institution.findData(sample.inst_b))
    assert page.target.count() == 2  # "All targets" and Fudan's one target
    assert page.filters == Filters(institution_ids=(sample.inst_b,))
    cells = _workbook_kpis(sample, tmp_path, page.filters)
    for label, value, kind in page.report.kpis.items():
        assert _same(value, cells[label], kind), label
    assert page.tiles["Applications"].value.text() == "3"
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.period.setCurrentIndex(1)  # last 30 days: the sample's applications are older
    assert page.tiles["Applications"].value.text() == "0"
    assert page.filters.date_from is not None


def test_clicking_bars_navigates(page, qtbot, sample: Sample) -> None:  # type: ignore[no-untyped-def]
    bus = page.ctx.bus
    with qtbot.waitSignal(bus.navigate, timeout=2000) as blocker:
        page.funnel_set.clicked.emit(page.funnel_stages.index(Stage.offer))
    assert blocker.args == ["Pipeline", {"stage": "offer"}]
    _hired, remaining = page.target_sets
    top = page._target_ids[-1]  # the target with most still to hire, drawn on top
    assert top in (sample.t1, sample.t2, sample.t3)
    with qtbot.waitSignal(bus.navigate, timeout=2000) as blocker:
        remaining.clicked.emit(len(page._target_ids) - 1)
    assert blocker.args == ["Pipeline", {"target_id": top}]
    page.apply_filter({"institution_id": sample.inst_a})
    qtbot.waitUntil(lambda: page.report.filters.institution_ids == (sample.inst_a,), timeout=10000)
    with qtbot.waitSignal(bus.navigate, timeout=2000) as blocker:
        page.funnel_set.clicked.emit(page.funnel_stages.index(Stage.identified))
    assert blocker.args == ["Pipeline", {"institution_id": sample.inst_a, "stage": "identified"}]


def test_charts_render_offscreen(page, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    views = (page.funnel_view, page.funding_view, page.offers_view, page.targets_view)
    for view in views:
        assert view.chart().series(), view.chart().title()
        assert len(view.chart().axes()) == 2
    # The chart lays out its axes on the next event-loop turn.
    qtbot.waitUntil(lambda: all(v.chart().plotArea().left() > 40 for v in views), timeout=20_000)
    image = page.grab().toImage()
    assert image.width() >= 1000 and image.height() >= 600
    assert (
        len(
            {
                image.pixel(x, y)
                for x in range(0, image.width(), 25)
                for y in range(0, image.height(), 25)
            }
        )
        > 20
    )  # more than a blank page
    assert page.grab().save(str(tmp_path / "dashboard.png"))


def test_empty_database_says_what_to_do(qtbot, make_ctx, db) -> None:  # type: ignore[no-untyped-def]
    from recruiter.ui.pages.dashboard import DashboardPage

    page = DashboardPage(make_ctx(db))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.show()
    assert page.empty.isVisible() and "Import a candidate list" in page.empty.text()
    assert page.tiles["Offer acceptance rate"].value.text() == "—"


def test_a_refresh_after_data_changes(page, qtbot, sample: Sample) -> None:  # type: ignore[no-untyped-def]
    from recruiter.services import applications

    with qtbot.waitSignal(page.loaded, timeout=10000):  # the commit announces itself
        applications.set_outcome(
            sample.db, sample.apps["a5"], applications.Outcome.withdrawn, "moved"
        )
    assert page.tiles["Open applications"].value.text() == "2"
