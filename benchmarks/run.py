"""`make bench`: run every benchmarks/bench_*.py, print a table, write benchmarks/results.json."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks import bench_pg
from benchmarks.common import Context, Figure

HERE = Path(__file__).parent


def discover() -> list[str]:
    return sorted(f"benchmarks.{p.stem}" for p in HERE.glob("bench_*.py"))


def render(figures: list[Figure]) -> str:
    lines = [f"{'figure':<58} {'median':>10} {'floor':>10} {'ratio':>7} {'budget':>8}  ok"]
    for f in figures:
        floor = f"{f.floor:.4f}" if f.floor is not None else "-"
        ratio = f"{f.ratio:.2f}x" if f.ratio is not None else "-"
        budget = "-" if f.budget is None else (f"{f.budget:g}x" if f.floor else f"{f.budget:g}")
        ok = {True: "yes", False: "NO", None: ""}[f.within_budget]
        lines.append(
            f"{f.name:<58} {f.median:>9.4f}{f.unit:<1} {floor:>10} {ratio:>7} {budget:>8}  {ok}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    parser.add_argument(
        "--only", help="run only modules whose name contains this (or one of a,b,...)"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--pg-url", help="also measure on this PostgreSQL server (bench_pg.py)")
    parser.add_argument("--module", help=argparse.SUPPRESS)  # run one module in this process
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.pg_url:
        os.environ[bench_pg.ENV] = args.pg_url  # the module processes inherit it
    if args.module:
        ctx = Context(quick=args.quick, workdir=args.workdir, repeats=2 if args.quick else 5)
        figures = importlib.import_module(args.module).figures(ctx)
        args.out.write_text(json.dumps([_dump(f) for f in figures]))
        return 0
    results: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="recruiter-bench-") as tmp:
        for name in discover():
            if args.only and not any(part in name for part in args.only.split(",")):
                continue
            print(f"running {name} ...", file=sys.stderr, flush=True)
            results.extend(_run_isolated(name, Path(tmp), args.quick))
    print(render(results))
    print(bench_pg.note(results))
    args.out.write_text(json.dumps({f.name: f.as_json() for f in results}, indent=2))
    return 0


def _run_isolated(module: str, workdir: Path, quick: bool) -> list[Figure]:
    """Each module in a fresh process, so one module's memory (an export, an import) does not
    count against the next one's figures; the demo database is shared through `workdir`."""
    out = workdir / f"{module}.json"
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.run",
        "--module",
        module,
        "--workdir",
        str(workdir),
        "--out",
        str(out),
    ]
    if quick:
        cmd.append("--quick")
    subprocess.run(cmd, check=True, cwd=HERE.parent)
    return [Figure(**d) for d in json.loads(out.read_text())]


def _dump(f: Figure) -> dict[str, object]:
    return {
        "name": f.name,
        "median": f.median,
        "unit": f.unit,
        "floor": f.floor,
        "budget": f.budget,
        "runs": f.runs,
    }


if __name__ == "__main__":
    sys.exit(main())
