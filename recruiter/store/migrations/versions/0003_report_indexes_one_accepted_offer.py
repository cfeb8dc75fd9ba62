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


def preconditions(bind: sa.Connection) -> list[str]:
    """Applications holding more than one accepted offer, which the unique index would refuse:
    named so that a person can fix them before the upgrade (store/migrate.py runs this first)."""
    rows = bind.execute(
        sa.text(
            "SELECT o.application_id, o.id, c.full_name FROM offer o "
            "LEFT JOIN application a ON a.id = o.application_id "
            "LEFT JOIN candidate c ON c.id = a.candidate_id "
            "WHERE o.status = 'accepted' AND o.application_id IN ("
            "  SELECT application_id FROM offer WHERE status = 'accepted' "
            "  GROUP BY application_id HAVING count(*) > 1) "
            "ORDER BY o.application_id, o.id"
        )
    ).all()
    offers: dict[int, list[int]] = {}
    names: dict[int, str | None] = {}
    for application_id, offer_id, name in rows:
        offers.setdefault(application_id, []).append(offer_id)
        names[application_id] = name
    return [
        f"application {app}{f' ({names[app]})' if names[app] else ''} has "
        f"{len(ids)} accepted offers ({', '.join(map(str, ids))}); schema 0003 allows one "
        "per application, so set all but one to another status"
        for app, ids in offers.items()
    ]
