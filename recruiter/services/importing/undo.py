"""Undoing an import: delete the candidates a batch created (their applications go with them),
remove the applications it added and restore the fields it changed, unless work recorded since
would be lost.

A created candidate someone edited after the import is never deleted without saying so: by
default the undo refuses, naming them (`TouchedSinceImport`); the caller may instead keep them
(`touched=KEEP`, the window's choice) or delete them too (`touched=DELETE`, the command line's
`--force`). What an undo deletes does not linger: the audit entries of deleted candidates keep
who changed which fields and when, not the values, and the batch forgets the values it held
for the undo."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table, func, select, update
from sqlalchemy import delete as sa_delete
from sqlalchemy.exc import IntegrityError

from recruiter.domain.clock import utcnow
from recruiter.domain.identity import person_key
from recruiter.domain.models import AuditEntry
from recruiter.errors import ConflictError, NotFound
from recruiter.i18n import _, ngettext
from recruiter.store.database import Database

from .. import audit
from . import model
from .model import ACTIVITY, APP, BATCH, CAND, EVENT, FIELDS, LABELS, OFFER, UndoSummary
from .writing import plain, to_json

AUDIT: Table = AuditEntry.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__

REFUSE, KEEP, DELETE = "refuse", "keep", "delete"  # what to do with candidates edited since
_SHOWN = 10  # candidates named in the refusal


class TouchedSinceImport(ConflictError):
    """Candidates the batch created were edited after the import; `candidates` names them
    ((id, full name), oldest id first) so the window can offer to keep them."""

    def __init__(self, batch_id: int, candidates: list[tuple[int, str]]) -> None:
        self.batch_id = batch_id
        self.candidates = candidates
        named = ", ".join(
            _("{name} (id {ident})").format(name=name, ident=ident)
            for ident, name in candidates[:_SHOWN]
        )
        more = (
            _(" and {n} more").format(n=len(candidates) - _SHOWN)
            if len(candidates) > _SHOWN
            else ""
        )
        super().__init__(
            ngettext(
                "Import batch {batch} was not undone: {n} of the candidates it created was "
                "edited after the import ({named}), and undoing would delete them with those "
                "edits. Keep them and undo the rest, or cancel. Nothing was changed.",
                "Import batch {batch} was not undone: {n} of the candidates it created were "
                "edited after the import ({named}), and undoing would delete them with those "
                "edits. Keep them and undo the rest, or cancel. Nothing was changed.",
                len(candidates),
            ).format(batch=batch_id, n=len(candidates), named=named + more)
        )


def undo_import(db: Database, batch_id: int, *, touched: str = REFUSE) -> UndoSummary:
    """Delete the candidates a batch created (their applications go with them), remove the
    applications it added, and restore the fields it changed. One transaction.

    `touched` says what happens to created candidates edited after the import: REFUSE raises
    TouchedSinceImport, KEEP keeps them (no longer part of the batch), DELETE deletes them."""
    if touched not in (REFUSE, KEEP, DELETE):
        raise ValueError(f"touched must be {REFUSE!r}, {KEEP!r} or {DELETE!r}")
    with db.session() as session:
        conn = session.connection()
        batch = conn.execute(select(BATCH).where(BATCH.c.id == batch_id)).mappings().first()
        if batch is None:
            raise NotFound(
                _(
                    "Import batch {batch_id} does not exist. The Import history lists the batches "
                    "that can be undone."
                ).format(batch_id=batch_id)
            )
        if batch["undone_at"] is not None:
            raise ConflictError(
                _(
                    "Import batch {batch_id} ({file_name}) was already undone on "
                    "{undone_at:%Y-%m-%d %H:%M} UTC."
                ).format(
                    batch_id=batch_id, file_name=batch["file_name"], undone_at=batch["undone_at"]
                )
            )
        try:
            restore = json.loads(batch["restore"] or "{}")
        except ValueError:
            restore = {}
        apps = [int(a) for a in restore.get("applications", [])]
        _refuse_if_work_since(conn, batch_id, apps)
        later = _edited_since(conn, batch_id, batch["imported_at"])
        if later and touched == REFUSE:
            raise TouchedSinceImport(batch_id, later)
        kept = [ident for ident, _ in later] if touched == KEEP else []
        now = utcnow()
        if kept:
            apps = _without_apps_of(conn, apps, kept)
            for start in range(0, len(kept), model.CHUNK):
                chunk = kept[start : start + model.CHUNK]
                conn.execute(update(CAND).where(CAND.c.id.in_(chunk)).values(import_batch_id=None))
            stays = audit.entry(
                db.user, "candidate", None, "import_undo_keep", {"import_batch": batch_id}
            )
            audit.record_many(conn, [{**stays, "entity_id": ident} for ident in kept])
        created = list(
            conn.execute(select(CAND.c.id).where(CAND.c.import_batch_id == batch_id)).scalars()
        )
        for start in range(0, len(apps), model.CHUNK):
            conn.execute(sa_delete(APP).where(APP.c.id.in_(apps[start : start + model.CHUNK])))
        deleted = (
            conn.execute(sa_delete(CAND).where(CAND.c.import_batch_id == batch_id)).rowcount or 0
        )
        _forget_values(conn, created, batch_id)
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
                    _(
                        "Candidate {ident} cannot get back its previous {value}: another candidate "
                        "uses that value now. Change one of them "
                        "and undo again. Nothing was undone."
                    ).format(ident=ident, value=", ".join(old))
                ) from exc
            restored += 1
            changes = {f: [plain(current.get(f)), plain(v)] for f, v in values.items()}
            audits.append(audit.entry(db.user, "candidate", ident, "import_undo", changes))
        audit.record_many(conn, audits)
        # The values held for the undo are not needed any more (a batch is undone once): the
        # record keeps which candidates and fields the import changed, for the history.
        outline = {
            "candidates": {k: {} for k in restore.get("candidates", {})},
            "imported": {k: dict.fromkeys(v) for k, v in (written or {}).items()},
            "applications": [],
        }
        conn.execute(
            update(BATCH)
            .where(BATCH.c.id == batch_id)
            .values(undone_at=now, restore=to_json(outline))
        )
        audit.record(
            session,
            db.user,
            "import_batch",
            batch_id,
            "undo",
            {
                "file": batch["file_name"],
                "deleted": deleted,
                "restored": restored,
                "kept": len(kept),
            },
        )
    return UndoSummary(
        batch_id=batch_id,
        file_name=batch["file_name"],
        deleted=int(deleted),
        restored=restored,
        kept=len(kept),
    )


def _edited_since(conn: Any, batch_id: int, imported_at: datetime) -> list[tuple[int, str]]:
    """Created candidates changed after the import wrote them: by an audited edit (another
    import's included), or with a later updated_at (timestamps are kept to the second, so the
    audit log is what catches an edit made in the import's second)."""
    rows = conn.execute(
        select(CAND.c.id, CAND.c.full_name, CAND.c.updated_at)
        .where(CAND.c.import_batch_id == batch_id)
        .order_by(CAND.c.id)
    ).all()
    names = {int(ident): str(name or "") for ident, name, _ in rows}
    later = {int(ident) for ident, _, at in rows if at is not None and at > imported_at}
    ids = list(names)
    for start in range(0, len(ids), model.CHUNK):
        later.update(
            conn.execute(
                select(AUDIT.c.entity_id)
                .where(
                    AUDIT.c.entity == "candidate",
                    AUDIT.c.entity_id.in_(ids[start : start + model.CHUNK]),
                    AUDIT.c.action != "import_create",
                )
                .distinct()
            ).scalars()
        )
    return [(ident, names[ident]) for ident in sorted(later)]


def _without_apps_of(conn: Any, apps: list[int], candidate_ids: list[int]) -> list[int]:
    """The batch's applications, less those of candidates that stay."""
    staying = set(candidate_ids)
    left = []
    for start in range(0, len(apps), model.CHUNK):
        chunk = apps[start : start + model.CHUNK]
        rows = conn.execute(select(APP.c.id, APP.c.candidate_id).where(APP.c.id.in_(chunk)))
        left += [a for a, c in rows if c not in staying]
    return left


def _forget_values(conn: Any, candidate_ids: list[int], batch_id: int) -> None:
    """The audit entries of deleted candidates keep who changed which fields and when, but no
    longer the values (names, e-mail addresses, ...) of people the undo removed."""
    for start in range(0, len(candidate_ids), model.CHUNK):
        chunk = candidate_ids[start : start + model.CHUNK]
        entries = conn.execute(
            select(AUDIT.c.id, AUDIT.c.changes).where(
                AUDIT.c.entity == "candidate", AUDIT.c.entity_id.in_(chunk)
            )
        ).all()
        for ident, changes in entries:
            fields = _field_names(changes)
            if fields is None:
                continue
            conn.execute(
                update(AUDIT)
                .where(AUDIT.c.id == ident)
                .values(changes=to_json({"fields": fields, "erased": f"undo of import {batch_id}"}))
            )


def _field_names(changes: Any) -> list[str] | None:
    """The candidate fields an audit entry names with their values; None when it holds none."""
    try:
        data = json.loads(changes) if isinstance(changes, str) else changes
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    fields = sorted(k for k in data if k in LABELS)
    return fields or None


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
            _(
                "Import batch {batch_id} cannot be undone: since the import, {what} were "
                "recorded for its candidates, and undoing would delete them. Delete the "
                "candidates you no longer want from the Candidates page instead (that can be "
                "undone)."
            ).format(batch_id=batch_id, what=what)
        )


def _from_json(fieldname: str, value: Any) -> Any:
    if fieldname == "birth_date" and isinstance(value, str):
        return date.fromisoformat(value)
    if fieldname == "updated_at" and isinstance(value, str):
        at = datetime.fromisoformat(value)
        return at if at.tzinfo else at.replace(tzinfo=UTC)
    return value
