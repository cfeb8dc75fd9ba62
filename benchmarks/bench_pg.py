"""The same figures on PostgreSQL (issue 14), when a server is given: `RECRUITER_BENCH_PG_URL`
or `python -m benchmarks.run --pg-url URL`. The role in the URL must be allowed to create
databases; the bench makes `recruiter_bench_*` databases and drops them after.

- tracking (bench_tracking's Candidates-page figures, measured the same way): the demo database
  of `ctx.size` candidates copied to the server (`recruiter copy`, verified), then the
  Candidates page opened, searched and sorted as on the SQLite file;
- import: the same generated .xlsx as bench_import into an empty server database and into one
  holding the demo's candidates (no floor: the floor there is a SQLite-specific load).

Without a URL the module measures nothing and says so in one line of the table's footer.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from benchmarks.common import Context, Figure, figure, measure

ENV = "RECRUITER_BENCH_PG_URL"
PREFIX = "PostgreSQL: "


def server_url() -> str | None:
    return os.environ.get(ENV, "").strip() or None


def note(results: list[Figure]) -> str:
    """The footer: each PostgreSQL figure beside the SQLite figure of the same name, or the
    line saying none were measured."""
    if server_url() is None:
        return (
            "PostgreSQL: not measured (no server given; set RECRUITER_BENCH_PG_URL or pass "
            "--pg-url postgresql://user@host/db to measure the same figures there)."
        )
    by_name = {f.name: f for f in results}
    lines = [f"{'figure (SQLite | PostgreSQL)':<58} {'SQLite':>10} {'PostgreSQL':>11}  budget"]
    for f in results:
        if not f.name.startswith(PREFIX):
            continue
        name = f.name[len(PREFIX) :]
        lite = by_name.get(name)
        left = f"{lite.median:>9.4f}{lite.unit}" if lite is not None else f"{'-':>10}"
        budget = "" if f.budget is None or f.floor else f"< {f.budget:g}"
        ok = {True: " ok", False: " NO", None: ""}[None if f.floor else f.within_budget]
        lines.append(f"{name:<58} {left} {f.median:>10.4f}{f.unit}  {budget}{ok}")
    return "\n".join(lines)


class _Server:
    """Databases made on the server for one bench run, cloned from templates."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        from recruiter.store.postgres import normalise_url

        self.url = make_url(normalise_url(url))
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self.made: list[str] = []

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        self.drop(name)
        clause = f' TEMPLATE "{template}"' if template else ""
        with self.admin.connect() as conn:
            if template:  # a template may have no other connections (a pool left open)
                conn.exec_driver_sql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    (template,),
                )
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"{clause}')
        self.made.append(name)
        return self.url_of(name)

    def drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        for name in reversed(self.made):
            self.drop(name)
        self.admin.dispose()


def _filled(server: _Server, name: str, source: Path | None) -> str:
    """A migrated database on the server, holding a verified copy of `source` if given."""
    from recruiter.store.copying import copy
    from recruiter.store.opening import open_database

    url = server.create(name)
    db = open_database(url, user="bench")
    try:
        if source is not None:
            lite = open_database(source, user="bench")
            try:
                copy(lite, db)
            finally:
                lite.dispose()
    finally:
        db.dispose()
    return url


def figures(ctx: Context) -> list[Figure]:
    url = server_url()
    if url is None:
        return []
    os.environ.setdefault("RECRUITER_CHANGE_FEED", "0")  # one listener thread less to time
    server = _Server(url)
    tag = f"recruiter_bench_{os.getpid()}"
    out: list[Figure] = []
    try:
        t0 = time.perf_counter()
        demo_url = _filled(server, f"{tag}_demo", ctx.demo_db())
        out.append(
            figure(
                f"{PREFIX}copy the {ctx.size:,}-candidate demo to the server",
                [time.perf_counter() - t0],
            )
        )
        out += _tracking(ctx, demo_url)
        out += _imports(ctx, server, tag)
    finally:
        server.close()
    return out


def _tracking(ctx: Context, demo_url: str) -> list[Figure]:
    """bench_tracking's Candidates-page figures, by the same function, on the server's copy of the
    same demo database. The pipeline board figure is left out: bench_tracking first loads the
    board of every target with closed cards shown."""
    from benchmarks.bench_tracking import candidates_page
    from recruiter.store.opening import open_database
    from recruiter.ui.app import make_application, make_context

    app = make_application()
    db = open_database(demo_url)
    actx = make_context(db, app)
    try:
        return candidates_page(actx, max(ctx.repeats, 3), PREFIX)
    finally:
        actx.runner.wait()
        db.dispose()


def _imports(ctx: Context, server: _Server, tag: str) -> list[Figure]:
    from benchmarks.bench_import import _rows, write_xlsx
    from recruiter.services import importing
    from recruiter.store.opening import open_database

    n = ctx.size
    xlsx = ctx.workdir / f"import-{n}.xlsx"
    if not xlsx.exists():
        write_xlsx(xlsx, _rows(n))
    empty = f"{tag}_empty"
    _filled(server, empty, None)
    label = f"{n // 1000}k" if n >= 1000 else str(n)
    out: list[Figure] = []
    for name, source in (
        ("empty database", empty),
        (f"database with {label} candidates", f"{tag}_demo"),
    ):
        created: list[int] = []

        def run(into: str = f"{tag}_target", created: list[int] = created) -> None:
            db = open_database(server.url_of(into), user="bench")
            try:
                created.append(importing.run_import(db, xlsx).created)
            finally:
                db.dispose()

        runs = measure(
            run,
            max(2, ctx.repeats - 2),
            setup=lambda s=source: server.create(f"{tag}_target", s),
        )
        assert created and all(c == n for c in created), f"expected {n} new, got {created}"
        article = "an" if name.startswith("empty") else "a"
        out.append(figure(f"{PREFIX}import {label}x15 .xlsx into {article} {name}", runs))
    return out
