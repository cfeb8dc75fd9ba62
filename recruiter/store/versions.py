"""Row versions for optimistic locking: which tables carry one, and how a model opts in.

Each table people edit in a form (a candidate, a target, an offer, a funding source) has an
integer `version`, 1 when the row is made and one more on every ORM update (SQLAlchemy's
`version_id_col`). An UPDATE names the version it read (`WHERE id = ? AND version = ?`), so two
sessions that read the same row can never both write it: the second gets StaleDataError, which
store.database turns into `RowChanged`. Services compare the version an editor opened with the
current one (services/concurrency.py) to say who changed what in between. Core bulk writers that
update a versioned table add `bump(table)` to their values.

A table opts in with a `version` field and `__mapper_args__ = _versioned()` in domain/models.py,
its name in VERSIONED, and a migration adding the column (see 0011).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table

VERSIONED = ("candidate", "target", "offer", "funding_source")


def bump(table: Table) -> dict[str, Any]:
    """Values for a Core UPDATE of a versioned table: the version moves on too."""
    if "version" not in table.c:
        return {}
    return {"version": table.c.version + 1}
