"""`recruiter template setup|candidates OUT.xlsx` and `recruiter setup FILE.xlsx` (issue 10).

Writing a template needs no database, so `cmd_template` runs before one is opened. Loading a
set-up workbook is all or nothing: with any invalid row nothing is written and the exit status
is 1, like a strict import. Services and openpyxl are imported inside each command, never for
`--help`.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from recruiter.i18n import _

from .output import emit, say

if TYPE_CHECKING:
    from recruiter.store.database import Database

_SHOWN = 20  # invalid rows listed in the human-readable report


def cmd_template(args: argparse.Namespace) -> int:
    from recruiter.exchange import templates

    if args.kind == "setup":
        path = templates.write_setup_template(args.out, replace=args.force)
        say(
            _(
                "Set-up template written to {path}; fill it in, then load it with: "
                "recruiter setup {path}"
            ).format(path=path)
        )
    else:
        path = templates.write_candidate_template(args.out, replace=args.force)
        say(
            _(
                "Candidate list template written to {path}; fill it in, then import it with: "
                "recruiter import {path}"
            ).format(path=path)
        )
    if args.json:
        emit({"file": str(path), "template": args.kind})
    return 0


def cmd_setup(args: argparse.Namespace, db: Database) -> int:
    from recruiter.services import setup

    result = setup.load(db, args.file, dry_run=args.dry_run)
    say(f"{result.file_name}:")
    for line in setup.summary_text(result):
        say(line)
    if result.examples_skipped:
        say(_("  {n} example row(s) skipped").format(n=result.examples_skipped))
    if result.invalid:
        say(_("Invalid rows:"))
        for p in result.invalid[:_SHOWN]:
            say(
                _("  {sheet} row {row}: {reason}").format(sheet=p.sheet, row=p.row, reason=p.reason)
            )
        if len(result.invalid) > _SHOWN:
            say(_("  ... and {n} more").format(n=len(result.invalid) - _SHOWN))
        say(
            _(
                "recruiter: {n} invalid row(s); nothing was written. "
                "Correct them and load the workbook again."
            ).format(n=len(result.invalid))
        )
    elif result.dry_run:
        say(_("Dry run: nothing was written."))
    elif not result.changed:
        say(_("Nothing to change: everything in the workbook is already set up."))
    if args.json:
        emit(result.as_json())
    return 1 if result.invalid else 0
