"""immigration_case.next_due: each case's soonest deadline, kept on writes, for the Due dock;
indexes on gate_record.notice_end and gate_review.received_on for the dock's gate section

Revision ID: 0013
Revises: 0012

A nullable column and its index only (no table copy on SQLite). Existing cases start at NULL,
which the reads treat as "not worked out yet" (they compute those cases' clocks as before); the
first write that touches a case, a rule or the calendar fills it in.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("immigration_case", sa.Column("next_due", sa.Date(), nullable=True))
    op.create_index("ix_immigration_case_next_due", "immigration_case", ["next_due"])
    op.create_index("ix_gate_record_notice_end", "gate_record", ["notice_end"])
    op.create_index("ix_gate_review_received_on", "gate_review", ["received_on"])


def downgrade() -> None:
    op.drop_index("ix_gate_review_received_on", "gate_review")
    op.drop_index("ix_gate_record_notice_end", "gate_record")
    op.drop_index("ix_immigration_case_next_due", "immigration_case")
    with op.batch_alter_table("immigration_case") as batch:
        batch.drop_column("next_due")
