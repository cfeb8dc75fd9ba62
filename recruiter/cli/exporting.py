"""`recruiter export OUT.xlsx [--institution NAME]... [--json]` (DESIGN.md §5).

A RecruiterError (unknown institution, wrong suffix, file in use) propagates to
`recruiter.cli.main`, which prints it and exits 1. The report services are loaded inside the
command, never for `--help`."""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING

from recruiter.errors import RecruiterError

from .output import emit, say

if TYPE_CHECKING:
    from recruiter.store.database import Database


def cmd_export(args: argparse.Namespace, db: Database) -> int:
    """Write the leadership workbook; messages on stderr, one JSON object on stdout."""
    from recruiter.services import exporting, reporting
    from recruiter.store.check import require_intact

    started = time.perf_counter()
    ids = reporting.resolve_institutions(db, args.institution or [])
    out = args.out
    if out.suffix.lower() != ".xlsx":
        raise RecruiterError(
            f"{out.name}: the workbook must be saved as .xlsx "
            f"(for example {out.with_suffix('.xlsx').name})."
        )
    exporting.refuse_database_target(db, out)
    require_intact(db, "export")
    result = exporting.export_workbook(db, out, reporting.Filters(institution_ids=ids))
    if args.json:
        emit(result.as_json())
    rows = ", ".join(f"{n:,} {name}" for name, n in result.rows.items())
    say(
        f"Workbook written to {result.file} ({rows} rows) in {time.perf_counter() - started:.1f} s."
    )
    return 0
