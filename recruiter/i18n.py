"""The app's language: one gettext catalog for every layer, the choice of language, and
locale-aware formatting through Babel.

A leaf module like `recruiter.errors`: domain, store, services, exchange, the command line and the
window all import it, and it imports nothing of the app at import time (Qt never). Source strings
are English literals wrapped in `_()` (or marked with `N_()` where a module-level constant is
translated when it is shown), so `make catalog` can extract them; docs/i18n.md has the how-to.

The language is chosen once per process, in this order: `--lang` (the command line calls
`set_language`), `RECRUITER_LANG`, the choice remembered from View → Language (a small file in the
user's config directory, shared by the command line and the window), the system locale, English.
"""

from __future__ import annotations

import gettext as _gettext
import locale as _locale
import os
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path

DOMAIN = "recruiter"
LOCALE_DIR = Path(__file__).with_name("locale")
ENGLISH = "en"
CHINESE = "zh_CN"
LANGUAGES = (ENGLISH, CHINESE)
# Each language's name in itself, for the language menu.
NATIVE_NAMES = {ENGLISH: "English", CHINESE: "简体中文"}
ENV = "RECRUITER_LANG"
_REMEMBERED_NAME = "language"

_lang: str | None = None
_explicit = False  # set_language was given a language (--lang, a test, the window's choice)
_catalog: _gettext.NullTranslations = _gettext.NullTranslations()


def N_(message: str) -> str:
    """Mark a literal for extraction without translating it yet (module-level constants:
    translate them with `_()` where they are shown, once the language is known)."""
    return message


def NC_(context: str, message: str) -> tuple[str, str]:
    """`N_` with a context: translate the pair later with `pgettext(*pair)`."""
    return context, message


def _(message: str) -> str:
    """The message in the current language (the English source when it has no translation)."""
    if _lang is None:
        _resolve()
    return _catalog.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    if _lang is None:
        _resolve()
    return _catalog.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A message whose translation depends on where it is used (the same English word)."""
    if _lang is None:
        _resolve()
    return _catalog.pgettext(context, message)


def normalise(name: str | None) -> str | None:
    """'zh', 'zh_CN', 'zh-Hans-CN', 'zh_CN.UTF-8' -> 'zh_CN'; 'en_GB' -> 'en'; others -> None."""
    if not name:
        return None
    base = name.split(".")[0].split("@")[0].replace("-", "_").strip()
    low = base.lower()
    if low in ("c", "posix"):
        return ENGLISH
    if low.startswith("zh"):
        # Traditional Chinese (zh_TW, zh_HK, zh_Hant) has no catalog: English is the safer fallback.
        return None if any(t in low for t in ("tw", "hk", "mo", "hant")) else CHINESE
    if low.startswith("en"):
        return ENGLISH
    return None


def remembered_file() -> Path:
    """Where View → Language keeps the choice (tests point this elsewhere)."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("Recruiter", appauthor=False)) / _REMEMBERED_NAME


def remembered() -> str | None:
    try:
        return normalise(remembered_file().read_text(encoding="utf-8").strip())
    except OSError:
        return None


def remember(lang: str) -> None:
    """Keep `lang` for the next start of the window and of the command line."""
    code = normalise(lang)
    if code is None:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    path = remembered_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(code + "\n", encoding="utf-8")


def system_language() -> str | None:
    """The language of the user's locale (the environment on Unix, the C library elsewhere)."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return normalise(value.split(":")[0])
    try:
        return normalise(_locale.getlocale()[0])
    except ValueError:
        return None


def choose(
    cli: str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    saved: str | None = None,
    system: str | None = None,
) -> str:
    """The language to use: `--lang` > RECRUITER_LANG > the remembered choice > the system
    locale > English. `saved` and `system` default to the real ones (the window passes Qt's idea
    of the system locale, which is better than the environment on Windows and macOS)."""
    environ = os.environ if env is None else env
    for candidate in (
        cli,
        environ.get(ENV),
        saved if saved is not None else remembered(),
        system if system is not None else system_language(),
    ):
        code = normalise(candidate)
        if code is not None:
            return code
    return ENGLISH


def set_language(lang: str | None = None) -> str:
    """Use `lang` (or, when None, the choice order above) from now on; returns the code used."""
    global _lang, _catalog, _explicit
    code = normalise(lang) if lang else choose()
    if code is None:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _catalog = (
        _gettext.NullTranslations()
        if code == ENGLISH
        else _gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)
    )
    _lang = code
    _explicit = bool(lang)
    return code


def _resolve() -> None:
    set_language(None)


def chosen_explicitly() -> bool:
    """Whether the language was set by name (`--lang`), not found through the choice order;
    the window then keeps it instead of asking Qt for the system locale."""
    return _explicit


def language() -> str:
    """The current language code ('en' or 'zh_CN')."""
    if _lang is None:
        _resolve()
    assert _lang is not None
    return _lang


def is_chinese() -> bool:
    return language() == CHINESE


# --- formatting (Babel's locale data, not hand-made tables) ---------------------------------

# In English the renminbi is "¥" for an office in China (Babel's "CN¥" reads oddly there), and
# the yen then keeps the prefix Chinese gives it, so the two never look alike.
_EN_SYMBOLS = {"CN¥": "¥", "¥": "JP¥"}


def _locale_name(lang: str | None) -> str:
    return lang or language()


def format_iso_date(day: date | None) -> str:
    """Dates in tables: ISO in every language (they sort and read the same everywhere)."""
    return "" if day is None else day.isoformat()


def format_long_date(day: date, lang: str | None = None) -> str:
    """'2 December 2026' style: 2026年12月2日 in Chinese, December 2, 2026 in English."""
    from babel.dates import format_date

    return format_date(day, "long", locale=_locale_name(lang))


def format_number(value: int | float | Decimal, lang: str | None = None) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_locale_name(lang))


def _major(minor: int, currency: str) -> Decimal:
    from recruiter.domain.money import exponent  # late: domain imports this module

    return Decimal(minor).scaleb(-exponent(currency))


def _symbols(text: str, lang: str) -> str:
    if lang != ENGLISH:
        return text
    for babel_symbol, ours in _EN_SYMBOLS.items():
        if babel_symbol in text:
            return text.replace(babel_symbol, ours, 1)
    return text


def format_money(minor: int, currency: str = "CNY", lang: str | None = None) -> str:
    """Integer minor units -> '¥1,234.50', 'JP¥1,235' (the currency's own number of decimals)."""
    from babel.numbers import format_currency

    code = _locale_name(lang)
    ccy = currency.upper()
    return _symbols(format_currency(_major(minor, ccy), ccy, locale=code), code)


def format_money_compact(minor: int, currency: str = "CNY", lang: str | None = None) -> str:
    """Tiles and chart axes: ¥1.2亿 and ¥850万 in Chinese, ¥120M in English."""
    from babel.numbers import format_compact_currency

    code = _locale_name(lang)
    ccy = currency.upper()
    text = format_compact_currency(_major(minor, ccy), ccy, locale=code, fraction_digits=1)
    return _symbols(text, code)
