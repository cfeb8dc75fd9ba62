"""refund_receipt: a refund counts as returned to its source only when received (in parts, if
it comes back in parts), in the fiscal year it was received

Revision ID: 0014
Revises: 0013

A new table only (no table copy on SQLite). Refunds recorded before this revision were counted
as returned to their source on the departure day, so each gets one receipt for its whole amount
on that day: every figure (paid, available, the cash flow by fiscal year) stays what the office
saw and reported before the upgrade. The receipts say `recorded_by` = "upgrade 0014".
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "refund_receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "refund_id",
            sa.Integer(),
            sa.ForeignKey(
                "refund.id", name=op.f("fk_refund_receipt_refund_id_refund"), ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_by", AutoString(length=100), nullable=True),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_refund_receipt_amount")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_receipt")),
    )
    op.create_index(op.f("ix_refund_receipt_refund_id"), "refund_receipt", ["refund_id"])
    refund = sa.table(
        "refund",
        sa.column("id", sa.Integer()),
        sa.column("amount_minor", sa.BigInteger()),
        sa.column("on", sa.Date()),
    )
    receipt = sa.table(
        "refund_receipt",
        sa.column("refund_id", sa.Integer()),
        sa.column("received_on", sa.Date()),
        sa.column("amount_minor", sa.BigInteger()),
        sa.column("recorded_at", UTCDateTime()),
        sa.column("recorded_by", AutoString(length=100)),
    )
    op.execute(
        receipt.insert().from_select(
            ["refund_id", "received_on", "amount_minor", "recorded_at", "recorded_by"],
            sa.select(
                refund.c.id,
                refund.c.on,
                refund.c.amount_minor,
                sa.literal(datetime.now(UTC), UTCDateTime()),
                sa.literal("upgrade 0014"),
            ).where(refund.c.amount_minor > 0),
        )
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_refund_receipt_refund_id"), "refund_receipt")
    op.drop_table("refund_receipt")
