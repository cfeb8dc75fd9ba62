"""The office's own assessment scale (Setup → Assessment scale): results in order, each with
an English and a Chinese name and what it does to the tranche its assessment triggers
(release, hold, stop). Stored as JSON in the `assessment_scale` setting; recorded assessments
store a result's key, so renaming never touches them, and a result in use can be neither
removed nor given another effect. Changes are audited; `restore_scale` is their undo."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from recruiter.domain.instalments import (
    DEFAULT_RESULTS,
    KEY_LENGTH,
    Effect,
    ScaleResult,
    dump_scale,
    parse_scale,
    scale_problems,
)
from recruiter.domain.models import Assessment, Setting
from recruiter.errors import ValidationError
from recruiter.store.database import Database

from .. import audit
from .plan import SCALE_KEY, scale_results_in

Stored = str | None  # the setting's raw value before a change (None: the default scale)


def scale(db: Database) -> tuple[ScaleResult, ...]:
    with db.session() as s:
        return scale_results_in(s)


def used_in(s: Session) -> dict[str, int]:
    """How many recorded assessments have each result."""
    rows = s.exec(
        select(col(Assessment.result), func.count())
        .where(col(Assessment.result).is_not(None))
        .group_by(col(Assessment.result))
    ).all()
    return {str(r): int(n) for r, n in rows}


def used(db: Database) -> dict[str, int]:
    with db.session() as s:
        return used_in(s)


def keyed(results: Sequence[ScaleResult]) -> list[ScaleResult]:
    """Results as the editor gives them, a new one (empty key) keyed by its Chinese name, else
    its English one; names trimmed."""
    out = []
    for r in results:
        en, zh = r.en.strip(), r.zh.strip()
        key = r.key or (zh or en)[:KEY_LENGTH]
        out.append(ScaleResult(key, en, zh, Effect(r.effect)))
    return out


def _store(s: Session, user: str, value: Stored, before: Stored) -> None:
    row = s.get(Setting, SCALE_KEY)
    if value is None:
        if row is not None:
            s.delete(row)
    elif row is None:
        s.add(Setting(key=SCALE_KEY, value=value))
    else:
        row.value = value
        s.add(row)
    s.flush()
    audit.record(s, user, "setting", None, "update", {"key": SCALE_KEY, "value": [before, value]})


def set_scale(db: Database, results: Sequence[ScaleResult]) -> Stored:
    """Store the office's scale; returns the stored value before, for `restore_scale`."""
    wanted = keyed(results)
    with db.session() as s:
        row = s.get(Setting, SCALE_KEY)
        before = row.value if row is not None else None
        errors = scale_problems(wanted, used_in(s), scale_results_in(s))
        if errors:
            raise ValidationError(errors)
        _store(s, db.user, json.dumps(dump_scale(wanted), ensure_ascii=False), before)
        return before


def restore_scale(db: Database, value: Stored) -> Stored:
    """Put back a stored scale (None: the default one), checked against the recorded
    assessments like any change; returns the value it replaced (redo)."""
    with db.session() as s:
        row = s.get(Setting, SCALE_KEY)
        before = row.value if row is not None else None
        target = DEFAULT_RESULTS if value is None else parse_scale(json.loads(value)) or ()
        errors = scale_problems(target, used_in(s), scale_results_in(s))
        if errors:
            raise ValidationError(errors)
        _store(s, db.user, value, before)
        return before


__all__ = ["Stored", "keyed", "restore_scale", "scale", "set_scale", "used", "used_in"]
