"""`recruiter demo`, `recruiter check` and `recruiter backup`: commands on the database as a whole.

Services are imported inside each command so that `recruiter --help` never loads them."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from recruiter.i18n import _, format_number

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
            _(
                "Demo data written to {db}: {candidates} candidates, "
                "{applications} applications, {offers} offers."
            ).format(
                db=db.label,
                candidates=format_number(summary.candidates),
                applications=format_number(summary.applications),
                offers=format_number(summary.offers),
            )
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
        _("{db}: schema {schema}, ").format(db=db.label, schema=report.schema)
        + ", ".join(f"{n:,} {t}" for t, n in report.counts.items() if n)
    )
    for fixed in repaired:
        say(_("repaired: {what}").format(what=fixed))
    for failed in not_repaired:
        say(_("could not repair: {what}").format(what=failed))
    for problem in report.problems:
        rebuildable = _(" (check --repair rebuilds it)") if problem in report.repairable else ""
        say(_("problem: {problem}").format(problem=problem) + rebuildable)
    if report.ok:
        say(_("OK"))
    else:
        say(
            _("{n} problem(s) found. {advice}").format(
                n=len(report.problems), advice=_advice(report, db)
            )
        )
    return 0 if report.ok else 1


def _advice(report: CheckReport, db: Database) -> str:
    from recruiter.store.backup import restore_hint

    if set(report.problems) <= set(report.repairable):
        return _("Run `recruiter check --repair` to rebuild them.")
    if not report.repairable:
        return _("They cannot be rebuilt: {hint}.").format(hint=restore_hint(db.path))
    return _(
        "Run `recruiter check --repair` to rebuild what can be rebuilt; for the rest, {hint}."
    ).format(hint=restore_hint(db.path))


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
        say(_("Backup written to {path}").format(path=written))
    return 0
