"""Reading offers: the Offers list, the editor's detail, offerable applications, overrides
charged to a source and the filter choices."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from recruiter.domain import clock, figures
from recruiter.domain.enums import ItemKind, OfferStatus, Outcome, Period, Stage
from recruiter.domain.models import (
    Application,
    AuditEntry,
    Candidate,
    Institution,
    Offer,
    OfferItem,
    Target,
)
from recruiter.i18n import _
from recruiter.store.database import Database

from .._common import get_or_raise
from .rules import EXPIRING_DAYS, OPEN_STATUSES, ItemData

# --------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class OfferRow:
    """One line of the Offers list; `totals` are the items' life costs per currency."""

    id: int
    application_id: int
    revision: int
    status: OfferStatus
    candidate_id: int
    candidate: str
    target_id: int
    target: str
    institution_id: int
    institution: str
    rank: str | None
    start_on: date | None
    extended_on: date | None
    expires_on: date | None
    responded_on: date | None
    created_at: datetime
    totals: dict[str, int] = field(default_factory=dict)
    current: bool = True  # figures.is_current_offer: the application's latest revision


SORT_KEYS: dict[str, Any] = {
    "id": col(Offer.id),
    "revision": col(Offer.revision),
    "status": col(Offer.status),
    "candidate": col(Candidate.full_name),
    "target": col(Target.title),
    "institution": col(Institution.name),
    "rank": col(Offer.rank),
    "start_on": col(Offer.start_on),
    "extended_on": col(Offer.extended_on),
    "expires_on": col(Offer.expires_on),
    "responded_on": col(Offer.responded_on),
    "created_at": col(Offer.created_at),
}


def list_offers(
    db: Database,
    *,
    status: OfferStatus | str | None = None,
    institution_id: int | None = None,
    target_id: int | None = None,
    application_id: int | None = None,
    expiring_within: int | None = None,
    search: str | None = None,
    today: date | None = None,
    order_by: str = "created_at",
    descending: bool = True,
    limit: int | None = None,
) -> list[OfferRow]:
    """Offers with filters and order applied in SQL. `expiring_within=N` keeps extended offers
    whose expiry falls between today and N days from now."""
    stmt = (
        sa_select(
            col(Offer.id),
            col(Offer.application_id),
            col(Offer.revision),
            col(Offer.status),
            col(Candidate.id),
            col(Candidate.full_name),
            col(Target.id),
            col(Target.title),
            col(Institution.id),
            col(Institution.name),
            col(Offer.rank),
            col(Offer.start_on),
            col(Offer.extended_on),
            col(Offer.expires_on),
            col(Offer.responded_on),
            col(Offer.created_at),
            figures.is_current_offer_sql(),
        )
        .select_from(Offer)
        .join(Application, col(Application.id) == col(Offer.application_id))
        .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
        .join(Target, col(Target.id) == col(Application.target_id))
        .join(Institution, col(Institution.id) == col(Target.institution_id))
    )
    if status:
        stmt = stmt.where(col(Offer.status) == OfferStatus(status))
    if institution_id is not None:
        stmt = stmt.where(col(Target.institution_id) == institution_id)
    if target_id is not None:
        stmt = stmt.where(col(Application.target_id) == target_id)
    if application_id is not None:
        stmt = stmt.where(col(Offer.application_id) == application_id)
    if expiring_within is not None:
        today = today or clock.today()
        stmt = stmt.where(
            col(Offer.status) == OfferStatus.extended,
            col(Offer.expires_on) >= today,
            col(Offer.expires_on) <= today + timedelta(days=expiring_within),
        )
    if search and search.strip():
        like = f"%{search.strip()}%"
        stmt = stmt.where(
            or_(
                col(Candidate.full_name).ilike(like),
                col(Candidate.name_zh).ilike(like),
                col(Target.title).ilike(like),
            )
        )
    key = SORT_KEYS.get(order_by, col(Offer.created_at))
    oid = col(Offer.id)
    stmt = stmt.order_by(
        key.desc() if descending else key.asc(), oid.desc() if descending else oid.asc()
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    with db.session() as s:
        rows = s.execute(stmt).all()
        ids = [r[0] for r in rows]
        totals: dict[int, dict[str, int]] = {}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            q = (
                select(
                    col(OfferItem.offer_id),
                    col(OfferItem.currency),
                    func.sum(figures.item_life_cost_sql()),
                )
                .where(col(OfferItem.offer_id).in_(part))
                .group_by(col(OfferItem.offer_id), col(OfferItem.currency))
            )
            for item_offer, ccy, amt in s.exec(q).all():
                totals.setdefault(item_offer, {})[ccy] = int(amt)
    return [
        OfferRow(
            r[0],
            r[1],
            r[2],
            OfferStatus(r[3]),
            r[4],
            r[5],
            r[6],
            r[7],
            r[8],
            r[9],
            r[10],
            r[11],
            r[12],
            r[13],
            r[14],
            r[15],
            totals.get(r[0], {}),
            bool(r[16]),
        )
        for r in rows
    ]


def expiring_soon(
    db: Database, today: date | None = None, days: int = EXPIRING_DAYS
) -> list[OfferRow]:
    """Extended offers expiring within `days` days: the follow-ups view lists these."""
    return list_offers(
        db, expiring_within=days, today=today, order_by="expires_on", descending=False
    )


@dataclass(frozen=True)
class OfferDetail:
    """Everything the editor shows, detached from the session."""

    offer: Offer
    items: list[OfferItem]
    candidate: str
    target: str
    institution: str
    application_outcome: Outcome
    application_stage: Stage
    revisions: list[tuple[int, int, OfferStatus]]  # (offer id, revision, status)


def get_offer(db: Database, offer_id: int) -> OfferDetail:
    with db.session() as s:
        offer = get_or_raise(s, Offer, offer_id, _("Offer"))
        items = list(
            s.exec(
                select(OfferItem)
                .where(col(OfferItem.offer_id) == offer_id)
                .order_by(col(OfferItem.id))
            ).all()
        )
        app = get_or_raise(s, Application, offer.application_id, _("Application"))
        cand = get_or_raise(s, Candidate, app.candidate_id, _("Candidate"))
        target = get_or_raise(s, Target, app.target_id, _("Target"))
        inst = get_or_raise(s, Institution, target.institution_id, _("Institution"))
        revs = s.exec(
            select(col(Offer.id), col(Offer.revision), col(Offer.status))
            .where(col(Offer.application_id) == app.id)
            .order_by(col(Offer.revision))
        ).all()
        return OfferDetail(
            offer,
            items,
            cand.full_name,
            target.title,
            inst.name,
            Outcome(app.outcome),
            Stage(app.stage),
            [(r[0], r[1], OfferStatus(r[2])) for r in revs if r[0] is not None],
        )


@dataclass(frozen=True)
class OfferParties:
    """Whose offer it is, for the editor's title and its choice of budgets."""

    candidate: str
    target: str
    institution: str
    institution_id: int


def offer_parties(db: Database, application_id: int) -> OfferParties:
    with db.session() as s:
        app = get_or_raise(s, Application, application_id, _("Application"))
        cand = get_or_raise(s, Candidate, app.candidate_id, _("Candidate"))
        target = get_or_raise(s, Target, app.target_id, _("Target"))
        inst = get_or_raise(s, Institution, target.institution_id, _("Institution"))
        return OfferParties(
            cand.full_name or cand.name_zh or f"candidate {cand.id}",
            target.title,
            inst.name,
            target.institution_id,
        )


def items_of(detail: OfferDetail) -> list[ItemData]:
    return [
        ItemData(
            ItemKind(i.kind),
            i.amount_minor,
            i.currency,
            Period(i.period),
            i.years,
            i.funding_source_id,
            i.id,
        )
        for i in detail.items
    ]


@dataclass(frozen=True)
class ApplicationChoice:
    id: int
    candidate: str
    target: str
    institution: str
    stage: Stage


def offerable_applications(
    db: Database, search: str = "", limit: int = 200
) -> list[ApplicationChoice]:
    """Open applications without an open or accepted offer: where a new offer can start."""
    busy = select(col(Offer.application_id)).where(
        col(Offer.status).in_([*OPEN_STATUSES, OfferStatus.accepted])
    )
    stmt = (
        sa_select(
            col(Application.id),
            col(Candidate.full_name),
            col(Target.title),
            col(Institution.name),
            col(Application.stage),
        )
        .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
        .join(Target, col(Target.id) == col(Application.target_id))
        .join(Institution, col(Institution.id) == col(Target.institution_id))
        .where(figures.is_open_sql(), col(Application.id).not_in(busy))
        .order_by(col(Candidate.full_name), col(Target.title))
        .limit(limit)
    )
    if search.strip():
        like = f"%{search.strip()}%"
        stmt = stmt.where(
            or_(
                col(Candidate.full_name).ilike(like),
                col(Candidate.name_zh).ilike(like),
                col(Target.title).ilike(like),
            )
        )
    with db.session() as s:
        rows = s.execute(stmt).all()
    return [
        ApplicationChoice(r[0], r[1], r[2], r[3], Stage(r[4])) for r in rows if r[0] is not None
    ]


@dataclass(frozen=True)
class Override:
    """An over-commitment the user allowed, as the audit log recorded it on the source."""

    entry_id: int
    at: datetime
    user: str
    offer_id: int | None
    status: str | None
    reason: str
    shortfall_minor: int
    currency: str
    undone: bool


def overrides_for_source(db: Database, source_id: int) -> list[Override]:
    """Overrides charged against a source, newest first; undone ones are flagged, not hidden."""
    with db.session() as s:
        entries = s.exec(
            select(AuditEntry)
            .where(
                col(AuditEntry.entity) == "funding_source",
                col(AuditEntry.entity_id) == source_id,
                col(AuditEntry.action).in_(["override", "override_undone"]),
            )
            .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        ).all()
    undone = {
        json.loads(e.changes or "{}").get("entry_id")
        for e in entries
        if e.action == "override_undone"
    }
    out = []
    for e in entries:
        if e.action != "override":
            continue
        c = json.loads(e.changes or "{}")
        assert e.id is not None
        out.append(
            Override(
                e.id,
                e.at,
                e.user,
                c.get("offer_id"),
                c.get("status"),
                c.get("reason", ""),
                int(c.get("shortfall_minor", 0)),
                c.get("currency", ""),
                e.id in undone,
            )
        )
    return out


@dataclass(frozen=True)
class FilterChoices:
    """Institutions and targets that have offers, for the Offers page's filter boxes."""

    institutions: list[tuple[int, str]]
    targets: list[tuple[int, str, int]]  # (id, title, institution id)


def filter_choices(db: Database) -> FilterChoices:
    with db.session() as s:
        targets = s.exec(
            select(col(Target.id), col(Target.title), col(Target.institution_id))
            .where(
                col(Target.id).in_(
                    select(col(Application.target_id)).join(
                        Offer, col(Offer.application_id) == col(Application.id)
                    )
                )
            )
            .order_by(col(Target.title))
        ).all()
        inst_ids = {t[2] for t in targets}
        insts = s.exec(
            select(col(Institution.id), col(Institution.name))
            .where(col(Institution.id).in_(inst_ids))
            .order_by(col(Institution.name))
        ).all()
    return FilterChoices(
        [(i[0], i[1]) for i in insts if i[0] is not None],
        [(t[0], t[1], t[2]) for t in targets if t[0] is not None],
    )


@dataclass(frozen=True)
class RelocationItem:
    """The relocation line of an application's accepted offer: what relocation costs are
    charged against (its life cost is what the funding source already counts)."""

    item_id: int
    total_minor: int
    currency: str


def relocation_item_in(s: Any, application_id: int) -> RelocationItem | None:
    from recruiter.domain.money import item_total

    found = s.exec(
        select(OfferItem)
        .join(Offer, col(Offer.id) == col(OfferItem.offer_id))
        .where(
            col(Offer.application_id) == application_id,
            col(Offer.status) == OfferStatus.accepted,
            col(OfferItem.kind) == ItemKind.relocation,
        )
        .order_by(col(OfferItem.id))
    ).first()
    if found is None or found.id is None:
        return None
    return RelocationItem(
        found.id, item_total(found.amount_minor, found.period, found.years), found.currency
    )
