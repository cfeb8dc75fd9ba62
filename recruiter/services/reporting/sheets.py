"""The workbook's big sheets (Pipeline, Offers, Funding), streamed row by row.

Each sheet is a tuple of `SheetColumn`s: the header, number format and width of a column sit
next to the record field its value comes from, so a column is added or moved in one place.
Records are named tuples; one `operator.attrgetter` per sheet turns a record into a row.

Columns are declared in the order they matter on paper: the printed page of a sheet holds the
leading columns that fit A4 landscape at a legible size (exchange.printing), the rest stay in
Excel. So the Pipeline sheet starts with who, for what, where and at which stage.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any, NamedTuple

from sqlalchemy import Date, and_, case, func, select, type_coerce
from sqlalchemy.orm import aliased
from sqlmodel import col

from recruiter import i18n
from recruiter.domain import fields, figures
from recruiter.domain.enums import ItemKind, OfferStatus, Outcome, Stage
from recruiter.domain.models import (
    Activity,
    Application,
    Candidate,
    Department,
    Institution,
    Offer,
    Target,
)
from recruiter.i18n import N_, NC_, _, pgettext
from recruiter.store import names
from recruiter.store.database import Database

from .money import _money_in, _offer_money_in, packages_in
from .scope import (
    CHUNK,
    ITEM_KINDS,
    Filters,
    _app_conditions,
    _current_offer_stmt,
    _current_offers,
    _local_day,
    _raw,
    today_in,
    zone_in,
)
from .sections import FundingRow


@dataclass(frozen=True)
class SheetColumn:
    """One column of a data sheet. kind: text | int | count | number | money | date | percent;
    width None lets the writer size it from the data."""

    header: str  # English, marked for the catalog (N_); `heading` is what the sheet shows
    kind: str
    field: str  # the record field holding the value
    width: float | None = None
    context: str = ""  # the catalog's context, where one English header needs two translations
    candidate_field: str = ""  # a candidate field: its label comes from domain.fields

    @property
    def heading(self) -> str:
        """The header in the current language (read once per export, never per row)."""
        if self.candidate_field:
            spec = fields.spec(self.candidate_field)
            return spec.label_zh if i18n.is_chinese() and spec.label_zh else spec.header
        if self.header.startswith("% "):
            return percent_heading(self.header)
        return pgettext(self.context, self.header) if self.context else _(self.header)


def percent_heading(header: str) -> str:
    """ "% used" and "% filled" in the current language ("% u" reads as a printf placeholder
    to gettext, so the catalog holds "{percent} used")."""
    words = {"% used": _("{percent} used"), "% filled": _("{percent} filled")}
    return words[header].format(percent="%") if header in words else header


def context_column(
    pair: tuple[str, str], kind: str, record_field: str, width: float | None = None
) -> SheetColumn:
    """A column whose English header needs a context in the catalog (`NC_(context, header)`)."""
    return SheetColumn(pair[1], kind, record_field, width, context=pair[0])


def candidate_column(
    name: str, record_field: str | None = None, width: float | None = None
) -> SheetColumn:
    """A column showing a candidate field: its header is the field table's export header (its
    Chinese label in a Chinese workbook)."""
    spec = fields.spec(name)
    return SheetColumn(spec.header, "text", record_field or name, width, candidate_field=name)


def columns(sheet: Sequence[SheetColumn]) -> tuple[tuple[str, str], ...]:
    """(header, kind) pairs: the shape callers knew as PIPELINE_COLUMNS and friends."""
    return tuple((c.header, c.kind) for c in sheet)


def extractor(sheet: Sequence[SheetColumn], record: type[tuple[Any, ...]] | None = None) -> Any:
    """record -> row tuple, in one C call per row (a sheet is written 100,000 rows at a time);
    None when the record's fields are the sheet's columns in order, so the record is the row."""
    fields = tuple(c.field for c in sheet)
    if record is not None and getattr(record, "_fields", None) == fields:
        return None
    getter = attrgetter(*fields)
    if len(sheet) == 1:
        return lambda rec: (getter(rec),)
    return getter


# Widths of the candidate fields' columns, by field name (the headers are the field table's).
WIDTHS: dict[str, float] = {
    "full_name": 22,
    "name_zh": 10,
    "current_institution": 26,
    "source": 24,
}


# Names sort by pinyin (张伟 as "zhang wei"), Latin names case-blind: SQLite and PostgreSQL alike.
_BY_NAME: Any = names.sort_expr("full_name")

# -- Pipeline ---------------------------------------------------------------------------------


class PipelineRecord(NamedTuple):
    candidate: str
    name_zh: str | None
    current_institution: str | None
    country: str | None
    field: str | None
    source: str | None
    target: str
    institution: str
    department: str | None
    stage: str  # label
    outcome: str  # label
    entered: date  # the office-local day the application entered its stage
    days: int  # figures.days_in_stage
    owner: str | None
    priority: int
    last_activity: date | None
    next_follow_up: date | None
    offer_status: str | None  # label of the current offer's status
    first_year: int | None  # figures: first-year cash of the current offer
    startup: int | None  # figures: start-up funds of the current offer


PIPELINE_SHEET: tuple[SheetColumn, ...] = (
    # on paper
    candidate_column("full_name", "candidate", WIDTHS["full_name"]),
    candidate_column("name_zh", width=WIDTHS["name_zh"]),
    SheetColumn(N_("Target"), "text", "target", 28),
    SheetColumn(N_("Institution"), "text", "institution", 20),
    SheetColumn(N_("Stage"), "text", "stage", 11),
    SheetColumn(N_("Outcome"), "text", "outcome", 10),
    SheetColumn(N_("Entered stage"), "date", "entered", 12),
    SheetColumn(N_("Days in stage"), "int", "days", 9),
    SheetColumn(N_("Next follow-up"), "date", "next_follow_up", 12),
    SheetColumn(N_("Owner"), "text", "owner", 14),
    SheetColumn(N_("Offer status"), "text", "offer_status", 11),
    # in Excel only
    candidate_column("current_institution", width=WIDTHS["current_institution"]),
    candidate_column("country"),
    candidate_column("field"),
    candidate_column("source", width=WIDTHS["source"]),
    SheetColumn(N_("Department"), "text", "department", 26),
    SheetColumn(N_("Priority"), "int", "priority"),
    SheetColumn(N_("Last activity"), "date", "last_activity"),
    SheetColumn(N_("First-year cash"), "money", "first_year"),
    SheetColumn(N_("Start-up funds"), "money", "startup"),
)
# Rows shaded as stale: more than STALE_DAYS days in stage while open (English; `stale_when`
# gives the headers and labels of the current language).
STALE_WHEN = ("Days in stage", figures.STALE_DAYS, "Outcome", tuple(o.label for o in figures.OPEN))


def stale_when() -> tuple[str, int, str, tuple[str, ...]]:
    """STALE_WHEN in the current language: the Pipeline sheet's headers and outcome labels."""
    heads = {c.header: c.heading for c in PIPELINE_SHEET}
    return (
        heads["Days in stage"],
        figures.STALE_DAYS,
        heads["Outcome"],
        tuple(o.label for o in figures.OPEN),
    )


# -- Offers -----------------------------------------------------------------------------------


def _kind_field(kind: ItemKind) -> str:
    return f"kind_{kind.value}"


class OfferRecord(NamedTuple):
    candidate: str
    name_zh: str | None
    target: str
    institution: str
    department: str | None
    revision: int
    status: str | None
    rank: str | None
    extended_on: date | None
    expires_on: date | None
    responded_on: date | None
    start_on: date | None
    first_year: int | None  # figures: first-year cash
    startup: int | None  # figures: start-up funds
    total: int | None  # figures: total package
    sources: str | None  # full names, comma-separated
    # Life cost per item kind (one field per ItemKind, named by _kind_field).
    kind_salary: int | None
    kind_signing_bonus: int | None
    kind_settling_in: int | None
    kind_housing: int | None
    kind_relocation: int | None
    kind_startup_research: int | None
    kind_other: int | None


assert OfferRecord._fields[-len(ITEM_KINDS) :] == tuple(_kind_field(k) for k in ITEM_KINDS)

OFFER_SHEET: tuple[SheetColumn, ...] = (
    # on paper
    candidate_column("full_name", "candidate", WIDTHS["full_name"]),
    candidate_column("name_zh", width=WIDTHS["name_zh"]),
    SheetColumn(N_("Target"), "text", "target", 26),
    SheetColumn(N_("Institution"), "text", "institution", 20),
    SheetColumn(N_("Status"), "text", "status", 10),
    SheetColumn(N_("Expires on"), "date", "expires_on", 12),
    SheetColumn(N_("First-year cash"), "money", "first_year", 15),
    SheetColumn(N_("Start-up funds"), "money", "startup", 15),
    SheetColumn(N_("Package total"), "money", "total", 15),
    SheetColumn(N_("Funding sources"), "text", "sources", 28),
    # in Excel only
    SheetColumn(N_("Department"), "text", "department", 26),
    SheetColumn(N_("Revision"), "int", "revision"),
    SheetColumn(N_("Rank"), "text", "rank"),
    SheetColumn(N_("Extended on"), "date", "extended_on"),
    SheetColumn(N_("Responded on"), "date", "responded_on"),
    SheetColumn(N_("Start on"), "date", "start_on"),
    *(
        SheetColumn(k.label_source[1], "money", _kind_field(k), context=k.label_source[0])
        if k != ItemKind.salary
        else context_column(NC_("ItemKind", "Salary (total)"), "money", _kind_field(k))
        for k in ITEM_KINDS
    ),
)


# -- Funding ----------------------------------------------------------------------------------

FUNDING_SHEET: tuple[SheetColumn, ...] = (
    context_column(NC_("funding", "Source"), "text", "name", 30),
    SheetColumn(N_("Kind"), "text", "kind_label"),
    SheetColumn(N_("Institution"), "text", "institution", 22),
    SheetColumn(N_("Fiscal year"), "int", "fiscal_year"),
    SheetColumn(N_("Currency"), "text", "currency"),
    SheetColumn(N_("Total"), "money", "total"),
    SheetColumn(N_("Reserved"), "money", "reserved"),
    SheetColumn(N_("Committed"), "money", "committed"),
    SheetColumn(N_("Available"), "money", "available"),
    SheetColumn("% used", "percent", "used"),
)

PIPELINE_COLUMNS = columns(PIPELINE_SHEET)
OFFER_COLUMNS = columns(OFFER_SHEET)
FUNDING_COLUMNS = columns(FUNDING_SHEET)


def funding_table(rows: Iterable[FundingRow]) -> list[tuple[Any, ...]]:
    """The Funding sheet's rows (FundingRow records)."""
    get = extractor(FUNDING_SHEET)
    return [get(r) for r in rows]


# -- streaming --------------------------------------------------------------------------------


def pipeline_records(
    db: Database, f: Filters = Filters(), as_of: date | None = None, chunk: int = CHUNK
) -> Iterator[PipelineRecord]:
    """One record per application, streamed from one SQL cursor in chunks. Offer packages are
    fetched per chunk, so memory stays flat however big the pipeline."""
    with db.session() as s:
        zone = zone_in(s)
        day = as_of or today_in(s)
        cur = _current_offers()
        off: Any = aliased(Offer)
        by_app = (
            select(
                col(Activity.application_id).label("aid"),
                func.max(col(Activity.at)).label("last"),
                func.min(case((col(Activity.done).is_(False), col(Activity.due_on)))).label("next"),
            )
            .where(col(Activity.application_id).is_not(None))
            .group_by(col(Activity.application_id))
            .subquery("by_app")
        )
        by_cand = (
            select(
                col(Activity.candidate_id).label("cid"),
                func.max(col(Activity.at)).label("last"),
                func.min(case((col(Activity.done).is_(False), col(Activity.due_on)))).label("next"),
            )
            .where(col(Activity.application_id).is_(None))
            .group_by(col(Activity.candidate_id))
            .subquery("by_cand")
        )
        stmt = (
            select(
                col(Candidate.full_name),
                col(Candidate.name_zh),
                col(Candidate.current_institution),
                col(Candidate.country),
                col(Candidate.field),
                col(Candidate.source),
                col(Target.title),
                col(Institution.name),
                col(Department.name),
                _raw(col(Application.stage)),
                _raw(col(Application.outcome)),
                _raw(col(Application.stage_changed_at)),
                col(Application.owner),
                col(Application.priority),
                _raw(by_app.c.last),
                type_coerce(by_app.c.next, Date),
                _raw(by_cand.c.last),
                type_coerce(by_cand.c.next, Date),
                off.id,
                _raw(off.status),
            )
            .select_from(Application)
            .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
            .join(Target, col(Target.id) == col(Application.target_id))
            .join(Institution, col(Institution.id) == col(Target.institution_id))
            .outerjoin(Department, col(Department.id) == col(Target.department_id))
            .outerjoin(cur, cur.c.application_id == col(Application.id))
            .outerjoin(
                off, and_(off.application_id == col(Application.id), off.revision == cur.c.revision)
            )
            .outerjoin(by_app, by_app.c.aid == col(Application.id))
            .outerjoin(by_cand, by_cand.c.cid == col(Application.candidate_id))
            .where(*_app_conditions(f, zone))
            .order_by(
                col(Institution.name),
                col(Target.title),
                _BY_NAME,
                col(Application.id),
            )
        )

        labels_stage = {st.value: st.label for st in Stage}
        labels_outcome = {o.value: o.label for o in Outcome}
        labels_offer = {o.value: o.label for o in OfferStatus}
        money = _money_in(s)
        result = s.connection().execution_options(yield_per=chunk).execute(stmt)
        for part in result.partitions(chunk):
            offer_ids = [r[18] for r in part if r[18] is not None]
            cash = packages_in(s, money, offer_ids) if offer_ids else {}
            for r in part:
                (name, name_zh, cur_inst, country, fld, source, target, inst, dept) = r[:9]
                stage, outcome, changed_at, owner, priority = r[9:14]
                app_last, app_next, cand_last, cand_next, offer_id, offer_status = r[14:20]
                changed = _local_day(changed_at, zone)
                last = max(app_last, cand_last) if app_last and cand_last else app_last or cand_last
                nxt = min(app_next, cand_next) if app_next and cand_next else app_next or cand_next
                pkg = cash.get(offer_id) if offer_id is not None else None
                yield PipelineRecord(
                    name,
                    name_zh,
                    cur_inst,
                    country,
                    fld,
                    source,
                    target,
                    inst,
                    dept,
                    labels_stage[stage],
                    labels_outcome[outcome],
                    changed,
                    figures.days_since(changed, day),
                    owner,
                    priority,
                    _local_day(last, zone) if last else None,
                    nxt,
                    labels_offer[offer_status] if offer_status is not None else None,
                    pkg.first_year if pkg else None,
                    pkg.startup if pkg else None,
                )


def pipeline_rows(
    db: Database, f: Filters = Filters(), as_of: date | None = None, chunk: int = CHUNK
) -> Iterator[tuple[Any, ...]]:
    """One row per application, in PIPELINE_SHEET's columns."""
    get = extractor(PIPELINE_SHEET, PipelineRecord)
    if get is None:  # the record is the row
        yield from pipeline_records(db, f, as_of, chunk)
        return
    for rec in pipeline_records(db, f, as_of, chunk):
        yield get(rec)


def offer_records(db: Database, f: Filters = Filters(), chunk: int = CHUNK) -> Iterator[Any]:
    """One OfferRecord per current offer, its items summed by kind; streamed."""
    labels_offer = {o.value: o.label for o in OfferStatus}
    with db.session() as s:
        zone = zone_in(s)
        stmt = (
            _current_offer_stmt(
                f,
                zone,
                col(Offer.id),
                col(Candidate.full_name),
                col(Candidate.name_zh),
                col(Target.title),
                col(Institution.name),
                col(Department.name),
                col(Offer.revision),
                col(Offer.status),
                col(Offer.rank),
                col(Offer.extended_on),
                col(Offer.expires_on),
                col(Offer.responded_on),
                col(Offer.start_on),
                with_application=True,
            )
            .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
            .join(Target, col(Target.id) == col(Application.target_id))
            .join(Institution, col(Institution.id) == col(Target.institution_id))
            .outerjoin(Department, col(Department.id) == col(Target.department_id))
            .order_by(col(Institution.name), col(Target.title), _BY_NAME, col(Offer.id))
        )

        money = _money_in(s)
        result = s.execute(stmt.execution_options(yield_per=chunk))
        for part in result.partitions(chunk):
            packages = _offer_money_in(s, money, [r[0] for r in part])
            for r in part:
                pkg = packages.get(r[0])
                yield OfferRecord._make(
                    (
                        *r[1:7],
                        labels_offer.get(str(r[7])),
                        *r[8:13],
                        pkg.first_year if pkg else None,
                        pkg.startup if pkg else None,
                        pkg.total if pkg else None,
                        ", ".join(pkg.sources) if pkg and pkg.sources else None,
                        *(pkg.by_kind.get(k) if pkg else None for k in ITEM_KINDS),
                    )
                )


def offer_rows(
    db: Database, f: Filters = Filters(), chunk: int = CHUNK
) -> Iterator[tuple[Any, ...]]:
    """One row per current offer, in OFFER_SHEET's columns."""
    get = extractor(OFFER_SHEET)
    for rec in offer_records(db, f, chunk):
        yield get(rec)
