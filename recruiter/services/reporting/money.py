"""Money in reports: the reporting currency and the rates used (MoneyContext), and the package
figures of offers summed in SQL with domain.figures' twins, converted once per currency."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, union
from sqlmodel import Session, col

from recruiter.domain import figures
from recruiter.domain.enums import ItemKind
from recruiter.domain.models import FundingSource, OfferItem
from recruiter.domain.money import exponent
from recruiter.i18n import _
from recruiter.store.database import Database

from .. import rates
from .scope import _raw

# -- money -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoneyContext:
    """The reporting currency and the rates a report used (currency -> rate text)."""

    currency: str
    rates: tuple[tuple[str, str], ...]

    @property
    def exponent(self) -> int:
        return exponent(self.currency)

    def describe(self) -> str:
        if not self.rates:
            return _("all amounts in {currency}; no conversion needed").format(
                currency=self.currency
            )
        used = _(", ").join(f"1 {c} = {r} {self.currency}" for c, r in self.rates)
        return _("amounts in {currency}; rates used: {rates}").format(
            currency=self.currency, rates=used
        )


class _Money:
    """A converter that fails early, naming every missing rate, before any figure is shown."""

    def __init__(self, conv: rates.Converter, currencies: set[str]) -> None:
        self.conv = conv
        self.reporting = conv.reporting
        missing = conv.missing(currencies)
        if missing:
            raise rates.MissingRate(missing, conv.reporting)
        self._rates = dict(conv.rates)
        self.context = MoneyContext(
            conv.reporting,
            tuple(
                (c, format(r, "f")) for c, r in conv.used(currencies).items() if c != conv.reporting
            ),
        )

    def __call__(self, minor: int, currency: str) -> int:
        if currency == self.reporting:
            return minor
        return self.conv.to_reporting(minor, currency)


def _money_in(s: Session) -> _Money:
    """Every currency in use (items and sources), so the rates named cover the whole report."""
    stmt = union(
        select(col(OfferItem.currency)).distinct(), select(col(FundingSource.currency)).distinct()
    )
    currencies = {str(r[0]).upper() for r in s.execute(stmt).all()}
    return _Money(rates.converter_in(s), currencies)


def money_context(db: Database) -> MoneyContext:
    with db.session() as s:
        return _money_in(s).context


@dataclass(frozen=True)
class OfferMoney:
    """One offer's package in the reporting currency (domain.figures defines each figure)."""

    by_kind: dict[ItemKind, int]  # life cost per kind (annual items times years)
    first_year: int  # cash in the first year: everything but research funds, annual items once
    startup: int  # research start-up funds over their life
    sources: tuple[str, ...]  # full names of the funding sources charged
    total: int  # the whole package over its life


def _ids_condition(offer_ids: Sequence[int] | Any) -> Any:
    return col(OfferItem.offer_id).in_(offer_ids)


def package_sums(
    s: Session, offer_ids: Sequence[int] | Any | None, *by: Any
) -> Iterator[tuple[Any, ...]]:
    """(offer id, *by, currency, first-year cash, total package, start-up funds) per group: the
    package figures (figures.package_sql) summed in SQL per (offer, *by, currency) straight off
    the covering index ix_offer_item_sums. Plain ints, no objects: a report reads 100k rows."""
    keys = (col(OfferItem.offer_id), *by, col(OfferItem.currency))
    stmt = select(*keys, *figures.package_sql()).group_by(*keys)
    if offer_ids is not None:
        stmt = stmt.where(_ids_condition(offer_ids))
    for *key, fy, total, su in s.connection().execute(stmt):
        yield (*key, int(fy), int(total), int(su))


def packages_in(
    s: Session, money: _Money, offer_ids: Sequence[int] | Any | None
) -> dict[int, figures.Package]:
    """Each offer's package in the reporting currency, each currency's sum converted once."""
    per: dict[int, dict[str, figures.Package]] = {}
    for oid, ccy, fy, total, su in package_sums(s, offer_ids):
        per.setdefault(oid, {})[ccy] = figures.Package(fy, total, su)
    return {oid: figures.in_reporting(p, money) for oid, p in per.items()}


def _offer_money_in(
    s: Session, money: _Money, offer_ids: Sequence[int] | Any
) -> dict[int, OfferMoney]:
    """Packages of the given offers (a list of ids or a subquery of ids), with the life cost
    per kind and the sources charged."""
    kinds = {k.value: k for k in ItemKind}
    sums: dict[int, dict[str, list[int]]] = {}  # offer -> currency -> [first year, total, startup]
    by_kind: dict[int, dict[ItemKind, int]] = {}
    for oid, kind_text, ccy, fy, total, su in package_sums(s, offer_ids, _raw(col(OfferItem.kind))):
        acc = sums.setdefault(oid, {}).setdefault(ccy, [0, 0, 0])
        acc[0] += fy
        acc[1] += total
        acc[2] += su
        kinds_of = by_kind.setdefault(oid, {})
        kind = kinds[kind_text]
        kinds_of[kind] = kinds_of.get(kind, 0) + money(total, ccy)
    per = {
        oid: {ccy: figures.Package(*acc) for ccy, acc in by_ccy.items()}
        for oid, by_ccy in sums.items()
    }
    names: dict[int, set[str]] = {}
    stmt = (
        select(col(OfferItem.offer_id), col(FundingSource.name))
        .distinct()
        .join(FundingSource, col(FundingSource.id) == col(OfferItem.funding_source_id))
        .where(_ids_condition(offer_ids))
    )
    for oid, name in s.connection().execute(stmt):
        names.setdefault(oid, set()).add(name)
    out = {}
    for oid, p in per.items():
        pkg = figures.in_reporting(p, money)
        out[oid] = OfferMoney(
            by_kind[oid], pkg.first_year, pkg.startup, tuple(sorted(names.get(oid, ()))), pkg.total
        )
    return out


def _int_median(values: list[int]) -> int | None:
    """Median in whole minor units (the mean of the middle two, rounded down)."""
    if not values:
        return None
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) // 2
