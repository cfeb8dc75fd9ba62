"""Demo data for the approval gates: the office calendar's holidays for 2026-2027 (marked as
demo data an office would have entered from the State Council's notices), talent tiers and hire
types on the targets, gate templates for both demo universities, and decisions that put
applications at every gate, with one handled objection to a public notice, one rejection at the
expert review and one audited override of the gates.

Runs inside the demo's transaction (one Core connection), after the pipeline is written."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlmodel import Session, SQLModel, col

from recruiter.domain.enums import Outcome, Stage
from recruiter.domain.gates import DEFAULT_GATES, GateKind, GateRule, notice_end
from recruiter.domain.models import GateTemplate, Holiday
from recruiter.domain.workdays import Calendar

from . import applications, calendar
from .gates import records, templates

DEMO = " (demo data)"
CAP = 20_000  # applications given decisions (the most recent); bigger demos are for benchmarks


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# (name, first day, last day) off, and the weekend days worked instead (调休): demo data in the
# shape of the yearly notice, for the office to replace with its own.
HOLIDAYS: tuple[tuple[str, date, date], ...] = (
    ("New Year's Day", date(2026, 1, 1), date(2026, 1, 3)),
    ("Spring Festival", date(2026, 2, 15), date(2026, 2, 23)),
    ("Qingming Festival", date(2026, 4, 4), date(2026, 4, 6)),
    ("Labour Day", date(2026, 5, 1), date(2026, 5, 5)),
    ("Dragon Boat Festival", date(2026, 6, 19), date(2026, 6, 21)),
    ("Mid-Autumn Festival", date(2026, 9, 25), date(2026, 9, 27)),
    ("National Day", date(2026, 10, 1), date(2026, 10, 7)),
    ("New Year's Day", date(2027, 1, 1), date(2027, 1, 3)),
    ("Spring Festival", date(2027, 2, 6), date(2027, 2, 14)),
    ("Qingming Festival", date(2027, 4, 3), date(2027, 4, 5)),
    ("Labour Day", date(2027, 5, 1), date(2027, 5, 5)),
    ("Dragon Boat Festival", date(2027, 6, 9), date(2027, 6, 11)),
    ("Mid-Autumn Festival", date(2027, 9, 15), date(2027, 9, 17)),
    ("National Day", date(2027, 10, 1), date(2027, 10, 7)),
)
WORKDAYS: tuple[tuple[str, date], ...] = (
    ("New Year's Day", date(2026, 1, 4)),
    ("Spring Festival", date(2026, 2, 14)),
    ("Spring Festival", date(2026, 2, 28)),
    ("Labour Day", date(2026, 5, 9)),
    ("National Day", date(2026, 9, 20)),
    ("National Day", date(2026, 10, 10)),
    ("Spring Festival", date(2027, 2, 20)),
    ("Labour Day", date(2027, 4, 25)),
    ("National Day", date(2027, 9, 26)),
    ("National Day", date(2027, 10, 9)),
)

TIERS = (
    ("National leading talent", "国家级领军人才", "national"),
    ("National young talent", "国家级青年人才", "national"),
    ("Provincial talent", "省级人才", "provincial"),
    ("University distinguished professor", "校级特聘教授", "university"),
)

# The second university's procedure: five expert opinions (two named peers and three anonymous
# reviews would be recorded as five, anonymous by default), a seven-working-day notice.
SECOND: tuple[GateRule, ...] = (
    GateRule("School joint Party-administration meeting (学院党政联席会)", GateKind.meeting),
    GateRule(
        "Expert review (专家评审: 2 peer + 3 anonymous)",
        GateKind.expert_review,
        reviews_required=5,
        anonymous=True,
    ),
    GateRule("Talent-work leading group (人才工作领导小组)", GateKind.meeting),
    GateRule("Party standing committee (党委常委会, 三重一大)", GateKind.meeting),
    GateRule("Public notice (公示)", GateKind.public_notice, notice_days=7, guards=Stage.offer),
    GateRule("Background and integrity checks", GateKind.background_check, guards=Stage.offer),
)

OPINIONS = (
    "Internationally recognised work; strongly supports the appointment.",
    "Solid publication record and a clear research plan.",
    "Would strengthen the department's core area.",
    "Good fit; start-up request is reasonable.",
)


def _t(name: str) -> Any:
    return SQLModel.metadata.tables[name]


def write(conn: Connection, rng: random.Random, today: date, user: str) -> dict[str, int]:
    """Write the gates' demo data; returns counts for the demo summary's audit entry."""
    for name in ("gate_objection", "gate_review", "gate_record", "gate_template", "talent_tier"):
        conn.execute(delete(_t(name)))
    conn.execute(delete(_t("holiday")).where(col(Holiday.name).like(f"%{DEMO}")))
    holidays = _write_holidays(conn)
    _write_tiers(conn, rng)
    with Session(bind=conn) as s:
        insts = list(conn.execute(select(_t("institution").c.id).order_by("id")).scalars())
        for n, inst in enumerate(insts[:2]):
            templates.install_defaults_in(s, user, inst, DEFAULT_GATES if n == 0 else SECOND)
        s.flush()
        counts = _Decisions(s, rng, today, user, calendar.load_in(s)).write(insts[:2])
        s.flush()
        counts["holidays"] = holidays
    return counts


def _write_holidays(conn: Connection) -> int:
    taken = set(conn.execute(select(_t("holiday").c.day)).scalars())
    rows = [
        {"day": d, "name": f"{name}{DEMO}", "kind": "holiday"}
        for name, first, last in HOLIDAYS
        for d in _days(first, last)
        if d not in taken
    ]
    rows += [
        {"day": d, "name": f"{name} (adjusted working day){DEMO}", "kind": "workday"}
        for name, d in WORKDAYS
        if d not in taken
    ]
    if rows:
        conn.execute(insert(_t("holiday")), rows)
    return len(rows)


def _write_tiers(conn: Connection, rng: random.Random) -> None:
    conn.execute(
        insert(_t("talent_tier")),
        [
            {"name": n, "name_zh": zh, "level": lvl, "position": i}
            for i, (n, zh, lvl) in enumerate(TIERS, 1)
        ],
    )
    tiers = list(conn.execute(select(_t("talent_tier").c.id).order_by("id")).scalars())
    target = _t("target")
    for tid in list(conn.execute(select(target.c.id).order_by(target.c.id)).scalars()):
        tenure = rng.random() < 0.4
        conn.execute(
            update(target)
            .where(target.c.id == tid)
            .values(
                tier_id=rng.choice(tiers),
                hire_type="flexible" if rng.random() < 0.15 else "full_time",
                post_type="tenure_track" if tenure else "established",
                review_years=6 if tenure else None,
            )
        )


class _Decisions:
    """Decisions consistent with each application's stage, dated back from when it got there."""

    def __init__(
        self, s: Session, rng: random.Random, today: date, user: str, cal: Calendar
    ) -> None:
        self.s, self.rng, self.today, self.user, self.cal = s, rng, today, user, cal
        self.records: list[dict[str, Any]] = []
        self.reviews: list[dict[str, Any]] = []
        self.objections: list[dict[str, Any]] = []
        self.next_id = 1

    def write(self, institution_ids: Sequence[int]) -> dict[str, int]:
        s = self.s
        gates = {
            inst: templates_of(s, inst) for inst in institution_ids
        }  # institution -> [(template, rule)]
        app, target = _t("application"), _t("target")
        rows = (
            s.connection()
            .execute(
                select(
                    app.c.id,
                    app.c.stage,
                    app.c.outcome,
                    app.c.stage_changed_at,
                    target.c.institution_id,
                )
                .join(target, target.c.id == app.c.target_id)
                .where(
                    target.c.institution_id.in_(list(institution_ids)),
                    app.c.stage.in_([st.value for st in Stage if st.index >= Stage.review.index]),
                )
                .order_by(app.c.id.desc())
                .limit(CAP)
            )
            .all()
        )
        specials: dict[str, int] = {}
        for app_id, stage, outcome, changed_at, inst in reversed(rows):
            stage, outcome = Stage(stage), Outcome(outcome)
            kind = None
            if outcome == Outcome.active and stage == Stage.review:
                if "rejection" not in specials:
                    kind = specials["rejection"] = app_id
                elif "override" not in specials:
                    kind = specials["override"] = app_id
            if outcome == Outcome.active and stage == Stage.offer and "objection" not in specials:
                kind = specials["objection"] = app_id
            self._application(app_id, stage, outcome, changed_at, gates[inst], kind)
        conn = s.connection()
        for table, data in (
            ("gate_record", self.records),
            ("gate_review", self.reviews),
            ("gate_objection", self.objections),
        ):
            for i in range(0, len(data), 5000):
                conn.execute(insert(_t(table)), data[i : i + 5000])
        self._specials(specials, gates)
        return {
            "gate_records": len(self.records),
            "gate_reviews": len(self.reviews),
            "gate_objections": len(self.objections),
        }

    # -- one application --------------------------------------------------------------------
    def _application(
        self,
        app_id: int,
        stage: Stage,
        outcome: Outcome,
        changed_at: datetime,
        gates: list[tuple[GateTemplate, GateRule]],
        special: int | None,
    ) -> None:
        rng = self.rng
        reached = changed_at.date() if isinstance(changed_at, datetime) else self.today
        if special is not None and stage == Stage.review:
            return  # the rejection and the override are written through the services
        if stage == Stage.review:
            # Somewhere among the gates before `approved`: none, some or all decided.
            before = [g for g in gates if g[1].guards == Stage.approved and g[1].required]
            done = rng.randint(0, len(before))
            last = self._decide_run(app_id, gates, done, reached, after=True)
            if done < len(before) and before[done][1].kind == GateKind.expert_review and last:
                # Waiting at the expert review: some reviews in, the rest outstanding.
                self._waiting_reviews(app_id, before[done], last + timedelta(days=3))
            return
        # Past `approved`: every gate guarding `approved`; past `offer`, the rest too.
        wanted = [
            g
            for g in gates
            if g[1].guards is not None
            and (g[1].guards == Stage.approved or stage.index >= Stage.offer.index)
            and (g[1].required or rng.random() < 0.5)
        ]
        self._decide_run(app_id, gates, len(gates), reached, after=False, only=wanted)
        if stage == Stage.approved and outcome == Outcome.active:
            r = rng.random()
            if r < 0.35:
                self._notice_running(app_id, gates)
            elif r < 0.6:  # notice passed: waiting at the background checks
                notice = [g for g in gates if g[1].kind == GateKind.public_notice]
                self._decide_run(app_id, gates, 1, reached, after=True, only=notice)
        if stage == Stage.arrived and rng.random() < 0.5:
            tier = [g for g in gates if g[1].guards is None]
            if tier:
                self._record(app_id, tier[0], "approved", reached + timedelta(days=40))
        if special is not None:  # the offer-stage application with the handled objection
            posted = [g[0].id for g in gates if g[1].kind == GateKind.public_notice]
            rec = next(
                (
                    r
                    for r in self.records
                    if r["application_id"] == app_id and r["template_id"] in posted
                ),
                None,
            )
            if rec is not None:
                start = rec["notice_start"]
                self.objections.append(
                    {
                        "record_id": rec["id"],
                        "received_on": start + timedelta(days=2),
                        "summary": "An anonymous letter questioned the candidate's co-authored "
                        "2019 paper.",
                        "handling": "The college checked the paper with the co-authors and the "
                        "journal; authorship is correct. Reported to the talent-work group.",
                        "resolved_on": start + timedelta(days=4),
                    }
                )

    def _decide_run(
        self,
        app_id: int,
        gates: list[tuple[GateTemplate, GateRule]],
        count: int,
        reached: date,
        *,
        after: bool,
        only: list[tuple[GateTemplate, GateRule]] | None = None,
    ) -> date | None:
        """Decide the first `count` gates (or those in `only`), a week or two apart: after the
        application reached its stage (review) or before it (later stages). Returns the day of
        the last decision."""
        chosen = [g for g in gates if only is None or g in only][:count]
        if after:
            day = reached + timedelta(days=self.rng.randint(3, 10))
        else:
            day = reached - timedelta(days=12 * len(chosen) + 5)
        last = None
        for g in chosen:
            if day > self.today:
                break
            last = self._record(app_id, g, "approved", day)["decided_on"]
            day += timedelta(days=self.rng.randint(6, 14))
        return last

    def _record(
        self, app_id: int, gate: tuple[GateTemplate, GateRule], outcome: str, day: date
    ) -> dict[str, Any]:
        tmpl, rule = gate
        rec: dict[str, Any] = {
            "id": self.next_id,
            "application_id": app_id,
            "template_id": tmpl.id,
            "body": None,
            "outcome": outcome,
            "decided_on": day,
            "reference": _reference(rule, day, self.next_id),
            "notes": None,
            "notice_start": None,
            "notice_end": None,
            "opened_at": _midnight(day),
        }
        self.next_id += 1
        if rule.kind == GateKind.public_notice:
            start = self.cal.add_working_days(day, -rule.notice_days - 1)
            rec["notice_start"] = start
            rec["notice_end"] = notice_end(self.cal, start, rule.notice_days)
            rec["decided_on"] = max(day, rec["notice_end"])
        if rule.kind == GateKind.expert_review:
            self._reviews(rec["id"], rule, day, rule.reviews_required)
        self.records.append(rec)
        return rec

    def _reviews(self, record_id: int, rule: GateRule, day: date, received: int) -> None:
        for n in range(rule.reviews_required):
            got = n < received
            self.reviews.append(
                {
                    "record_id": record_id,
                    "reviewer": f"Reviewer {chr(65 + n)}",
                    "anonymous": rule.anonymous,
                    "requested_on": day - timedelta(days=21),
                    "received_on": day - timedelta(days=self.rng.randint(1, 10)) if got else None,
                    "score": self.rng.randint(78, 96) if got else None,
                    "opinion": self.rng.choice(OPINIONS) if got else None,
                }
            )

    def _waiting_reviews(self, app_id: int, gate: tuple[GateTemplate, GateRule], day: date) -> None:
        rec = self._open_record(app_id, gate, min(day, self.today))
        received = self.rng.randint(0, max(gate[1].reviews_required - 1, 0))
        self._reviews(rec["id"], gate[1], min(day + timedelta(days=21), self.today), received)

    def _open_record(
        self, app_id: int, gate: tuple[GateTemplate, GateRule], day: date
    ) -> dict[str, Any]:
        rec: dict[str, Any] = {
            "id": self.next_id,
            "application_id": app_id,
            "template_id": gate[0].id,
            "body": None,
            "outcome": None,
            "decided_on": None,
            "reference": None,
            "notes": None,
            "notice_start": None,
            "notice_end": None,
            "opened_at": _midnight(day),
        }
        self.next_id += 1
        self.records.append(rec)
        return rec

    def _notice_running(self, app_id: int, gates: list[tuple[GateTemplate, GateRule]]) -> None:
        """Half the active approved applications have their notice posted, ending soon."""
        notice = next((g for g in gates if g[1].kind == GateKind.public_notice), None)
        if notice is None or self.rng.random() < 0.5:
            return
        start = self.cal.add_working_days(self.today, -self.rng.randint(0, 3))
        rec = self._open_record(app_id, notice, start)
        rec["notice_start"] = start
        rec["notice_end"] = notice_end(self.cal, start, notice[1].notice_days)

    # -- through the services: a rejection at the expert review, an override ---------------------
    def _specials(
        self, specials: dict[str, int], gates: dict[int, list[tuple[GateTemplate, GateRule]]]
    ) -> None:
        s, user = self.s, self.user
        app_table, target = _t("application"), _t("target")

        def gates_of(app_id: int) -> list[tuple[GateTemplate, GateRule]]:
            inst = (
                s.connection()
                .execute(
                    select(target.c.institution_id)
                    .join(app_table, app_table.c.target_id == target.c.id)
                    .where(app_table.c.id == app_id)
                )
                .scalar_one()
            )
            return gates[inst]

        if "rejection" in specials:
            app_id = specials["rejection"]
            g = gates_of(app_id)
            day = min(self.today - timedelta(days=20), self.today)
            rec_id = self._open_record(app_id, g[1], day)["id"]  # before the ORM's ids
            s.connection().execute(insert(_t("gate_record")), [self.records.pop()])
            records.decide_in(
                s,
                user,
                app_id,
                g[0][0].id or 0,
                outcome="approved",
                decided_on=day,
                reference="College meeting minutes (demo)",
            )
            for n in range(g[1][1].reviews_required):
                s.connection().execute(
                    insert(_t("gate_review")).values(
                        record_id=rec_id,
                        reviewer=f"Reviewer {chr(65 + n)}",
                        anonymous=g[1][1].anonymous,
                        requested_on=day,
                        received_on=day + timedelta(days=10),
                        score=55 + n * 3,
                        opinion="The research plan does not match the post's field.",
                    )
                )
            records.decide_in(
                s,
                user,
                app_id,
                g[1][0].id or 0,
                outcome="rejected",
                decided_on=day + timedelta(days=14),
                notes="Expert reviewers found the research plan outside the post's field",
            )
        if "override" in specials:
            app_id = specials["override"]
            applications.move_in(
                s,
                user,
                app_id,
                Stage.approved,
                note="fast track (demo)",
                override="Vice-president approved a fast track; the college meeting follows "
                "(demo data)",
            )


def templates_of(s: Session, institution_id: int) -> list[tuple[GateTemplate, GateRule]]:
    from .gate_guard import rule_of, templates_in

    return [(t, rule_of(t)) for t in templates_in(s, institution_id)]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def _reference(rule: GateRule, day: date, n: int) -> str | None:
    if rule.kind == GateKind.meeting:
        return f"Minutes {day.year}-{n % 90 + 1:02d}"
    if rule.kind == GateKind.public_notice:
        return f"Notice {day.year}-{n % 60 + 1:02d}"
    return None


__all__ = ["HOLIDAYS", "TIERS", "WORKDAYS", "write"]
