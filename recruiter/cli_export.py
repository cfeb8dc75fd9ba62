"""`recruiter export OUT.xlsx [--institution NAME]... [--json]` (DESIGN.md §5)."""

from __future__ import annotations

import argparse
import json
import sys
import time

from recruiter.errors import RecruiterError
from recruiter.store.database import Database


def cmd_export(args: argparse.Namespace, db: Database) -> int:
    """Write the leadership workbook; messages on stderr, one JSON object on stdout."""
    from recruiter.services import exporting, reporting

    started = time.perf_counter()
    try:
        ids = reporting.resolve_institutions(db, args.institution or [])
        out = args.out
        if out.suffix.lower() != ".xlsx":
            raise RecruiterError(
                f"{out.name}: the workbook must be saved as .xlsx "
                f"(for example {out.with_suffix('.xlsx').name})."
            )
        result = exporting.export_workbook(db, out, reporting.Filters(institution_ids=ids))
    except RecruiterError as exc:
        print(f"recruiter: {exc}", file=sys.stderr)
        if args.json:
            print(json.dumps({"ok": False, "error": str(exc)}, ensure_ascii=False))
        return 1
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
    rows = ", ".join(f"{n:,} {name}" for name, n in result.rows.items())
    print(
        f"Workbook written to {result.file} ({rows} rows) in "
        f"{time.perf_counter() - started:.1f} s.",
        file=sys.stderr,
    )
    return 0


__all__ = ["cmd_export"]
