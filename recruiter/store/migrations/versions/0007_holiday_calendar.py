"""the office calendar: public holidays and adjusted working days for working-day clocks

Revision ID: 0007
Revises: 0006

A new table only (no table is copied on SQLite). The whole upgrade is one transaction
(store/ddl_transaction.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "holiday",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", AutoString(length=100), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "holiday",
                "workday",
                name="kind_values",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holiday")),
        sa.UniqueConstraint("day", name=op.f("uq_holiday_day")),
    )


def downgrade() -> None:
    op.drop_table("holiday")
