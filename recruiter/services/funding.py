"""Funding sources and their accounting, in integer minor units (DESIGN.md §3):
reserved = items on approved/extended offers, committed = items on accepted offers,
available = total - reserved - committed, annual items counting times their years. The
definitions live in domain.figures; this module reads and writes sources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from recruiter.domain import figures
from recruiter.domain.enums import FundingKind, ItemKind, OfferStatus, Period
from recruiter.domain.models import (
    Application,
    Candidate,
    FundingSource,
    Institution,
    Offer,
    OfferItem,
    Target,
)
from recruiter.domain.money import is_currency
from recruiter.domain.rules import COMMITTING, RESERVING
from recruiter.errors import ConflictError
from recruiter.i18n import _
from recruiter.store.database import Database

from . import audit, concurrency, crud, rates
from ._common import get_or_raise
from .archive import describe, references_in
from .validate import Problems, as_int, clean_text

Accounts = figures.Accounts  # re-exported: report rows build on it


@dataclass(frozen=True)
class Balance(Accounts):
    source_id: int
    name: str
    kind: FundingKind
    institution_id: int | None
    fiscal_year: int | None
    currency: str
    total: int
    reserved: int
    committed: int  # includes paid
    paid: int = 0  # net of refunds


def item_cost_expr() -> Any:
    """SQL for what one item costs over its life (figures.item_life_cost_sql)."""
    return figures.item_life_cost_sql()


def balances_in(s: Session, source_ids: list[int] | None = None) -> list[Balance]:
    """Each source's ledger (figures.charges_sql): instalments charge their own source, paid
    money stays paid, stopped and lapsed instalments return to the source."""
    charges = figures.charges_sql()
    reserved, unpaid, paid = figures.ledger_sql(charges)
    stmt = (
        sa_select(
            col(FundingSource.id),
            col(FundingSource.name),
            col(FundingSource.kind),
            col(FundingSource.institution_id),
            col(FundingSource.fiscal_year),
            col(FundingSource.currency),
            col(FundingSource.total_minor),
            reserved,
            unpaid,
            paid,
        )
        .select_from(FundingSource)
        .outerjoin(charges, charges.c.source_id == col(FundingSource.id))
        .group_by(col(FundingSource.id))
        .order_by(col(FundingSource.name))
    )
    if source_ids is not None:
        stmt = stmt.where(col(FundingSource.id).in_(source_ids))
    return [
        Balance(
            r[0],
            r[1],
            FundingKind(r[2]),
            r[3],
            r[4],
            r[5],
            int(r[6]),
            int(r[7]),
            int(r[8]) + int(r[9]),
            int(r[9]),
        )
        for r in s.execute(stmt).all()
    ]


def balances(db: Database, source_ids: list[int] | None = None) -> list[Balance]:
    with db.session() as s:
        return balances_in(s, source_ids)


def _validate(data: dict[str, Any]) -> dict[str, Any]:
    p = Problems()
    out: dict[str, Any] = {}
    out["name"] = clean_text(data.get("name"), 200)
    if not out["name"]:
        p.add("name", _("give the budget a name"))
    kind = data.get("kind") or FundingKind.university
    try:
        out["kind"] = FundingKind(kind)
    except ValueError:
        p.add(
            "kind",
            _("must be one of {value}").format(value=", ".join(k.value for k in FundingKind)),
        )
    out["institution_id"] = data.get("institution_id") or None
    out["fiscal_year"] = as_int(
        data.get("fiscal_year"), "fiscal_year", p, 2000, 2100, "a year like 2026"
    )
    total = data.get("total_minor", 0)
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        p.add("total_minor", _("must be an amount of zero or more"))
    out["total_minor"] = total
    ccy = (data.get("currency") or "CNY").strip().upper()
    if not is_currency(ccy):
        p.add(
            "currency",
            _("'{ccy}' is not a currency code we know (e.g. CNY, USD, EUR)").format(ccy=ccy),
        )
    out["currency"] = ccy
    out["notes"] = clean_text(data.get("notes"))
    out["project_no"] = clean_text(data.get("project_no"), 100)  # the finance office's number
    p.raise_if_any()
    return out


def _taken_by(values: dict[str, Any]) -> crud.Clash:
    return lambda: ConflictError(
        _("A funding source named '{values}' already exists.").format(values=values["name"])
    )


def create(db: Database, **data: Any) -> int:
    values = _validate(data)
    with db.session() as s:
        if values["institution_id"] is not None:
            get_or_raise(s, Institution, values["institution_id"], _("Institution"))
        return crud.add(
            s, db.user, "funding_source", FundingSource(**values), clash=_taken_by(values)
        )


def update(
    db: Database,
    source_id: int,
    *,
    expected_version: int | None = None,
    overwrite: bool = False,
    **changes: Any,
) -> dict[str, Any]:
    """Apply changes; returns the previous values of the changed fields (for undo).
    `expected_version`: see services/concurrency.py."""
    with db.session() as s:
        concurrency.check(
            s, db.user, "funding_source", source_id, expected_version, overwrite=overwrite
        )
        src = get_or_raise(s, FundingSource, source_id, _("Funding source"))
        merged = {**{k: getattr(src, k) for k in _validate_keys()}, **changes}
        values = _validate(merged)
        if values["currency"] != src.currency and _items_charged(s, source_id):
            raise ConflictError(
                _("Offer items are already charged to this source, so its currency cannot change.")
            )
        change = crud.update(s, db.user, "funding_source", src, values, clash=_taken_by(values))
        return {k: getattr_before for k, (getattr_before, _new) in change.items()}


def _items_charged(s: Session, source_id: int) -> int:
    """Offer items charged to the source."""
    return s.exec(
        select(func.count())
        .select_from(OfferItem)
        .where(col(OfferItem.funding_source_id) == source_id)
    ).one()


def _validate_keys() -> tuple[str, ...]:
    return (
        "name",
        "kind",
        "institution_id",
        "fiscal_year",
        "total_minor",
        "currency",
        "notes",
        "project_no",
    )


def delete(db: Database, source_id: int) -> dict[str, Any]:
    """Delete an unused source; returns its snapshot so undo can put it back with the same id."""
    with db.session() as s:
        src = get_or_raise(s, FundingSource, source_id, _("Funding source"))
        used = _items_charged(s, source_id)
        if used:
            raise ConflictError(
                _(
                    "'{name}' pays for {used} offer item(s); move them to another source "
                    "before deleting it."
                ).format(name=src.name, used=used)
            )
        # Instalments and refunds (RESTRICT); targets only lose their default source (SET NULL).
        refs = references_in(s, "funding_source", source_id)
        refs.pop("targets", None)
        if refs:
            raise ConflictError(
                _(
                    "'{name}' is still used by {refs}; move them to another source before "
                    "deleting it."
                ).format(name=src.name, refs=describe(refs))
            )
        snap = audit.snapshot(src)
        s.delete(src)
        audit.record(s, db.user, "funding_source", source_id, "delete", snap)
        return snap


def get(db: Database, source_id: int) -> FundingSource:
    with db.session() as s:
        return get_or_raise(s, FundingSource, source_id, _("Funding source"))


def list_sources(db: Database) -> list[FundingSource]:
    with db.session() as s:
        return list(s.exec(select(FundingSource).order_by(col(FundingSource.name))).all())


def restore_source(db: Database, snap: dict[str, Any]) -> None:
    """Undo of delete (or redo of create): re-insert the source exactly, with its old id."""
    with db.session() as s:
        if s.get(FundingSource, snap["id"]) is not None:
            raise ConflictError(_("That funding source already exists again; nothing to restore."))
        values = {k: v for k, v in snap.items() if k in ("id", *_validate_keys())}
        src = FundingSource(**{**values, "kind": FundingKind(values["kind"])})
        crud.add(
            s,
            db.user,
            "funding_source",
            src,
            clash=lambda: ConflictError(
                _("A funding source named '{name}' already exists.").format(name=src.name)
            ),
            action="restore",
            snap=lambda _: snap,
        )


def snapshot_source(db: Database, source_id: int) -> dict[str, Any]:
    with db.session() as s:
        return audit.snapshot(get_or_raise(s, FundingSource, source_id, _("Funding source")))


@dataclass(frozen=True)
class ChargedItem:
    """One offer item charged to a source: the drill-down behind its reserved/committed."""

    item_id: int
    offer_id: int
    application_id: int
    revision: int
    status: OfferStatus
    candidate: str
    target_id: int
    target: str
    kind: ItemKind
    period: Period
    years: int
    amount_minor: int
    cost_minor: int
    currency: str

    @property
    def bucket(self) -> str:
        """'reserved', 'committed', or '' when the item no longer holds money."""
        return figures.holds(self.status)


def charged_items(db: Database, source_id: int, *, holding_only: bool = False) -> list[ChargedItem]:
    """Items charged to a source, newest offers first; `holding_only` keeps reserved/committed."""
    with db.session() as s:
        get_or_raise(s, FundingSource, source_id, _("Funding source"))
        stmt = (
            sa_select(
                col(OfferItem.id),
                col(Offer.id),
                col(Offer.application_id),
                col(Offer.revision),
                col(Offer.status),
                col(Candidate.full_name),
                col(Target.id),
                col(Target.title),
                col(OfferItem.kind),
                col(OfferItem.period),
                col(OfferItem.years),
                col(OfferItem.amount_minor),
                item_cost_expr(),
                col(OfferItem.currency),
            )
            .select_from(OfferItem)
            .join(Offer, col(Offer.id) == col(OfferItem.offer_id))
            .join(Application, col(Application.id) == col(Offer.application_id))
            .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
            .join(Target, col(Target.id) == col(Application.target_id))
            .where(col(OfferItem.funding_source_id) == source_id)
            .order_by(col(Offer.id).desc(), col(OfferItem.id))
        )
        if holding_only:
            stmt = stmt.where(col(Offer.status).in_([*RESERVING, *COMMITTING]))
        return [
            ChargedItem(
                r[0],
                r[1],
                r[2],
                r[3],
                OfferStatus(r[4]),
                r[5],
                r[6],
                r[7],
                ItemKind(r[8]),
                Period(r[9]),
                int(r[10]),
                int(r[11]),
                int(r[12]),
                r[13],
            )
            for r in s.execute(stmt).all()
        ]


@dataclass(frozen=True)
class InstitutionTotal:
    """Sources of one institution summed in the reporting currency (None: rates missing)."""

    institution_id: int | None
    name: str
    sources: int
    currency: str
    total: int | None
    reserved: int | None
    committed: int | None
    missing_rates: tuple[str, ...] = ()

    @property
    def available(self) -> int | None:
        if self.total is None or self.reserved is None or self.committed is None:
            return None
        return figures.available(self.total, self.reserved, self.committed)


def institution_totals(db: Database) -> list[InstitutionTotal]:
    """Per-institution total/reserved/committed, converted with the user's rates.

    A group that needs a missing rate keeps None figures and names the rates, instead of a guess.
    """
    with db.session() as s:
        conv = rates.converter_in(s)
        bals = balances_in(s)
        names = {i.id: i.name for i in s.exec(select(Institution)).all()}
    groups: dict[int | None, list[Balance]] = {}
    for b in bals:
        groups.setdefault(b.institution_id, []).append(b)
    out = []
    for inst_id, group in groups.items():
        missing = tuple(conv.missing(b.currency for b in group))
        sums: list[int | None] = [None, None, None]
        if not missing:
            sums = [
                conv.total((getattr(b, f), b.currency) for b in group)
                for f in ("total", "reserved", "committed")
            ]
        out.append(
            InstitutionTotal(
                inst_id,
                names.get(inst_id, "(no institution)")
                if inst_id is not None
                else "(no institution)",
                len(group),
                conv.reporting,
                sums[0],
                sums[1],
                sums[2],
                missing_rates=missing,
            )
        )
    return sorted(out, key=lambda t: (t.institution_id is None, t.name))


@dataclass(frozen=True)
class TargetFunding:
    """Money reserved and committed for a target's offers, in the reporting currency."""

    target_id: int
    currency: str
    reserved: int | None
    committed: int | None
    by_currency: dict[str, tuple[int, int]]  # currency -> (reserved, committed), unconverted
    missing_rates: tuple[str, ...] = ()


def target_funding(db: Database, target_ids: list[int] | None = None) -> dict[int, TargetFunding]:
    """Reserved/committed per target, counting every item of its offers (charged or not)."""
    reserved, committed = figures.reserved_sql(), figures.committed_sql()
    stmt = (
        select(col(Application.target_id), col(OfferItem.currency), reserved, committed)
        .select_from(OfferItem)
        .join(Offer, col(Offer.id) == col(OfferItem.offer_id))
        .join(Application, col(Application.id) == col(Offer.application_id))
        .where(col(Offer.status).in_([*RESERVING, *COMMITTING]))
        .group_by(col(Application.target_id), col(OfferItem.currency))
    )
    if target_ids is not None:
        stmt = stmt.where(col(Application.target_id).in_(target_ids))
    with db.session() as s:
        conv = rates.converter_in(s)
        rows = s.exec(stmt).all()
    per: dict[int, dict[str, tuple[int, int]]] = {}
    for tid, ccy, res, com in rows:
        per.setdefault(tid, {})[ccy] = (int(res), int(com))
    out = {}
    for tid, by in per.items():
        missing = tuple(conv.missing(by))
        res_total = com_total = None
        if not missing:
            res_total = conv.total((r, c) for c, (r, _x) in by.items())
            com_total = conv.total((m, c) for c, (_x, m) in by.items())
        out[tid] = TargetFunding(tid, conv.reporting, res_total, com_total, by, missing)
    return out


def institution_choices(db: Database) -> list[tuple[int, str]]:
    """(id, name) of every institution, for the source editor's institution box."""
    stmt = select(col(Institution.id), col(Institution.name)).order_by(col(Institution.name))
    with db.session() as s:
        return [(r[0], r[1]) for r in s.exec(stmt).all() if r[0] is not None]


__all__ = [
    "Accounts",
    "Balance",
    "ChargedItem",
    "InstitutionTotal",
    "OfferStatus",
    "TargetFunding",
    "balances",
    "balances_in",
    "charged_items",
    "create",
    "delete",
    "get",
    "institution_choices",
    "institution_totals",
    "item_cost_expr",
    "list_sources",
    "restore_source",
    "snapshot_source",
    "target_funding",
    "update",
]
