"""The offer status workflow (domain.rules.OFFER_TRANSITIONS) and the over-commitment guard:
approving or extending re-checks every source the offer is charged to and raises BudgetExceeded
unless an override reason is given; the override is audited on each short source. Status changes
return the offer's and the application's previous state for undo."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from recruiter.domain import clock, figures
from recruiter.domain.enums import OfferStatus, Outcome, Stage
from recruiter.domain.models import Application, AuditEntry, Offer, OfferItem
from recruiter.domain.rules import COMMITTING, OFFER_TRANSITIONS, RESERVING, can_move_offer
from recruiter.errors import BudgetExceeded, ConflictError, ValidationError
from recruiter.i18n import _
from recruiter.store.database import Database
from recruiter.store.locking import lock_rows

from .. import applications, audit, funding
from .._common import get_or_raise
from .editing import OfferSnapshot, _snap, restore_in

# --------------------------------------------------------------------------------------------
# Status workflow and the over-commitment guard


@dataclass(frozen=True)
class BudgetEffect:
    """What approving or extending an offer does to one source it is charged to: the amount
    available now and after (the same after as now when the offer already holds its money)."""

    source_id: int
    name: str
    currency: str
    available_now: int
    available_after: int

    @property
    def short(self) -> bool:
        return self.available_after < 0


def _effects_in(s: Session, offer: Offer, lock: bool) -> list[BudgetEffect]:
    assert offer.id is not None
    items = s.exec(
        select(OfferItem).where(
            col(OfferItem.offer_id) == offer.id, col(OfferItem.funding_source_id).is_not(None)
        )
    ).all()
    cost: dict[int, int] = {}
    for i in items:
        assert i.funding_source_id is not None
        cost[i.funding_source_id] = cost.get(i.funding_source_id, 0) + figures.item_life_cost(
            i.amount_minor, i.period, i.years
        )
    if not cost:
        return []
    if lock:  # the balances below must be the latest: see store/locking.py
        lock_rows(s.connection(), "funding_source", cost)
    already = OfferStatus(offer.status) in RESERVING | COMMITTING
    return [
        BudgetEffect(
            b.source_id,
            b.name,
            b.currency,
            b.available,
            b.available - (0 if already else cost[b.source_id]),
        )
        for b in funding.balances_in(s, sorted(cost))
    ]


def shortfalls_in(s: Session, offer: Offer) -> list[tuple[int, str, int, str]]:
    """(source id, name, shortfall, currency) for each source this offer would take below zero
    if it held money: the offer's cost is added unless it already counts."""
    return [
        (e.source_id, e.name, -e.available_after, e.currency)
        for e in _effects_in(s, offer, lock=True)
        if e.short
    ]


def budget_effects(db: Database, offer_id: int) -> list[BudgetEffect]:
    """Per source the offer is charged to: available now → available once it holds its money
    (what Approve and Extend ask the user to confirm). Reads only."""
    with db.session() as s:
        offer = get_or_raise(s, Offer, offer_id, _("Offer"))
        return _effects_in(s, offer, lock=False)


@dataclass(frozen=True)
class StatusChange:
    """What a status change did, for undo: the offer before, and the application before when the
    change moved or closed it. `overrides` are the audit ids of override entries written."""

    offer_id: int
    before: OfferSnapshot
    application: applications.ApplicationState | None = None
    overrides: tuple[int, ...] = field(default=())


def set_status(
    db: Database,
    offer_id: int,
    status: OfferStatus | str,
    *,
    today: date | None = None,
    override_reason: str | None = None,
    reason: str | None = None,
    move_to: Stage = Stage.offer,
) -> StatusChange:
    """Move an offer along its workflow (domain.rules.OFFER_TRANSITIONS).

    Approving/extending checks the budgets (BudgetExceeded unless `override_reason`); accepting
    moves the application to at least `move_to` (offer, or signed); declining closes the
    application as declined with `reason`.
    """
    with db.session() as s:
        return set_status_in(
            s,
            db.user,
            offer_id,
            status,
            today=today,
            override_reason=override_reason,
            reason=reason,
            move_to=move_to,
        )


def set_status_in(
    s: Session,
    user: str,
    offer_id: int,
    status: OfferStatus | str,
    *,
    today: date | None = None,
    override_reason: str | None = None,
    reason: str | None = None,
    move_to: Stage = Stage.offer,
) -> StatusChange:
    today = today or clock.today()
    new = OfferStatus(status)
    offer = get_or_raise(s, Offer, offer_id, _("Offer"))
    before = _snap(s, offer_id)
    cur = OfferStatus(offer.status)
    if not can_move_offer(cur, new):
        allowed = ", ".join(sorted(x.value for x in OFFER_TRANSITIONS[cur])) or "nothing"
        hint = _(" Approve and extend it first.") if new == OfferStatus.accepted else ""
        raise ConflictError(
            _("A {value} offer cannot become {value2} (it can become: {allowed}).{hint}").format(
                value=cur.value, value2=new.value, allowed=allowed, hint=hint
            )
        )
    app = get_or_raise(s, Application, offer.application_id, _("Application"))
    if (
        new in {OfferStatus.approved, OfferStatus.extended, OfferStatus.accepted}
        and Outcome(app.outcome).is_closed
    ):
        raise ConflictError(
            _("This application is closed ({label}); reopen it before moving the offer on.").format(
                label=Outcome(app.outcome).label.lower()
            )
        )
    if new in {OfferStatus.approved, OfferStatus.extended}:
        n_items = s.exec(
            select(func.count()).select_from(OfferItem).where(col(OfferItem.offer_id) == offer_id)
        ).one()
        if not n_items:
            raise ValidationError({"items": _("add at least one item before approving the offer")})
    if new == OfferStatus.accepted:
        other = s.exec(
            select(col(Offer.revision)).where(
                col(Offer.application_id) == app.id,
                col(Offer.id) != offer_id,
                col(Offer.status) == OfferStatus.accepted,
            )
        ).first()
        if other is not None:
            raise ConflictError(
                _(
                    "Revision {other} of this offer is already accepted; an application "
                    "has one accepted offer."
                ).format(other=other)
            )
    changes: dict[str, Any] = {"status": [cur, new]}
    if new == OfferStatus.extended:
        if offer.extended_on is None or cur == OfferStatus.expired:
            offer.extended_on = today
        if offer.expires_on is not None and offer.expires_on < offer.extended_on:
            raise ValidationError(
                {
                    "expires_on": _(
                        "is before the date the offer is extended; give a later expiry date"
                    )
                }
            )
    if new in {OfferStatus.accepted, OfferStatus.declined}:
        offer.responded_on = today
    override_ids: list[int] = []
    if new in {OfferStatus.approved, OfferStatus.extended}:
        short = shortfalls_in(s, offer)
        if short:
            why = (override_reason or "").strip()
            if not why:
                raise BudgetExceeded(short)
            changes["override_reason"] = why
            changes["shortfalls"] = [[sid, name, amt, ccy] for sid, name, amt, ccy in short]
            for sid, _name, amt, ccy in short:
                entry = audit.record(
                    s,
                    user,
                    "funding_source",
                    sid,
                    "override",
                    {
                        "offer_id": offer_id,
                        "status": new,
                        "reason": why,
                        "shortfall_minor": amt,
                        "currency": ccy,
                    },
                )
                s.flush()
                assert entry.id is not None
                override_ids.append(entry.id)
    offer.status = new
    s.add(offer)
    s.flush()
    app_before: applications.ApplicationState | None = None
    assert app.id is not None
    if new == OfferStatus.accepted:
        goal = max(Stage.offer, move_to, key=lambda st: st.index)
        if Stage(app.stage).index < goal.index:
            app_before = applications.move_in(
                s, user, app.id, goal, note=f"offer revision {offer.revision} accepted"
            )
    elif new == OfferStatus.declined and not Outcome(app.outcome).is_closed:
        app_before = applications.set_outcome_in(
            s,
            user,
            app.id,
            Outcome.declined,
            (reason or "").strip() or f"declined offer revision {offer.revision}",
        )
    audit.record(s, user, "offer", offer_id, "status", changes)
    return StatusChange(offer_id, before, app_before, tuple(override_ids))


def undo_status(db: Database, change: StatusChange) -> None:
    """Put the offer and its application back as they were; overrides are marked undone."""
    with db.session() as s:
        if change.application is not None:
            applications.restore_in(s, db.user, change.application, "offer status")
        restore_in(s, db.user, change.before)
        for entry_id in change.overrides:
            entry = s.get(AuditEntry, entry_id)
            if entry is not None:
                audit.record(
                    s,
                    db.user,
                    entry.entity,
                    entry.entity_id,
                    "override_undone",
                    {"entry_id": entry_id, "offer_id": change.offer_id},
                )


def expire_overdue(db: Database, today: date | None = None) -> list[int]:
    """Mark extended offers whose expiry date has passed as expired (start-up and daily)."""
    today = today or clock.today()
    with db.session() as s:
        due = s.exec(
            select(Offer).where(
                col(Offer.status) == OfferStatus.extended,
                col(Offer.expires_on).is_not(None),
                col(Offer.expires_on) < today,
            )
        ).all()
        for offer in due:
            offer.status = OfferStatus.expired
            s.add(offer)
            audit.record(
                s,
                db.user,
                "offer",
                offer.id,
                "expire",
                {
                    "status": [OfferStatus.extended, OfferStatus.expired],
                    "expires_on": offer.expires_on,
                },
            )
        return [o.id for o in due if o.id is not None]
