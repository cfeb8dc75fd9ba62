"""Foundation figures: generating the demo database, and opening it to count candidates."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from benchmarks.common import Context, Figure, figure, measure


def figures(ctx: Context) -> list[Figure]:
    from recruiter.services import candidates, demo
    from recruiter.store.opening import open_database

    size = ctx.size
    repeats = 3  # a median, as every other figure (about a minute at 100k)

    def generate() -> None:
        with tempfile.TemporaryDirectory(dir=ctx.workdir) as tmp:
            db = open_database(Path(tmp) / "gen.db")
            demo.generate(db, size=size, seed=7)
            db.dispose()

    gen_runs = measure(generate, repeats)
    path = ctx.demo_db()

    def open_and_count() -> None:
        db = open_database(path)
        candidates.count(db)
        db.dispose()

    def floor_count() -> None:
        conn = sqlite3.connect(path)
        conn.execute("SELECT count(*) FROM candidate").fetchone()
        conn.close()

    return [
        figure(f"demo --size {size:,} (generate)", gen_runs, budget=20.0),
        figure(
            "open database and count candidates",
            measure(open_and_count, ctx.repeats),
            measure(floor_count, ctx.repeats),
        ),
    ]
