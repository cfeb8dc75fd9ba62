"""Checking rows: each source row gets one status (new, update, duplicate, possible duplicate,
invalid) against the stored candidates and the earlier rows of the file. `preview` runs the
checks alone; `writing.run_import` runs them inside its transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from recruiter.domain import fields
from recruiter.domain.cells import to_text
from recruiter.domain.clock import today
from recruiter.domain.identity import email_key, is_cjk, person_key
from recruiter.errors import RecruiterError, ValidationError
from recruiter.exchange import reading
from recruiter.exchange.reading import Table
from recruiter.i18n import _
from recruiter.store.database import Database

from .mapping import check_mapping, load, mapping_for
from .model import (
    BATCH,
    CAND,
    DUPLICATE,
    FIELDS,
    INVALID,
    LABELS,
    NEW,
    ON_DUPLICATE,
    POSSIBLE,
    UPDATE,
    CancelledFn,
    ImportCancelled,
    ImportOptions,
    ImportSummary,
    ProgressFn,
    RowOutcome,
)

_TICK = 2000  # rows between progress reports / cancel checks while checking rows


def converters(today_: date) -> dict[str, Callable[[Any], Any]]:
    """field -> function(cell) returning the stored value or raising ValueError(reason); the
    same conversion and checks as the editor's (domain.fields.convert)."""
    return {f: fields.converter(fields.spec(f), today_) for f in FIELDS}


class Entity:
    """A candidate the import will create or change: its current field values."""

    __slots__ = ("changes", "id", "index", "original", "values")

    def __init__(
        self,
        values: dict[str, Any],
        ident: int | None = None,
        original: dict[str, Any] | None = None,
        index: int | None = None,
    ) -> None:
        self.values = values
        self.id = ident
        self.original = original  # stored values before the import (existing candidates)
        self.changes: dict[str, Any] = {}
        self.index = index  # outcome index of the row that creates it


@dataclass
class Plan:
    summary: ImportSummary
    new: list[Entity]
    changed: list[Entity]


class Checker:
    """Classifies rows one by one against stored candidates and earlier rows of the file."""

    def __init__(
        self,
        conn: Connection,
        table: Table,
        mapping: dict[str, str | None],
        options: ImportOptions,
        source: str,
    ) -> None:
        self.conn = conn
        self.table = table
        self.mode = options.on_duplicate
        self.source = source
        self.today = today()
        convs = converters(self.today)
        self.columns = [
            (i, f, convs[f]) for i, h in enumerate(table.headers) if (f := mapping.get(h))
        ]
        self.extra = (
            [(i, h) for i, h in enumerate(table.headers) if not mapping.get(h)]
            if options.keep_unmapped
            else []
        )
        self.has_source = "source" in mapping.values()
        # Stored candidates: key -> id.
        self.by_email: dict[str, int] = {}
        self.by_orcid: dict[str, int] = {}
        self.by_person: dict[str, int] = {}
        self.names: dict[int, str] = {}  # stored candidate id -> name, for messages
        # Earlier rows: key -> entity.
        self.file_email: dict[str, Entity] = {}
        self.file_orcid: dict[str, Entity] = {}
        self.file_person: dict[str, Entity] = {}
        self.existing: dict[int, Entity] = {}
        self.new: list[Entity] = []
        self.outcomes: list[RowOutcome] = []

    def load_index(self) -> None:
        """Keys of every stored candidate: one query, held in dictionaries."""
        c = CAND.c
        rows = self.conn.execute(
            select(
                c.id, c.email, c.orcid, c.person_key, c.full_name, c.name_zh, c.current_institution
            )
        )
        by_email, by_orcid, by_person = self.by_email, self.by_orcid, self.by_person
        names = self.names
        for ident, email, orcid, pkey, full, zh, inst in rows:
            names[ident] = full or zh or ""
            if email:
                by_email.setdefault(email.strip().lower(), ident)
            if orcid:
                by_orcid.setdefault(orcid.upper(), ident)
            if pkey is None:
                pkey = person_key(full, zh, inst)
            if pkey and not pkey.endswith("|"):
                by_person.setdefault(pkey, ident)

    def check_all(
        self, progress: ProgressFn | None, cancelled: CancelledFn | None, done0: int, total: int
    ) -> None:
        for i, (number, cells) in enumerate(self.table.data_rows()):
            if i % _TICK == 0 and i:
                if cancelled is not None and cancelled():
                    raise ImportCancelled()
                if progress is not None:
                    progress(done0 + i, total)
            self.check(number, cells)

    def check(self, number: int, cells: list[Any]) -> None:
        values: dict[str, Any] = {}
        problems: list[str] = []
        for i, f, conv in self.columns:
            raw = cells[i]
            if raw == "" or raw is None:
                continue
            try:
                v = conv(raw)
            except ValueError as exc:
                problems.append(str(exc))
                continue
            if v is not None:
                values[f] = v
        if self.extra:
            self._append_extra(values, cells)
        full, zh = values.get("full_name"), values.get("name_zh")
        if zh and not full and not is_cjk(zh):
            values["full_name"], full = zh, zh  # '姓名' holding a Latin name
            del values["name_zh"]
        elif not full and zh:
            values["full_name"] = full = zh
        name = full or ""
        if not full:
            problems.insert(0, _("No name: fill the Name or Chinese name column"))
        outcome = RowOutcome(row=number, status=NEW, cells=cells, name=name)
        self.outcomes.append(outcome)
        if problems:
            outcome.status, outcome.reason = INVALID, "; ".join(problems)
            return
        if not self.has_source or not values.get("source"):
            values["source"] = self.source
        self._classify(outcome, values)

    def _append_extra(self, values: dict[str, Any], cells: list[Any]) -> None:
        lines = [f"{h}: {t}" for i, h in self.extra if (t := to_text(cells[i]))]
        if lines:
            notes = "\n".join([values["notes"], *lines] if values.get("notes") else lines)
            values["notes"] = notes[: fields.NOTES_MAX]

    def _classify(self, outcome: RowOutcome, values: dict[str, Any]) -> None:
        okey = values.get("orcid")
        ekey = email_key(values.get("email"))
        match_id = None
        entity = None
        if okey:
            match_id = self.by_orcid.get(okey)
            entity = None if match_id is not None else self.file_orcid.get(okey)
        if match_id is None and entity is None and ekey:
            match_id = self.by_email.get(ekey)
            entity = None if match_id is not None else self.file_email.get(ekey)
        if match_id is not None or entity is not None:
            outcome.match_id = match_id
            if entity is not None:
                outcome.match_row = self._row_of(entity)
                outcome.match_id = entity.id
            if self.mode == "skip":
                outcome.status = DUPLICATE
                outcome.reason = self._dup_reason(outcome, okey, match_id, entity)
                return
            if entity is None:
                entity = self._existing(match_id)  # type: ignore[arg-type]  # a skip without a file entity always has the existing id it matched
            self._merge(outcome, entity, values)
            return
        pkey = person_key(
            values.get("full_name"), values.get("name_zh"), values.get("current_institution")
        )
        values["person_key"] = pkey
        if pkey and not pkey.endswith("|"):
            similar_id = self.by_person.get(pkey)
            similar = None if similar_id is not None else self.file_person.get(pkey)
            if similar_id is not None or similar is not None:
                outcome.status = POSSIBLE
                outcome.match_id = similar_id
                if similar is not None:
                    outcome.match_row = self._row_of(similar)
                    outcome.match_id = similar.id
                outcome.reason = _("Same name and institution as {value}").format(
                    value=self._what(outcome, similar)
                )
        entity = Entity(values, index=len(self.outcomes) - 1)
        self.new.append(entity)
        self._register(entity, values)

    def _row_of(self, entity: Entity) -> int | None:
        return self.outcomes[entity.index].row if entity.index is not None else None

    def _what(self, outcome: RowOutcome, entity: Entity | None = None) -> str:
        """Who a row matched, by name: "Wei Zhang (candidate 316)", "Na Li (row 12)"."""
        if outcome.match_id is not None:
            return self._who(outcome.match_id)
        name = entity.values.get("full_name") if entity is not None else None
        return (
            _("{name} (row {match_row})").format(name=name, match_row=outcome.match_row)
            if name
            else _("row {match_row}").format(match_row=outcome.match_row)
        )

    def _who(self, ident: int) -> str:
        name = self.names.get(ident)
        return (
            _("{name} (candidate {ident})").format(name=name, ident=ident)
            if name
            else _("candidate {ident}").format(ident=ident)
        )

    def _dup_reason(
        self, outcome: RowOutcome, okey: str | None, match_id: int | None, entity: Entity | None
    ) -> str:
        if okey and (
            self.by_orcid.get(okey) == match_id
            if match_id is not None
            else self.file_orcid.get(okey) is entity
        ):
            return _("Same ORCID as {value}").format(value=self._what(outcome, entity))
        return _("Same e-mail as {value}").format(value=self._what(outcome, entity))

    def _register(self, entity: Entity, values: dict[str, Any]) -> None:
        if values.get("orcid"):
            self.file_orcid.setdefault(values["orcid"], entity)
        if ekey := email_key(values.get("email")):
            self.file_email.setdefault(ekey, entity)
        pkey = values.get("person_key")
        if pkey and not pkey.endswith("|"):
            self.file_person.setdefault(pkey, entity)

    def _existing(self, ident: int) -> Entity:
        entity = self.existing.get(ident)
        if entity is None:
            cols = (*FIELDS, "updated_at")
            row = self.conn.execute(
                select(*[CAND.c[f] for f in cols]).where(CAND.c.id == ident)
            ).one()
            stored = dict(zip(cols, row, strict=True))
            del stored["updated_at"]
            stored_at = row[-1]
            entity = Entity(dict(stored), ident=ident, original={**stored, "updated_at": stored_at})
            self.existing[ident] = entity
        return entity

    def _merge(self, outcome: RowOutcome, entity: Entity, values: dict[str, Any]) -> None:
        """Apply the row to the candidate it duplicates: fill empty fields ('update') or
        replace with the row's non-empty values ('overwrite')."""
        overwrite = self.mode == "overwrite"
        changes: dict[str, Any] = {}
        for f, v in values.items():
            if f in ("person_key", "source") or v is None:
                continue
            cur = entity.values.get(f)
            if cur == v or (not overwrite and cur not in (None, "")):
                continue
            changes[f] = v
        if "email" in changes and email_key(changes["email"]) == email_key(
            entity.values.get("email")
        ):
            del changes["email"]  # only the case differs
        clash = self._clash(entity, changes)
        if clash:
            outcome.status, outcome.reason = INVALID, clash
            return
        if not changes:
            outcome.status = DUPLICATE
            outcome.reason = _("Already up to date")
            return
        outcome.status = UPDATE
        outcome.reason = _("Updates {fields}").format(fields=", ".join(LABELS[f] for f in changes))
        for f in ("orcid", "email"):
            old = entity.values.get(f)
            if f in changes and old:
                key = old.upper() if f == "orcid" else email_key(old)
                index = self.file_orcid if f == "orcid" else self.file_email
                if index.get(key) is entity:  # type: ignore[arg-type]  # keys are str here: email_key/upper() of a present value
                    del index[key]  # type: ignore[arg-type]  # keys are str here: email_key/upper() of a present value
        entity.values.update(changes)
        entity.changes.update(changes)
        entity.values["person_key"] = person_key(
            entity.values.get("full_name"),
            entity.values.get("name_zh"),
            entity.values.get("current_institution"),
        )
        self._register(entity, entity.values)

    def _clash(self, entity: Entity, changes: dict[str, Any]) -> str | None:
        """A changed ORCID or e-mail that already belongs to someone else."""
        for f, index, files in (
            ("orcid", self.by_orcid, self.file_orcid),
            ("email", self.by_email, self.file_email),
        ):
            if f not in changes:
                continue
            key = changes[f].upper() if f == "orcid" else email_key(changes[f])
            owner = index.get(key)  # type: ignore[arg-type]  # keys are str here: email_key/upper() of a present value
            if owner is not None and owner != entity.id:
                this = (
                    self._who(entity.id)
                    if entity.id
                    else _("row {value}").format(value=self._row_of(entity))
                )
                return _(
                    "{value} {value2} belongs to {value3}, not to {this}; fix one of them"
                ).format(value=LABELS[f], value2=changes[f], value3=self._who(owner), this=this)
            other = files.get(key)  # type: ignore[arg-type]  # keys are str here: email_key/upper() of a present value
            if other is not None and other is not entity:
                name = other.values.get("full_name")
                who = (
                    _("{name} (row {value})").format(name=name, value=self._row_of(other))
                    if name
                    else _("row {value}").format(value=self._row_of(other))
                )
                return _("{value} {value2} is already used by {who}").format(
                    value=LABELS[f], value2=changes[f], who=who
                )
        return None


def _count_rows(table: Table) -> int:
    return table.count_data_rows()


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def source_text(table: Table, options: ImportOptions) -> str:
    text = (options.source or "").strip() or table.path.name
    return text[: fields.text_limit(fields.spec("source"))]


def prepare(
    db: Database, source: str | Path | Table, options: ImportOptions
) -> tuple[Table, dict[str, str | None]]:
    if options.on_duplicate not in ON_DUPLICATE:
        raise ValidationError(
            {"on_duplicate": _("must be skip, update or overwrite")},
            _("'{on_duplicate}' is not a duplicate rule; use skip, update or overwrite.").format(
                on_duplicate=options.on_duplicate
            ),
        )
    if isinstance(source, Table):
        table = source
        if options.header_row is not None and options.header_row != table.header_row:
            table.set_header_row(options.header_row)
    else:
        table = load(source, options.sheet, options.header_row)
    mapping = options.mapping if options.mapping is not None else mapping_for(db, table.headers)
    return table, check_mapping(table, mapping)


def plan_rows(
    conn: Connection,
    table: Table,
    mapping: dict[str, str | None],
    options: ImportOptions,
    progress: ProgressFn | None,
    cancelled: CancelledFn | None,
    total_factor: int,
    batch_id: int | None = None,
) -> Plan:
    checker = Checker(conn, table, mapping, options, source_text(table, options))
    checker.load_index()
    n = _count_rows(table)
    max_rows = reading.current_limits().max_rows
    if n > max_rows:
        raise RecruiterError(
            _(
                "{name} has {n:,} rows; at most {max_rows:,} are imported at once. Split it "
                "into several files, or raise the limit with --max-rows."
            ).format(name=table.path.name, n=n, max_rows=max_rows)
        )
    if progress is not None:
        progress(0, n * total_factor)
    checker.check_all(progress, cancelled, 0, n * total_factor)
    previous = (
        [
            r[0]
            for r in conn.execute(
                select(BATCH.c.id)
                .where(
                    BATCH.c.sha256 == file_digest(table.path),
                    BATCH.c.undone_at.is_(None),
                    BATCH.c.id != (batch_id or 0),
                )
                .order_by(BATCH.c.id)
            )
        ]
        if table.path.exists()
        else []
    )
    summary = ImportSummary(
        file_name=table.path.name,
        sheet=table.sheet,
        headers=table.headers,
        header_row=table.header_row,
        mapping=mapping,
        outcomes=checker.outcomes,
        already_imported=previous,
    )
    changed = [e for e in checker.existing.values() if e.changes]
    return Plan(summary=summary, new=checker.new, changed=changed)


def preview(
    db: Database,
    source: str | Path | Table,
    options: ImportOptions | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> ImportSummary:
    """What an import would do, row by row; writes nothing."""
    options = options or ImportOptions()
    table, mapping = prepare(db, source, options)
    with db.engine.connect() as conn:
        plan = plan_rows(conn, table, mapping, options, progress, cancelled, 1)
    plan.summary.dry_run = True
    return plan.summary
