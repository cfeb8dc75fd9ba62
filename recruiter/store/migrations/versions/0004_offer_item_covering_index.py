"""a covering index for summing offer items per offer and currency

Revision ID: 0004
Revises: 0003

The dashboard's offer statistics sum every item per (offer, currency); with every column it
reads in one index the sum streams in order instead of sorting 60k rows in a temporary B-tree.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_offer_item_sums",
        "offer_item",
        ["offer_id", "currency", "kind", "period", "years", "amount_minor"],
    )


def downgrade() -> None:
    op.drop_index("ix_offer_item_sums", "offer_item")
