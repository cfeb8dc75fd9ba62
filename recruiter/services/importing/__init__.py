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

One import is one transaction and one `import_batch`; the batch remembers which candidates it
created and the previous values of the fields it changed, so `undo_import` can put everything
back. The package is cut along those steps:

- `model`: statuses, options, each row's outcome, the summary, the errors;
- `mapping`: reading the file and deciding which column fills which field;
- `checking`: classifying rows (`preview`);
- `writing`: the import transaction (`run_import`);
- `undo`: `undo_import`.

Conversions and checks of single values come from `recruiter.domain.fields`, the same ones the
candidate editor uses.
"""

from .checking import preview
from .mapping import (
    SUFFIXES,
    ReadError,
    Table,
    cell_text,
    check_mapping,
    column_letters,
    forget_mappings,
    load,
    mapping_for,
    remembered_mapping,
    sample_values,
)
from .model import (
    CHUNK,
    DUPLICATE,
    FIELDS,
    INVALID,
    LABELS,
    NEW,
    ON_DUPLICATE,
    POSSIBLE,
    SETTING_PREFIX,
    STATUSES,
    UPDATE,
    CancelledFn,
    ImportCancelled,
    ImportOptions,
    ImportSummary,
    ProgressFn,
    RowOutcome,
    StrictImportFailed,
    UndoSummary,
)
from .undo import DELETE, KEEP, REFUSE, TouchedSinceImport, undo_import
from .writing import run_import

__all__ = [
    "CHUNK",
    "DELETE",
    "DUPLICATE",
    "FIELDS",
    "INVALID",
    "KEEP",
    "LABELS",
    "NEW",
    "ON_DUPLICATE",
    "POSSIBLE",
    "REFUSE",
    "SETTING_PREFIX",
    "STATUSES",
    "SUFFIXES",
    "UPDATE",
    "CancelledFn",
    "ImportCancelled",
    "ImportOptions",
    "ImportSummary",
    "ProgressFn",
    "ReadError",
    "RowOutcome",
    "StrictImportFailed",
    "Table",
    "TouchedSinceImport",
    "UndoSummary",
    "cell_text",
    "check_mapping",
    "column_letters",
    "forget_mappings",
    "load",
    "mapping_for",
    "preview",
    "remembered_mapping",
    "run_import",
    "sample_values",
    "undo_import",
]
