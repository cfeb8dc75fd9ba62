"""Gate templates: each institution's ordered approval gates with their rules (body, kind, how
many expert reviews, anonymous or not, the notice period in working days, the stage a gate
guards). An office starts from the defaults (domain.gates.DEFAULT_GATES) and edits them.

Every edit is audited and returns a `Kept` for undo (`kept.put_back`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from recruiter.domain.clock import utcnow
from recruiter.domain.enums import Stage
from recruiter.domain.gates import DEFAULT_GATES, GateKind, GateRule
from recruiter.domain.models import GateRecord, GateTemplate, Institution
from recruiter.errors import ConflictError
from recruiter.i18n import _
from recruiter.store.database import Database

from .. import audit, crud
from .._common import get_or_raise
from ..validate import Problems, as_int, clean_text
from .kept import Kept, values

FIELDS = (
    "body",
    "kind",
    "required",
    "reviews_required",
    "anonymous",
    "notice_days",
    "guards",
)


@dataclass(frozen=True)
class TemplateRow:
    id: int
    institution_id: int
    position: int
    body: str
    kind: GateKind
    required: bool
    reviews_required: int
    anonymous: bool
    notice_days: int
    guards: Stage | None
    archived_at: datetime | None
    records: int  # decisions recorded on this gate

    @property
    def rules(self) -> str:
        """The rules in a few words, for lists."""
        parts = [_("required") if self.required else _("optional")]
        if self.kind == GateKind.expert_review:
            if self.anonymous:
                parts.append(_("{n} reviews, anonymous").format(n=self.reviews_required))
            else:
                parts.append(_("{n} reviews").format(n=self.reviews_required))
        if self.kind == GateKind.public_notice:
            parts.append(_("{notice_days} working days").format(notice_days=self.notice_days))
        parts.append(
            _("before {stage}").format(stage=self.guards.label.lower())
            if self.guards
            else _("after the hire")
        )
        return _("; ").join(parts)


def _validate(data: dict[str, Any]) -> dict[str, Any]:
    p = Problems()
    body = clean_text(data.get("body"), 200)
    if not body:
        p.add("body", _("name the body that decides (e.g. Physics college joint meeting)"))
    try:
        kind = GateKind(data.get("kind") or "")
    except ValueError:
        p.add("kind", _("choose the kind of gate"))
        kind = GateKind.meeting
    reviews = as_int(data.get("reviews_required"), "reviews_required", p, 0, 20) or 0
    notice = as_int(data.get("notice_days"), "notice_days", p, 0, 60) or 0
    if kind == GateKind.expert_review and reviews < 1:
        p.add("reviews_required", _("an expert review needs at least one review"))
    if kind == GateKind.public_notice and notice < 1:
        p.add("notice_days", _("a public notice runs at least one working day"))
    guards_value = data.get("guards", Stage.approved)
    guards: Stage | None = None
    if guards_value:
        try:
            guards = Stage(guards_value)
        except ValueError:
            p.add("guards", _("choose a stage, or none"))
    p.raise_if_any()
    return {
        "body": body,
        "kind": kind,
        "required": bool(data.get("required", True)),
        "reviews_required": reviews if kind == GateKind.expert_review else 0,
        "anonymous": bool(data.get("anonymous")) and kind == GateKind.expert_review,
        "notice_days": notice if kind == GateKind.public_notice else 0,
        "guards": guards,
    }


def _next_position(s: Session, institution_id: int) -> int:
    top = s.exec(
        select(func.max(col(GateTemplate.position))).where(
            col(GateTemplate.institution_id) == institution_id
        )
    ).one()
    return (top or 0) + 1


def add(db: Database, institution_id: int, **data: Any) -> Kept:
    """A new gate at the end of the institution's list; `kept.ids['template']` is its id."""
    v = _validate(data)
    with db.session() as s:
        get_or_raise(s, Institution, institution_id, _("Institution"))
        row = GateTemplate(
            institution_id=institution_id, position=_next_position(s, institution_id), **v
        )
        ident = crud.add(s, db.user, "gate_template", row)
        return Kept((("gate_template", ident, None),), ids={"template": ident})


def install_defaults(db: Database, institution_id: int) -> Kept:
    """The default gates (the published procedures' shape) for an institution that has none."""
    with db.session() as s:
        return install_defaults_in(s, db.user, institution_id)


def install_defaults_in(
    s: Session, user: str, institution_id: int, gates: tuple[GateRule, ...] = DEFAULT_GATES
) -> Kept:
    get_or_raise(s, Institution, institution_id, _("Institution"))
    if s.exec(
        select(col(GateTemplate.id)).where(col(GateTemplate.institution_id) == institution_id)
    ).first():
        raise ConflictError(_("This institution has gates already; edit them instead."))
    rows = []
    for n, rule in enumerate(gates, start=1):
        row = GateTemplate(
            institution_id=institution_id,
            position=n,
            body=rule.body,
            kind=rule.kind,
            required=rule.required,
            reviews_required=rule.reviews_required,
            anonymous=rule.anonymous,
            notice_days=rule.notice_days,
            guards=rule.guards,
        )
        rows.append(("gate_template", crud.add(s, user, "gate_template", row), None))
    return Kept(tuple(rows))


def update(db: Database, template_id: int, **changes: Any) -> Kept:
    with db.session() as s:
        row = get_or_raise(s, GateTemplate, template_id, _("Gate"))
        before = values(row)
        v = _validate({**{k: getattr(row, k) for k in FIELDS}, **changes})
        crud.update(s, db.user, "gate_template", row, v, always=True)
        return Kept((("gate_template", template_id, before),))


def remove(db: Database, template_id: int) -> Kept:
    """Delete a gate nothing was recorded on; archive one with decisions (kept in history)."""
    with db.session() as s:
        row = get_or_raise(s, GateTemplate, template_id, _("Gate"))
        before = values(row)
        used = s.exec(select(func.count()).where(col(GateRecord.template_id) == template_id)).one()
        if used:
            row.archived_at = utcnow()
            s.add(row)
            audit.record(s, db.user, "gate_template", template_id, "archive", {"records": used})
        else:
            crud.delete(s, db.user, "gate_template", row)
        return Kept((("gate_template", template_id, before),))


def unarchive(db: Database, template_id: int) -> Kept:
    with db.session() as s:
        row = get_or_raise(s, GateTemplate, template_id, _("Gate"))
        before = values(row)
        row.archived_at = None
        s.add(row)
        audit.record(s, db.user, "gate_template", template_id, "unarchive", {})
        return Kept((("gate_template", template_id, before),))


def move(db: Database, template_id: int, step: int) -> Kept:
    """Swap a gate with its neighbour above (step -1) or below (+1)."""
    with db.session() as s:
        row = get_or_raise(s, GateTemplate, template_id, _("Gate"))
        order = [
            t
            for t in s.exec(
                select(GateTemplate)
                .where(col(GateTemplate.institution_id) == row.institution_id)
                .order_by(col(GateTemplate.position), col(GateTemplate.id))
            ).all()
        ]
        i = next(n for n, t in enumerate(order) if t.id == template_id)
        j = i + step
        if not 0 <= j < len(order):
            raise ConflictError(_("The gate is already at that end of the list."))
        kept = [("gate_template", t.id or 0, values(t)) for t in order]
        order[i], order[j] = order[j], order[i]
        for n, t in enumerate(order, start=1):
            if t.position != n:
                t.position = n
                s.add(t)
        audit.record(
            s, db.user, "gate_template", template_id, "update", {"position": [i + 1, j + 1]}
        )
        return Kept(tuple(kept))


def for_institution(
    db: Database, institution_id: int, *, archived: bool = False
) -> list[TemplateRow]:
    with db.session() as s:
        used = dict(
            s.exec(
                select(col(GateRecord.template_id), func.count())
                .join(GateTemplate, col(GateTemplate.id) == col(GateRecord.template_id))
                .where(col(GateTemplate.institution_id) == institution_id)
                .group_by(col(GateRecord.template_id))
            ).all()
        )
        q = (
            select(GateTemplate)
            .where(col(GateTemplate.institution_id) == institution_id)
            .order_by(col(GateTemplate.position), col(GateTemplate.id))
        )
        if not archived:
            q = q.where(col(GateTemplate.archived_at).is_(None))
        return [
            TemplateRow(
                t.id or 0,
                t.institution_id,
                t.position,
                t.body,
                GateKind(t.kind),
                t.required,
                t.reviews_required,
                t.anonymous,
                t.notice_days,
                Stage(t.guards) if t.guards else None,
                t.archived_at,
                used.get(t.id or 0, 0),
            )
            for t in s.exec(q).all()
        ]


__all__ = [
    "TemplateRow",
    "add",
    "for_institution",
    "install_defaults",
    "install_defaults_in",
    "move",
    "remove",
    "unarchive",
    "update",
]
