"""Offer rules that need no database: validating item lines and headers (so the editor can
show problems inline before anything is saved) and the package totals (domain.figures)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from recruiter.domain import figures, money
from recruiter.domain.enums import ItemKind, OfferStatus, Period
from recruiter.i18n import _

from .. import rates
from ..validate import Problems, as_date, clean_text

OPEN_STATUSES = frozenset({OfferStatus.draft, OfferStatus.approved, OfferStatus.extended})
HEADER_FIELDS = ("rank", "start_on", "extended_on", "expires_on", "responded_on", "notes")
ITEM_FIELDS = ("kind", "amount_minor", "currency", "period", "years", "funding_source_id")
EXPIRING_DAYS = 7
MAX_YEARS = 10

# --------------------------------------------------------------------------------------------
# Validation (pure, so the editor can show problems inline before anything is saved)


@dataclass(frozen=True)
class ItemData:
    """One validated item line. `id` is set for an existing row being edited."""

    kind: ItemKind
    amount_minor: int
    currency: str
    period: Period
    years: int
    funding_source_id: int | None
    id: int | None = None

    @property
    def cost_minor(self) -> int:
        """Its life cost (figures.item_life_cost)."""
        return figures.item_life_cost(self.amount_minor, self.period, self.years)

    def as_row(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ITEM_FIELDS}


def check_item(
    data: Mapping[str, Any], source_currency: Mapping[int, str] | None = None, prefix: str = ""
) -> tuple[ItemData | None, dict[str, str]]:
    """Validate one item line; returns (item or None, {field: message}).

    `amount` may be given as text ('120万', '1,200.50') or `amount_minor` as an int. When
    `source_currency` maps source ids to currencies, the item's currency must match its source's.
    """
    p = Problems()
    kind: ItemKind | None = None
    try:
        kind = ItemKind(str(data.get("kind") or ""))
    except ValueError:
        p.add(prefix + "kind", _("choose what the item is (salary, housing, ...)"))
    ccy = str(data.get("currency") or money.DEFAULT_CURRENCY).strip().upper()
    if not money.is_currency(ccy):
        p.add(
            prefix + "currency",
            _("'{ccy}' is not a currency code we know (e.g. CNY, USD, EUR)").format(ccy=ccy),
        )
    amount: int | None = None
    raw = data.get("amount_minor")
    if raw is None and "amount" in data:
        text = data.get("amount")
        if text is None or str(text).strip() == "":
            p.add(prefix + "amount_minor", _("enter an amount"))
        else:
            try:
                amount = money.parse_amount(str(text), ccy if money.is_currency(ccy) else "CNY")
            except money.MoneyError as exc:
                p.add(prefix + "amount_minor", str(exc))
    elif isinstance(raw, int) and not isinstance(raw, bool):
        amount = raw
    else:
        p.add(prefix + "amount_minor", _("enter an amount"))
    if amount is not None:
        if amount < 0:
            p.add(prefix + "amount_minor", _("cannot be negative"))
        elif amount > money.MAX_MINOR:
            p.add(prefix + "amount_minor", _("is implausibly large; check the number of zeros"))
    period: Period | None = None
    try:
        period = Period(
            str(data.get("period") or (kind.default_period if kind else Period.one_off))
        )
    except ValueError:
        p.add(prefix + "period", _("must be one-off or annual"))
    years_raw = data.get("years", 1)
    years: int | None = None
    try:
        if isinstance(years_raw, bool) or years_raw is None or years_raw == "":
            raise ValueError
        years = int(str(years_raw).strip())
    except ValueError:
        p.add(prefix + "years", _("must be a whole number of years"))
    if years is not None and not 1 <= years <= MAX_YEARS:
        p.add(prefix + "years", _("must be between 1 and {MAX_YEARS}").format(MAX_YEARS=MAX_YEARS))
    if period == Period.one_off and years is not None:
        years = 1
    source_id = data.get("funding_source_id") or None
    if source_id is not None and source_currency is not None:
        src_ccy = source_currency.get(int(source_id))
        if src_ccy is None:
            p.add(prefix + "funding_source_id", _("this funding source no longer exists"))
        elif money.is_currency(ccy) and src_ccy != ccy:
            p.add(
                prefix + "currency",
                _("the funding source is kept in {src_ccy}; enter the amount in {src_ccy}").format(
                    src_ccy=src_ccy
                ),
            )
    if p.errors:
        return None, p.errors
    assert kind is not None and amount is not None and period is not None and years is not None
    item_id = data.get("id")
    return ItemData(
        kind,
        amount,
        ccy,
        period,
        years,
        int(source_id) if source_id is not None else None,
        int(item_id) if item_id else None,
    ), {}


def check_header(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate the offer's header fields that are present in `data`."""
    p = Problems()
    out: dict[str, Any] = {}
    if "rank" in data:
        out["rank"] = clean_text(data["rank"], 200)
    for fld in ("start_on", "extended_on", "expires_on", "responded_on"):
        if fld in data:
            out[fld] = as_date(data[fld], fld, p)
    if "notes" in data:
        out["notes"] = clean_text(data["notes"])
    return out, p.errors


def _check_dates(values: Mapping[str, Any], p: Problems) -> None:
    ext, exp, resp = values.get("extended_on"), values.get("expires_on"), values.get("responded_on")
    if ext and exp and exp < ext:
        p.add("expires_on", _("cannot be before the date the offer was extended"))
    if ext and resp and resp < ext:
        p.add("responded_on", _("cannot be before the date the offer was extended"))


# --------------------------------------------------------------------------------------------
# Totals (pure)


@dataclass(frozen=True)
class PackageTotals:
    """In the reporting currency: cash in the first year, the whole package over its years, and
    start-up research funds (科研启动经费, which are not cash to the scholar)."""

    currency: str
    first_year: int
    total: int
    startup: int


def package_totals(items: Iterable[ItemData], conv: rates.Converter) -> PackageTotals:
    """Raises rates.MissingRate naming every rate the totals need but the table lacks."""
    items = list(items)
    missing = conv.missing(i.currency for i in items)
    if missing:
        raise rates.MissingRate(missing, conv.reporting)
    pkg = figures.in_reporting(figures.package(items), conv.to_reporting)
    return PackageTotals(conv.reporting, pkg.first_year, pkg.total, pkg.startup)
