"""The one-page PDF brief (issue 12): read the report and draw the page, budget 3 s at 100,000
candidates. Qt's application is started once, untimed, as the command and the window have it."""

from __future__ import annotations

import os

from benchmarks.common import Context, Figure, figure, measure


def figures(ctx: Context) -> list[Figure]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from recruiter.services.reporting.brief import build_brief
    from recruiter.store.opening import open_database
    from recruiter.ui.brief import start_headless, write_brief

    app = start_headless()
    db = open_database(ctx.demo_db())
    out = ctx.workdir / "brief.pdf"
    try:
        runs = measure(lambda: write_brief(out, build_brief(db), "now"), ctx.repeats)
    finally:
        db.dispose()
    del app
    return [figure(f"brief: one-page PDF ({ctx.size:,} candidates)", runs, budget=3.0)]
