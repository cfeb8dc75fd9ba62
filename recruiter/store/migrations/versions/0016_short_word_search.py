"""on PostgreSQL, GIN indexes of the one- and two-character pieces of the names, for short words;
and the owner's ANALYZE that officers' bulk writes call

Revision ID: 0016
Revises: 0015

A search word of one or two characters cannot use the trigram index, and `LIKE '%li%'` scanned
every candidate (40-60 ms at 100,000). See store/search_pg.py. `recruiter_analyze`: see
store/statistics.py. Nothing changes on SQLite.
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from recruiter.store import search_pg, statistics

        search_pg.create_short(bind)
        statistics.create_function(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from recruiter.store import search_pg, statistics

        statistics.drop_function(bind)
        search_pg.drop_short(bind)
