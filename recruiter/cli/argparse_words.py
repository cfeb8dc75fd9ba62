"""argparse's own words ("usage:", "options", "show this help message and exit", its error
messages) in the app's language, from the app's one catalog.

argparse translates through two module globals, `_` and `ngettext`, that it took from gettext
when it was imported (`from gettext import gettext as _, ngettext`), and it looks them up each
time it builds a parser, prints help or reports an error. `install` points those two names at
recruiter.i18n's, so argparse answers in the language `--lang`, RECRUITER_LANG or the remembered
choice picked. The other ways are worse: `gettext.textdomain`/`bindtextdomain` would redirect
every gettext user in the process and take the language from the environment instead of the
app's choice; a subclass of ArgumentParser cannot reach the messages raised inside argparse's
actions and containers. In English the app's `_` returns the source text, as gettext's own did.

The messages below are argparse's (Python 3.11), written as literals so the extractor keeps
them in the catalog; a test checks them against argparse's source. Only this module and
parser.py import it (nothing heavy: `recruiter --help` stays fast).
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from recruiter import i18n
from recruiter.i18n import N_, ngettext

MESSAGES = (
    N_("usage: "),
    N_("options"),
    N_("positional arguments"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("unexpected option string: %s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
    N_('argument "-" with mode %r'),
    N_("conflicting subparser: %s"),
    N_("conflicting subparser alias: %s"),
    # Mistakes in building a parser, not in using one; translated all the same.
    N_(".__call__() not defined"),
    N_("cannot merge actions - two groups are named %r"),
    N_("'required' is an invalid argument for positionals"),
    N_("invalid option string %(option)r: must start with a character %(prefix_chars)r"),
    N_("dest= is required for options like %r"),
    N_("invalid conflict_resolution value: %r"),
    N_("mutually exclusive arguments must be optional"),
    N_("cannot have multiple subparser arguments"),
    N_("%r is not callable"),
)

# argparse's messages whose words follow a number, as the calls it makes.
PLURALS: tuple[Callable[[int], str], ...] = (
    lambda n: ngettext("expected %s argument", "expected %s arguments", n),
    lambda n: ngettext("conflicting option string: %s", "conflicting option strings: %s", n),
)


def _width(text: str) -> int:
    """Columns on a terminal: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class Formatter(argparse.HelpFormatter):
    """argparse's layout, fitted to Chinese: it counts "用法：" as three columns where a
    terminal shows six (wrapped usage lines started three columns short), and it ends section
    headings with an ASCII colon ("位置参数:"), which Chinese writes full-width."""

    def _format_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None) -> str:
        text = super()._format_usage(usage, actions, groups, prefix)
        shown = i18n._("usage: ") if prefix is None else prefix
        extra = _width(shown) - len(shown)
        if extra <= 0:
            return text
        first, *rest = text.split("\n")
        return "\n".join([first, *(" " * extra + line if line.strip() else line for line in rest)])

    def format_help(self) -> str:
        return _WIDE_HEADING.sub("\\1：", super().format_help())


# A heading line (no indent) that ends in a colon and holds a wide character.
_WIDE_HEADING = re.compile(r"(?m)^(\S[^\n]*[^\x00-\x7f][^\n:]*):$")


class Parser(argparse.ArgumentParser):
    """ArgumentParser with `Formatter`; its subcommands' parsers are of this class too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", Formatter)
        super().__init__(*args, **kwargs)


def install() -> None:
    """From now on argparse speaks through the app's catalog (idempotent)."""
    setattr(argparse, "_", i18n._)  # noqa: B010 - typeshed does not declare argparse's `_`
    setattr(argparse, "ngettext", i18n.ngettext)  # noqa: B010


__all__ = ["MESSAGES", "PLURALS", "Formatter", "Parser", "install"]
