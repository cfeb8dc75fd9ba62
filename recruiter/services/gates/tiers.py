"""Talent tiers (named by the office: national / provincial / university levels) and the hire
type of targets and applications: full-time or flexible, established post (编制) or
tenure-track (预聘, with its review period in years), and the tier. An application without its
own values takes its target's.

Edits are audited and return a `Kept` for undo (`kept.put_back`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func
from sqlmodel import col, select

from recruiter.domain.clock import utcnow
from recruiter.domain.gates import HireType, PostType, TierLevel
from recruiter.domain.models import Application, TalentTier, Target
from recruiter.errors import ConflictError
from recruiter.i18n import _
from recruiter.store.database import Database

from .. import audit, crud
from .._common import get_or_raise
from ..validate import Problems, as_int, clean_text
from .kept import Kept, values

HIRE_FIELDS = ("hire_type", "post_type", "review_years", "tier_id")


@dataclass(frozen=True)
class TierRow:
    id: int
    name: str
    name_zh: str | None
    level: TierLevel
    position: int
    archived_at: datetime | None
    used: int  # targets and applications at this tier


def _tier_values(data: dict[str, Any]) -> dict[str, Any]:
    p = Problems()
    name = clean_text(data.get("name"), 100)
    if not name:
        p.add("name", _("name the tier (e.g. National top talent)"))
    try:
        level = TierLevel(data.get("level") or TierLevel.university)
    except ValueError:
        p.add("level", _("is national, provincial or university"))
        level = TierLevel.university
    p.raise_if_any()
    return {"name": name, "name_zh": clean_text(data.get("name_zh"), 100), "level": level}


def _taken_by(v: dict[str, Any]) -> crud.Clash:
    return lambda: ConflictError(_("There is a tier named '{v}' already.").format(v=v["name"]))


def add_tier(db: Database, **data: Any) -> Kept:
    v = _tier_values(data)
    with db.session() as s:
        top = s.exec(select(func.max(col(TalentTier.position)))).one() or 0
        row = TalentTier(position=top + 1, **v)
        ident = crud.add(s, db.user, "talent_tier", row, clash=_taken_by(v))
        return Kept((("talent_tier", ident, None),), ids={"tier": ident})


def update_tier(db: Database, tier_id: int, **changes: Any) -> Kept:
    with db.session() as s:
        row = get_or_raise(s, TalentTier, tier_id, _("Tier"))
        before = values(row)
        v = _tier_values({**before, **changes})
        crud.update(s, db.user, "talent_tier", row, v, clash=_taken_by(v), always=True)
        return Kept((("talent_tier", tier_id, before),))


def _used(s: Any, tier_id: int) -> int:
    return int(
        s.exec(select(func.count()).where(col(Target.tier_id) == tier_id)).one()
        + s.exec(select(func.count()).where(col(Application.tier_id) == tier_id)).one()
    )


def remove_tier(db: Database, tier_id: int) -> Kept:
    """Delete a tier nothing uses; archive one that is in use."""
    with db.session() as s:
        row = get_or_raise(s, TalentTier, tier_id, _("Tier"))
        before = values(row)
        if _used(s, tier_id):
            row.archived_at = utcnow()
            s.add(row)
            audit.record(s, db.user, "talent_tier", tier_id, "archive", {})
        else:
            crud.delete(s, db.user, "talent_tier", row)
        return Kept((("talent_tier", tier_id, before),))


def tiers(db: Database, *, archived: bool = False) -> list[TierRow]:
    with db.session() as s:
        q = select(TalentTier).order_by(col(TalentTier.position), col(TalentTier.id))
        if not archived:
            q = q.where(col(TalentTier.archived_at).is_(None))
        return [
            TierRow(
                t.id or 0,
                t.name,
                t.name_zh,
                TierLevel(t.level),
                t.position,
                t.archived_at,
                _used(s, t.id or 0),
            )
            for t in s.exec(q).all()
        ]


def _hire_values(data: dict[str, Any]) -> dict[str, Any]:
    p = Problems()
    out: dict[str, Any] = {}
    for key, enum in (("hire_type", HireType), ("post_type", PostType)):
        raw = data.get(key)
        try:
            out[key] = enum(raw) if raw else None
        except ValueError:
            p.add(key, _("choose one of the list"))
    out["review_years"] = as_int(data.get("review_years"), "review_years", p, 1, 15)
    if out.get("post_type") == PostType.tenure_track and out["review_years"] is None:
        p.add("review_years", _("a tenure-track post has a review period (often 6 years)"))
    if out.get("post_type") != PostType.tenure_track:
        out["review_years"] = None
    out["tier_id"] = data.get("tier_id") or None
    p.raise_if_any()
    return out


def set_hire(
    db: Database, kind: Literal["target", "application"], ident: int, **changes: Any
) -> Kept:
    """Set the hire type, post type (with review years) and tier of a target or application."""
    model: type[Target] | type[Application] = Target if kind == "target" else Application
    with db.session() as s:
        row = get_or_raise(s, model, ident, kind.capitalize())
        before = {k: getattr(row, k) for k in HIRE_FIELDS}
        v = _hire_values({**before, **changes})
        if v["tier_id"] is not None:
            get_or_raise(s, TalentTier, v["tier_id"], _("Tier"))
        for k, val in v.items():
            setattr(row, k, val)
        s.add(row)
        s.flush()
        audit.record(s, db.user, kind, ident, "update", audit.diff(before, v))
        return Kept(((kind, ident, before),))


@dataclass(frozen=True)
class Hire:
    """An application's hire type and tier, with where each value comes from."""

    hire_type: HireType | None
    post_type: PostType | None
    review_years: int | None
    tier_id: int | None
    tier: str | None
    own: dict[str, bool]  # field -> set on the application itself (else the target's)

    @property
    def summary(self) -> str:
        parts = [x.label for x in (self.hire_type, self.post_type) if x is not None]
        if self.review_years:
            parts.append(_("{review_years}-year review").format(review_years=self.review_years))
        if self.tier:
            parts.append(self.tier)
        return ", ".join(parts) or "not set"


def hire_of(db: Database, application_id: int) -> Hire:
    with db.session() as s:
        app = get_or_raise(s, Application, application_id, _("Application"))
        target = get_or_raise(s, Target, app.target_id, _("Target"))
        got: dict[str, Any] = {}
        own: dict[str, bool] = {}
        for k in HIRE_FIELDS:
            mine = getattr(app, k)
            own[k] = mine is not None
            got[k] = mine if mine is not None else getattr(target, k)
        tier = s.get(TalentTier, got["tier_id"]) if got["tier_id"] else None
        return Hire(
            HireType(got["hire_type"]) if got["hire_type"] else None,
            PostType(got["post_type"]) if got["post_type"] else None,
            got["review_years"],
            got["tier_id"],
            tier.name if tier else None,
            own,
        )


def hire_of_target(db: Database, target_id: int) -> Hire:
    with db.session() as s:
        target = get_or_raise(s, Target, target_id, _("Target"))
        tier = s.get(TalentTier, target.tier_id) if target.tier_id else None
        return Hire(
            HireType(target.hire_type) if target.hire_type else None,
            PostType(target.post_type) if target.post_type else None,
            target.review_years,
            target.tier_id,
            tier.name if tier else None,
            {k: getattr(target, k) is not None for k in HIRE_FIELDS},
        )


__all__ = [
    "HIRE_FIELDS",
    "Hire",
    "TierRow",
    "add_tier",
    "hire_of",
    "hire_of_target",
    "remove_tier",
    "set_hire",
    "tiers",
    "update_tier",
]
