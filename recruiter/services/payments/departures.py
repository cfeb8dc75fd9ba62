"""Early departure: the refund each item's clawback rule asks for, with the arithmetic shown,
recorded as owed and in the audit log (received money lowers its source's paid money:
refunds.py). Unpaid
instalments stop and return to their sources. Undo removes the departure and restarts them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial

from sqlmodel import Session, col, select

from recruiter.domain.enums import OfferStatus
from recruiter.domain.instalments import Clawback, Status, clawback, months_between
from recruiter.domain.models import (
    Application,
    Departure,
    Instalment,
    Offer,
    OfferItem,
    Refund,
    ServicePeriod,
)
from recruiter.domain.money import format_amount
from recruiter.errors import ConflictError, ValidationError
from recruiter.i18n import _
from recruiter.store.database import Database

from .. import audit
from .._common import get_or_raise
from .refunds import has_receipts_in


def _money(minor: int, currency: str) -> str:
    return format_amount(minor, currency)


@dataclass(frozen=True)
class RefundLine:
    item_id: int
    source_id: int | None
    rule: Clawback
    paid: int
    amount: int
    currency: str
    working: str


@dataclass(frozen=True)
class DepartureTerms:
    application_id: int
    left_on: date
    months_served: int
    service_months: int
    refunds: tuple[RefundLine, ...]
    stops: tuple[int, ...]  # unpaid instalments that stop

    def totals(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.refunds:
            out[r.currency] = out.get(r.currency, 0) + r.amount
        return out


def terms_in(s: Session, application_id: int, left_on: date) -> DepartureTerms:
    get_or_raise(s, Application, application_id, _("Application"))
    sp = s.exec(
        select(ServicePeriod).where(col(ServicePeriod.application_id) == application_id)
    ).first()
    if sp is None:
        raise ValidationError(
            {"service": _("set the hire's service period first: the refund depends on it")}
        )
    if left_on < sp.starts_on:
        raise ValidationError({"left_on": _("is before the service period started")})
    served = months_between(sp.starts_on, left_on)
    total_months = sp.years * 12
    rows = s.exec(
        select(Instalment, col(OfferItem.funding_source_id), col(OfferItem.currency))
        .join(OfferItem, col(OfferItem.id) == col(Instalment.offer_item_id))
        .join(Offer, col(Offer.id) == col(OfferItem.offer_id))
        .where(col(Offer.application_id) == application_id)
        .order_by(col(OfferItem.id), col(Instalment.seq))
    ).all()
    paid: dict[tuple[int, int | None, str, str], int] = {}
    stops: list[int] = []
    for i, item_source, ccy in rows:
        source = i.funding_source_id or item_source
        if i.status == Status.paid.value:
            key = (i.offer_item_id, source, i.clawback, ccy)
            paid[key] = paid.get(key, 0) + i.amount_minor
        elif i.status in (Status.planned.value, Status.sent.value) and i.id is not None:
            stops.append(i.id)
    refunds = []
    for (item_id, source, rule, ccy), amount in paid.items():
        w = clawback(rule, amount, served, total_months, partial(_money, currency=ccy))
        refunds.append(
            RefundLine(item_id, source, Clawback(rule), amount, w.amount, ccy, w.working)
        )
    return DepartureTerms(
        application_id, left_on, served, total_months, tuple(refunds), tuple(stops)
    )


def preview(db: Database, application_id: int, left_on: date) -> DepartureTerms:
    """What recording a departure on `left_on` would ask back (reads only)."""
    with db.session() as s:
        return terms_in(s, application_id, left_on)


def record(db: Database, application_id: int, left_on: date) -> int:
    """Record the departure, its refunds and the stopped instalments; returns its id."""
    with db.session() as s:
        if s.exec(select(Departure).where(col(Departure.application_id) == application_id)).first():
            raise ConflictError(_("A departure is already recorded for this hire; undo it first."))
        accepted = s.exec(
            select(col(Offer.id)).where(
                col(Offer.application_id) == application_id,
                col(Offer.status) == OfferStatus.accepted,
            )
        ).first()
        if accepted is None:
            raise ConflictError(_("This application has no accepted offer, so nothing was paid."))
        t = terms_in(s, application_id, left_on)
        d = Departure(
            application_id=application_id,
            left_on=left_on,
            months_served=t.months_served,
            service_months=t.service_months,
        )
        s.add(d)
        s.flush()
        assert d.id is not None
        for r in t.refunds:
            if r.amount:
                s.add(
                    Refund(
                        departure_id=d.id,
                        offer_item_id=r.item_id,
                        funding_source_id=r.source_id,
                        amount_minor=r.amount,
                        currency=r.currency,
                        rule=r.rule.value,
                        working=r.working[:500],
                        on=left_on,
                    )
                )
        for i in s.exec(select(Instalment).where(col(Instalment.id).in_(list(t.stops)))).all():
            i.status, i.ended_by, i.batch_id = Status.stopped.value, f"departure:{d.id}", None
            s.add(i)
        s.flush()
        audit.record(
            s,
            db.user,
            "departure",
            d.id,
            "create",
            {
                "application_id": application_id,
                "left_on": left_on,
                "months_served": t.months_served,
                "service_months": t.service_months,
                "refunds": [
                    [r.item_id, r.source_id, r.amount, r.currency, r.working] for r in t.refunds
                ],
                "stopped": list(t.stops),
            },
        )
        return d.id


def undo(db: Database, departure_id: int) -> None:
    """Remove a departure: its refunds go, stopped instalments are planned again."""
    with db.session() as s:
        d = get_or_raise(s, Departure, departure_id, _("Departure"))
        if has_receipts_in(s, departure_id):
            raise ConflictError(
                _("Money of this departure's refunds was received; remove the receipts first.")
            )
        mark = f"departure:{departure_id}"
        for i in s.exec(select(Instalment).where(col(Instalment.ended_by) == mark)).all():
            i.status, i.ended_by = Status.planned.value, None
            s.add(i)
        snap = audit.snapshot(d)
        s.delete(d)
        audit.record(s, db.user, "departure", departure_id, "delete", snap)


def departure_of(db: Database, application_id: int) -> tuple[Departure, list[Refund]] | None:
    with db.session() as s:
        d = s.exec(select(Departure).where(col(Departure.application_id) == application_id)).first()
        if d is None:
            return None
        refunds = list(s.exec(select(Refund).where(col(Refund.departure_id) == d.id)).all())
        return d, refunds
