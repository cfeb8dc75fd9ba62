"""Start-up budgets (issue 16), each a fresh process timed from the moment it is started:

- `recruiter` -> main window painted                           < 1.5 s
- `recruiter` -> first content painted (Candidates rows; the
  welcome page of an empty database)                            < 2.0 s
  both on a database the run creates and on the 100,000-candidate demo database;
- `recruiter --help` and `recruiter check` on an empty database < 0.5 s.

The window reports its paint events through `RECRUITER_TRACE_STARTUP` (ui/startup_trace.py) and
quits once both are on screen. Each run gets its own empty settings folder, so every start opens
on the default page (Candidates) as a first start would.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Context, Figure, figure

WINDOW_BUDGET = 1.5
CONTENT_BUDGET = 2.0
CLI_BUDGET = 0.5


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / "config"))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.update(extra)
    return env


def _start_gui(db: Path, home: Path) -> tuple[float, float]:
    """(window, content) seconds after the process was started."""
    trace = home / "trace.txt"
    trace.unlink(missing_ok=True)
    env = _env(home, RECRUITER_TRACE_STARTUP=str(trace), RECRUITER_TRACE_QUIT="1")
    t0 = time.time()
    subprocess.run(
        [sys.executable, "-m", "recruiter", "--db", str(db)],
        env=env,
        check=True,
        timeout=120,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    marks = dict(line.split() for line in trace.read_text().splitlines())
    return float(marks["window"]) - t0, float(marks["content"]) - t0


def _time_cli(args: list[str], home: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "recruiter", *args],
        env=_env(home),
        check=True,
        timeout=120,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - t0


def figures(ctx: Context) -> list[Figure]:
    from benchmarks.bench_import import _copy

    repeats = max(ctx.repeats, 3)
    label = f"{ctx.size // 1000}k" if ctx.size >= 1000 else str(ctx.size)
    out: list[Figure] = []
    with tempfile.TemporaryDirectory(dir=ctx.workdir) as tmp:
        root = Path(tmp)
        home = root / "home"
        home.mkdir()
        # The schema cache `check` keeps is part of a normal installation: warm it once.
        empty = root / "empty.db"
        _time_cli(["--db", str(empty), "check"], home)
        out.append(
            figure(
                "start-up: recruiter --help",
                [_time_cli(["--help"], home) for _ in range(repeats)],
                budget=CLI_BUDGET,
            )
        )
        out.append(
            figure(
                "start-up: recruiter check (empty database)",
                [_time_cli(["--db", str(empty), "check"], home) for _ in range(repeats)],
                budget=CLI_BUDGET,
            )
        )
        demo = _copy(ctx.demo_db(), root / "demo.db")
        for name, make in (
            ("a new database", lambda n: root / f"new-{n}.db"),
            (f"the {label} demo database", lambda _n: demo),
        ):
            window: list[float] = []
            content: list[float] = []
            for n in range(repeats):
                run_home = home / f"gui-{name[:5]}-{n}"
                run_home.mkdir()
                w, c = _start_gui(make(n), run_home)
                window.append(w)
                content.append(c)
            what = "welcome page" if name.startswith("a new") else "Candidates rows"
            out.append(figure(f"start-up: {name}, window shown", window, budget=WINDOW_BUDGET))
            out.append(figure(f"start-up: {name}, {what} painted", content, budget=CONTENT_BUDGET))
    return out
