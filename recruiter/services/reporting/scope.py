"""What a report is restricted to (Filters), and the SQL conditions that say so.

What the filters mean, deliberately:
- institution(s) and target(s) restrict everything to those targets' pipelines (funding: the
  sources of those institutions, plus unassigned sources that pay for their offers);
- the date range selects *applications created* in it (a cohort: funnel, losses, days in stage,
  sources of hires, the Pipeline sheet) and *offers made* in it (extended_on, or created_at for
  offers never extended). Progress to targets, funding and overdue follow-ups are "as of" figures
  and ignore the date range.
- stage(s) select applications by the stage they are at (closed ones: the stage they reached):
  every section that counts or lists applications, or what hangs off them, reads only those
  (funnel, days in stage, key figures of applications, offers, follow-ups, sources of hires,
  the Pipeline, Offers, Approvals and Immigration sheets). Progress to targets, funding and
  payments are figures of targets and money, not of applications, and ignore it (as they
  ignore the date range): a target's headcount and hires do not change with the stages looked at.
- days are calendar days in the office's time zone (services.settings): "as of", the date range
  and days in stage alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any

from sqlalchemy import String, and_, func, or_, select, type_coerce
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col

from recruiter.domain import clock, figures
from recruiter.domain.clock import local_midnight
from recruiter.domain.enums import STAGES, ItemKind, OfferStatus, Outcome, Stage
from recruiter.domain.models import Activity, Application, Institution, Offer, Target
from recruiter.errors import NotFound
from recruiter.i18n import N_, _, ngettext
from recruiter.store.database import Database

from .. import settings

STALE_DAYS = figures.STALE_DAYS
CHUNK = 2_000
OPEN = figures.OPEN
LOST = (Outcome.declined, Outcome.rejected, Outcome.withdrawn)
# Offers that reached the candidate.
MADE = (OfferStatus.extended, OfferStatus.accepted, OfferStatus.declined, OfferStatus.expired)
DECIDED = (OfferStatus.accepted, OfferStatus.declined, OfferStatus.expired)
LATE_STAGES = tuple(s for s in STAGES if s.index >= Stage.offer.index)
ITEM_KINDS: tuple[ItemKind, ...] = tuple(ItemKind)


# -- filters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a report is restricted to; empty tuples mean "all"."""

    institution_ids: tuple[int, ...] = ()
    target_ids: tuple[int, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    stages: tuple[Stage, ...] = ()  # pipeline order, no repeats (`stages_of`)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stages", stages_of(self.stages))


def stages_of(stages: Sequence[Stage | str]) -> tuple[Stage, ...]:
    """Stages in pipeline order without repeats; all of them means no filter (())."""
    wanted = {Stage(s) for s in stages}
    return () if len(wanted) == len(STAGES) else tuple(s for s in STAGES if s in wanted)


def resolve_stages(names: Sequence[str]) -> tuple[Stage, ...]:
    """Stages typed on the command line: the stored name (offer), or the label in English or
    Chinese (Offer, 录用), any case. An unknown one is refused with the valid names."""
    index: dict[str, Stage] = {}
    for st in STAGES:
        for key in (st.value, st.label_source[1], st.label):
            index[key.casefold().strip()] = st
    unknown = [n for n in names if n.casefold().strip() not in index]
    if unknown:
        raise NotFound(
            _("No stage named {names}. Stages are: {known}.").format(
                names=", ".join(repr(u) for u in unknown),
                known=", ".join(st.value for st in STAGES),
            )
        )
    return stages_of([index[n.casefold().strip()] for n in names])


def resolve_institutions(db: Database, names: Sequence[str]) -> tuple[int, ...]:
    """Institution ids for names typed on the command line (English or Chinese, any case)."""
    if not names:
        return ()
    with db.session() as s:
        rows = s.execute(
            select(col(Institution.id), col(Institution.name), col(Institution.name_zh))
        ).all()
    index: dict[str, int] = {}
    for iid, name, name_zh in rows:
        index[name.casefold().strip()] = iid
        if name_zh:
            index[name_zh.strip()] = iid
    ids: list[int] = []
    unknown = []
    for n in names:
        key = n.strip()
        iid = index.get(key.casefold(), index.get(key))
        if iid is None:
            unknown.append(n)
        elif iid not in ids:
            ids.append(iid)
    if unknown:
        known = ", ".join(sorted(r[1] for r in rows)) or _("none yet")
        raise NotFound(
            _("No institution named {names}. Known institutions: {known}.").format(
                names=", ".join(repr(u) for u in unknown), known=known
            )
        )
    return tuple(ids)


@dataclass(frozen=True)
class FilterOptions:
    """What the filter pickers offer: institutions (id, name), targets (id, title, inst id)."""

    institutions: list[tuple[int, str]]
    targets: list[tuple[int, str, int]]


def filter_options(db: Database) -> FilterOptions:
    with db.session() as s:
        insts = [
            (int(i), n)
            for i, n in s.execute(
                select(col(Institution.id), col(Institution.name)).order_by(col(Institution.name))
            ).all()
        ]
        tgts = [
            (int(i), t, int(inst))
            for i, t, inst in s.execute(
                select(col(Target.id), col(Target.title), col(Target.institution_id)).order_by(
                    col(Target.title), col(Target.id)
                )
            ).all()
        ]
    return FilterOptions(insts, tgts)


def zone_in(s: Session) -> tzinfo:
    """The office time zone, read once per session."""
    zone = s.info.get("office_zone")
    if zone is None:
        zone = s.info["office_zone"] = settings.office_zone_in(s)
    return zone


def today_in(s: Session) -> date:
    """Today in the office's time zone: what "as of" means when no day is given."""
    return clock.today_in(zone_in(s))


def _app_conditions(f: Filters, zone: tzinfo) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if f.institution_ids:
        conds.append(
            col(Application.target_id).in_(
                select(col(Target.id)).where(col(Target.institution_id).in_(f.institution_ids))
            )
        )
    if f.target_ids:
        conds.append(col(Application.target_id).in_(f.target_ids))
    if f.stages:
        conds.append(col(Application.stage).in_(f.stages))
    if f.date_from:
        conds.append(col(Application.created_at) >= local_midnight(f.date_from, zone))
    if f.date_to:
        conds.append(
            col(Application.created_at) < local_midnight(f.date_to + timedelta(days=1), zone)
        )
    return conds


def _scope_conditions(f: Filters) -> list[ColumnElement[bool]]:
    """Institution, target and stages: for the "as of" figures of applications (offers,
    follow-ups), which ignore the date range."""
    return _app_conditions(Filters(f.institution_ids, f.target_ids, stages=f.stages), UTC)


def _place_conditions(f: Filters) -> list[ColumnElement[bool]]:
    """Institution and target only: for the figures of targets and money (progress to targets,
    funding), which ignore the date range and the stages."""
    return _app_conditions(Filters(f.institution_ids, f.target_ids), UTC)


def _target_conditions(f: Filters) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if f.institution_ids:
        conds.append(col(Target.institution_id).in_(f.institution_ids))
    if f.target_ids:
        conds.append(col(Target.id).in_(f.target_ids))
    return conds


def _offer_date_conditions(f: Filters, zone: tzinfo) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if f.date_from:
        conds.append(
            or_(
                col(Offer.extended_on) >= f.date_from,
                and_(
                    col(Offer.extended_on).is_(None),
                    col(Offer.created_at) >= local_midnight(f.date_from, zone),
                ),
            )
        )
    if f.date_to:
        end = f.date_to + timedelta(days=1)
        conds.append(
            or_(
                col(Offer.extended_on) < end,
                and_(
                    col(Offer.extended_on).is_(None),
                    col(Offer.created_at) < local_midnight(end, zone),
                ),
            )
        )
    return conds


def _current_offers() -> Any:
    """Subquery (application_id, revision) of each application's latest offer revision."""
    return (
        select(
            col(Offer.application_id).label("application_id"),
            func.max(col(Offer.revision)).label("revision"),
        )
        .group_by(col(Offer.application_id))
        .subquery("cur")
    )


def _raw(col: Any) -> Any:
    """A column fetched as the driver returns it: no per-row enum or datetime processing,
    which is most of the cost when a report reads hundreds of thousands of rows."""
    return type_coerce(col, String)


def _ts(value: Any) -> datetime:
    """A stored UTC timestamp (text on SQLite, a datetime elsewhere) as an aware datetime."""
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@lru_cache(maxsize=8192)
def _utc_day_offset(day: str, zone: tzinfo) -> timedelta | None:
    """The zone's UTC offset throughout one UTC day, or None when it changes that day."""
    start = datetime.fromisoformat(day).replace(tzinfo=UTC)
    first = start.astimezone(zone).utcoffset()
    last = (start + timedelta(hours=23, minutes=59)).astimezone(zone).utcoffset()
    return first if first == last else None


def _local_day(value: Any, zone: tzinfo) -> date:
    """clock.local_day of a stored timestamp, fast: the offset is cached per UTC day because
    converting every one of 100,000 timestamps through the time zone rules is the slow part."""
    if isinstance(value, str) and len(value) >= 19:
        offset = _utc_day_offset(value[:10], zone)
        if offset is not None:
            return (datetime.fromisoformat(value) + offset).date()
    return clock.local_day(_ts(value), zone)


def _current_offer_stmt(
    f: Filters, zone: tzinfo, *cols: Any, with_application: bool = False
) -> Any:
    """Columns of each application's current offer (no later revision exists; the unique
    (application, revision) index answers that per row, cheaper than a grouped subquery)."""
    stmt = select(*cols).select_from(Offer)
    scope = _scope_conditions(f)
    if scope or with_application:  # otherwise the offer table alone answers
        stmt = stmt.join(Application, col(Application.id) == col(Offer.application_id))
    return stmt.where(figures.is_current_offer_sql(), *scope, *_offer_date_conditions(f, zone))


def _activity_scope(f: Filters) -> list[ColumnElement[bool]]:
    conds = _scope_conditions(f)
    if not conds:
        return []
    apps = select(col(Application.id)).where(*conds)
    cands = select(col(Application.candidate_id)).where(*conds)
    return [
        or_(
            col(Activity.application_id).in_(apps),
            and_(col(Activity.application_id).is_(None), col(Activity.candidate_id).in_(cands)),
        )
    ]


@dataclass(frozen=True)
class FilterLabels:
    institutions: tuple[str, ...]
    targets: tuple[str, ...]
    period: str
    stages: tuple[str, ...] = ()  # labels, pipeline order; () for all stages

    @property
    def scope(self) -> str:
        """Which institutions and targets, in words: "All institutions" when unfiltered."""
        text = _(", ").join(self.institutions) or _("All institutions")
        if self.targets:
            text += _("; ") + ngettext(
                "target {names}", "targets {names}", len(self.targets)
            ).format(names=_(", ").join(self.targets))
        return text

    @property
    def stage_words(self) -> str:
        """Which stages, in words: "Offer, Signed" or "All stages"."""
        return _(", ").join(self.stages) or _("All stages")

    def describe(self) -> str:
        """The filters in force as one line (Summary, footers, the brief)."""
        text = self.scope
        if self.stages:
            text += _("; ") + _("stages {names}").format(names=_(", ").join(self.stages))
        if self.period in (ALL_DATES, _(ALL_DATES)):
            return text
        return text + _("; ") + self.period


ALL_DATES = N_("all dates")


def labels_in(s: Session, f: Filters) -> FilterLabels:
    insts: tuple[str, ...] = ()
    tgts: tuple[str, ...] = ()
    if f.institution_ids:
        insts = tuple(
            s.execute(
                select(col(Institution.name))
                .where(col(Institution.id).in_(f.institution_ids))
                .order_by(col(Institution.name))
            ).scalars()
        )
    if f.target_ids:
        tgts = tuple(
            s.execute(
                select(col(Target.title))
                .where(col(Target.id).in_(f.target_ids))
                .order_by(col(Target.title))
            ).scalars()
        )
    if f.date_from and f.date_to:
        period = _("applications created {start} to {end}").format(
            start=f"{f.date_from:%Y-%m-%d}", end=f"{f.date_to:%Y-%m-%d}"
        )
    elif f.date_from:
        period = _("applications created from {start}").format(start=f"{f.date_from:%Y-%m-%d}")
    elif f.date_to:
        period = _("applications created up to {end}").format(end=f"{f.date_to:%Y-%m-%d}")
    else:
        period = _(ALL_DATES)
    return FilterLabels(insts, tgts, period, tuple(st.label for st in f.stages))
