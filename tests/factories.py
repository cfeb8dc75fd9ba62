"""Data builders shared by test modules: the hand-built reporting sample whose every figure was
worked out by hand, and the small offers world. Their fixtures are in tests/conftest.py."""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from recruiter.domain.enums import (
    ActivityKind,
    FundingKind,
    ItemKind,
    OfferStatus,
    Outcome,
    Period,
    Stage,
    TargetStatus,
)
from recruiter.domain.models import (
    Activity,
    Application,
    Candidate,
    Department,
    ExchangeRate,
    FundingSource,
    Institution,
    Offer,
    OfferItem,
    StageEvent,
    Target,
)
from recruiter.services import applications, funding, offers
from recruiter.store.database import Database

# --------------------------------------------------------------------------- migrated databases

_migrated: list[Path] = []


def copy_database(src: Path, dst: Path) -> None:
    """A consistent copy through SQLite's backup API (a template is never written to)."""
    source, target = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def migrated_database(path: Path, user: str) -> Database:
    """A new, migrated SQLite database at `path`: a copy of one migrated once per process, for
    code that cannot take a fixture (hypothesis state machines start one per example). Migrating
    a new file takes ~0.7 s, most of it fsyncs; the copy ~0.04 s."""
    from recruiter.store.opening import open_database

    if not _migrated:
        folder = Path(tempfile.mkdtemp(prefix="recruiter-migrated-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = folder / "empty.db"
        open_database(template, user="tester").dispose()
        _migrated.append(template)
    copy_database(_migrated[0], path)
    return open_database(path, user=user)


# ------------------------------------------------------------------------- the reporting sample

AS_OF = date(2026, 6, 30)
BASE = datetime.combine(AS_OF - timedelta(days=100), time(12), tzinfo=UTC)
FORMULA_NAME = '=HYPERLINK("http://evil.example","Zhang")'
Y = 100  # minor units per yuan / dollar


def at(days: float) -> datetime:
    return BASE + timedelta(days=days)


def day(offset: int) -> date:
    return AS_OF + timedelta(days=offset)


@dataclass
class Sample:
    db: Database
    inst_a: int
    inst_b: int
    t1: int
    t2: int
    t3: int
    apps: dict[str, int]


def _app(
    s,
    cand: Candidate,
    target: Target,
    path: list[tuple[Stage, float]],
    close: tuple[Outcome, float] | None = None,
    owner: str = "li.na",
) -> Application:
    """An application walked through `path` (stage, day), optionally closed on a day."""
    final_stage, final_at = path[-1]
    outcome = Outcome.hired if final_stage == Stage.arrived else Outcome.active
    app = Application(
        candidate_id=cand.id,
        target_id=target.id,
        stage=final_stage,
        outcome=close[0] if close else outcome,
        owner=owner,
        stage_changed_at=at(final_at),
        created_at=at(path[0][1]),
        closed_reason="reason" if close else None,
    )
    s.add(app)
    s.flush()
    prev = None
    for stage, d in path:
        s.add(
            StageEvent(
                application_id=app.id,
                from_stage=prev,
                to_stage=stage,
                outcome=Outcome.hired if stage == Stage.arrived else Outcome.active,
                at=at(d),
            )
        )
        prev = stage
    if close:
        s.add(
            StageEvent(
                application_id=app.id,
                from_stage=final_stage,
                to_stage=final_stage,
                outcome=close[0],
                at=at(close[1]),
            )
        )
    return app


PATH = list(zip(Stage, range(0, 90, 10), strict=False))


def build_sample(db: Database) -> Sample:
    with db.session() as s:
        a = Institution(name="Wuhan University", name_zh="武汉大学", city="Wuhan")
        b = Institution(name="Fudan University", name_zh="复旦大学", city="Shanghai")
        s.add_all([a, b])
        s.flush()
        chem = Department(institution_id=a.id, name="School of Chemistry")
        s.add(chem)
        s.flush()
        t1 = Target(
            institution_id=a.id,
            department_id=chem.id,
            title="Professor of Catalysis",
            headcount=2,
            fill_by=date(2027, 1, 31),
        )
        t2 = Target(institution_id=a.id, title="Young Researcher in AI", headcount=1)
        t3 = Target(institution_id=b.id, title="Professor of Physics", headcount=1)
        s.add_all([t1, t2, t3])
        names = [
            ("Alice Zhang", "张爱丽", "Referral"),
            ("Bob Li", None, "Conference"),
            (FORMULA_NAME, None, "Referral"),
            ("Li\x07 Wei\ufffe", "李伟", None),
            ("Eve Chen", "陈夏", "LinkedIn"),
            ("Frank Wu", None, "Conference"),
        ]
        c = []
        for i, (name, zh, src) in enumerate(names, 1):
            c.append(
                Candidate(
                    full_name=name,
                    name_zh=zh,
                    source=src,
                    country="Germany",
                    current_institution=f"Uni {i}",
                    field="Chemistry",
                )
            )
        s.add_all(c)
        s.flush()
        apps = {
            "a1": _app(s, c[0], t1, PATH),  # hired
            "a2": _app(
                s,
                c[1],
                t1,
                [
                    (Stage.identified, 0),
                    (Stage.contacted, 4),
                    (Stage.applied, 8),
                    (Stage.review, 12),
                    (Stage.approved, 16),
                    (Stage.offer, 20),
                ],
            ),
            "a3": _app(
                s,
                c[2],
                t1,
                [
                    (Stage.identified, 0),
                    (Stage.contacted, 6),
                    (Stage.applied, 12),
                    (Stage.review, 18),
                ],
                (Outcome.declined, 21),
            ),
            "a4": _app(s, c[3], t2, [(Stage.identified, 0), (Stage.contacted, 60)]),
            "a5": _app(s, c[4], t3, [(Stage.identified, 95)]),
            "a6": _app(
                s,
                c[5],
                t3,
                [
                    (Stage.identified, 0),
                    (Stage.contacted, 2),
                    (Stage.applied, 4),
                    (Stage.review, 6),
                    (Stage.approved, 8),
                ],
                (Outcome.rejected, 18),
            ),
            "a7": _app(s, c[0], t3, PATH[:6], (Outcome.declined, 56)),
        }
        s1 = FundingSource(
            name="Wuhan Recruitment Pool",
            kind=FundingKind.university,
            institution_id=a.id,
            total_minor=10_000_000 * Y,
            currency="CNY",
        )
        s2 = FundingSource(
            name="National Programme",
            kind=FundingKind.national,
            total_minor=5_000_000 * Y,
            currency="CNY",
        )
        s3 = FundingSource(
            name="=Donor Fund",
            kind=FundingKind.donor,
            institution_id=b.id,
            total_minor=100_000 * Y,
            currency="USD",
        )
        s.add_all([s1, s2, s3])
        s.add(ExchangeRate(currency="USD", rate="7.1"))
        s.add(ExchangeRate(currency="EUR", rate="7.8"))  # unused: not named in the report
        s.flush()

        def offer(
            app: Application,
            rev: int,
            status: OfferStatus,
            extended: int | None,
            items: list[tuple[ItemKind, int, str, Period, int, FundingSource]],
            responded: int | None = None,
        ) -> None:
            o = Offer(
                application_id=app.id,
                revision=rev,
                status=status,
                rank="Professor",
                extended_on=day(extended) if extended is not None else None,
                expires_on=day(extended + 30) if extended is not None else None,
                responded_on=day(responded) if responded is not None else None,
                created_at=at(50),
                start_on=date(2026, 9, 1),
            )
            s.add(o)
            s.flush()
            for kind, amount, ccy, period, years, src in items:
                s.add(
                    OfferItem(
                        offer_id=o.id,
                        kind=kind,
                        amount_minor=amount * Y,
                        currency=ccy,
                        period=period,
                        years=years,
                        funding_source_id=src.id,
                    )
                )

        annual, once = Period.annual, Period.one_off
        offer(
            apps["a1"],
            1,
            OfferStatus.accepted,
            -40,
            [
                (ItemKind.salary, 500_000, "CNY", annual, 3, s1),
                (ItemKind.startup_research, 2_000_000, "CNY", once, 1, s1),
                (ItemKind.settling_in, 10_000, "USD", once, 1, s3),
            ],
            responded=-35,
        )
        offer(
            apps["a2"],
            1,
            OfferStatus.withdrawn,
            -30,
            [(ItemKind.salary, 450_000, "CNY", annual, 2, s1)],
        )
        offer(
            apps["a2"],
            2,
            OfferStatus.extended,
            -10,
            [(ItemKind.salary, 400_000, "CNY", annual, 2, s1)],
        )
        offer(
            apps["a7"],
            1,
            OfferStatus.declined,
            -50,
            [
                (ItemKind.salary, 300_000, "CNY", annual, 3, s1),
                (ItemKind.startup_research, 1_000_000, "CNY", once, 1, s2),
            ],
            responded=-45,
        )

        def act(
            cand: Candidate,
            app: Application | None,
            due: int | None,
            done: bool,
            when: float,
            summary: str = "Call back",
        ) -> None:
            s.add(
                Activity(
                    candidate_id=cand.id,
                    application_id=app.id if app else None,
                    kind=ActivityKind.task,
                    at=at(when),
                    summary=summary,
                    due_on=day(due) if due is not None else None,
                    done=done,
                )
            )

        act(c[3], apps["a4"], -3, False, 70, "=cmd|' /C calc'!A0")
        act(c[3], apps["a4"], -10, True, 65)
        act(c[4], None, -1, False, 96)
        act(c[1], apps["a2"], 5, False, 90)
        s.flush()
        return Sample(db, a.id, b.id, t1.id, t2.id, t3.id, {k: v.id for k, v in apps.items()})


# ------------------------------------------------------------------------------ the offers world

TODAY = date(2026, 3, 1)


@dataclass
class World:
    """A small, hand-built world: one institution, targets, candidates with applications and
    two funding sources (CNY and USD)."""

    db: Database
    institution_id: int
    targets: list[int]
    apps: list[int]
    cny: int
    usd: int


def make_world(
    db: Database, n_apps: int = 3, cny_total: int = 1_000_000_00, usd_total: int = 100_000_00
) -> World:
    with db.session() as s:
        inst = Institution(name="Wuhan University", name_zh="武汉大学")
        s.add(inst)
        s.flush()
        assert inst.id is not None
        targets = [Target(institution_id=inst.id, title=f"Chair {n}") for n in range(2)]
        s.add_all(targets)
        s.flush()
        cands = [
            Candidate(full_name=f"Scholar {n}", email=f"s{n}@example.org") for n in range(n_apps)
        ]
        s.add_all(cands)
        s.flush()
        inst_id = inst.id
        target_ids = [t.id for t in targets if t.id is not None]
        cand_ids = [c.id for c in cands if c.id is not None]
    apps = [
        applications.add(db, cid, target_ids[n % 2], stage=Stage.approved)
        for n, cid in enumerate(cand_ids)
    ]
    cny = funding.create(
        db,
        name="National programme",
        kind=FundingKind.national,
        institution_id=inst_id,
        total_minor=cny_total,
        currency="CNY",
    )
    usd = funding.create(
        db,
        name="Donor fund",
        kind=FundingKind.donor,
        institution_id=inst_id,
        total_minor=usd_total,
        currency="USD",
    )
    return World(db, inst_id, target_ids, apps, cny, usd)


def item(
    source: int | None,
    amount: int,
    kind: str = "settling_in",
    ccy: str = "CNY",
    period: str = "one_off",
    years: int = 1,
) -> dict[str, object]:
    return {
        "kind": kind,
        "amount_minor": amount,
        "currency": ccy,
        "period": period,
        "years": years,
        "funding_source_id": source,
    }


def extend(db: Database, offer_id: int, today: date = TODAY) -> None:
    offers.set_status(db, offer_id, OfferStatus.approved, today=today)
    offers.set_status(db, offer_id, OfferStatus.extended, today=today)


# ------------------------------------------------------------------------- random recruiting data


@dataclass(frozen=True)
class PlannedOffer:
    """An offer to make on an application: its items, then the statuses it goes through."""

    # (kind, whole yuan or dollars, currency, period, years, index of the funding source)
    items: tuple[tuple[str, int, str, str, int, int | None], ...]
    status: OfferStatus  # where it ends up (through OFFER_PATHS)
    revise: bool = False  # make a counter-offer first (the first revision is withdrawn)


@dataclass(frozen=True)
class PlannedApplication:
    candidate: int
    target: int
    stage: Stage
    outcome: Outcome
    offer: PlannedOffer | None = None
    # An open follow-up due in the past: of this application ("application"), or of the
    # candidate in general ("candidate", no application); None for none.
    overdue: str | None = None


@dataclass(frozen=True)
class Plan:
    """A recruiting office in miniature; every name is unique so sheets can be matched by name."""

    institutions: int
    targets: tuple[tuple[int, int, TargetStatus], ...]  # institution index, headcount, status
    sources: tuple[tuple[int | None, int, str], ...]  # institution index, total yuan, currency
    candidates: int
    applications: tuple[PlannedApplication, ...]


# Statuses reachable from draft, each as the steps taken (extended needs approval first).
OFFER_PATHS: dict[OfferStatus, tuple[OfferStatus, ...]] = {
    OfferStatus.draft: (),
    OfferStatus.approved: (OfferStatus.approved,),
    OfferStatus.extended: (OfferStatus.approved, OfferStatus.extended),
    OfferStatus.accepted: (OfferStatus.approved, OfferStatus.extended, OfferStatus.accepted),
    OfferStatus.declined: (OfferStatus.approved, OfferStatus.extended, OfferStatus.declined),
    OfferStatus.expired: (OfferStatus.approved, OfferStatus.extended, OfferStatus.expired),
    OfferStatus.withdrawn: (OfferStatus.withdrawn,),
}
USD_RATE = "7.1"  # CNY per USD: whole dollars convert to whole fen, so no figure rounds


def build_plan(db: Database, plan: Plan, today: date) -> dict[str, list[int]]:
    """Build `plan` through the services (the way the application writes), returning the ids
    made: institutions, targets, sources, candidates, applications, offers."""
    from recruiter.services import activities, candidates, institutions, rates, targets

    rates.set_rate(db, "USD", USD_RATE)
    ids: dict[str, list[int]] = {
        k: [] for k in ("inst", "target", "source", "cand", "app", "offer")
    }
    for n in range(plan.institutions):
        ids["inst"].append(institutions.create(db, name=f"University {n}"))
    for n, (inst, headcount, status) in enumerate(plan.targets):
        ids["target"].append(
            targets.create(
                db,
                institution_id=ids["inst"][inst],
                title=f"Chair {n}",
                headcount=headcount,
                status=status,
            )
        )
    for n, (inst, total, ccy) in enumerate(plan.sources):
        ids["source"].append(
            funding.create(
                db,
                name=f"Programme {n}",
                kind=FundingKind.national,
                institution_id=None if inst is None else ids["inst"][inst],
                total_minor=total * Y,
                currency=ccy,
            )
        )
    sources = [(sid, ccy) for sid, (_i, _t, ccy) in zip(ids["source"], plan.sources, strict=True)]
    for n in range(plan.candidates):
        ids["cand"].append(candidates.create(db, full_name=f"Scholar {n}"))
    seen: set[tuple[int, int]] = set()
    for a in plan.applications:
        key = (a.candidate, a.target)
        if key in seen:  # one application per candidate and target
            continue
        seen.add(key)
        cid, tid = ids["cand"][a.candidate], ids["target"][a.target]
        app = applications.add(db, cid, tid, stage=a.stage)
        ids["app"].append(app)
        if a.offer is not None:
            ids["offer"].append(_make_offer(db, app, a.offer, sources, today))
        if a.outcome != Outcome.active and applications.get(db, app).outcome == Outcome.active:
            applications.set_outcome(db, app, a.outcome, "test")
        if a.overdue:
            on = app if a.overdue == "application" else None
            activities.log(db, cid, ActivityKind.task, "Call", application_id=on, due_on=day(-400))
    return ids


def _make_offer(
    db: Database, app: int, plan: PlannedOffer, sources: list[tuple[int, str]], today: date
) -> int:
    """An item charged to a source is in the source's currency (the service insists); an offer
    without items stays a draft or is withdrawn (approval needs an item)."""
    items = []
    for kind, whole, ccy, period, years, src in plan.items:
        source = sources[src % len(sources)] if src is not None and sources else None
        items.append(
            item(
                source[0] if source else None,
                whole * Y,
                kind,
                ccy=source[1] if source else ccy,
                period=period,
                years=years,
            )
        )
    oid = offers.create_offer(db, app, items=items)
    status = plan.status
    if not items and status != OfferStatus.withdrawn:
        status = OfferStatus.draft
    if plan.revise and items:
        offers.set_status(db, oid, OfferStatus.approved, today=today, override_reason="test")
        oid = offers.revise(db, oid).offer_id
    for step in OFFER_PATHS[status]:
        offers.set_status(db, oid, step, today=today, override_reason="test", reason="test")
    return oid
