"""Demo immigration cases (issue 13): one per application at `signed` or later, covering every
route and state, with dates around today so some deadlines are overdue, some due this week and
some renewals coming up. Written in the demo's transaction with Core inserts."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.sql.schema import Table
from sqlmodel import SQLModel

from recruiter.domain.immigration import (
    Category,
    DocStatus,
    Milestone,
    PersonRole,
    Route,
    documents_for,
    state_of,
)

ROUTE_WEIGHTS = (
    (Route.z, 55),
    (Route.r, 15),
    (Route.k, 10),
    (Route.resident, 10),
    (Route.not_needed, 10),
)
STEPS: dict[Route, tuple[Milestone, ...]] = {
    Route.z: (
        Milestone.fwp_submitted,
        Milestone.fwp_accepted,
        Milestone.letter_issued,
        Milestone.visa_issued,
        Milestone.entry,
        Milestone.work_permit,
        Milestone.residence_permit,
        Milestone.first_day,
    ),
    Route.r: (
        Milestone.letter_issued,
        Milestone.visa_issued,
        Milestone.entry,
        Milestone.work_permit,
        Milestone.residence_permit,
        Milestone.first_day,
    ),
    Route.k: (Milestone.visa_issued, Milestone.entry, Milestone.first_day),
    Route.resident: (Milestone.first_day,),
    Route.not_needed: (Milestone.first_day,),
}
NATIONALITIES = ("United States", "Germany", "Japan", "United Kingdom", "Italy", "India", "Canada")


def _t(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def _level(rng: random.Random, route: Route, stage: str) -> int:
    """How many of the route's steps are dated, from the application's stage."""
    n = len(STEPS[route])
    if stage == "arrived":
        return n if route in (Route.resident, Route.not_needed) else rng.randint(n - 3, n)
    if stage == "immigration":
        return rng.randint(max(0, n - 5), max(0, n - 2))
    return rng.randint(0, min(3, n - 1))


def write(
    conn: Connection,
    rng: random.Random,
    today: date,
    applications: Sequence[tuple[int, str, str | None, str | None, str]] | None = None,
) -> int:
    """Cases for `applications` (id, full name, nationality, owner, stage); by default every
    application at `signed` or later. Returns how many cases were written."""
    if applications is None:
        app, cand = _t("application"), _t("candidate")
        applications = [
            (r[0], r[1], r[2], r[3], r[4])
            for r in conn.execute(
                select(app.c.id, cand.c.full_name, cand.c.nationality, app.c.owner, app.c.stage)
                .join(cand, cand.c.id == app.c.candidate_id)
                .where(app.c.stage.in_(["signed", "immigration", "arrived"]))
                .order_by(app.c.id)
            )
        ]
    if not applications:
        return 0
    rt = _t("relocation_task")
    template = list(
        conn.execute(
            select(rt.c.title, rt.c.owner, rt.c.due_days)
            .where(rt.c.case_id.is_(None))
            .order_by(rt.c.position)
        )
    )
    ids = {
        name: (conn.execute(select(func.max(_t(name).c.id))).scalar() or 0)
        for name in ("immigration_case", "case_person")
    }
    cases: list[dict[str, Any]] = []
    people: list[dict[str, Any]] = []
    docs: list[dict[str, Any]] = []
    milestones: list[dict[str, Any]] = []
    tasks: list[dict[str, Any]] = []
    routes = [r for r, _w in ROUTE_WEIGHTS]
    weights = [w for _r, w in ROUTE_WEIGHTS]
    shut = False  # at least one case closed by hand, so every state shows
    for i, (app_id, name, nationality, owner, stage) in enumerate(applications):
        # The first few cycle through every route so a small demo shows them all.
        route = routes[i] if i < len(routes) else rng.choices(routes, weights)[0]
        category = None
        if route in (Route.z, Route.r):
            category = Category.a if route == Route.r else rng.choice(list(Category))
        steps = STEPS[route]
        level = _level(rng, route, str(stage))
        # The last dated step is recent; earlier ones are spaced back from it. Overdue clocks
        # come from steps dated long enough ago without the step that answers them.
        day = today - timedelta(days=rng.randint(0, 45))
        dated: dict[str, date] = {}
        for m in reversed(steps[:level]):
            dated[m.value] = day
            day -= timedelta(days=rng.randint(5, 20))
        ids["immigration_case"] += 1
        case_id = ids["immigration_case"]
        closed = stage != "arrived" and (rng.random() < 0.04 or (i >= len(routes) and not shut))
        shut = shut or closed
        opened = min([*dated.values(), today - timedelta(days=rng.randint(0, 30))])
        cases.append(
            {
                "id": case_id,
                "application_id": app_id,
                "route": route.value,
                "category": category.value if category else None,
                "state": state_of(route, dated, closed).value,
                "officer": owner,
                "opened_on": opened,
                "closed_on": today if closed else None,
                "closed_reason": "Candidate withdrew before the visa" if closed else None,
                "notes": None,
                "created_at": datetime.combine(today, time(), tzinfo=UTC),
            }
        )
        for kind_name, on in dated.items():
            expires = None
            number = None
            if kind_name in (Milestone.work_permit.value, Milestone.residence_permit.value):
                # Mostly a year or two; some expiring within weeks, so renewals show up.
                left = rng.choice((20, 35, 40, 365, 700, 720))
                expires = today + timedelta(days=left)
                prefix = "WP" if kind_name == "work_permit" else "RP"
                number = f"{prefix}{rng.randint(10**8, 10**9 - 1)}"
            milestones.append(
                {
                    "case_id": case_id,
                    "kind": kind_name,
                    "done_on": on,
                    "number": number,
                    "expires_on": expires,
                    "note": None,
                }
            )
        planned = None
        if Milestone.entry.value not in dated and route not in (Route.resident, Route.not_needed):
            planned = today + timedelta(days=rng.randint(-5, 90))
            milestones.append(
                {
                    "case_id": case_id,
                    "kind": Milestone.entry_planned.value,
                    "done_on": planned,
                    "number": None,
                    "expires_on": None,
                    "note": None,
                }
            )
        family = [(PersonRole.scholar, name)]
        if rng.random() < 0.3:
            family.append((PersonRole.spouse, f"{name.split()[0]}'s spouse"))
            if rng.random() < 0.5:
                family.append((PersonRole.child, f"{name.split()[0]}'s child"))
        for role, who in family:
            ids["case_person"] += 1
            pid = ids["case_person"]
            people.append(
                {
                    "id": pid,
                    "case_id": case_id,
                    "role": role.value,
                    "full_name": who,
                    "nationality": nationality or rng.choice(NATIONALITIES),
                    "passport_no": None,
                    "passport_expires": today + timedelta(days=rng.randint(200, 3000)),
                    "birth_date": None,
                }
            )
            done = min(len(DocStatus) - 1, level + rng.randint(0, 2))
            for kind in documents_for(role, route):
                status = list(DocStatus)[rng.randint(0, done)]
                docs.append(
                    {
                        "case_id": case_id,
                        "person_id": pid,
                        "kind": kind.value,
                        "status": status.value,
                        "status_on": None if status == DocStatus.needed else opened,
                        "note": None,
                    }
                )
        base = dated.get(Milestone.entry.value) or planned
        for pos, (title, owner_name, due_days) in enumerate(template):
            due = base + timedelta(days=due_days) if base and due_days is not None else None
            tasks.append(
                {
                    "case_id": case_id,
                    "position": pos,
                    "title": title,
                    "owner": owner_name,
                    "due_days": due_days,
                    "due_on": due,
                    "done_on": due if due and due < today and rng.random() < 0.8 else None,
                    "cost_minor": None,
                    "currency": None,
                    "offer_item_id": None,
                    "note": None,
                }
            )
    for name, rows in (
        ("immigration_case", cases),
        ("case_person", people),
        ("case_document", docs),
        ("case_milestone", milestones),
        ("relocation_task", tasks),
    ):
        for k in range(0, len(rows), 5000):
            conn.execute(insert(_t(name)), rows[k : k + 5000])
    return len(cases)
