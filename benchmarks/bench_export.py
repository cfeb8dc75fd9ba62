"""Leadership export and dashboard queries on the demo database (issue 6 budgets).

- export: `recruiter export` as a whole process (start-up included) against the floor of a process
  that writes the same cells -- every sheet's values, read back from the app's own workbook --
  with bare openpyxl in write-only mode, no styling; budget 1.25x (issue 16).
- memory: peak RSS growth of a fresh process exporting; budget 100 MB.
- dashboard: each query the dashboard runs; budget 0.1 s each.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import time
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


# The floor's process: bare openpyxl in write-only mode writing the cells it is given.
FLOOR_PROCESS = """
import pickle, sys
from openpyxl import Workbook
with open(sys.argv[1], "rb") as fh:
    grid = pickle.load(fh)
wb = Workbook(write_only=True)
for name, rows in grid.items():
    ws = wb.create_sheet(name)
    for row in rows:
        ws.append(row)
wb.save(sys.argv[2])
"""


def read_back(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's values as the app's own workbook holds them (empty cells as None)."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return {
        name: [
            [None if v == "" else v for v in row]
            for row in wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        ]
        for name in wb.sheet_names
    }


def _run(args: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


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
    from recruiter.store.opening import open_database

    path = ctx.demo_db()
    label = f"{ctx.size:,} candidates"
    db = open_database(path)
    out, floor_out = ctx.workdir / "export.xlsx", ctx.workdir / "floor.xlsx"
    repeats = min(ctx.repeats, 3)
    try:
        # Both sides are whole processes, start-up included: `recruiter export` against a
        # process that loads the same cells (read back from the app's own workbook) and writes
        # them with bare openpyxl.
        app = [sys.executable, "-m", "recruiter", "--db", str(path), "export", str(out)]
        _run(app)
        grid_file = ctx.workdir / "export-grid.pickle"
        grid_file.write_bytes(pickle.dumps(read_back(out)))
        floor_cmd = [sys.executable, "-c", FLOOR_PROCESS, str(grid_file), str(floor_out)]
        ours: list[float] = []
        floor: list[float] = []
        for _ in range(repeats):  # interleaved, so a busy machine slows both alike
            ours.append(_run(app))
            floor.append(_run(floor_cmd))
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
