"""Which column fills which candidate field: reading the file, the automatic mapping from header
synonyms, the mapping remembered for files with the same headers, and checking a mapping.

The wizard reaches file formats only through here: `SUFFIXES`, `Table`, `cell_text`,
`column_letters` and `sample_values` are what it needs to show a sheet."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from sqlalchemy import Connection, insert, select, update
from sqlalchemy import Table as SATable
from sqlalchemy import delete as sa_delete

from recruiter.domain.cells import to_text
from recruiter.domain.models import Setting
from recruiter.errors import RecruiterError, ValidationError
from recruiter.exchange import headers as header_names
from recruiter.exchange import reading
from recruiter.exchange.reading import SUFFIXES, ReadError, Table
from recruiter.i18n import N_, _
from recruiter.store.database import Database

from . import model
from .model import LABELS

_SETTING: SATable = Setting.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__

__all__ = [
    "SUFFIXES",
    "ReadError",
    "Table",
    "cell_text",
    "check_mapping",
    "column_letters",
    "forget_mappings",
    "load",
    "mapping_for",
    "remember",
    "remembered_mapping",
    "sample_values",
]


def cell_text(value: Any) -> str:
    """A cell as the sheet shows it ('' for an empty one)."""
    return to_text(value) or ""


def column_letters(width: int) -> list[str]:
    """'A', 'B', ... 'AA' for the first `width` columns."""
    return [get_column_letter(i + 1) for i in range(width)]


def sample_values(table: Table, per_column: int = 3) -> list[list[str]]:
    """The first few non-empty values of each column, to show beside the mapping."""
    samples: list[list[str]] = [[] for _ in range(table.width)]
    for _n, cells in table.data_rows():
        for i, v in enumerate(cells):
            if len(samples[i]) < per_column and (t := to_text(v)):
                samples[i].append(t)
        if all(len(s) >= per_column for s in samples):
            break
    return samples


def load(path: str | Path, sheet: str | None = None, header_row: int | None = None) -> Table:
    """Read the file (see recruiter.exchange.reading); raises ReadError with a clear message."""
    return reading.read_table(path, sheet=sheet, header_row=header_row)


def _setting_key(headers: list[str]) -> str:
    digest = hashlib.sha1(header_names.headers_key(headers).encode("utf-8")).hexdigest()
    return model.SETTING_PREFIX + digest


def remembered_mapping(db: Database, headers: list[str]) -> dict[str, str | None] | None:
    """The mapping last used for a file with exactly these headers, if any."""
    with db.engine.connect() as conn:
        value = conn.execute(
            select(_SETTING.c.value).where(_SETTING.c.key == _setting_key(headers))
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


# What to do when no column holds the names, worded for where the message is read.
NO_NAME_ADVICE = N_(
    "Name a column 'Name' or '姓名', choose the header row, or map a column to Name in "
    "the import wizard."
)
NO_NAME_ADVICE_WIZARD = N_(
    "Under 'Imports into', choose Name or Chinese name for the column that holds the names; "
    "if the column names above are not the file's, go Back and click the header row."
)


def check_mapping(
    table: Table, mapping: dict[str, str | None], *, in_wizard: bool = False
) -> dict[str, str | None]:
    """The mapping restricted to the table's headers, or a clear error when it cannot work
    (`in_wizard`: the advice speaks to someone on the wizard's Columns page)."""
    out: dict[str, str | None] = {h: (mapping.get(h) or None) for h in table.headers}
    unknown = sorted({f for f in out.values() if f and f not in LABELS})
    if unknown:
        raise ValidationError(
            {"mapping": _("unknown field(s): {value}").format(value=", ".join(unknown))},
            _("These are not candidate fields: {value}. Choose among: {value2}.").format(
                value=", ".join(unknown), value2=", ".join(LABELS)
            ),
        )
    seen: dict[str, str] = {}
    for h, f in out.items():
        if f is None:
            continue
        if f in seen:
            raise ValidationError(
                {"mapping": _("two columns map to {value}").format(value=LABELS[f])},
                _(
                    "Two columns are mapped to {value}: '{value2}' and '{h}'. Map one of them to "
                    "nothing."
                ).format(value=LABELS[f], value2=seen[f], h=h),
            )
        seen[f] = h
    if not any(f in out.values() for f in header_names.NAME_FIELDS):
        cols = ", ".join(f"'{h}'" for h in table.headers[:12])
        more = " ..." if len(table.headers) > 12 else ""
        where = (
            _("the sheet '{sheet}' of {name}").format(sheet=table.sheet, name=table.path.name)
            if table.sheet
            else table.path.name
        )
        advice = _(NO_NAME_ADVICE_WIZARD if in_wizard else NO_NAME_ADVICE)
        raise RecruiterError(
            _(
                "No column of {where} maps to a name (header row {header_row}: {cols}{more}). "
            ).format(where=where, header_row=table.header_row, cols=cols, more=more)
            + advice
        )
    return out


def remember(conn: Connection, headers: list[str], mapping: dict[str, str | None]) -> None:
    """Keep the mapping for the next file with the same headers (a row of `setting`)."""
    key = _setting_key(headers)
    value = json.dumps({h: mapping.get(h) for h in headers}, ensure_ascii=False)
    table = _SETTING
    if conn.execute(update(table).where(table.c.key == key).values(value=value)).rowcount == 0:
        conn.execute(insert(table).values(key=key, value=value))


def forget_mappings(db: Database) -> int:
    """Drop every remembered mapping; returns how many there were."""
    table = _SETTING
    with db.session() as s:
        result = s.connection().execute(
            sa_delete(table).where(table.c.key.startswith(model.SETTING_PREFIX))
        )
        return int(result.rowcount or 0)
