"""Setting up an office: what is still missing for the first offer, and loading the set-up
workbook (exchange/templates.py) with the import's guarantees.

The loader is all or nothing: every row of every sheet is checked and written in one
transaction, which is rolled back when any row is invalid or on a dry run, so the counts a dry
run reports are exactly what a real run would do. Rows refer to each other by name; a row that
matches a stored one updates only the cells it fills (an empty cell never erases), so loading
the same workbook twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from recruiter.domain import cells
from recruiter.domain.enums import FundingKind, TargetStatus
from recruiter.domain.models import Department, FundingSource, Institution, Target
from recruiter.domain.money import MoneyError, is_currency, parse_amount
from recruiter.errors import ConflictError, ValidationError
from recruiter.exchange import reading, templates
from recruiter.exchange.templates import TemplateSheet
from recruiter.i18n import N_, _
from recruiter.store.database import Database

from . import audit
from .archive import describe, references_in
from .institutions import check_parent, find_in
from .validate import clean_text

T = TypeVar("T")

# -- the first-run checklist -----------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    key: str  # "institution" | "department" | "funding_source" | "target"
    label: str
    done: bool
    count: int  # rows in use (not archived)
    where: str  # the place that adds one: "institutions" | "departments" | "funding" | "targets"


@dataclass(frozen=True)
class Checklist:
    items: tuple[ChecklistItem, ...]

    @property
    def complete(self) -> bool:
        return all(i.done for i in self.items)

    @property
    def missing(self) -> list[ChecklistItem]:
        return [i for i in self.items if not i.done]


_CHECKS: tuple[tuple[str, str, type[SQLModel], str], ...] = (
    ("institution", N_("An institution to recruit for"), Institution, "institutions"),
    ("department", N_("A department (school, department or lab)"), Department, "departments"),
    ("funding_source", N_("A funding source to pay for offers"), FundingSource, "funding"),
    ("target", N_("A recruiting target (a position to fill)"), Target, "targets"),
)


def checklist(db: Database) -> Checklist:
    """What is still missing before the first offer can be made, in the order to add it."""
    with db.session() as s:
        items = []
        for key, label, model, where in _CHECKS:
            n = int(
                s.exec(
                    select(func.count()).select_from(model).where(col(model.archived_at).is_(None))  # type: ignore[attr-defined]  # every model in _CHECKS has archived_at; the tuple types them as SQLModel
                ).one()
            )
            items.append(ChecklistItem(key, _(label), n > 0, n, where))
    return Checklist(tuple(items))


# -- loading the set-up workbook -------------------------------------------------------------


@dataclass
class Counts:
    created: int = 0
    updated: int = 0


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int
    reason: str


@dataclass
class SetupResult:
    """What a load did (or, on a dry run or with invalid rows, would have done)."""

    file_name: str
    dry_run: bool
    counts: dict[str, Counts] = field(
        default_factory=lambda: {s.key: Counts() for s in templates.SETUP_SHEETS}
    )
    invalid: list[Problem] = field(default_factory=list)
    sheets: dict[str, str] = field(default_factory=dict)  # template key -> sheet name read
    examples_skipped: int = 0
    # What `undo_load` needs: (entity, id) created, in order; (entity, id, previous values).
    created: list[tuple[str, int]] = field(default_factory=list)
    previous: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return not self.dry_run and not self.invalid

    @property
    def changed(self) -> int:
        return sum(c.created + c.updated for c in self.counts.values())

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            k: {"created": c.created, "updated": c.updated} for k, c in self.counts.items()
        }
        out["invalid"] = [
            {"sheet": p.sheet, "row": p.row, "reason": p.reason} for p in self.invalid
        ]
        out["dry_run"] = self.dry_run
        return out


class _Rollback(Exception):
    """Leaves the unit of work without committing (dry run, or any invalid row)."""


class _RowError(Exception):
    pass


_ENTITY = {
    "institutions": "institution",
    "departments": "department",
    "funding": "funding_source",
    "targets": "target",
}


def read_workbook(path: str | Path) -> dict[str, reading.Table]:
    """The set-up sheets of a workbook by template key; ReadError when it has none."""
    path = Path(path)
    found: dict[str, reading.Table] = {}
    names = reading.sheet_names(path)
    for name in names:
        sheet = templates.sheet_for(name)
        if sheet is None or sheet.key in found:
            continue
        try:
            table = reading.read_table(path, sheet=name)
        except reading.ReadError as exc:
            if "is empty" in str(exc):
                continue  # nothing to load from it
            raise
        table.header_index = reading.find_header_row(table.rows, templates.header_score(sheet))
        table.headers = reading.make_headers(table.rows, table.header_index)
        found[sheet.key] = table
    if not found:
        wanted = ", ".join(f"{s.name} ({s.chinese})" for s in templates.SETUP_SHEETS)
        raise reading.ReadError(
            _(
                "{name} has none of the set-up sheets {wanted}. Write a template with "
                "`recruiter template setup OUT.xlsx`, fill it in and load that."
            ).format(name=path.name, wanted=wanted)
        )
    return found


def load(db: Database, path: str | Path, *, dry_run: bool = False) -> SetupResult:
    """Load a set-up workbook. Nothing is written on a dry run or when any row is invalid
    (then `result.invalid` says why, row by row)."""
    path = Path(path)
    tables = read_workbook(path)
    result = SetupResult(path.name, dry_run)
    result.sheets = {k: t.sheet or k for k, t in tables.items()}
    try:
        with db.session() as s:
            loader = _Loader(s, db.user, result)
            for sheet in templates.SETUP_SHEETS:
                table = tables.get(sheet.key)
                if table is not None:
                    loader.sheet(sheet, table)
            if result.invalid or dry_run:
                raise _Rollback
            if not result.changed:
                return result
            audit.record(
                s,
                db.user,
                "setup",
                None,
                "load",
                {
                    "file": path.name,
                    **{k: v for k, v in result.as_json().items() if k != "invalid"},
                },
            )
    except _Rollback:
        result.created.clear()
        result.previous.clear()
    return result


class _Loader:
    def __init__(self, s: Session, user: str, result: SetupResult) -> None:
        self.s, self.user, self.result = s, user, result

    # -- rows -----------------------------------------------------------------------------
    def sheet(self, sheet: TemplateSheet, table: reading.Table) -> None:
        columns = {i: templates.column_for(sheet, h) for i, h in enumerate(table.headers)}
        name = table.sheet or sheet.name
        missing = [c.header for c in sheet.columns if c.required and c.key not in columns.values()]
        if missing:
            self.problem(
                name, table.header_row, _("no column {value}").format(value=", ".join(missing))
            )
            return
        rows: list[tuple[int, dict[str, Any]]] = []
        for number, row_cells in table.data_rows():
            values: dict[str, Any] = {}
            for i, cell in enumerate(row_cells):
                key = columns.get(i)
                if key is not None and key not in values:
                    values[key] = cells.cell_value(cell)
            if values.pop("example", None) is not None:
                self.result.examples_skipped += 1
                continue
            rows.append((number, values))
        handler: Callable[[dict[str, Any]], None] = getattr(self, f"_{sheet.key}")
        seen: dict[Any, int] = {}
        for number, values in rows:
            try:
                key = self._key(sheet.key, values)
                if key is not None and key in seen:
                    raise _RowError(_("the same row as row {value}").format(value=seen[key]))
                handler(values)
                if key is not None:
                    seen[key] = number
            except _RowError as exc:
                self.problem(name, number, str(exc))
            except ValidationError as exc:
                self.problem(name, number, _reason(sheet, exc))
            except ConflictError as exc:
                self.problem(name, number, str(exc))
        if sheet.key == "departments":
            self._parents(name, rows)

    def problem(self, sheet: str, row: int, reason: str) -> None:
        self.result.invalid.append(Problem(sheet, row, reason))

    @staticmethod
    def _key(kind: str, v: dict[str, Any]) -> Any:
        def k(name: str) -> str:
            return (_text(v.get(name)) or "").casefold()

        if kind in ("institutions", "funding"):
            return k("name") or None
        if kind == "departments":
            return (k("institution"), k("name")) if k("name") else None
        return (k("institution"), k("department"), k("title")) if k("title") else None

    # -- writing --------------------------------------------------------------------------
    def _save(self, kind: str, obj: Any, before: dict[str, Any] | None) -> None:
        """Create or update `obj`, audited, counted, remembered for undo."""
        entity = _ENTITY[kind]
        counts = self.result.counts[kind]
        self.s.add(obj)
        self.s.flush()
        if before is None:
            counts.created += 1
            self.result.created.append((entity, obj.id))
            audit.record(self.s, self.user, entity, obj.id, "create", audit.snapshot(obj))
            return
        change = audit.diff(before, audit.snapshot(obj))
        if change:
            counts.updated += 1
            self.result.previous.append(
                (entity, obj.id, {k: old for k, (old, _n) in change.items()})
            )
            audit.record(self.s, self.user, entity, obj.id, "update", change)

    def _fill(self, obj: Any, values: dict[str, Any]) -> None:
        """Set only what the row fills in."""
        for k, v in values.items():
            if v is not None and getattr(obj, k) != v:
                setattr(obj, k, v)

    def _institution(self, name: Any, *, creating: bool) -> Institution:
        text = _text(name)
        if not text:
            raise _RowError(_("give the institution (a name from the Institutions sheet)"))
        inst = find_in(self.s, text)
        if inst is None:
            raise _RowError(_("no institution named '{text}'").format(text=text))
        if creating and inst.archived_at is not None:
            raise _RowError(
                _("the institution '{name}' is archived; unarchive it first").format(name=inst.name)
            )
        return inst

    def _department(self, inst: Institution, name: Any) -> Department | None:
        text = _text(name)
        if not text:
            return None
        rows = self.s.exec(
            select(Department)
            .where(col(Department.institution_id) == inst.id)
            .order_by(col(Department.id))
        ).all()
        return _match(rows, text, "name", "name_zh")

    def _source(self, name: str) -> FundingSource | None:
        rows = self.s.exec(select(FundingSource).order_by(col(FundingSource.id))).all()
        return _match(rows, name, "name")

    def _institutions(self, v: dict[str, Any]) -> None:
        values: dict[str, Any] = {
            k: _text(v.get(k), n)
            for k, n in (
                ("name", 200),
                ("name_zh", 200),
                ("short_name", 50),
                ("city", 100),
                ("country", 100),
            )
        }
        if not values["name"]:
            raise ValidationError({"name": _("give the institution's name")})
        inst = _match(
            self.s.exec(select(Institution).order_by(col(Institution.id))).all(),
            values["name"],
            "name",
        )
        before = audit.snapshot(inst) if inst is not None else None
        if inst is None:
            inst = Institution(**values)
        else:
            self._fill(inst, {k: x for k, x in values.items() if k != "name"})
        self._save("institutions", inst, before)

    def _departments(self, v: dict[str, Any]) -> None:
        name = _text(v.get("name"), 200)
        if not name:
            raise ValidationError({"name": _("give the department's name")})
        inst = self._institution(v.get("institution"), creating=False)
        dept = self._department(inst, name)
        if dept is None and inst.archived_at is not None:
            raise _RowError(
                _("the institution '{name}' is archived; unarchive it first").format(name=inst.name)
            )
        before = audit.snapshot(dept) if dept is not None else None
        zh = _text(v.get("name_zh"), 200)
        if dept is None:
            assert inst.id is not None
            dept = Department(institution_id=inst.id, name=name, name_zh=zh)
        else:
            self._fill(dept, {"name_zh": zh})
        self._save("departments", dept, before)

    def _parents(self, sheet: str, rows: list[tuple[int, dict[str, Any]]]) -> None:
        """Second pass, once every department of the sheet exists: link parents."""
        bad = {(p.sheet, p.row) for p in self.result.invalid}
        for number, v in rows:
            if (sheet, number) in bad or not _text(v.get("parent")):
                continue
            try:
                inst = self._institution(v.get("institution"), creating=False)
                dept = self._department(inst, v.get("name"))
                parent = self._department(inst, v.get("parent"))
                if dept is None or dept.id is None:
                    continue
                if parent is None:
                    raise _RowError(
                        _("no department named '{value}' in {name}").format(
                            value=_text(v.get("parent")), name=inst.name
                        )
                    )
                if dept.parent_id == parent.id:
                    continue
                assert inst.id is not None
                check_parent(self.s, inst.id, dept.id, parent.id)
                created = ("department", dept.id) in self.result.created
                before = audit.snapshot(dept)
                dept.parent_id = parent.id
                self.s.add(dept)
                self.s.flush()
                if created:  # part of its creation, not an update of it
                    audit.record(
                        self.s,
                        self.user,
                        "department",
                        dept.id,
                        "update",
                        {"parent_id": [None, parent.id]},
                    )
                    continue
                change = audit.diff(before, audit.snapshot(dept))
                self.result.counts["departments"].updated += 1
                self.result.previous.append(
                    ("department", dept.id, {"parent_id": before["parent_id"]})
                )
                audit.record(self.s, self.user, "department", dept.id, "update", change)
            except _RowError as exc:
                self.problem(sheet, number, str(exc))
            except ValidationError as exc:
                self.problem(
                    sheet,
                    number,
                    _("parent department {problems}").format(
                        problems="; ".join(exc.errors.values())
                    ),
                )

    def _funding(self, v: dict[str, Any]) -> None:
        errors: dict[str, str] = {}
        name = _text(v.get("name"), 200)
        if not name:
            errors["name"] = _("give the budget a name")
        values: dict[str, Any] = {"notes": _text(v.get("notes"))}
        kind = _text(v.get("kind"))
        if kind:
            try:
                values["kind"] = FundingKind(templates.choice_value("kind", kind))
            except ValueError:
                errors["kind"] = _("must be one of {value}").format(
                    value=", ".join(templates.FUNDING_KINDS)
                )
        ccy = (_text(v.get("currency")) or "").upper() or None
        if ccy is not None and not is_currency(ccy):
            errors["currency"] = _(
                "'{ccy}' is not a currency code we know (e.g. CNY, USD, EUR)"
            ).format(ccy=ccy)
        year = v.get("fiscal_year")
        if year is not None:
            try:
                values["fiscal_year"] = cells.to_int(year)
                if not 2000 <= values["fiscal_year"] <= 2100:
                    raise ValueError
            except ValueError:
                errors["fiscal_year"] = _("must be a year like 2026")
        src = self._source(name) if name else None
        currency = ccy or (src.currency if src is not None else "CNY")
        total = v.get("total")
        if total is not None:
            try:
                values["total_minor"] = _amount(total, currency)
            except MoneyError:
                errors["total"] = _("must be an amount of zero or more, like 5000000")
        if errors:
            raise ValidationError(errors)
        inst_name = _text(v.get("institution"))
        if inst_name:
            inst = self._institution(inst_name, creating=src is None)
            values["institution_id"] = inst.id
        if src is not None and ccy is not None and ccy != src.currency:
            used = references_in(self.s, "funding_source", src.id or 0).get("offer items")
            if used:
                raise _RowError(
                    _(
                        "{used} offer item(s) are charged to '{name}', "
                        "so its currency stays {currency}"
                    ).format(used=used, name=src.name, currency=src.currency)
                )
        values["currency"] = ccy
        before = audit.snapshot(src) if src is not None else None
        if src is None:
            assert name is not None
            src = FundingSource(
                name=name,
                kind=values.pop("kind", FundingKind.university),
                currency=values.pop("currency") or "CNY",
                **{k: x for k, x in values.items() if x is not None},
            )
        else:
            self._fill(src, values)
        self._save("funding", src, before)

    def _targets(self, v: dict[str, Any]) -> None:
        errors: dict[str, str] = {}
        title = _text(v.get("title"), 300)
        if not title:
            errors["title"] = _("give the position a title")
        values: dict[str, Any] = {
            k: _text(v.get(k), n)
            for k, n in (("field", 200), ("rank", 100), ("talent_programme", 200), ("owner", 100))
        }
        values["notes"] = _text(v.get("notes"))
        if v.get("headcount") is not None:
            try:
                values["headcount"] = cells.to_int(v["headcount"])
                if not 1 <= values["headcount"] <= 1000:
                    raise ValueError
            except ValueError:
                errors["headcount"] = _("must be a whole number of 1 or more")
        status = _text(v.get("status"))
        if status:
            try:
                values["status"] = TargetStatus(templates.choice_value("status", status))
            except ValueError:
                errors["status"] = _("must be one of {value}").format(
                    value=", ".join(templates.TARGET_STATUSES)
                )
        if v.get("fill_by") is not None:
            try:
                values["fill_by"] = cells.to_date(v["fill_by"])
            except ValueError:
                errors["fill_by"] = _("must be a date like 2026-12-31")
        if errors:
            raise ValidationError(errors)
        assert title is not None
        inst = self._institution(v.get("institution"), creating=False)
        dept = self._department(inst, v.get("department"))
        if _text(v.get("department")) and dept is None:
            raise _RowError(
                _("no department named '{value}' in {name}").format(
                    value=_text(v.get("department")), name=inst.name
                )
            )
        target = _match(
            self.s.exec(
                select(Target)
                .where(col(Target.institution_id) == inst.id)
                .where(
                    col(Target.department_id) == dept.id
                    if dept is not None
                    else col(Target.department_id).is_(None)
                )
                .order_by(col(Target.id))
            ).all(),
            title,
            "title",
        )
        creating = target is None
        if creating and inst.archived_at is not None:
            raise _RowError(
                _("the institution '{name}' is archived; unarchive it first").format(name=inst.name)
            )
        if creating and dept is not None and dept.archived_at is not None:
            raise _RowError(
                _("the department '{name}' is archived; unarchive it first").format(name=dept.name)
            )
        source_name = _text(v.get("funding"))
        if source_name:
            src = self._source(source_name)
            if src is None:
                raise _RowError(
                    _("no funding source named '{source_name}'").format(source_name=source_name)
                )
            if src.institution_id is not None and src.institution_id != inst.id:
                raise _RowError(
                    _("the funding source '{name}' belongs to another institution").format(
                        name=src.name
                    )
                )
            if src.archived_at is not None and (
                target is None or target.funding_source_id != src.id
            ):
                raise _RowError(_("the funding source '{name}' is archived").format(name=src.name))
            values["funding_source_id"] = src.id
        before = audit.snapshot(target) if target is not None else None
        if target is None:
            assert inst.id is not None
            target = Target(
                institution_id=inst.id,
                department_id=dept.id if dept is not None else None,
                title=title,
                **{k: x for k, x in values.items() if x is not None},
            )
        else:
            self._fill(target, values)
        self._save("targets", target, before)


def _match(rows: Sequence[T], text: str, *attrs: str) -> T | None:
    """The first row whose attribute equals `text` ignoring case (Unicode-aware, unlike SQL
    lower()), trying `attrs` in order. Set-up tables are small, so this runs in Python."""
    key = text.casefold()
    for attr in attrs:
        for row in rows:
            value = getattr(row, attr)
            if isinstance(value, str) and value.casefold() == key:
                return row
    return None


def _text(value: Any, max_len: int | None = None) -> str | None:
    return clean_text(cells.to_text(value), max_len)


def _amount(value: Any, currency: str) -> int:
    if isinstance(value, bool):
        raise MoneyError(_("not an amount"))
    if isinstance(value, float):
        try:
            value = Decimal(repr(value))
        except InvalidOperation as exc:
            raise MoneyError(_("not an amount")) from exc
    minor = parse_amount(value if isinstance(value, int | Decimal) else str(value), currency)
    if minor < 0:
        raise MoneyError("negative")
    return minor


def _reason(sheet: TemplateSheet, exc: ValidationError) -> str:
    parts = []
    for key, message in exc.errors.items():
        try:
            label = sheet.column(key).english
        except StopIteration:
            label = key.replace("_", " ")
        parts.append(f"{label} {message}")
    return "; ".join(parts)


# -- undo ------------------------------------------------------------------------------------

_MODELS: dict[str, type[SQLModel]] = {
    "institution": Institution,
    "department": Department,
    "funding_source": FundingSource,
    "target": Target,
}


def undo_load(db: Database, result: SetupResult) -> None:
    """Put back what a load changed: previous values of updated rows, and delete what it
    created. Refused, with nothing changed, once something refers to a created row."""
    if not result.written:
        return
    with db.session() as s:
        for entity, ident, previous in reversed(result.previous):
            row = s.get(_MODELS[entity], ident)
            if row is None:
                continue
            before = audit.snapshot(row)
            for k, v in previous.items():
                setattr(row, k, _typed(entity, k, v))
            s.add(row)
            s.flush()
            change = audit.diff(before, audit.snapshot(row))
            if change:
                audit.record(s, db.user, entity, ident, "update", change)
        made = set(result.created)
        for entity, ident in result.created:  # unlink sub-departments made by the same load
            dept = s.get(Department, ident) if entity == "department" else None
            if dept is not None and ("department", dept.parent_id) in made:
                dept.parent_id = None
                s.add(dept)
        s.flush()
        for entity, ident in reversed(result.created):
            row = s.get(_MODELS[entity], ident)
            if row is None:
                continue
            refs = references_in(s, entity, ident)
            if refs:
                what = getattr(row, "name", None) or getattr(row, "title", "")
                raise ConflictError(
                    _(
                        "The set-up load cannot be undone: {what} "
                        "now has {refs}. Nothing was undone."
                    ).format(what=what, refs=describe(refs))
                )
            snap = audit.snapshot(row)
            s.delete(row)
            s.flush()
            audit.record(s, db.user, entity, ident, "delete", snap)


def _typed(entity: str, key: str, value: Any) -> Any:
    if value is None:
        return None
    if key == "kind" and entity == "funding_source":
        return FundingKind(value)
    if key == "status" and entity == "target":
        return TargetStatus(value)
    if key == "fill_by" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def summary_text(result: SetupResult) -> list[str]:
    """The human-readable report, one line per sheet plus one per problem."""
    lines = []
    for sheet in templates.SETUP_SHEETS:
        c = result.counts[sheet.key]
        read = result.sheets.get(sheet.key)
        where = _(" (sheet '{sheet}')").format(sheet=read) if read else _(" (no sheet)")
        lines.append(
            "  "
            + _("{name}{where}: created {created}, updated {updated}").format(
                name=sheet.name, where=where, created=c.created, updated=c.updated
            )
        )
    return lines


def write_setup_template(path: str | Path) -> Path:
    """The set-up workbook to fill in (the window reaches file formats through services)."""
    return templates.write_setup_template(path, replace=True)


def write_candidate_template(path: str | Path) -> Path:
    """The candidate list template, with the headers the importer recognises."""
    return templates.write_candidate_template(path, replace=True)


__all__ = [
    "Checklist",
    "ChecklistItem",
    "Counts",
    "Problem",
    "SetupResult",
    "checklist",
    "load",
    "read_workbook",
    "summary_text",
    "undo_load",
    "write_candidate_template",
    "write_setup_template",
]
