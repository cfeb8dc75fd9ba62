"""Demo money over time: payment schedules on accepted offers (every trigger kind), service
periods and assessments for hires, monthly batches already paid, one sent and unpaid, one failed
assessment stopping a tranche and one early departure with its refund. Core inserts in the demo's
own transaction, laid out relative to today like the rest of the demo."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select
from sqlmodel import SQLModel

from recruiter.domain import figures
from recruiter.domain.instalments import (
    Facts,
    add_years,
    clawback,
    months_between,
    trigger_met_on,
)
from recruiter.domain.money import format_amount

from .payments.schedules import Line, amounts_for, template

MAX_OFFERS = 80  # schedules for this many accepted offers, so large demos stay fast
PAID_AFTER = 20  # days from trigger to payment in the demo's history


def _t(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def add(conn: Connection, today: date) -> dict[str, int]:
    """Schedules, batches, assessments and one departure; returns counts."""
    gone = ("refund_receipt", "refund", "departure", "year_close", "instalment", "finance_batch")
    for name in gone:
        conn.execute(_t(name).delete())  # a --force demo replaces them
    offer, item, event = _t("offer"), _t("offer_item"), _t("stage_event")
    accepted = conn.execute(
        select(offer.c.id, offer.c.application_id, offer.c.responded_on, offer.c.start_on)
        .where(offer.c.status == "accepted")
        .order_by(offer.c.id)
        .limit(MAX_OFFERS)
    ).all()
    if not accepted:
        return {"instalments": 0}
    app_ids = [r[1] for r in accepted]
    arrived = {
        r[0]: r[1].date() if isinstance(r[1], datetime) else date.fromisoformat(str(r[1])[:10])
        for r in conn.execute(
            select(event.c.application_id, func.min(event.c.at))
            .where(event.c.application_id.in_(app_ids), event.c.to_stage == "arrived")
            .group_by(event.c.application_id)
        ).all()
    }
    # Service periods (8 and 5 years) and their assessments for the hires.
    service: dict[int, tuple[date, int]] = {}
    assessments: list[dict[str, Any]] = []
    for n, app in enumerate(a for a in app_ids if a in arrived):
        years = 8 if n % 2 == 0 else 5
        start = arrived[app]
        service[app] = (start, years)
        annual = date(start.year, 12, 1)  # 年度考核 is held each December
        assessments += [
            _assessment(app, "annual", annual if annual > start else add_years(annual, 1), 1),
            _assessment(app, "mid_term", add_years(start, years // 2), None),
            _assessment(app, "end_of_term", add_years(start, years), None),
        ]
    if service:
        conn.execute(
            insert(_t("service_period")),
            [{"application_id": a, "starts_on": s, "years": y} for a, (s, y) in service.items()],
        )
    held = sorted(
        (a["due_on"], a["application_id"])
        for a in assessments
        if a["kind"] == "annual" and a["due_on"] < today
    )
    failed_app = held[0][1] if held else None
    for a in assessments:  # annual reviews already due get a result; one of them fails
        if a["due_on"] < today:
            a["result"] = "不合格" if a["application_id"] == failed_app else "合格"
            a["result_on"] = min(a["due_on"] + timedelta(days=7), today)
    if assessments:
        conn.execute(insert(_t("assessment")), assessments)
    ids = {
        (r[1], r[2]): r[0]
        for r in conn.execute(
            select(
                _t("assessment").c.id, _t("assessment").c.application_id, _t("assessment").c.kind
            )
        ).all()
    }
    # Schedules from the templates; a few lines made to show every trigger kind.
    items = conn.execute(
        select(
            item.c.id,
            item.c.offer_id,
            item.c.kind,
            item.c.amount_minor,
            item.c.period,
            item.c.years,
        )
        .where(item.c.offer_id.in_([r[0] for r in accepted]))
        .order_by(item.c.id)
    ).all()
    by_offer = {r[0]: r for r in accepted}
    rows: list[dict[str, Any]] = []
    for it in items:
        oid, app = it[1], by_offer[it[1]][1]
        lines: Sequence[Line] = template(it[2], it[4], it[5], "standard")
        if it[2] == "relocation":  # paid on a fixed date: 30 days after signing
            signed = by_offer[oid][2] or today
            lines = [Line("date", percent=100, trigger_on=signed + timedelta(days=30))]
        if it[2] == "housing" and app in service:  # the rest after the first annual review
            lines = [
                Line("signing", percent=60, clawback="full"),
                Line("assessment", percent=40, assessment_kind="annual", trigger_year=1),
            ]
        total = figures.item_life_cost(it[3], it[4], it[5])
        for seq, (line, amount) in enumerate(zip(lines, amounts_for(total, lines), strict=True), 1):
            rows.append(
                {
                    "offer_item_id": it[0],
                    "seq": seq,
                    "amount_minor": amount,
                    "funding_source_id": line.funding_source_id,
                    "trigger": str(line.trigger),
                    "trigger_on": line.trigger_on,
                    "trigger_year": line.trigger_year,
                    "assessment_kind": line.assessment_kind,
                    "status": "planned",
                    "batch_id": None,
                    "paid_on": None,
                    "lapses": line.lapses,
                    "clawback": str(line.clawback),
                    "ended_by": None,
                    "_app": app,
                }
            )
    # When each trigger was met; history is paid in monthly batches, this month's is sent.
    facts = {}
    for _oid, app, signed, starts in accepted:
        passed: dict[tuple[str, int | None], date] = {}
        for a in assessments:
            if a["application_id"] == app and a.get("result") == "合格":
                passed[(a["kind"], a["year"])] = a["result_on"]
        begun = service[app][0] if app in service else None
        facts[app] = Facts(signed, arrived.get(app), begun, passed, starts)
    batches: dict[str, list[dict[str, Any]]] = {}
    this_month = f"{today:%Y-%m}"
    for r in rows:
        met = trigger_met_on(
            r["trigger"], facts[r["_app"]], r["trigger_on"], r["trigger_year"], r["assessment_kind"]
        )
        if r["assessment_kind"] == "annual" and r["_app"] == failed_app:
            r["status"] = "stopped"
            r["ended_by"] = f"assessment:{ids[(failed_app, 'annual')]}"
        elif met is not None and met + timedelta(days=PAID_AFTER) <= today:
            r["status"], r["paid_on"] = "paid", met + timedelta(days=PAID_AFTER)
            batches.setdefault(f"{met:%Y-%m}", []).append(r)
        elif met is not None and met <= today and len(batches.get(this_month, [])) < 3:
            r["status"] = "sent"
            batches.setdefault(this_month, []).append(r)
    now = datetime.combine(today, time(1), tzinfo=UTC)
    for n, (month, members) in enumerate(sorted(batches.items()), 1):
        conn.execute(
            insert(_t("finance_batch")),
            [
                {
                    "id": n,
                    "month": month,
                    "created_at": now,
                    "created_by": "demo",
                    "file_name": None,
                    "rows": len(members),
                    "cancelled_at": None,
                }
            ],
        )
        for r in members:
            r["batch_id"] = n
    for n, r in enumerate(rows, 1):
        r["id"] = n
    conn.execute(
        insert(_t("instalment")), [{k: v for k, v in r.items() if k != "_app"} for r in rows]
    )
    refunds = _departure(conn, rows, service, failed_app, today)
    return {"instalments": len(rows), "batches": len(batches), "refunds": refunds}


def _assessment(app: int, kind: str, due: date, year: int | None) -> dict[str, Any]:
    return {
        "application_id": app,
        "kind": kind,
        "year": year,
        "due_on": due,
        "result": None,
        "result_on": None,
        "note": None,
    }


def _departure(
    conn: Connection,
    rows: list[dict[str, Any]],
    service: dict[int, tuple[date, int]],
    failed_app: int | None,
    today: date,
) -> int:
    """One hire (with paid money) leaves early: refunds by each item's rule, the rest stops."""
    paid_apps = [
        a
        for a in service
        if a != failed_app and any(r["_app"] == a and r["status"] == "paid" for r in rows)
    ]
    if not paid_apps:
        return 0
    app = paid_apps[-1]
    start, years = service[app]
    left = max(start + timedelta(days=60), today - timedelta(days=10))
    served, months = months_between(start, left), years * 12
    conn.execute(
        insert(_t("departure")),
        [
            {
                "id": 1,
                "application_id": app,
                "left_on": left,
                "months_served": served,
                "service_months": months,
                "recorded_at": datetime.combine(today, time(2), tzinfo=UTC),
            }
        ],
    )
    item = _t("offer_item")
    mine = [r for r in rows if r["_app"] == app]
    sources: dict[int, int | None] = {
        r[0]: r[1]
        for r in conn.execute(
            select(item.c.id, item.c.funding_source_id).where(
                item.c.id.in_({r["offer_item_id"] for r in mine})
            )
        ).all()
    }
    paid: dict[tuple[int, str], int] = {}
    for r in mine:
        if r["status"] == "paid":
            key = (r["offer_item_id"], r["clawback"])
            paid[key] = paid.get(key, 0) + r["amount_minor"]
        elif r["status"] in ("planned", "sent"):
            conn.execute(
                _t("instalment")
                .update()
                .where(_t("instalment").c.id == r["id"])
                .values(status="stopped", ended_by="departure:1", batch_id=None)
            )
    refunds = []
    for (item_id, rule), amount in paid.items():
        w = clawback(rule, amount, served, months, lambda m: format_amount(m, "CNY"))
        if w.amount:
            refunds.append(
                {
                    "departure_id": 1,
                    "offer_item_id": item_id,
                    "funding_source_id": sources.get(item_id),
                    "amount_minor": w.amount,
                    "currency": "CNY",
                    "rule": rule,
                    "working": w.working[:500],
                    "on": left,
                }
            )
    if refunds:
        conn.execute(insert(_t("refund")), refunds)
        _receive_part(conn, left, today)
    return len(refunds)


def _receive_part(conn: Connection, left: date, today: date) -> None:
    """Half of the first refund came back (a month after the departure, or today); the rest of
    it and the other refunds are still owed."""
    refund = _t("refund")
    first = conn.execute(
        select(refund.c.id, refund.c.amount_minor).order_by(refund.c.id).limit(1)
    ).first()
    on = min(left + timedelta(days=30), today)
    if first is not None and left <= on and first[1] >= 2:
        conn.execute(
            insert(_t("refund_receipt")).values(
                refund_id=first[0],
                received_on=on,
                amount_minor=first[1] // 2,
                recorded_at=datetime.now(UTC),
                recorded_by="demo",
            )
        )
