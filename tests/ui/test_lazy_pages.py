"""Start-up builds only the page on screen; the others are built the first time they are asked
for, with their saved layout, and a page never opened leaves its saved layout alone."""

from __future__ import annotations

from pathlib import Path

from recruiter.ui import startup_trace
from recruiter.ui.main_window import PAGES, MainWindow, lazy_page
from recruiter.ui.pages.funding import FundingPage
from recruiter.ui.qt import QtCore, QtWidgets


def test_only_the_page_on_screen_is_built(qtbot, demo_db, make_ctx, settings, drain) -> None:  # type: ignore[no-untyped-def]
    win = MainWindow(make_ctx(demo_db), settings)
    qtbot.addWidget(win)
    assert list(win.pages.built()) == ["Candidates"]
    assert win._welcome is None  # a database with data never builds the welcome page
    offers = win.pages["Offers"]
    row = [name for name, _f in PAGES].index("Offers")
    assert win.scrollers[row].widget() is offers
    assert list(win.pages.built()) == ["Candidates", "Offers"]
    assert win.show_page("Offers") is offers and win.current_page() is offers
    assert len(win.pages) == len(PAGES) and list(win.pages) == [n for n, _f in PAGES]
    drain(win.ctx)


def test_a_lazy_page_is_made_like_its_class(qtbot, ctx, drain) -> None:  # type: ignore[no-untyped-def]
    page = lazy_page("funding", "FundingPage")(ctx)
    qtbot.addWidget(page)
    assert isinstance(page, FundingPage)
    drain(ctx)


def test_a_page_never_opened_keeps_its_saved_layout(qtbot, demo_db, make_ctx, settings) -> None:  # type: ignore[no-untyped-def]
    key = "layout/Offers/table/0"
    settings.setValue(key, QtCore.QByteArray(b"kept"))
    win = MainWindow(make_ctx(demo_db), settings)
    qtbot.addWidget(win)
    win.close()
    assert settings.value(key) == QtCore.QByteArray(b"kept")
    win.ctx.runner.wait(5000)


def test_the_start_up_trace_marks_window_and_content(  # type: ignore[no-untyped-def]
    qtbot, demo_db, make_ctx, settings, tmp_path: Path, monkeypatch, drain
) -> None:
    out = tmp_path / "trace.txt"
    monkeypatch.setenv(startup_trace.TRACE_ENV, str(out))
    win = MainWindow(make_ctx(demo_db), settings)
    qtbot.addWidget(win)
    trace = startup_trace.install(win)
    assert trace is not None and not trace.quit_after
    win.resize(1280, 720)
    win.show()
    qtbot.waitUntil(
        lambda: startup_trace.CONTENT in trace.seen and trace.seen[startup_trace.CONTENT] > 0,
        timeout=10000,
    )
    marks = [line.split()[0] for line in out.read_text().splitlines()]
    assert marks == [startup_trace.WINDOW, startup_trace.CONTENT]
    page = win.pages["Candidates"]
    assert page.model.rowCount() > 0
    QtWidgets.QApplication.instance().removeEventFilter(trace)
    drain(win.ctx)
