"""What every benchmark module shares: a Figure, timing helpers, and the demo database cache.

A benchmark module is `benchmarks/bench_<area>.py` with `def figures(ctx: Context) -> list[Figure]`.
The runner imports every such module; each figure is a median of several runs, beside its floor
(the same work done by the bare library, measured in the same run) where one exists.
"""

from __future__ import annotations

import gc
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Figure:
    name: str
    median: float
    unit: str = "s"
    floor: float | None = None
    budget: float | None = None  # for ratios when a floor exists, else for the median itself
    runs: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.floor:
            return self.median / self.floor
        return None

    @property
    def within_budget(self) -> bool | None:
        if self.budget is None:
            return None
        value = self.ratio if self.floor else self.median
        return value is not None and value <= self.budget

    def as_json(self) -> dict[str, float | str | None]:
        return {
            "median": self.median,
            "unit": self.unit,
            "floor": self.floor,
            "ratio": self.ratio,
            "budget": self.budget,
        }


@dataclass
class Context:
    quick: bool
    workdir: Path
    repeats: int = 5

    @property
    def size(self) -> int:
        """Number of demo candidates: 100,000 for the real figures, a small size when quick."""
        return 2_000 if self.quick else 100_000

    _demo_cache: dict[int, Path] = field(default_factory=dict)

    def demo_db(self) -> Path:
        """A demo database of `size` candidates, generated once per run and copied by callers
        that write to it."""
        if self.size not in self._demo_cache:
            path = self.workdir / f"demo-{self.size}.db"
            ready = path.with_suffix(".ready")
            if not ready.exists():  # another module's process may have made it already
                # In a process of its own, so generating 100k rows never counts in a memory
                # figure of the module that asked first.
                subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "recruiter",
                        "--db",
                        str(path),
                        "demo",
                        "--size",
                        str(self.size),
                        "--seed",
                        "7",
                        "--force",
                    ],
                    check=True,
                )
                ready.touch()
            self._demo_cache[self.size] = path
        return self._demo_cache[self.size]


def measure(
    fn: Callable[[], object], repeats: int, setup: Callable[[], object] | None = None
) -> list[float]:
    """Wall-clock seconds of `fn` over `repeats` runs, `setup` (untimed) before each."""
    runs = []
    for _ in range(repeats):
        if setup is not None:
            setup()
        gc.collect()
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return runs


def figure(
    name: str,
    runs: list[float],
    floor_runs: list[float] | None = None,
    budget: float | None = None,
    unit: str = "s",
) -> Figure:
    return Figure(
        name=name,
        median=statistics.median(runs),
        unit=unit,
        floor=statistics.median(floor_runs) if floor_runs else None,
        budget=budget,
        runs=runs,
    )
