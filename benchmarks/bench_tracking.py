"""Tracking workspace budgets (issue 3), on the demo database:

- open the Candidates page until the first rows are painted   < 0.3 s
- search keystroke -> updated rows painted (after the debounce) < 0.05 s
- sort by another column                                       < 0.3 s
- pipeline board for a target with ~2,000 applications         < 0.3 s
- resident memory with the Candidates page open                < 300 MB

Each figure waits for the background query and then paints the visible rows offscreen, so it
includes the thread hop, the model reset and the lazy row fetch a user would wait for.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import Context, Figure, figure

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


SEARCHES = ("zha", "wang", "kyoto", "li", "张伟", "chen", "mit.edu", "ai", "quantum", "lee")


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _wait(app: object, done: Callable[[], bool], timeout: float = 30.0) -> None:
    end = time.perf_counter() + timeout
    while not done():
        app.processEvents()  # type: ignore[attr-defined]
        if time.perf_counter() > end:
            raise TimeoutError("the benchmark waited too long for a background query")
        time.sleep(0.0005)


def _target_near(path: Path, size: int) -> tuple[int, int]:
    con = sqlite3.connect(path)
    try:
        row = con.execute(
            "SELECT target_id, count(*) FROM application GROUP BY target_id "
            "ORDER BY abs(count(*) - ?) LIMIT 1",
            (size,),
        ).fetchone()
    finally:
        con.close()
    return int(row[0]), int(row[1])


def candidates_page(actx: Any, repeats: int, prefix: str = "") -> list[Figure]:
    """The Candidates-page figures (open, memory, search, sort) on the database of `actx`; the
    PostgreSQL bench (bench_pg) calls this too, with its `prefix`, so both measure alike."""
    from PySide6.QtWidgets import QApplication

    from recruiter.ui.pages.candidates import CandidatesPage
    from recruiter.ui.qt import Qt

    app = QApplication.instance()
    out: list[Figure] = []
    pages: list[CandidatesPage] = []
    full: list[float] = []
    first: list[float] = []

    def open_page() -> None:
        t0 = time.perf_counter()
        page = CandidatesPage(actx)
        page.resize(1400, 800)
        page.show()
        _wait(app, lambda: bool(page.model.ids))  # first screenful (LIMIT query) or all
        page.view.viewport().grab()  # paints the visible rows (fetches their page lazily)
        first.append(time.perf_counter() - t0)
        pages.append(page)
        _wait_untimed(lambda: not page.model.loading, t0, full)

    def close_pages() -> None:
        while pages:
            p = pages.pop()
            p.hide()
            p.deleteLater()
        idle()

    def idle() -> None:
        """Untimed: let the previous run's background work finish first."""
        actx.runner.pool.waitForDone(30000)
        app.processEvents()

    _measure(open_page, repeats, close_pages)
    out.append(
        figure(f"{prefix}tracking: open Candidates page, first rows painted", first, budget=0.3)
    )
    out.append(figure(f"{prefix}tracking: open Candidates page, all ids loaded (no budget)", full))
    full, first = [], []

    open_page()
    page = pages[-1]
    out.append(
        figure(
            f"{prefix}tracking: RSS with the Candidates page open (MB)",
            [_rss_mb()],
            budget=300,
            unit="M",
        )
    )

    texts = iter(SEARCHES * 10)
    cpu: list[float] = []

    def search() -> None:
        t0, c0 = time.perf_counter(), time.process_time()
        before = page.model.ids
        page.search.setText(next(texts))
        page.run_query()  # what the debounce timer fires
        _wait(app, lambda: page.model.ids is not before)
        page.view.viewport().grab()
        first.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        _wait_untimed(lambda: not page.model.loading, t0, full)

    _measure(search, max(repeats, len(SEARCHES)), idle)
    out.append(figure(f"{prefix}tracking: search keystroke -> rows painted", first, budget=0.05))
    out.append(figure(f"{prefix}tracking: search keystroke, client CPU (no budget)", cpu))
    out.append(
        figure(f"{prefix}tracking: search keystroke -> full result and count (no budget)", full)
    )

    page.search.setText("")
    page.run_query()
    _wait(app, lambda: not page.model.loading)
    columns = page.model.columns
    up, down = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder
    orders = iter(
        [
            ("country", up),
            ("h_index", down),
            ("current_institution", up),
            ("created_at", down),
            ("field", up),
            ("phd_year", up),
            ("email", up),
            ("full_name", down),
        ]
        * 4
    )

    def sort() -> None:
        name, order = next(orders)
        page.view.sortByColumn(columns.index(name), order)
        _wait(app, lambda: not page.model.loading)  # the whole re-sorted list of ids
        page.view.viewport().grab()

    out.append(
        figure(
            f"{prefix}tracking: sort all candidates by another column",
            _measure(sort, repeats, idle),
            budget=0.3,
        )
    )
    close_pages()
    return out


def figures(ctx: Context) -> list[Figure]:
    from recruiter.store.opening import open_database
    from recruiter.ui.app import make_application, make_context
    from recruiter.ui.pages.pipeline import PipelinePage

    path = ctx.demo_db()
    app = make_application()
    db = open_database(path)
    actx = make_context(db, app)
    repeats = max(ctx.repeats, 3)
    out = candidates_page(actx, repeats)

    target_id, n_apps = _target_near(path, 200 if ctx.quick else 2000)
    board = PipelinePage(actx)
    board.resize(1400, 800)
    board.show()
    board.show_closed.setChecked(True)  # every application of the target: ~2,000 cards
    _wait(app, lambda: not board.loading)

    def open_board() -> None:
        board.apply_filter({"target_id": target_id})
        _wait(app, lambda: not board.loading)
        board.board_scroll.viewport().grab()

    def away() -> None:
        board.set_cards([])

    out.append(
        figure(
            f"tracking: pipeline board, target with {n_apps:,} applications",
            _measure(open_board, repeats, away),
            budget=0.3,
        )
    )
    board.hide()
    actx.runner.wait()
    db.dispose()
    return out


def _wait_untimed(done: Callable[[], bool], t0: float, into: list[float]) -> None:
    from PySide6.QtWidgets import QApplication

    _wait(QApplication.instance(), done)
    into.append(time.perf_counter() - t0)


def _measure(fn: Callable[[], None], repeats: int, setup: Callable[[], None] | None) -> list[float]:
    from benchmarks.common import measure

    return measure(fn, repeats, setup)
