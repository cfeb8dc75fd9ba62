"""The command line (DESIGN.md §5): `main` is the `recruiter` console script and
`python -m recruiter`. Messages go to stderr, `--json` output to stdout. Exit status: 0 success,
1 a failure explained in one message (nothing written), 2 usage error.

One module per command group (data, importing, exporting, setup, gui); the parser and the output
helpers have their own. The database layer, the services and Qt are imported only once a command
needs them, so `recruiter --help` stays fast and scripts never load Qt."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from recruiter.i18n import _

from . import data, exporting, gui, importing, payments, setup, team
from .output import emit, say
from .parser import build_parser

if TYPE_CHECKING:
    from recruiter.store.database import Database

Handler = Callable[[argparse.Namespace, "Database"], int]

HANDLERS: dict[str, Handler] = {
    "demo": data.cmd_demo,
    "check": data.cmd_check,
    "backup": data.cmd_backup,
    "import": importing.cmd_import,
    "undo-import": importing.cmd_undo_import,
    "export": exporting.cmd_export,
    "brief": exporting.cmd_brief,
    "setup": setup.cmd_setup,
    "batch": payments.cmd_batch,
    "paid": payments.cmd_paid,
    "close-year": payments.cmd_close_year,
    "copy": team.cmd_copy,
}

# Commands that need no database.
STANDALONE: dict[str, Callable[[argparse.Namespace], int]] = {
    "template": setup.cmd_template,
    "team": team.cmd_team,
}


def _language_from(argv: Sequence[str]) -> str | None:
    """`--lang X` or `--lang=X` anywhere on the line: read before the parser is built, so the
    help texts are in that language too (the option itself is parsed again, and checked)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def main(argv: Sequence[str] | None = None) -> int:
    from recruiter import i18n

    wanted = _language_from(sys.argv[1:] if argv is None else argv)
    if wanted and i18n.normalise(wanted) is not None:
        i18n.set_language(wanted)
    args = build_parser().parse_args(argv)
    if args.command is None:
        return gui.open_app(args.db)
    if args.command in STANDALONE:
        return run_standalone(args)
    return run_command(args)


def run_standalone(args: argparse.Namespace) -> int:
    """A command without a database; a failure becomes one message and exit status 1."""
    from recruiter.errors import RecruiterError

    try:
        return STANDALONE[args.command](args)
    except RecruiterError as exc:
        say(f"recruiter: {exc}")
        if getattr(args, "json", False):
            emit({"ok": False, "error": str(exc)})
        return 1


def run_command(args: argparse.Namespace) -> int:
    """Open the database, run one command on it, and turn any failure into one message."""
    from sqlalchemy.exc import SQLAlchemyError

    from recruiter.errors import RecruiterError
    from recruiter.services import leftovers
    from recruiter.store.database import explain
    from recruiter.store.opening import open_database

    db: Database | None = None
    try:
        db = open_database(args.db)
        leftovers.sweep(db)  # the last export folder is the window's to know
        return HANDLERS[args.command](args, db)
    except (RecruiterError, SQLAlchemyError) as exc:
        if isinstance(exc, SQLAlchemyError):
            label = db.label if db is not None else _("The database")
            exc = explain(exc, _("The database {label}").format(label=label))
        say(f"recruiter: {exc}")
        if getattr(args, "json", False):
            emit({"ok": False, "error": str(exc)})
        return 1
    except KeyboardInterrupt:
        say(_("recruiter: interrupted; nothing was written."))
        return 1
    finally:
        if db is not None:
            db.dispose()


__all__ = ["HANDLERS", "STANDALONE", "build_parser", "emit", "main", "run_command", "say"]
