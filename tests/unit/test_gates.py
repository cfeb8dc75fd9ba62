"""The approval gates: templates and their defaults, each decision rule, public notices counted
in working days of the office calendar (holidays and adjusted working weekends), reviews and
objections, the stage guard with its audited override, rejection closing the application, and
undo of every gate edit restoring the database exactly."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import event, text

from recruiter.domain.enums import HolidayKind, Outcome, Stage
from recruiter.domain.gates import (
    DEFAULT_GATES,
    GateFacts,
    GateKind,
    GateOutcome,
    GateRule,
    GateState,
    GateStatus,
    decision_problem,
    guard_problem,
    median,
    notice_end,
)
from recruiter.domain.models import Application, GateRecord
from recruiter.domain.workdays import Calendar
from recruiter.errors import ConflictError, ValidationError
from recruiter.services import applications, calendar, candidates, gates, institutions, targets
from recruiter.services.gates import queries as gate_queries
from recruiter.services.gates import templates as gate_templates
from recruiter.services.gates.kept import put_back

TABLES = (
    "gate_template",
    "gate_record",
    "gate_review",
    "gate_objection",
    "talent_tier",
    "application",
    "stage_event",
    "target",
)

NATIONAL_DAY = Calendar.of(
    holidays=[date(2026, 10, d) for d in range(1, 8)], workdays=[date(2026, 10, 10)]
)


def _dump(db) -> dict[str, list[tuple]]:
    with db.engine.connect() as conn:
        return {
            t: [
                tuple(v for k, v in r._mapping.items() if k != "version")  # undo is a save too
                for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY id"))
            ]
            for t in TABLES
        }


@pytest.fixture
def world(db):
    inst = institutions.create(db, name="Wuhan University")
    t = targets.create(db, institution_id=inst, title="Professor of Physics")
    cand = candidates.create(db, full_name="Ada Lovelace")
    app = applications.add(db, cand, t, stage=Stage.review)
    gates.install_defaults(db, inst)
    ids = [r.id for r in gates.for_institution(db, inst)]
    return {"inst": inst, "target": t, "app": app, "gates": ids}


def _pass(db, app: int, gate: int, on: date = date(2026, 11, 2)) -> None:
    gates.decide(db, app, gate, outcome="approved", decided_on=on, reference="Minutes 12")


# -- working days in the context of notice periods --------------------------------------------
def test_notice_end_skips_weekends() -> None:
    # Posted Monday 30 Nov 2026 for 5 working days: ends Monday 7 Dec.
    assert notice_end(Calendar(), date(2026, 11, 30), 5) == date(2026, 12, 7)
    # Posted on a Thursday for 3: Fri, Mon, Tue.
    assert notice_end(Calendar(), date(2026, 12, 3), 3) == date(2026, 12, 8)


def test_notice_end_across_national_day_and_its_adjusted_saturday() -> None:
    # Posted Tue 29 Sep: Wed 30 Sep (1); 1-7 Oct off; Thu 8 (2), Fri 9 (3), Sat 10 worked (4),
    # Mon 12 (5).
    assert notice_end(NATIONAL_DAY, date(2026, 9, 29), 5) == date(2026, 10, 12)
    # Without the adjusted Saturday it would end a day later.
    plain = Calendar.of(holidays=NATIONAL_DAY.holidays)
    assert notice_end(plain, date(2026, 9, 29), 5) == date(2026, 10, 13)
    # Posted during the holiday: the first working day counted is the 8th.
    assert notice_end(NATIONAL_DAY, date(2026, 10, 3), 3) == date(2026, 10, 10)


def test_posted_notice_uses_the_office_calendar(db, world) -> None:
    calendar.add_many(
        db,
        [
            *(
                {"day": date(2026, 10, d), "name": "National Day", "kind": HolidayKind.holiday}
                for d in range(1, 8)
            ),
            {"day": date(2026, 10, 10), "name": "National Day (adjusted)", "kind": "workday"},
        ],
    )
    notice = world["gates"][4]
    gates.post_notice(db, world["app"], notice, date(2026, 9, 29))
    view = gates.for_application(db, world["app"]).gates[4]
    assert (view.notice_start, view.notice_end) == (date(2026, 9, 29), date(2026, 10, 12))


# -- pure rules ---------------------------------------------------------------------------------
def test_decision_rules() -> None:
    review = GateFacts(GateRule("Experts", GateKind.expert_review, reviews_required=3), 2)
    assert "3 expert reviews" in (
        decision_problem(review, GateOutcome.approved, date(2026, 1, 5), None) or ""
    )
    assert decision_problem(review, GateOutcome.deferred, None, None) is None
    assert "why" in (decision_problem(review, GateOutcome.rejected, date(2026, 1, 5), "") or "")
    assert "conditions" in (
        decision_problem(review, GateOutcome.conditions, date(2026, 1, 5), None) or ""
    )
    meeting = GateFacts(GateRule("College", GateKind.meeting))
    assert "date" in (decision_problem(meeting, GateOutcome.approved, None, None) or "")
    assert "College comes first" in (
        decision_problem(meeting, GateOutcome.approved, date(2026, 1, 5), None, ["College"]) or ""
    )
    rule = GateRule("Notice", GateKind.public_notice, notice_days=5)
    unposted = GateFacts(rule)
    assert "posted" in (
        decision_problem(unposted, GateOutcome.approved, date(2026, 1, 5), None) or ""
    )
    running = GateFacts(rule, 0, 0, date(2026, 11, 30), date(2026, 12, 7))
    assert "until 2026-12-07" in (
        decision_problem(running, GateOutcome.approved, date(2026, 12, 4), None) or ""
    )
    assert decision_problem(running, GateOutcome.approved, date(2026, 12, 7), None) is None
    objected = GateFacts(rule, 0, 1, date(2026, 11, 30), date(2026, 12, 7))
    assert "1 objection" in (
        decision_problem(objected, GateOutcome.approved, date(2026, 12, 8), None) or ""
    )


def test_guard_rule_and_median() -> None:
    college = GateStatus("College", GateRule("College", GateKind.meeting), GateState.open)
    notice = GateStatus(
        "Notice", GateRule("Notice", GateKind.public_notice, guards=Stage.offer), GateState.passed
    )
    optional = GateStatus(
        "Committee", GateRule("Committee", GateKind.meeting, required=False), GateState.open
    )
    assert guard_problem([college, notice, optional], Stage.review, Stage.approved) == (
        "College is not passed yet; approved needs it"
    )
    assert guard_problem([college], Stage.offer, Stage.review) is None  # back is fine
    assert guard_problem([notice, optional], Stage.review, Stage.signed) is None
    rejected = GateStatus("College", college.rule, GateState.failed)
    assert "rejected" in (guard_problem([rejected], Stage.review, Stage.offer) or "")
    assert median([3, 1, 2]) == 2 and median([1, 4]) == 2.5 and median([]) is None


# -- templates ----------------------------------------------------------------------------------
def test_defaults_follow_the_published_shape(db, world) -> None:
    rows = gates.for_institution(db, world["inst"])
    assert [r.body for r in rows] == [g.body for g in DEFAULT_GATES]
    review = rows[1]
    assert (review.kind, review.reviews_required, review.anonymous) == (
        GateKind.expert_review,
        3,
        True,
    )
    assert rows[4].notice_days == 5 and rows[4].guards == Stage.offer
    assert rows[6].guards is None and not rows[6].required
    with pytest.raises(ConflictError, match="has gates already"):
        gates.install_defaults(db, world["inst"])


def test_template_edits_validate_and_undo_exactly(db, world) -> None:
    before = _dump(db)
    with pytest.raises(ValidationError) as err:
        gate_templates.add(db, world["inst"], body="", kind="expert_review", reviews_required=0)
    assert set(err.value.errors) == {"body", "reviews_required"}
    kept = [
        gate_templates.add(db, world["inst"], body="Physics college meeting", kind="meeting"),
        gate_templates.update(db, world["gates"][1], reviews_required=5, anonymous=False),
        gate_templates.move(db, world["gates"][0], 1),
        gate_templates.remove(db, world["gates"][3]),
    ]
    rows = gates.for_institution(db, world["inst"])
    assert rows[0].body.startswith("Expert review") and rows[0].reviews_required == 5
    assert rows[-1].body == "Physics college meeting"
    assert len(rows) == 7  # one added, one deleted
    for k in reversed(kept):
        put_back(db, k, "test")
    assert _dump(db) == before


def test_a_gate_with_decisions_is_archived_not_deleted(db, world) -> None:
    _pass(db, world["app"], world["gates"][0])
    kept = gate_templates.remove(db, world["gates"][0])
    assert next(
        r.archived_at is not None for r in gates.for_institution(db, world["inst"], archived=True)
    )
    assert world["gates"][0] not in [r.id for r in gates.for_institution(db, world["inst"])]
    put_back(db, kept, "test")
    assert gates.for_institution(db, world["inst"])[0].archived_at is None


# -- decisions in the services ------------------------------------------------------------------
def test_gates_are_decided_in_order_and_reviews_are_counted(db, world) -> None:
    app, g = world["app"], world["gates"]
    with pytest.raises(ConflictError, match="comes first"):
        _pass(db, app, g[1])
    _pass(db, app, g[0])
    with pytest.raises(ConflictError, match="3 expert reviews are needed; 0 received"):
        _pass(db, app, g[1])
    for n in range(3):
        gates.add_review(
            db,
            app,
            g[1],
            reviewer=f"Prof. Expert {n}",
            requested_on=date(2026, 10, 1),
            received_on=date(2026, 10, 20) if n < 2 else None,
            score=80 + n if n < 2 else None,
        )
    with pytest.raises(ConflictError, match="2 received"):
        _pass(db, app, g[1])
    view = gates.for_application(db, app).gates[1]
    assert [r.reviewer for r in view.reviews] == [
        "Anonymous reviewer 1",
        "Anonymous reviewer 2",
        "Anonymous reviewer 3",
    ]
    gates.update_review(db, view.reviews[2].id, received_on=date(2026, 10, 25), opinion="Strong")
    _pass(db, app, g[1])
    assert gates.for_application(db, app).gates[1].state == GateState.passed


def test_review_and_objection_validation(db, world) -> None:
    app, g = world["app"], world["gates"]
    with pytest.raises(ValidationError) as err:
        gates.add_review(
            db, app, g[1], requested_on=date(2026, 10, 5), received_on=date(2026, 10, 1)
        )
    assert "received_on" in err.value.errors
    with pytest.raises(ConflictError, match="takes no expert reviews"):
        gates.add_review(db, app, g[0], reviewer="X")
    with pytest.raises(ConflictError, match="not a public notice"):
        gates.add_objection(db, app, g[0], received_on=date(2026, 10, 1), summary="x")
    with pytest.raises(ValidationError) as err:
        gates.add_objection(
            db, app, g[4], received_on=date(2026, 10, 1), summary="x", resolved_on=date(2026, 10, 2)
        )
    assert "handling" in err.value.errors


def test_notice_needs_its_period_and_handled_objections(db, world) -> None:
    app, g = world["app"], world["gates"]
    for i in (0,):
        _pass(db, app, g[i])
    gates.add_review(db, app, g[1], received_on=date(2026, 11, 1), score=90)
    gates.add_review(db, app, g[1], received_on=date(2026, 11, 1), score=85)
    gates.add_review(db, app, g[1], received_on=date(2026, 11, 1), score=88)
    _pass(db, app, g[1])
    _pass(db, app, g[2])
    with pytest.raises(ConflictError, match="posted"):
        _pass(db, app, g[4], date(2026, 12, 10))
    gates.post_notice(db, app, g[4], date(2026, 11, 30))
    with pytest.raises(ConflictError, match="runs until 2026-12-07"):
        _pass(db, app, g[4], date(2026, 12, 4))
    objection = gates.add_objection(
        db, app, g[4], received_on=date(2026, 12, 2), summary="Doubts about a publication list"
    ).ids["objection"]
    with pytest.raises(ConflictError, match="1 objection"):
        _pass(db, app, g[4], date(2026, 12, 7))
    gates.update_objection(
        db,
        objection,
        handling="Checked with the journal; the list is correct.",
        resolved_on=date(2026, 12, 4),
    )
    _pass(db, app, g[4], date(2026, 12, 7))
    view = gates.for_application(db, app).gates[4]
    assert view.state == GateState.passed and view.objections[0].resolved_on == date(2026, 12, 4)


def test_rejection_closes_the_application_with_the_reason(db, world) -> None:
    app, g = world["app"], world["gates"]
    _pass(db, app, g[0])
    before = _dump(db)
    kept = gates.decide(
        db,
        app,
        g[1],
        outcome="rejected",
        decided_on=date(2026, 11, 10),
        notes="Reviewers doubt the fit",
    )
    a = applications.get(db, app)
    assert a.outcome == Outcome.rejected
    assert a.closed_reason == "Rejected at Expert review (专家评审): Reviewers doubt the fit"
    assert gates.next_gates(db, [app]) == {app: "rejected at Expert review (专家评审)"}
    inverse = put_back(db, kept, "decide")
    assert _dump(db) == before
    put_back(db, inverse, "redo")  # redo closes it again
    assert applications.get(db, app).outcome == Outcome.rejected


# -- the stage guard and its override ------------------------------------------------------------
def test_pipeline_refuses_then_overrides_with_an_audited_reason(db, world) -> None:
    app = world["app"]
    with pytest.raises(gates.GateClosed, match=r"College joint .* is not passed yet"):
        applications.move(db, app, Stage.approved)
    with pytest.raises(gates.GateClosed):
        applications.move_many(db, [app], Stage.offer)
    with pytest.raises(ValidationError):
        applications.move(db, app, Stage.approved, override="  ")
    before = _dump(db)
    state = applications.move(db, app, Stage.approved, override="President's fast track")
    assert applications.get(db, app).stage == Stage.approved
    with db.engine.connect() as conn:
        row = conn.execute(
            text("SELECT changes FROM audit_entry WHERE action = 'gate_override'")
        ).one()
    logged = json.loads(row[0])
    assert logged["reason"] == "President's fast track" and "College joint" in logged["gate"]
    applications.restore(db, state, "move")
    assert _dump(db) == before


def test_passed_gates_let_the_application_through(db, world) -> None:
    app, g = world["app"], world["gates"]
    _pass(db, app, g[0])
    for _ in range(3):
        gates.add_review(db, app, g[1], received_on=date(2026, 11, 1), score=90)
    _pass(db, app, g[1])
    _pass(db, app, g[2])
    applications.move(db, app, Stage.approved)  # the optional committee does not hold it
    with pytest.raises(gates.GateClosed, match="Public notice"):
        applications.move(db, app, Stage.offer)
    assert gates.next_gates(db, [app]) == {app: "Public notice (公示)"}
    # A board of every target asks this of ~30,000 cards: plain columns, no application or
    # record objects (loading those took seconds), and the "since" day of the waiting gate.
    loaded: list[object] = []
    count = lambda obj, _ctx: loaded.append(obj)  # noqa: E731
    for model in (Application, GateRecord):
        event.listen(model, "load", count)
    try:
        with db.session() as s:
            (waiting,) = gate_queries.waiting_in(s, [app]).values()
    finally:
        for model in (Application, GateRecord):
            event.remove(model, "load", count)
    assert loaded == []
    assert (waiting.gate, waiting.since) == ("Public notice (公示)", date(2026, 11, 2))


def test_institution_without_gates_is_not_held(db) -> None:
    inst = institutions.create(db, name="Fudan University")
    t = targets.create(db, institution_id=inst, title="Chair")
    app = applications.add(db, candidates.create(db, full_name="B"), t)
    applications.move(db, app, Stage.offer)
    assert gates.next_gates(db, [app]) == {}


# -- undo of every gate edit ---------------------------------------------------------------------
def test_every_record_edit_undoes_exactly_and_redoes(db, world) -> None:
    app, g = world["app"], world["gates"]
    edits = [
        lambda: gates.decide(db, app, g[0], outcome="approved", decided_on=date(2026, 11, 2)),
        lambda: gates.add_review(db, app, g[1], reviewer="Prof. Q", anonymous=False),
        lambda: gates.post_notice(db, app, g[4], date(2026, 11, 30)),
        lambda: gates.add_objection(db, app, g[4], received_on=date(2026, 12, 1), summary="S"),
        lambda: gates.decide(db, app, g[0], outcome="deferred", notes="More papers"),
    ]
    for edit in edits:
        before = _dump(db)
        kept = edit()
        after = _dump(db)
        assert after != before
        inverse = put_back(db, kept, "undo")
        assert _dump(db) == before
        put_back(db, inverse, "redo")
        assert _dump(db) == after
    view = gates.for_application(db, app).gates
    review_id = view[1].reviews[0].id
    objection_id = view[4].objections[0].id
    for edit in (
        lambda: gates.update_review(db, review_id, received_on=date(2026, 12, 2), score=70),
        lambda: gates.remove_review(db, review_id),
        lambda: gates.update_objection(
            db, objection_id, handling="Answered", resolved_on=date(2026, 12, 3)
        ),
        lambda: gates.remove_objection(db, objection_id),
    ):
        before = _dump(db)
        kept = edit()
        put_back(db, kept, "undo")
        assert _dump(db) == before
    assert view[1].reviews[0].reviewer == "Prof. Q"  # not anonymous: named


# -- hire type and tiers -----------------------------------------------------------------------
def test_hire_type_and_tier_on_targets_and_applications(db, world) -> None:
    before = _dump(db)
    tier = gates.add_tier(db, name="National top talent", level="national")
    tid = tier.ids["tier"]
    on_target = gates.set_hire(
        db, "target", world["target"], hire_type="full_time", post_type="established", tier_id=tid
    )
    hire = gates.hire_of(db, world["app"])
    assert hire.summary == "Full-time (全职), Established post (编制), National top talent"
    assert not hire.own["hire_type"]
    with pytest.raises(ValidationError, match="review period"):
        gates.set_hire(db, "application", world["app"], post_type="tenure_track")
    on_app = gates.set_hire(
        db, "application", world["app"], post_type="tenure_track", review_years=6
    )
    hire = gates.hire_of(db, world["app"])
    assert hire.post_type is not None and hire.own["post_type"] and hire.review_years == 6
    removed = gates.remove_tier(db, tid)  # in use: archived
    assert gates.tiers(db) == [] and gates.tiers(db, archived=True)[0].used == 1
    for k in (removed, on_app, on_target, tier):
        put_back(db, k, "undo")
    assert _dump(db) == before


# -- reports ------------------------------------------------------------------------------------
def test_waiting_due_completion_and_sheet_rows(db, world) -> None:
    app, g = world["app"], world["gates"]
    _pass(db, app, g[0], date(2026, 11, 2))
    gates.add_review(db, app, g[1], reviewer="R", requested_on=date(2026, 11, 3))
    waits = gates.where_waiting(db, today=date(2026, 11, 12))
    assert [(w.gate, w.applications, w.median_days) for w in waits] == [
        ("Expert review (专家评审)", 1, 10.0)
    ]
    due = gates.due(db, today=date(2026, 11, 12))
    assert [(d.what, d.on) for d in due] == [("review outstanding", date(2026, 11, 3))]
    rows = gates.approval_rows(db)
    assert len(rows) == len(DEFAULT_GATES)
    assert (rows[0].decision, rows[0].reference) == (GateOutcome.approved, "Minutes 12")
    targets.update(db, world["target"], fill_by=date(2026, 12, 31), headcount=2)
    done = gates.completion(db, 2026)
    assert [(c.by, c.target, c.hired) for c in done] == [("college", 2, 0), ("tier", 2, 0)]


def test_workbook_gains_the_approvals_sheet(db, world, tmp_path) -> None:
    from openpyxl import load_workbook

    from recruiter.services import exporting
    from recruiter.services.reporting import approvals

    _pass(db, world["app"], world["gates"][0], date(2026, 11, 2))
    result = exporting.export_workbook(db, tmp_path / "out.xlsx")
    assert result.sheets[:5] == ["Summary", "Pipeline", "Offers", "Funding", "Approvals"]
    assert approvals.NAME_ZH == "审批"
    wb = load_workbook(tmp_path / "out.xlsx")
    sheet = wb["Approvals"]
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert first["Gate"].startswith("College joint")
    assert (first["Decision"], first["Reference"], first["Candidate"]) == (
        "Approved",
        "Minutes 12",
        "Ada Lovelace",
    )
    assert first["Decided on"].date() == date(2026, 11, 2)
    assert sheet.max_row == 1 + len(DEFAULT_GATES)


def test_demo_has_gates_at_every_stage_and_the_three_stories(demo_db) -> None:
    db = demo_db
    with db.engine.connect() as conn:
        names = [r[0] for r in conn.execute(text("SELECT name FROM holiday"))]
        national = conn.execute(
            text("SELECT day, kind FROM holiday WHERE name LIKE 'National Day%' ORDER BY day")
        ).all()
        objections = conn.execute(text("SELECT handling, resolved_on FROM gate_objection")).all()
        overrides = conn.execute(
            text("SELECT changes FROM audit_entry WHERE action = 'gate_override'")
        ).all()
        rejected = conn.execute(
            text("SELECT closed_reason FROM application WHERE closed_reason LIKE 'Rejected at%'")
        ).all()
        institutions_with_gates = conn.execute(
            text("SELECT count(DISTINCT institution_id) FROM gate_template")
        ).scalar_one()
    assert names and all(n.endswith("(demo data)") for n in names)
    national = [(str(day), kind) for day, kind in national]  # a date on PostgreSQL
    assert ("2026-10-07", "holiday") in national
    assert ("2026-10-10", "workday") in national
    assert len(objections) == 1 and objections[0][0] and objections[0][1]
    assert len(overrides) == 1 and "demo data" in json.loads(overrides[0][0])["reason"]
    assert len(rejected) == 1 and rejected[0][0].startswith("Rejected at Expert review")
    assert institutions_with_gates == 2
    waits = gates.where_waiting(db)
    first = {w.gate for w in waits if w.institution == "Wuhan University"}
    assert len(first) >= 4  # applications wait at (nearly) every gate
    assert gates.due(db)  # notices ending or reviews outstanding
