"""Writing an import: one transaction that creates and updates the candidates, adds them to a
target's pipeline, records the batch with what undo needs, and audits every change.

Rows go in through SQLAlchemy Core `executemany` (an ORM object per row is an order of magnitude
slower); the checks run inside the same transaction, after the batch row has taken the write
lock, so nothing can slip in between the checks and the inserts."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, insert, literal, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from recruiter.domain import pinyin
from recruiter.domain.clock import utcnow
from recruiter.domain.enums import Outcome, Stage
from recruiter.domain.models import Target
from recruiter.errors import ConflictError, NotFound, RecruiterError
from recruiter.exchange.reading import Table as SheetTable
from recruiter.i18n import _
from recruiter.store import search, statistics
from recruiter.store.database import Database
from recruiter.store.versions import bump

from .. import audit
from . import model
from .checking import Plan, file_digest, plan_rows, prepare, preview, source_text
from .mapping import remember
from .model import (
    APP,
    BATCH,
    CAND,
    EVENT,
    FIELDS,
    UPDATE,
    CancelledFn,
    ImportCancelled,
    ImportOptions,
    ImportSummary,
    ProgressFn,
    StrictImportFailed,
)

_TARGET: Table = Target.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__


def run_import(
    db: Database,
    source: str | Path | SheetTable,
    options: ImportOptions | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
    before_commit: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Import the file in one transaction: all of it, or (on error or Cancel) nothing.

    Dry-run and strict mode are honoured here too, so the CLI and the wizard share one path.
    `before_commit(summary)` runs once everything is written but not yet committed (the CLI
    saves the rejected rows there): if it raises, nothing is imported.
    """
    options = options or ImportOptions()
    if options.dry_run:
        summary = preview(db, source, options, progress, cancelled)
        if options.strict and summary.invalid:
            raise StrictImportFailed(summary)
        return summary
    table, mapping = prepare(db, source, options)
    if next(table.data_rows(), None) is None:
        raise NoRows(
            _(
                "{name} has column names (row {header_row}) but no rows below them. Nothing "
                "was imported."
            ).format(name=table.path.name, header_row=table.header_row)
        )
    try:
        with db.session() as session:
            conn = session.connection()
            if (
                options.target_id is not None
                and conn.execute(
                    select(_TARGET.c.id).where(_TARGET.c.id == options.target_id)
                ).first()
                is None
            ):
                raise NotFound(
                    _(
                        "Target {target_id} does not exist. Choose "
                        "an existing target (see the Targets "
                        "page), or import without one."
                    ).format(target_id=options.target_id)
                )
            now = utcnow()
            # The batch row first: it takes the write lock before the candidates are read, so
            # no other writer can slip in between the checks and the inserts.
            inserted = conn.execute(
                insert(BATCH).values(
                    file_name=table.path.name[:500],
                    sha256=file_digest(table.path),
                    imported_at=now,
                    source=source_text(table, options),
                )
            ).inserted_primary_key
            assert inserted is not None
            batch_id: int = inserted[0]
            plan = plan_rows(conn, table, mapping, options, progress, cancelled, 2, batch_id)
            summary = plan.summary
            if options.strict and summary.invalid:
                raise StrictImportFailed(summary)
            with search.large_cache(conn):
                _write(session, conn, db.user, batch_id, plan, options, now, progress, cancelled)
            if statistics.outdated_by(conn, "candidate", summary.created + summary.updated):
                statistics.refresh(conn, ("candidate", "application", "stage_event"))
            if options.remember_mapping:
                remember(conn, table.headers, mapping)
            if before_commit is not None:
                summary.batch_id, summary.dry_run = batch_id, False
                before_commit(summary)
    except IntegrityError as exc:
        raise ConflictError(
            _(
                "The import clashed with data changed at the same time ({orig}). Nothing was "
                "imported; try again."
            ).format(orig=exc.orig)
        ) from exc
    summary.batch_id = batch_id
    summary.dry_run = False
    return summary


class NoRows(RecruiterError):
    """The file holds a header and nothing below it: there is no batch to record."""


def _write(
    session: Any,
    conn: Connection,
    user: str,
    batch_id: int,
    plan: Plan,
    options: ImportOptions,
    now: datetime,
    progress: ProgressFn | None,
    cancelled: CancelledFn | None,
) -> None:
    summary = plan.summary
    n = summary.rows
    total = 2 * n
    # 1. New candidates, in chunks, through one prepared executemany; the search index takes
    # them in one statement at the end instead of a trigger per row.
    with search.bulk_insert(conn):
        _insert_new(conn, plan, batch_id, now, n, progress, cancelled)
    ids = list(
        conn.execute(
            select(CAND.c.id).where(CAND.c.import_batch_id == batch_id).order_by(CAND.c.id)
        ).scalars()
    )
    for e, ident in zip(plan.new, ids, strict=True):
        e.id = ident
        summary.outcomes[e.index].candidate_id = ident  # type: ignore[index]  # new entities always carry the row index they came from
    created = audit.entry(user, "candidate", None, "import_create", {"import_batch": batch_id})
    # Every create is audited: one entry per new candidate, written set-based.
    new_ids = select(CAND.c.id).where(CAND.c.import_batch_id == batch_id)
    audit.record_each(conn, created, new_ids, ids)
    for o in summary.outcomes:  # rows that pointed at an earlier row now know its id
        if o.match_row is not None and o.match_id is None:
            o.match_id = _id_of_row(summary, o.match_row)
        if o.status == UPDATE and o.candidate_id is None:
            o.candidate_id = o.match_id
    # 2. Changed candidates: previous values kept for undo, one audit entry each.
    restore: dict[str, dict[str, Any]] = {}
    imported: dict[str, dict[str, Any]] = {}  # what the import wrote, so undo spares later edits
    audits: list[dict[str, Any]] = []
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for e in plan.changed:
        cols = tuple(sorted(e.changes))
        assert e.original is not None and e.id is not None
        restore[str(e.id)] = {f: plain(e.original.get(f)) for f in (*cols, "updated_at")}
        imported[str(e.id)] = {f: plain(e.changes[f]) for f in cols}
        params = {f"v_{f}": e.changes[f] for f in cols}
        params["v_person_key"] = e.values.get("person_key")
        names = pinyin.columns(e.values.get("full_name"), e.values.get("name_zh"))
        params.update({f"v_{k}": v for k, v in names.items()})
        params["v_id"] = e.id
        groups.setdefault(cols, []).append(params)
        audits.append(
            audit.entry(
                user,
                "candidate",
                e.id,
                "import_update",
                {f: [plain(e.original.get(f)), plain(e.changes[f])] for f in cols}
                | {"import_batch": [None, batch_id]},
            )
        )
    for cols, group in groups.items():
        if cancelled is not None and cancelled():
            raise ImportCancelled()
        values: dict[str, Any] = {f: bindparam(f"v_{f}") for f in cols}
        values.update(person_key=bindparam("v_person_key"), updated_at=now, **bump(CAND))
        if {"full_name", "name_zh"} & set(cols):  # the pinyin follows a renamed candidate
            values.update({k: bindparam(f"v_{k}") for k in ("name_pinyin", "sort_name")})
        conn.execute(update(CAND).where(CAND.c.id == bindparam("v_id")).values(values), group)
    audit.record_many(conn, audits)
    # 3. The pipeline of the chosen target.
    applications: list[int] = []
    if options.target_id is not None:
        applications = _add_to_target(
            conn,
            options.target_id,
            batch_id,
            user,
            now,
            [e.id for e in plan.new] + [e.id for e in plan.changed],
        )
    # 4. The batch row and its audit entry.
    conn.execute(
        update(BATCH)
        .where(BATCH.c.id == batch_id)
        .values(
            rows=summary.rows,
            created=summary.created,
            updated=summary.updated,
            invalid=summary.invalid,
            duplicates=summary.duplicates,
            possible_duplicates=summary.possible_duplicates,
            restore=to_json(
                {"candidates": restore, "imported": imported, "applications": applications}
            ),
        )
    )
    audit.record(
        session,
        user,
        "import_batch",
        batch_id,
        "import",
        {
            "file": summary.file_name,
            "sheet": summary.sheet,
            "rows": summary.rows,
            "created": summary.created,
            "updated": summary.updated,
            "duplicates": summary.duplicates,
            "possible_duplicates": summary.possible_duplicates,
            "invalid": summary.invalid,
            "on_duplicate": options.on_duplicate,
            "target_id": options.target_id,
        },
    )
    if progress is not None:
        progress(total, total)


def _insert_new(
    conn: Connection,
    plan: Plan,
    batch_id: int,
    now: datetime,
    n: int,
    progress: ProgressFn | None,
    cancelled: CancelledFn | None,
) -> None:
    """The new candidates as plain tuples through the driver's executemany: the column types'
    own bind processors (dates, enums, timestamps) are applied once per value, without the
    per-row parameter handling of a Core insert, which cost as much as SQLite's own work."""
    columns = list(dict.fromkeys((*FIELDS, "person_key")))
    for e in plan.new:
        for key in e.values:
            if key not in columns:
                columns.append(key)
    spelled = ("name_pinyin", "sort_name")  # computed here from the names (domain/pinyin.py)
    columns = [c for c in columns if c not in spelled]
    width = len(columns)
    columns += spelled
    fixed = {"import_batch_id": batch_id, "created_at": now, "updated_at": now}
    dialect = conn.dialect
    dbapi = dialect.loaded_dbapi
    processors = [CAND.c[c].type.bind_processor(dialect) for c in [*columns, *fixed]]
    tail = tuple(
        p(v) if p is not None else v
        for p, v in zip(processors[len(columns) :], fixed.values(), strict=True)
    )
    convert = [(i, p) for i, p in enumerate(processors[: len(columns)]) if p is not None]
    names = ", ".join(f'"{c}"' for c in [*columns, *fixed])
    mark = "?" if dbapi.paramstyle == "qmark" else "%s"  # SQLite's driver / psycopg
    marks = ", ".join([mark] * (len(columns) + len(fixed)))
    sql = f"INSERT INTO candidate ({names}) VALUES ({marks})"
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]  # open: we are in its transaction
    total, new = 2 * n, plan.new
    try:
        for start in range(0, len(new), model.CHUNK):
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            chunk = []
            for e in new[start : start + model.CHUNK]:
                get = e.values.get
                py = pinyin.columns(get("full_name"), get("name_zh"))
                row = [get(c) for c in columns[:width]] + [py[c] for c in spelled]
                for i, p in convert:
                    if row[i] is not None:
                        row[i] = p(row[i])
                chunk.append((*row, *tail))
            try:
                cursor.executemany(sql, chunk)
            except dbapi.Error as exc:  # as SQLAlchemy would raise it (IntegrityError, ...)
                raise DBAPIError.instance(sql, None, exc, dbapi.Error) from exc
            if progress is not None:
                done = min(start + model.CHUNK, len(new))
                progress(n + done * n // max(len(new), 1), total)
    finally:
        cursor.close()


def _id_of_row(summary: ImportSummary, row: int) -> int | None:
    for o in summary.outcomes:
        if o.row == row:
            return o.candidate_id if o.candidate_id is not None else o.match_id
    return None


def _add_to_target(
    conn: Connection,
    target_id: int,
    batch_id: int,
    user: str,
    now: datetime,
    candidate_ids: Iterable[int | None],
) -> list[int]:
    """Applications at stage `identified` for candidates not yet in the target's pipeline,
    each with its first stage event. Returns the new application ids."""
    already = set(
        conn.execute(select(APP.c.candidate_id).where(APP.c.target_id == target_id)).scalars()
    )
    wanted = [c for c in dict.fromkeys(candidate_ids) if c is not None and c not in already]
    if not wanted:
        return []
    last = conn.execute(select(func.max(APP.c.id))).scalar() or 0
    rows = [
        {
            "candidate_id": c,
            "target_id": target_id,
            "stage": Stage.identified,
            "outcome": Outcome.active,
            "priority": 0,
            "stage_changed_at": now,
            "created_at": now,
        }
        for c in wanted
    ]
    for start in range(0, len(rows), model.CHUNK):
        conn.execute(insert(APP), rows[start : start + model.CHUNK])
    new_apps = select(APP.c.id).where(APP.c.target_id == target_id, APP.c.id > last)
    conn.execute(
        insert(EVENT).from_select(
            ["application_id", "to_stage", "outcome", "at", "note", "by"],
            select(
                APP.c.id,
                literal(Stage.identified, EVENT.c.to_stage.type),
                literal(Outcome.active, EVENT.c.outcome.type),
                literal(now, EVENT.c.at.type),
                literal(f"Imported (batch {batch_id})", EVENT.c.note.type),
                literal(user[:100], EVENT.c.by.type),
            ).where(APP.c.target_id == target_id, APP.c.id > last),
        )
    )
    return list(conn.execute(new_apps.order_by(APP.c.id)).scalars())


def plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def to_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str)
