"""The language choice and Babel formatting (recruiter/i18n.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from recruiter import i18n
from recruiter.domain.enums import OfferStatus, Stage, TargetStatus
from recruiter.domain.money import KNOWN_CURRENCIES, exponent, parse_amount


@pytest.fixture
def remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config" / "language"
    monkeypatch.setattr(i18n, "remembered_file", lambda: path)
    return path


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("zh_CN", "zh_CN"),
        ("zh", "zh_CN"),
        ("zh-Hans-CN", "zh_CN"),
        ("zh_CN.UTF-8", "zh_CN"),
        ("en_GB.UTF-8", "en"),
        ("en", "en"),
        ("C", "en"),
        ("zh_TW", None),
        ("fr_FR", None),
        ("", None),
        (None, None),
    ],
)
def test_locale_names_are_normalised(name: str | None, code: str | None) -> None:
    assert i18n.normalise(name) == code


def test_choice_order_lang_then_env_then_remembered_then_system(remembered: Path) -> None:
    env = {"RECRUITER_LANG": "en"}
    assert i18n.choose("zh_CN", env=env, saved="en", system="en") == "zh_CN"
    assert i18n.choose(None, env=env, saved="zh_CN", system="zh_CN") == "en"
    assert i18n.choose(None, env={}, saved="zh_CN", system="en_US") == "zh_CN"
    assert i18n.choose(None, env={}, system="zh_CN.UTF-8") == "zh_CN"  # nothing remembered yet
    assert i18n.choose(None, env={}, system="de_DE") == "en"
    # A value nobody can use falls through to the next source instead of failing.
    assert i18n.choose("xx", env={"RECRUITER_LANG": "zh"}, system="en") == "zh_CN"


def test_the_choice_is_remembered_in_a_file(remembered: Path) -> None:
    assert i18n.remembered() is None
    i18n.remember("zh_CN")
    assert remembered.read_text(encoding="utf-8").strip() == "zh_CN"
    assert i18n.remembered() == "zh_CN"
    assert i18n.choose(None, env={}, system="en") == "zh_CN"
    with pytest.raises(ValueError, match="unknown language"):
        i18n.remember("klingon")


def test_the_environment_variable_picks_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECRUITER_LANG", "zh_CN")
    assert i18n.set_language() == "zh_CN"
    assert i18n.language() == "zh_CN"
    assert Stage.offer.label == "录用"
    monkeypatch.setenv("RECRUITER_LANG", "en")
    assert i18n.set_language() == "en"
    assert Stage.offer.label == "Offer"


def test_enum_labels_are_translated_in_their_own_context() -> None:
    i18n.set_language("zh_CN")
    assert TargetStatus.open.label == "招聘中"
    assert i18n._("Open") != "招聘中"  # the same English word elsewhere (a button) is not a status
    assert OfferStatus.accepted.label == "已接受"
    i18n.set_language("en")
    assert TargetStatus.on_hold.label == "On hold"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        i18n.set_language("fr")


def test_dates_iso_in_tables_long_in_each_language() -> None:
    day = date(2026, 12, 2)
    assert i18n.format_iso_date(day) == "2026-12-02"
    assert i18n.format_iso_date(None) == ""
    assert i18n.format_long_date(day, "zh_CN") == "2026年12月2日"
    assert i18n.format_long_date(day, "en") == "December 2, 2026"


def test_numbers_and_money_with_the_currencys_decimals() -> None:
    assert i18n.format_number(1234567, "zh_CN") == "1,234,567"
    assert i18n.format_money(123456750, "CNY", "zh_CN") == "¥1,234,567.50"
    assert i18n.format_money(123456750, "CNY", "en") == "¥1,234,567.50"
    assert i18n.format_money(1234567, "JPY", "en") == "JP¥1,234,567"  # no decimals: minor = yen
    assert i18n.format_money(1234567, "JPY", "zh_CN") == "JP¥1,234,567"
    assert i18n.format_money(50000, "KRW", "zh_CN").endswith("50,000")
    assert i18n.format_money(-150, "USD", "en") == "-$1.50"


def test_compact_money_in_each_language() -> None:
    yi = 120_000_000 * 100  # ¥120,000,000 in fen
    assert i18n.format_money_compact(yi, "CNY", "zh_CN") == "¥1.2亿"
    assert i18n.format_money_compact(8_500_000 * 100, "CNY", "zh_CN") == "¥850万"
    assert i18n.format_money_compact(yi, "CNY", "en") == "¥120M"
    assert i18n.format_money_compact(85_000 * 100, "CNY", "en") == "¥85K"
    assert i18n.format_money_compact(120_000_000, "JPY", "zh_CN") == "JP¥1.2亿"


def test_input_still_accepts_wan_and_yi() -> None:
    assert parse_amount("120万") == 120 * 10_000 * 100
    assert parse_amount("1.5亿", "JPY") == 150_000_000


def test_minor_units_agree_with_babel_where_it_matters() -> None:
    from babel.numbers import get_currency_precision

    # HUF: CLDR shows no fillér, the store keeps two decimals; the rest agree with CLDR.
    differ = {c for c in KNOWN_CURRENCIES if get_currency_precision(c) != exponent(c)}
    assert differ <= {"HUF"}
    assert i18n.format_money(123400, "HUF", "en") == "HUF1,234"


def test_the_default_language_comes_from_the_system(
    monkeypatch: pytest.MonkeyPatch, remembered: Path
) -> None:
    monkeypatch.delenv("RECRUITER_LANG")
    monkeypatch.setenv("LANGUAGE", "zh_CN:en")
    assert i18n.set_language() == "zh_CN"
    monkeypatch.setenv("LANGUAGE", "en_US")
    assert i18n.set_language() == "en"


def test_the_command_line_speaks_the_language_of_lang(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from recruiter.cli import main

    missing = tmp_path / "nowhere.csv"
    db = str(tmp_path / "r.db")
    assert main(["--db", db, "--lang", "zh_CN", "import", str(missing)]) == 1
    assert "不存在" in capsys.readouterr().err
    assert main(["--db", db, "--lang", "en", "import", str(missing)]) == 1
    assert "does not exist" in capsys.readouterr().err


# Second wave: the workbook's sheet definitions read enum labels when imported.
TRANSLATED_AT_IMPORT = {"services/reporting/sheets.py"}


def test_importing_the_app_does_not_fix_the_language() -> None:
    """No `_()` runs at import time (a module constant or a default argument would be stuck in
    the language of the first import, before --lang is read)."""
    import subprocess
    import sys

    code = (
        "import gettext, importlib, pkgutil, traceback, recruiter, recruiter.i18n as i\n"
        "hits = set()\n"
        "def spy():\n"
        "    inner = [f.filename for f in traceback.extract_stack()[:-1]\n"
        "             if '/recruiter/' in f.filename\n"
        "             and not f.filename.endswith(('/i18n.py', '/enums.py'))]\n"
        "    hits.add(inner[-1].split('/recruiter/', 1)[1] if inner else '?')\n"
        "i._resolve = spy\n"
        "for m in pkgutil.walk_packages(recruiter.__path__, 'recruiter.'):\n"
        "    if '.migrations' in m.name or m.name.endswith('__main__'):\n"
        "        continue\n"
        "    importlib.import_module(m.name)\n"
        "print(sorted(hits))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert set(eval(out.stdout)) <= TRANSLATED_AT_IMPORT
