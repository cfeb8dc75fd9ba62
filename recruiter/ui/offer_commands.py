"""Undo commands for offers, funding sources and exchange rates (DESIGN.md §2).

Edits that create or delete rows are undone *and redone* from snapshots, so ids stay stable and
later commands on the stack still find their rows. Status changes are redone by running the
service again, so the workflow rules and the budget guard apply on redo too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from recruiter.domain.enums import OfferStatus, Stage
from recruiter.errors import RecruiterError
from recruiter.i18n import _
from recruiter.services import funding, offers, rates

from .context import AppContext
from .undo import ServiceCommand, push

ErrorFn = Callable[[RecruiterError], None] | None


def _snapshot_command(
    ctx: AppContext,
    text: str,
    first: Callable[[], tuple[offers.OfferSnapshot, ...]],
    on_error: ErrorFn,
) -> ServiceCommand:
    """`first()` does the edit and returns snapshots of every offer it touched, as they were."""
    inverse: list[offers.OfferSnapshot] | None = None

    def do() -> tuple[offers.OfferSnapshot, ...]:
        if inverse is None:
            return first()
        return tuple(offers.restore(ctx.db, snap) for snap in inverse)

    def undo(before: tuple[offers.OfferSnapshot, ...]) -> None:
        nonlocal inverse
        inverse = [offers.restore(ctx.db, snap) for snap in reversed(before)][::-1]

    return push(ctx, text, do, undo, on_error)


def offer_id_of(cmd: ServiceCommand) -> int | None:
    """The offer a create/revise command made (the first snapshot), or None if it failed."""
    if cmd.error is not None or not cmd.state:
        return None
    return int(cmd.state[0].offer_id)


def create_offer(
    ctx: AppContext,
    application_id: int,
    header: Mapping[str, Any],
    items: Sequence[Mapping[str, Any]],
    on_error: ErrorFn = None,
) -> ServiceCommand:
    def first() -> tuple[offers.OfferSnapshot, ...]:
        oid = offers.create_offer(ctx.db, application_id, items=items, **dict(header))
        return (offers.OfferSnapshot(oid, None),)

    return _snapshot_command(ctx, _("New offer"), first, on_error)


def save_offer(
    ctx: AppContext,
    offer_id: int,
    header: Mapping[str, Any],
    items: Sequence[Mapping[str, Any]],
    on_error: ErrorFn = None,
    *,
    expected_version: int | None = None,
    overwrite: bool = False,
) -> ServiceCommand:
    """`expected_version`: checked on the first save only (services/concurrency.py)."""
    check = [expected_version]

    def first() -> tuple[offers.OfferSnapshot, ...]:
        before = offers.save_offer(
            ctx.db, offer_id, header, items, expected_version=check[0], overwrite=overwrite
        )
        check[0] = None
        return (before,)

    return _snapshot_command(ctx, _("Edit offer"), first, on_error)


def revise(ctx: AppContext, offer_id: int, on_error: ErrorFn = None) -> ServiceCommand:
    def first() -> tuple[offers.OfferSnapshot, ...]:
        rev = offers.revise(ctx.db, offer_id)
        return (offers.OfferSnapshot(rev.offer_id, None), rev.previous)

    return _snapshot_command(ctx, _("Counter-offer"), first, on_error)


def delete_offer(ctx: AppContext, offer_id: int, on_error: ErrorFn = None) -> ServiceCommand:
    return _snapshot_command(
        ctx, _("Delete draft offer"), lambda: (offers.delete_offer(ctx.db, offer_id),), on_error
    )


def set_status(
    ctx: AppContext,
    offer_id: int,
    status: OfferStatus,
    *,
    override_reason: str | None = None,
    reason: str | None = None,
    move_to: Stage = Stage.offer,
    on_error: ErrorFn = None,
) -> ServiceCommand:
    def do() -> offers.StatusChange:
        return offers.set_status(
            ctx.db,
            offer_id,
            status,
            override_reason=override_reason,
            reason=reason,
            move_to=move_to,
        )

    return push(
        ctx,
        _("Offer: {status}").format(status=status.label),
        do,
        lambda ch: offers.undo_status(ctx.db, ch),
        on_error,
    )


# -- funding sources ----------------------------------------------------------------------


def create_source(
    ctx: AppContext, values: Mapping[str, Any], on_error: ErrorFn = None
) -> ServiceCommand:
    snap: dict[str, Any] | None = None

    def do() -> int:
        if snap is None:
            return funding.create(ctx.db, **dict(values))
        funding.restore_source(ctx.db, snap)
        return int(snap["id"])

    def undo(source_id: int) -> None:
        nonlocal snap
        snap = funding.delete(ctx.db, source_id)

    return push(ctx, _("New funding source"), do, undo, on_error)


def update_source(
    ctx: AppContext,
    source_id: int,
    changes: Mapping[str, Any],
    on_error: ErrorFn = None,
    *,
    expected_version: int | None = None,
    overwrite: bool = False,
) -> ServiceCommand:
    """`expected_version`: checked on the first save only (services/concurrency.py)."""
    check = [expected_version]

    def do() -> Any:
        prev = funding.update(
            ctx.db, source_id, expected_version=check[0], overwrite=overwrite, **dict(changes)
        )
        check[0] = None
        return prev

    return push(
        ctx,
        _("Edit funding source"),
        do,
        lambda prev: funding.update(ctx.db, source_id, **prev),
        on_error,
    )


def delete_source(ctx: AppContext, source_id: int, on_error: ErrorFn = None) -> ServiceCommand:
    return push(
        ctx,
        _("Delete funding source"),
        lambda: funding.delete(ctx.db, source_id),
        lambda snap: funding.restore_source(ctx.db, snap),
        on_error,
    )


# -- exchange rates -----------------------------------------------------------------------


def set_rate(ctx: AppContext, currency: str, rate: str, on_error: ErrorFn = None) -> ServiceCommand:
    return push(
        ctx,
        _("Rate {currency}").format(currency=currency.upper()),
        lambda: rates.set_rate(ctx.db, currency, rate),
        lambda prev: rates.restore_rate(ctx.db, currency, prev),
        on_error,
    )


def delete_rate(ctx: AppContext, currency: str, on_error: ErrorFn = None) -> ServiceCommand:
    return push(
        ctx,
        _("Remove rate {currency}").format(currency=currency.upper()),
        lambda: rates.delete_rate(ctx.db, currency),
        lambda prev: rates.restore_rate(ctx.db, currency, prev),
        on_error,
    )


def set_reporting_currency(ctx: AppContext, code: str, on_error: ErrorFn = None) -> ServiceCommand:
    return push(
        ctx,
        _("Reporting currency {currency}").format(currency=code.upper()),
        lambda: rates.set_reporting_currency(ctx.db, code),
        lambda change: rates.restore_reporting(ctx.db, change),
        on_error,
    )
