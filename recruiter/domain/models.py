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
from enum import Enum
from typing import Any, Optional

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import declared_attr
from sqlalchemy.types import TypeEngine
from sqlmodel import AutoString, Field, Relationship, SQLModel
from sqlmodel.sql.sqltypes import UTCDateTime

from . import fields
from .clock import utcnow
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
from .gates import GateKind, GateOutcome, HireType, PostType, TierLevel

# Names for unnamed constraints, so migrations can refer to them on every backend.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _enum(e: type[Enum], column: str) -> SAEnum:
    """A VARCHAR holding the member name, with a CHECK named after its column."""
    return SAEnum(
        e,
        native_enum=False,
        create_constraint=True,
        length=20,
        validate_strings=True,
        name=f"{column}_values",
    )


def _versioned() -> Any:
    """`__mapper_args__` making the ORM keep and check the row's `version` (optimistic locking,
    see store/versions.py); declared per class because the column exists only once SQLModel has
    built the table."""

    def mapper_args(cls: Any) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}

    return declared_attr.directive(mapper_args)


def _version() -> Any:
    return Field(default=1, sa_column_kwargs={"server_default": "1"})


def _fk(target: str, ondelete: str, nullable: bool = False, index: bool = True) -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


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
    institution_id: int = Field(sa_column=_fk("institution.id", "CASCADE"))
    name: str = Field(max_length=200)
    name_zh: str | None = Field(default=None, max_length=200)
    # School -> department/lab; the services refuse cycles and parents of another institution.
    parent_id: int | None = Field(default=None, sa_column=_fk("department.id", "RESTRICT", True))
    archived_at: datetime | None = None

    institution: "Institution" = Relationship(back_populates="departments")
    targets: list["Target"] = Relationship(back_populates="department", passive_deletes="all")


class Target(SQLModel, table=True):
    __tablename__ = "target"
    __table_args__ = (CheckConstraint("headcount >= 1", name="ck_target_headcount"),)
    id: int | None = Field(default=None, primary_key=True)
    institution_id: int = Field(sa_column=_fk("institution.id", "RESTRICT"))
    department_id: int | None = Field(
        default=None, sa_column=_fk("department.id", "SET NULL", True)
    )
    title: str = Field(max_length=300)
    field: str | None = Field(default=None, max_length=200)
    rank: str | None = Field(default=None, max_length=100)
    talent_programme: str | None = Field(default=None, max_length=200)
    headcount: int = Field(default=1)
    status: TargetStatus = Field(default=TargetStatus.open, sa_type=_enum(TargetStatus, "status"))
    fill_by: date | None = None
    owner: str | None = Field(default=None, max_length=100)
    notes: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow)
    # The budget this target's offers are usually charged to (set by `recruiter setup`).
    funding_source_id: int | None = Field(
        default=None, sa_column=_fk("funding_source.id", "SET NULL", True)
    )
    archived_at: datetime | None = None
    # Hire type and talent tier (migration 0008, see the approval gates below).
    hire_type: HireType | None = Field(default=None, sa_type=_enum(HireType, "hire_type"))
    post_type: PostType | None = Field(default=None, sa_type=_enum(PostType, "post_type"))
    review_years: int | None = None
    tier_id: int | None = Field(default=None, sa_column=_fk("talent_tier.id", "SET NULL", True))
    version: int = _version()
    __mapper_args__ = _versioned()

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
        default=None, sa_column=_fk("import_batch.id", "SET NULL", True)
    )
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = _version()
    __mapper_args__ = _versioned()

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
    candidate_id: int = Field(sa_column=_fk("candidate.id", "CASCADE"))
    target_id: int = Field(sa_column=_fk("target.id", "RESTRICT"))
    stage: Stage = Field(default=Stage.identified, sa_type=_enum(Stage, "stage"), index=True)
    outcome: Outcome = Field(default=Outcome.active, sa_type=_enum(Outcome, "outcome"), index=True)
    owner: str | None = Field(default=None, max_length=100)
    priority: int = Field(default=0)
    stage_changed_at: datetime = Field(default_factory=utcnow)
    closed_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    # Hire type and talent tier when they differ from the target's (migration 0008).
    hire_type: HireType | None = Field(default=None, sa_type=_enum(HireType, "hire_type"))
    post_type: PostType | None = Field(default=None, sa_type=_enum(PostType, "post_type"))
    review_years: int | None = None
    tier_id: int | None = Field(default=None, sa_column=_fk("talent_tier.id", "SET NULL", True))

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
    application_id: int = Field(sa_column=_fk("application.id", "CASCADE"))
    from_stage: Stage | None = Field(default=None, sa_type=_enum(Stage, "from_stage"))
    to_stage: Stage = Field(sa_type=_enum(Stage, "to_stage"))
    outcome: Outcome | None = Field(default=None, sa_type=_enum(Outcome, "outcome"))
    at: datetime = Field(default_factory=utcnow)
    note: str | None = Field(default=None, max_length=1000)
    by: str | None = Field(default=None, max_length=100)

    application: "Application" = Relationship(back_populates="events")


class Activity(SQLModel, table=True):
    __tablename__ = "activity"
    __table_args__ = (Index("ix_activity_due", "done", "due_on"),)
    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(sa_column=_fk("candidate.id", "CASCADE"))
    application_id: int | None = Field(
        default=None, sa_column=_fk("application.id", "SET NULL", True)
    )
    kind: ActivityKind = Field(sa_type=_enum(ActivityKind, "kind"))
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
    kind: FundingKind = Field(sa_type=_enum(FundingKind, "kind"))
    institution_id: int | None = Field(
        default=None, sa_column=_fk("institution.id", "RESTRICT", True)
    )
    fiscal_year: int | None = None
    total_minor: int = Field(default=0, sa_type=BigInteger)
    currency: str = Field(default="CNY", max_length=3)
    notes: str | None = Field(default=None, sa_type=Text)
    archived_at: datetime | None = None
    # The finance office's project number (项目编号), printed on payment batches.
    project_no: str | None = Field(default=None, max_length=100)
    version: int = _version()
    __mapper_args__ = _versioned()

    institution: Optional["Institution"] = Relationship(back_populates="funding_sources")
    items: list["OfferItem"] = Relationship(back_populates="funding_source", passive_deletes="all")


class Offer(SQLModel, table=True):
    __tablename__ = "offer"
    __table_args__ = (
        UniqueConstraint("application_id", "revision", name="uq_offer_revision"),
        CheckConstraint("revision >= 1", name="ck_offer_revision"),
    )
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(sa_column=_fk("application.id", "CASCADE"))
    revision: int = Field(default=1)
    rank: str | None = Field(default=None, max_length=200)
    start_on: date | None = None
    status: OfferStatus = Field(
        default=OfferStatus.draft, sa_type=_enum(OfferStatus, "status"), index=True
    )
    extended_on: date | None = None
    expires_on: date | None = None
    responded_on: date | None = None
    notes: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow)
    version: int = _version()
    __mapper_args__ = _versioned()

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
    offer_id: int = Field(sa_column=_fk("offer.id", "CASCADE"))
    kind: ItemKind = Field(sa_type=_enum(ItemKind, "kind"))
    amount_minor: int = Field(sa_type=BigInteger)
    currency: str = Field(default="CNY", max_length=3)
    period: Period = Field(default=Period.one_off, sa_type=_enum(Period, "period"))
    years: int = Field(default=1)
    funding_source_id: int | None = Field(
        default=None, sa_column=_fk("funding_source.id", "RESTRICT", True)
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
    kind: HolidayKind = Field(default=HolidayKind.holiday, sa_type=_enum(HolidayKind, "kind"))


class TalentTier(SQLModel, table=True):
    """A talent tier the office names (national / provincial / university levels) that package
    rules refer to; targets and applications point at one."""

    __tablename__ = "talent_tier"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=100)
    name_zh: str | None = Field(default=None, max_length=100)
    level: TierLevel = Field(default=TierLevel.university, sa_type=_enum(TierLevel, "level"))
    position: int = 0
    archived_at: datetime | None = None


class GateTemplate(SQLModel, table=True):
    """One approval gate of an institution's hires, in order (domain/gates.py has the rules)."""

    __tablename__ = "gate_template"
    id: int | None = Field(default=None, primary_key=True)
    institution_id: int = Field(sa_column=_fk("institution.id", "CASCADE"))
    position: int = 0
    body: str = Field(max_length=200)
    kind: GateKind = Field(sa_type=_enum(GateKind, "kind"))
    required: bool = True
    reviews_required: int = 0
    anonymous: bool = False
    notice_days: int = 0
    # The stage held back until the gate is passed; None for a gate after the hire.
    guards: Stage | None = Field(default=None, sa_type=_enum(Stage, "guards"))
    archived_at: datetime | None = None


class GateRecord(SQLModel, table=True):
    """The decision on one gate of one application."""

    __tablename__ = "gate_record"
    __table_args__ = (
        UniqueConstraint("application_id", "template_id", name="uq_gate_record_gate"),
    )
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(sa_column=_fk("application.id", "CASCADE"))
    template_id: int = Field(sa_column=_fk("gate_template.id", "RESTRICT"))
    body: str | None = Field(default=None, max_length=200)  # who decided, when not the template's
    outcome: GateOutcome | None = Field(default=None, sa_type=_enum(GateOutcome, "outcome"))
    decided_on: date | None = None
    reference: str | None = Field(default=None, max_length=200)  # minutes / document number
    notes: str | None = Field(default=None, sa_type=Text)
    notice_start: date | None = None
    notice_end: date | None = Field(default=None, index=True)  # the Due dock's notices (0013)
    opened_at: datetime = Field(default_factory=utcnow)


class GateReview(SQLModel, table=True):
    """One expert's review on a gate; an anonymous one is shown without the reviewer's name."""

    __tablename__ = "gate_review"
    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(sa_column=_fk("gate_record.id", "CASCADE"))
    reviewer: str | None = Field(default=None, max_length=200)
    anonymous: bool = False
    requested_on: date | None = None
    received_on: date | None = Field(default=None, index=True)  # reviews outstanding (0013)
    score: int | None = None
    opinion: str | None = Field(default=None, sa_type=Text)


class GateObjection(SQLModel, table=True):
    """An objection raised during a public notice, and how it was handled."""

    __tablename__ = "gate_objection"
    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(sa_column=_fk("gate_record.id", "CASCADE"))
    received_on: date
    summary: str = Field(max_length=1000)
    handling: str | None = Field(default=None, sa_type=Text)
    resolved_on: date | None = None


class FinanceBatch(SQLModel, table=True):
    """One month's payment requests sent to the finance office (issue 18)."""

    __tablename__ = "finance_batch"
    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(max_length=7, index=True)  # YYYY-MM
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str | None = Field(default=None, max_length=100)
    file_name: str | None = Field(default=None, max_length=500)
    rows: int = 0
    cancelled_at: datetime | None = None


class Instalment(SQLModel, table=True):
    """One scheduled payment of an offer item: its amount, what releases it, which source pays.

    `status` is planned, sent (in a finance batch), paid, stopped (an assessment or departure
    ended it) or lapsed (a year-end close returned it); `ended_by` names what stopped or lapsed
    it ("assessment:ID", "departure:ID", "close:ID") so undo can put it back."""

    __tablename__ = "instalment"
    __table_args__ = (
        CheckConstraint("amount_minor >= 0", name="ck_instalment_amount"),
        UniqueConstraint("offer_item_id", "seq", name="uq_instalment_seq"),
    )
    id: int | None = Field(default=None, primary_key=True)
    offer_item_id: int = Field(sa_column=_fk("offer_item.id", "CASCADE"))
    seq: int = 1
    amount_minor: int = Field(sa_type=BigInteger)
    funding_source_id: int | None = Field(
        default=None, sa_column=_fk("funding_source.id", "RESTRICT", True)
    )
    trigger: str = Field(max_length=20)  # signing | arrival | date | service_year | assessment
    trigger_on: date | None = None
    trigger_year: int | None = None
    assessment_kind: str | None = Field(default=None, max_length=20)
    status: str = Field(default="planned", max_length=20, index=True)
    batch_id: int | None = Field(default=None, sa_column=_fk("finance_batch.id", "SET NULL", True))
    paid_on: date | None = None
    lapses: bool = False
    clawback: str = Field(default="none", max_length=20)  # none | pro_rata | full
    ended_by: str | None = Field(default=None, max_length=40)


class ServicePeriod(SQLModel, table=True):
    """A hire's service period: when it started and how many years the agreement runs."""

    __tablename__ = "service_period"
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("application.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    starts_on: date
    years: int = 5


class Assessment(SQLModel, table=True):
    """A service-period review (annual, mid-term, end-of-term) and its result."""

    __tablename__ = "assessment"
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(sa_column=_fk("application.id", "CASCADE"))
    kind: str = Field(max_length=20)  # annual | mid_term | end_of_term
    year: int | None = None  # the service year of an annual review
    due_on: date
    result: str | None = Field(default=None, max_length=50)
    result_on: date | None = None
    note: str | None = Field(default=None, max_length=1000)


class Departure(SQLModel, table=True):
    """A hire who left before the end of the service period, and the months served."""

    __tablename__ = "departure"
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("application.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    left_on: date
    months_served: int
    service_months: int
    recorded_at: datetime = Field(default_factory=utcnow)


class Refund(SQLModel, table=True):
    """What a departure asks back of one item for one source, with the arithmetic shown."""

    __tablename__ = "refund"
    id: int | None = Field(default=None, primary_key=True)
    departure_id: int = Field(sa_column=_fk("departure.id", "CASCADE"))
    offer_item_id: int = Field(sa_column=_fk("offer_item.id", "CASCADE"))
    funding_source_id: int | None = Field(
        default=None, sa_column=_fk("funding_source.id", "RESTRICT", True)
    )
    amount_minor: int = Field(sa_type=BigInteger)
    currency: str = Field(default="CNY", max_length=3)
    rule: str = Field(max_length=20)
    working: str = Field(max_length=500)
    on: date


class YearClose(SQLModel, table=True):
    """A year-end close: lapsing instalments lapsed for `year` (undone: `undone_at` set)."""

    __tablename__ = "year_close"
    id: int | None = Field(default=None, primary_key=True)
    year: int
    closed_at: datetime = Field(default_factory=utcnow)
    closed_by: str | None = Field(default=None, max_length=100)
    lapsed: int = 0
    undone_at: datetime | None = None


TABLES = [
    "institution",
    "department",
    "target",
    "candidate",
    "application",
    "stage_event",
    "activity",
    "offer",
    "offer_item",
    "funding_source",
    "import_batch",
    "audit_entry",
    "officer",
    "holiday",
    "talent_tier",
    "gate_template",
    "gate_record",
    "gate_review",
    "gate_objection",
    "finance_batch",
    "instalment",
    "service_period",
    "assessment",
    "departure",
    "refund",
    "year_close",
]


# -- immigration and relocation (issue 13) ---------------------------------------------------
from .immigration import (  # noqa: E402  # kept beside the tables that use them
    CaseState,
    Category,
    DocKind,
    DocStatus,
    Milestone,
    PersonRole,
    Route,
    Severity,
)
from .workdays import DayCount  # noqa: E402


class ImmigrationCase(SQLModel, table=True):
    """The visa, permit and relocation work of one hire, from `signed` to the first day.
    `state` is derived from the milestones on every write (domain.immigration.state_of) and
    stored so lists filter on it in SQL; `closed_on` stops a case by hand."""

    __tablename__ = "immigration_case"
    __table_args__ = (
        UniqueConstraint("application_id", name="uq_immigration_case_application_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(sa_column=_fk("application.id", "CASCADE", index=False))
    route: Route = Field(default=Route.z, sa_type=_enum(Route, "route"))
    category: Category | None = Field(default=None, sa_type=_enum(Category, "category"))
    state: CaseState = Field(
        default=CaseState.preparing, sa_type=_enum(CaseState, "state"), index=True
    )
    officer: str | None = Field(default=None, max_length=100)
    opened_on: date
    closed_on: date | None = None
    closed_reason: str | None = Field(default=None, max_length=500)
    notes: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow)
    # The soonest of its deadlines, kept by services/immigration/clocks.py on every case, rule
    # and calendar write (NO_DEADLINE: none; NULL: not worked out yet), so the Due dock reads
    # only the cases near a deadline (0013).
    next_due: date | None = Field(default=None, index=True)


class CasePerson(SQLModel, table=True):
    """The scholar or a family member the case covers."""

    __tablename__ = "case_person"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(sa_column=_fk("immigration_case.id", "CASCADE"))
    role: PersonRole = Field(default=PersonRole.scholar, sa_type=_enum(PersonRole, "role"))
    full_name: str = Field(max_length=200)
    nationality: str | None = Field(default=None, max_length=100)
    passport_no: str | None = Field(default=None, max_length=50)
    passport_expires: date | None = None
    birth_date: date | None = None


class CaseDocument(SQLModel, table=True):
    """One line of a person's document checklist."""

    __tablename__ = "case_document"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(sa_column=_fk("immigration_case.id", "CASCADE"))
    person_id: int = Field(sa_column=_fk("case_person.id", "CASCADE"))
    kind: DocKind = Field(sa_type=_enum(DocKind, "kind"))
    status: DocStatus = Field(default=DocStatus.needed, sa_type=_enum(DocStatus, "status"))
    status_on: date | None = None
    note: str | None = Field(default=None, max_length=500)


class CaseMilestone(SQLModel, table=True):
    """A dated step of a case; permits carry their number and expiry."""

    __tablename__ = "case_milestone"
    __table_args__ = (UniqueConstraint("case_id", "kind", name="uq_case_milestone_case_kind"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(sa_column=_fk("immigration_case.id", "CASCADE", index=False))
    kind: Milestone = Field(sa_type=_enum(Milestone, "kind"))
    done_on: date
    number: str | None = Field(default=None, max_length=100)
    expires_on: date | None = None
    note: str | None = Field(default=None, max_length=500)


class RelocationTask(SQLModel, table=True):
    """A relocation task of a case, or (case_id NULL) a line of the office's template, whose
    `due_days` count from the planned entry. A cost may be charged to the offer's relocation
    item (`offer_item_id`)."""

    __tablename__ = "relocation_task"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, sa_column=_fk("immigration_case.id", "CASCADE", True))
    position: int = 0
    title: str = Field(max_length=200)
    owner: str | None = Field(default=None, max_length=100)
    due_days: int | None = None
    due_on: date | None = None
    done_on: date | None = None
    cost_minor: int | None = Field(default=None, sa_type=BigInteger)
    currency: str | None = Field(default=None, max_length=3)
    offer_item_id: int | None = Field(
        default=None, sa_column=_fk("offer_item.id", "SET NULL", True)
    )
    note: str | None = Field(default=None, max_length=500)


class DeadlineRule(SQLModel, table=True):
    """One clock rule an office can edit (domain.deadlines.Rule); `code` never changes."""

    __tablename__ = "deadline_rule"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=50)
    name: str = Field(max_length=200)
    anchor: str = Field(max_length=40)
    amount: int = 0
    unit: DayCount = Field(default=DayCount.calendar_days, sa_type=_enum(DayCount, "unit"))
    severity: Severity = Field(default=Severity.warning, sa_type=_enum(Severity, "severity"))
    closed_by: Milestone | None = Field(default=None, sa_type=_enum(Milestone, "closed_by"))
    routes: str | None = Field(default=None, max_length=100)  # comma-separated; empty: all
    categories: str | None = Field(default=None, max_length=20)
    only_if_before: str | None = Field(default=None, max_length=40)
    source: str | None = Field(default=None, sa_type=Text)
    active: bool = Field(default=True)


TABLES.extend(
    [
        "immigration_case",
        "case_person",
        "case_document",
        "case_milestone",
        "relocation_task",
        "deadline_rule",
    ]
)
