"""No clipped text: column names, choice boxes and short-list values read whole (or have a
tooltip with the whole value)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from recruiter.ui.import_wizard import ImportWizard
from recruiter.ui.main_window import PAGES, MainWindow
from recruiter.ui.qt import Qt, QtWidgets
from tests.ui.test_import_wizard import go_to_mapping, listing


def _clipped_headers(view: QtWidgets.QTableView) -> list[str]:
    header = view.horizontalHeader()
    model = view.model()
    return [
        str(model.headerData(col, Qt.Orientation.Horizontal))
        for col in range(model.columnCount())
        if not header.isSectionHidden(col)
        and header.sectionSize(col) < header.sectionSizeFromContents(col).width()
    ]


def test_no_page_clips_a_column_name(qtbot, demo_db, make_ctx, settings, drain) -> None:  # type: ignore[no-untyped-def]
    win = MainWindow(make_ctx(demo_db), settings)
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    drain(win.ctx)
    page = win.show_page("Candidates")
    # Sorted by Chinese name: the sort arrow takes room from the label.
    page.view.sortByColumn(page.model.columns.index("name_zh"), Qt.SortOrder.AscendingOrder)
    for name, _cls in PAGES:
        win.show_page(name)
        drain(win.ctx)
        for view in win.pages[name].findChildren(QtWidgets.QTableView):
            assert _clipped_headers(view) == [], name
    drain(win.ctx)


def test_the_detail_pane_shows_long_values_whole(qtbot, window, drain) -> None:  # type: ignore[no-untyped-def]
    with window.ctx.db.engine.connect() as conn:
        cid, title = conn.execute(
            text(
                "SELECT a.candidate_id, t.title FROM application a JOIN target t "
                "ON t.id = a.target_id ORDER BY length(t.title) DESC LIMIT 1"
            )
        ).one()
    page = window.show_page("Candidates")
    detail = page.detail
    detail.show_candidate(cid)
    drain(window.ctx)
    qtbot.waitUntil(lambda: detail.apps_model.rowCount() > 0, timeout=20_000)
    view = detail.apps_view
    col = [k for k, _l in detail.apps_model.columns].index("target")
    tips = [
        detail.apps_model.index(row, col).data(Qt.ItemDataRole.ToolTipRole)
        for row in range(detail.apps_model.rowCount())
    ]
    assert title in tips
    wanted = min(view.sizeHintForColumn(col), 260)
    assert view.columnWidth(col) >= wanted
    assert _clipped_headers(view) == []


def test_mapping_choices_read_whole(qtbot, db, make_ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctx = make_ctx(db)
    wiz = ImportWizard(db, ctx.runner)
    qtbot.addWidget(wiz)
    go_to_mapping(qtbot, wiz, listing(tmp_path))
    grid = wiz.mapping_page.grid
    for combo in wiz.mapping_page.combos.values():
        assert grid.columnWidth(2) >= combo.sizeHint().width()
    assert _clipped_headers(grid) == []
    ctx.runner.wait(10000)


def test_dashboard_chart_labels_fit_beside_their_bars(qtbot, window, drain) -> None:  # type: ignore[no-untyped-def]
    from recruiter.ui.qt import QtCharts, QtGui

    window.resize(1280, 720)
    page = window.show_page("Dashboard")
    drain(window.ctx)
    qtbot.waitUntil(lambda: page.report is not None and not page.loading, timeout=10000)
    QtWidgets.QApplication.processEvents()
    for view in (page.funnel_view, page.funding_view, page.targets_view):
        chart = view.chart()
        vertical = chart.axes(Qt.Orientation.Vertical)
        (axis,) = [a for a in vertical if isinstance(a, QtCharts.QBarCategoryAxis)]
        metrics = QtGui.QFontMetricsF(axis.labelsFont())
        widest = max(metrics.horizontalAdvance(label) for label in axis.categories())
        # The labels sit between the chart's left edge and its plot area.
        assert widest <= chart.plotArea().left(), (chart.title(), widest, chart.plotArea())


def test_the_offers_filters_read_whole(qtbot, window, drain) -> None:  # type: ignore[no-untyped-def]
    window.resize(1280, 720)
    page = window.show_page("Offers")
    drain(window.ctx)
    qtbot.waitUntil(lambda: not page.loading, timeout=10000)
    QtWidgets.QApplication.processEvents()
    for box in (page.status_box, page.institution_box, page.target_box):
        text_width = box.fontMetrics().horizontalAdvance(box.currentText())
        assert box.width() >= text_width + 24, (box.currentText(), box.width())
