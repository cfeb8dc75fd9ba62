"""Decisions on the gates of one application: the outcome with its date, body and minutes
reference; a public notice's posting (its end computed in working days of the office calendar);
expert reviews; objections to a notice and how they were handled.

The rules are in domain.gates (decision_problem). A rejection closes the application as rejected
with the gate's reason. Every edit is audited and returns a `Kept` for undo (`kept.put_back`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from recruiter.domain.enums import Outcome
from recruiter.domain.gates import (
    GateFacts,
    GateKind,
    GateOutcome,
    GateState,
    decision_problem,
    notice_end,
    state_of,
)
from recruiter.domain.models import (
    Application,
    GateObjection,
    GateRecord,
    GateReview,
    GateTemplate,
    Target,
)
from recruiter.errors import ConflictError
from recruiter.i18n import _
from recruiter.store.database import Database

from .. import applications, audit, calendar, crud
from .._common import get_or_raise
from ..gate_guard import rule_of, templates_in
from ..validate import Problems, as_int, clean_text
from .kept import Kept, Row, values


def _gate(s: Session, application_id: int, template_id: int) -> tuple[Application, GateTemplate]:
    app = get_or_raise(s, Application, application_id, _("Application"))
    tmpl = get_or_raise(s, GateTemplate, template_id, _("Gate"))
    institution_id = s.exec(
        select(col(Target.institution_id)).where(col(Target.id) == app.target_id)
    ).one()
    if tmpl.institution_id != institution_id:
        raise ConflictError(_("That gate belongs to another institution's procedure."))
    return app, tmpl


def _record(
    s: Session, user: str, app: Application, tmpl: GateTemplate, rows: list[Row]
) -> GateRecord:
    """The application's record of this gate, created (and noted in `rows`) when missing."""
    found = s.exec(
        select(GateRecord).where(
            col(GateRecord.application_id) == app.id, col(GateRecord.template_id) == tmpl.id
        )
    ).first()
    if found is not None:
        return found
    assert app.id is not None and tmpl.id is not None
    rec = GateRecord(application_id=app.id, template_id=tmpl.id)
    s.add(rec)
    s.flush()
    assert rec.id is not None
    audit.record(s, user, "gate_record", rec.id, "create", audit.snapshot(rec))
    rows.append(("gate_record", rec.id, None))
    return rec


def facts_in(s: Session, tmpl: GateTemplate, rec: GateRecord | None) -> GateFacts:
    if rec is None:
        return GateFacts(rule_of(tmpl))
    received = s.exec(
        select(func.count()).where(
            col(GateReview.record_id) == rec.id, col(GateReview.received_on).is_not(None)
        )
    ).one()
    open_objections = s.exec(
        select(func.count()).where(
            col(GateObjection.record_id) == rec.id, col(GateObjection.resolved_on).is_(None)
        )
    ).one()
    return GateFacts(rule_of(tmpl), received, open_objections, rec.notice_start, rec.notice_end)


def _earlier_open(s: Session, app: Application, tmpl: GateTemplate) -> list[str]:
    outcomes = dict(
        s.exec(
            select(col(GateRecord.template_id), col(GateRecord.outcome)).where(
                col(GateRecord.application_id) == app.id
            )
        ).all()
    )
    out = []
    for t in templates_in(s, tmpl.institution_id):
        if t.id == tmpl.id:
            break
        if t.required and state_of(outcomes.get(t.id or 0)) != GateState.passed:
            out.append(t.body)
    return out


def decide(
    db: Database,
    application_id: int,
    template_id: int,
    *,
    outcome: GateOutcome | str | None,
    decided_on: date | None = None,
    body: str | None = None,
    reference: str | None = None,
    notes: str | None = None,
) -> Kept:
    """Record (or clear, with outcome None) the decision on a gate. A rejection closes the
    application as rejected with the gate's reason."""
    with db.session() as s:
        return decide_in(
            s,
            db.user,
            application_id,
            template_id,
            outcome=outcome,
            decided_on=decided_on,
            body=body,
            reference=reference,
            notes=notes,
        )


def decide_in(
    s: Session,
    user: str,
    application_id: int,
    template_id: int,
    *,
    outcome: GateOutcome | str | None,
    decided_on: date | None = None,
    body: str | None = None,
    reference: str | None = None,
    notes: str | None = None,
) -> Kept:
    app, tmpl = _gate(s, application_id, template_id)
    new = GateOutcome(outcome) if outcome else None
    notes = clean_text(notes)
    if new is not None:
        existing = s.exec(
            select(GateRecord).where(
                col(GateRecord.application_id) == app.id, col(GateRecord.template_id) == tmpl.id
            )
        ).first()
        problem = decision_problem(
            facts_in(s, tmpl, existing), new, decided_on, notes, _earlier_open(s, app, tmpl)
        )
        if problem:
            raise ConflictError(f"{tmpl.body}: {problem}.")
    if new == GateOutcome.rejected and Outcome(app.outcome).is_closed:
        raise ConflictError(_("The application is closed already; reopen it first."))
    rows: list[Row] = []
    rec = _record(s, user, app, tmpl, rows)
    assert rec.id is not None
    if rows == []:
        rows.append(("gate_record", rec.id, values(rec)))
    before = audit.snapshot(rec)
    rec.outcome = new
    rec.decided_on = decided_on if new is not None else None
    rec.body = clean_text(body, 200)
    rec.reference = clean_text(reference, 200)
    rec.notes = notes
    s.add(rec)
    s.flush()
    audit.record(s, user, "gate_record", rec.id, "decide", audit.diff(before, audit.snapshot(rec)))
    state = None
    if new == GateOutcome.rejected:
        reason = f"Rejected at {rec.body or tmpl.body}: {notes}"
        state = applications.set_outcome_in(s, user, application_id, Outcome.rejected, reason)
    return Kept(tuple(rows), state, ids={"record": rec.id})


def post_notice(db: Database, application_id: int, template_id: int, start: date | None) -> Kept:
    """Record when the public notice was posted; its end is `notice_days` working days later
    in the office calendar. None clears it."""
    with db.session() as s:
        app, tmpl = _gate(s, application_id, template_id)
        if GateKind(tmpl.kind) != GateKind.public_notice:
            raise ConflictError(_("{body} is not a public notice.").format(body=tmpl.body))
        rows: list[Row] = []
        rec = _record(s, db.user, app, tmpl, rows)
        assert rec.id is not None
        if not rows:
            rows.append(("gate_record", rec.id, values(rec)))
        before = audit.snapshot(rec)
        rec.notice_start = start
        rec.notice_end = notice_end(calendar.load_in(s), start, tmpl.notice_days) if start else None
        s.add(rec)
        s.flush()
        audit.record(
            s, db.user, "gate_record", rec.id, "notice", audit.diff(before, audit.snapshot(rec))
        )
        return Kept(tuple(rows), ids={"record": rec.id})


# -- expert reviews -------------------------------------------------------------------------
REVIEW_FIELDS = ("reviewer", "anonymous", "requested_on", "received_on", "score", "opinion")


def _review_values(data: dict[str, Any]) -> dict[str, Any]:
    p = Problems()
    score = as_int(data.get("score"), "score", p, 0, 100)
    requested, received = data.get("requested_on"), data.get("received_on")
    for key, d in (("requested_on", requested), ("received_on", received)):
        if d is not None and not isinstance(d, date):
            p.add(key, _("give a date"))
    if isinstance(requested, date) and isinstance(received, date) and received < requested:
        p.add("received_on", _("is before the review was requested"))
    opinion = clean_text(data.get("opinion"))
    if received and score is None and not opinion:
        p.add("opinion", _("a received review has a score or an opinion"))
    p.raise_if_any()
    return {
        "reviewer": clean_text(data.get("reviewer"), 200),
        "anonymous": bool(data.get("anonymous")),
        "requested_on": requested,
        "received_on": received,
        "score": score,
        "opinion": opinion,
    }


def _add_to_gate(
    db: Database,
    application_id: int,
    template_id: int,
    kind: GateKind,
    refusal: str,
    model: type[GateReview] | type[GateObjection],
    values: Callable[[GateTemplate], dict[str, Any]],
    snap: crud.Snap = audit.snapshot,
) -> Kept:
    """A review or objection on a gate of `kind` (else `refusal`, with {body}); the application's
    record of the gate is created first when missing. `values(gate)` validates the input."""
    entity = model.__tablename__
    with db.session() as s:
        app, tmpl = _gate(s, application_id, template_id)
        if GateKind(tmpl.kind) != kind:
            raise ConflictError(refusal.format(body=tmpl.body))
        v = values(tmpl)
        rows: list[Row] = []
        rec = _record(s, db.user, app, tmpl, rows)
        assert rec.id is not None
        ident = crud.add(s, db.user, entity, model(record_id=rec.id, **v), snap=snap)
        rows.append((entity, ident, None))
        return Kept(tuple(rows), ids={"record": rec.id, entity.removeprefix("gate_"): ident})


def add_review(db: Database, application_id: int, template_id: int, **data: Any) -> Kept:
    """An expert review on an expert-review gate (anonymous by default when the gate is)."""

    def values(tmpl: GateTemplate) -> dict[str, Any]:
        return _review_values({"anonymous": tmpl.anonymous, **data})

    return _add_to_gate(
        db,
        application_id,
        template_id,
        GateKind.expert_review,
        _("{body} takes no expert reviews."),
        GateReview,
        values,
        _review_audit,
    )


def _review_audit(review: GateReview) -> dict[str, Any]:
    """An anonymous reviewer's name stays out of the audit log's plain view too."""
    snap = audit.snapshot(review)
    if review.anonymous and snap.get("reviewer"):
        snap["reviewer"] = "(anonymous)"
    return snap


def update_review(db: Database, review_id: int, **changes: Any) -> Kept:
    with db.session() as s:
        review = get_or_raise(s, GateReview, review_id, _("Review"))
        before = values(review)
        v = _review_values({**{k: before[k] for k in REVIEW_FIELDS}, **changes})
        for k, val in v.items():
            setattr(review, k, val)
        s.add(review)
        s.flush()
        audit.record(s, db.user, "gate_review", review_id, "update", _review_audit(review))
        return Kept((("gate_review", review_id, before),))


def remove_review(db: Database, review_id: int) -> Kept:
    with db.session() as s:
        review = get_or_raise(s, GateReview, review_id, _("Review"))
        before = values(review)
        crud.delete(s, db.user, "gate_review", review, snap=_review_audit)
        return Kept((("gate_review", review_id, before),))


# -- objections to a public notice ------------------------------------------------------------
OBJECTION_FIELDS = ("received_on", "summary", "handling", "resolved_on")


def _objection_values(data: dict[str, Any]) -> dict[str, Any]:
    p = Problems()
    received, resolved = data.get("received_on"), data.get("resolved_on")
    if not isinstance(received, date):
        p.add("received_on", _("give the date the objection came in"))
    summary = clean_text(data.get("summary"), 1000)
    if not summary:
        p.add("summary", _("say what the objection is"))
    handling = clean_text(data.get("handling"))
    if resolved is not None:
        if not isinstance(resolved, date):
            p.add("resolved_on", _("give a date"))
        elif isinstance(received, date) and resolved < received:
            p.add("resolved_on", _("is before the objection came in"))
        if not handling:
            p.add("handling", _("say how the objection was handled"))
    p.raise_if_any()
    return {
        "received_on": received,
        "summary": summary,
        "handling": handling,
        "resolved_on": resolved,
    }


def add_objection(db: Database, application_id: int, template_id: int, **data: Any) -> Kept:
    return _add_to_gate(
        db,
        application_id,
        template_id,
        GateKind.public_notice,
        _("{body} is not a public notice."),
        GateObjection,
        lambda _tmpl: _objection_values(data),
    )


def update_objection(db: Database, objection_id: int, **changes: Any) -> Kept:
    with db.session() as s:
        row = get_or_raise(s, GateObjection, objection_id, _("Objection"))
        before = values(row)
        v = _objection_values({**{k: before[k] for k in OBJECTION_FIELDS}, **changes})
        crud.update(s, db.user, "gate_objection", row, v, always=True)
        return Kept((("gate_objection", objection_id, before),))


def remove_objection(db: Database, objection_id: int) -> Kept:
    with db.session() as s:
        row = get_or_raise(s, GateObjection, objection_id, _("Objection"))
        before = values(row)
        crud.delete(s, db.user, "gate_objection", row)
        return Kept((("gate_objection", objection_id, before),))


__all__ = [
    "add_objection",
    "add_review",
    "decide",
    "decide_in",
    "facts_in",
    "post_notice",
    "remove_objection",
    "remove_review",
    "update_objection",
    "update_review",
]


# -- the office calendar changed ------------------------------------------------------------------
def recount_notices_in(s: Session, user: str) -> int:
    """Work out again the end of every public notice not yet decided, after a holiday was added,
    changed or removed (decided notices keep the end they were decided on). Audited per record
    that moved; returns how many moved."""
    cal = calendar.load_in(s)
    moved = 0
    for rec, days in s.exec(
        select(GateRecord, col(GateTemplate.notice_days))
        .join(GateTemplate, col(GateTemplate.id) == col(GateRecord.template_id))
        .where(
            col(GateRecord.notice_start).is_not(None),
            col(GateRecord.outcome).is_(None),
            col(GateRecord.decided_on).is_(None),
        )
    ).all():
        assert rec.notice_start is not None
        end = notice_end(cal, rec.notice_start, days)
        if end != rec.notice_end:
            was = rec.notice_end.isoformat() if rec.notice_end else None
            audit.record(
                s, user, "gate_record", rec.id, "notice", {"notice_end": [was, end.isoformat()]}
            )
            rec.notice_end = end
            s.add(rec)
            moved += 1
    s.flush()
    return moved
