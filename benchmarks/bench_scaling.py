"""How import and search grow with the number of candidates (issue 16): 10k and 100k, and 1M
with `SCALE=1` (quick: 1k and 10k). Each size imports a generated list into an empty database
and then times a set of searches on it; each step up prints its growth beside the n log n
growth it may not exceed (the budget of the growth figure).
"""

from __future__ import annotations

import itertools
import math
import os
from pathlib import Path
from typing import Any

from benchmarks.common import Context, Figure, figure, measure

SEARCHES = ("Zhang", "bench.4711", "University 42", "李娜", "Li", "Research topic 17")


def sizes(ctx: Context) -> list[int]:
    if ctx.quick:
        return [1_000, 10_000]
    return [10_000, 100_000, *([1_000_000] if os.environ.get("SCALE") == "1" else [])]


def _label(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"


def figures(ctx: Context) -> list[Figure]:
    from benchmarks.bench_import import _rows, app_import, write_xlsx
    from recruiter.services import candidates
    from recruiter.store.opening import open_database

    out: list[Figure] = []
    medians: dict[str, list[tuple[int, float]]] = {"import": [], "search": []}
    for n in sizes(ctx):
        xlsx = ctx.workdir / f"import-{n}.xlsx"
        if not xlsx.exists():
            write_xlsx(xlsx, _rows(n))
        db_path = ctx.workdir / f"scale-{n}.db"
        repeats = 1 if n >= 1_000_000 else min(ctx.repeats, 3)

        def fresh(path: Path = db_path) -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            open_database(path).dispose()

        runs = measure(lambda p=db_path, x=xlsx: app_import(x, p), repeats, setup=fresh)
        imported = figure(f"scaling: import {_label(n)} rows into an empty database", runs)
        out.append(imported)
        medians["import"].append((n, imported.median))

        db = open_database(db_path)
        try:
            queries = [candidates.CandidateQuery(text=t) for t in SEARCHES]

            def search_all(qs: list[candidates.CandidateQuery] = queries, d: Any = db) -> None:
                for q in qs:
                    candidates.query_ids(d, q)

            search_all()  # warm the page cache, as an open window would have
            found = figure(
                f"scaling: {len(SEARCHES)} searches, {_label(n)} candidates",
                measure(search_all, max(ctx.repeats, 3)),
            )
        finally:
            db.dispose()
        out.append(found)
        medians["search"].append((n, found.median))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    for what, points in medians.items():
        for (n1, t1), (n2, t2) in itertools.pairwise(points):
            allowed = (n2 * math.log(n2)) / (n1 * math.log(n1))
            growth = t2 / t1 if t1 > 0 else float("inf")
            out.append(
                Figure(
                    name=f"scaling: {what} growth {_label(n1)} -> {_label(n2)} (budget n log n)",
                    median=growth,
                    unit="x",
                    budget=round(allowed, 2),
                    runs=[growth],
                )
            )
    return out
