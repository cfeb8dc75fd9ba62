"""Exchange rates: validation, undo, rebasing, and totals that name a missing rate."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select

from recruiter.domain.models import AuditEntry, ExchangeRate, Setting
from recruiter.errors import ValidationError
from recruiter.services import rates
from recruiter.store.database import Database


def stored(db: Database) -> dict[str, str]:
    with db.session() as s:
        return {r.currency: r.rate for r in s.exec(select(ExchangeRate)).all()}


def test_default_reporting_currency_is_cny(db: Database) -> None:
    assert rates.reporting_currency(db) == "CNY"
    assert rates.converter(db).rates == {}


def test_set_change_delete_rate_with_undo_values(db: Database) -> None:
    assert rates.set_rate(db, " usd ", "7.10") is None
    assert stored(db) == {"USD": "7.1"}
    assert rates.set_rate(db, "USD", Decimal("7.25")) == "7.1"
    assert rates.delete_rate(db, "USD") == "7.25"
    assert stored(db) == {}
    rates.restore_rate(db, "USD", "7.25")
    assert stored(db) == {"USD": "7.25"}
    rates.restore_rate(db, "USD", None)
    assert stored(db) == {}
    with db.session() as s:
        actions = s.exec(
            select(AuditEntry.action)
            .where(AuditEntry.entity == "exchange_rate")
            .order_by(AuditEntry.id)
        ).all()
    assert actions == ["create", "update", "delete", "create", "delete"]


@pytest.mark.parametrize(
    ("ccy", "rate", "field"),
    [
        ("XXX", "1", "currency"),
        ("USD", "0", "rate"),
        ("USD", "-2", "rate"),
        ("USD", "abc", "rate"),
        ("USD", "1e9", "rate"),
        ("CNY", "1", "currency"),
        ("USD", "NaN", "rate"),
        ("USD", 7.1, "rate"),
    ],
)
def test_bad_rates_refused_nothing_saved(db: Database, ccy: str, rate: object, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        rates.set_rate(db, ccy, rate)  # type: ignore[arg-type]
    assert field in err.value.errors
    assert stored(db) == {}


def test_convert_and_missing_rate_is_named(db: Database) -> None:
    rates.set_rate(db, "USD", "7.2")
    assert rates.convert(db, 100_00, "USD") == 720_00
    assert rates.convert(db, 123, "CNY") == 123
    with pytest.raises(rates.MissingRate) as err:
        rates.convert(db, 100, "EUR")
    assert "EUR → CNY" in str(err.value)
    conv = rates.converter(db)
    with pytest.raises(rates.MissingRate) as err2:
        conv.total([(1, "EUR"), (1, "GBP"), (5, "USD")])
    assert err2.value.currencies == ("EUR", "GBP")
    assert conv.total([(1_00, "USD"), (3, "CNY")]) == 7_23
    assert conv.used(["usd", "CNY"]) == {"USD": Decimal("7.2")}


def test_minor_unit_exponents_respected(db: Database) -> None:
    rates.set_rate(db, "JPY", "0.05")
    # 1000 yen (no minor unit) -> 50 yuan -> 5000 fen.
    assert rates.convert(db, 1000, "JPY") == 50_00


def test_reporting_currency_rebases_rates_and_undo_is_exact(db: Database) -> None:
    rates.set_rate(db, "USD", "8")
    rates.set_rate(db, "EUR", "10")
    with pytest.raises(ValidationError) as err:
        rates.set_reporting_currency(db, "GBP")
    assert "reporting_currency" in err.value.errors
    change = rates.set_reporting_currency(db, "usd")
    assert rates.reporting_currency(db) == "USD"
    assert stored(db) == {"EUR": "1.25", "CNY": "0.125"}
    # One euro is still worth 10 yuan, now seen through dollars.
    assert rates.convert(db, 100, "EUR") == 125
    inverse = rates.restore_reporting(db, change)
    assert rates.reporting_currency(db) == "CNY"
    assert stored(db) == {"USD": "8", "EUR": "10"}
    assert inverse.previous == "USD"
    with db.session() as s:
        assert s.get(Setting, rates.REPORTING_KEY) is not None


def test_reporting_currency_without_rates_just_changes(db: Database) -> None:
    rates.set_reporting_currency(db, "EUR")
    assert rates.reporting_currency(db) == "EUR"
    with pytest.raises(ValidationError):
        rates.set_reporting_currency(db, "EURO")
