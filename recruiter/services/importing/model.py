"""What an import is made of: row statuses, options, each row's outcome, the summary, and the
errors an import can end with. Plain values the wizard and the command line hold."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table

from recruiter.domain import fields
from recruiter.domain.models import (
    Activity,
    Application,
    Candidate,
    ImportBatch,
    Offer,
    StageEvent,
)
from recruiter.errors import RecruiterError
from recruiter.exchange.rejects import write_rejects
from recruiter.services.labels import FieldLabels

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
CHUNK = 5000  # rows per executemany; read at call time, so tests can make it small

CAND: Table = Candidate.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__
APP: Table = Application.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ at runtime; its stubs don't declare it
EVENT: Table = StageEvent.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ at runtime; its stubs don't declare it
BATCH: Table = ImportBatch.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ at runtime; its stubs don't declare it
OFFER: Table = Offer.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ at runtime; its stubs don't declare it
ACTIVITY: Table = Activity.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ at runtime; its stubs don't declare it

# The candidate fields a file can fill (domain.fields), in the wizard's order, and their labels.
FIELDS: tuple[str, ...] = fields.IMPORTABLE
LABELS: Mapping[str, str] = FieldLabels(FIELDS)  # in the current language


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
    kept: int = 0  # created candidates edited since the import, kept at the user's choice

    def as_json(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "deleted": self.deleted,
            "restored": self.restored,
            "kept": self.kept,
        }
