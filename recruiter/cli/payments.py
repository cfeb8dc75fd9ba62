"""`recruiter batch OUT.xlsx --month YYYY-MM [--json] [--lang zh_CN]`: the month's payment
batch for the finance office (headers in that language); `recruiter paid FILE` marks paid
what the returned sheet says; `recruiter close-year YEAR [--undo ID]` runs (or undoes) the
year-end lapse close."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from recruiter.i18n import _

from .output import emit, say

if TYPE_CHECKING:
    from recruiter.store.database import Database


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from pathlib import Path

    from .parser import language_option

    b = sub.add_parser("batch", help=_("write the month's payment batch for the finance office"))
    b.add_argument("out", type=Path, metavar="OUT.xlsx")
    b.add_argument(
        "--month", required=True, metavar="YYYY-MM", help=_("instalments due by its end")
    )
    b.add_argument("--json", action="store_true")
    language_option(b)  # the workbook's headers: `batch OUT.xlsx --month M --lang zh_CN`
    p = sub.add_parser("paid", help=_("mark paid what the finance office's returned sheet says"))
    p.add_argument("file", type=Path, metavar="RETURNED.xlsx")
    p.add_argument("--json", action="store_true")
    c = sub.add_parser("close-year", help=_("lapse unspent start-up funds at the year end"))
    c.add_argument("year", type=int, metavar="YEAR")
    c.add_argument("--undo", type=int, metavar="CLOSE_ID", help=_("undo that close instead"))
    c.add_argument("--json", action="store_true")


def cmd_batch(args: argparse.Namespace, db: Database) -> int:
    from recruiter.domain.money import format_amount
    from recruiter.errors import RecruiterError
    from recruiter.services import payments

    if args.out.suffix.lower() != ".xlsx":
        raise RecruiterError(
            _("{file}: the batch must be saved as .xlsx.").format(file=args.out.name)
        )
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
        say(_("Nothing is due for {month}; no file was written.").format(month=result.month))
    else:
        sums = ", ".join(format_amount(v, k) for k, v in result.totals.items())
        say(
            _("Batch {batch} for {month}: {n} instalment(s), {sums}, written to {file}.").format(
                batch=result.batch_id,
                month=result.month,
                n=result.rows,
                sums=sums,
                file=result.file,
            )
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
        _(
            "{paid} instalment(s) marked paid; {not_paid} not paid yet; {already} already paid"
        ).format(paid=len(res.paid), not_paid=res.not_paid, already=res.already)
        + (_("; unknown refs: {refs}").format(refs=res.unknown) if res.unknown else "")
        + _(".")
    )
    return 0


def cmd_close_year(args: argparse.Namespace, db: Database) -> int:
    from recruiter.services import payments

    if args.undo is not None:
        restored = payments.undo_close(db, args.undo)
        if args.json:
            emit({"undone": args.undo, "restored": len(restored)})
        say(
            _("Close {close} undone; {n} instalment(s) planned again.").format(
                close=args.undo, n=len(restored)
            )
        )
        return 0
    res = payments.close_year(db, args.year)
    if args.json:
        emit({"close": res.close_id, "year": res.year, "lapsed": len(res.lapsed)})
    say(
        _("{year} closed (close {close}): {n} instalment(s) lapsed to their sources.").format(
            year=res.year, close=res.close_id, n=len(res.lapsed)
        )
    )
    return 0
