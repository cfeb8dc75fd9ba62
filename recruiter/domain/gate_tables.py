"""Tables of the approval gates (issue 17): the office's talent tiers, each institution's gate
template and the decisions, reviews and objections per application. Declared here, re-exported
by models.py (import them from there)."""

from datetime import date, datetime

from sqlalchemy import (
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from .clock import utcnow
from .columns import enum_type, fk
from .enums import Stage
from .gates import GateKind, GateOutcome, TierLevel


class TalentTier(SQLModel, table=True):
    """A talent tier the office names (national / provincial / university levels) that package
    rules refer to; targets and applications point at one."""

    __tablename__ = "talent_tier"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=100)
    name_zh: str | None = Field(default=None, max_length=100)
    level: TierLevel = Field(default=TierLevel.university, sa_type=enum_type(TierLevel, "level"))
    position: int = 0
    archived_at: datetime | None = None


class GateTemplate(SQLModel, table=True):
    """One approval gate of an institution's hires, in order (domain/gates.py has the rules)."""

    __tablename__ = "gate_template"
    id: int | None = Field(default=None, primary_key=True)
    institution_id: int = Field(sa_column=fk("institution.id", "CASCADE"))
    position: int = 0
    body: str = Field(max_length=200)
    kind: GateKind = Field(sa_type=enum_type(GateKind, "kind"))
    required: bool = True
    reviews_required: int = 0
    anonymous: bool = False
    notice_days: int = 0
    # The stage held back until the gate is passed; None for a gate after the hire.
    guards: Stage | None = Field(default=None, sa_type=enum_type(Stage, "guards"))
    archived_at: datetime | None = None


class GateRecord(SQLModel, table=True):
    """The decision on one gate of one application."""

    __tablename__ = "gate_record"
    __table_args__ = (
        UniqueConstraint("application_id", "template_id", name="uq_gate_record_gate"),
    )
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(sa_column=fk("application.id", "CASCADE"))
    template_id: int = Field(sa_column=fk("gate_template.id", "RESTRICT"))
    body: str | None = Field(default=None, max_length=200)  # who decided, when not the template's
    outcome: GateOutcome | None = Field(default=None, sa_type=enum_type(GateOutcome, "outcome"))
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
    record_id: int = Field(sa_column=fk("gate_record.id", "CASCADE"))
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
    record_id: int = Field(sa_column=fk("gate_record.id", "CASCADE"))
    received_on: date
    summary: str = Field(max_length=1000)
    handling: str | None = Field(default=None, sa_type=Text)
    resolved_on: date | None = None
