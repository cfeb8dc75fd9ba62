"""Synthetic, deterministic demo data (`recruiter demo`). Written with Core bulk inserts so that
100,000 candidates take seconds: benchmarks are measured on it.

Dates are laid out relative to today, so the demo always looks current: the same seed on the same
day gives the same database."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select
from sqlmodel import SQLModel

from recruiter.domain.enums import STAGES, ActivityKind, OfferStatus, Outcome, Stage
from recruiter.domain.identity import orcid_check_char, person_key
from recruiter.errors import ConflictError, RecruiterError
from recruiter.i18n import _
from recruiter.store import search, statistics
from recruiter.store.database import Database

from . import audit, demo_gates, demo_payments, demo_visas, immigration
from .demo_names import (
    DEGREES,
    FIELDS,
    FIRST_NAMES,
    INSTITUTIONS_ABROAD,
    LAST_NAMES,
    OWNERS,
    POSITIONS,
    SOURCES,
    TAGS,
    ZH_GIVEN,
    ZH_SURNAMES,
    gender_of,
    tags_for,
)

DEFAULT_SIZE = 300
CHUNK = 5_000

# (name, name_zh, city, departments [(name, name_zh)], province programme)
HOME_INSTITUTIONS = (
    (
        "Wuhan University",
        "武汉大学",
        "Wuhan",
        (
            ("School of Chemistry and Molecular Sciences", "化学与分子科学学院"),
            ("School of Computer Science", "计算机学院"),
            (
                "State Key Laboratory of Information Engineering in Surveying, Mapping "
                "and Remote Sensing",
                "测绘遥感信息工程国家重点实验室",
            ),
            ("School of Basic Medical Sciences", "基础医学院"),
            ("Economics and Management School", "经济与管理学院"),
        ),
        ("Hubei Chutian Scholars Programme", "楚天学者计划"),
    ),
    (
        "Fudan University",
        "复旦大学",
        "Shanghai",
        (
            ("Department of Physics", "物理学系"),
            ("School of Computer Science", "计算机科学技术学院"),
            ("Shanghai Medical College", "上海医学院"),
            ("Department of Materials Science", "材料科学系"),
            ("Department of Atmospheric and Oceanic Sciences", "大气与海洋科学系"),
        ),
        ("Shanghai Eastern Scholar Programme", "东方学者计划"),
    ),
    (
        "Huazhong University of Science and Technology",
        "华中科技大学",
        "Wuhan",
        (
            ("School of Materials Science and Engineering", "材料科学与工程学院"),
            ("School of Artificial Intelligence and Automation", "人工智能与自动化学院"),
            ("Tongji Medical College", "同济医学院"),
        ),
        ("Hubei Chutian Scholars Programme", "楚天学者计划"),
    ),
    (
        "Zhejiang University",
        "浙江大学",
        "Hangzhou",
        (
            ("College of Physics", "物理学院"),
            ("College of Computer Science and Technology", "计算机科学与技术学院"),
            ("School of Medicine", "医学院"),
        ),
        ("Zhejiang Qianjiang Talent Programme", "钱江人才计划"),
    ),
)
DEPT_FIELDS = {
    "Chemistry": "Battery materials",
    "Computer": "Artificial intelligence",
    "Artificial": "Artificial intelligence",
    "Remote": "Remote sensing",
    "Medic": "Biomedicine",
    "Economics": "Economics",
    "Physics": "Quantum information",
    "Materials": "Materials science",
    "Atmospheric": "Climate science",
}
RANKS = ("Professor", "Associate Professor", "Young Researcher", "Distinguished Professor")
PROGRAMMES = (
    "National High-Level Young Talent Programme",
    "Provincial talent programme",
    "University Hundred Talents",
    None,
)
STAGE_WEIGHTS = (30, 22, 14, 12, 6, 5, 3, 3, 5)  # identified .. arrived


@dataclass
class DemoSummary:
    institutions: int = 0
    departments: int = 0
    targets: int = 0
    candidates: int = 0
    applications: int = 0
    stage_events: int = 0
    activities: int = 0
    funding_sources: int = 0
    offers: int = 0
    offer_items: int = 0

    def as_json(self) -> dict[str, int]:
        return dict(self.__dict__)


def _t(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def is_empty(db: Database) -> bool:
    with db.engine.connect() as conn:
        for name in ("candidate", "institution", "funding_source"):
            if conn.execute(select(func.count()).select_from(_t(name))).scalar_one():
                return False
    return True


def _wipe(conn: Connection) -> None:
    for name in (
        "offer_item",
        "offer",
        "activity",
        "stage_event",
        "application",
        "candidate",
        "funding_source",
        "target",
        "department",
        "institution",
        "import_batch",
        "exchange_rate",
    ):
        conn.execute(_t(name).delete())


def generate(
    db: Database,
    size: int = DEFAULT_SIZE,
    seed: int = 1,
    force: bool = False,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> DemoSummary:
    """Fill the database; refuses a non-empty one unless `force` (which replaces its data).
    One transaction: Cancel or an error leaves the database as it was."""
    if size < 1 or size > 2_000_000:
        raise ConflictError(_("--size must be between 1 and 2,000,000 candidates."))
    if not force and not is_empty(db):
        raise ConflictError(
            _(
                "The database already holds data. Use --force to replace it with demo "
                "data (everything in it will be deleted)."
            )
        )
    gen = _Generator(random.Random(seed), size, today or date.today())
    with (
        db.transaction() as conn,
        search.without_indexes(conn, BULK_TABLES),
        search.bulk_load(conn),
        search.large_cache(conn),
    ):
        # The search index is rebuilt once at the end instead of row by row.
        if force:
            _wipe(conn)

        def step(done: int, total: int) -> None:
            if cancelled is not None and cancelled():
                raise DemoCancelled("Loading demo data was cancelled; nothing was written.")
            if progress is not None:
                progress(done, total)

        summary = gen.write(conn, step)
        demo_gates.write(conn, gen.rng, gen.today, db.user)  # approval gates, holidays, tiers
        demo_visas.write(conn, gen.rng, gen.today)  # immigration cases of the hires
        demo_payments.add(conn, gen.today)
        # Entity "database": the announced Changes say that everything was replaced.
        entry = audit.entry(db.user, "database", None, "demo", {"seed": seed, **summary.as_json()})
        audit.record_many(conn, [entry])
        statistics.refresh(conn)
    immigration.refresh_next_due(db)  # the cases' stored next deadlines (bulk-written above)
    return summary


# The tables the demo fills by the ten thousand: their indexes are built once at the end.
BULK_TABLES = ("candidate", "application", "stage_event", "activity", "offer", "offer_item")


class DemoCancelled(RecruiterError):
    """The user pressed Cancel while demo data was being generated."""


class _Generator:
    def __init__(self, rng: random.Random, size: int, today: date) -> None:
        self.rng = rng
        self.size = size
        self.today = today
        # Midnight UTC less 14 h: never in the future, whatever the local time zone (UTC+14 at
        # most), and the same for every run on the same day, which keeps the demo deterministic.
        self.now = datetime.combine(today, time(0, 0), tzinfo=UTC) - timedelta(hours=14)
        self.start = self.now - timedelta(days=548)  # 18 months of history

    # -- helpers -------------------------------------------------------------------------
    def _insert(self, conn: Connection, table: str, rows: list[dict[str, Any]]) -> None:
        """Bulk insert. On SQLite, plain tuples through the driver's executemany, with dates
        formatted as SQLAlchemy stores them (3x faster than Core's per-value processing)."""
        if not rows:
            return
        t = _t(table)
        if conn.dialect.name != "sqlite":
            for i in range(0, len(rows), CHUNK):
                conn.execute(insert(t), rows[i : i + CHUNK])
            return
        cols = list(rows[0])
        names = ", ".join(f'"{c}"' for c in cols)
        marks = ", ".join("?" for _col in cols)
        sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
        plain = _PLAIN
        if len(cols) == 1:
            conn.exec_driver_sql(sql, [(_raw(r[cols[0]]),) for r in rows])
            return
        get = itemgetter(*cols)
        conn.exec_driver_sql(
            sql,
            [tuple(v if type(v) in plain else _raw(v) for v in get(r)) for r in rows],
        )

    def write(self, conn: Connection, progress: Callable[[int, int], None] | None) -> DemoSummary:
        rng = self.rng
        s = DemoSummary()
        report = progress or (lambda _d, _t: None)
        total_steps = 6
        # Institutions, departments, targets.
        inst_rows, dept_rows, target_rows = [], [], []
        dept_id = target_id = 0
        targets: list[tuple[int, int, str]] = []  # (id, institution id, field)
        for inst_id, (name, name_zh, city, depts, _prog) in enumerate(HOME_INSTITUTIONS, 1):
            inst_rows.append(
                {"id": inst_id, "name": name, "name_zh": name_zh, "city": city, "country": "China"}
            )
            for dname, dname_zh in depts:
                dept_id += 1
                dept_rows.append(
                    {"id": dept_id, "institution_id": inst_id, "name": dname, "name_zh": dname_zh}
                )
                field = next((f for k, f in DEPT_FIELDS.items() if k in dname), "Materials science")
                for _target in range(rng.randint(2, 4)):
                    target_id += 1
                    area = rng.choice(FIELDS[field])
                    rank = rng.choice(RANKS)
                    target_rows.append(
                        {
                            "id": target_id,
                            "institution_id": inst_id,
                            "department_id": dept_id,
                            "title": f"{rank} in {area}",
                            "field": field,
                            "rank": rank,
                            "talent_programme": rng.choice(PROGRAMMES),
                            "headcount": rng.choice((1, 1, 2, 2, 3, 5)),
                            "status": "open",
                            "owner": rng.choice(OWNERS),
                            "fill_by": self.today + timedelta(days=rng.randint(60, 540)),
                            "notes": None,
                            "created_at": self.start - timedelta(days=30),
                        }
                    )
                    targets.append((target_id, inst_id, field))
        self._insert(conn, "institution", inst_rows)
        self._insert(conn, "department", dept_rows)
        self._insert(conn, "target", target_rows)
        s.institutions, s.departments, s.targets = len(inst_rows), len(dept_rows), len(target_rows)
        report(1, total_steps)

        # Funding sources: national, provincial and university budgets per institution.
        sources: dict[tuple[int, str], int] = {}
        src_rows: list[dict[str, Any]] = []
        fy = self.today.year
        for inst_id, (name, _zh, _city, _d, (prog, prog_zh)) in enumerate(HOME_INSTITUTIONS, 1):
            for kind, label in (
                ("national", f"National Talent Programme {fy} – {name}"),
                ("provincial", f"{prog} ({prog_zh}) {fy} – {name}"),
                ("university", f"{name} Recruitment Pool {fy}"),
            ):
                sid = len(src_rows) + 1
                sources[(inst_id, kind)] = sid
                src_rows.append(
                    {
                        "id": sid,
                        "name": label,
                        "kind": kind,
                        "institution_id": inst_id,
                        "fiscal_year": fy,
                        "total_minor": 0,
                        "currency": "CNY",
                        "notes": None,
                    }
                )

        # Candidates.
        cand_rows: list[dict[str, Any]] = []
        fields = list(FIELDS)
        for cid in range(1, self.size + 1):
            chinese = rng.random() < 0.45
            cand_zh: str | None
            if chinese:
                zs, zp = rng.choice(ZH_SURNAMES)
                gs, gp = rng.choice(ZH_GIVEN)
                full, cand_zh = f"{gp} {zp}", zs + gs
                first, last = gp, zp
                gender = gender_of(gs)
            else:
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                full, cand_zh = f"{first} {last}", None
                gender = gender_of(first)
            inst, country, domain = rng.choice(INSTITUTIONS_ABROAD)
            field = rng.choice(fields)
            phd = rng.randint(1990, self.today.year - 1)
            created = self.start + timedelta(days=rng.randint(0, 540), hours=rng.randint(0, 23))
            email = f"{first.lower()}.{last.lower()}.{cid}@{domain}"
            body = f"{cid:015d}"
            orcid_digits = "0000" + body[-11:]
            orcid_digits = orcid_digits[:15]
            check = orcid_check_char(orcid_digits)
            d = orcid_digits + check
            orcid = f"{d[0:4]}-{d[4:8]}-{d[8:12]}-{d[12:16]}" if rng.random() < 0.7 else None
            tags = tags_for(gender, rng.sample(TAGS, rng.randint(0, 2)))
            cand_rows.append(
                {
                    "id": cid,
                    "full_name": full,
                    "name_zh": cand_zh,
                    "email": email,
                    "orcid": orcid,
                    "phone": f"+1 555 {rng.randint(1000000, 9999999)}"
                    if rng.random() < 0.5
                    else None,
                    "gender": gender,
                    "birth_date": date(
                        phd - rng.randint(26, 32), rng.randint(1, 12), rng.randint(1, 28)
                    ),
                    "nationality": "China" if chinese and rng.random() < 0.8 else country,
                    "current_institution": inst,
                    "current_position": rng.choice(POSITIONS),
                    "country": country,
                    "field": field,
                    "research_area": rng.choice(FIELDS[field]),
                    "highest_degree": rng.choice(DEGREES),
                    "degree_institution": rng.choice(INSTITUTIONS_ABROAD)[0],
                    "phd_year": phd,
                    "h_index": max(0, int(rng.gauss(22, 12))),
                    "source": rng.choice(SOURCES),
                    "tags": tags,
                    "notes": None,
                    "consent_at": created,
                    "person_key": person_key(full, cand_zh, inst),
                    "import_batch_id": None,
                    "created_at": created,
                    "updated_at": created,
                }
            )
        self._insert(conn, "candidate", cand_rows)
        s.candidates = len(cand_rows)
        report(2, total_steps)

        # Applications with stage history. Targets are weighted so one pipeline is large.
        target_weights = [1.0 / (i + 1) ** 0.6 for i in range(len(targets))]
        app_rows: list[dict[str, Any]] = []
        ev_rows: list[dict[str, Any]] = []
        act_rows: list[dict[str, Any]] = []
        offers_todo: list[tuple[int, int, Stage, Outcome, datetime]] = []  # app, inst, ...
        app_id = 0
        seen: set[tuple[int, int]] = set()
        for cand in cand_rows:
            if rng.random() > 0.55:
                continue
            for _offer in range(1 if rng.random() < 0.85 else 2):
                t_id, inst_id, _field = rng.choices(targets, weights=target_weights)[0]
                if (cand["id"], t_id) in seen:
                    continue
                seen.add((cand["id"], t_id))
                app_id += 1
                stage_ix = rng.choices(range(len(STAGES)), weights=STAGE_WEIGHTS)[0]
                stage = STAGES[stage_ix]
                at = max(cand["created_at"], self.start) + timedelta(days=rng.randint(0, 60))
                at = min(at, self.now - timedelta(hours=rng.randint(1, 72)))  # never in the future
                created = at
                events: list[tuple[Stage | None, Stage, datetime]] = [(None, Stage.identified, at)]
                for ix in range(1, stage_ix + 1):
                    at = at + timedelta(days=rng.randint(4, 45), hours=rng.randint(0, 8))
                    events.append((STAGES[ix - 1], STAGES[ix], at))
                # Squeeze history that ran past today back into the window.
                if at > self.now:
                    span = (at - created).total_seconds() or 1
                    room = (self.now - timedelta(days=rng.randint(0, 20)) - created).total_seconds()
                    factor = max(room, 0) / span
                    events = [(f, to, created + (ts - created) * factor) for f, to, ts in events]
                    at = events[-1][2]
                outcome = self._outcome(stage)
                owner = rng.choice(OWNERS)
                for f, to, ts in events:
                    ev_rows.append(
                        {
                            "application_id": app_id,
                            "from_stage": f,
                            "to_stage": to,
                            "outcome": "hired" if to == Stage.arrived else "active",
                            "at": ts,
                            "note": None,
                            "by": owner,
                        }
                    )
                closed_reason = None
                if outcome not in (Outcome.active, Outcome.hired):
                    closed_at = min(at + timedelta(days=rng.randint(1, 30)), self.now)
                    closed_reason = {
                        "declined": "Accepted another offer",
                        "rejected": "Not a fit for the position",
                        "withdrawn": "Family reasons",
                        "on_hold": "Waiting for budget",
                    }[outcome.value]
                    ev_rows.append(
                        {
                            "application_id": app_id,
                            "from_stage": stage,
                            "to_stage": stage,
                            "outcome": outcome.value,
                            "at": closed_at,
                            "note": closed_reason,
                            "by": owner,
                        }
                    )
                app_rows.append(
                    {
                        "id": app_id,
                        "candidate_id": cand["id"],
                        "target_id": t_id,
                        "stage": stage.value,
                        "outcome": outcome.value,
                        "owner": owner,
                        "priority": rng.randint(0, 3),
                        "stage_changed_at": at,
                        "closed_reason": closed_reason,
                        "created_at": created,
                    }
                )
                for _k in range(rng.randint(1, 3)):
                    kind = rng.choice(list(ActivityKind))
                    when = created + (at - created) * rng.random()
                    due = None
                    done = True
                    if kind == ActivityKind.task or rng.random() < 0.15:
                        due = self.today + timedelta(days=rng.randint(-20, 30))
                        done = outcome != Outcome.active or rng.random() < 0.3
                    act_rows.append(
                        {
                            "candidate_id": cand["id"],
                            "application_id": app_id,
                            "kind": kind.value,
                            "at": when,
                            "summary": _activity_summary(kind, stage),
                            "due_on": due,
                            "done": done,
                        }
                    )
                if stage.index >= Stage.offer.index:
                    offers_todo.append((app_id, inst_id, stage, outcome, at))
        self._insert(conn, "application", app_rows)
        report(3, total_steps)
        self._insert(conn, "stage_event", ev_rows)
        report(4, total_steps)
        self._insert(conn, "activity", act_rows)
        s.applications, s.stage_events, s.activities = len(app_rows), len(ev_rows), len(act_rows)
        report(5, total_steps)

        # Offers with itemised CNY packages.
        offer_rows: list[dict[str, Any]] = []
        item_rows: list[dict[str, Any]] = []
        spent: dict[int, int] = {}
        for app, inst_id, stage, outcome, at in offers_todo:
            statuses = self._offer_statuses(stage, outcome)
            for rev, status in enumerate(statuses, 1):
                oid = len(offer_rows) + 1
                extended = (at - timedelta(days=rng.randint(5, 20))).date()
                expires = extended + timedelta(days=30)
                if status == OfferStatus.extended:
                    extended = self.today - timedelta(days=rng.randint(1, 25))
                    expires = extended + timedelta(days=rng.randint(14, 40))
                responded = (
                    min(extended + timedelta(days=rng.randint(3, 20)), self.today)
                    if status in (OfferStatus.accepted, OfferStatus.declined)
                    else None
                )
                created = min(at, datetime.combine(extended - timedelta(days=3), time(9), UTC))
                offer_rows.append(
                    {
                        "id": oid,
                        "application_id": app,
                        "revision": rev,
                        "rank": rng.choice(RANKS),
                        "start_on": self.today + timedelta(days=120),
                        "status": status.value,
                        "extended_on": extended if status != OfferStatus.draft else None,
                        "expires_on": expires if status != OfferStatus.draft else None,
                        "responded_on": responded,
                        "notes": None,
                        "created_at": created,
                    }
                )
                salary = rng.randrange(500_000, 1_200_000, 10_000) * 100
                package = (
                    ("salary", salary, "annual", 3, "university"),
                    (
                        "settling_in",
                        rng.randrange(1_000_000, 3_000_000, 100_000) * 100,
                        "one_off",
                        1,
                        "provincial",
                    ),
                    (
                        "housing",
                        rng.randrange(300_000, 1_000_000, 50_000) * 100,
                        "one_off",
                        1,
                        "university",
                    ),
                    (
                        "startup_research",
                        rng.randrange(2_000_000, 10_000_000, 500_000) * 100,
                        "one_off",
                        1,
                        "national",
                    ),
                    (
                        "relocation",
                        rng.randrange(20_000, 80_000, 5_000) * 100,
                        "one_off",
                        1,
                        "university",
                    ),
                )
                for kind, amount, period, years, fund_kind in package:
                    sid = sources[(inst_id, fund_kind)]
                    item_rows.append(
                        {
                            "offer_id": oid,
                            "kind": kind,
                            "amount_minor": amount,
                            "currency": "CNY",
                            "period": period,
                            "years": years,
                            "funding_source_id": sid,
                        }
                    )
                    if status in (OfferStatus.approved, OfferStatus.extended, OfferStatus.accepted):
                        spent[sid] = spent.get(sid, 0) + amount * years
        # Budgets sized so most sources have room and a couple are nearly exhausted.
        for row in src_rows:
            used = spent.get(row["id"], 0)
            headroom = rng.choice((1.05, 1.2, 1.5, 2.0, 3.0))
            base = 20_000_000 * 100 if row["kind"] == "national" else 10_000_000 * 100
            row["total_minor"] = max(base, int(used * headroom) // 100_000_00 * 100_000_00)
        self._insert(conn, "funding_source", src_rows)
        self._insert(conn, "offer", offer_rows)
        self._insert(conn, "offer_item", item_rows)
        conn.execute(
            insert(_t("exchange_rate")),
            [
                {"currency": "USD", "rate": "7.10", "updated_at": self.now},
                {"currency": "EUR", "rate": "7.75", "updated_at": self.now},
                {"currency": "GBP", "rate": "9.05", "updated_at": self.now},
            ],
        )
        s.funding_sources, s.offers, s.offer_items = len(src_rows), len(offer_rows), len(item_rows)
        report(6, total_steps)
        return s

    def _outcome(self, stage: Stage) -> Outcome:
        if stage == Stage.arrived:
            return Outcome.hired
        r = self.rng.random()
        if r < 0.62:
            return Outcome.active
        if r < 0.68:
            return Outcome.on_hold
        if r < 0.80:
            return Outcome.rejected if stage.index < Stage.offer.index else Outcome.declined
        if r < 0.90:
            return Outcome.declined
        return Outcome.withdrawn

    def _offer_statuses(self, stage: Stage, outcome: Outcome) -> list[OfferStatus]:
        rng = self.rng
        if stage.index > Stage.offer.index:
            final = OfferStatus.accepted
        elif outcome == Outcome.declined:
            final = OfferStatus.declined
        elif outcome == Outcome.withdrawn:
            final = OfferStatus.withdrawn
        elif outcome in (Outcome.rejected, Outcome.on_hold):
            final = rng.choice((OfferStatus.draft, OfferStatus.expired))
        else:
            final = rng.choice(
                (
                    OfferStatus.draft,
                    OfferStatus.approved,
                    OfferStatus.extended,
                    OfferStatus.extended,
                )
            )
        if rng.random() < 0.2:  # a counter-offer: the first revision was withdrawn
            return [OfferStatus.withdrawn, final]
        return [final]


# Values the driver takes as they are (checked by exact type: a bool or an enum is not plain).
_PLAIN = frozenset({str, int, float, type(None)})


def _raw(value: Any) -> Any:
    if isinstance(value, datetime):  # as SQLAlchemy stores it: UTC, "%Y-%m-%d %H:%M:%S.%f"
        if value.tzinfo is not UTC:
            value = value.astimezone(UTC)
        return value.replace(tzinfo=None).isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Stage | Outcome | OfferStatus | ActivityKind):
        return value.value
    if isinstance(value, bool):
        return int(value)
    return value


def _activity_summary(kind: ActivityKind, stage: Stage) -> str:
    return {
        ActivityKind.email: f"E-mail about the {stage.label.lower()} stage",
        ActivityKind.call: "Phone call to discuss the position",
        ActivityKind.meeting: "Video meeting with the head of department",
        ActivityKind.visit: "Campus visit and seminar talk",
        ActivityKind.note: "Strong publication record; check references",
        ActivityKind.task: "Send the committee's questions",
    }[kind]
