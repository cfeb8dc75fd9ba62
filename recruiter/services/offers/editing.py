"""Creating and editing offers: drafts, their items, counter-offers (revisions), and the
snapshots undo puts back.

- at most one open (draft/approved/extended) offer per application; a counter-offer is a new
  revision that withdraws the open one, and the earlier revisions stay readable;
- items change only while the offer is a draft, so reserved/committed money never moves under an
  approval that was checked against the budgets.

Every mutating function returns what undo needs: an `OfferSnapshot` of the rows before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from recruiter.domain import clock
from recruiter.domain.enums import ItemKind, OfferStatus, Outcome, Period
from recruiter.domain.models import Application, FundingSource, Offer, OfferItem
from recruiter.errors import ConflictError, NotFound, ValidationError
from recruiter.i18n import _
from recruiter.store.database import Database

from .. import audit
from .._common import get_or_raise
from ..concurrency import check as check_version
from ..concurrency import touch_version
from ..payments.schedules import drop_stale_in, put_back_in, schedule_rows_in
from ..validate import Problems
from .rules import (
    HEADER_FIELDS,
    ITEM_FIELDS,
    OPEN_STATUSES,
    ItemData,
    _check_dates,
    check_header,
    check_item,
)

# --------------------------------------------------------------------------------------------
# Snapshots for undo


@dataclass(frozen=True)
class OfferSnapshot:
    """An offer row and its item rows as plain values; `offer is None` means "did not exist"."""

    offer_id: int
    offer: dict[str, Any] | None
    items: tuple[dict[str, Any], ...] = ()
    instalments: tuple[dict[str, Any], ...] = ()  # the items' schedules (issue 18)


def _snap(s: Session, offer_id: int) -> OfferSnapshot:
    offer = s.get(Offer, offer_id)
    if offer is None:
        return OfferSnapshot(offer_id, None)
    items = s.exec(
        select(OfferItem).where(col(OfferItem.offer_id) == offer_id).order_by(col(OfferItem.id))
    ).all()
    ids = [i.id for i in items if i.id is not None]
    return OfferSnapshot(
        offer_id,
        offer.model_dump(exclude={"version"}),
        tuple(i.model_dump() for i in items),
        schedule_rows_in(s, ids),
    )


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
    # Items kept in the snapshot are updated in place, so what hangs on them (instalments,
    # refunds) survives an undo of a status change.
    wanted = {row["id"]: row for row in snap.items}
    for item in s.exec(select(OfferItem).where(col(OfferItem.offer_id) == snap.offer_id)).all():
        row = wanted.pop(item.id, None) if item.id is not None else None
        if row is None:
            s.delete(item)
        else:
            for k, v in row.items():
                setattr(item, k, v)
            s.add(item)
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
        for row in wanted.values():
            s.add(OfferItem(**row))
        s.flush()
        put_back_in(s, user, [int(r["id"]) for r in snap.items], snap.instalments)
    except IntegrityError as exc:
        raise ConflictError(
            _(
                "The offer could not be put back because the data changed meanwhile; "
                "refresh the view."
            )
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
        select(col(FundingSource.id), col(FundingSource.currency)).where(
            col(FundingSource.id).in_(wanted)
        )
    ).all()
    return {r[0]: r[1] for r in rows if r[0] is not None}


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
    app = get_or_raise(s, Application, application_id, _("Application"))
    if Outcome(app.outcome).is_closed:
        raise ConflictError(
            _(
                "This application is closed ({label}); reopen it before making or "
                "changing an offer."
            ).format(label=Outcome(app.outcome).label.lower())
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
    others = s.exec(select(Offer).where(col(Offer.application_id) == application_id)).all()
    for other in others:
        st = OfferStatus(other.status)
        if st in OPEN_STATUSES:
            raise ConflictError(
                _(
                    "Revision {revision} of this offer is still {value}; make a "
                    "counter-offer from it instead of a second offer."
                ).format(revision=other.revision, value=st.value)
            )
        if st == OfferStatus.accepted:
            raise ConflictError(
                _(
                    "Revision {revision} was already accepted; withdraw it before making "
                    "another offer."
                ).format(revision=other.revision)
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
            _("Someone else just added an offer to this application; refresh.")
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
    offer = get_or_raise(s, Offer, offer_id, _("Offer"))
    if OfferStatus(offer.status) != OfferStatus.draft:
        raise ConflictError(
            _(
                "This offer is {value}, so its items are fixed. Move it back to draft "
                "or make a counter-offer to change them."
            ).format(value=OfferStatus(offer.status).value)
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
    offer = get_or_raise(s, Offer, offer_id, _("Offer"))
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
    db: Database,
    offer_id: int,
    header: Mapping[str, Any],
    items: Sequence[Mapping[str, Any]],
    *,
    expected_version: int | None = None,
    overwrite: bool = False,
) -> OfferSnapshot:
    """The editor's Save: header plus the full list of item lines in one transaction.

    Lines with an `id` update that item, lines without one are added, items not listed are
    removed. Items of a non-draft offer must come back unchanged. Returns the snapshot before.
    """
    with db.session() as s:
        check_version(s, db.user, "offer", offer_id, expected_version, overwrite=overwrite)
        before = _snap(s, offer_id)
        offer = get_or_raise(s, Offer, offer_id, _("Offer"))
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
            touch_version(s, offer)  # its items are part of what an editor saw
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
        raise NotFound(_("An item of this offer was removed meanwhile; reopen the offer."))
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
                drop_stale_in(s, user, line.id)
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
        obj = get_or_raise(s, OfferItem, item_id, _("Offer item"))
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
            drop_stale_in(s, db.user, item_id)
        return before


def delete_item(db: Database, item_id: int) -> OfferSnapshot:
    with db.session() as s:
        obj = get_or_raise(s, OfferItem, item_id, _("Offer item"))
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
        offer = get_or_raise(s, Offer, offer_id, _("Offer"))
        if OfferStatus(offer.status) != OfferStatus.draft:
            raise ConflictError(
                _("Only a draft can be deleted; withdraw this offer instead, so its history stays.")
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
    old = get_or_raise(s, Offer, offer_id, _("Offer"))
    previous = _snap(s, offer_id)
    st = OfferStatus(old.status)
    if st == OfferStatus.accepted:
        raise ConflictError(
            _("This offer was accepted; withdraw it before making a counter-offer.")
        )
    _open_app(s, old.application_id)
    latest = s.exec(
        select(func.max(col(Offer.revision))).where(col(Offer.application_id) == old.application_id)
    ).one()
    if latest != old.revision:
        raise ConflictError(
            _("Revision {latest} is newer; make the counter-offer from it.").format(latest=latest)
        )
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
