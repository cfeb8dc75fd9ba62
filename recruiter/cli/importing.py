"""`recruiter import` and `recruiter undo-import` (DESIGN.md §5, issue 5).

A RecruiterError (bad file, unknown target, ...) propagates to `recruiter.cli.main`, which prints
it and exits 1 with nothing written. Strict mode is the one failure handled here, because its
counts are worth printing. The import service is loaded inside each command, never for `--help`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from .output import emit, say

if TYPE_CHECKING:
    from recruiter.services.importing import ImportSummary
    from recruiter.store.database import Database

_SHOWN = 10  # rows listed per kind in the human-readable report


def _progress() -> Callable[[int, int], None] | None:
    """A percentage on the terminal for long imports; nothing when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None
    last = [-1]

    def show(done: int, total: int) -> None:
        pct = done * 100 // total if total else 0
        if pct != last[0]:
            last[0] = pct
            print(
                f"\rImporting... {pct}%", end="" if pct < 100 else "\n", file=sys.stderr, flush=True
            )

    return show


def _report(summary: ImportSummary) -> None:
    where = f", sheet '{summary.sheet}'" if summary.sheet else ""
    say(f"{summary.file_name}{where} (header on row {summary.header_row}): {summary.rows} rows")
    say(
        f"  created {summary.created} (of which {summary.possible_duplicates} possible "
        f"duplicates), updated {summary.updated}, duplicates {summary.duplicates}, "
        f"invalid {summary.invalid}"
    )
    if summary.already_imported:
        say(
            "  note: this file was imported before (batch "
            + ", ".join(map(str, summary.already_imported))
            + "); duplicates are caught"
        )
    if summary.unmapped:
        say("  columns not imported: " + ", ".join(summary.unmapped))
    for status, title in (
        ("possible_duplicate", "Possible duplicates to review"),
        ("invalid", "Invalid rows"),
    ):
        rows = [o for o in summary.outcomes if o.status == status]
        if not rows:
            continue
        say(f"{title}:")
        for o in rows[:_SHOWN]:
            name = f" {o.name}:" if o.name else ""
            say(f"  row {o.row}:{name} {o.reason}")
        if len(rows) > _SHOWN:
            say(f"  ... and {len(rows) - _SHOWN} more")


def cmd_import(args: argparse.Namespace, db: Database) -> int:
    """Import one file; exit 0 even when some rows are invalid (they are reported), 1 in
    strict mode when any row is invalid.

    The rejected rows (`--errors`) are saved before the import is committed: if they cannot be
    saved, nothing is imported and the message says so."""
    from recruiter.errors import RecruiterError
    from recruiter.exchange import limits
    from recruiter.exchange.files import same_file
    from recruiter.services import importing

    if args.errors is not None:
        for other, what in ((args.file, "the file being imported"), (db.path, "the database")):
            if same_file(args.errors, other):
                raise RecruiterError(
                    f"--errors {args.errors} is {what}: saving the rejected rows there would "
                    "overwrite it. Choose another file name, such as "
                    f"{args.errors.with_name(args.errors.stem + '-rejected.xlsx').name}."
                )
    options = importing.ImportOptions(
        sheet=args.sheet,
        target_id=args.target,
        source=args.source,
        on_duplicate=args.on_duplicate or "skip",
        dry_run=args.dry_run,
        strict=args.strict,
    )
    saved: list[int] = []

    def save_rejects(summary: ImportSummary) -> None:
        try:
            saved.append(summary.write_rejects(args.errors))
        except RecruiterError as exc:
            raise RecruiterError(f"{exc} Nothing was imported.") from exc

    failed: importing.StrictImportFailed | None = None
    read_limits = limits.Limits().raised(
        max_rows=args.max_rows, max_cells=args.max_cells, max_size_mb=args.max_size
    )
    with limits.use(read_limits):
        try:
            summary = importing.run_import(
                db,
                args.file,
                options,
                progress=_progress(),
                before_commit=save_rejects if args.errors is not None else None,
            )
        except importing.StrictImportFailed as exc:
            summary, failed = exc.summary, exc
            summary.dry_run = bool(args.dry_run)
    _report(summary)
    if args.errors is not None:
        if not saved:  # a dry run or a strict failure: nothing was committed either way
            saved.append(summary.write_rejects(args.errors))
        n = saved[0]
        say(
            f"{n} rejected row{'s' if n != 1 else ''} saved to {args.errors}"
            if n
            else f"No rows were rejected; {args.errors} has only the header row."
        )
    if failed is not None:
        say(f"recruiter: {failed}")
    elif summary.dry_run:
        say("Dry run: nothing was written.")
    else:
        say(
            f"Imported as batch {summary.batch_id}. To undo: recruiter undo-import "
            f"{summary.batch_id}"
        )
    if args.json:
        emit(summary.as_json())
    return 1 if failed is not None else 0


def cmd_undo_import(args: argparse.Namespace, db: Database) -> int:
    """Undo one import batch: its candidates deleted, the fields it changed restored. Refuses,
    naming them, when candidates it created were edited since, unless --force."""
    from recruiter.errors import RecruiterError
    from recruiter.services import importing

    try:
        result = importing.undo_import(
            db, args.batch_id, touched=importing.DELETE if args.force else importing.REFUSE
        )
    except importing.TouchedSinceImport as exc:
        raise RecruiterError(
            f"{exc} To delete them anyway: recruiter undo-import {args.batch_id} --force"
        ) from exc
    say(
        f"Undid import batch {result.batch_id} ({result.file_name}): deleted {result.deleted} "
        f"candidate{'s' if result.deleted != 1 else ''}, restored {result.restored}."
    )
    if args.json:
        emit(result.as_json())
    return 0
