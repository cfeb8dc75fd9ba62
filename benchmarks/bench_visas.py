"""Visas & arrivals budgets (issue 13), with 5,000 open immigration cases:

- open the Visas page until its rows are painted     < 0.3 s
- the Due dock's read (follow-ups, offers, visa deadlines) < 0.1 s

Cases are added to applications of a demo database (services/demo_visas.py), as if each had
reached `signed`; each figure includes the thread hop and the model reset a user waits for.
Both read each case's stored next deadline (services/immigration/nearest.py): the page one line
per case, the dock the nearest 50 cases and the rest counted in SQL (most of these cases are
overdue, as in the demo).
"""

from __future__ import annotations

import os
import random
import shutil
import time
from collections.abc import Callable
from datetime import date

from benchmarks.common import Context, Figure, figure, measure

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

OPEN_CASES = 5_000


def _wait(app: object, done: Callable[[], bool], timeout: float = 60.0) -> None:
    end = time.perf_counter() + timeout
    while not done():
        app.processEvents()  # type: ignore[attr-defined]
        if time.perf_counter() > end:
            raise TimeoutError("the benchmark waited too long for a background query")
        time.sleep(0.0005)


def _with_cases(ctx: Context, wanted: int) -> str:
    """A copy of the demo database topped up to about `wanted` open cases (added cases are at
    `signed`; a few of them come out closed, as in the demo)."""
    from sqlalchemy import select

    from recruiter.domain.models import Application, Candidate, ImmigrationCase
    from recruiter.services import demo_visas, immigration
    from recruiter.store.opening import open_database

    path = ctx.workdir / f"visas-{wanted}.db"
    if not path.exists():
        shutil.copy(ctx.demo_db(), path)
        db = open_database(path)
        have = len(immigration.case_list(db).rows)  # the demo's own open cases count too
        with db.transaction() as conn:
            taken = select(ImmigrationCase.application_id)  # type: ignore[call-overload]
            rows = conn.execute(
                select(
                    Application.id,  # type: ignore[call-overload]
                    Candidate.full_name,
                    Candidate.nationality,
                    Application.owner,
                )
                .join(Candidate, Candidate.id == Application.candidate_id)
                .where(Application.id.not_in(taken))  # type: ignore[union-attr]
                .limit(max(0, wanted - have))
            ).all()
            demo_visas.write(conn, random.Random(7), date.today(), [(*r, "signed") for r in rows])
        immigration.refresh_next_due(db)  # as the demo does after its bulk write
        db.dispose()
    return str(path)


def figures(ctx: Context) -> list[Figure]:
    from recruiter.services import immigration
    from recruiter.store.opening import open_database
    from recruiter.ui.app import make_application, make_context
    from recruiter.ui.followups import FollowUpsPanel
    from recruiter.ui.pages.visas import VisasPage

    wanted = 500 if ctx.quick else OPEN_CASES
    app = make_application()
    db = open_database(_with_cases(ctx, wanted))
    actx = make_context(db, app)
    n_open = len(immigration.case_list(db).rows)
    repeats = max(ctx.repeats, 3)
    pages: list[VisasPage] = []

    def idle() -> None:
        actx.runner.pool.waitForDone(30000)
        app.processEvents()  # type: ignore[attr-defined]
        while pages:
            p = pages.pop()
            p.hide()
            p.deleteLater()
        app.processEvents()  # type: ignore[attr-defined]

    def open_page() -> None:
        page = VisasPage(actx)
        pages.append(page)
        page.resize(1280, 720)
        page.show()
        _wait(app, lambda: page.model.rowCount() > 0 and not page.reader.pending)
        page.view.viewport().grab()

    panel = FollowUpsPanel(actx)

    def due() -> None:
        panel.refresh()
        _wait(app, lambda: not panel.loading)

    out = [
        figure(
            f"visas: open the page ({n_open:,} open cases)",
            measure(open_page, repeats, setup=idle),
            budget=0.3,
        ),
        figure("visas: Due dock read with visa deadlines", measure(due, repeats), budget=0.1),
    ]
    idle()
    db.dispose()
    return out
