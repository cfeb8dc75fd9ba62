"""immigration_case.next_rule: the rule of each case's stored next deadline, beside next_due

Revision ID: 0015
Revises: 0014

A nullable column only (no table copy on SQLite). Existing cases' next_due goes back to NULL,
"not worked out yet", so no stored date is ever read without its rule: the reads work those
cases out as they did before 0013, and the first write to a case, a rule or the calendar (or
`immigration.open_missing`/`refresh_next_due`) stores both again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("immigration_case", sa.Column("next_rule", sa.String(length=50), nullable=True))
    op.execute("UPDATE immigration_case SET next_due = NULL")


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+, PostgreSQL): a batch copy would reflect the neighbouring
    # tables and warn on the expression indexes it cannot reflect.
    op.execute("ALTER TABLE immigration_case DROP COLUMN next_rule")
