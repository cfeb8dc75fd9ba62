"""`recruiter demo`, `recruiter check` and `recruiter backup`: commands on the database as a whole.

Services are imported inside each command so that `recruiter --help` never loads them."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from recruiter.errors import RecruiterError

from .output import emit, say

if TYPE_CHECKING:
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
    from recruiter.store.check import run_check

    report = run_check(db)
    if args.json:
        emit(report.as_json())
    else:
        say(
            f"{db.label}: schema {report.schema}, "
            + ", ".join(f"{n:,} {t}" for t, n in report.counts.items() if n)
        )
        for problem in report.problems:
            say(f"problem: {problem}")
        say("OK" if report.ok else f"{len(report.problems)} problem(s) found")
    return 0 if report.ok else 1


def cmd_backup(args: argparse.Namespace, db: Database) -> int:
    from recruiter.store.backup import backup_to

    if db.path is None:
        raise RecruiterError("Backups are made by the database server for non-SQLite databases.")
    out = args.out or Path.cwd() / f"{db.path.stem}-backup-{datetime.now():%Y%m%d-%H%M%S}.db"
    written = backup_to(db.path, out)
    if args.json:
        emit({"file": str(written), "bytes": written.stat().st_size})
    else:
        say(f"Backup written to {written}")
    return 0
