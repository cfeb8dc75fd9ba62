"""money over time: instalments, finance batches, service periods, assessments, departures,
refunds, year-end closes, and a funding source's project number

Revision ID: 0009
Revises: 0008

Only new tables and one nullable column (see 0006 for why: no table is copied on SQLite).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _fk(column: str, target: str, ondelete: str, table: str, nullable: bool = False) -> sa.Column:
    return sa.Column(
        column,
        sa.Integer(),
        sa.ForeignKey(
            f"{target}.id",
            name=op.f(f"fk_{table}_{column}_{target}"),
            ondelete=ondelete,
        ),
        nullable=nullable,
    )


def _index(table: str, column: str, unique: bool = False) -> None:
    op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=unique)


def upgrade() -> None:
    with op.batch_alter_table("funding_source", schema=None) as batch_op:
        batch_op.add_column(sa.Column("project_no", AutoString(length=100), nullable=True))
    op.create_table(
        "finance_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", AutoString(length=7), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", AutoString(length=100), nullable=True),
        sa.Column("file_name", AutoString(length=500), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("cancelled_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finance_batch")),
    )
    _index("finance_batch", "month")
    op.create_table(
        "instalment",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk("offer_item_id", "offer_item", "CASCADE", "instalment"),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        _fk("funding_source_id", "funding_source", "RESTRICT", "instalment", True),
        sa.Column("trigger", AutoString(length=20), nullable=False),
        sa.Column("trigger_on", sa.Date(), nullable=True),
        sa.Column("trigger_year", sa.Integer(), nullable=True),
        sa.Column("assessment_kind", AutoString(length=20), nullable=True),
        sa.Column("status", AutoString(length=20), nullable=False),
        _fk("batch_id", "finance_batch", "SET NULL", "instalment", True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("lapses", sa.Boolean(), nullable=False),
        sa.Column("clawback", AutoString(length=20), nullable=False),
        sa.Column("ended_by", AutoString(length=40), nullable=True),
        sa.CheckConstraint("amount_minor >= 0", name=op.f("ck_instalment_amount")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instalment")),
        sa.UniqueConstraint("offer_item_id", "seq", name="uq_instalment_seq"),
    )
    for column in ("offer_item_id", "funding_source_id", "status", "batch_id"):
        _index("instalment", column)
    op.create_table(
        "service_period",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk("application_id", "application", "CASCADE", "service_period"),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("years", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_period")),
        sa.UniqueConstraint("application_id", name=op.f("uq_service_period_application_id")),
    )
    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk("application_id", "application", "CASCADE", "assessment"),
        sa.Column("kind", AutoString(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("result", AutoString(length=50), nullable=True),
        sa.Column("result_on", sa.Date(), nullable=True),
        sa.Column("note", AutoString(length=1000), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
    )
    _index("assessment", "application_id")
    op.create_table(
        "departure",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk("application_id", "application", "CASCADE", "departure"),
        sa.Column("left_on", sa.Date(), nullable=False),
        sa.Column("months_served", sa.Integer(), nullable=False),
        sa.Column("service_months", sa.Integer(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departure")),
        sa.UniqueConstraint("application_id", name=op.f("uq_departure_application_id")),
    )
    op.create_table(
        "refund",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk("departure_id", "departure", "CASCADE", "refund"),
        _fk("offer_item_id", "offer_item", "CASCADE", "refund"),
        _fk("funding_source_id", "funding_source", "RESTRICT", "refund", True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", AutoString(length=3), nullable=False),
        sa.Column("rule", AutoString(length=20), nullable=False),
        sa.Column("working", AutoString(length=500), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund")),
    )
    for column in ("departure_id", "offer_item_id", "funding_source_id"):
        _index("refund", column)
    op.create_table(
        "year_close",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=False),
        sa.Column("closed_by", AutoString(length=100), nullable=True),
        sa.Column("lapsed", sa.Integer(), nullable=False),
        sa.Column("undone_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_year_close")),
    )


def downgrade() -> None:
    for table in (
        "year_close",
        "refund",
        "departure",
        "assessment",
        "service_period",
        "instalment",
        "finance_batch",
    ):
        op.drop_table(table)
    with op.batch_alter_table("funding_source", schema=None) as batch_op:
        batch_op.drop_column("project_no")
