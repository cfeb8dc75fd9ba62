"""Funding sources and their accounting, in integer minor units (DESIGN.md §3):
reserved = items on approved/extended offers, committed = items on accepted offers,
available = total - reserved - committed, annual items counting times their years."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from recruiter.domain.enums import FundingKind, OfferStatus, Period
from recruiter.domain.models import FundingSource, Institution, Offer, OfferItem
from recruiter.domain.money import is_currency
from recruiter.domain.rules import COMMITTING, RESERVING
from recruiter.errors import ConflictError
from recruiter.store.database import Database

from . import audit
from ._common import get_or_raise
from .validate import Problems, as_int, clean_text


@dataclass(frozen=True)
class Balance:
    source_id: int
    name: str
    kind: FundingKind
    institution_id: int | None
    fiscal_year: int | None
    currency: str
    total: int
    reserved: int
    committed: int

    @property
    def available(self) -> int:
        return self.total - self.reserved - self.committed

    @property
    def used_fraction(self) -> float:
        """For display only (a percentage bar); never used in arithmetic."""
        return (self.reserved + self.committed) / self.total if self.total else 0.0


def item_cost_expr() -> Any:
    """SQL for what one item costs over its life."""
    return OfferItem.amount_minor * case((OfferItem.period == Period.annual, OfferItem.years),
                                         else_=1)


def balances_in(s: Session, source_ids: list[int] | None = None) -> list[Balance]:
    cost = item_cost_expr()
    reserved = func.coalesce(func.sum(case((Offer.status.in_(list(RESERVING)), cost), else_=0)), 0)
    committed = func.coalesce(func.sum(case((Offer.status.in_(list(COMMITTING)), cost), else_=0)),
                              0)
    stmt = (select(FundingSource.id, FundingSource.name, FundingSource.kind,
                   FundingSource.institution_id, FundingSource.fiscal_year,
                   FundingSource.currency, FundingSource.total_minor, reserved, committed)
            .select_from(FundingSource)
            .outerjoin(OfferItem, OfferItem.funding_source_id == FundingSource.id)
            .outerjoin(Offer, Offer.id == OfferItem.offer_id)
            .group_by(FundingSource.id)
            .order_by(FundingSource.name))
    if source_ids is not None:
        stmt = stmt.where(FundingSource.id.in_(source_ids))
    return [Balance(r[0], r[1], FundingKind(r[2]), r[3], r[4], r[5], int(r[6]), int(r[7]),
                    int(r[8])) for r in s.exec(stmt).all()]


def balances(db: Database, source_ids: list[int] | None = None) -> list[Balance]:
    with db.session() as s:
        return balances_in(s, source_ids)


def _validate(data: dict[str, Any]) -> dict[str, Any]:
    p = Problems()
    out: dict[str, Any] = {}
    out["name"] = clean_text(data.get("name"), 200)
    if not out["name"]:
        p.add("name", "give the budget a name")
    kind = data.get("kind") or FundingKind.university
    try:
        out["kind"] = FundingKind(kind)
    except ValueError:
        p.add("kind", f"must be one of {', '.join(k.value for k in FundingKind)}")
    out["institution_id"] = data.get("institution_id") or None
    out["fiscal_year"] = as_int(data.get("fiscal_year"), "fiscal_year", p, 2000, 2100,
                                "a year like 2026")
    total = data.get("total_minor", 0)
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        p.add("total_minor", "must be an amount of zero or more")
    out["total_minor"] = total
    ccy = (data.get("currency") or "CNY").strip().upper()
    if not is_currency(ccy):
        p.add("currency", f"'{ccy}' is not a currency code we know (e.g. CNY, USD, EUR)")
    out["currency"] = ccy
    out["notes"] = clean_text(data.get("notes"))
    p.raise_if_any()
    return out


def create(db: Database, **data: Any) -> int:
    values = _validate(data)
    with db.session() as s:
        if values["institution_id"] is not None:
            get_or_raise(s, Institution, values["institution_id"], "Institution")
        src = FundingSource(**values)
        s.add(src)
        try:
            s.flush()
        except IntegrityError as exc:
            raise ConflictError(f"A funding source named '{values['name']}' already exists.") from exc
        assert src.id is not None
        audit.record(s, db.user, "funding_source", src.id, "create", audit.snapshot(src))
        return src.id


def update(db: Database, source_id: int, **changes: Any) -> dict[str, Any]:
    """Apply changes; returns the previous values of the changed fields (for undo)."""
    with db.session() as s:
        src = get_or_raise(s, FundingSource, source_id, "Funding source")
        before = audit.snapshot(src)
        merged = {**{k: getattr(src, k) for k in _validate_keys()}, **changes}
        values = _validate(merged)
        if values["currency"] != src.currency:
            used = s.exec(select(func.count()).select_from(OfferItem)
                          .where(OfferItem.funding_source_id == source_id)).one()
            if used:
                raise ConflictError("Offer items are already charged to this source, so its "
                                    "currency cannot change.")
        for k, v in values.items():
            setattr(src, k, v)
        s.add(src)
        try:
            s.flush()
        except IntegrityError as exc:
            raise ConflictError(f"A funding source named '{values['name']}' already exists.") from exc
        after = audit.snapshot(src)
        change = audit.diff(before, after)
        if change:
            audit.record(s, db.user, "funding_source", source_id, "update", change)
        return {k: getattr_before for k, (getattr_before, _new) in change.items()}


def _validate_keys() -> tuple[str, ...]:
    return ("name", "kind", "institution_id", "fiscal_year", "total_minor", "currency", "notes")


def delete(db: Database, source_id: int) -> None:
    with db.session() as s:
        src = get_or_raise(s, FundingSource, source_id, "Funding source")
        used = s.exec(select(func.count()).select_from(OfferItem)
                      .where(OfferItem.funding_source_id == source_id)).one()
        if used:
            raise ConflictError(f"'{src.name}' pays for {used} offer item(s); move them to another "
                                "source before deleting it.")
        snap = audit.snapshot(src)
        s.delete(src)
        audit.record(s, db.user, "funding_source", source_id, "delete", snap)


def get(db: Database, source_id: int) -> FundingSource:
    with db.session() as s:
        return get_or_raise(s, FundingSource, source_id, "Funding source")


def list_sources(db: Database) -> list[FundingSource]:
    with db.session() as s:
        return list(s.exec(select(FundingSource).order_by(FundingSource.name)).all())


__all__ = ["Balance", "OfferStatus", "balances", "balances_in", "create", "delete", "get",
           "item_cost_expr", "list_sources", "update"]
