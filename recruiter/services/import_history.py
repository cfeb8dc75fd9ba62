"""Import history: every import batch and the candidates it created or updated, as plain values
for the Import history page. Undoing a batch is `services.importing.undo_import` (same refusal
rules as `recruiter undo-import`).

Read from the stored rows only (import_batch, its audit entries, candidate.import_batch_id and
the batch's restore record), so it does not depend on how the importer is organised.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from recruiter.domain.models import AuditEntry, Candidate, ImportBatch
from recruiter.errors import NotFound
from recruiter.i18n import _
from recruiter.store.database import Database

CHUNK = 500


@dataclass(frozen=True)
class BatchRow:
    id: int
    file_name: str
    imported_at: datetime
    user: str | None  # who imported it (from the audit log)
    source: str | None
    rows: int
    created: int
    updated: int
    duplicates: int
    possible_duplicates: int
    invalid: int
    undone_at: datetime | None
    undone_by: str | None

    @property
    def undone(self) -> bool:
        return self.undone_at is not None


@dataclass(frozen=True)
class BatchCandidate:
    candidate_id: int
    full_name: str | None  # None once the candidate no longer exists
    name_zh: str | None
    email: str | None
    action: str  # "created" | "updated"
    fields: tuple[str, ...]  # the fields an update wrote
    exists: bool


def _users(db: Database, batch_ids: list[int]) -> dict[tuple[int, str], str]:
    out: dict[tuple[int, str], str] = {}
    if not batch_ids:
        return out
    with db.engine.connect() as conn:
        for start in range(0, len(batch_ids), CHUNK):
            rows = conn.execute(
                select(col(AuditEntry.entity_id), col(AuditEntry.action), col(AuditEntry.user))
                .where(col(AuditEntry.entity) == "import_batch")
                .where(col(AuditEntry.entity_id).in_(batch_ids[start : start + CHUNK]))
                .order_by(col(AuditEntry.id))
            ).all()
            for ident, action, user in rows:
                out[(int(ident), str(action))] = str(user)
    return out


def batches(
    db: Database, limit: int | None = None, *, ids: list[int] | None = None
) -> list[BatchRow]:
    """Every import batch (or those of `ids`), newest first (or the newest `limit`)."""
    stmt = select(ImportBatch).order_by(col(ImportBatch.id).desc())
    if ids is not None:
        stmt = stmt.where(col(ImportBatch.id).in_(ids))
    if limit is not None:
        stmt = stmt.limit(limit)
    with db.session() as s:
        found = list(s.execute(stmt).scalars().all())
    users = _users(db, [b.id for b in found if b.id is not None])
    return [
        BatchRow(
            id=b.id,
            file_name=b.file_name,
            imported_at=b.imported_at,
            user=users.get((b.id, "import")),
            source=b.source,
            rows=b.rows,
            created=b.created,
            updated=b.updated,
            duplicates=b.duplicates,
            possible_duplicates=b.possible_duplicates,
            invalid=b.invalid,
            undone_at=b.undone_at,
            undone_by=users.get((b.id, "undo")),
        )
        for b in found
        if b.id is not None
    ]


def batch(db: Database, batch_id: int) -> BatchRow:
    for row in batches(db, ids=[batch_id]):
        return row
    raise NotFound(
        _("Import batch {batch_id} does not exist; refresh the Import history.").format(
            batch_id=batch_id
        )
    )


def _restore_record(raw: str | None) -> dict[str, Any]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def batch_rows(db: Database, batch_id: int) -> list[BatchCandidate]:
    """The candidates a batch created (while they exist) and those it updated, by name."""
    with db.session() as s:
        found = s.get(ImportBatch, batch_id)
        if found is None:
            raise NotFound(
                _("Import batch {batch_id} does not exist; refresh the Import history.").format(
                    batch_id=batch_id
                )
            )
        record = _restore_record(found.restore)
        created = s.execute(
            select(
                col(Candidate.id),
                col(Candidate.full_name),
                col(Candidate.name_zh),
                col(Candidate.email),
            )
            .where(col(Candidate.import_batch_id) == batch_id)
            .order_by(col(Candidate.id))
        ).all()
        written = record.get("imported") or {}
        updated_ids = [int(k) for k in (record.get("candidates") or {})]
        current: dict[int, tuple[Any, ...]] = {}
        for start in range(0, len(updated_ids), CHUNK):
            for r in s.execute(
                select(
                    col(Candidate.id),
                    col(Candidate.full_name),
                    col(Candidate.name_zh),
                    col(Candidate.email),
                ).where(col(Candidate.id).in_(updated_ids[start : start + CHUNK]))
            ).all():
                current[int(r[0])] = tuple(r)
    out = [
        BatchCandidate(int(i), name, zh, email, "created", (), True)
        for i, name, zh, email in created
    ]
    for ident in sorted(updated_ids):
        row = current.get(ident)
        fields = tuple(sorted((written.get(str(ident)) or {}).keys()))
        out.append(
            BatchCandidate(
                ident,
                row[1] if row else None,
                row[2] if row else None,
                row[3] if row else None,
                "updated",
                fields,
                row is not None,
            )
        )
    return out


__all__ = ["BatchCandidate", "BatchRow", "batch", "batch_rows", "batches"]
