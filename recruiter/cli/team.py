"""`recruiter copy` (moving an office between a file and a server) and `recruiter team init`
(a PostgreSQL database ready for an office: schema, roles, grants)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from recruiter.errors import RecruiterError
from recruiter.i18n import _

from .output import emit, say

if TYPE_CHECKING:
    from recruiter.store.database import Database


def add_arguments(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cp = sub.add_parser(
        "copy", help=_("copy every row to an empty database (--to) or from one (--from), verified")
    )
    way = cp.add_mutually_exclusive_group(required=True)
    way.add_argument("--to", metavar="URL_OR_PATH", help=_("copy this database into an empty one"))
    way.add_argument("--from", dest="from_", metavar="URL_OR_PATH", help=_("copy one into this"))
    cp.add_argument("--json", action="store_true")
    tm = sub.add_parser("team", help=_("set up a PostgreSQL server for an office"))
    tsub = tm.add_subparsers(dest="team_command", metavar="ACTION", required=True)
    ti = tsub.add_parser("init", help=_("create or upgrade the schema, roles and grants"))
    ti.add_argument("url", metavar="URL", help=_("postgresql://admin@host/database"))
    ti.add_argument(
        "--hide-contacts",
        action="store_true",
        help=_("viewers may not read candidates' e-mail, phone or birth date"),
    )
    ti.add_argument(
        "--viewer-institution",
        metavar="NAME",
        help=_("viewers see only this institution's targets, applications, offers and candidates"),
    )
    ti.add_argument("--json", action="store_true")


def cmd_copy(args: argparse.Namespace, db: Database) -> int:
    from recruiter.store.copying import copy
    from recruiter.store.opening import open_database

    other = open_database(args.to or args.from_)
    try:
        source, destination = (db, other) if args.to else (other, db)
        report = copy(source, destination)
    finally:
        other.dispose()
    if args.json:
        emit(report.as_json())
    else:
        say(
            _(
                "Copied {rows} rows in {tables} tables from {source} to {destination}; "
                "every table's row count and checksum match."
            ).format(
                rows=f"{report.rows:,}",
                tables=len(report.tables),
                source=report.source,
                destination=report.destination,
            )
        )
    return 0


def cmd_team(args: argparse.Namespace) -> int:
    from recruiter.store import location, postgres, roles
    from recruiter.store.opening import open_database

    url = location.resolve(args.url)
    if not postgres.is_postgres_url(url):
        raise RecruiterError(_("team init sets up a PostgreSQL server: give a postgresql:// URL."))
    db = open_database(url)  # creates or upgrades the schema, as the role in the URL
    try:
        with db.engine.begin() as conn:
            done = roles.grant(
                conn,
                hide_contacts=args.hide_contacts,
                viewer_institution=args.viewer_institution,
            )
    finally:
        db.dispose()
    if args.json:
        emit({"database": db.label, "done": done})
    else:
        say(_("{db} is ready for the office:").format(db=db.label))
        for line in done:
            say(f"  {line}")
        say(
            _("Next: one login role per person, e.g. ")
            + f"CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE {roles.OFFICER};"
        )
    return 0


def backup_server(args: argparse.Namespace, db: Database) -> int:
    """`recruiter backup [OUT]` on a server: every row copied into a new SQLite file and
    verified table by table (store/copying.py). The server's own tools (pg_dump) remain the
    administrator's backup; this one any officer can open with Recruiter on a laptop."""
    from datetime import datetime
    from pathlib import Path

    from recruiter.store import location
    from recruiter.store.copying import copy
    from recruiter.store.opening import open_database

    out: Path | None = args.out
    stamp = f"recruiter-server-{datetime.now():%Y%m%d-%H%M%S}.db"
    if out is None:
        out = location.default_path().parent / "backups" / stamp
    elif out.is_dir():
        out = out / stamp
    if out.exists() and not args.force:
        raise RecruiterError(
            _("{path} exists; give another name or --force to replace it.").format(path=out)
        )
    if out.exists():
        out.unlink()
    copy_db = open_database(out)
    try:
        report = copy(db, copy_db)
    except BaseException:
        copy_db.dispose()
        out.unlink(missing_ok=True)
        raise
    copy_db.dispose()
    if args.json:
        emit({"file": str(out), "bytes": out.stat().st_size, "rows": report.rows})
    else:
        say(
            _("Backup written to {path} ({rows} rows, every table verified)").format(
                path=out, rows=f"{report.rows:,}"
            )
        )
    return 0
