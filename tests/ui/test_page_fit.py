"""Every page fits a small laptop screen (1280×720, 1280×800) without scrolling sideways."""

from __future__ import annotations

import pytest

from recruiter.ui.main_window import PAGES, MainWindow
from recruiter.ui.qt import QtWidgets


@pytest.mark.parametrize("height", [720, 800])
def test_every_page_fits_1280_wide(qtbot, demo_db, make_ctx, settings, drain, height) -> None:  # type: ignore[no-untyped-def]
    win = MainWindow(make_ctx(demo_db), settings)
    qtbot.addWidget(win)
    win.resize(1280, height)
    win.show()
    qtbot.waitExposed(win)
    drain(win.ctx)
    for name, _cls in PAGES:
        page = win.show_page(name)
        drain(win.ctx)  # the page's data is in: long names and figures are on screen
        QtWidgets.QApplication.processEvents()
        scroller = win.stack.currentWidget()
        assert isinstance(scroller, QtWidgets.QScrollArea)
        room = scroller.viewport().width()
        assert page.minimumSizeHint().width() <= room, name
        assert not scroller.horizontalScrollBar().isVisible(), name
    drain(win.ctx)
