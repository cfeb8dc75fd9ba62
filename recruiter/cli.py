"""The command line (DESIGN.md §5). Messages go to stderr, `--json` output to stdout.
Exit status: 0 success, 1 a failure explained in one message (nothing written), 2 usage error.
The GUI is imported lazily so scripts never load Qt."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from recruiter import __version__
from recruiter.errors import RecruiterError
from recruiter.store.database import Database

Handler = Callable[[argparse.Namespace, Database], int]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="recruiter",
        description="Track international scholars, recruiting targets, offers and funding.",
    )
    p.add_argument("--version", action="version", version=f"recruiter {__version__}")
    p.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help="database file or SQLAlchemy URL (default: $RECRUITER_DB, else the "
        "user data directory)",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    d = sub.add_parser("demo", help="fill the database with synthetic demo data")
    d.add_argument("--size", type=int, default=300, help="number of candidates (default 300)")
    d.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    d.add_argument("--force", action="store_true", help="replace existing data")
    d.add_argument("--json", action="store_true", help="print counts as JSON")

    i = sub.add_parser("import", help="import a candidate list (xlsx, xls, ods, csv)")
    i.add_argument("file", type=Path)
    i.add_argument("--sheet", help="sheet name (default: the first)")
    i.add_argument(
        "--target", type=int, metavar="ID", help="add everyone to this target's pipeline"
    )
    i.add_argument("--source", help="source to record on new candidates (default: file name)")
    i.add_argument("--on-duplicate", choices=("skip", "update", "overwrite"), default="skip")
    i.add_argument("--dry-run", action="store_true", help="check the file, write nothing")
    i.add_argument("--strict", action="store_true", help="write nothing if any row is invalid")
    i.add_argument("--errors", type=Path, metavar="OUT.xlsx", help="save rejected rows here")
    i.add_argument("--json", action="store_true")

    u = sub.add_parser("undo-import", help="undo one import batch")
    u.add_argument("batch_id", type=int, metavar="BATCH_ID")
    u.add_argument("--json", action="store_true")

    e = sub.add_parser("export", help="export the pipeline workbook for leadership")
    e.add_argument("out", type=Path, metavar="OUT.xlsx")
    e.add_argument("--institution", action="append", default=[], metavar="NAME")
    e.add_argument("--json", action="store_true")

    c = sub.add_parser("check", help="integrity and schema check")
    c.add_argument("--json", action="store_true")

    b = sub.add_parser("backup", help="consistent copy of the database")
    b.add_argument("out", nargs="?", type=Path, metavar="OUT")
    b.add_argument("--json", action="store_true")
    return p


def say(message: str) -> None:
    print(message, file=sys.stderr)


def emit(obj: dict[str, Any]) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str))


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
    from datetime import datetime

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


def _lazy(module: str, func: str) -> Handler:
    """Handlers that live with their feature; 'not available yet' until it lands."""

    def run(args: argparse.Namespace, db: Database) -> int:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            say(f"'{args.command}' is not available yet in this version of Recruiter.")
            return 1
        handler: Handler = getattr(mod, func)
        return handler(args, db)

    return run


HANDLERS: dict[str, Handler] = {
    "demo": cmd_demo,
    "check": cmd_check,
    "backup": cmd_backup,
    "import": _lazy("recruiter.cli_import", "cmd_import"),
    "undo-import": _lazy("recruiter.cli_import", "cmd_undo_import"),
    "export": _lazy("recruiter.cli_export", "cmd_export"),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from recruiter.ui.app import run_gui

        return run_gui(args.db)
    from recruiter.store.opening import open_database

    db: Database | None = None
    try:
        db = open_database(args.db)
        return HANDLERS[args.command](args, db)
    except (RecruiterError, SQLAlchemyError) as exc:
        if isinstance(exc, SQLAlchemyError):
            from recruiter.store.database import explain

            label = db.label if db is not None else "The database"
            exc = explain(exc, f"The database {label}")
        say(f"recruiter: {exc}")
        if getattr(args, "json", False):
            emit({"ok": False, "error": str(exc)})
        return 1
    except KeyboardInterrupt:
        say("recruiter: interrupted; nothing was written.")
        return 1
    finally:
        if db is not None:
            db.dispose()
