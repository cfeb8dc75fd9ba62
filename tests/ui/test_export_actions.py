"""Export from the GUI: background work with progress and Cancel, the "open it" offer, errors,
and exporting a table view exactly as shown."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook

from recruiter.services import exporting
from tests.factories import Sample


@pytest.fixture
def parent(qtbot):  # type: ignore[no-untyped-def]
    from recruiter.ui.qt import QtWidgets

    win = QtWidgets.QMainWindow()
    qtbot.addWidget(win)
    win.show()
    return win


def _done_box(parent):  # type: ignore[no-untyped-def]
    from recruiter.ui.qt import QtWidgets

    return parent.findChild(QtWidgets.QMessageBox, "exportDoneBox")


def test_export_pipeline_then_open_folder(
    qtbot,
    parent,
    make_ctx,
    sample: Sample,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from recruiter.ui import export_actions
    from recruiter.ui.qt import QtGui, QtWidgets

    ctx = make_ctx(sample.db)
    monkeypatch.setattr(
        QtWidgets.QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "weekly"), "")
    )
    opened: list[str] = []
    monkeypatch.setattr(
        QtGui.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True
    )
    task = export_actions.export_pipeline(parent, ctx)
    assert task is not None
    qtbot.waitUntil(lambda: _done_box(parent) is not None, timeout=15000)
    out = tmp_path / "weekly.xlsx"  # the suffix was added
    assert load_workbook(out).sheetnames == [
        "Summary",
        "Pipeline",
        "Offers",
        "Funding",
        "Immigration",
        "Payments",
        "Cash flow",
    ]
    box = _done_box(parent)
    assert "weekly.xlsx" in box.text() and "7 pipeline rows" in box.informativeText()
    box.findChild(QtWidgets.QPushButton, "openFolder").click()
    assert opened == [str(tmp_path)]


def test_cancel_leaves_no_file(
    qtbot,
    parent,
    make_ctx,
    sample: Sample,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from recruiter.ui import export_actions

    ctx = make_ctx(sample.db)
    started = threading.Event()
    real = exporting.export_workbook

    def slow(db, path, filters, **kw):  # type: ignore[no-untyped-def]
        started.set()
        while not kw["cancelled"]():  # the user has not pressed Cancel yet
            threading.Event().wait(0.01)
        return real(db, path, filters, **kw)

    monkeypatch.setattr(exporting, "export_workbook", slow)
    out = tmp_path / "cancelled.xlsx"
    task = export_actions.export_pipeline(parent, ctx, path=out)
    assert started.wait(5)
    with qtbot.waitSignal(task.signals.cancelled, timeout=10000):
        task.cancel()
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if not p.name.startswith("sample.db")]
    assert "cancelled" in parent.statusBar().currentMessage()
    assert _done_box(parent) is None


def test_failure_is_explained(qtbot, parent, make_ctx, sample: Sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from recruiter.ui import export_actions
    from recruiter.ui.qt import QtWidgets

    ctx = make_ctx(sample.db)
    export_actions.export_pipeline(parent, ctx, path=tmp_path / "missing" / "x.xlsx")

    def shown() -> QtWidgets.QMessageBox | None:
        boxes = [b for b in parent.findChildren(QtWidgets.QMessageBox) if b.isVisible()]
        return boxes[0] if boxes else None

    qtbot.waitUntil(lambda: shown() is not None, timeout=15000)
    assert "does not exist" in shown().text()


def test_dialog_cancelled_does_nothing(
    parent,
    make_ctx,
    sample: Sample,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from recruiter.ui import export_actions
    from recruiter.ui.qt import QtWidgets

    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    assert export_actions.export_pipeline(parent, make_ctx(sample.db)) is None


def test_export_view_as_shown(qtbot, parent, make_ctx, sample: Sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from recruiter.ui import export_actions
    from recruiter.ui.qt import QtCore, QtGui, QtWidgets

    model = QtGui.QStandardItemModel(0, 3)
    model.setHorizontalHeaderLabels(["Name", "Country", "h-index"])
    for name, country, h in (
        ("Zhang Wei", "China", 30),
        ('=HYPERLINK("x")', "Chile", 12),
        ("Anna Berg", "Sweden", 21),
        ("Hidden Row", "Peru", 5),
    ):
        h_item = QtGui.QStandardItem()
        h_item.setData(h, QtCore.Qt.ItemDataRole.DisplayRole)
        model.appendRow([QtGui.QStandardItem(name), QtGui.QStandardItem(country), h_item])
    proxy = QtCore.QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setFilterKeyColumn(1)
    proxy.setFilterRegularExpression("^(?!Peru)")  # the user's filter hides one row
    view = QtWidgets.QTableView(parent)
    view.setModel(proxy)
    view.sortByColumn(2, QtCore.Qt.SortOrder.DescendingOrder)
    view.setColumnHidden(1, True)
    view.horizontalHeader().moveSection(2, 0)  # h-index shown first
    headers, rows = export_actions.view_table(view)
    assert headers == ["h-index", "Name"]
    assert rows == [[30, "Zhang Wei"], [21, "Anna Berg"], [12, '=HYPERLINK("x")']]
    out = tmp_path / "view.xlsx"
    export_actions.export_view(parent, make_ctx(sample.db), view, title="Candidates", path=out)
    qtbot.waitUntil(lambda: _done_box(parent) is not None, timeout=15000)
    ws = load_workbook(out)["Candidates"]
    assert [[c.value for c in r] for r in ws.iter_rows()] == [
        ["h-index", "Name"],
        [30, "Zhang Wei"],
        [21, "Anna Berg"],
        [12, '=HYPERLINK("x")'],
    ]
    assert ws["B4"].data_type == "s" and ws.auto_filter.ref == "A1:B4"


def test_export_view_of_the_candidates_table_reads_rows_in_the_worker(
    qtbot, ctx, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The Candidates table fetches its rows from the database: exporting it "as shown" reads
    them in the export's worker thread, and writes what the table shows."""
    from recruiter.ui import export_actions
    from recruiter.ui.pages.candidates import CandidatesPage

    page = CandidatesPage(ctx)
    qtbot.addWidget(page)
    page.resize(1400, 700)
    page.show()
    qtbot.waitUntil(lambda: not page.model.loading and len(page.model.ids) == 300, timeout=10000)
    model, view = page.model, page.view
    shown = [
        [
            model.data(model.index(r, c))
            for c in range(model.columnCount())
            if not view.isColumnHidden(c)
        ]
        for r in range(model.rowCount())
    ]  # on screen: the rows as the view paints them
    threads: list[threading.Thread] = []
    real = model.fetcher

    def fetch(ids, cols):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        return real(ids, cols)

    model.fetcher = fetch
    out = tmp_path / "candidates.xlsx"
    export_actions.export_view(page, ctx, view, title="Candidates", path=out)
    qtbot.waitUntil(lambda: _done_box(page) is not None, timeout=15000)
    assert threads and threading.main_thread() not in threads
    rows = [[c.value for c in r] for r in load_workbook(out)["Candidates"].iter_rows()]
    assert len(rows) == 301
    headers, read = export_actions.view_reader(view)
    assert rows[0] == headers and read() == shown
