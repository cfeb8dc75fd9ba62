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

from recruiter.i18n import _, ngettext

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
                "\r" + _("Importing... {pct}%").format(pct=pct),
                end="" if pct < 100 else "\n",
                file=sys.stderr,
                flush=True,
            )

    return show


def _report(summary: ImportSummary) -> None:
    where = _(", sheet '{sheet}'").format(sheet=summary.sheet) if summary.sheet else ""
    say(
        _("{file}{where} (header on row {row}): {rows} rows").format(
            file=summary.file_name, where=where, row=summary.header_row, rows=summary.rows
        )
    )
    say(
        _(
            "  created {created} (of which {possible} possible duplicates), updated {updated}, "
            "duplicates {duplicates}, invalid {invalid}"
        ).format(
            created=summary.created,
            possible=summary.possible_duplicates,
            updated=summary.updated,
            duplicates=summary.duplicates,
            invalid=summary.invalid,
        )
    )
    if summary.already_imported:
        say(
            _(
                "  note: this file was imported before (batch {batches}); duplicates are caught"
            ).format(batches=", ".join(map(str, summary.already_imported)))
        )
    if summary.unmapped:
        say(_("  columns not imported: {columns}").format(columns=", ".join(summary.unmapped)))
    for status, title in (
        ("possible_duplicate", _("Possible duplicates to review")),
        ("invalid", _("Invalid rows")),
    ):
        rows = [o for o in summary.outcomes if o.status == status]
        if not rows:
            continue
        say(f"{title}:")
        for o in rows[:_SHOWN]:
            name = f" {o.name}:" if o.name else ""
            say(_("  row {row}:{name} {reason}").format(row=o.row, name=name, reason=o.reason))
        if len(rows) > _SHOWN:
            say(_("  ... and {n} more").format(n=len(rows) - _SHOWN))


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
        for other, what in (
            (args.file, _("the file being imported")),
            (db.path, _("the database")),
        ):
            if same_file(args.errors, other):
                raise RecruiterError(
                    _(
                        "--errors {path} is {what}: saving the rejected rows there would "
                        "overwrite it. Choose another file name, such as {other}."
                    ).format(
                        path=args.errors,
                        what=what,
                        other=args.errors.with_name(args.errors.stem + "-rejected.xlsx").name,
                    )
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
            raise RecruiterError(_("{error} Nothing was imported.").format(error=exc)) from exc

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
            ngettext(
                "{n} rejected row saved to {path}", "{n} rejected rows saved to {path}", n
            ).format(n=n, path=args.errors)
            if n
            else _("No rows were rejected; {path} has only the header row.").format(
                path=args.errors
            )
        )
    if failed is not None:
        say(f"recruiter: {failed}")
    elif summary.dry_run:
        say(_("Dry run: nothing was written."))
    else:
        say(
            _("Imported as batch {batch}. To undo: recruiter undo-import {batch}").format(
                batch=summary.batch_id
            )
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
            _("{error} To delete them anyway: recruiter undo-import {batch} --force").format(
                error=exc, batch=args.batch_id
            )
        ) from exc
    say(
        ngettext(
            "Undid import batch {batch} ({file}): deleted {n} candidate, restored {restored}.",
            "Undid import batch {batch} ({file}): deleted {n} candidates, restored {restored}.",
            result.deleted,
        ).format(
            batch=result.batch_id, file=result.file_name, n=result.deleted, restored=result.restored
        )
    )
    if args.json:
        emit(result.as_json())
    return 0
