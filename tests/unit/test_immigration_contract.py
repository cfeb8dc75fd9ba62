"""Issue 13: the contract's start date must come after the permits are valid — a warning in
the case view (why not a refusal: services/immigration/contract.py)."""

from __future__ import annotations

from datetime import date

import pytest

from recruiter.domain.enums import Stage
from recruiter.services import applications, candidates, immigration, institutions, offers, targets

TODAY = date(2026, 6, 1)


@pytest.fixture
def case(db) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    inst = institutions.create(db, name="Wuhan University")
    t = targets.create(db, institution_id=inst, title="Professor")
    app = applications.add(db, candidates.create(db, full_name="Ana Silva"), t)
    offer = offers.create_offer(db, app, start_on=date(2026, 9, 1))
    applications.move(db, app, Stage.signed)
    case = immigration.case_of(db, app)
    assert case is not None
    return app, offer, case


def test_no_problem_until_a_permit_is_issued_after_the_start(db, case) -> None:  # type: ignore[no-untyped-def]
    app, _offer, case_id = case
    assert immigration.start_problem(db, app, TODAY) is None  # permits will come
    immigration.set_milestone(db, case_id, "work_permit", done_on=date(2026, 8, 20))
    immigration.set_milestone(db, case_id, "residence_permit", done_on=date(2026, 9, 1))
    assert immigration.start_problem(db, app, TODAY) is None  # valid on the first day
    immigration.set_milestone(db, case_id, "residence_permit", done_on=date(2026, 9, 3))
    problem = immigration.start_problem(db, app, TODAY)
    assert problem == (
        "The contract starts on 2026-09-01, before the residence permit is valid "
        "(issued 2026-09-03): move the start date on the offer"
    )
    assert immigration.detail(db, case_id).start_problem == problem


def test_the_offer_start_moved_later_clears_it(db, case) -> None:  # type: ignore[no-untyped-def]
    app, offer, case_id = case
    immigration.set_milestone(db, case_id, "work_permit", done_on=date(2026, 9, 10))
    assert immigration.start_problem(db, app, TODAY) is not None
    assert immigration.start_problem(db, app, TODAY, start_on=date(2026, 9, 15)) is None
    offers.update_offer(db, offer, start_on=date(2026, 9, 15))
    assert immigration.start_problem(db, app, TODAY) is None


def test_a_start_date_passed_without_permits(db, case) -> None:  # type: ignore[no-untyped-def]
    app, _offer, case_id = case
    late = date(2026, 9, 2)
    assert immigration.start_problem(db, app, late) == (
        "The contract started on 2026-09-01, but neither permit is issued yet"
    )
    immigration.set_milestone(db, case_id, "work_permit", done_on=date(2026, 8, 1))
    assert immigration.start_problem(db, app, late) == (
        "The contract started on 2026-09-01, but the residence permit is not issued yet"
    )


def test_routes_without_permits_and_closed_cases_say_nothing(db, case) -> None:  # type: ignore[no-untyped-def]
    app, _offer, case_id = case
    immigration.set_milestone(db, case_id, "work_permit", done_on=date(2026, 9, 10))
    immigration.update_case(db, case_id, route="resident")
    assert immigration.start_problem(db, app, TODAY) is None
    immigration.update_case(db, case_id, route="z")
    immigration.close_case(db, case_id, "Hire withdrawn", on=TODAY)
    assert immigration.start_problem(db, app, TODAY) is None
