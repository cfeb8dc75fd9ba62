"""Money as integer minor units plus an ISO 4217 code. Never floats."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

# Minor-unit exponent per currency; anything not listed uses 2.
_EXPONENTS = {"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "VND": 0, "HUF": 2, "KWD": 3, "BHD": 3}
KNOWN_CURRENCIES = frozenset(
    "CNY USD EUR GBP JPY HKD MOP TWD SGD AUD CAD CHF SEK NOK DKK KRW NZD RUB INR BRL ZAR "
    "ISK CLP VND HUF KWD BHD PLN CZK ILS TRY MXN".split()
)
DEFAULT_CURRENCY = "CNY"
# Largest amount we accept for one item: 10 billion major units. Anything above is a typo.
MAX_MINOR = 10_000_000_000 * 100

_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$"}


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


def is_currency(code: str | None) -> bool:
    return code is not None and code.upper() in KNOWN_CURRENCIES


class MoneyError(ValueError):
    """A text that cannot be read as an amount."""


def parse_amount(text: str | int | Decimal, currency: str = DEFAULT_CURRENCY) -> int:
    """Read '1,200,000.50', '120万' or '¥ 80 000' into minor units; raise MoneyError otherwise."""
    if isinstance(text, bool):
        raise MoneyError("not an amount")
    if isinstance(text, int):
        major = Decimal(text)
    elif isinstance(text, Decimal):
        major = text
    else:
        s = str(text).strip()
        for sym in ("¥", "￥", "$", "€", "£", "HK$", currency.upper(), "元"):
            s = s.replace(sym, "")
        s = s.replace(",", "").replace("，", "").replace(" ", "").replace("\u00a0", "")
        multiplier = Decimal(1)
        if s.endswith("万"):
            multiplier, s = Decimal(10_000), s[:-1]
        elif s.endswith("亿"):
            multiplier, s = Decimal(100_000_000), s[:-1]
        elif s[-1:].lower() == "k":
            multiplier, s = Decimal(1000), s[:-1]
        if not re.fullmatch(r"-?\d+(\.\d+)?", s):
            raise MoneyError(f"'{text}' is not an amount")
        try:
            major = Decimal(s) * multiplier
        except InvalidOperation as exc:  # pragma: no cover - regex guards it
            raise MoneyError(f"'{text}' is not an amount") from exc
    exp = exponent(currency)
    minor = (major * (Decimal(10) ** exp)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    if minor != major * (Decimal(10) ** exp):
        raise MoneyError(f"'{text}' has more than {exp} decimal places")
    return int(minor)


def format_amount(minor: int, currency: str = DEFAULT_CURRENCY, symbol: bool = True) -> str:
    """1234567 CNY -> '¥12,345.67'."""
    exp = exponent(currency)
    sign = "-" if minor < 0 else ""
    major, frac = divmod(abs(minor), 10**exp) if exp else (abs(minor), 0)
    body = f"{major:,}" + (f".{frac:0{exp}d}" if exp else "")
    prefix = _SYMBOLS.get(currency.upper(), currency.upper() + " ") if symbol else ""
    return f"{sign}{prefix}{body}"


def item_total(amount_minor: int, period: str, years: int) -> int:
    """What an offer item costs over its life; the definition is figures.item_life_cost."""
    from .figures import item_life_cost  # late: figures imports the models, money does not

    return item_life_cost(amount_minor, period, years)


def convert(minor: int, from_ccy: str, to_ccy: str, rates: dict[str, Decimal]) -> int:
    """Convert minor units between currencies; KeyError names the missing rate."""
    from_ccy, to_ccy = from_ccy.upper(), to_ccy.upper()
    if from_ccy == to_ccy:
        return minor
    if from_ccy not in rates:
        raise KeyError(from_ccy)
    major = Decimal(minor) / (Decimal(10) ** exponent(from_ccy))
    out = major * rates[from_ccy] * (Decimal(10) ** exponent(to_ccy))
    return int(out.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
