"""Exchange rates the user maintains, and the one reporting currency every total is shown in.

A rate is "reporting-currency units per one unit of `currency`", stored as a decimal string so
nothing passes through a float. A total that needs a rate nobody entered raises `MissingRate`
naming it, instead of guessing (DESIGN.md §3).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlmodel import Session, select

from recruiter.domain import money
from recruiter.domain.clock import utcnow
from recruiter.domain.models import ExchangeRate, Setting
from recruiter.errors import RecruiterError, ValidationError
from recruiter.i18n import _
from recruiter.store.database import Database

from . import audit

REPORTING_KEY = "reporting_currency"
MAX_RATE = Decimal(1_000_000)
_PLACES = Decimal("1e-12")


class MissingRate(RecruiterError):
    """A total needs a rate that is not in the table; the message names it."""

    def __init__(self, currencies: Iterable[str], reporting: str) -> None:
        self.currencies = tuple(sorted(set(currencies)))
        self.reporting = reporting
        names = ", ".join(f"{c} → {reporting}" for c in self.currencies)
        plural = "s" if len(self.currencies) > 1 else ""
        super().__init__(
            f"Missing exchange rate{plural}: {names}. Add it under Funding → "
            "Exchange rates; the total is not guessed."
        )


@dataclass(frozen=True)
class Converter:
    """Rates loaded once, so a UI can total as the user types without touching the database."""

    reporting: str
    rates: Mapping[str, Decimal] = field(default_factory=dict)

    def missing(self, currencies: Iterable[str]) -> list[str]:
        return sorted(
            {
                c.upper()
                for c in currencies
                if c.upper() != self.reporting and c.upper() not in self.rates
            }
        )

    def to_reporting(self, minor: int, currency: str) -> int:
        try:
            return money.convert(minor, currency, self.reporting, dict(self.rates))
        except KeyError:
            raise MissingRate([currency.upper()], self.reporting) from None

    def total(self, amounts: Iterable[tuple[int, str]]) -> int:
        """Sum (minor, currency) pairs in the reporting currency; names every missing rate."""
        pairs = list(amounts)
        missing = self.missing(c for _m, c in pairs)
        if missing:
            raise MissingRate(missing, self.reporting)
        return sum(self.to_reporting(m, c) for m, c in pairs)

    def used(self, currencies: Iterable[str]) -> dict[str, Decimal]:
        """The rates a total over these currencies used, so reports can say which."""
        return {
            c: self.rates[c] for c in sorted({x.upper() for x in currencies}) if c in self.rates
        }


@dataclass(frozen=True)
class RateRow:
    currency: str
    rate: Decimal
    updated_at: datetime


@dataclass(frozen=True)
class ReportingChange:
    """What undo needs after the reporting currency changed (rates are rebased with it)."""

    previous: str
    previous_rates: dict[str, str]


def parse_rate(text: str | Decimal | int) -> Decimal:
    """A positive decimal; raises ValidationError({'rate': ...})."""
    if isinstance(text, bool | float):
        raise ValidationError({"rate": _("type the rate as a decimal number, e.g. 7.1234")})
    try:
        value = text if isinstance(text, Decimal) else Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationError({"rate": _("'{text}' is not a number").format(text=text)}) from None
    if not value.is_finite() or value <= 0:
        raise ValidationError({"rate": _("must be a number above zero")})
    if value > MAX_RATE:
        raise ValidationError({"rate": _("is implausibly large; check the direction of the rate")})
    return _tidy(value)


def _tidy(value: Decimal) -> Decimal:
    q = value.quantize(_PLACES)
    if q == 0:
        raise ValidationError({"rate": _("is too small to store")})
    return q.normalize()


def _text(value: Decimal) -> str:
    return format(value, "f")


def reporting_currency_in(s: Session) -> str:
    row = s.get(Setting, REPORTING_KEY)
    return row.value if row is not None else money.DEFAULT_CURRENCY


def reporting_currency(db: Database) -> str:
    with db.session() as s:
        return reporting_currency_in(s)


def rates_in(s: Session) -> dict[str, Decimal]:
    return {r.currency: Decimal(r.rate) for r in s.exec(select(ExchangeRate)).all()}


def converter_in(s: Session) -> Converter:
    return Converter(reporting_currency_in(s), rates_in(s))


def converter(db: Database) -> Converter:
    with db.session() as s:
        return converter_in(s)


def convert(db: Database, minor: int, currency: str) -> int:
    """One amount in the reporting currency; MissingRate when its rate is not known."""
    return converter(db).to_reporting(minor, currency)


def list_rates(db: Database) -> list[RateRow]:
    with db.session() as s:
        rows = s.exec(select(ExchangeRate).order_by(ExchangeRate.currency)).all()
        return [RateRow(r.currency, Decimal(r.rate), r.updated_at) for r in rows]


def _check_currency(code: str | None, fld: str = "currency") -> str:
    ccy = (code or "").strip().upper()
    if not money.is_currency(ccy):
        raise ValidationError(
            {
                fld: _("'{value}' is not a currency code we know (e.g. USD, EUR, HKD)").format(
                    value=ccy or code
                )
            }
        )
    return ccy


def set_rate(db: Database, currency: str, rate: str | Decimal | int) -> str | None:
    """Add or change a rate; returns the previous rate text (None if new) for undo."""
    ccy = _check_currency(currency)
    value = parse_rate(rate)
    with db.session() as s:
        if ccy == reporting_currency_in(s):
            raise ValidationError(
                {"currency": _("{ccy} is the reporting currency; it needs no rate").format(ccy=ccy)}
            )
        return _put_rate(s, db.user, ccy, _text(value))


def _put_rate(s: Session, user: str, ccy: str, text: str | None) -> str | None:
    row = s.get(ExchangeRate, ccy)
    previous = row.rate if row is not None else None
    if text is None:
        if row is not None:
            s.delete(row)
            audit.record(
                s,
                user,
                "exchange_rate",
                None,
                "delete",
                {"currency": ccy, "rate": [previous, None]},
            )
        return previous
    if row is None:
        s.add(ExchangeRate(currency=ccy, rate=text, updated_at=utcnow()))
        audit.record(
            s, user, "exchange_rate", None, "create", {"currency": ccy, "rate": [None, text]}
        )
    elif row.rate != text:
        row.rate, row.updated_at = text, utcnow()
        s.add(row)
        audit.record(
            s, user, "exchange_rate", None, "update", {"currency": ccy, "rate": [previous, text]}
        )
    return previous


def delete_rate(db: Database, currency: str) -> str | None:
    """Remove a rate; returns the removed rate text for undo."""
    with db.session() as s:
        return _put_rate(s, db.user, currency.strip().upper(), None)


def restore_rate(db: Database, currency: str, previous: str | None) -> None:
    """Undo of set_rate/delete_rate: put back exactly `previous` (None removes the rate)."""
    with db.session() as s:
        _put_rate(s, db.user, currency.strip().upper(), previous)


def set_reporting_currency(db: Database, code: str) -> ReportingChange:
    """Change the reporting currency and rebase every rate onto it, so totals stay right.

    Rebasing needs the rate of the new currency in the old one; without it we refuse rather than
    leave rates that silently mean something else.
    """
    new = _check_currency(code, "reporting_currency")
    with db.session() as s:
        old = reporting_currency_in(s)
        current = rates_in(s)
        change = ReportingChange(old, {c: _text(r) for c, r in current.items()})
        if new == old:
            return change
        if current and new not in current:
            raise ValidationError(
                {
                    "reporting_currency": _(
                        "add the rate {new} → {old} first, so the other rates can be converted"
                    ).format(new=new, old=old)
                }
            )
        rebased: dict[str, str] = {}
        if current:
            base = current[new]
            rebased = {c: _text(_tidy(r / base)) for c, r in current.items() if c != new}
            rebased[old] = _text(_tidy(Decimal(1) / base))
        _write_all(s, rebased)
        _put_setting(s, new)
        audit.record(
            s,
            db.user,
            "setting",
            None,
            "update",
            {"key": REPORTING_KEY, "value": [old, new], "rates": rebased},
        )
        return change


def restore_reporting(db: Database, change: ReportingChange) -> ReportingChange:
    """Undo of set_reporting_currency: exact previous currency and rates. Returns the inverse."""
    with db.session() as s:
        now = ReportingChange(
            reporting_currency_in(s), {c: _text(r) for c, r in rates_in(s).items()}
        )
        _write_all(s, change.previous_rates)
        _put_setting(s, change.previous)
        audit.record(
            s,
            db.user,
            "setting",
            None,
            "undo",
            {"key": REPORTING_KEY, "value": [now.previous, change.previous]},
        )
        return now


def _write_all(s: Session, rates: Mapping[str, str]) -> None:
    for row in s.exec(select(ExchangeRate)).all():
        s.delete(row)
    s.flush()
    for ccy, text in rates.items():
        s.add(ExchangeRate(currency=ccy, rate=text, updated_at=utcnow()))


def _put_setting(s: Session, value: str) -> None:
    row = s.get(Setting, REPORTING_KEY)
    if row is None:
        s.add(Setting(key=REPORTING_KEY, value=value))
    else:
        row.value = value
        s.add(row)


__all__ = [
    "Converter",
    "MissingRate",
    "RateRow",
    "ReportingChange",
    "convert",
    "converter",
    "converter_in",
    "delete_rate",
    "list_rates",
    "parse_rate",
    "rates_in",
    "reporting_currency",
    "reporting_currency_in",
    "restore_rate",
    "restore_reporting",
    "set_rate",
    "set_reporting_currency",
]
