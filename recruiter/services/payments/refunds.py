"""Refunds owed by early leavers, and receiving them. A departure records what each item's
clawback rule asks back (owed); the money returns to its source only as it is received. A
refund may come back in parts (each receipt its own row and date, so each part falls in the
fiscal year it was received), never more than was owed. Receipts are audited and undoable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from recruiter.domain import clock
from recruiter.domain.enums import ItemKind
from recruiter.domain.models import (
    Application,
    Candidate,
    Departure,
    FundingSource,
    OfferItem,
    Refund,
    RefundReceipt,
    Target,
)
from recruiter.domain.money import format_amount
from recruiter.errors import ConflictError, ValidationError
from recruiter.i18n import _, pgettext
from recruiter.store.database import Database

from .. import audit
from .._common import get_or_raise


@dataclass(frozen=True)
class RefundRow:
    """One refund with what was received of it."""

    id: int
    departure_id: int
    application_id: int
    candidate: str
    target: str
    institution_id: int
    item_id: int
    item_kind: str
    source_id: int | None
    source: str
    currency: str
    owed: int
    received: int
    last_received_on: date | None
    on: date
    working: str

    @property
    def outstanding(self) -> int:
        return self.owed - self.received

    @property
    def state(self) -> str:
        """'owed', 'part' (partly received) or 'received'."""
        if self.received >= self.owed:
            return "received"
        return "part" if self.received else "owed"

    @property
    def state_label(self) -> str:
        return {
            "owed": pgettext("refund", "owed"),
            "part": pgettext("refund", "partly received"),
            "received": pgettext("refund", "received"),
        }[self.state]

    @property
    def item_text(self) -> str:
        return ItemKind(self.item_kind).label


def received_in(s: Session, refund_id: int) -> int:
    return int(
        s.exec(
            select(func.coalesce(func.sum(col(RefundReceipt.amount_minor)), 0)).where(
                col(RefundReceipt.refund_id) == refund_id
            )
        ).one()
    )


def rows_in(s: Session, application_id: int | None = None) -> list[RefundRow]:
    got = (
        sa_select(
            col(RefundReceipt.refund_id),
            func.sum(col(RefundReceipt.amount_minor)).label("received"),
            func.max(col(RefundReceipt.received_on)).label("last"),
        )
        .group_by(col(RefundReceipt.refund_id))
        .subquery("got")
    )
    stmt = (
        sa_select(
            Refund,
            col(Departure.application_id),
            col(Candidate.full_name),
            col(Target.title),
            col(Target.institution_id),
            col(OfferItem.kind),
            col(FundingSource.name),
            got.c.received,
            got.c.last,
        )
        .join(Departure, col(Departure.id) == col(Refund.departure_id))
        .join(Application, col(Application.id) == col(Departure.application_id))
        .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
        .join(Target, col(Target.id) == col(Application.target_id))
        .join(OfferItem, col(OfferItem.id) == col(Refund.offer_item_id))
        .outerjoin(FundingSource, col(FundingSource.id) == col(Refund.funding_source_id))
        .outerjoin(got, got.c.refund_id == col(Refund.id))
        .order_by(col(Refund.on), col(Refund.id))
    )
    if application_id is not None:
        stmt = stmt.where(col(Departure.application_id) == application_id)
    out = []
    for r, app, name, title, inst, kind, source, received, last in s.execute(stmt).all():
        assert r.id is not None
        out.append(
            RefundRow(
                r.id,
                r.departure_id,
                app,
                name,
                title,
                inst,
                r.offer_item_id,
                str(kind.value if isinstance(kind, ItemKind) else kind),
                r.funding_source_id,
                source or _("(no source)"),
                r.currency,
                r.amount_minor,
                int(received or 0),
                last,
                r.on,
                r.working,
            )
        )
    return out


def refunds(db: Database, application_id: int | None = None) -> list[RefundRow]:
    """Every refund (or one hire's), oldest first, with what was received of it."""
    with db.session() as s:
        return rows_in(s, application_id)


def receive(
    db: Database, refund_id: int, amount_minor: int | None = None, on: date | None = None
) -> int:
    """Record money of a refund received on `on` (default today): `amount_minor` of it, or all
    that is still outstanding. Returns the receipt's id."""
    on = on or clock.today()
    with db.session() as s:
        refund = get_or_raise(s, Refund, refund_id, _("Refund"))
        outstanding = refund.amount_minor - received_in(s, refund_id)
        amount = outstanding if amount_minor is None else amount_minor
        if outstanding <= 0:
            raise ConflictError(_("This refund was already received in full."))
        if amount <= 0:
            raise ValidationError({"amount": _("give the amount received (more than zero)")})
        if amount > outstanding:
            raise ValidationError(
                {
                    "amount": _("only {amount} of this refund is still outstanding").format(
                        amount=format_amount(outstanding, refund.currency)
                    )
                }
            )
        if on < refund.on:
            raise ValidationError(
                {
                    "received_on": _("is before the departure ({day})").format(
                        day=refund.on.isoformat()
                    )
                }
            )
        receipt = RefundReceipt(
            refund_id=refund_id, received_on=on, amount_minor=amount, recorded_by=db.user
        )
        s.add(receipt)
        s.flush()
        assert receipt.id is not None
        audit.record(s, db.user, "refund_receipt", receipt.id, "create", audit.snapshot(receipt))
        return receipt.id


def remove_receipt(db: Database, receipt_id: int) -> dict[str, Any]:
    """Remove a receipt (undo of `receive`); returns its row for `restore_receipt` (redo)."""
    with db.session() as s:
        receipt = get_or_raise(s, RefundReceipt, receipt_id, _("Refund receipt"))
        snap = receipt.model_dump()
        s.delete(receipt)
        audit.record(s, db.user, "refund_receipt", receipt_id, "delete", audit.snapshot(receipt))
        return snap


def restore_receipt(db: Database, snap: dict[str, Any]) -> int:
    """Put a removed receipt back with its id (redo of `receive`)."""
    with db.session() as s:
        refund = get_or_raise(s, Refund, int(snap["refund_id"]), _("Refund"))
        if received_in(s, int(snap["refund_id"])) + int(snap["amount_minor"]) > refund.amount_minor:
            raise ConflictError(_("More of this refund was received meanwhile; refresh the view."))
        receipt = RefundReceipt(**snap)
        s.add(receipt)
        s.flush()
        assert receipt.id is not None
        audit.record(s, db.user, "refund_receipt", receipt.id, "create", audit.snapshot(receipt))
        return receipt.id


def has_receipts_in(s: Session, departure_id: int) -> bool:
    return (
        s.exec(
            select(col(RefundReceipt.id))
            .join(Refund, col(Refund.id) == col(RefundReceipt.refund_id))
            .where(col(Refund.departure_id) == departure_id)
        ).first()
        is not None
    )


__all__ = [
    "RefundRow",
    "has_receipts_in",
    "receive",
    "received_in",
    "refunds",
    "remove_receipt",
    "restore_receipt",
    "rows_in",
]
