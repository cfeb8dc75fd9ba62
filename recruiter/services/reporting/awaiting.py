"""Offers awaiting an answer: extended, not yet accepted, declined or expired, soonest expiry
first. Leadership's question is "who may we still lose, and by when"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col

from recruiter.domain.enums import OfferStatus
from recruiter.domain.models import Application, Candidate, Institution, Offer, Target

from .scope import Filters, _current_offer_stmt, zone_in

SHOWN = 25  # rows the Summary lists; the count covers them all


@dataclass(frozen=True)
class AwaitingOffer:
    candidate: str
    name_zh: str | None
    target: str
    institution: str
    extended_on: date | None
    expires_on: date | None
    days_left: int | None  # from "as of" to expiry; negative once past it

    @property
    def name(self) -> str:
        """The name as the brief prints it: "Li Wei (李伟)"."""
        return f"{self.candidate} ({self.name_zh})" if self.name_zh else self.candidate


def awaiting_in(
    s: Session, f: Filters, as_of: date, limit: int = SHOWN
) -> tuple[int, list[AwaitingOffer]]:
    """(how many offers await an answer, the `limit` that expire soonest)."""
    zone = zone_in(s)
    extended = col(Offer.status) == OfferStatus.extended
    total = s.execute(_current_offer_stmt(f, zone, func.count()).where(extended)).scalar_one()
    stmt = (
        _current_offer_stmt(
            f,
            zone,
            col(Candidate.full_name),
            col(Candidate.name_zh),
            col(Target.title),
            col(Institution.name),
            col(Offer.extended_on),
            col(Offer.expires_on),
            with_application=True,
        )
        .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
        .join(Target, col(Target.id) == col(Application.target_id))
        .join(Institution, col(Institution.id) == col(Target.institution_id))
        .where(extended)
        .order_by(
            col(Offer.expires_on).is_(None),
            col(Offer.expires_on),
            col(Candidate.full_name),
            col(Offer.id),
        )
        .limit(limit)
    )
    rows = [
        AwaitingOffer(
            name, zh, target, inst, ext, exp, (exp - as_of).days if exp is not None else None
        )
        for name, zh, target, inst, ext, exp in s.execute(stmt).all()
    ]
    return int(total), rows


__all__ = ["SHOWN", "AwaitingOffer", "awaiting_in"]
