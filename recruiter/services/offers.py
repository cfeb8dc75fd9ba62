"""Offers: itemised packages on an application, their revisions and status workflow, and the
over-commitment guard on the funding sources that pay for them (DESIGN.md §3).

Rules kept here rather than in the UI, so the CLI, imports and tests obey them too:
- at most one open (draft/approved/extended) offer per application; a counter-offer is a new
  revision that withdraws the open one, and the earlier revisions stay readable;
- items change only while the offer is a draft, so reserved/committed money never moves under an
  approval that was checked against the budgets;
- approving or extending re-checks every source the offer is charged to and raises BudgetExceeded
  unless an override reason is given; the override is audited on each short source.

Every mutating function returns what undo needs: an `OfferSnapshot` of the rows before, and for
status changes the application's previous state.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from recruiter.domain import clock, money
from recruiter.domain.enums import ItemKind, OfferStatus, Outcome, Period, Stage
from recruiter.domain.models import (
    Application,
    AuditEntry,
    Candidate,
    FundingSource,
    Institution,
    Offer,
    OfferItem,
    Target,
)
from recruiter.domain.rules import COMMITTING, OFFER_TRANSITIONS, RESERVING, can_move_offer
from recruiter.errors import BudgetExceeded, ConflictError, NotFound, ValidationError
from recruiter.store.database import Database

from . import applications, audit, funding, rates
from ._common import get_or_raise
from .validate import Problems, as_date, clean_text

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
        return money.item_total(self.amount_minor, self.period, self.years)

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
        p.add(prefix + "kind", "choose what the item is (salary, housing, ...)")
    ccy = str(data.get("currency") or money.DEFAULT_CURRENCY).strip().upper()
    if not money.is_currency(ccy):
        p.add(prefix + "currency", f"'{ccy}' is not a currency code we know (e.g. CNY, USD, EUR)")
    amount: int | None = None
    raw = data.get("amount_minor")
    if raw is None and "amount" in data:
        text = data.get("amount")
        if text is None or str(text).strip() == "":
            p.add(prefix + "amount_minor", "enter an amount")
        else:
            try:
                amount = money.parse_amount(str(text), ccy if money.is_currency(ccy) else "CNY")
            except money.MoneyError as exc:
                p.add(prefix + "amount_minor", str(exc))
    elif isinstance(raw, int) and not isinstance(raw, bool):
        amount = raw
    else:
        p.add(prefix + "amount_minor", "enter an amount")
    if amount is not None:
        if amount < 0:
            p.add(prefix + "amount_minor", "cannot be negative")
        elif amount > money.MAX_MINOR:
            p.add(prefix + "amount_minor", "is implausibly large; check the number of zeros")
    period: Period | None = None
    try:
        period = Period(str(data.get("period") or Period.one_off))
    except ValueError:
        p.add(prefix + "period", "must be one-off or annual")
    years_raw = data.get("years", 1)
    years: int | None = None
    try:
        if isinstance(years_raw, bool) or years_raw is None or years_raw == "":
            raise ValueError
        years = int(str(years_raw).strip())
    except ValueError:
        p.add(prefix + "years", "must be a whole number of years")
    if years is not None and not 1 <= years <= MAX_YEARS:
        p.add(prefix + "years", f"must be between 1 and {MAX_YEARS}")
    if period == Period.one_off and years is not None:
        years = 1
    source_id = data.get("funding_source_id") or None
    if source_id is not None and source_currency is not None:
        src_ccy = source_currency.get(int(source_id))
        if src_ccy is None:
            p.add(prefix + "funding_source_id", "this funding source no longer exists")
        elif money.is_currency(ccy) and src_ccy != ccy:
            p.add(
                prefix + "currency",
                f"the funding source is kept in {src_ccy}; enter the amount in {src_ccy}",
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
        p.add("expires_on", "cannot be before the date the offer was extended")
    if ext and resp and resp < ext:
        p.add("responded_on", "cannot be before the date the offer was extended")


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
    first = conv.total(
        (i.amount_minor, i.currency) for i in items if i.kind != ItemKind.startup_research
    )
    total = conv.total((i.cost_minor, i.currency) for i in items)
    startup = conv.total(
        (i.cost_minor, i.currency) for i in items if i.kind == ItemKind.startup_research
    )
    return PackageTotals(conv.reporting, first, total, startup)


# --------------------------------------------------------------------------------------------
# Snapshots for undo


@dataclass(frozen=True)
class OfferSnapshot:
    """An offer row and its item rows as plain values; `offer is None` means "did not exist"."""

    offer_id: int
    offer: dict[str, Any] | None
    items: tuple[dict[str, Any], ...] = ()


def _snap(s: Session, offer_id: int) -> OfferSnapshot:
    offer = s.get(Offer, offer_id)
    if offer is None:
        return OfferSnapshot(offer_id, None)
    items = s.exec(
        select(OfferItem).where(OfferItem.offer_id == offer_id).order_by(OfferItem.id)
    ).all()
    return OfferSnapshot(offer_id, offer.model_dump(), tuple(i.model_dump() for i in items))


def snapshot(db: Database, offer_id: int) -> OfferSnapshot:
    with db.session() as s:
        return _snap(s, offer_id)


def restore(db: Database, snap: OfferSnapshot) -> OfferSnapshot:
    """Put an offer (header, status, items, with their ids) back exactly as in `snap`, or remove
    it when it did not exist. Returns the snapshot it replaced, so redo is restore(inverse)."""
    with db.session() as s:
        return restore_in(s, db.user, snap)


def restore_in(s: Session, user: str, snap: OfferSnapshot) -> OfferSnapshot:
    now = _snap(s, snap.offer_id)
    offer = s.get(Offer, snap.offer_id)
    if snap.offer is None:
        if offer is not None:
            s.delete(offer)
            s.flush()
        audit.record(s, user, "offer", snap.offer_id, "undo", {"removed": True})
        return now
    for item in s.exec(select(OfferItem).where(OfferItem.offer_id == snap.offer_id)).all():
        s.delete(item)
    s.flush()
    if offer is None:
        offer = Offer(**snap.offer)
        s.add(offer)
    else:
        for k, v in snap.offer.items():
            setattr(offer, k, v)
        s.add(offer)
    try:
        s.flush()
        for row in snap.items:
            s.add(OfferItem(**row))
        s.flush()
    except IntegrityError as exc:
        raise ConflictError(
            "The offer could not be put back because the data changed meanwhile; refresh the view."
        ) from exc
    audit.record(
        s,
        user,
        "offer",
        snap.offer_id,
        "undo",
        {"status": [_plain_status(now), snap.offer.get("status")], "items": len(snap.items)},
    )
    return now


def _plain_status(snap: OfferSnapshot) -> str | None:
    return str(snap.offer["status"]) if snap.offer else None


# --------------------------------------------------------------------------------------------
# Creating and editing


def _source_currencies(s: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = s.exec(
        select(FundingSource.id, FundingSource.currency).where(FundingSource.id.in_(wanted))
    ).all()
    return {r[0]: r[1] for r in rows}


def _validate_items(s: Session, items: Sequence[Mapping[str, Any]]) -> list[ItemData]:
    srcs = _source_currencies(
        s, [int(i["funding_source_id"]) if i.get("funding_source_id") else None for i in items]
    )
    errors: dict[str, str] = {}
    out: list[ItemData] = []
    for n, raw in enumerate(items):
        item, problems = check_item(raw, srcs, prefix=f"items[{n}].")
        errors.update(problems)
        if item is not None:
            out.append(item)
    if errors:
        raise ValidationError(errors)
    return out


def _open_app(s: Session, application_id: int) -> Application:
    app = get_or_raise(s, Application, application_id, "Application")
    if Outcome(app.outcome).is_closed:
        raise ConflictError(
            f"This application is closed ({Outcome(app.outcome).label.lower()}); "
            "reopen it before making or changing an offer."
        )
    return app


def create_offer(
    db: Database, application_id: int, *, items: Sequence[Mapping[str, Any]] = (), **header: Any
) -> int:
    """A new draft offer (the next revision) on an open application; returns its id."""
    with db.session() as s:
        return create_offer_in(s, db.user, application_id, items=items, **header)


def create_offer_in(
    s: Session,
    user: str,
    application_id: int,
    *,
    items: Sequence[Mapping[str, Any]] = (),
    **header: Any,
) -> int:
    unknown = set(header) - set(HEADER_FIELDS)
    if unknown:
        raise TypeError(f"unknown offer fields: {sorted(unknown)}")
    values, errors = check_header(header)
    p = Problems()
    p.errors.update(errors)
    _check_dates(values, p)
    p.raise_if_any()
    lines = _validate_items(s, items)
    _open_app(s, application_id)
    others = s.exec(select(Offer).where(Offer.application_id == application_id)).all()
    for other in others:
        st = OfferStatus(other.status)
        if st in OPEN_STATUSES:
            raise ConflictError(
                f"Revision {other.revision} of this offer is still {st.value}; "
                "make a counter-offer from it instead of a second offer."
            )
        if st == OfferStatus.accepted:
            raise ConflictError(
                f"Revision {other.revision} was already accepted; withdraw it "
                "before making another offer."
            )
    revision = max((o.revision for o in others), default=0) + 1
    offer = Offer(
        application_id=application_id,
        revision=revision,
        status=OfferStatus.draft,
        created_at=clock.utcnow(),
        **values,
    )
    s.add(offer)
    try:
        s.flush()
    except IntegrityError as exc:  # a concurrent revision
        raise ConflictError(
            "Someone else just added an offer to this application; refresh."
        ) from exc
    assert offer.id is not None
    for line in lines:
        s.add(OfferItem(offer_id=offer.id, **line.as_row()))
    s.flush()
    audit.record(
        s,
        user,
        "offer",
        offer.id,
        "create",
        {**audit.snapshot(offer), "items": [line.as_row() for line in lines]},
    )
    return offer.id


def _draft(s: Session, offer_id: int) -> Offer:
    offer = get_or_raise(s, Offer, offer_id, "Offer")
    if OfferStatus(offer.status) != OfferStatus.draft:
        raise ConflictError(
            f"This offer is {OfferStatus(offer.status).value}, so its items are "
            "fixed. Move it back to draft or make a counter-offer to change them."
        )
    return offer


def update_offer(db: Database, offer_id: int, **changes: Any) -> OfferSnapshot:
    """Change header fields (rank, dates, notes); returns the snapshot before, for undo."""
    with db.session() as s:
        return update_offer_in(s, db.user, offer_id, **changes)


def update_offer_in(s: Session, user: str, offer_id: int, **changes: Any) -> OfferSnapshot:
    unknown = set(changes) - set(HEADER_FIELDS)
    if unknown:
        raise TypeError(f"unknown offer fields: {sorted(unknown)}")
    before = _snap(s, offer_id)
    offer = get_or_raise(s, Offer, offer_id, "Offer")
    values, errors = check_header(changes)
    p = Problems()
    p.errors.update(errors)
    merged = {**{k: getattr(offer, k) for k in HEADER_FIELDS}, **values}
    _check_dates(merged, p)
    p.raise_if_any()
    old = audit.snapshot(offer)
    for k, v in values.items():
        setattr(offer, k, v)
    s.add(offer)
    s.flush()
    diff = audit.diff(old, audit.snapshot(offer))
    if diff:
        audit.record(s, user, "offer", offer_id, "update", diff)
    return before


def save_offer(
    db: Database, offer_id: int, header: Mapping[str, Any], items: Sequence[Mapping[str, Any]]
) -> OfferSnapshot:
    """The editor's Save: header plus the full list of item lines in one transaction.

    Lines with an `id` update that item, lines without one are added, items not listed are
    removed. Items of a non-draft offer must come back unchanged. Returns the snapshot before.
    """
    with db.session() as s:
        before = _snap(s, offer_id)
        offer = get_or_raise(s, Offer, offer_id, "Offer")
        lines = _validate_items(s, items)
        current = {i["id"]: i for i in before.items}
        unchanged = len(lines) == len(current) and all(
            line.id in current
            and line.as_row() == {k: _norm(k, current[line.id][k]) for k in ITEM_FIELDS}
            for line in lines
        )
        if not unchanged:
            _draft(s, offer_id)
            _open_app(s, offer.application_id)
        update_offer_in(s, db.user, offer_id, **dict(header))
        if not unchanged:
            _replace_items(s, db.user, offer_id, current, lines)
        return before


def _norm(key: str, value: Any) -> Any:
    if key == "kind":
        return ItemKind(value)
    if key == "period":
        return Period(value)
    return value


def _replace_items(
    s: Session,
    user: str,
    offer_id: int,
    current: Mapping[int, dict[str, Any]],
    wanted: Sequence[ItemData],
) -> None:
    keep = {line.id for line in wanted if line.id is not None}
    unknown = keep - set(current)
    if unknown:
        raise NotFound("An item of this offer was removed meanwhile; reopen the offer.")
    for item_id, row in current.items():
        if item_id not in keep:
            obj = s.get(OfferItem, item_id)
            if obj is not None:
                s.delete(obj)
            audit.record(s, user, "offer_item", item_id, "delete", row)
    s.flush()
    for line in wanted:
        if line.id is None:
            obj = OfferItem(offer_id=offer_id, **line.as_row())
            s.add(obj)
            s.flush()
            audit.record(
                s, user, "offer_item", obj.id, "create", {"offer_id": offer_id, **line.as_row()}
            )
        else:
            obj = s.get(OfferItem, line.id)
            assert obj is not None
            old = audit.snapshot(obj)
            for k, v in line.as_row().items():
                setattr(obj, k, v)
            s.add(obj)
            diff = audit.diff(old, audit.snapshot(obj))
            if diff:
                audit.record(s, user, "offer_item", line.id, "update", diff)
    s.flush()


def add_item(db: Database, offer_id: int, **data: Any) -> tuple[int, OfferSnapshot]:
    """Add one line to a draft; returns (item id, snapshot before)."""
    with db.session() as s:
        before = _snap(s, offer_id)
        offer = _draft(s, offer_id)
        _open_app(s, offer.application_id)
        (line,) = _validate_single(s, data)
        obj = OfferItem(offer_id=offer_id, **line.as_row())
        s.add(obj)
        s.flush()
        assert obj.id is not None
        audit.record(
            s, db.user, "offer_item", obj.id, "create", {"offer_id": offer_id, **line.as_row()}
        )
        return obj.id, before


def _validate_single(s: Session, data: Mapping[str, Any]) -> list[ItemData]:
    try:
        return _validate_items(s, [data])
    except ValidationError as exc:  # single-item callers want plain field names
        raise ValidationError({k.split(".", 1)[1]: v for k, v in exc.errors.items()}) from None


def update_item(db: Database, item_id: int, **changes: Any) -> OfferSnapshot:
    """Change fields of one line of a draft; returns the offer's snapshot before."""
    unknown = set(changes) - {*ITEM_FIELDS, "amount"}
    if unknown:
        raise TypeError(f"unknown item fields: {sorted(unknown)}")
    with db.session() as s:
        obj = get_or_raise(s, OfferItem, item_id, "Offer item")
        before = _snap(s, obj.offer_id)
        offer = _draft(s, obj.offer_id)
        _open_app(s, offer.application_id)
        merged = {k: getattr(obj, k) for k in ITEM_FIELDS}
        if "amount" in changes:
            merged.pop("amount_minor")
        merged.update(changes)
        (line,) = _validate_single(s, merged)
        old = audit.snapshot(obj)
        for k, v in line.as_row().items():
            setattr(obj, k, v)
        s.add(obj)
        s.flush()
        diff = audit.diff(old, audit.snapshot(obj))
        if diff:
            audit.record(s, db.user, "offer_item", item_id, "update", diff)
        return before


def delete_item(db: Database, item_id: int) -> OfferSnapshot:
    with db.session() as s:
        obj = get_or_raise(s, OfferItem, item_id, "Offer item")
        before = _snap(s, obj.offer_id)
        _draft(s, obj.offer_id)
        row = audit.snapshot(obj)
        s.delete(obj)
        audit.record(s, db.user, "offer_item", item_id, "delete", row)
        return before


def delete_offer(db: Database, offer_id: int) -> OfferSnapshot:
    """Only drafts can be deleted; anything shown to a candidate is withdrawn instead."""
    with db.session() as s:
        before = _snap(s, offer_id)
        offer = get_or_raise(s, Offer, offer_id, "Offer")
        if OfferStatus(offer.status) != OfferStatus.draft:
            raise ConflictError(
                "Only a draft can be deleted; withdraw this offer instead, so its history stays."
            )
        audit.record(
            s,
            db.user,
            "offer",
            offer_id,
            "delete",
            {**audit.snapshot(offer), "items": [i for i in before.items]},
        )
        s.delete(offer)
        return before


@dataclass(frozen=True)
class Revision:
    """A counter-offer: the new draft and the previous revision as it was (for undo)."""

    offer_id: int
    previous: OfferSnapshot


def revise(db: Database, offer_id: int) -> Revision:
    """Counter-offer: copy this revision (header and items) into a new draft revision and
    withdraw this one if still open, so only one offer per application holds money."""
    with db.session() as s:
        return revise_in(s, db.user, offer_id)


def revise_in(s: Session, user: str, offer_id: int) -> Revision:
    old = get_or_raise(s, Offer, offer_id, "Offer")
    previous = _snap(s, offer_id)
    st = OfferStatus(old.status)
    if st == OfferStatus.accepted:
        raise ConflictError("This offer was accepted; withdraw it before making a counter-offer.")
    _open_app(s, old.application_id)
    latest = s.exec(
        select(func.max(Offer.revision)).where(Offer.application_id == old.application_id)
    ).one()
    if latest != old.revision:
        raise ConflictError(f"Revision {latest} is newer; make the counter-offer from it.")
    if st in OPEN_STATUSES:
        old.status = OfferStatus.withdrawn
        s.add(old)
        audit.record(
            s,
            user,
            "offer",
            offer_id,
            "status",
            {"status": [st, OfferStatus.withdrawn], "why": "superseded"},
        )
    s.flush()
    new = Offer(
        application_id=old.application_id,
        revision=old.revision + 1,
        status=OfferStatus.draft,
        rank=old.rank,
        start_on=old.start_on,
        expires_on=None,
        notes=old.notes,
        created_at=clock.utcnow(),
    )
    s.add(new)
    s.flush()
    assert new.id is not None
    for row in previous.items:
        s.add(OfferItem(offer_id=new.id, **{k: row[k] for k in ITEM_FIELDS}))
    s.flush()
    audit.record(
        s,
        user,
        "offer",
        new.id,
        "create",
        {"revision": new.revision, "counter_to": offer_id, "items": len(previous.items)},
    )
    return Revision(new.id, previous)


def undo_revise(db: Database, rev: Revision) -> None:
    with db.session() as s:
        restore_in(s, db.user, OfferSnapshot(rev.offer_id, None))
        restore_in(s, db.user, rev.previous)


# --------------------------------------------------------------------------------------------
# Status workflow and the over-commitment guard


def shortfalls_in(s: Session, offer: Offer) -> list[tuple[int, str, int, str]]:
    """(source id, name, shortfall, currency) for each source this offer would take below zero
    if it held money: the offer's cost is added unless it already counts."""
    assert offer.id is not None
    items = s.exec(
        select(OfferItem).where(
            OfferItem.offer_id == offer.id, OfferItem.funding_source_id.is_not(None)
        )
    ).all()
    cost: dict[int, int] = {}
    for i in items:
        assert i.funding_source_id is not None
        cost[i.funding_source_id] = cost.get(i.funding_source_id, 0) + money.item_total(
            i.amount_minor, i.period, i.years
        )
    if not cost:
        return []
    # Lock the sources (FOR UPDATE on servers; SQLite serialises writers anyway).
    s.exec(select(FundingSource.id).where(FundingSource.id.in_(list(cost))).with_for_update()).all()
    already = OfferStatus(offer.status) in RESERVING | COMMITTING
    out = []
    for b in funding.balances_in(s, sorted(cost)):
        after = b.available - (0 if already else cost[b.source_id])
        if after < 0:
            out.append((b.source_id, b.name, -after, b.currency))
    return out


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
    offer = get_or_raise(s, Offer, offer_id, "Offer")
    before = _snap(s, offer_id)
    cur = OfferStatus(offer.status)
    if not can_move_offer(cur, new):
        allowed = ", ".join(sorted(x.value for x in OFFER_TRANSITIONS[cur])) or "nothing"
        hint = " Approve and extend it first." if new == OfferStatus.accepted else ""
        raise ConflictError(
            f"A {cur.value} offer cannot become {new.value} (it can become: {allowed}).{hint}"
        )
    app = get_or_raise(s, Application, offer.application_id, "Application")
    if (
        new in {OfferStatus.approved, OfferStatus.extended, OfferStatus.accepted}
        and Outcome(app.outcome).is_closed
    ):
        raise ConflictError(
            f"This application is closed ({Outcome(app.outcome).label.lower()}); "
            "reopen it before moving the offer on."
        )
    if new in {OfferStatus.approved, OfferStatus.extended}:
        n_items = s.exec(
            select(func.count()).select_from(OfferItem).where(OfferItem.offer_id == offer_id)
        ).one()
        if not n_items:
            raise ValidationError({"items": "add at least one item before approving the offer"})
    if new == OfferStatus.accepted:
        other = s.exec(
            select(Offer.revision).where(
                Offer.application_id == app.id,
                Offer.id != offer_id,
                Offer.status == OfferStatus.accepted,
            )
        ).first()
        if other is not None:
            raise ConflictError(
                f"Revision {other} of this offer is already accepted; "
                "an application has one accepted offer."
            )
    changes: dict[str, Any] = {"status": [cur, new]}
    if new == OfferStatus.extended:
        if offer.extended_on is None or cur == OfferStatus.expired:
            offer.extended_on = today
        if offer.expires_on is not None and offer.expires_on < offer.extended_on:
            raise ValidationError(
                {"expires_on": "is before the date the offer is extended; give a later expiry date"}
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
                Offer.status == OfferStatus.extended,
                Offer.expires_on.is_not(None),
                Offer.expires_on < today,
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


SORT_KEYS: dict[str, Any] = {
    "id": Offer.id,
    "revision": Offer.revision,
    "status": Offer.status,
    "candidate": Candidate.full_name,
    "target": Target.title,
    "institution": Institution.name,
    "rank": Offer.rank,
    "start_on": Offer.start_on,
    "extended_on": Offer.extended_on,
    "expires_on": Offer.expires_on,
    "responded_on": Offer.responded_on,
    "created_at": Offer.created_at,
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
        select(
            Offer.id,
            Offer.application_id,
            Offer.revision,
            Offer.status,
            Candidate.id,
            Candidate.full_name,
            Target.id,
            Target.title,
            Institution.id,
            Institution.name,
            Offer.rank,
            Offer.start_on,
            Offer.extended_on,
            Offer.expires_on,
            Offer.responded_on,
            Offer.created_at,
        )
        .select_from(Offer)
        .join(Application, Application.id == Offer.application_id)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .join(Target, Target.id == Application.target_id)
        .join(Institution, Institution.id == Target.institution_id)
    )
    if status:
        stmt = stmt.where(Offer.status == OfferStatus(status))
    if institution_id is not None:
        stmt = stmt.where(Target.institution_id == institution_id)
    if target_id is not None:
        stmt = stmt.where(Application.target_id == target_id)
    if application_id is not None:
        stmt = stmt.where(Offer.application_id == application_id)
    if expiring_within is not None:
        today = today or clock.today()
        stmt = stmt.where(
            Offer.status == OfferStatus.extended,
            Offer.expires_on >= today,
            Offer.expires_on <= today + timedelta(days=expiring_within),
        )
    if search and search.strip():
        like = f"%{search.strip()}%"
        stmt = stmt.where(
            or_(
                Candidate.full_name.ilike(like),
                Candidate.name_zh.ilike(like),
                Target.title.ilike(like),
            )
        )
    col = SORT_KEYS.get(order_by, Offer.created_at)
    stmt = stmt.order_by(
        col.desc() if descending else col.asc(), Offer.id.desc() if descending else Offer.id.asc()
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    with db.session() as s:
        rows = s.exec(stmt).all()
        ids = [r[0] for r in rows]
        totals: dict[int, dict[str, int]] = {}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            q = (
                select(OfferItem.offer_id, OfferItem.currency, func.sum(funding.item_cost_expr()))
                .where(OfferItem.offer_id.in_(part))
                .group_by(OfferItem.offer_id, OfferItem.currency)
            )
            for oid, ccy, amt in s.exec(q).all():
                totals.setdefault(oid, {})[ccy] = int(amt)
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
        offer = get_or_raise(s, Offer, offer_id, "Offer")
        items = list(
            s.exec(
                select(OfferItem).where(OfferItem.offer_id == offer_id).order_by(OfferItem.id)
            ).all()
        )
        app = get_or_raise(s, Application, offer.application_id, "Application")
        cand = get_or_raise(s, Candidate, app.candidate_id, "Candidate")
        target = get_or_raise(s, Target, app.target_id, "Target")
        inst = get_or_raise(s, Institution, target.institution_id, "Institution")
        revs = s.exec(
            select(Offer.id, Offer.revision, Offer.status)
            .where(Offer.application_id == app.id)
            .order_by(Offer.revision)
        ).all()
        return OfferDetail(
            offer,
            items,
            cand.full_name,
            target.title,
            inst.name,
            Outcome(app.outcome),
            Stage(app.stage),
            [(r[0], r[1], OfferStatus(r[2])) for r in revs],
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
    busy = select(Offer.application_id).where(
        Offer.status.in_([*OPEN_STATUSES, OfferStatus.accepted])
    )
    stmt = (
        select(
            Application.id, Candidate.full_name, Target.title, Institution.name, Application.stage
        )
        .join(Candidate, Candidate.id == Application.candidate_id)
        .join(Target, Target.id == Application.target_id)
        .join(Institution, Institution.id == Target.institution_id)
        .where(
            Application.outcome.in_([Outcome.active, Outcome.on_hold]), Application.id.not_in(busy)
        )
        .order_by(Candidate.full_name, Target.title)
        .limit(limit)
    )
    if search.strip():
        like = f"%{search.strip()}%"
        stmt = stmt.where(
            or_(
                Candidate.full_name.ilike(like),
                Candidate.name_zh.ilike(like),
                Target.title.ilike(like),
            )
        )
    with db.session() as s:
        return [ApplicationChoice(r[0], r[1], r[2], r[3], Stage(r[4])) for r in s.exec(stmt).all()]


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
                AuditEntry.entity == "funding_source",
                AuditEntry.entity_id == source_id,
                AuditEntry.action.in_(["override", "override_undone"]),
            )
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
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
            select(Target.id, Target.title, Target.institution_id)
            .where(
                Target.id.in_(
                    select(Application.target_id).join(
                        Offer, Offer.application_id == Application.id
                    )
                )
            )
            .order_by(Target.title)
        ).all()
        inst_ids = {t[2] for t in targets}
        insts = s.exec(
            select(Institution.id, Institution.name)
            .where(Institution.id.in_(inst_ids))
            .order_by(Institution.name)
        ).all()
    return FilterChoices([(i[0], i[1]) for i in insts], [(t[0], t[1], t[2]) for t in targets])


__all__ = [
    "EXPIRING_DAYS",
    "ApplicationChoice",
    "FilterChoices",
    "ItemData",
    "OfferDetail",
    "OfferRow",
    "OfferSnapshot",
    "Override",
    "PackageTotals",
    "Revision",
    "StatusChange",
    "add_item",
    "check_header",
    "check_item",
    "create_offer",
    "create_offer_in",
    "delete_item",
    "delete_offer",
    "expire_overdue",
    "expiring_soon",
    "filter_choices",
    "get_offer",
    "items_of",
    "list_offers",
    "offerable_applications",
    "overrides_for_source",
    "package_totals",
    "restore",
    "restore_in",
    "revise",
    "revise_in",
    "save_offer",
    "set_status",
    "set_status_in",
    "shortfalls_in",
    "snapshot",
    "undo_revise",
    "undo_status",
    "update_item",
    "update_offer",
    "update_offer_in",
]
