"""an office of its own: officers, short names, sub-departments, archiving, a target's budget

Revision ID: 0006
Revises: 0004

Every change adds a nullable column or a new table, so on SQLite each batch runs as a plain
ALTER TABLE ... ADD COLUMN (no table is copied): the app migrates with foreign keys ON, and
re-creating `institution` or `department` would fire their ON DELETE actions on what hangs on
them. The whole upgrade is one transaction (store/ddl_transaction.py).

SQLite keeps the two new foreign keys inline and unnamed. The downgrade drops columns, which SQLite can only do by copying tables: run it with the
`alembic` command (plain connections, foreign keys off), never from the app.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None

ARCHIVABLE = ("institution", "department", "funding_source", "target")


def _archived_at() -> sa.Column:
    return sa.Column("archived_at", UTCDateTime(), nullable=True)


def upgrade() -> None:
    op.create_table(
        "officer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", AutoString(length=100), nullable=False),
        sa.Column("name_zh", AutoString(length=100), nullable=True),
        sa.Column("email", AutoString(length=254), nullable=True),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_officer")),
        sa.UniqueConstraint("name", name=op.f("uq_officer_name")),
    )
    with op.batch_alter_table("institution", schema=None) as batch_op:
        batch_op.add_column(sa.Column("short_name", AutoString(length=50), nullable=True))
        batch_op.add_column(_archived_at())
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "parent_id",
                sa.Integer(),
                sa.ForeignKey(
                    "department.id",
                    name=op.f("fk_department_parent_id_department"),
                    ondelete="RESTRICT",
                ),
                nullable=True,
            ),
            inline_references=True,
        )
        batch_op.add_column(_archived_at())
        batch_op.create_index(batch_op.f("ix_department_parent_id"), ["parent_id"], unique=False)
    with op.batch_alter_table("funding_source", schema=None) as batch_op:
        batch_op.add_column(_archived_at())
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "funding_source_id",
                sa.Integer(),
                sa.ForeignKey(
                    "funding_source.id",
                    name=op.f("fk_target_funding_source_id_funding_source"),
                    ondelete="SET NULL",
                ),
                nullable=True,
            ),
            inline_references=True,
        )
        batch_op.add_column(_archived_at())
        batch_op.create_index(
            batch_op.f("ix_target_funding_source_id"), ["funding_source_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_target_funding_source_id"))
        batch_op.drop_column("archived_at")
        batch_op.drop_column("funding_source_id")
    with op.batch_alter_table("funding_source", schema=None) as batch_op:
        batch_op.drop_column("archived_at")
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_department_parent_id"))
        batch_op.drop_column("archived_at")
        batch_op.drop_column("parent_id")
    with op.batch_alter_table("institution", schema=None) as batch_op:
        batch_op.drop_column("archived_at")
        batch_op.drop_column("short_name")
    op.drop_table("officer")
