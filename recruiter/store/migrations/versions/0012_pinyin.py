"""pinyin of Chinese names: search text and sort key, indexed; the search index reads the pinyin

Revision ID: 0012
Revises: 0011

Nullable columns only (no table is copied on SQLite); existing candidates get their pinyin here.
The search index gains the `name_pinyin` column, so it is made again (FTS5 re-reads its rows). The
whole upgrade is one transaction (store/ddl_transaction.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from recruiter.store import names, search

    op.add_column("candidate", sa.Column("name_pinyin", sa.String(length=600), nullable=True))
    op.add_column("candidate", sa.Column("sort_name", sa.String(length=400), nullable=True))
    for name, expr in names.SORT_INDEXES.items():
        op.create_index(name, "candidate", [sa.text(expr)])
    bind = op.get_bind()
    names.refresh(bind)
    if bind.dialect.name == "sqlite" and search.has_index(bind):
        search.drop_sqlite(bind)
        search.create_sqlite(bind)
    if bind.dialect.name == "postgresql":
        from recruiter.store import search_pg

        search_pg.drop(bind)
        search_pg.create(bind, search.SEARCH_COLUMNS)


def downgrade() -> None:
    from recruiter.store import names, search

    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and search.has_index(bind):
        search.drop_sqlite(bind)
        search.create_sqlite(bind, search.SEARCH_COLUMNS_0002)
    if bind.dialect.name == "postgresql":
        from recruiter.store import search_pg

        search_pg.drop(bind)
        search_pg.create(bind, search.SEARCH_COLUMNS_0002)
    for name in names.SORT_INDEXES:
        op.drop_index(name, "candidate")
    with op.batch_alter_table("candidate") as batch:
        batch.drop_column("sort_name")
        batch.drop_column("name_pinyin")
