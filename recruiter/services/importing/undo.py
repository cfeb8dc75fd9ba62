"""Undoing an import: delete the candidates a batch created (their applications go with them),
remove the applications it added and restore the fields it changed, unless work recorded since
would be lost."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete as sa_delete
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from recruiter.domain.clock import utcnow
from recruiter.domain.identity import person_key
from recruiter.errors import ConflictError, NotFound
from recruiter.store.database import Database

from .. import audit
from . import model
from .model import ACTIVITY, APP, BATCH, CAND, EVENT, FIELDS, LABELS, OFFER, UndoSummary
from .writing import plain


def undo_import(db: Database, batch_id: int) -> UndoSummary:
    """Delete the candidates a batch created (their applications go with them), remove the
    applications it added, and restore the fields it changed. One transaction."""
    with db.session() as session:
        conn = session.connection()
        batch = conn.execute(select(BATCH).where(BATCH.c.id == batch_id)).mappings().first()
        if batch is None:
            raise NotFound(
                f"Import batch {batch_id} does not exist. The Import history lists "
                "the batches that can be undone."
            )
        if batch["undone_at"] is not None:
            raise ConflictError(
                f"Import batch {batch_id} ({batch['file_name']}) was already "
                f"undone on {batch['undone_at']:%Y-%m-%d %H:%M} UTC."
            )
        try:
            restore = json.loads(batch["restore"] or "{}")
        except ValueError:
            restore = {}
        apps = [int(a) for a in restore.get("applications", [])]
        _refuse_if_work_since(conn, batch_id, apps)
        now = utcnow()
        created = list(
            conn.execute(select(CAND.c.id).where(CAND.c.import_batch_id == batch_id)).scalars()
        )
        for start in range(0, len(apps), model.CHUNK):
            conn.execute(sa_delete(APP).where(APP.c.id.in_(apps[start : start + model.CHUNK])))
        deleted = (
            conn.execute(sa_delete(CAND).where(CAND.c.import_batch_id == batch_id)).rowcount or 0
        )
        gone = audit.entry(
            db.user, "candidate", None, "import_undo_delete", {"import_batch": batch_id}
        )
        for start in range(0, len(created), model.CHUNK):
            audit.record_many(
                conn,
                [{**gone, "entity_id": ident} for ident in created[start : start + model.CHUNK]],
            )
        restored = 0
        audits = []
        written = restore.get("imported")
        for key, old in restore.get("candidates", {}).items():
            ident = int(key)
            values = {
                f: _from_json(f, v) for f, v in old.items() if f in LABELS or f == "updated_at"
            }
            current = (
                conn.execute(select(*[CAND.c[f] for f in FIELDS]).where(CAND.c.id == ident))
                .mappings()
                .first()
            )
            if current is None or not values:
                continue  # deleted since the import
            if written is not None:
                # A field edited by someone after the import keeps that edit.
                mine = written.get(key, {})
                kept = [
                    f for f in values if f != "updated_at" and plain(current.get(f)) != mine.get(f)
                ]
                for f in kept:
                    values.pop(f)
                if kept:
                    values.pop("updated_at", None)
                if not [f for f in values if f != "updated_at"]:
                    continue
            merged = {**current, **values}
            pkey = person_key(merged["full_name"], merged["name_zh"], merged["current_institution"])
            values.setdefault("updated_at", now)
            try:
                conn.execute(
                    update(CAND).where(CAND.c.id == ident).values(**values, person_key=pkey)
                )
            except IntegrityError as exc:
                raise ConflictError(
                    f"Candidate {ident} cannot get back its previous {', '.join(old)}: another "
                    "candidate uses that value now. Change one of them and undo again. "
                    "Nothing was undone."
                ) from exc
            restored += 1
            changes = {f: [plain(current.get(f)), plain(v)] for f, v in values.items()}
            audits.append(audit.entry(db.user, "candidate", ident, "import_undo", changes))
        audit.record_many(conn, audits)
        conn.execute(update(BATCH).where(BATCH.c.id == batch_id).values(undone_at=now))
        audit.record(
            session,
            db.user,
            "import_batch",
            batch_id,
            "undo",
            {"file": batch["file_name"], "deleted": deleted, "restored": restored},
        )
    return UndoSummary(
        batch_id=batch_id, file_name=batch["file_name"], deleted=int(deleted), restored=restored
    )


def _refuse_if_work_since(conn: Any, batch_id: int, added_apps: list[int]) -> None:
    """Undoing deletes the batch's candidates and the applications it added, and with them
    everything recorded on them since; refuse rather than lose that work silently."""
    mine = select(CAND.c.id).where(CAND.c.import_batch_id == batch_id).scalar_subquery()
    app_ids = set(conn.execute(select(APP.c.id).where(APP.c.candidate_id.in_(mine))).scalars())
    later_apps = app_ids - set(added_apps)
    app_ids |= set(added_apps)
    ids = list(app_ids)
    offers = events = 0
    for start in range(0, len(ids), model.CHUNK):
        chunk = ids[start : start + model.CHUNK]
        offers += conn.execute(
            select(func.count()).select_from(OFFER).where(OFFER.c.application_id.in_(chunk))
        ).scalar_one()
        events += conn.execute(
            select(func.count()).select_from(EVENT).where(EVENT.c.application_id.in_(chunk))
        ).scalar_one()
    events -= len(added_apps)  # the import's own "added to pipeline" event of each
    activities = conn.execute(
        select(func.count()).select_from(ACTIVITY).where(ACTIVITY.c.candidate_id.in_(mine))
    ).scalar_one()
    lost = {
        "offer(s)": offers,
        "stage change(s)": max(events, 0),
        "activity record(s)": activities,
        "later pipeline entry(ies)": len(later_apps),
    }
    if any(lost.values()):
        what = ", ".join(f"{n} {label}" for label, n in lost.items() if n)
        raise ConflictError(
            f"Import batch {batch_id} cannot be undone: since the import, {what} were recorded "
            "for its candidates, and undoing would delete them. Delete the candidates you no "
            "longer want from the Candidates page instead (that can be undone)."
        )


def _from_json(fieldname: str, value: Any) -> Any:
    if fieldname == "birth_date" and isinstance(value, str):
        return date.fromisoformat(value)
    if fieldname == "updated_at" and isinstance(value, str):
        at = datetime.fromisoformat(value)
        return at if at.tzinfo else at.replace(tzinfo=UTC)
    return value
