"""Reads of the approval gates: one application's gates with their records (anonymous reviewers
shown without their names), the next gate of each application (Pipeline cards), what is due
(notices ending, reviews outstanding), where applications wait (count and median days per gate),
completion against annual targets by college and tier, and the Approvals sheet's rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from recruiter.domain.clock import local_day, local_midnight, today_in, utcnow
from recruiter.domain.enums import OPEN_OUTCOMES, Outcome, Stage
from recruiter.domain.gates import (
    GateKind,
    GateOutcome,
    GateRule,
    GateState,
    GateStatus,
    decision_problem,
    median,
    next_gate,
    state_of,
)
from recruiter.domain.models import (
    Application,
    Candidate,
    Department,
    GateObjection,
    GateRecord,
    GateReview,
    GateTemplate,
    Institution,
    TalentTier,
    Target,
)
from recruiter.i18n import _
from recruiter.store import id_lists
from recruiter.store.database import Database

from .. import settings
from .._common import get_or_raise
from ..gate_guard import rule_of, templates_in
from .records import facts_in
from .tiers import Hire, hire_of


@dataclass(frozen=True)
class ReviewView:
    id: int
    reviewer: str  # "Anonymous reviewer 2" for an anonymous review
    anonymous: bool
    requested_on: date | None
    received_on: date | None
    score: int | None
    opinion: str | None


@dataclass(frozen=True)
class ObjectionView:
    id: int
    received_on: date
    summary: str
    handling: str | None
    resolved_on: date | None


@dataclass(frozen=True)
class GateView:
    template_id: int
    position: int
    body: str
    rule: GateRule
    record_id: int | None
    state: GateState
    outcome: GateOutcome | None
    decided_on: date | None
    decided_by: str | None
    reference: str | None
    notes: str | None
    notice_start: date | None
    notice_end: date | None
    reviews: tuple[ReviewView, ...]
    objections: tuple[ObjectionView, ...]
    missing: str | None  # what an approval still needs, in words (None: it may be recorded)

    @property
    def status_text(self) -> str:
        if self.outcome is None:
            return "open"
        when = f" {self.decided_on.isoformat()}" if self.decided_on else ""
        return f"{self.outcome.label.lower()}{when}"


@dataclass(frozen=True)
class ApplicationGates:
    application_id: int
    candidate: str
    target: str
    institution_id: int
    institution: str
    stage: Stage
    outcome: Outcome
    closed_reason: str | None
    gates: tuple[GateView, ...]
    hire: Hire

    @property
    def next(self) -> GateView | None:
        for g in self.gates:
            if g.rule.required and g.state != GateState.passed:
                return g
        return None


def for_application(db: Database, application_id: int) -> ApplicationGates:
    with db.session() as s:
        app = get_or_raise(s, Application, application_id, _("Application"))
        target = get_or_raise(s, Target, app.target_id, _("Target"))
        inst = get_or_raise(s, Institution, target.institution_id, _("Institution"))
        cand = get_or_raise(s, Candidate, app.candidate_id, _("Candidate"))
        records = {
            r.template_id: r
            for r in s.exec(
                select(GateRecord).where(col(GateRecord.application_id) == application_id)
            ).all()
        }
        views: list[GateView] = []
        earlier: list[str] = []
        for t in templates_in(s, inst.id or 0):
            rec = records.get(t.id or 0)
            views.append(_view(s, t, rec, list(earlier)))
            if t.required and views[-1].state != GateState.passed:
                earlier.append(t.body)
    return ApplicationGates(
        application_id,
        cand.full_name + (f" {cand.name_zh}" if cand.name_zh else ""),
        target.title,
        inst.id or 0,
        inst.name,
        Stage(app.stage),
        Outcome(app.outcome),
        app.closed_reason,
        tuple(views),
        hire_of(db, application_id),
    )


def _view(s: Session, t: GateTemplate, rec: GateRecord | None, earlier: list[str]) -> GateView:
    reviews: list[ReviewView] = []
    objections: list[ObjectionView] = []
    if rec is not None:
        found = s.exec(
            select(GateReview)
            .where(col(GateReview.record_id) == rec.id)
            .order_by(col(GateReview.id))
        ).all()
        for n, r in enumerate(found, start=1):
            name = f"Anonymous reviewer {n}" if r.anonymous else (r.reviewer or f"Reviewer {n}")
            reviews.append(
                ReviewView(
                    r.id or 0,
                    name,
                    r.anonymous,
                    r.requested_on,
                    r.received_on,
                    r.score,
                    r.opinion,
                )
            )
        objections = [
            ObjectionView(o.id or 0, o.received_on, o.summary, o.handling, o.resolved_on)
            for o in s.exec(
                select(GateObjection)
                .where(col(GateObjection.record_id) == rec.id)
                .order_by(col(GateObjection.received_on), col(GateObjection.id))
            ).all()
        ]
    outcome = GateOutcome(rec.outcome) if rec is not None and rec.outcome else None
    facts = facts_in(s, t, rec)
    missing = decision_problem(facts, GateOutcome.approved, date.max, None, earlier)
    return GateView(
        t.id or 0,
        t.position,
        t.body,
        rule_of(t),
        rec.id if rec is not None else None,
        state_of(outcome),
        outcome,
        rec.decided_on if rec else None,
        rec.body if rec else None,
        rec.reference if rec else None,
        rec.notes if rec else None,
        rec.notice_start if rec else None,
        rec.notice_end if rec else None,
        tuple(reviews),
        tuple(objections),
        None if missing == "the notice runs until 9999-12-31" else missing,
    )


# -- the next gate of many applications (Pipeline cards) -----------------------------------------
@dataclass(frozen=True)
class Waiting:
    application_id: int
    gate: str
    template_id: int
    since: date  # the day the previous gate was passed (or the application reached its stage)
    state: GateState


_CHUNK = 500  # application ids per IN list


def _statuses(
    s: Session, application_ids: Sequence[int]
) -> dict[int, tuple[Application, list[tuple[GateTemplate, GateRecord | None]]]]:
    out: dict[int, tuple[Application, list[tuple[GateTemplate, GateRecord | None]]]] = {}
    if not application_ids:
        return out
    by_inst: dict[int, list[GateTemplate]] = {}
    dialect = s.get_bind().dialect.name
    for i in range(0, len(application_ids), _CHUNK):
        chunk = list(application_ids[i : i + _CHUNK])
        rows = s.exec(
            select(Application, col(Target.institution_id))
            .join(Target, col(Target.id) == col(Application.target_id))
            .where(id_lists.member(dialect, col(Application.id), chunk))
        ).all()
        recs: dict[int, dict[int, GateRecord]] = defaultdict(dict)
        for r in s.exec(
            select(GateRecord).where(
                id_lists.member(dialect, col(GateRecord.application_id), chunk)
            )
        ):
            recs[r.application_id][r.template_id] = r
        for app, inst_id in rows:
            if inst_id not in by_inst:
                by_inst[inst_id] = templates_in(s, inst_id)
            mine = recs.get(app.id or 0, {})
            out[app.id or 0] = (app, [(t, mine.get(t.id or 0)) for t in by_inst[inst_id]])
    return out


def waiting_in(s: Session, application_ids: Sequence[int]) -> dict[int, Waiting]:
    """Where each application waits: its first required gate not passed (none when the
    institution has no gates or all are passed).

    Reads plain columns, not ORM rows, and works each template's rule out once: a board of every
    target asks this of ~30,000 applications, where loading them as objects took seconds."""
    zone = settings.office_zone_in(s)
    out: dict[int, Waiting] = {}
    if not application_ids:
        return out
    # Per institution its gates as plain values; per institution and recorded outcomes the
    # gate it waits at (most applications share a handful of such combinations).
    by_inst: dict[int, list[tuple[int, str, GateRule]]] = {}
    found: dict[tuple[int, tuple[GateOutcome | None, ...]], tuple[int, GateStatus] | None] = {}
    ids = list(application_ids)
    dialect = s.get_bind().dialect.name
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        apps = s.execute(
            sa_select(
                col(Application.id), col(Application.stage_changed_at), col(Target.institution_id)
            )
            .join(Target, col(Target.id) == col(Application.target_id))
            .where(id_lists.member(dialect, col(Application.id), chunk))
        ).all()
        recs: dict[int, dict[int, tuple[GateOutcome | None, date | None]]] = defaultdict(dict)
        for app_id, template_id, outcome, decided_on in s.execute(
            sa_select(
                col(GateRecord.application_id),
                col(GateRecord.template_id),
                col(GateRecord.outcome),
                col(GateRecord.decided_on),
            ).where(id_lists.member(dialect, col(GateRecord.application_id), chunk))
        ):
            recs[app_id][template_id] = (GateOutcome(outcome) if outcome else None, decided_on)
        for app_id, changed_at, inst_id in apps:
            if inst_id not in by_inst:
                by_inst[inst_id] = [
                    (t.id or 0, t.body, rule_of(t)) for t in templates_in(s, inst_id)
                ]
            gates = by_inst[inst_id]
            if not gates:
                continue
            mine = recs.get(app_id, {})
            got = [mine.get(tid) for tid, _body, _rule in gates]
            key = (inst_id, tuple(r[0] if r else None for r in got))
            if key not in found:
                statuses = [
                    GateStatus(body, rule, state_of(outcome))
                    for (_tid, body, rule), outcome in zip(gates, key[1], strict=True)
                ]
                g = next_gate(statuses)
                found[key] = None if g is None else (statuses.index(g), g)
            hit = found[key]
            if hit is None:
                continue
            k, g = hit
            passed = [r[1] for r in got[:k] if r is not None and r[1]]
            since = max(passed) if passed else local_day(changed_at, zone)
            out[app_id] = Waiting(app_id, g.name, gates[k][0], since, g.state)
    return out


def next_gates(db: Database, application_ids: Sequence[int]) -> dict[int, str]:
    """{application id: the next gate's body} for cards ("rejected: ..." when it failed)."""
    with db.session() as s:
        return {
            k: (f"rejected at {w.gate}" if w.state == GateState.failed else w.gate)
            for k, w in waiting_in(s, application_ids).items()
        }


def _open_ids(
    s: Session, from_stage: Stage = Stage.review, scope: Scope | None = None
) -> list[int]:
    conds = scope.conditions(s) if scope else []
    return [
        i
        for i in s.exec(
            select(col(Application.id)).where(
                col(Application.outcome).in_([o.value for o in OPEN_OUTCOMES]),
                col(Application.stage).in_(
                    [st.value for st in Stage if st.index >= from_stage.index]
                ),
                *conds,
            )
        ).all()
        if i is not None
    ]


@dataclass(frozen=True)
class Scope:
    """The Dashboard's filters as the approvals section reads them: institutions, targets, and
    the period as the report means it (applications created from/to, office days)."""

    institution_ids: tuple[int, ...] = ()
    target_ids: tuple[int, ...] = ()
    created_from: date | None = None
    created_to: date | None = None

    def conditions(self, s: Session) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = []
        if self.institution_ids:
            out.append(
                col(Application.target_id).in_(
                    select(col(Target.id)).where(
                        col(Target.institution_id).in_(list(self.institution_ids))
                    )
                )
            )
        if self.target_ids:
            out.append(col(Application.target_id).in_(list(self.target_ids)))
        if self.created_from or self.created_to:
            zone = settings.office_zone_in(s)
            if self.created_from:
                out.append(col(Application.created_at) >= local_midnight(self.created_from, zone))
            if self.created_to:
                end = local_midnight(self.created_to + timedelta(days=1), zone)
                out.append(col(Application.created_at) < end)
        return out

    def target_conditions(self) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = []
        if self.institution_ids:
            out.append(col(Target.institution_id).in_(list(self.institution_ids)))
        if self.target_ids:
            out.append(col(Target.id).in_(list(self.target_ids)))
        return out


@dataclass(frozen=True)
class WaitRow:
    gate: str
    institution: str
    applications: int
    median_days: float | None


def where_waiting(
    db: Database, today: date | None = None, scope: Scope | None = None
) -> list[WaitRow]:
    """Open applications from review on (within `scope`), by the gate they wait at: how many,
    and the median days since the previous gate was passed. In gate order per institution."""
    with db.session() as s:
        today = today or today_in(settings.office_zone_in(s), utcnow())
        waits = waiting_in(s, _open_ids(s, scope=scope))
        days: dict[int, list[float]] = defaultdict(list)
        for w in waits.values():
            days[w.template_id].append(float((today - w.since).days))
        if not days:
            return []
        rows = s.exec(
            select(GateTemplate, col(Institution.name))
            .join(Institution, col(Institution.id) == col(GateTemplate.institution_id))
            .where(col(GateTemplate.id).in_(list(days)))
            .order_by(col(Institution.name), col(GateTemplate.position))
        ).all()
        return [
            WaitRow(t.body, name, len(days[t.id or 0]), median(days[t.id or 0])) for t, name in rows
        ]


# -- the Due dock ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class DueGate:
    application_id: int
    candidate_id: int
    candidate: str
    target: str
    gate: str
    what: str  # "notice ends" or "review outstanding"
    on: date | None

    @property
    def text(self) -> str:
        when = self.on.isoformat() if self.on else "not requested yet"
        return f"{self.candidate} — {self.gate}: {self.what} ({when})"


def due(
    db: Database,
    today: date | None = None,
    within_days: int = 7,
    *,
    target_id: int | None = None,
    institution_id: int | None = None,
) -> list[DueGate]:
    """Public notices of open applications ending within `within_days` (or ended without a
    decision) and expert reviews not yet received (of one target or institution when given)."""
    with db.session() as s:
        today = today or today_in(settings.office_zone_in(s), utcnow())
        open_outcomes = [o.value for o in OPEN_OUTCOMES]
        base = (
            sa_select(
                col(Application.id),
                col(Candidate.id),
                col(Candidate.full_name),
                col(Target.title),
                col(GateTemplate.body),
            )
            .select_from(GateRecord)
            .join(Application, col(Application.id) == col(GateRecord.application_id))
            .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
            .join(Target, col(Target.id) == col(Application.target_id))
            .join(GateTemplate, col(GateTemplate.id) == col(GateRecord.template_id))
            .where(col(Application.outcome).in_(open_outcomes))
        )
        if target_id is not None:
            base = base.where(col(Target.id) == target_id)
        if institution_id is not None:
            base = base.where(col(Target.institution_id) == institution_id)
        out: list[DueGate] = []
        notices = s.execute(
            base.add_columns(col(GateRecord.notice_end)).where(
                # As a subquery, so the planner starts from the few notices ending soon (the
                # notice_end index) rather than from every open application.
                col(GateRecord.id).in_(
                    select(col(GateRecord.id)).where(
                        col(GateRecord.notice_end) <= today + timedelta(days=within_days)
                    )
                ),
                col(GateRecord.outcome).is_(None)
                | col(GateRecord.outcome).not_in(["approved", "conditions", "rejected"]),
            )
        ).all()
        out += [DueGate(a, c, n, t, g, "notice ends", end) for a, c, n, t, g, end in notices]
        reviews = s.execute(
            base.add_columns(col(GateReview.requested_on))
            .join(GateReview, col(GateReview.record_id) == col(GateRecord.id))
            .where(col(GateReview.received_on).is_(None))
        ).all()
        out += [DueGate(a, c, n, t, g, "review outstanding", on) for a, c, n, t, g, on in reviews]
        return sorted(out, key=lambda d: (d.on or date.max, d.candidate))


# -- completion against annual targets -----------------------------------------------------------
@dataclass(frozen=True)
class CompletionRow:
    by: str  # "college" or "tier"
    name: str
    target: int  # headcount of targets to fill in the year
    hired: int

    @property
    def share(self) -> float | None:
        return self.hired / self.target if self.target else None


def completion(db: Database, year: int, scope: Scope | None = None) -> list[CompletionRow]:
    """Each college's (department's) and tier's hires against the headcount of its targets to be
    filled in `year` (fill_by in that year), of the institutions and targets in `scope`."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    with db.session() as s:
        targets = s.execute(
            sa_select(
                col(Target.id),
                col(Target.headcount),
                col(Department.name),
                col(Institution.name),
                col(TalentTier.name),
            )
            .join(Institution, col(Institution.id) == col(Target.institution_id))
            .outerjoin(Department, col(Department.id) == col(Target.department_id))
            .outerjoin(TalentTier, col(TalentTier.id) == col(Target.tier_id))
            .where(col(Target.fill_by) >= start, col(Target.fill_by) <= end)
            .where(*(scope.target_conditions() if scope else []))
        ).all()
        if not targets:
            return []
        hired = dict(
            s.exec(
                select(col(Application.target_id), func.count())
                .where(
                    col(Application.target_id).in_([t[0] for t in targets]),
                    col(Application.outcome) == Outcome.hired.value,
                )
                .group_by(col(Application.target_id))
            ).all()
        )
    goals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for tid, headcount, dept, inst, tier in targets:
        for key in (("college", dept or f"{inst} (no college)"), ("tier", tier or "(no tier)")):
            goals[key][0] += headcount
            goals[key][1] += min(hired.get(tid, 0), headcount)
    return [
        CompletionRow(by, name, g[0], g[1])
        for (by, name), g in sorted(goals.items(), key=lambda kv: (kv[0][0], kv[0][1]))
    ]


# -- the Approvals sheet ------------------------------------------------------------------------
@dataclass(frozen=True)
class ApprovalRow:
    institution: str
    candidate: str
    target: str
    stage: Stage
    outcome: Outcome
    position: int
    gate: str
    kind: GateKind
    required: bool
    state: GateState
    decision: GateOutcome | None
    decided_on: date | None
    decided_by: str | None
    reference: str | None
    notice_start: date | None
    notice_end: date | None
    reviews: int
    objections: int
    notes: str | None
    target_id: int = 0


def approval_rows(db: Database, institution_ids: Iterable[int] | None = None) -> list[ApprovalRow]:
    """One row per application (from review on, or with any decision) and gate of its
    institution, in institution, candidate and gate order."""
    with db.session() as s:
        wanted = set(_open_ids(s)) | set(
            s.exec(select(col(GateRecord.application_id)).distinct()).all()
        )
        q = (
            select(Application, col(Candidate.full_name), col(Target.title), Institution)
            .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
            .join(Target, col(Target.id) == col(Application.target_id))
            .join(Institution, col(Institution.id) == col(Target.institution_id))
            .where(col(Application.id).in_(sorted(wanted)))
            .order_by(col(Institution.name), col(Candidate.full_name), col(Application.id))
        )
        if institution_ids is not None:
            q = q.where(col(Institution.id).in_(list(institution_ids)))
        apps = s.exec(q).all()
        statuses = _statuses(s, [a.id or 0 for a, *_ in apps])
        counts = _counts(s)
        out: list[ApprovalRow] = []
        for app, name, title, inst in apps:
            for t, r in statuses.get(app.id or 0, (app, []))[1]:
                reviews, objections = counts.get(r.id or 0, (0, 0)) if r else (0, 0)
                out.append(
                    ApprovalRow(
                        inst.name,
                        name,
                        title,
                        Stage(app.stage),
                        Outcome(app.outcome),
                        t.position,
                        t.body,
                        GateKind(t.kind),
                        t.required,
                        state_of(r.outcome if r else None),
                        GateOutcome(r.outcome) if r and r.outcome else None,
                        r.decided_on if r else None,
                        r.body if r else None,
                        r.reference if r else None,
                        r.notice_start if r else None,
                        r.notice_end if r else None,
                        reviews,
                        objections,
                        r.notes if r else None,
                        app.target_id,
                    )
                )
        return out


def _counts(s: Session) -> dict[int, tuple[int, int]]:
    reviews = dict(
        s.exec(
            select(col(GateReview.record_id), func.count())
            .where(col(GateReview.received_on).is_not(None))
            .group_by(col(GateReview.record_id))
        ).all()
    )
    objections = dict(
        s.exec(
            select(col(GateObjection.record_id), func.count()).group_by(
                col(GateObjection.record_id)
            )
        ).all()
    )
    return {k: (reviews.get(k, 0), objections.get(k, 0)) for k in set(reviews) | set(objections)}


__all__ = [
    "ApplicationGates",
    "ApprovalRow",
    "CompletionRow",
    "DueGate",
    "GateView",
    "ObjectionView",
    "ReviewView",
    "Scope",
    "WaitRow",
    "Waiting",
    "approval_rows",
    "completion",
    "due",
    "for_application",
    "next_gates",
    "waiting_in",
    "where_waiting",
]
