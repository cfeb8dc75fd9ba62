"""Payment schedules of offer items: the instalments, their triggers and sources, and the
templates (by item kind and tier) that fill them in. A schedule always adds up to its item's
life cost in integer minor units, and can change only while none of it was sent or paid."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from recruiter.domain import figures
from recruiter.domain.enums import ItemKind, OfferStatus, Period
from recruiter.domain.instalments import (
    AssessmentKind,
    Clawback,
    Status,
    Trigger,
    schedule_problem,
    split_percentages,
)
from recruiter.domain.models import FundingSource, Instalment, Offer, OfferItem
from recruiter.errors import ConflictError, ValidationError
from recruiter.i18n import _
from recruiter.store.database import Database

from .. import audit
from .._common import get_or_raise


@dataclass(frozen=True)
class Line:
    """One instalment as the editor and templates describe it. Give `amount_minor`, or
    `percent` (whole percentages of the item, split exactly by `split_percentages`)."""

    trigger: str
    amount_minor: int | None = None
    percent: int | None = None
    trigger_on: date | None = None
    trigger_year: int | None = None
    assessment_kind: str | None = None
    funding_source_id: int | None = None  # None: the item's own source
    lapses: bool = False
    clawback: str = Clawback.none.value


# -- templates -------------------------------------------------------------------------------
# (item kind, tier) -> lines by percentage; tier None is the default for the kind. Published
# practice: 安家费 in three yearly instalments (Dalian); a living allowance 60/20/20 at signing,
# mid-term and end-of-term assessment (Guangxi); start-up funds in tranches that lapse at the
# December close; "assessed" tiers pay 安家费 only after an assessment is passed.

TIERS = ("standard", "assessed")

TEMPLATES: dict[tuple[str, str], tuple[Line, ...]] = {
    ("settling_in", "standard"): (
        Line(Trigger.signing, percent=34, clawback=Clawback.pro_rata),
        Line(Trigger.service_year, percent=33, trigger_year=1, clawback=Clawback.pro_rata),
        Line(Trigger.service_year, percent=33, trigger_year=2, clawback=Clawback.pro_rata),
    ),
    ("settling_in", "assessed"): (
        Line(
            Trigger.assessment,
            percent=100,
            assessment_kind=AssessmentKind.mid_term,
            clawback=Clawback.pro_rata,
        ),
    ),
    ("signing_bonus", "standard"): (
        Line(Trigger.signing, percent=60, clawback=Clawback.full),
        Line(
            Trigger.assessment,
            percent=20,
            assessment_kind=AssessmentKind.mid_term,
            clawback=Clawback.full,
        ),
        Line(
            Trigger.assessment,
            percent=20,
            assessment_kind=AssessmentKind.end_of_term,
            clawback=Clawback.full,
        ),
    ),
    ("startup_research", "standard"): (
        Line(Trigger.arrival, percent=50, lapses=True),
        Line(Trigger.service_year, percent=25, trigger_year=1, lapses=True),
        Line(Trigger.service_year, percent=25, trigger_year=2, lapses=True),
    ),
    ("housing", "standard"): (Line(Trigger.arrival, percent=100, clawback=Clawback.pro_rata),),
    ("relocation", "standard"): (Line(Trigger.arrival, percent=100),),
    ("other", "standard"): (Line(Trigger.signing, percent=100),),
}


def template(
    kind: ItemKind | str, period: Period | str, years: int, tier: str = "standard"
) -> list[Line]:
    """The template lines for an item: annual items (salary) pay once a year, on arrival and
    then after each year of service; other kinds follow TEMPLATES (the standard tier when the
    kind has no line for `tier`)."""
    if str(period) == Period.annual.value:
        lines = [Line(Trigger.arrival, clawback=Clawback.pro_rata)]
        lines += [
            Line(Trigger.service_year, trigger_year=y, clawback=Clawback.pro_rata)
            for y in range(1, years)
        ]
        return lines
    found = TEMPLATES.get((str(kind), tier)) or TEMPLATES.get((str(kind), "standard"), ())
    return list(found)


def amounts_for(total: int, lines: Sequence[Line]) -> list[int]:
    """Each line's amount: given amounts as they are; percentage lines share what is left; lines
    with neither share the remainder equally (annual items: one year each)."""
    fixed = sum(line.amount_minor or 0 for line in lines if line.amount_minor is not None)
    pct = [i for i, line in enumerate(lines) if line.amount_minor is None and line.percent]
    even = [i for i, line in enumerate(lines) if line.amount_minor is None and not line.percent]
    out = [line.amount_minor or 0 for line in lines]
    rest = total - fixed
    if pct:
        percents = [lines[i].percent or 0 for i in pct]
        if sum(percents) == 100 and not even:
            for i, amount in zip(pct, split_percentages(rest, percents), strict=True):
                out[i] = amount
        else:
            for i in pct:
                out[i] = total * (lines[i].percent or 0) // 100
            rest = total - sum(out)
    if even:
        base, extra = divmod(rest, len(even))
        for n, i in enumerate(even):
            out[i] = base + (1 if n < extra else 0)
    return out


# -- reading and writing ---------------------------------------------------------------------


def item_total(item: OfferItem) -> int:
    return figures.item_life_cost(item.amount_minor, item.period, item.years)


def schedule_in(s: Session, item_id: int) -> list[Instalment]:
    return list(
        s.exec(
            select(Instalment)
            .where(col(Instalment.offer_item_id) == item_id)
            .order_by(col(Instalment.seq))
        ).all()
    )


def schedule_of(db: Database, item_id: int) -> list[Line]:
    """An item's schedule as editor lines (amounts given)."""
    with db.session() as s:
        return [as_line(i) for i in schedule_in(s, item_id)]


def as_line(i: Instalment) -> Line:
    return Line(
        trigger=i.trigger,
        amount_minor=i.amount_minor,
        trigger_on=i.trigger_on,
        trigger_year=i.trigger_year,
        assessment_kind=i.assessment_kind,
        funding_source_id=i.funding_source_id,
        lapses=i.lapses,
        clawback=i.clawback,
    )


def _check_line(line: Line, n: int, errors: dict[str, str]) -> None:
    where = f"instalments[{n}]"
    try:
        trigger = Trigger(line.trigger)
    except ValueError:
        errors[f"{where}.trigger"] = f"must be one of {', '.join(t.value for t in Trigger)}"
        return
    if trigger == Trigger.date and line.trigger_on is None:
        errors[f"{where}.trigger_on"] = "give the date this instalment is paid"
    if trigger == Trigger.service_year and not (line.trigger_year and line.trigger_year >= 1):
        errors[f"{where}.trigger_year"] = "give the year of service (1 or more)"
    if trigger == Trigger.assessment:
        try:
            kind = AssessmentKind(line.assessment_kind or "")
        except ValueError:
            errors[f"{where}.assessment_kind"] = "choose annual, mid-term or end-of-term"
        else:
            if kind == AssessmentKind.annual and not line.trigger_year:
                errors[f"{where}.trigger_year"] = "give the year of the annual assessment"
    try:
        Clawback(line.clawback)
    except ValueError:
        errors[f"{where}.clawback"] = f"must be one of {', '.join(c.value for c in Clawback)}"


def set_schedule_in(s: Session, user: str, item_id: int, lines: Sequence[Line]) -> list[Line]:
    """Replace an item's schedule (empty: no schedule); returns the lines before, for undo."""
    item = get_or_raise(s, OfferItem, item_id, _("Offer item"))
    current = schedule_in(s, item_id)
    if any(i.status != Status.planned.value for i in current):
        raise ConflictError(
            _(
                "Part of this schedule was already sent to finance, paid or ended; it "
                "can no longer be changed."
            )
        )
    offer = get_or_raise(s, Offer, item.offer_id, _("Offer"))
    if OfferStatus(offer.status) in (OfferStatus.declined, OfferStatus.withdrawn):
        raise ConflictError(
            _("This offer is {status}; its items are no longer paid.").format(status=offer.status)
        )
    errors: dict[str, str] = {}
    for n, line in enumerate(lines):
        _check_line(line, n, errors)
    total = item_total(item)
    amounts = amounts_for(total, lines) if lines else []
    problem = schedule_problem(total, amounts)
    if problem:
        errors["instalments"] = problem
    sources = {line.funding_source_id for line in lines if line.funding_source_id is not None}
    if sources:
        found = s.exec(
            select(col(FundingSource.id), col(FundingSource.currency)).where(
                col(FundingSource.id).in_(sources)
            )
        ).all()
        currencies = {r[0]: r[1] for r in found}
        for n, line in enumerate(lines):
            sid = line.funding_source_id
            if sid is None:
                continue
            if sid not in currencies:
                errors[f"instalments[{n}].funding_source_id"] = "that funding source is gone"
            elif currencies[sid] != item.currency:
                errors[f"instalments[{n}].funding_source_id"] = (
                    f"that source is in {currencies[sid]}, the item in {item.currency}"
                )
    if errors:
        raise ValidationError(errors)
    before = [as_line(i) for i in current]
    for i in current:
        s.delete(i)
    s.flush()
    rows = []
    for seq, (line, amount) in enumerate(zip(lines, amounts, strict=True), start=1):
        row = Instalment(
            offer_item_id=item_id,
            seq=seq,
            amount_minor=amount,
            funding_source_id=line.funding_source_id,
            trigger=Trigger(line.trigger).value,
            trigger_on=line.trigger_on if line.trigger == Trigger.date else None,
            trigger_year=line.trigger_year,
            assessment_kind=line.assessment_kind if line.trigger == Trigger.assessment else None,
            lapses=line.lapses,
            clawback=Clawback(line.clawback).value,
        )
        s.add(row)
        rows.append(row)
    s.flush()
    audit.record(
        s,
        user,
        "offer_item",
        item_id,
        "schedule",
        {
            "before": [_plain(x) for x in before],
            "after": [audit.snapshot(r, ("id",)) for r in rows],
        },
    )
    for r in rows:
        audit.record(s, user, "instalment", r.id, "create", audit.snapshot(r))
    return before


def _plain(line: Line) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in line.__dict__.items()}


def set_schedule(db: Database, item_id: int, lines: Sequence[Line]) -> list[Line]:
    with db.session() as s:
        return set_schedule_in(s, db.user, item_id, lines)


def fill_from_templates(
    db: Database, offer_ids: Sequence[int] | None = None, tier: str = "standard"
) -> int:
    """Give every item of accepted (or the given) offers that has no schedule its template's;
    returns how many items were filled."""
    with db.session() as s:
        stmt = select(OfferItem).join(Offer, col(Offer.id) == col(OfferItem.offer_id))
        if offer_ids is None:
            stmt = stmt.where(col(Offer.status) == OfferStatus.accepted)
        else:
            stmt = stmt.where(col(Offer.id).in_(list(offer_ids)))
        scheduled = set(s.exec(select(col(Instalment.offer_item_id)).distinct()).all())
        filled = 0
        for item in s.exec(stmt).all():
            assert item.id is not None
            if item.id in scheduled:
                continue
            lines = template(item.kind, item.period, item.years, tier)
            if lines:
                set_schedule_in(s, db.user, item.id, lines)
                filled += 1
        return filled


def schedules_for(db: Database, item_ids: Sequence[int]) -> Mapping[int, list[Line]]:
    with db.session() as s:
        return {i: [as_line(x) for x in schedule_in(s, i)] for i in item_ids}


@dataclass(frozen=True)
class ItemFacts:
    """What the schedule editor needs of an item: its life cost, currency and kind."""

    item_id: int
    kind: ItemKind
    period: Period
    years: int
    total: int
    currency: str
    sources: tuple[tuple[int, str], ...]  # (id, name) of sources in the item's currency


def item_facts(db: Database, item_id: int) -> ItemFacts:
    with db.session() as s:
        item = get_or_raise(s, OfferItem, item_id, _("Offer item"))
        sources = s.exec(
            select(col(FundingSource.id), col(FundingSource.name))
            .where(
                col(FundingSource.currency) == item.currency,
                col(FundingSource.archived_at).is_(None),
            )
            .order_by(col(FundingSource.name))
        ).all()
        return ItemFacts(
            item_id,
            ItemKind(item.kind),
            Period(item.period),
            item.years,
            item_total(item),
            item.currency,
            tuple((r[0], r[1]) for r in sources if r[0] is not None),
        )


def drop_stale_in(s: Session, user: str, item_id: int) -> None:
    """After an item's amount, period or years changed: a schedule that no longer adds up to it
    is removed (it was all planned: items change only on drafts), so the ledger never counts
    instalments for money the item no longer holds."""
    item = s.get(OfferItem, item_id)
    current = schedule_in(s, item_id)
    if item is None or not current or sum(i.amount_minor for i in current) == item_total(item):
        return
    if any(i.status != Status.planned.value for i in current):
        raise ConflictError(_("Part of this item's schedule was sent or paid; it cannot change."))
    for i in current:
        s.delete(i)
    s.flush()
    audit.record(s, user, "offer_item", item_id, "schedule", {"dropped": len(current)})


# -- undo of offer edits ---------------------------------------------------------------------


def schedule_rows_in(s: Session, item_ids: Sequence[int]) -> tuple[dict[str, Any], ...]:
    """The instalment rows of these items as plain values (an offer snapshot keeps them, so
    undoing a draft save or an item's removal brings a dropped schedule back)."""
    if not item_ids:
        return ()
    rows = s.exec(
        select(Instalment)
        .where(col(Instalment.offer_item_id).in_(list(item_ids)))
        .order_by(col(Instalment.offer_item_id), col(Instalment.seq))
    ).all()
    return tuple(r.model_dump() for r in rows)


def put_back_in(
    s: Session, user: str, item_ids: Sequence[int], rows: Sequence[dict[str, Any]]
) -> None:
    """After an offer's items were put back as a snapshot had them: an item that has lost its
    schedule gets the snapshot's instalments again (same ids, seqs, statuses), and a schedule
    that no longer adds up to its item is dropped (redo of a save that changed the item). An
    item that still has a schedule keeps it: what hangs on it (batches, payments) stays."""
    wanted: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        wanted.setdefault(int(row["offer_item_id"]), []).append(row)
    have = set(
        s.exec(
            select(col(Instalment.offer_item_id)).where(
                col(Instalment.offer_item_id).in_(list(wanted))
            )
        ).all()
    )
    for item_id, kept in wanted.items():
        if item_id in have or s.get(OfferItem, item_id) is None:
            continue
        for row in kept:
            s.add(Instalment(**row))
        s.flush()
        audit.record(s, user, "offer_item", item_id, "schedule", {"undo": [r["id"] for r in kept]})
    for item_id in item_ids:
        drop_stale_in(s, user, item_id)
