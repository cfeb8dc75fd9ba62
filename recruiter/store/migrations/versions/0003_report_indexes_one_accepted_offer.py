"""indexes for the report queries; at most one accepted offer per application

Revision ID: 0003
Revises: 0002

The services already refuse a second accepted offer; the partial unique index also stops two
people accepting offers on the same application at the same moment.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ACCEPTED = sa.text("status = 'accepted'")


def upgrade() -> None:
    op.create_index("ix_application_stage_outcome", "application", ["stage", "outcome"])
    op.create_index(
        "ix_application_target_outcome_stage", "application", ["target_id", "outcome", "stage"]
    )
    op.create_index(
        "uq_offer_accepted",
        "offer",
        ["application_id"],
        unique=True,
        sqlite_where=ACCEPTED,
        postgresql_where=ACCEPTED,
    )


def downgrade() -> None:
    op.drop_index("uq_offer_accepted", "offer")
    op.drop_index("ix_application_target_outcome_stage", "application")
    op.drop_index("ix_application_stage_outcome", "application")
