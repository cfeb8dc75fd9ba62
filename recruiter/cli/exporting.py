"""`recruiter export OUT.xlsx` and `recruiter brief OUT.pdf`, with the report filters
[--institution NAME]... [--target ID]... [--stage STAGE]... [--since DATE] [--until DATE]
(DESIGN.md §5).

A RecruiterError (unknown institution, target or stage, wrong suffix, file in use) propagates to
`recruiter.cli.main`, which prints it and exits 1. The report services are loaded inside the
command, never for `--help`; `brief` is the one command that starts Qt (headless), to draw the
page."""

from __future__ import annotations

import argparse
import os
import time
from typing import TYPE_CHECKING

from recruiter.errors import RecruiterError
from recruiter.i18n import _

from .output import emit, say

if TYPE_CHECKING:
    from recruiter.services.reporting import Filters
    from recruiter.store.database import Database


def filters_from(args: argparse.Namespace, db: Database) -> Filters:
    """The Filters the options ask for; unknown names and ids are refused before any work."""
    from recruiter.errors import NotFound
    from recruiter.services import reporting

    stages = reporting.resolve_stages(getattr(args, "stage", None) or [])
    if args.since and args.until and args.since > args.until:
        raise RecruiterError(
            _("--since {since} is after --until {until}.").format(
                since=args.since, until=args.until
            )
        )
    known = {t for t, _title, _inst in reporting.filter_options(db).targets}
    unknown = [str(t) for t in args.target if t not in known]
    if unknown:
        raise NotFound(_("No target with id {ids}.").format(ids=", ".join(unknown)))
    return reporting.Filters(
        institution_ids=reporting.resolve_institutions(db, args.institution or []),
        target_ids=tuple(dict.fromkeys(args.target)),
        date_from=args.since,
        date_to=args.until,
        stages=stages,
    )


def _require_suffix(out: os.PathLike[str], suffix: str, what: str) -> None:
    from pathlib import Path

    path = Path(out)
    if path.suffix.lower() != suffix:
        raise RecruiterError(
            _("{file}: the {what} must be saved as {suffix} (for example {example}).").format(
                file=path.name, what=what, suffix=suffix, example=path.with_suffix(suffix).name
            )
        )


def cmd_export(args: argparse.Namespace, db: Database) -> int:
    """Write the leadership workbook; messages on stderr, one JSON object on stdout."""
    from recruiter.services import exporting
    from recruiter.store.check import intact_while

    started = time.perf_counter()
    filters = filters_from(args, db)
    out = args.out
    _require_suffix(out, ".xlsx", _("workbook"))
    exporting.refuse_database_target(db, out)
    with intact_while(db, "export") as require:  # checked while the workbook is written
        result = exporting.export_workbook(db, out, filters, before_save=require)
    if args.json:
        emit(result.as_json())
    rows = ", ".join(f"{n:,} {name}" for name, n in result.rows.items())
    say(
        _("Workbook written to {file} ({rows} rows) in {seconds} s.").format(
            file=result.file, rows=rows, seconds=f"{time.perf_counter() - started:.1f}"
        )
    )
    return 0


def cmd_brief(args: argparse.Namespace, db: Database) -> int:
    """Write the one-page PDF brief, drawn by Qt without a display."""
    from recruiter.services import exporting
    from recruiter.services.reporting.brief import build_brief
    from recruiter.store.check import require_intact

    started = time.perf_counter()
    filters = filters_from(args, db)
    out = args.out
    _require_suffix(out, ".pdf", _("brief"))
    exporting.refuse_database_target(db, out)
    require_intact(db, "brief")
    brief = build_brief(db, filters)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from recruiter.ui.brief import start_headless, write_brief

    start_headless()
    try:
        path = write_brief(out, brief, exporting.exported_at())
    except OSError as exc:
        raise RecruiterError(
            _("The brief could not be written to {path}: {error}").format(path=out, error=exc)
        ) from exc
    if args.json:
        emit({"file": str(path), "as_of": str(brief.as_of), "filters": dict(brief.facts)})
    say(
        _("Brief written to {path} in {seconds} s.").format(
            path=path, seconds=f"{time.perf_counter() - started:.1f}"
        )
    )
    return 0
