"""Every instalment with what the Payments page, batches, the ledger by fiscal year and the
workbook need: who, which item and source, when its trigger was met (or is expected), and
whether it is due. Trigger facts come from the hire's record: the accepted offer's response
date (signing), the arrival stage event, the service period and assessment results."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from recruiter.domain.enums import ItemKind, OfferStatus, Stage
from recruiter.domain.instalments import (
    DEFAULT_RESULTS,
    Facts,
    ScaleResult,
    Status,
    Trigger,
    expected_on,
    parse_scale,
    trigger_met_on,
)
from recruiter.domain.models import (
    Application,
    Assessment,
    Candidate,
    FundingSource,
    Instalment,
    Offer,
    OfferItem,
    ServicePeriod,
    Setting,
    StageEvent,
    Target,
)
from recruiter.i18n import _

SCALE_KEY = "assessment_scale"


def scale_results_in(s: Session) -> tuple[ScaleResult, ...]:
    """The office's assessment scale, in order: 合格/基本合格/不合格 unless the office stored its
    own (Setup → Assessment scale)."""
    row = s.get(Setting, SCALE_KEY)
    if row is not None:
        try:
            loaded = parse_scale(json.loads(row.value))
        except ValueError:
            loaded = None
        if loaded:
            return loaded
    return DEFAULT_RESULTS


def scale_in(s: Session) -> dict[str, str]:
    """The scale as result -> effect ('release', 'hold' or 'stop'), in order."""
    return {r.key: r.effect.value for r in scale_results_in(s)}


def facts_in(s: Session, application_ids: Iterable[int]) -> dict[int, Facts]:
    """Trigger facts per application."""
    ids = sorted(set(application_ids))
    if not ids:
        return {}
    signed: dict[int, date | None] = {}
    start: dict[int, date | None] = {}
    for app_id, responded, starts in s.exec(
        select(col(Offer.application_id), col(Offer.responded_on), col(Offer.start_on)).where(
            col(Offer.application_id).in_(ids), col(Offer.status) == OfferStatus.accepted
        )
    ).all():
        signed[app_id] = responded
        start[app_id] = starts
    arrived = {
        r[0]: r[1].date()
        for r in s.exec(
            select(col(StageEvent.application_id), func.min(col(StageEvent.at)))
            .where(
                col(StageEvent.application_id).in_(ids), col(StageEvent.to_stage) == Stage.arrived
            )
            .group_by(col(StageEvent.application_id))
        ).all()
        if r[1] is not None
    }
    service = {
        r.application_id: r
        for r in s.exec(select(ServicePeriod).where(col(ServicePeriod.application_id).in_(ids)))
    }
    scale = scale_in(s)
    passed: dict[int, dict[tuple[str, int | None], date]] = {}
    due: dict[int, dict[tuple[str, int | None], date]] = {}
    for a in s.exec(select(Assessment).where(col(Assessment.application_id).in_(ids))).all():
        key = (a.kind, a.year if a.kind == "annual" else None)
        due.setdefault(a.application_id, {})[key] = a.due_on
        if a.result and a.result_on and scale.get(a.result) == "release":
            passed.setdefault(a.application_id, {})[key] = a.result_on
    out = {}
    for app_id in ids:
        sp = service.get(app_id)
        arrival = arrived.get(app_id)
        out[app_id] = Facts(
            signed_on=signed.get(app_id),
            arrived_on=arrival or (sp.starts_on if sp else None),
            service_start=sp.starts_on if sp else arrival,
            passed=passed.get(app_id, {}),
            expected_start=start.get(app_id),
            assessment_due=due.get(app_id, {}),
        )
    return out


@dataclass(frozen=True)
class PaymentRow:
    """One instalment as people read it."""

    id: int
    item_id: int
    seq: int
    offer_id: int
    offer_status: OfferStatus
    application_id: int
    candidate: str
    target: str
    institution_id: int
    kind: ItemKind
    amount_minor: int
    currency: str
    source_id: int | None
    source: str
    project_no: str
    trigger: Trigger
    trigger_on: date | None
    trigger_year: int | None
    assessment_kind: str | None
    status: Status
    batch_id: int | None
    paid_on: date | None
    lapses: bool
    clawback: str
    ended_by: str | None
    met_on: date | None
    expected_on: date | None

    def due_by(self, day: date) -> bool:
        """Trigger met on or before `day`, offer accepted, not yet sent."""
        return (
            self.status == Status.planned
            and self.offer_status == OfferStatus.accepted
            and self.met_on is not None
            and self.met_on <= day
        )

    @property
    def trigger_text(self) -> str:
        t = self.trigger
        if t == Trigger.date and self.trigger_on:
            return _("On {date}").format(date=f"{self.trigger_on:%Y-%m-%d}")
        if t == Trigger.service_year:
            return _("After service year {year}").format(year=self.trigger_year or 1)
        if t == Trigger.assessment:
            if self.assessment_kind == "annual":
                return _("After annual assessment passed (year {year})").format(
                    year=self.trigger_year
                )
            if self.assessment_kind == "mid_term":
                return _("After mid-term assessment passed")
            if self.assessment_kind == "end_of_term":
                return _("After end-of-term assessment passed")
            kind = (self.assessment_kind or "").replace("_", "-")
            return f"After {kind} assessment passed"
        return t.label

    @property
    def item_text(self) -> str:
        return f"{self.kind.label} ({self.seq})"


def rows_in(
    s: Session,
    *,
    ids: Iterable[int] | None = None,
    batch_id: int | None = None,
    application_id: int | None = None,
) -> list[PaymentRow]:
    """Instalments (all, or some), in offer and schedule order."""
    source_id = func.coalesce(col(Instalment.funding_source_id), col(OfferItem.funding_source_id))
    stmt = (
        sa_select(
            Instalment,
            col(OfferItem.offer_id),
            col(Offer.status),
            col(Offer.application_id),
            col(Candidate.full_name),
            col(Target.title),
            col(Target.institution_id),
            col(OfferItem.kind),
            col(OfferItem.currency),
            source_id,
            col(FundingSource.name),
            col(FundingSource.project_no),
        )
        .join(OfferItem, col(OfferItem.id) == col(Instalment.offer_item_id))
        .join(Offer, col(Offer.id) == col(OfferItem.offer_id))
        .join(Application, col(Application.id) == col(Offer.application_id))
        .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
        .join(Target, col(Target.id) == col(Application.target_id))
        .outerjoin(FundingSource, col(FundingSource.id) == source_id)
        .order_by(col(Candidate.full_name), col(OfferItem.id), col(Instalment.seq))
    )
    if ids is not None:
        stmt = stmt.where(col(Instalment.id).in_(list(ids)))
    if batch_id is not None:
        stmt = stmt.where(col(Instalment.batch_id) == batch_id)
    if application_id is not None:
        stmt = stmt.where(col(Offer.application_id) == application_id)
    raw = s.execute(stmt).all()
    facts = facts_in(s, (r[3] for r in raw))
    out = []
    for i, offer_id, ost, app_id, name, title, inst, kind, ccy, sid, sname, project in raw:
        f = facts.get(app_id, Facts())
        args = (i.trigger, f, i.trigger_on, i.trigger_year, i.assessment_kind)
        assert i.id is not None
        out.append(
            PaymentRow(
                id=i.id,
                item_id=i.offer_item_id,
                seq=i.seq,
                offer_id=offer_id,
                offer_status=OfferStatus(ost),
                application_id=app_id,
                candidate=name,
                target=title,
                institution_id=inst,
                kind=ItemKind(kind),
                amount_minor=i.amount_minor,
                currency=ccy,
                source_id=sid,
                source=sname or "(no source)",
                project_no=project or "",
                trigger=Trigger(i.trigger),
                trigger_on=i.trigger_on,
                trigger_year=i.trigger_year,
                assessment_kind=i.assessment_kind,
                status=Status(i.status),
                batch_id=i.batch_id,
                paid_on=i.paid_on,
                lapses=i.lapses,
                clawback=i.clawback,
                ended_by=i.ended_by,
                met_on=trigger_met_on(*args),
                expected_on=i.paid_on or expected_on(*args),
            )
        )
    return out


def due_in(s: Session, day: date) -> list[PaymentRow]:
    """Instalments due on or before `day` (trigger met, offer accepted, not yet sent)."""
    planned = select(col(Instalment.id)).where(col(Instalment.status) == Status.planned.value)
    ids = [i for i in s.exec(planned).all() if i is not None]
    return [r for r in rows_in(s, ids=ids) if r.due_by(day)]


def totals(rows: Iterable[PaymentRow]) -> Mapping[str, int]:
    """Amounts per currency, in minor units."""
    out: dict[str, int] = {}
    for r in rows:
        out[r.currency] = out.get(r.currency, 0) + r.amount_minor
    return dict(sorted(out.items()))
