"""File → Export pipeline… and File → Export brief… from the window write the filters of the
page on screen: the Dashboard's institution, target and period, the Pipeline page's target;
checked in the written workbook's Summary lines and in the PDF's text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from openpyxl import load_workbook

from recruiter.services.reporting import Filters

pytestmark = pytest.mark.usefixtures("qapp")


def _save_as(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    from recruiter.ui.qt import QtGui, QtWidgets

    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(QtGui.QDesktopServices, "openUrl", lambda _url: True)


def _done(window: Any) -> Any:
    from recruiter.ui.qt import QtWidgets

    return window.findChild(QtWidgets.QMessageBox, "exportDoneBox")


def _summary_top(path: Path, lines: int = 8) -> dict[str, str]:
    """The Summary's first lines, label → words ("Institutions" → "Fudan University")."""
    ws = load_workbook(path)["Summary"]
    out: dict[str, str] = {}
    for row in ws.iter_rows(max_row=lines, values_only=True):
        cells = [str(c) for c in row if c is not None]
        if len(cells) >= 2:
            out[cells[0]] = cells[1]
    return out


def _fudan(window: Any) -> tuple[int, str]:
    page = window.pages["Dashboard"]
    options = page._options
    assert options is not None
    return next((i, n) for i, n in options.institutions if n.startswith("Fudan"))


def test_export_pipeline_from_the_filtered_dashboard(
    qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = window.show_page("Dashboard")
    qtbot.waitUntil(lambda: not page.loading and page._options is not None, timeout=15000)
    inst, name = _fudan(window)
    page.period.setCurrentIndex(page.period.findData(365))  # Last 12 months
    page.set_filters(Filters(institution_ids=(inst,)))
    qtbot.waitUntil(lambda: not page.loading, timeout=15000)
    out = tmp_path / "dashboard.xlsx"
    _save_as(monkeypatch, out)
    window.export_pipeline()
    qtbot.waitUntil(lambda: _done(window) is not None, timeout=30000)
    top = _summary_top(out)
    assert top["Institutions"] == name and top["Targets"] == "All targets"
    filters = page.export_filters()
    assert top["Period"] == (
        f"Applications created {filters.date_from:%Y-%m-%d} to {filters.date_to:%Y-%m-%d}"
    )
    window.grab().save(str(tmp_path / "dashboard_export.png"))


def test_export_pipeline_from_the_pipeline_page_writes_its_target(
    qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = window.show_page("Pipeline")
    qtbot.waitUntil(lambda: not page.loading and page.target.count() > 1, timeout=15000)
    page.target.setCurrentIndex(1)  # the first target of the list
    qtbot.waitUntil(lambda: not page.loading, timeout=15000)
    title = page.target.currentText()
    chosen = page.export_filters()
    assert chosen.target_ids
    out = tmp_path / "pipeline.xlsx"
    _save_as(monkeypatch, out)
    window.export_pipeline()
    qtbot.waitUntil(lambda: _done(window) is not None, timeout=30000)
    top = _summary_top(out)
    assert top["Targets"] == title.split(" — ")[0], top  # the combo adds the institution
    assert top["Period"].lower() == "all dates"


def test_export_brief_from_the_filtered_dashboard(
    qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = window.show_page("Dashboard")
    qtbot.waitUntil(lambda: not page.loading and page._options is not None, timeout=15000)
    inst, name = _fudan(window)
    page.set_filters(Filters(institution_ids=(inst,)))
    qtbot.waitUntil(lambda: not page.loading, timeout=15000)
    out = tmp_path / "brief.pdf"
    _save_as(monkeypatch, out)
    window.export_brief_action.trigger()
    qtbot.waitUntil(lambda: _done(window) is not None, timeout=30000)
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == 1
        text = pdf.pages[0].extract_text()
    assert f"Institutions: {name}" in text, text[:400]
    assert "All institutions" not in text
