"""The deadline rule table (`deadline_rule`): the office's copy of the published clocks, read
into domain.deadlines.Rule values, edited in Setup with undo."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from recruiter.domain.deadlines import DEFAULT_RULES, Rule
from recruiter.domain.immigration import ANCHORS, Category, Milestone, Route, Severity
from recruiter.domain.models import DeadlineRule
from recruiter.domain.workdays import DayCount
from recruiter.errors import ValidationError
from recruiter.i18n import N_, _
from recruiter.store.database import Database

from ..validate import Problems, as_int, clean_text
from . import _rows

EDITABLE = (
    "name",
    "anchor",
    "amount",
    "unit",
    "severity",
    "closed_by",
    "routes",
    "categories",
    "source",
    "active",
)


# The published rules' names as migration 0010 seeds them (English, stored as data), marked for
# the catalog so they show in the user's language; equal to DEFAULT_RULES' names (a test holds
# it). A name the office has edited is its own and shows as written.
SEEDED_NAMES: dict[str, str] = {
    "fwp_prereview": N_("FWP pre-review result expected"),
    "fwp_decision_a": N_("FWP decision expected (category A)"),
    "fwp_decision_bc": N_("FWP decision expected (categories B, C)"),
    "letter_expiry": N_("Notification letter expires"),
    "work_permit_due": N_("Apply for the work permit"),
    "residence_permit_due": N_("Apply for the residence permit"),
    "work_permit_renewal": N_("File the work permit renewal"),
    "residence_permit_renewal": N_("File the residence permit renewal"),
    "passport_before_permit": N_("Passport expires before the residence permit"),
}


def display_name(code: str, name: str) -> str:
    """A rule's name as shown: a seeded one the office left alone in the user's language."""
    return _(name) if SEEDED_NAMES.get(code) == name else name


def _split(text: str | None) -> list[str]:
    return [p.strip().lower() for p in (text or "").split(",") if p.strip()]


def as_rule(row: DeadlineRule) -> Rule:
    return Rule(
        key=row.code,
        name=display_name(row.code, row.name),
        anchor=row.anchor,
        offset=row.amount,
        unit=DayCount(row.unit),
        severity=Severity(row.severity),
        closed_by=Milestone(row.closed_by) if row.closed_by else None,
        routes=frozenset(Route(r) for r in _split(row.routes)),
        categories=frozenset(Category(c) for c in _split(row.categories)),
        only_if_before=row.only_if_before,
        source=row.source or "",
        active=row.active,
    )


def load_in(s: Session) -> list[Rule]:
    """The rules, their names as shown (the clocks only ever show a name, never store one)."""
    return [as_rule(r) for r in s.exec(select(DeadlineRule).order_by(col(DeadlineRule.id)))]


def load(db: Database) -> list[Rule]:
    with db.session() as s:
        return load_in(s)


@dataclass(frozen=True)
class RuleRow:
    """A rule as the Setup panel lists it (`name` as shown: see display_name)."""

    id: int
    code: str
    name: str
    anchor: str
    amount: int
    unit: DayCount
    severity: Severity
    closed_by: Milestone | None
    routes: str
    categories: str
    source: str
    active: bool


def rows(db: Database) -> list[RuleRow]:
    with db.session() as s:
        return [
            RuleRow(
                r.id or 0,
                r.code,
                display_name(r.code, r.name),
                r.anchor,
                r.amount,
                DayCount(r.unit),
                Severity(r.severity),
                Milestone(r.closed_by) if r.closed_by else None,
                r.routes or "",
                r.categories or "",
                r.source or "",
                r.active,
            )
            for r in s.exec(select(DeadlineRule).order_by(col(DeadlineRule.id)))
        ]


def _validate(values: dict[str, Any]) -> dict[str, Any]:
    p = Problems()
    out: dict[str, Any] = {}
    for k, v in values.items():
        if k not in EDITABLE:
            p.add(k, _("cannot be edited"))
        elif k == "name":
            out[k] = clean_text(v, 200)
            if not out[k]:
                p.add(k, _("give the rule a name"))
        elif k == "anchor":
            if v not in ANCHORS:
                p.add(k, _("is a milestone or an expiry date"))
            out[k] = v
        elif k == "amount":
            out[k] = as_int(v, k, p, -3650, 3650)
            if out[k] is None:
                p.add(k, _("give the offset"))
        elif k in ("unit", "severity", "closed_by"):
            enum: Any = {"unit": DayCount, "severity": Severity, "closed_by": Milestone}[k]
            try:
                out[k] = enum(v) if v else None
            except ValueError:
                p.add(k, _("is not one of the choices"))
            if k != "closed_by" and not v:
                p.add(k, _("choose one"))
        elif k in ("routes", "categories"):
            enum = Route if k == "routes" else Category
            parts = _split(v)
            try:
                [enum(x) for x in parts]
            except ValueError:
                p.add(k, "lists " + ", ".join(e.value for e in enum))
            out[k] = ",".join(parts) or None
        elif k == "source":
            out[k] = clean_text(v)
        else:
            out[k] = bool(v)
    p.raise_if_any()
    return out


def update_rule(db: Database, rule_id: int, **changes: Any) -> dict[str, Any]:
    """Returns the previous values (undo: `update_rule(**before)`)."""
    clean = _validate(changes)
    with db.session() as s:
        return _rows.change(s, db.user, DeadlineRule, rule_id, clean, "Deadline rule")


def defaults_for(code: str) -> dict[str, Any]:
    """The published values of a rule (for "Reset to default")."""
    for r in DEFAULT_RULES:
        if r.key == code:
            return {
                "name": r.name,
                "anchor": r.anchor,
                "amount": r.offset,
                "unit": r.unit,
                "severity": r.severity,
                "closed_by": r.closed_by,
                "routes": ",".join(sorted(x.value for x in r.routes)) or None,
                "categories": ",".join(sorted(x.value for x in r.categories)) or None,
                "source": r.source,
                "active": True,
            }
    raise ValidationError({"code": _("{code} has no published default").format(code=code)})
