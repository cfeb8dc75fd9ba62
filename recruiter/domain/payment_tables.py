"""Tables of money over time (issue 18): instalments and the finance batches that pay them,
service periods, assessments, departures, refunds and year-end closes. Declared here,
re-exported by models.py (import them from there)."""

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from .clock import utcnow
from .columns import fk


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
    offer_item_id: int = Field(sa_column=fk("offer_item.id", "CASCADE"))
    seq: int = 1
    amount_minor: int = Field(sa_type=BigInteger)
    funding_source_id: int | None = Field(
        default=None, sa_column=fk("funding_source.id", "RESTRICT", True)
    )
    trigger: str = Field(max_length=20)  # signing | arrival | date | service_year | assessment
    trigger_on: date | None = None
    trigger_year: int | None = None
    assessment_kind: str | None = Field(default=None, max_length=20)
    status: str = Field(default="planned", max_length=20, index=True)
    batch_id: int | None = Field(default=None, sa_column=fk("finance_batch.id", "SET NULL", True))
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
    application_id: int = Field(sa_column=fk("application.id", "CASCADE"))
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
    departure_id: int = Field(sa_column=fk("departure.id", "CASCADE"))
    offer_item_id: int = Field(sa_column=fk("offer_item.id", "CASCADE"))
    funding_source_id: int | None = Field(
        default=None, sa_column=fk("funding_source.id", "RESTRICT", True)
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


class RefundReceipt(SQLModel, table=True):
    """Money of a refund received back (a refund may come back in parts): only received money
    returns to the source, in the fiscal year it was received (migration 0014)."""

    __tablename__ = "refund_receipt"
    __table_args__ = (CheckConstraint("amount_minor > 0", name="ck_refund_receipt_amount"),)
    id: int | None = Field(default=None, primary_key=True)
    refund_id: int = Field(sa_column=fk("refund.id", "CASCADE"))
    received_on: date
    amount_minor: int = Field(sa_type=BigInteger)
    recorded_at: datetime = Field(default_factory=utcnow)
    recorded_by: str | None = Field(default=None, max_length=100)
