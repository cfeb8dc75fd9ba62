"""Leadership export and dashboard queries on the demo database (issue 6 budgets).

- export: the whole workbook (report + streamed, styled sheets) against the floor of openpyxl in
  write-only mode writing the same grid of values with no styling; budget 1.25x.
- memory: peak RSS growth of a fresh process exporting; budget 100 MB.
- dashboard: each query the dashboard runs; budget 0.1 s each.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.common import Context, Figure, figure, measure

# A fresh process: its peak RSS (VmHWM; ru_maxrss would carry the parent's peak across exec)
# minus its RSS once the database is open and the modules are loaded.
MEMORY_PROBE = """
import json, sys
from recruiter.services import exporting
from recruiter.store.opening import open_database
def status(key):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1e3
db = open_database(sys.argv[1])
with open("/proc/self/clear_refs", "w") as fh:  # reset the peak to the current RSS
    fh.write("5")
before = status("VmRSS")
exporting.export_workbook(db, sys.argv[2])
print(json.dumps({"before": before, "peak": status("VmHWM")}))
"""


def _grid(db: Any) -> dict[str, list[list[Any]]]:
    """The values the export writes, as plain cells (money as exact decimals)."""
    from recruiter.exchange.workbook import MoneyFormat
    from recruiter.services import exporting, reporting

    report = reporting.build(db)
    money = MoneyFormat(report.money.currency, report.money.exponent)

    def plain(rows: Any, spec: Any) -> list[list[Any]]:
        kinds = [k for _h, k in spec]
        out = [[h for h, _k in spec]]
        for r in rows:
            out.append(
                [
                    money.major(v) if k == "money" and v is not None else v
                    for v, k in zip(r, kinds, strict=True)
                ]
            )
        return out

    summary = exporting.summary_of(report)
    summary_rows: list[list[Any]] = [[summary.title], *[list(f) for f in summary.facts]]
    summary_rows += [[label, value] for label, value, _k in summary.kpis]
    for block in summary.blocks:
        summary_rows += [[block.title], [c.header for c in block.columns], *map(list, block.rows)]
    return {
        "Summary": summary_rows,
        "Pipeline": plain(reporting.pipeline_rows(db), reporting.PIPELINE_COLUMNS),
        "Offers": plain(reporting.offer_rows(db), reporting.OFFER_COLUMNS),
        "Funding": plain(reporting.funding_table(report.funding), reporting.FUNDING_COLUMNS),
    }


def _floor(grid: dict[str, list[list[Any]]], out: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name, rows in grid.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(out)


def _dashboard_queries(db: Any) -> dict[str, Callable[[], object]]:
    """What DashboardPage.load runs, one figure each (the same functions, split apart)."""
    from recruiter.services import reporting as r

    f, today = r.Filters(), date.today()

    def in_session(
        fn: Callable[..., object], *args: Any, money: bool = False
    ) -> Callable[[], object]:
        def run() -> object:
            with db.session() as s:
                extra = (r._money_in(s),) if money else ()
                return fn(s, *args, *extra)

        return run

    return {
        "filter options": lambda: r.filter_options(db),
        "rates and currencies": in_session(lambda s: r._money_in(s)),
        "funnel": in_session(r.funnel_in, f),
        "progress to targets": in_session(r.targets_in, f),
        "offer statistics": in_session(r.offer_stats_in, f, money=True),
        "offers by month": in_session(r.offers_by_month_in, f, today),
        "funding per source": in_session(r.funding_in, f, money=True),
        "overdue follow-ups": in_session(r.overdue_in, f, today),
        "stale applications": in_session(r.stale_count_in, f, today),
    }


def figures(ctx: Context) -> list[Figure]:
    from recruiter.services import exporting
    from recruiter.store.opening import open_database

    path = ctx.demo_db()
    label = f"{ctx.size:,} candidates"
    db = open_database(path)
    out, floor_out = ctx.workdir / "export.xlsx", ctx.workdir / "floor.xlsx"
    repeats = min(ctx.repeats, 3)
    try:
        grid = _grid(db)
        ours: list[float] = []
        floor: list[float] = []
        for _ in range(repeats):  # interleaved, so a busy machine slows both alike
            ours += measure(lambda: exporting.export_workbook(db, out), 1)
            floor += measure(lambda: _floor(grid, floor_out), 1)
        grid.clear()  # free the materialised grid before the queries
        results = [figure(f"export: leadership workbook ({label})", ours, floor, budget=1.25)]
        for name, fn in _dashboard_queries(db).items():
            fn()  # warm the page cache, as a dashboard that is open would have
            results.append(
                figure(f"dashboard: {name} ({label})", measure(fn, ctx.repeats), budget=0.1)
            )
    finally:
        db.dispose()
    probe = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(path), str(ctx.workdir / "memory.xlsx")],
        capture_output=True,
        text=True,
        check=True,
    )
    mem = json.loads(probe.stdout.strip().splitlines()[-1])
    growth = max(mem["peak"] - mem["before"], 0.0)
    results.append(
        Figure(
            name=f"export: peak memory growth ({label})",
            median=growth,
            unit="MB",
            budget=100,
            runs=[growth],
        )
    )
    return results
