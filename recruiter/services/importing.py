"""Importing candidate lists: preview, all-or-nothing import, undo.

Every row gets one status, and the counts follow from them (issue 5):

- blank rows are skipped and not counted;
- `invalid`: no name, a bad e-mail/ORCID/PhD year/h-index, a birth date in the future, ...;
- `duplicate`: same ORCID or e-mail (trimmed, any case) as a stored candidate or an earlier row.
  With on_duplicate="skip" nothing is written; "update" fills the empty fields of the match and
  "overwrite" replaces them with the row's non-empty values (status `update`);
- `possible_duplicate`: same normalised name and current institution as a stored candidate or an
  earlier row, with no ORCID/e-mail in common: created, and listed with what it resembles;
- `new`: created.

rows = created + updated + duplicates + invalid; possible duplicates are among the created.

One import is one transaction and one `import_batch`. Rows go in through SQLAlchemy Core
`executemany` (an ORM object per row is an order of magnitude slower), the batch remembers
which candidates it created and the previous values of the fields it changed, so `undo_import`
can put everything back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, literal, select, update
from sqlalchemy import delete as sa_delete
from sqlalchemy.exc import IntegrityError

from recruiter.domain.clock import today, utcnow
from recruiter.domain.enums import Outcome, Stage
from recruiter.domain.identity import email_key, is_email, normalise_orcid, person_key
from recruiter.domain.models import (
    Activity,
    Application,
    AuditEntry,
    Candidate,
    ImportBatch,
    Offer,
    Setting,
    StageEvent,
    Target,
)
from recruiter.errors import ConflictError, NotFound, RecruiterError, ValidationError
from recruiter.exchange import headers as header_names
from recruiter.exchange import reading
from recruiter.exchange.reading import Table
from recruiter.exchange.rejects import write_rejects
from recruiter.store.database import Database

from . import audit

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]

NEW = "new"
UPDATE = "update"
DUPLICATE = "duplicate"
POSSIBLE = "possible_duplicate"
INVALID = "invalid"
STATUSES = (NEW, UPDATE, DUPLICATE, POSSIBLE, INVALID)
ON_DUPLICATE = ("skip", "update", "overwrite")

SETTING_PREFIX = "import.mapping."
CHUNK = 5000
_TICK = 2000  # rows between progress reports / cancel checks while checking rows

_CAND = Candidate.__table__  # type: ignore[attr-defined]
_APP = Application.__table__  # type: ignore[attr-defined]
_EVENT = StageEvent.__table__  # type: ignore[attr-defined]
_AUDIT = AuditEntry.__table__  # type: ignore[attr-defined]
_BATCH = ImportBatch.__table__  # type: ignore[attr-defined]
_OFFER = Offer.__table__  # type: ignore[attr-defined]
_ACTIVITY = Activity.__table__  # type: ignore[attr-defined]

FIELDS = tuple(header_names.FIELDS)
LABELS = header_names.FIELDS
# Column lengths of candidate text fields, so an over-long value is a reason, not a crash on
# a server database that enforces VARCHAR lengths.
_MAX_LEN: dict[str, int] = {
    f: _CAND.c[f].type.length for f in FIELDS if getattr(_CAND.c[f].type, "length", None)
}
_NOTES_MAX = 20000


class ImportCancelled(RecruiterError):
    """The user pressed Cancel; the transaction was rolled back."""

    def __init__(self) -> None:
        super().__init__("The import was cancelled. Nothing was written.")


class StrictImportFailed(RecruiterError):
    """Strict mode found invalid rows, so nothing was written; `summary` says which."""

    def __init__(self, summary: ImportSummary) -> None:
        self.summary = summary
        super().__init__(
            f"{summary.invalid} of {summary.rows} rows are invalid, and strict mode "
            "imports nothing then. Nothing was written. Fix the rows (save them "
            "with --errors OUT.xlsx) or import without --strict."
        )


@dataclass
class ImportOptions:
    """What the user chose. `mapping` is header -> field (None: ignore); None means the
    remembered mapping for these headers, else the automatic one."""

    sheet: str | None = None
    header_row: int | None = None
    mapping: dict[str, str | None] | None = None
    keep_unmapped: bool = False
    on_duplicate: str = "skip"
    target_id: int | None = None
    source: str | None = None
    dry_run: bool = False
    strict: bool = False
    remember_mapping: bool = True


@dataclass(slots=True)
class RowOutcome:
    """What happens to one source row."""

    row: int
    status: str
    cells: list[Any]
    name: str = ""
    reason: str | None = None
    match_id: int | None = None  # the stored candidate it duplicates, updates or resembles
    match_row: int | None = None  # ... or the earlier row of this file
    candidate_id: int | None = None  # after the import: the candidate created or updated


@dataclass
class ImportSummary:
    """The counts, every row's outcome, and what is needed to write the rejected rows."""

    file_name: str
    sheet: str | None
    headers: list[str]
    header_row: int
    mapping: dict[str, str | None]
    outcomes: list[RowOutcome]
    batch_id: int | None = None
    dry_run: bool = True
    already_imported: list[int] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def created(self) -> int:
        return self.count(NEW) + self.count(POSSIBLE)

    @property
    def updated(self) -> int:
        return self.count(UPDATE)

    @property
    def duplicates(self) -> int:
        return self.count(DUPLICATE)

    @property
    def possible_duplicates(self) -> int:
        return self.count(POSSIBLE)

    @property
    def invalid(self) -> int:
        return self.count(INVALID)

    @property
    def rows(self) -> int:
        return len(self.outcomes)

    @property
    def unmapped(self) -> list[str]:
        return [h for h in self.headers if not self.mapping.get(h)]

    def as_json(self) -> dict[str, Any]:
        """The `--json` object of `recruiter import`: exactly these keys."""
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "duplicates": self.duplicates,
            "possible_duplicates": self.possible_duplicates,
            "invalid": self.invalid,
            "batch_id": self.batch_id,
            "dry_run": self.dry_run,
        }

    def rejected(self) -> list[tuple[int, list[Any], str]]:
        return [(o.row, o.cells, o.reason or "") for o in self.outcomes if o.status == INVALID]

    def write_rejects(self, path: str | Path) -> int:
        """Save the invalid rows, with `Row` and `Reason`, so they can be fixed and imported."""
        return write_rejects(path, self.headers, self.rejected())


@dataclass
class UndoSummary:
    batch_id: int
    file_name: str
    deleted: int
    restored: int

    def as_json(self) -> dict[str, Any]:
        return {"batch_id": self.batch_id, "deleted": self.deleted, "restored": self.restored}


# ---------------------------------------------------------------------------------------------
# Reading and mapping


def load(path: str | Path, sheet: str | None = None, header_row: int | None = None) -> Table:
    """Read the file (see recruiter.exchange.reading); raises ReadError with a clear message."""
    return reading.read_table(path, sheet=sheet, header_row=header_row)


def _setting_key(headers: list[str]) -> str:
    digest = hashlib.sha1(header_names.headers_key(headers).encode("utf-8")).hexdigest()
    return SETTING_PREFIX + digest


def remembered_mapping(db: Database, headers: list[str]) -> dict[str, str | None] | None:
    """The mapping last used for a file with exactly these headers, if any."""
    with db.engine.connect() as conn:
        value = conn.execute(
            select(Setting.__table__.c.value).where(
                Setting.__table__.c.key == _setting_key(headers)
            )
        ).scalar_one_or_none()
    if not value:
        return None
    try:
        stored = json.loads(value)
    except ValueError:
        return None
    if not isinstance(stored, dict):
        return None
    return {h: (stored.get(h) if stored.get(h) in LABELS else None) for h in headers}


def mapping_for(db: Database, headers: list[str]) -> dict[str, str | None]:
    """Remembered mapping for these headers, else the automatic one from synonyms."""
    return remembered_mapping(db, headers) or header_names.auto_mapping(headers)


def check_mapping(table: Table, mapping: dict[str, str | None]) -> dict[str, str | None]:
    """The mapping restricted to the table's headers, or a clear error when it cannot work."""
    out: dict[str, str | None] = {h: (mapping.get(h) or None) for h in table.headers}
    unknown = sorted({f for f in out.values() if f and f not in LABELS})
    if unknown:
        raise ValidationError(
            {"mapping": f"unknown field(s): {', '.join(unknown)}"},
            f"These are not candidate fields: {', '.join(unknown)}. "
            f"Choose among: {', '.join(LABELS)}.",
        )
    seen: dict[str, str] = {}
    for h, f in out.items():
        if f is None:
            continue
        if f in seen:
            raise ValidationError(
                {"mapping": f"two columns map to {LABELS[f]}"},
                f"Two columns are mapped to {LABELS[f]}: '{seen[f]}' and '{h}'. "
                "Map one of them to nothing.",
            )
        seen[f] = h
    if not any(f in out.values() for f in header_names.NAME_FIELDS):
        cols = ", ".join(f"'{h}'" for h in table.headers[:12])
        more = " ..." if len(table.headers) > 12 else ""
        where = (
            f"the sheet '{table.sheet}' of {table.path.name}" if table.sheet else table.path.name
        )
        raise RecruiterError(
            f"No column of {where} maps to a name (header row {table.header_row}: {cols}{more}). "
            "Name a column 'Name' or '姓名', choose the header row, or map a column to Name in "
            "the import wizard."
        )
    return out


# ---------------------------------------------------------------------------------------------
# Checking rows


def _text_converter(fieldname: str) -> Callable[[Any], Any]:
    limit = _MAX_LEN.get(fieldname, _NOTES_MAX)
    label = LABELS[fieldname]
    to_text = reading.to_text

    def conv(value: Any) -> Any:
        s = to_text(value)
        if s is not None and len(s) > limit:
            raise ValueError(f"{label} is longer than {limit} characters")
        return s

    return conv


def _quote(value: Any) -> str:
    s = reading.to_text(value) or ""
    return s if len(s) <= 40 else s[:37] + "..."


def _converters(today_: date) -> dict[str, Callable[[Any], Any]]:
    """field -> function(cell) returning the stored value or raising ValueError(reason)."""
    convs: dict[str, Callable[[Any], Any]] = {f: _text_converter(f) for f in FIELDS}
    text_email = convs["email"]

    def email(value: Any) -> Any:
        s = text_email(value)
        if s is not None and not is_email(s):
            raise ValueError(
                f"E-mail '{_quote(value)}' is not a valid address like name@university.edu"
            )
        return s

    def orcid(value: Any) -> Any:
        try:
            return normalise_orcid(reading.to_text(value))
        except ValueError as exc:
            raise ValueError(f"ORCID '{_quote(value)}' is not valid: {exc}") from None

    def birth_date(value: Any) -> Any:
        try:
            d = reading.to_date(value)
        except ValueError as exc:
            raise ValueError(f"Date of birth '{_quote(value)}' {exc}") from None
        if d > today_:
            raise ValueError(f"Date of birth {d.isoformat()} is in the future")
        if d.year < 1900:
            raise ValueError(f"Date of birth {d.isoformat()} is before 1900")
        return d

    def phd_year(value: Any) -> Any:
        hi = today_.year + 1
        try:
            y = reading.to_year(value)
        except ValueError:
            raise ValueError(f"PhD year '{_quote(value)}' is not a year like 2012") from None
        if not 1950 <= y <= hi:
            raise ValueError(f"PhD year {y} is not between 1950 and {hi}")
        return y

    def h_index(value: Any) -> Any:
        try:
            n = reading.to_int(value)
        except ValueError:
            raise ValueError(f"h-index '{_quote(value)}' is not a whole number") from None
        if n < 0:
            raise ValueError(f"h-index {n} is negative")
        if n > 1000:
            raise ValueError(f"h-index {n} is over 1000")
        return n

    convs.update(
        email=email, orcid=orcid, birth_date=birth_date, phd_year=phd_year, h_index=h_index
    )
    return convs


def _has_cjk(s: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in s)


class _Entity:
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
class _Plan:
    summary: ImportSummary
    new: list[_Entity]
    changed: list[_Entity]


class _Checker:
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
        convs = _converters(self.today)
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
        # Earlier rows: key -> entity.
        self.file_email: dict[str, _Entity] = {}
        self.file_orcid: dict[str, _Entity] = {}
        self.file_person: dict[str, _Entity] = {}
        self.existing: dict[int, _Entity] = {}
        self.new: list[_Entity] = []
        self.outcomes: list[RowOutcome] = []

    def load_index(self) -> None:
        """Keys of every stored candidate: one query, held in dictionaries."""
        c = _CAND.c
        rows = self.conn.execute(
            select(
                c.id, c.email, c.orcid, c.person_key, c.full_name, c.name_zh, c.current_institution
            )
        )
        by_email, by_orcid, by_person = self.by_email, self.by_orcid, self.by_person
        for ident, email, orcid, pkey, full, zh, inst in rows:
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
        if zh and not full and not _has_cjk(zh):
            values["full_name"], full = zh, zh  # '姓名' holding a Latin name
            del values["name_zh"]
        elif not full and zh:
            values["full_name"] = full = zh
        name = full or ""
        if not full:
            problems.insert(0, "No name: fill the Name or Chinese name column")
        outcome = RowOutcome(row=number, status=NEW, cells=cells, name=name)
        self.outcomes.append(outcome)
        if problems:
            outcome.status, outcome.reason = INVALID, "; ".join(problems)
            return
        if not self.has_source or not values.get("source"):
            values["source"] = self.source
        self._classify(outcome, values)

    def _append_extra(self, values: dict[str, Any], cells: list[Any]) -> None:
        lines = [f"{h}: {t}" for i, h in self.extra if (t := reading.to_text(cells[i]))]
        if lines:
            notes = "\n".join([values["notes"], *lines] if values.get("notes") else lines)
            values["notes"] = notes[:_NOTES_MAX]

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
                entity = self._existing(match_id)  # type: ignore[arg-type]
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
                outcome.reason = f"Same name and institution as {self._what(outcome)}"
        entity = _Entity(values, index=len(self.outcomes) - 1)
        self.new.append(entity)
        self._register(entity, values)

    def _row_of(self, entity: _Entity) -> int | None:
        return self.outcomes[entity.index].row if entity.index is not None else None

    @staticmethod
    def _what(outcome: RowOutcome) -> str:
        if outcome.match_id is not None:
            return f"candidate {outcome.match_id}"
        return f"row {outcome.match_row}"

    def _dup_reason(
        self, outcome: RowOutcome, okey: str | None, match_id: int | None, entity: _Entity | None
    ) -> str:
        if okey and (
            self.by_orcid.get(okey) == match_id
            if match_id is not None
            else self.file_orcid.get(okey) is entity
        ):
            return f"Same ORCID as {self._what(outcome)}"
        return f"Same e-mail as {self._what(outcome)}"

    def _register(self, entity: _Entity, values: dict[str, Any]) -> None:
        if values.get("orcid"):
            self.file_orcid.setdefault(values["orcid"], entity)
        if ekey := email_key(values.get("email")):
            self.file_email.setdefault(ekey, entity)
        pkey = values.get("person_key")
        if pkey and not pkey.endswith("|"):
            self.file_person.setdefault(pkey, entity)

    def _existing(self, ident: int) -> _Entity:
        entity = self.existing.get(ident)
        if entity is None:
            cols = (*FIELDS, "updated_at")
            row = self.conn.execute(
                select(*[_CAND.c[f] for f in cols]).where(_CAND.c.id == ident)
            ).one()
            stored = dict(zip(cols, row, strict=True))
            del stored["updated_at"]
            stored_at = row[-1]
            entity = _Entity(
                dict(stored), ident=ident, original={**stored, "updated_at": stored_at}
            )
            self.existing[ident] = entity
        return entity

    def _merge(self, outcome: RowOutcome, entity: _Entity, values: dict[str, Any]) -> None:
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
            outcome.reason = "Already up to date"
            return
        outcome.status = UPDATE
        outcome.reason = "Updates " + ", ".join(LABELS[f] for f in changes)
        for f in ("orcid", "email"):
            old = entity.values.get(f)
            if f in changes and old:
                key = old.upper() if f == "orcid" else email_key(old)
                index = self.file_orcid if f == "orcid" else self.file_email
                if index.get(key) is entity:  # type: ignore[arg-type]
                    del index[key]  # type: ignore[arg-type]
        entity.values.update(changes)
        entity.changes.update(changes)
        entity.values["person_key"] = person_key(
            entity.values.get("full_name"),
            entity.values.get("name_zh"),
            entity.values.get("current_institution"),
        )
        self._register(entity, entity.values)

    def _clash(self, entity: _Entity, changes: dict[str, Any]) -> str | None:
        """A changed ORCID or e-mail that already belongs to someone else."""
        for f, index, files in (
            ("orcid", self.by_orcid, self.file_orcid),
            ("email", self.by_email, self.file_email),
        ):
            if f not in changes:
                continue
            key = changes[f].upper() if f == "orcid" else email_key(changes[f])
            owner = index.get(key)  # type: ignore[arg-type]
            if owner is not None and owner != entity.id:
                return (
                    f"{LABELS[f]} {changes[f]} belongs to candidate {owner}, not to "
                    f"candidate {entity.id or self._row_of(entity)}; fix one of them"
                )
            other = files.get(key)  # type: ignore[arg-type]
            if other is not None and other is not entity:
                return f"{LABELS[f]} {changes[f]} is already used by row {self._row_of(other)}"
        return None


def _count_rows(table: Table) -> int:
    return table.count_data_rows()


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _source_text(table: Table, options: ImportOptions) -> str:
    text = (options.source or "").strip() or table.path.name
    return text[: _MAX_LEN["source"]]


def _prepare(
    db: Database, source: str | Path | Table, options: ImportOptions
) -> tuple[Table, dict[str, str | None]]:
    if options.on_duplicate not in ON_DUPLICATE:
        raise ValidationError(
            {"on_duplicate": "must be skip, update or overwrite"},
            f"'{options.on_duplicate}' is not a duplicate rule; use skip, update or overwrite.",
        )
    if isinstance(source, Table):
        table = source
        if options.header_row is not None and options.header_row != table.header_row:
            table.set_header_row(options.header_row)
    else:
        table = load(source, options.sheet, options.header_row)
    mapping = options.mapping if options.mapping is not None else mapping_for(db, table.headers)
    return table, check_mapping(table, mapping)


def _plan(
    conn: Connection,
    table: Table,
    mapping: dict[str, str | None],
    options: ImportOptions,
    progress: ProgressFn | None,
    cancelled: CancelledFn | None,
    total_factor: int,
    batch_id: int | None = None,
) -> _Plan:
    checker = _Checker(conn, table, mapping, options, _source_text(table, options))
    checker.load_index()
    n = _count_rows(table)
    if n > reading.MAX_ROWS:
        raise RecruiterError(
            f"{table.path.name} has {n:,} rows; at most {reading.MAX_ROWS:,} are "
            "imported at once. Split it into several files."
        )
    if progress is not None:
        progress(0, n * total_factor)
    checker.check_all(progress, cancelled, 0, n * total_factor)
    previous = (
        [
            r[0]
            for r in conn.execute(
                select(_BATCH.c.id)
                .where(
                    _BATCH.c.sha256 == _file_digest(table.path),
                    _BATCH.c.undone_at.is_(None),
                    _BATCH.c.id != (batch_id or 0),
                )
                .order_by(_BATCH.c.id)
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
    return _Plan(summary=summary, new=checker.new, changed=changed)


def preview(
    db: Database,
    source: str | Path | Table,
    options: ImportOptions | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> ImportSummary:
    """What an import would do, row by row; writes nothing."""
    options = options or ImportOptions()
    table, mapping = _prepare(db, source, options)
    with db.engine.connect() as conn:
        plan = _plan(conn, table, mapping, options, progress, cancelled, 1)
    plan.summary.dry_run = True
    return plan.summary


def run_import(
    db: Database,
    source: str | Path | Table,
    options: ImportOptions | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> ImportSummary:
    """Import the file in one transaction: all of it, or (on error or Cancel) nothing.

    Dry-run and strict mode are honoured here too, so the CLI and the wizard share one path.
    """
    options = options or ImportOptions()
    if options.dry_run:
        summary = preview(db, source, options, progress, cancelled)
        if options.strict and summary.invalid:
            raise StrictImportFailed(summary)
        return summary
    table, mapping = _prepare(db, source, options)
    try:
        with db.session() as session:
            conn = session.connection()
            if (
                options.target_id is not None
                and conn.execute(
                    select(Target.__table__.c.id).where(Target.__table__.c.id == options.target_id)
                ).first()
                is None
            ):
                raise NotFound(
                    f"Target {options.target_id} does not exist. Choose an existing "
                    "target (see the Targets page), or import without one."
                )
            now = utcnow()
            # The batch row first: it takes the write lock before the candidates are read, so
            # no other writer can slip in between the checks and the inserts.
            batch_id = conn.execute(
                insert(_BATCH).values(
                    file_name=table.path.name[:500],
                    sha256=_file_digest(table.path),
                    imported_at=now,
                    source=_source_text(table, options),
                )
            ).inserted_primary_key[0]
            plan = _plan(conn, table, mapping, options, progress, cancelled, 2, batch_id)
            summary = plan.summary
            if options.strict and summary.invalid:
                raise StrictImportFailed(summary)
            _write(session, conn, db.user, batch_id, plan, options, now, progress, cancelled)
            if options.remember_mapping:
                _remember(conn, table.headers, mapping)
    except IntegrityError as exc:
        raise ConflictError(
            f"The import clashed with data changed at the same time ({exc.orig})."
            " Nothing was imported; try again."
        ) from exc
    summary.batch_id = batch_id
    summary.dry_run = False
    return summary


def _write(
    session: Any,
    conn: Connection,
    user: str,
    batch_id: int,
    plan: _Plan,
    options: ImportOptions,
    now: datetime,
    progress: ProgressFn | None,
    cancelled: CancelledFn | None,
) -> None:
    summary = plan.summary
    n = summary.rows
    total = 2 * n
    # 1. New candidates, in chunks, through Core executemany.
    base: dict[str, Any] = dict.fromkeys((*FIELDS, "person_key"))
    base.update(import_batch_id=batch_id, created_at=now, updated_at=now)
    rows = []
    for e in plan.new:
        row = base.copy()
        row.update(e.values)
        rows.append(row)
    stmt = insert(_CAND)
    for start in range(0, len(rows), CHUNK):
        if cancelled is not None and cancelled():
            raise ImportCancelled()
        conn.execute(stmt, rows[start : start + CHUNK])
        if progress is not None:
            progress(n + min(start + CHUNK, len(rows)) * n // max(len(rows), 1), total)
    ids = list(
        conn.execute(
            select(_CAND.c.id).where(_CAND.c.import_batch_id == batch_id).order_by(_CAND.c.id)
        ).scalars()
    )
    for e, ident in zip(plan.new, ids, strict=True):
        e.id = ident
        summary.outcomes[e.index].candidate_id = ident  # type: ignore[index]
    created_note = _json({"import_batch": batch_id})
    for start in range(0, len(ids), CHUNK):  # every create is audited, in bulk
        conn.execute(
            insert(_AUDIT),
            [
                {
                    "at": now,
                    "user": user,
                    "entity": "candidate",
                    "entity_id": ident,
                    "action": "import_create",
                    "changes": created_note,
                }
                for ident in ids[start : start + CHUNK]
            ],
        )
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
        restore[str(e.id)] = {f: _plain(e.original.get(f)) for f in (*cols, "updated_at")}
        imported[str(e.id)] = {f: _plain(e.changes[f]) for f in cols}
        params = {f"v_{f}": e.changes[f] for f in cols}
        params["v_person_key"] = e.values.get("person_key")
        params["v_id"] = e.id
        groups.setdefault(cols, []).append(params)
        audits.append(
            {
                "at": now,
                "user": user,
                "entity": "candidate",
                "entity_id": e.id,
                "action": "import_update",
                "changes": _json(
                    {f: [_plain(e.original.get(f)), _plain(e.changes[f])] for f in cols}
                    | {"import_batch": [None, batch_id]}
                ),
            }
        )
    for cols, params in groups.items():
        if cancelled is not None and cancelled():
            raise ImportCancelled()
        values = {f: bindparam(f"v_{f}") for f in cols}
        values.update(person_key=bindparam("v_person_key"), updated_at=now)
        conn.execute(update(_CAND).where(_CAND.c.id == bindparam("v_id")).values(values), params)
    if audits:
        conn.execute(insert(_AUDIT), audits)
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
        update(_BATCH)
        .where(_BATCH.c.id == batch_id)
        .values(
            rows=summary.rows,
            created=summary.created,
            updated=summary.updated,
            invalid=summary.invalid,
            duplicates=summary.duplicates,
            possible_duplicates=summary.possible_duplicates,
            restore=_json(
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
        conn.execute(select(_APP.c.candidate_id).where(_APP.c.target_id == target_id)).scalars()
    )
    wanted = [c for c in dict.fromkeys(candidate_ids) if c is not None and c not in already]
    if not wanted:
        return []
    last = conn.execute(select(func.max(_APP.c.id))).scalar() or 0
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
    for start in range(0, len(rows), CHUNK):
        conn.execute(insert(_APP), rows[start : start + CHUNK])
    new_apps = select(_APP.c.id).where(_APP.c.target_id == target_id, _APP.c.id > last)
    conn.execute(
        insert(_EVENT).from_select(
            ["application_id", "to_stage", "outcome", "at", "note", "by"],
            select(
                _APP.c.id,
                literal(Stage.identified, _EVENT.c.to_stage.type),
                literal(Outcome.active, _EVENT.c.outcome.type),
                literal(now, _EVENT.c.at.type),
                literal(f"Imported (batch {batch_id})", _EVENT.c.note.type),
                literal(user[:100], _EVENT.c.by.type),
            ).where(_APP.c.target_id == target_id, _APP.c.id > last),
        )
    )
    return list(conn.execute(new_apps.order_by(_APP.c.id)).scalars())


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str)


def _remember(conn: Connection, headers: list[str], mapping: dict[str, str | None]) -> None:
    """Keep the mapping for the next file with the same headers (a row of `setting`)."""
    key = _setting_key(headers)
    value = _json({h: mapping.get(h) for h in headers})
    table = Setting.__table__  # type: ignore[attr-defined]
    if conn.execute(update(table).where(table.c.key == key).values(value=value)).rowcount == 0:
        conn.execute(insert(table).values(key=key, value=value))


def forget_mappings(db: Database) -> int:
    """Drop every remembered mapping; returns how many there were."""
    table = Setting.__table__  # type: ignore[attr-defined]
    with db.session() as s:
        result = s.connection().execute(
            sa_delete(table).where(table.c.key.startswith(SETTING_PREFIX))
        )
        return int(result.rowcount or 0)


# ---------------------------------------------------------------------------------------------
# Undo


def undo_import(db: Database, batch_id: int) -> UndoSummary:
    """Delete the candidates a batch created (their applications go with them), remove the
    applications it added, and restore the fields it changed. One transaction."""
    with db.session() as session:
        conn = session.connection()
        batch = conn.execute(select(_BATCH).where(_BATCH.c.id == batch_id)).mappings().first()
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
            conn.execute(select(_CAND.c.id).where(_CAND.c.import_batch_id == batch_id)).scalars()
        )
        for start in range(0, len(apps), CHUNK):
            conn.execute(sa_delete(_APP).where(_APP.c.id.in_(apps[start : start + CHUNK])))
        deleted = (
            conn.execute(sa_delete(_CAND).where(_CAND.c.import_batch_id == batch_id)).rowcount or 0
        )
        note = _json({"import_batch": batch_id})
        for start in range(0, len(created), CHUNK):
            conn.execute(
                insert(_AUDIT),
                [
                    {
                        "at": now,
                        "user": db.user,
                        "entity": "candidate",
                        "entity_id": ident,
                        "action": "import_undo_delete",
                        "changes": note,
                    }
                    for ident in created[start : start + CHUNK]
                ],
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
                conn.execute(select(*[_CAND.c[f] for f in FIELDS]).where(_CAND.c.id == ident))
                .mappings()
                .first()
            )
            if current is None or not values:
                continue  # deleted since the import
            if written is not None:
                # A field edited by someone after the import keeps that edit.
                mine = written.get(key, {})
                kept = [
                    f for f in values if f != "updated_at" and _plain(current.get(f)) != mine.get(f)
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
                    update(_CAND).where(_CAND.c.id == ident).values(**values, person_key=pkey)
                )
            except IntegrityError as exc:
                raise ConflictError(
                    f"Candidate {ident} cannot get back its previous {', '.join(old)}: another "
                    "candidate uses that value now. Change one of them and undo again. "
                    "Nothing was undone."
                ) from exc
            restored += 1
            changes = {f: [_plain(current.get(f)), _plain(v)] for f, v in values.items()}
            audits.append(
                {
                    "at": now,
                    "user": db.user,
                    "entity": "candidate",
                    "entity_id": ident,
                    "action": "import_undo",
                    "changes": _json(changes),
                }
            )
        if audits:
            conn.execute(insert(_AUDIT), audits)
        conn.execute(update(_BATCH).where(_BATCH.c.id == batch_id).values(undone_at=now))
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
    mine = select(_CAND.c.id).where(_CAND.c.import_batch_id == batch_id).scalar_subquery()
    app_ids = set(conn.execute(select(_APP.c.id).where(_APP.c.candidate_id.in_(mine))).scalars())
    later_apps = app_ids - set(added_apps)
    app_ids |= set(added_apps)
    ids = list(app_ids)
    offers = events = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        offers += conn.execute(
            select(func.count()).select_from(_OFFER).where(_OFFER.c.application_id.in_(chunk))
        ).scalar_one()
        events += conn.execute(
            select(func.count()).select_from(_EVENT).where(_EVENT.c.application_id.in_(chunk))
        ).scalar_one()
    events -= len(added_apps)  # the import's own "added to pipeline" event of each
    activities = conn.execute(
        select(func.count()).select_from(_ACTIVITY).where(_ACTIVITY.c.candidate_id.in_(mine))
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


def batches(db: Database, limit: int = 50) -> list[dict[str, Any]]:
    """Recent import batches, newest first, as plain dicts for the UI and scripts."""
    with db.engine.connect() as conn:
        rows = conn.execute(select(_BATCH).order_by(_BATCH.c.id.desc()).limit(limit)).mappings()
        return [{k: v for k, v in r.items() if k != "restore"} for r in rows]
