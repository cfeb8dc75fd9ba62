"""SQLModel tables. Table names are part of the contract (DESIGN.md §3).

`ondelete` choices, deliberately:
- deleting a candidate removes their applications, stage history, activities and offers (CASCADE);
  the UI says so in its confirmation;
- a target, institution or funding source that something still depends on cannot be deleted
  (RESTRICT), because that would silently drop pipelines or money already promised;
- optional links (department of a target, application of an activity, batch of a candidate)
  become NULL;
- a department's parent department cannot be deleted while it has sub-departments (RESTRICT).

Institutions, departments, funding sources, targets and officers that something still refers to
are archived (`archived_at`) rather than deleted: hidden from choice lists, kept in history and
reports.
"""

from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.types import TypeEngine
from sqlmodel import AutoString, Field, Relationship, SQLModel
from sqlmodel.sql.sqltypes import UTCDateTime

from . import fields
from .clock import utcnow
from .columns import enum_type, fk, version_field, versioned
from .enums import (
    ActivityKind,
    FundingKind,
    HolidayKind,
    ItemKind,
    OfferStatus,
    Outcome,
    Period,
    Stage,
    TargetStatus,
)
from .gates import HireType, PostType
from .table_names import TABLES


class Institution(SQLModel, table=True):
    __tablename__ = "institution"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)
    name_zh: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=100)
    country: str | None = Field(default=None, max_length=100)
    short_name: str | None = Field(default=None, max_length=50)
    archived_at: datetime | None = None

    departments: list["Department"] = Relationship(
        back_populates="institution",
        passive_deletes=True,
        sa_relationship_kwargs={"cascade": "all, delete-orphan"},
    )
    targets: list["Target"] = Relationship(back_populates="institution", passive_deletes="all")
    funding_sources: list["FundingSource"] = Relationship(
        back_populates="institution", passive_deletes="all"
    )


class Department(SQLModel, table=True):
    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("institution_id", "name", name="uq_department_name"),)
    id: int | None = Field(default=None, primary_key=True)
    institution_id: int = Field(sa_column=fk("institution.id", "CASCADE"))
    name: str = Field(max_length=200)
    name_zh: str | None = Field(default=None, max_length=200)
    # School -> department/lab; the services refuse cycles and parents of another institution.
    parent_id: int | None = Field(default=None, sa_column=fk("department.id", "RESTRICT", True))
    archived_at: datetime | None = None

    institution: "Institution" = Relationship(back_populates="departments")
    targets: list["Target"] = Relationship(back_populates="department", passive_deletes="all")


class Target(SQLModel, table=True):
    __tablename__ = "target"
    __table_args__ = (CheckConstraint("headcount >= 1", name="ck_target_headcount"),)
    id: int | None = Field(default=None, primary_key=True)
    institution_id: int = Field(sa_column=fk("institution.id", "RESTRICT"))
    department_id: int | None = Field(default=None, sa_column=fk("department.id", "SET NULL", True))
    title: str = Field(max_length=300)
    field: str | None = Field(default=None, max_length=200)
    rank: str | None = Field(default=None, max_length=100)
    talent_programme: str | None = Field(default=None, max_length=200)
    headcount: int = Field(default=1)
    status: TargetStatus = Field(
        default=TargetStatus.open, sa_type=enum_type(TargetStatus, "status")
    )
    fill_by: date | None = None
    owner: str | None = Field(default=None, max_length=100)
    notes: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow)
    # The budget this target's offers are usually charged to (set by `recruiter setup`).
    funding_source_id: int | None = Field(
        default=None, sa_column=fk("funding_source.id", "SET NULL", True)
    )
    archived_at: datetime | None = None
    # Hire type and talent tier (migration 0008, see the approval gates below).
    hire_type: HireType | None = Field(default=None, sa_type=enum_type(HireType, "hire_type"))
    post_type: PostType | None = Field(default=None, sa_type=enum_type(PostType, "post_type"))
    review_years: int | None = None
    tier_id: int | None = Field(default=None, sa_column=fk("talent_tier.id", "SET NULL", True))
    version: int = version_field()
    __mapper_args__ = versioned()

    institution: "Institution" = Relationship(back_populates="targets")
    department: Optional["Department"] = Relationship(back_populates="targets")
    applications: list["Application"] = Relationship(back_populates="target", passive_deletes="all")


def _length(name: str) -> int | None:
    return fields.spec(name).max_length


def _field_checks() -> tuple[CheckConstraint, ...]:
    return tuple(
        CheckConstraint(
            f"{f.name} IS NULL OR {f.name} BETWEEN {f.stored_range[0]} AND {f.stored_range[1]}",
            name=f"ck_candidate_{f.name}",
        )
        for f in fields.CANDIDATE_FIELDS
        if f.stored_range is not None
    )


class Candidate(SQLModel, table=True):
    """A scholar. The fields people edit and import are described in `domain.fields`, which
    gives their lengths and range checks here; a field listed there but not below gets its
    column from `_add_field_columns`."""

    __tablename__ = "candidate"
    __table_args__ = (
        Index("uq_candidate_email", func.lower(Column("email")), unique=True),
        *_field_checks(),
    )
    id: int | None = Field(default=None, primary_key=True)
    full_name: str = Field(max_length=_length("full_name"), index=True)
    name_zh: str | None = Field(default=None, max_length=_length("name_zh"))
    email: str | None = Field(default=None, max_length=_length("email"))
    orcid: str | None = Field(default=None, max_length=_length("orcid"), unique=True)
    phone: str | None = Field(default=None, max_length=_length("phone"))
    gender: str | None = Field(default=None, max_length=_length("gender"))
    birth_date: date | None = None
    nationality: str | None = Field(default=None, max_length=_length("nationality"))
    current_institution: str | None = Field(default=None, max_length=_length("current_institution"))
    current_position: str | None = Field(default=None, max_length=_length("current_position"))
    country: str | None = Field(default=None, max_length=_length("country"))
    field: str | None = Field(default=None, max_length=_length("field"))
    research_area: str | None = Field(default=None, max_length=_length("research_area"))
    highest_degree: str | None = Field(default=None, max_length=_length("highest_degree"))
    degree_institution: str | None = Field(default=None, max_length=_length("degree_institution"))
    phd_year: int | None = None
    h_index: int | None = None
    source: str | None = Field(default=None, max_length=_length("source"))
    tags: str | None = Field(default=None, max_length=_length("tags"))
    notes: str | None = Field(default=None, sa_type=Text)
    consent_at: datetime | None = None
    # Normalised name + current institution, for "possible duplicate" matching.
    person_key: str | None = Field(default=None, max_length=600, index=True)
    # Pinyin of the Chinese names, for search and sorting (domain/pinyin.py, migration 0012).
    name_pinyin: str | None = Field(default=None, max_length=600)
    sort_name: str | None = Field(default=None, max_length=400)
    import_batch_id: int | None = Field(
        default=None, sa_column=fk("import_batch.id", "SET NULL", True)
    )
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = version_field()
    __mapper_args__ = versioned()

    applications: list["Application"] = Relationship(
        back_populates="candidate",
        passive_deletes=True,
        sa_relationship_kwargs={"cascade": "all, delete-orphan"},
    )
    activities: list["Activity"] = Relationship(
        back_populates="candidate",
        passive_deletes=True,
        sa_relationship_kwargs={"cascade": "all, delete-orphan"},
    )


def field_column_type(f: fields.FieldSpec) -> TypeEngine[Any]:
    """The column type a field kind is stored in."""
    if f.kind in (fields.Kind.date,):
        return Date()
    if f.kind in (fields.Kind.year, fields.Kind.int):
        return Integer()
    if f.kind == fields.Kind.timestamp:
        return UTCDateTime()
    if f.max_length is None:
        return Text()
    return AutoString(length=f.max_length)


def _add_field_columns(table: Table) -> None:
    """Columns (nullable, Core only) for fields of `domain.fields` not declared on the class.

    The services read and write candidate fields through Core, so such a column works in
    validation, import, the editor, undo and search filters without a typed attribute."""
    for f in fields.CANDIDATE_FIELDS:
        if f.name not in table.c:
            table.append_column(Column(f.name, field_column_type(f), nullable=True))


_add_field_columns(Candidate.__table__)  # type: ignore[attr-defined]  # SQLModel sets it


class Application(SQLModel, table=True):
    __tablename__ = "application"
    __table_args__ = (
        UniqueConstraint("candidate_id", "target_id", name="uq_application_candidate_target"),
        CheckConstraint("priority BETWEEN 0 AND 3", name="ck_application_priority"),
    )
    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(sa_column=fk("candidate.id", "CASCADE"))
    target_id: int = Field(sa_column=fk("target.id", "RESTRICT"))
    stage: Stage = Field(default=Stage.identified, sa_type=enum_type(Stage, "stage"), index=True)
    outcome: Outcome = Field(
        default=Outcome.active, sa_type=enum_type(Outcome, "outcome"), index=True
    )
    owner: str | None = Field(default=None, max_length=100)
    priority: int = Field(default=0)
    stage_changed_at: datetime = Field(default_factory=utcnow)
    closed_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    # Hire type and talent tier when they differ from the target's (migration 0008).
    hire_type: HireType | None = Field(default=None, sa_type=enum_type(HireType, "hire_type"))
    post_type: PostType | None = Field(default=None, sa_type=enum_type(PostType, "post_type"))
    review_years: int | None = None
    tier_id: int | None = Field(default=None, sa_column=fk("talent_tier.id", "SET NULL", True))

    candidate: "Candidate" = Relationship(back_populates="applications")
    target: "Target" = Relationship(back_populates="applications")
    events: list["StageEvent"] = Relationship(
        back_populates="application",
        passive_deletes=True,
        sa_relationship_kwargs={"cascade": "all, delete-orphan", "order_by": "StageEvent.at"},
    )
    offers: list["Offer"] = Relationship(
        back_populates="application",
        passive_deletes=True,
        sa_relationship_kwargs={"cascade": "all, delete-orphan", "order_by": "Offer.revision"},
    )
    activities: list["Activity"] = Relationship(back_populates="application", passive_deletes="all")


class StageEvent(SQLModel, table=True):
    __tablename__ = "stage_event"
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(sa_column=fk("application.id", "CASCADE"))
    from_stage: Stage | None = Field(default=None, sa_type=enum_type(Stage, "from_stage"))
    to_stage: Stage = Field(sa_type=enum_type(Stage, "to_stage"))
    outcome: Outcome | None = Field(default=None, sa_type=enum_type(Outcome, "outcome"))
    at: datetime = Field(default_factory=utcnow)
    note: str | None = Field(default=None, max_length=1000)
    by: str | None = Field(default=None, max_length=100)

    application: "Application" = Relationship(back_populates="events")


class Activity(SQLModel, table=True):
    __tablename__ = "activity"
    __table_args__ = (Index("ix_activity_due", "done", "due_on"),)
    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(sa_column=fk("candidate.id", "CASCADE"))
    application_id: int | None = Field(
        default=None, sa_column=fk("application.id", "SET NULL", True)
    )
    kind: ActivityKind = Field(sa_type=enum_type(ActivityKind, "kind"))
    at: datetime = Field(default_factory=utcnow)
    summary: str = Field(max_length=2000)
    due_on: date | None = None
    done: bool = Field(default=False)

    candidate: "Candidate" = Relationship(back_populates="activities")
    application: Optional["Application"] = Relationship(back_populates="activities")


class FundingSource(SQLModel, table=True):
    __tablename__ = "funding_source"
    __table_args__ = (
        CheckConstraint("total_minor >= 0", name="ck_funding_total"),
        CheckConstraint(
            "fiscal_year IS NULL OR fiscal_year BETWEEN 2000 AND 2100", name="ck_funding_year"
        ),
        CheckConstraint("length(currency) = 3", name="ck_funding_currency"),
    )
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    kind: FundingKind = Field(sa_type=enum_type(FundingKind, "kind"))
    institution_id: int | None = Field(
        default=None, sa_column=fk("institution.id", "RESTRICT", True)
    )
    fiscal_year: int | None = None
    total_minor: int = Field(default=0, sa_type=BigInteger)
    currency: str = Field(default="CNY", max_length=3)
    notes: str | None = Field(default=None, sa_type=Text)
    archived_at: datetime | None = None
    # The finance office's project number (项目编号), printed on payment batches.
    project_no: str | None = Field(default=None, max_length=100)
    version: int = version_field()
    __mapper_args__ = versioned()

    institution: Optional["Institution"] = Relationship(back_populates="funding_sources")
    items: list["OfferItem"] = Relationship(back_populates="funding_source", passive_deletes="all")


class Offer(SQLModel, table=True):
    __tablename__ = "offer"
    __table_args__ = (
        UniqueConstraint("application_id", "revision", name="uq_offer_revision"),
        CheckConstraint("revision >= 1", name="ck_offer_revision"),
    )
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(sa_column=fk("application.id", "CASCADE"))
    revision: int = Field(default=1)
    rank: str | None = Field(default=None, max_length=200)
    start_on: date | None = None
    status: OfferStatus = Field(
        default=OfferStatus.draft, sa_type=enum_type(OfferStatus, "status"), index=True
    )
    extended_on: date | None = None
    expires_on: date | None = None
    responded_on: date | None = None
    notes: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow)
    version: int = version_field()
    __mapper_args__ = versioned()

    application: "Application" = Relationship(back_populates="offers")
    items: list["OfferItem"] = Relationship(
        back_populates="offer",
        passive_deletes=True,
        sa_relationship_kwargs={"cascade": "all, delete-orphan"},
    )


class OfferItem(SQLModel, table=True):
    __tablename__ = "offer_item"
    __table_args__ = (
        CheckConstraint("amount_minor >= 0", name="ck_item_amount"),
        CheckConstraint("years BETWEEN 1 AND 10", name="ck_item_years"),
        CheckConstraint("length(currency) = 3", name="ck_item_currency"),
    )
    id: int | None = Field(default=None, primary_key=True)
    offer_id: int = Field(sa_column=fk("offer.id", "CASCADE"))
    kind: ItemKind = Field(sa_type=enum_type(ItemKind, "kind"))
    amount_minor: int = Field(sa_type=BigInteger)
    currency: str = Field(default="CNY", max_length=3)
    period: Period = Field(default=Period.one_off, sa_type=enum_type(Period, "period"))
    years: int = Field(default=1)
    funding_source_id: int | None = Field(
        default=None, sa_column=fk("funding_source.id", "RESTRICT", True)
    )

    offer: "Offer" = Relationship(back_populates="items")
    funding_source: Optional["FundingSource"] = Relationship(back_populates="items")


class ImportBatch(SQLModel, table=True):
    __tablename__ = "import_batch"
    id: int | None = Field(default=None, primary_key=True)
    file_name: str = Field(max_length=500)
    sha256: str = Field(max_length=64, index=True)
    imported_at: datetime = Field(default_factory=utcnow)
    rows: int = 0
    created: int = 0
    updated: int = 0
    invalid: int = 0
    duplicates: int = 0
    possible_duplicates: int = 0
    source: str | None = Field(default=None, max_length=200)
    # JSON {"candidates": {id: {field: previous value, "updated_at": ...}},
    #       "applications": [ids the import added]}: what undo needs to put things back.
    restore: str | None = Field(default=None, sa_type=Text)
    undone_at: datetime | None = None


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    user: str = Field(max_length=100)
    entity: str = Field(max_length=50)
    entity_id: int | None = None
    action: str = Field(max_length=50)
    changes: str | None = Field(default=None, sa_type=Text)


class ExchangeRate(SQLModel, table=True):
    """Reporting-currency units per one unit of `currency`, kept as a decimal string."""

    __tablename__ = "exchange_rate"
    currency: str = Field(primary_key=True, max_length=3)
    rate: str = Field(max_length=40)
    updated_at: datetime = Field(default_factory=utcnow)


class Setting(SQLModel, table=True):
    """Small key/value settings that belong to the data, not the machine (reporting currency,
    remembered import mappings)."""

    __tablename__ = "setting"
    key: str = Field(primary_key=True, max_length=200)
    value: str = Field(sa_type=Text)


class Officer(SQLModel, table=True):
    """A recruiting officer who owns applications and targets (a list to choose from)."""

    __tablename__ = "officer"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=100)
    name_zh: str | None = Field(default=None, max_length=100)
    email: str | None = Field(default=None, max_length=254)
    archived_at: datetime | None = None


class Holiday(SQLModel, table=True):
    """One day of the office calendar that differs from the Monday-to-Friday week: a public
    holiday (`kind` holiday) or an adjusted working weekend day (`kind` workday, 调休). Shared
    by every working-day clock (domain/workdays.py)."""

    __tablename__ = "holiday"
    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(unique=True)
    name: str = Field(max_length=100)
    kind: HolidayKind = Field(default=HolidayKind.holiday, sa_type=enum_type(HolidayKind, "kind"))


# The tables of later areas live in their own modules; re-exported so every table is reachable
# from here and all are declared whenever models is imported.
from .gate_tables import GateObjection, GateRecord, GateReview, GateTemplate, TalentTier  # noqa: E402
from .immigration_tables import (  # noqa: E402
    CaseDocument,
    CaseMilestone,
    CasePerson,
    DeadlineRule,
    ImmigrationCase,
    RelocationTask,
)
from .payment_tables import (  # noqa: E402
    Assessment,
    Departure,
    FinanceBatch,
    Instalment,
    Refund,
    RefundReceipt,
    ServicePeriod,
    YearClose,
)

__all__ = [
    "TABLES",
    "Activity",
    "Application",
    "Assessment",
    "AuditEntry",
    "Candidate",
    "CaseDocument",
    "CaseMilestone",
    "CasePerson",
    "DeadlineRule",
    "Department",
    "Departure",
    "ExchangeRate",
    "FinanceBatch",
    "FundingSource",
    "GateObjection",
    "GateRecord",
    "GateReview",
    "GateTemplate",
    "Holiday",
    "ImmigrationCase",
    "ImportBatch",
    "Instalment",
    "Institution",
    "Offer",
    "OfferItem",
    "Officer",
    "Refund",
    "RefundReceipt",
    "RelocationTask",
    "ServicePeriod",
    "Setting",
    "StageEvent",
    "TalentTier",
    "Target",
    "YearClose",
]
