"""team mode: a version on every row people edit; on PostgreSQL the trigram search index and the
change notifications other desktops listen to

Revision ID: 0011
Revises: 0010

`version` is added NOT NULL with a constant default, which SQLite does in place (no table copy)
and which gives every existing row version 1. The PostgreSQL parts live in store/ (search_pg,
team) so that `recruiter check --repair` and `recruiter team init` build exactly the same.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from recruiter.store import versions

    for table in versions.VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from recruiter.store import search, search_pg, sequences, team

        search_pg.create(bind, search.SEARCH_COLUMNS_0002)  # 0012 adds the pinyin
        team.install_notify(bind)
        sequences.reset_all(bind)


def downgrade() -> None:
    from recruiter.store import versions

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from recruiter.store import search_pg, team

        team.remove_notify(bind)
        search_pg.drop(bind)
    for table in versions.VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
