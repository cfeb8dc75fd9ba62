"""Immigration cases: opening on `signed` (undone with the move), the arrival guard and its
audited override, milestones and state, clocks with the office calendar, rules, relocation
costs on the offer's relocation item, and exact undo of every case edit."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import text

from recruiter.domain.enums import Stage
from recruiter.domain.immigration import CaseState, DocStatus, Milestone, PersonRole, Route
from recruiter.errors import ConflictError, ValidationError
from recruiter.services import (
    applications,
    calendar,
    candidates,
    funding,
    immigration,
    institutions,
    offers,
    targets,
)
from recruiter.services.immigration import clocks

TABLES = (
    "immigration_case",
    "case_person",
    "case_document",
    "case_milestone",
    "relocation_task",
    "deadline_rule",
    "application",
    "stage_event",
)


def _dump(db) -> dict[str, list[tuple]]:
    with db.engine.connect() as conn:
        return {
            t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY id"))]
            for t in TABLES
        }


@pytest.fixture
def app(db) -> int:
    inst = institutions.create(db, name="Wuhan University")
    t = targets.create(db, institution_id=inst, title="Professor")
    c = candidates.create(db, full_name="Ana Silva", nationality="Portugal")
    return applications.add(db, c, t, owner="li.na")


def _signed(db, app: int) -> int:
    applications.move(db, app, Stage.signed)
    case = immigration.case_of(db, app)
    assert case is not None
    return case


def test_reaching_signed_opens_a_case_and_undo_removes_it(db, app) -> None:
    before = _dump(db)
    state = applications.move(db, app, Stage.signed)
    case = immigration.case_of(db, app)
    assert case is not None and state.opened_case == case
    d = immigration.detail(db, case)
    assert d.route == Route.z and d.state == CaseState.preparing and d.officer == "li.na"
    assert [(p.role, p.full_name, p.nationality) for p in d.people] == [
        (PersonRole.scholar, "Ana Silva", "Portugal")
    ]
    assert len(d.documents) == 7 and {x.status for x in d.documents} == {DocStatus.needed}
    assert [t.title for t in d.tasks][:2] == ["Flights booked", "Temporary housing"]
    assert d.deadlines == []  # no dates yet, no clocks
    applications.restore(db, state, "move")
    assert _dump(db) == before
    # Moving on to immigration keeps the one case; a second case is refused.
    applications.move(db, app, Stage.signed)
    applications.move(db, app, Stage.immigration)
    with pytest.raises(ConflictError, match="already has"):
        immigration.open_case(db, app)


def test_arrival_is_guarded_until_the_route_milestones_are_dated(db, app) -> None:
    case = _signed(db, app)
    with pytest.raises(immigration.ArrivalBlocked, match="FWP accepted") as err:
        applications.move(db, app, Stage.arrived)
    assert err.value.application_id == app
    assert applications.get(db, app).stage == Stage.signed
    with pytest.raises(immigration.ArrivalBlocked):  # a blank reason is no reason
        applications.move(db, app, Stage.arrived, override="  ")
    # Overridden with a reason: moved, and the override is in the audit log of the case.
    state = applications.move(db, app, Stage.arrived, override="Entered on a K visa")
    with db.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT entity_id, changes FROM audit_entry WHERE entity='immigration_case' "
                "AND action='override'"
            )
        ).one()
    assert row[0] == case and json.loads(row[1])["reason"] == "Entered on a K visa"
    applications.restore(db, state, "move")
    # Dating what the Z route needs lets the move through without a reason.
    for m in (Milestone.fwp_accepted, Milestone.letter_issued, Milestone.visa_issued):
        immigration.set_milestone(db, case, m, done_on=date(2026, 3, 2))
    assert immigration.detail(db, case).state == CaseState.travel
    with pytest.raises(immigration.ArrivalBlocked, match="Entry"):
        applications.move(db, app, Stage.arrived)
    immigration.set_milestone(db, case, Milestone.entry, done_on=date(2026, 4, 1))
    applications.move(db, app, Stage.arrived)
    assert applications.get(db, app).stage == Stage.arrived
    # A case closed by hand guards nothing; an application without a case is never guarded.
    assert immigration.arrival_problem is not None


def test_resident_route_needs_nothing_and_closed_cases_do_not_guard(db, app) -> None:
    case = _signed(db, app)
    before = immigration.close_case(db, case, "Hire fell through", on=date(2026, 5, 1))
    assert immigration.detail(db, case).state == CaseState.closed
    moved = applications.move(db, app, Stage.arrived)
    applications.restore(db, moved, "move")
    immigration.update_case(db, case, **before)
    assert immigration.detail(db, case).state == CaseState.preparing
    immigration.update_case(db, case, route="resident")
    applications.move(db, app, Stage.arrived)
    with pytest.raises(ValidationError):
        immigration.close_case(db, case, " ")
    with pytest.raises(ValidationError):
        immigration.update_case(db, case, route="x")


def test_clocks_count_with_the_office_calendar(db, app, monkeypatch) -> None:
    case = _signed(db, app)
    immigration.update_case(db, case, category="a")
    immigration.set_milestone(db, case, "fwp_accepted", done_on=date(2026, 2, 12))
    # Without holidays: Thu 12 Feb + 5 working days = Thu 19 Feb.
    assert immigration.detail(db, case).deadlines[0].due == date(2026, 2, 19)
    calendar.add_many(
        db,
        [
            *({"day": date(2026, 2, d), "name": "Spring Festival"} for d in range(15, 24)),
            {"day": date(2026, 2, 14), "name": "Adjusted working day", "kind": "workday"},
        ],
    )
    d = immigration.detail(db, case)
    assert (d.deadlines[0].rule, d.deadlines[0].due) == ("fwp_decision_a", date(2026, 2, 26))
    listed = immigration.case_list(db, today=date(2026, 2, 24))
    (row,) = listed.rows
    assert (row.next_due, row.days_left, row.urgency) == (date(2026, 2, 26), 2, "soon")
    assert row.route == "Z visa" and row.category == "A" and row.state == "Permit"
    due = immigration.due(db, today=date(2026, 3, 1))
    assert [(x.deadline, x.days_left, x.overdue) for x in due.deadlines] == [
        ("FWP decision expected (category A)", -3, True)
    ]
    assert immigration.urgency_by_application(db, [app], today=date(2026, 3, 1)) == {app: "overdue"}
    # A whole board's ids are filtered after the read, never bound as one huge IN list (which
    # cost PostgreSQL seconds on a 63,000-card board); the marks are the same either way.
    bound: list[int] = []  # values each case query binds (an IN list counts each of its ids)
    fetch = clocks._fetch

    def counting(s, stmt):
        values = stmt.compile().params.values()
        bound.append(sum(len(v) if isinstance(v, list | tuple) else 1 for v in values))
        return fetch(s, stmt)

    monkeypatch.setattr(clocks, "_fetch", counting)
    big = [app, *range(10**6, 10**6 + clocks.MAX_IN_LIST + 1)]
    assert immigration.urgency_by_application(db, big, today=date(2026, 3, 1)) == {app: "overdue"}
    assert immigration.urgency_by_application(db, big[1:], today=date(2026, 3, 1)) == {}
    assert bound and max(bound) < clocks.MAX_IN_LIST
    assert immigration.due(db, today=date(2026, 2, 1)).deadlines == []  # 25 days away
    counts = immigration.counts(db, today=date(2026, 3, 1))
    assert counts.by_state[CaseState.permit] == 1 and counts.overdue == 1 and counts.open == 1
    # Filters.
    assert immigration.case_list(db, immigration.CaseFilters(route="r")).rows == []
    assert len(immigration.case_list(db, immigration.CaseFilters(officer="li.na")).rows) == 1
    assert immigration.case_list(db, immigration.CaseFilters(state="done")).rows == []


def test_rules_are_data_with_undo(db, app) -> None:
    case = _signed(db, app)
    immigration.set_milestone(db, case, "entry", done_on=date(2026, 4, 1))
    rule = next(r for r in immigration.rule_rows(db) if r.code == "work_permit_due")
    assert rule.source and rule.amount == 10
    before = immigration.update_rule(db, rule.id, amount=15, unit="working_days")
    first = immigration.detail(db, case).deadlines[0]
    assert (first.rule, first.due) == ("work_permit_due", date(2026, 4, 22))
    immigration.update_rule(db, rule.id, **before)
    assert immigration.detail(db, case).deadlines[0].due == date(2026, 4, 11)
    with pytest.raises(ValidationError):
        immigration.update_rule(db, rule.id, anchor="nowhere")
    with pytest.raises(ValidationError):
        immigration.update_rule(db, rule.id, routes="z, q")
    assert immigration.defaults_for("work_permit_due")["amount"] == 10
    immigration.update_rule(db, rule.id, active=False)
    assert all(d.rule != "work_permit_due" for d in immigration.detail(db, case).deadlines)


def test_every_case_edit_undoes_exactly(db, app) -> None:
    case = _signed(db, app)
    start = _dump(db)

    def undone(do, undo) -> None:
        before = _dump(db)
        state = do()
        assert _dump(db) != before
        undo(state)
        assert _dump(db) == before

    undone(
        lambda: immigration.update_case(db, case, route="r", category="b", notes="x"),
        lambda b: immigration.update_case(db, case, **b),
    )
    undone(
        lambda: immigration.set_milestone(db, case, "visa_issued", done_on=date(2026, 1, 5)),
        lambda prev: immigration.put_milestone(db, case, "visa_issued", prev),
    )
    immigration.set_milestone(db, case, "visa_issued", done_on=date(2026, 1, 5))
    undone(
        lambda: immigration.set_milestone(db, case, "visa_issued", done_on=date(2026, 1, 9)),
        lambda prev: immigration.put_milestone(db, case, "visa_issued", prev),
    )
    undone(
        lambda: immigration.clear_milestone(db, case, "visa_issued"),
        lambda prev: immigration.put_milestone(db, case, "visa_issued", prev),
    )
    undone(
        lambda: immigration.add_person(db, case, role="child", full_name="Rita Silva"),
        lambda pid: immigration.remove_person(db, pid),
    )
    scholar = immigration.detail(db, case).people[0].id
    undone(
        lambda: immigration.update_person(db, scholar, passport_expires=date(2027, 1, 1)),
        lambda b: immigration.update_person(db, scholar, **b),
    )
    undone(
        lambda: immigration.remove_person(db, scholar),
        lambda kept: immigration.restore_person(db, kept),
    )
    doc = immigration.detail(db, case).documents[0].id
    undone(
        lambda: immigration.update_document(
            db, doc, status="received", status_on=date(2026, 1, 3), note="by post"
        ),
        lambda b: immigration.update_document(db, doc, **b),
    )
    undone(
        lambda: immigration.add_task(db, case, title="Visit the kindergarten"),
        lambda tid: immigration.remove_task(db, tid),
    )
    task = immigration.detail(db, case).tasks[0].id
    undone(
        lambda: immigration.update_task(db, task, done_on=date(2026, 1, 8), owner="Wang"),
        lambda b: immigration.update_task(db, task, **b),
    )
    undone(
        lambda: immigration.remove_task(db, task), lambda kept: immigration.restore_task(db, kept)
    )
    undone(
        lambda: immigration.remove_case(db, case),
        lambda bundle: immigration.restore_case(db, bundle),
    )
    assert _dump(db) != start  # the visa date set above stays


def test_planned_entry_sets_template_task_dates(db, app) -> None:
    case = _signed(db, app)
    prev = immigration.set_milestone(db, case, "entry_planned", done_on=date(2026, 9, 1))
    tasks = {t.title: t for t in immigration.detail(db, case).tasks}
    assert tasks["Flights booked"].due_on == date(2026, 8, 11)  # 21 days before
    assert tasks["Bank account"].due_on == date(2026, 9, 8)
    # A date set by hand stops following the plan.
    immigration.update_task(db, tasks["Bank account"].id, due_on=date(2026, 9, 30))
    immigration.set_milestone(db, case, "entry_planned", done_on=date(2026, 10, 1))
    tasks = {t.title: t for t in immigration.detail(db, case).tasks}
    assert tasks["Flights booked"].due_on == date(2026, 9, 10)
    assert tasks["Bank account"].due_on == date(2026, 9, 30)
    assert prev is None
    with pytest.raises(ValidationError):
        immigration.set_milestone(db, case, "entry", done_on=None)
    with pytest.raises(ValidationError, match="only permits"):
        immigration.set_milestone(db, case, "entry", done_on=date(2026, 1, 1), number="X1")
    with pytest.raises(ValidationError, match="not after"):
        immigration.set_milestone(
            db, case, "work_permit", done_on=date(2026, 1, 1), expires_on=date(2025, 1, 1)
        )


def test_relocation_costs_stay_within_the_offer_relocation_item(db, app) -> None:
    source = funding.create(db, name="Talent fund", kind="university", total_minor=10_000_000)
    offer = offers.create_offer(
        db,
        app,
        items=[
            {"kind": "salary", "amount_minor": 500_000, "funding_source_id": source},
            {"kind": "relocation", "amount_minor": 30_000_00, "funding_source_id": source},
        ],
    )
    case = immigration.open_case(db, app)
    task = immigration.detail(db, case).tasks[0].id
    with pytest.raises(ConflictError, match="no relocation item"):
        immigration.charge(db, task, 1_000_00)  # the offer is not accepted yet
    offers.set_status(db, offer, "approved")
    offers.set_status(db, offer, "extended")
    offers.set_status(db, offer, "accepted")
    committed = funding.balances(db)
    assert committed[0].committed == 500_000 + 30_000_00
    before = immigration.charge(db, task, 12_000_00)
    assert before == {"cost_minor": None, "currency": None, "offer_item_id": None}
    other = immigration.detail(db, case).tasks[1].id
    with pytest.raises(ConflictError, match=r"18,000|18000"):
        immigration.charge(db, other, 20_000_00)
    with pytest.raises(ValidationError, match="CNY"):
        immigration.charge(db, other, 1_00, "USD")
    immigration.charge(db, other, 18_000_00)
    # Funding figures do not move: the item was already committed.
    after = funding.balances(db)
    assert committed == after
    immigration.put_charge(db, task, before)
    assert immigration.detail(db, case).tasks[0].cost_minor is None


def test_demo_covers_every_route_and_state_with_some_overdue(db) -> None:
    from recruiter.services import demo

    demo.generate(db, size=300, seed=1)
    rows = immigration.case_list(db, immigration.CaseFilters(state="all")).rows
    assert {r.route for r in rows} == {r.label for r in Route}
    counts = immigration.counts(db)
    assert counts.by_state[CaseState.closed] >= 1 and counts.overdue >= 1
    assert sum(1 for st, n in counts.by_state.items() if n) >= 6


def test_workbook_has_the_immigration_sheet_and_summary_counts(db, tmp_path) -> None:
    from openpyxl import load_workbook

    from recruiter.services import demo, exporting

    demo.generate(db, size=300, seed=1)
    result = exporting.export_workbook(db, tmp_path / "out.xlsx")
    assert "Immigration" in result.as_json()["sheets"]
    cases = immigration.case_list(db, immigration.CaseFilters(state="all")).rows
    assert result.rows["Immigration"] == len(cases)
    wb = load_workbook(tmp_path / "out.xlsx")
    header = next(wb["Immigration"].iter_rows(max_row=1, values_only=True))
    assert header[:2] == ("Candidate", "中文名") and "Days to it" in header
    summary = [r for r in wb["Summary"].iter_rows(values_only=True) if r and r[0]]
    counts = immigration.counts(db)
    assert ("Overdue deadlines", counts.overdue) in [tuple(r[:2]) for r in summary]
    assert ("Closed", counts.by_state[CaseState.closed]) in [tuple(r[:2]) for r in summary]
