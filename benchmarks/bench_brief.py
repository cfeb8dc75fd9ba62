"""The one-page PDF brief (issue 12): read the report and draw the page, budget 3 s at 100,000
candidates. Runs `recruiter brief` in a fresh process, as a user would, Qt start-up included."""

from __future__ import annotations

import subprocess
import sys

from benchmarks.common import Context, Figure, figure, measure


def figures(ctx: Context) -> list[Figure]:
    path = ctx.demo_db()
    out = ctx.workdir / "brief.pdf"
    cmd = [sys.executable, "-m", "recruiter", "--db", str(path), "brief", str(out)]
    runs = measure(lambda: subprocess.run(cmd, check=True, capture_output=True), ctx.repeats)
    return [figure(f"brief: one-page PDF ({ctx.size:,} candidates)", runs, budget=3.0)]
