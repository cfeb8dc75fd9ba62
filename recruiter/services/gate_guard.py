"""The stage guard of the approval gates: an application may not move forward to a stage that a
required gate of its institution guards while that gate is open or negative, except by an
override with a reason, which is audited. Called from `applications.move_in` (kept apart from
services/gates/ so that module can use `applications` without an import cycle)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from recruiter.domain.enums import Stage
from recruiter.domain.gates import GateKind, GateRule, GateStatus, guard_problem, state_of
from recruiter.domain.models import Application, GateRecord, GateTemplate, Target
from recruiter.errors import ConflictError, ValidationError
from recruiter.i18n import _

from . import audit


class GateClosed(ConflictError):
    """A move the gates refuse; `problem` says which gate, in words."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(
            f"Approval gates: {problem}. Record the decision first, or give a reason to override."
        )


def rule_of(t: GateTemplate) -> GateRule:
    return GateRule(
        t.body,
        GateKind(t.kind),
        t.required,
        t.reviews_required,
        t.anonymous,
        t.notice_days,
        Stage(t.guards) if t.guards else None,
    )


def templates_in(s: Session, institution_id: int) -> list[GateTemplate]:
    """The institution's gates in order (archived ones left out)."""
    return list(
        s.exec(
            select(GateTemplate)
            .where(
                col(GateTemplate.institution_id) == institution_id,
                col(GateTemplate.archived_at).is_(None),
            )
            .order_by(col(GateTemplate.position), col(GateTemplate.id))
        ).all()
    )


def statuses_in(s: Session, app: Application) -> list[GateStatus]:
    institution_id = s.exec(
        select(col(Target.institution_id)).where(col(Target.id) == app.target_id)
    ).one()
    outcomes = dict(
        s.exec(
            select(col(GateRecord.template_id), col(GateRecord.outcome)).where(
                col(GateRecord.application_id) == app.id
            )
        ).all()
    )
    return [
        GateStatus(t.body, rule_of(t), state_of(outcomes.get(t.id or 0)))
        for t in templates_in(s, institution_id)
    ]


def stage_problem(s: Session, app: Application, to: Stage) -> str | None:
    """Why the gates refuse moving `app` to `to` (the problem in words), or None."""
    return guard_problem(statuses_in(s, app), Stage(app.stage), to)


def check(s: Session, user: str, app: Application, to: Stage, override: str | None) -> None:
    """Raise GateClosed, or with an override reason let the move through and audit it."""
    problem = stage_problem(s, app, to)
    if problem is None:
        return
    reason = (override or "").strip()
    if override is not None and not reason:
        raise ValidationError({"override": _("say why the gates are overridden")})
    if not reason:
        raise GateClosed(problem)
    audit.record(
        s,
        user,
        "application",
        app.id,
        "gate_override",
        {"to": to, "from": app.stage, "gate": problem, "reason": reason},
    )


__all__ = ["GateClosed", "check", "rule_of", "stage_problem", "statuses_in", "templates_in"]
