"""argparse's own words (usage, section titles, its errors) come from the app's catalog: Chinese
under `--lang zh_CN`, exactly argparse's English under `--lang en`."""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

import pytest

from recruiter import i18n
from recruiter.cli import main
from recruiter.cli.argparse_words import MESSAGES, PLURALS

# argparse's English, as it shows it (each must be gone from the Chinese help and errors).
ENGLISH_WORDS = (
    "usage:",
    "options:",
    "positional arguments",
    "show this help message and exit",
    "show program's version number and exit",
    "error:",
    "argument ",
    "the following arguments are required",
    "invalid choice",
    "choose from",
    "unrecognized arguments",
    "expected one argument",
    "invalid int value",
)

USAGE_ERRORS = (
    ["export"],  # a required argument missing
    ["template", "bogus", "out.xlsx"],  # not one of the choices
    ["--bogus"],  # an unknown option
    ["import", "--sheet"],  # an option without its value
    ["demo", "--size", "many"],  # not a whole number
    ["team"],  # a required sub-command missing
)


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    return capsys.readouterr().out


def _usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    assert exit_.value.code == 2
    return capsys.readouterr().err


def _english_in(text: str) -> list[str]:
    return [w for w in ENGLISH_WORDS if w in text]


@pytest.mark.parametrize("command", [[], ["export"], ["import"], ["team", "init"]])
def test_chinese_help_has_none_of_argparses_english(
    capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    text = _help(capsys, "--lang", "zh_CN", *command)
    assert _english_in(text) == []
    assert text.startswith("用法：recruiter")
    assert "选项：" in text and "显示此帮助信息并退出" in text
    # Headings end full-width, as Chinese writes them; none keeps argparse's ASCII colon.
    assert not [line for line in text.splitlines() if line.endswith(":") and line[0] != " "]


def test_chinese_help_of_the_program_names_its_version_option_in_chinese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = _help(capsys, "--lang", "zh_CN")
    assert "位置参数：" in text
    assert "显示程序的版本号并退出" in text


@pytest.mark.parametrize("argv", USAGE_ERRORS)
def test_chinese_usage_errors_have_none_of_argparses_english(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    text = _usage_error(capsys, "--lang", "zh_CN", *argv)
    assert _english_in(text) == []
    assert text.startswith("用法：") and "：错误：" in text


def test_english_help_and_errors_are_argparses_own(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(capsys, "--lang", "en")
    assert text.startswith("usage: recruiter [-h] [--version]")
    assert "\npositional arguments:\n" in text and "\noptions:\n" in text
    assert "-h, --help         show this help message and exit" in text
    assert "--version          show program's version number and exit" in text
    assert _usage_error(capsys, "--lang", "en", "export").endswith(
        "recruiter export: error: the following arguments are required: OUT.xlsx\n"
    )
    assert _usage_error(capsys, "--lang", "en", "template", "bogus", "x").endswith(
        "recruiter template: error: argument kind: invalid choice: 'bogus' "
        "(choose from 'setup', 'candidates')\n"
    )
    assert _usage_error(capsys, "--lang", "en", "import", "--sheet").endswith(
        "error: argument --sheet: expected one argument\n"
    )


def _argparse_msgids() -> set[str]:
    """Every literal argparse passes to `_` or (first argument) `ngettext`."""
    tree = ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("_", "ngettext")
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def test_the_list_holds_every_message_of_this_pythons_argparse() -> None:
    """A newer argparse with new words fails here, not silently in English."""
    plural_ids = {"expected %s argument", "conflicting option string: %s"}
    assert _argparse_msgids() == set(MESSAGES) | plural_ids


def test_argparses_plural_messages_are_translated() -> None:
    i18n.set_language(i18n.CHINESE)
    assert [p(2) for p in PLURALS] == ["需要 %s 个参数", "选项字符串冲突：%s"]
    i18n.set_language(i18n.ENGLISH)
    assert [p(2) for p in PLURALS] == ["expected %s arguments", "conflicting option strings: %s"]
    assert [p(1) for p in PLURALS] == ["expected %s argument", "conflicting option string: %s"]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_wrapped_usage_continues_under_the_first_option(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    """argparse counts "用法：" as three columns; a terminal shows six. The continuation lines of
    a wrapped usage start where the first option starts, as a terminal shows them."""
    from recruiter.cli.argparse_words import _width

    monkeypatch.setenv("COLUMNS", "80")
    text = _help(capsys, "--lang", lang, "import")
    first, second = text.splitlines()[:2]
    assert second.startswith(" ") and second.strip().startswith("[")
    assert _width(first[: first.index("[-h]")]) == len(second) - len(second.lstrip())
