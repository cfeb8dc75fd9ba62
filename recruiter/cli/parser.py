"""The argument parser. It imports nothing heavy, so `recruiter --help` and usage errors answer
at once."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from recruiter import __version__
from recruiter.i18n import _

from . import argparse_words, payments, team

MAX_ROW_ID = 2**63 - 1  # the largest id a database row can have (a signed 64-bit integer)


def _whole(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{value} is not a whole number").format(value=repr(value))
        ) from None


def row_id(value: str) -> int:
    """A database id: a whole number from 1 to MAX_ROW_ID (larger ones cannot be looked up)."""
    number = _whole(value)
    if not 1 <= number <= MAX_ROW_ID:
        raise argparse.ArgumentTypeError(
            _("{value} is not an id (ids run from 1 to {max})").format(value=value, max=MAX_ROW_ID)
        )
    return number


def limit(value: str) -> int:
    """A positive whole number for a --max-... option."""
    number = _whole(value)
    if number < 1:
        raise argparse.ArgumentTypeError(_("{value} is not a positive number").format(value=value))
    return number


def day(value: str) -> date:
    """A calendar date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{value} is not a date (YYYY-MM-DD)").format(value=repr(value))
        ) from None


def report_filters(p: argparse.ArgumentParser) -> None:
    """The filters of a report (`export`, `brief`): what the Dashboard's choices mean."""
    p.add_argument(
        "--institution",
        action="append",
        default=[],
        metavar="NAME",
        help=_("only this institution (English or Chinese name; repeat for more)"),
    )
    p.add_argument(
        "--target",
        action="append",
        default=[],
        type=row_id,
        metavar="ID",
        help=_("only this target (repeat for more)"),
    )
    p.add_argument(
        "--stage",
        action="append",
        default=[],
        metavar="STAGE",
        help=_("only applications at this stage, e.g. offer (repeat for more)"),
    )
    p.add_argument("--since", type=day, metavar="DATE", help=_("applications created from DATE"))
    p.add_argument("--until", type=day, metavar="DATE", help=_("applications created up to DATE"))


class _Language(argparse.Action):
    """`--lang`: the language of messages, the window and workbooks, from here on."""

    def __call__(self, parser: Any, namespace: Any, value: Any, option: Any = None) -> None:
        from recruiter.i18n import set_language

        setattr(namespace, self.dest, set_language(value))


def language_option(p: argparse.ArgumentParser) -> None:
    """`--lang` before the command or after it (`export OUT.xlsx --lang zh_CN`)."""
    p.add_argument(
        "--lang",
        choices=("en", "zh_CN"),
        action=_Language,
        default=argparse.SUPPRESS,
        help=_("language (default: $RECRUITER_LANG, else the one last chosen, else the system's)"),
    )


def build_parser() -> argparse.ArgumentParser:
    argparse_words.install()  # argparse's own words (usage:, its errors) in the app's language
    p: argparse.ArgumentParser = argparse_words.Parser(
        prog="recruiter",
        description=_("Track international scholars, recruiting targets, offers and funding."),
    )
    p.add_argument(
        "--version",
        action="version",
        version=f"recruiter {__version__}",
        help=_("show program's version number and exit"),  # argparse's default, untranslated
    )
    p.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help=_(
            "database file or SQLAlchemy URL (default: $RECRUITER_DB, else the user data directory)"
        ),
    )
    language_option(p)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    d = sub.add_parser("demo", help=_("fill the database with synthetic demo data"))
    d.add_argument("--size", type=int, default=300, help=_("number of candidates (default 300)"))
    d.add_argument("--seed", type=int, default=1, help=_("random seed (default 1)"))
    d.add_argument("--force", action="store_true", help=_("replace existing data"))
    d.add_argument("--json", action="store_true", help=_("print counts as JSON"))

    i = sub.add_parser("import", help=_("import a candidate list (xlsx, xls, ods, csv)"))
    i.add_argument("file", type=Path)
    i.add_argument("--sheet", help=_("sheet name (default: the first)"))
    i.add_argument(
        "--target", type=row_id, metavar="ID", help=_("add everyone to this target's pipeline")
    )
    i.add_argument("--source", help=_("source to record on new candidates (default: file name)"))
    i.add_argument(
        "--on-duplicate",
        choices=("skip", "update", "overwrite"),
        default="skip",
        help=_("what to do with a row that matches a candidate already recorded (default skip)"),
    )
    i.add_argument("--dry-run", action="store_true", help=_("check the file, write nothing"))
    i.add_argument("--strict", action="store_true", help=_("write nothing if any row is invalid"))
    i.add_argument("--errors", type=Path, metavar="OUT.xlsx", help=_("save rejected rows here"))
    i.add_argument(
        "--max-rows",
        type=limit,
        metavar="N",
        help=_("read sheets of up to N rows (default 1000000)"),
    )
    i.add_argument(
        "--max-cells",
        type=limit,
        metavar="N",
        help=_("read sheets spanning up to N cells, rows x columns (default 20000000)"),
    )
    i.add_argument(
        "--max-size",
        type=limit,
        metavar="MB",
        help=_("read files of up to MB megabytes once uncompressed (default 200)"),
    )
    i.add_argument("--json", action="store_true")

    u = sub.add_parser("undo-import", help=_("undo one import batch"))
    u.add_argument("batch_id", type=row_id, metavar="BATCH_ID")
    u.add_argument(
        "--force",
        action="store_true",
        help=_("also delete the candidates it created that were edited after the import"),
    )
    u.add_argument("--json", action="store_true")

    e = sub.add_parser("export", help=_("export the pipeline workbook for leadership"))
    e.add_argument("out", type=Path, metavar="OUT.xlsx")
    report_filters(e)
    language_option(e)
    e.add_argument("--json", action="store_true")

    br = sub.add_parser("brief", help=_("write a one-page PDF brief for leadership"))
    br.add_argument("out", type=Path, metavar="OUT.pdf")
    report_filters(br)
    language_option(br)
    br.add_argument("--json", action="store_true")

    c = sub.add_parser("check", help=_("integrity and schema check"))
    c.add_argument(
        "--repair",
        action="store_true",
        help=_("rebuild what can be rebuilt (indexes, the search index and its triggers)"),
    )
    c.add_argument("--json", action="store_true")

    tp = sub.add_parser(
        "template", help=_("write an empty workbook to fill in (set-up or candidate list)")
    )
    tp.add_argument("kind", choices=("setup", "candidates"), help=_("which template"))
    tp.add_argument("out", type=Path, metavar="OUT.xlsx")
    tp.add_argument("--force", action="store_true", help=_("replace OUT.xlsx if it exists"))
    tp.add_argument("--json", action="store_true")

    st = sub.add_parser(
        "setup", help=_("load institutions, departments, funding and targets from a workbook")
    )
    st.add_argument("file", type=Path, metavar="FILE.xlsx")
    st.add_argument("--dry-run", action="store_true", help=_("check the workbook, write nothing"))
    st.add_argument("--json", action="store_true")

    b = sub.add_parser("backup", help=_("consistent copy of the database"))
    b.add_argument(
        "out",
        nargs="?",
        type=Path,
        metavar="OUT",
        help=_("file or folder (default: backups/ beside the database, time-stamped)"),
    )
    b.add_argument("--force", action="store_true", help=_("replace OUT if it exists"))
    b.add_argument("--json", action="store_true")
    payments.add_parsers(sub)
    team.add_arguments(sub)
    return p
