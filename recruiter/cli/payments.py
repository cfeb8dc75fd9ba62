"""`recruiter batch OUT.xlsx --month YYYY-MM [--json]`: the month's payment batch for the
finance office; `recruiter paid FILE` marks paid what the returned sheet says; `recruiter
close-year YEAR [--undo ID]` runs (or undoes) the year-end lapse close."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .output import emit, say

if TYPE_CHECKING:
    from recruiter.store.database import Database


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from pathlib import Path

    b = sub.add_parser("batch", help="write the month's payment batch for the finance office")
    b.add_argument("out", type=Path, metavar="OUT.xlsx")
    b.add_argument("--month", required=True, metavar="YYYY-MM", help="instalments due by its end")
    b.add_argument("--json", action="store_true")
    p = sub.add_parser("paid", help="mark paid what the finance office's returned sheet says")
    p.add_argument("file", type=Path, metavar="RETURNED.xlsx")
    p.add_argument("--json", action="store_true")
    c = sub.add_parser("close-year", help="lapse unspent start-up funds at the year end")
    c.add_argument("year", type=int, metavar="YEAR")
    c.add_argument("--undo", type=int, metavar="CLOSE_ID", help="undo that close instead")
    c.add_argument("--json", action="store_true")


def cmd_batch(args: argparse.Namespace, db: Database) -> int:
    from recruiter.domain.money import format_amount
    from recruiter.errors import RecruiterError
    from recruiter.services import payments

    if args.out.suffix.lower() != ".xlsx":
        raise RecruiterError(f"{args.out.name}: the batch must be saved as .xlsx.")
    result = payments.run_batch(db, args.out, payments.check_month(args.month))
    if args.json:
        emit(
            {
                "file": str(result.file) if result.file else None,
                "rows": result.rows,
                "totals": result.totals,
            }
        )
    if not result.rows:
        say(f"Nothing is due for {result.month}; no file was written.")
    else:
        sums = ", ".join(format_amount(v, k) for k, v in result.totals.items())
        say(
            f"Batch {result.batch_id} for {result.month}: {result.rows} instalment(s), "
            f"{sums}, written to {result.file}."
        )
    return 0


def cmd_paid(args: argparse.Namespace, db: Database) -> int:
    from recruiter.services import payments

    res = payments.import_returned(db, args.file)
    if args.json:
        emit(
            {
                "paid": len(res.paid),
                "not_paid": res.not_paid,
                "already": res.already,
                "unknown": res.unknown,
            }
        )
    say(
        f"{len(res.paid)} instalment(s) marked paid; {res.not_paid} not paid yet; "
        f"{res.already} already paid"
        + (f"; unknown refs: {res.unknown}" if res.unknown else "")
        + "."
    )
    return 0


def cmd_close_year(args: argparse.Namespace, db: Database) -> int:
    from recruiter.services import payments

    if args.undo is not None:
        restored = payments.undo_close(db, args.undo)
        if args.json:
            emit({"undone": args.undo, "restored": len(restored)})
        say(f"Close {args.undo} undone; {len(restored)} instalment(s) planned again.")
        return 0
    res = payments.close_year(db, args.year)
    if args.json:
        emit({"close": res.close_id, "year": res.year, "lapsed": len(res.lapsed)})
    say(
        f"{res.year} closed (close {res.close_id}): {len(res.lapsed)} instalment(s) "
        "lapsed to their sources."
    )
    return 0
