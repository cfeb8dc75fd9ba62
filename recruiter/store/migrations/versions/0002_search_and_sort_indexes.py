"""candidate search (FTS5 trigram on SQLite) and indexes for sorting and filtering

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Text columns sort case-insensitively through lower(col); an expression index on the same
# expression lets both SQLite and PostgreSQL walk the index instead of sorting 100k rows.
LOWER_SORT = ("full_name", "name_zh", "current_institution", "country", "field", "source")
PLAIN_SORT = ("phd_year", "h_index", "created_at", "updated_at")


def upgrade() -> None:
    for col in LOWER_SORT:
        op.create_index(f"ix_candidate_sort_{col}", "candidate", [sa.text(f"lower({col})")])
    for col in PLAIN_SORT:
        op.create_index(f"ix_candidate_sort_{col}", "candidate", [col])
    op.create_index("ix_activity_candidate_due", "activity", ["candidate_id", "done", "due_on"])
    op.create_index("ix_application_target_stage", "application", ["target_id", "stage"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        from recruiter.store import search

        search.create_sqlite(bind, search.SEARCH_COLUMNS_0002)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        from recruiter.store import search

        search.drop_sqlite(bind)
    op.drop_index("ix_application_target_stage", "application")
    op.drop_index("ix_activity_candidate_due", "activity")
    for col in (*LOWER_SORT, *PLAIN_SORT):
        op.drop_index(f"ix_candidate_sort_{col}", "candidate")
