"""`recruiter demo`, `recruiter check` and `recruiter backup`: commands on the database as a whole.

Services are imported inside each command so that `recruiter --help` never loads them."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from .output import emit, say

if TYPE_CHECKING:
    from recruiter.store.check import CheckReport
    from recruiter.store.database import Database


def cmd_demo(args: argparse.Namespace, db: Database) -> int:
    from recruiter.services import demo

    summary = demo.generate(db, size=args.size, seed=args.seed, force=args.force)
    if args.json:
        emit({"database": db.label, **summary.as_json()})
    else:
        say(
            f"Demo data written to {db.label}: {summary.candidates:,} candidates, "
            f"{summary.applications:,} applications, {summary.offers:,} offers."
        )
    return 0


def cmd_check(args: argparse.Namespace, db: Database) -> int:
    from recruiter.store.check import repair, run_check

    repaired: list[str] = []
    not_repaired: list[str] = []
    if args.repair:
        repaired, not_repaired = repair(db)
    report = run_check(db)
    report.repaired, report.not_repaired = repaired, not_repaired
    if args.json:
        emit(report.as_json())
        return 0 if report.ok else 1
    say(
        f"{db.label}: schema {report.schema}, "
        + ", ".join(f"{n:,} {t}" for t, n in report.counts.items() if n)
    )
    for fixed in repaired:
        say(f"repaired: {fixed}")
    for failed in not_repaired:
        say(f"could not repair: {failed}")
    for problem in report.problems:
        rebuildable = " (check --repair rebuilds it)" if problem in report.repairable else ""
        say(f"problem: {problem}{rebuildable}")
    if report.ok:
        say("OK")
    else:
        say(f"{len(report.problems)} problem(s) found. {_advice(report, db)}")
    return 0 if report.ok else 1


def _advice(report: CheckReport, db: Database) -> str:
    from recruiter.store.backup import restore_hint

    repair = "Run `recruiter check --repair` to rebuild"
    if set(report.problems) <= set(report.repairable):
        return f"{repair} them."
    if not report.repairable:
        return f"They cannot be rebuilt: {restore_hint(db.path)}."
    return f"{repair} what can be rebuilt; for the rest, {restore_hint(db.path)}."


def cmd_backup(args: argparse.Namespace, db: Database) -> int:
    from recruiter.store.backup import backup_dir, manual_backup, remove_stale_parts
    from recruiter.store.check import require_intact

    if db.path is None:  # a server: a verified logical copy into an SQLite file
        from .team import backup_server

        return backup_server(args, db)
    require_intact(db, "make a backup")
    out: Path | None = args.out
    folder = backup_dir(db.path) if out is None else out if out.is_dir() else out.parent
    remove_stale_parts(folder)
    written = manual_backup(db.path, out, force=args.force)
    if args.json:
        emit({"file": str(written), "bytes": written.stat().st_size})
    else:
        say(f"Backup written to {written}")
    return 0
