"""The Pipeline page's stage filter: chosen in its menu, it narrows the board (only those
columns) and the list, File → Export pipeline… writes it (the Summary says "Stages: Offer,
Signed" and the Pipeline sheet lists only those stages), and the window remembers it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from recruiter.domain.enums import STAGES, Stage
from recruiter.ui.pages.pipeline import StageFilter, stored_stages

pytestmark = pytest.mark.usefixtures("qapp")

LATE = (Stage.offer, Stage.signed)


def _choose(page: Any, stages: tuple[Stage, ...]) -> None:
    """Tick the stages in the filter's menu, as a click on each item does."""
    button: StageFilter = page.findChild(StageFilter, "stageFilter")
    for st in stages:
        button.actions_by_stage[st].trigger()


def _done(window: Any) -> Any:
    from recruiter.ui.qt import QtWidgets

    return window.findChild(QtWidgets.QMessageBox, "exportDoneBox")


def _everything(qtbot: Any, page: Any) -> None:
    """Every target, closed applications too: the same rows as the workbook's Pipeline sheet."""
    page.apply_filter({})
    page.show_closed.setChecked(True)
    qtbot.waitUntil(lambda: not page.loading, timeout=15000)


def test_stage_filter_narrows_board_and_list(qtbot: Any, window: Any) -> None:
    page = window.show_page("Pipeline")
    qtbot.waitUntil(lambda: not page.loading and bool(page.cards), timeout=15000)
    _everything(qtbot, page)
    before = len(page.cards)
    assert page.stage_filter.words() == "All stages"
    _choose(page, (Stage.signed, Stage.offer))
    assert page.stage_filter.words() == "Stages: Offer, Signed"
    assert page.cards and len(page.cards) < before
    assert {c.stage for c in page.cards} <= set(LATE)
    assert page.list_model.rowCount() == len(page.cards)
    shown = [st for st, col in page.columns.items() if col.isVisibleTo(page)]
    assert shown == list(LATE)
    page.stage_filter.all_action.trigger()  # "All stages" clears the choice
    assert page.stage_filter.stages() == () and len(page.cards) == before
    assert all(col.isVisibleTo(page) for col in page.columns.values())


def test_export_from_the_pipeline_page_writes_the_stages(
    qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recruiter.ui.qt import QtGui, QtWidgets

    page = window.show_page("Pipeline")
    qtbot.waitUntil(lambda: not page.loading and bool(page.cards), timeout=15000)
    _everything(qtbot, page)
    _choose(page, LATE)
    assert page.export_filters().stages == LATE
    out = tmp_path / "late.xlsx"
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(QtGui.QDesktopServices, "openUrl", lambda _url: True)
    window.export_pipeline()
    qtbot.waitUntil(lambda: _done(window) is not None, timeout=30000)
    _done(window).close()  # deleted on close: no box is left for later tests
    book = load_workbook(out)
    top = {r[0]: r[1] for r in book["Summary"].iter_rows(max_row=8, values_only=True) if r[0]}
    assert top["Stages"] == "Offer, Signed"
    assert top["Institutions"] == "All institutions" and top["Targets"] == "All targets"
    sheet = book["Pipeline"]
    head = [c.value for c in sheet[1]]
    stages = [r[head.index("Stage")] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert set(stages) <= {"Offer", "Signed"} and len(stages) == len(page.cards)
    key = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r and r[0]}
    assert key["Applications"] == len(page.cards)


def test_the_window_remembers_the_stages(
    qtbot: Any, window: Any, settings: Any, make_ctx: Any
) -> None:
    from recruiter.ui.main_window import MainWindow

    page = window.show_page("Pipeline")
    qtbot.waitUntil(lambda: not page.loading, timeout=15000)
    _choose(page, (Stage.review,))
    window.save_state()
    assert stored_stages(settings.value("filters/pipeline/stages")) == (Stage.review,)
    again = MainWindow(make_ctx(window.ctx.db), settings)
    qtbot.addWidget(again)
    reopened = again.show_page("Pipeline")
    assert reopened.stage_filter.stages() == (Stage.review,)
    qtbot.waitUntil(lambda: not reopened.loading, timeout=15000)
    assert all(c.stage == Stage.review for c in reopened.cards)


def test_stored_stages_read_what_settings_hold() -> None:
    assert stored_stages(["offer", "signed"]) == LATE
    assert stored_stages("offer") == (Stage.offer,)  # an INI file's one-item list
    assert stored_stages(["gone", "offer"]) == (Stage.offer,)
    assert stored_stages(None) == ()
    assert len(STAGES) == 9


def test_dashboard_stage_filter_narrows_figures_and_is_exported(
    qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recruiter.ui.qt import QtGui, QtWidgets

    page = window.show_page("Dashboard")
    qtbot.waitUntil(lambda: not page.loading and page.report is not None, timeout=15000)
    everything = page.report.kpis.applications
    _choose(page, LATE)
    qtbot.waitUntil(lambda: not page.loading and page.report.filters.stages == LATE, timeout=15000)
    late = page.report.kpis.applications
    assert 0 < late < everything
    assert page.tiles["Applications"].value.text() == f"{late:,}"
    out = tmp_path / "dashboard-late.xlsx"
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(QtGui.QDesktopServices, "openUrl", lambda _url: True)
    window.export_pipeline()
    qtbot.waitUntil(lambda: _done(window) is not None, timeout=30000)
    _done(window).close()  # deleted on close: no box is left for later tests
    key = {r[0]: r[1] for r in load_workbook(out)["Summary"].iter_rows(values_only=True) if r[0]}
    assert key["Stages"] == "Offer, Signed" and key["Applications"] == late
    # A click on the funnel's Offer bar opens the Pipeline page at that stage.
    with qtbot.waitSignal(window.ctx.bus.navigate) as blocker:
        page._funnel_clicked(page.funnel_stages.index(Stage.offer))
    assert blocker.args == ["Pipeline", {"stages": ["offer", "signed"], "stage": "offer"}]
    pipeline = window.pages["Pipeline"]
    qtbot.waitUntil(lambda: not pipeline.loading, timeout=15000)
    assert pipeline.stage_filter.stages() == (Stage.offer,)
