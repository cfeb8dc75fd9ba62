"""the approval gates of a hire: gate templates and records, reviews, objections, talent tiers,
hire type and tier on targets and applications

Revision ID: 0008
Revises: 0007

New tables and nullable columns only, so on SQLite each batch is a plain ALTER TABLE ... ADD
COLUMN (no table is copied; see 0006). The whole upgrade is one transaction
(store/ddl_transaction.py). The downgrade drops columns, which SQLite can only do by copying
tables: run it with the `alembic` command, never from the app.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

STAGES = (
    "identified",
    "contacted",
    "applied",
    "review",
    "approved",
    "offer",
    "signed",
    "immigration",
    "arrived",
)
HIRE_COLUMNS = ("tier_id", "review_years", "post_type", "hire_type")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(
        *values, name=f"{name}_values", native_enum=False, create_constraint=True, length=20
    )


def _hire_columns(table: str) -> list[sa.Column]:
    return [
        # Plain strings: a CHECK would make SQLite's batch copy the table; the services check.
        sa.Column("hire_type", AutoString(length=20), nullable=True),
        sa.Column("post_type", AutoString(length=20), nullable=True),
        sa.Column("review_years", sa.Integer(), nullable=True),
        sa.Column(
            "tier_id",
            sa.Integer(),
            sa.ForeignKey(
                "talent_tier.id",
                name=op.f(f"fk_{table}_tier_id_talent_tier"),
                ondelete="SET NULL",
            ),
            nullable=True,
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "talent_tier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", AutoString(length=100), nullable=False),
        sa.Column("name_zh", AutoString(length=100), nullable=True),
        sa.Column("level", _enum("level", "national", "provincial", "university"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_talent_tier")),
        sa.UniqueConstraint("name", name=op.f("uq_talent_tier_name")),
    )
    op.create_table(
        "gate_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "institution_id",
            sa.Integer(),
            sa.ForeignKey(
                "institution.id",
                name=op.f("fk_gate_template_institution_id_institution"),
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("body", AutoString(length=200), nullable=False),
        sa.Column(
            "kind",
            _enum("kind", "meeting", "expert_review", "public_notice", "background_check"),
            nullable=False,
        ),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("reviews_required", sa.Integer(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("notice_days", sa.Integer(), nullable=False),
        sa.Column("guards", _enum("guards", *STAGES), nullable=True),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_template")),
    )
    op.create_index(
        op.f("ix_gate_template_institution_id"), "gate_template", ["institution_id"], unique=False
    )
    op.create_table(
        "gate_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "application_id",
            sa.Integer(),
            sa.ForeignKey(
                "application.id",
                name=op.f("fk_gate_record_application_id_application"),
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column(
            "template_id",
            sa.Integer(),
            sa.ForeignKey(
                "gate_template.id",
                name=op.f("fk_gate_record_template_id_gate_template"),
                ondelete="RESTRICT",
            ),
            nullable=False,
        ),
        sa.Column("body", AutoString(length=200), nullable=True),
        sa.Column(
            "outcome",
            _enum("outcome", "approved", "rejected", "deferred", "conditions"),
            nullable=True,
        ),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("reference", AutoString(length=200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("notice_start", sa.Date(), nullable=True),
        sa.Column("notice_end", sa.Date(), nullable=True),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_record")),
        sa.UniqueConstraint("application_id", "template_id", name="uq_gate_record_gate"),
    )
    op.create_index(
        op.f("ix_gate_record_application_id"), "gate_record", ["application_id"], unique=False
    )
    op.create_index(
        op.f("ix_gate_record_template_id"), "gate_record", ["template_id"], unique=False
    )
    for table, columns in (
        (
            "gate_review",
            [
                sa.Column("reviewer", AutoString(length=200), nullable=True),
                sa.Column("anonymous", sa.Boolean(), nullable=False),
                sa.Column("requested_on", sa.Date(), nullable=True),
                sa.Column("received_on", sa.Date(), nullable=True),
                sa.Column("score", sa.Integer(), nullable=True),
                sa.Column("opinion", sa.Text(), nullable=True),
            ],
        ),
        (
            "gate_objection",
            [
                sa.Column("received_on", sa.Date(), nullable=False),
                sa.Column("summary", AutoString(length=1000), nullable=False),
                sa.Column("handling", sa.Text(), nullable=True),
                sa.Column("resolved_on", sa.Date(), nullable=True),
            ],
        ),
    ):
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column(
                "record_id",
                sa.Integer(),
                sa.ForeignKey(
                    "gate_record.id",
                    name=op.f(f"fk_{table}_record_id_gate_record"),
                    ondelete="CASCADE",
                ),
                nullable=False,
            ),
            *columns,
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        )
        op.create_index(op.f(f"ix_{table}_record_id"), table, ["record_id"], unique=False)
    for table in ("target", "application"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in _hire_columns(table):
                batch_op.add_column(column, inline_references=True)
            batch_op.create_index(batch_op.f(f"ix_{table}_tier_id"), ["tier_id"], unique=False)


def downgrade() -> None:
    for table in ("application", "target"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_tier_id"))
            for name in HIRE_COLUMNS:
                batch_op.drop_column(name)
    for table in ("gate_objection", "gate_review", "gate_record", "gate_template", "talent_tier"):
        op.drop_table(table)
