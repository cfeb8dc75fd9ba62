"""Candidates (the talent pool): validation, create/update/delete with audit, and the queries
behind the Candidates table (ids first, rows fetched lazily by id, sorting in SQL)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, case, false, func, null, select
from sqlalchemy import delete as sa_delete
from sqlalchemy import insert as sa_insert
from sqlalchemy import update as sa_update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col

from recruiter.domain import fields, pinyin
from recruiter.domain.clock import today, utcnow
from recruiter.domain.enums import STAGES, Outcome, Stage
from recruiter.domain.identity import email_key, person_key
from recruiter.domain.models import Candidate
from recruiter.errors import ConflictError, NotFound, ValidationError
from recruiter.i18n import N_, _
from recruiter.store import access, names, search, versions
from recruiter.store.database import Database

from . import audit, concurrency
from ._common import get_or_raise
from .labels import FieldLabels
from .rows import RowBundle, capture_candidates, reinsert
from .validate import Problems, clean_text

_CAND = SQLModel.metadata.tables["candidate"]

# The longest text each text field accepts (domain.fields).
TEXT_FIELDS: dict[str, int] = {
    f.name: fields.text_limit(f) for f in fields.CANDIDATE_FIELDS if f.kind in fields.TEXT_KINDS
}
EDITABLE = fields.EDITABLE


LABELS: Mapping[str, str] = FieldLabels(
    fields.LABELS,
    {
        "created_at": N_("Added"),
        "updated_at": N_("Updated"),
        "id": N_("ID"),
        "stage": N_("Furthest stage"),
        "applications": N_("Pipelines"),
        "next_due": N_("Follow-up"),
    },
)


def validate(data: dict[str, Any], *, today_: date | None = None) -> dict[str, Any]:
    """Clean and check candidate fields; raise ValidationError naming every bad field.

    Each value goes through `domain.fields.convert`, the conversion and check the import uses
    too, so a value the editor refuses is refused with the same words in an imported file."""
    day = today_ or today()
    p = Problems()
    out: dict[str, Any] = {}
    for name, value in data.items():
        spec = fields.BY_NAME.get(name)
        if spec is None:
            continue
        try:
            out[name] = fields.convert(spec, value, day)
        except ValueError as exc:
            p.add(name, str(exc))
    # Only a change of full_name needs a name; editing name_zh alone must not touch full_name.
    if "full_name" in data and not out.get("full_name") and "full_name" not in p.errors:
        if out.get("name_zh"):
            out["full_name"] = out["name_zh"]
        else:
            p.add("full_name", _("give the candidate's name (in English or Chinese)"))
    p.raise_if_any()
    return out


def _conflict_message(
    s: Session, values: dict[str, Any], exclude: int | None
) -> tuple[str, str] | None:
    """(field, message) of a clash with another candidate's e-mail or ORCID."""
    key = email_key(values.get("email"))
    if key:
        q = select(_CAND.c.id, _CAND.c.full_name).where(func.lower(_CAND.c.email) == key)
        if exclude:
            q = q.where(_CAND.c.id != exclude)
        hit = s.connection().execute(q).first()
        if hit:
            return "email", _("{name} (#{id}) already has the e-mail {email}").format(
                name=hit[1], id=hit[0], email=values["email"]
            )
    if values.get("orcid"):
        q = select(_CAND.c.id, _CAND.c.full_name).where(_CAND.c.orcid == values["orcid"])
        if exclude:
            q = q.where(_CAND.c.id != exclude)
        hit = s.connection().execute(q).first()
        if hit:
            return "orcid", _("{name} (#{id}) already has the ORCID {orcid}").format(
                name=hit[1], id=hit[0], orcid=values["orcid"]
            )
    return None


def create(db: Database, **data: Any) -> int:
    values = validate({"full_name": data.get("full_name"), "name_zh": data.get("name_zh"), **data})
    with db.session() as s:
        return create_in(s, db.user, values)


def create_in(s: Session, user: str, values: dict[str, Any]) -> int:
    """Insert a validated candidate. Core, not the ORM class, so that every field of
    `domain.fields` is written, including one without a typed attribute on `Candidate`."""
    clash = _conflict_message(s, values, None)
    if clash:
        raise ValidationError(dict([clash]))
    now = utcnow()
    key = person_key(
        values.get("full_name"), values.get("name_zh"), values.get("current_institution")
    )
    conn = s.connection()
    try:
        inserted = conn.execute(
            sa_insert(_CAND).values(
                **values,
                created_at=now,
                updated_at=now,
                person_key=key,
                **pinyin.columns(values.get("full_name"), values.get("name_zh")),
            )
        ).inserted_primary_key
    except IntegrityError as exc:
        raise ConflictError(_("Another candidate has the same e-mail or ORCID.")) from exc
    assert inserted is not None
    ident = int(inserted[0])
    stored = conn.execute(select(_CAND).where(_CAND.c.id == ident)).mappings().one()
    audit.record(s, user, "candidate", ident, "create", dict(stored))
    return ident


def update(
    db: Database,
    candidate_id: int,
    *,
    expected_version: int | None = None,
    overwrite: bool = False,
    **changes: Any,
) -> dict[str, Any]:
    """Apply field changes; returns the previous values of what changed (for undo).
    `expected_version`: the version the editor opened; a newer row raises EditConflict unless
    `overwrite` (services/concurrency.py)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({k: _("is not a candidate field") for k in unknown})
    values = validate(changes)
    with db.session() as s:
        conn = s.connection()
        concurrency.check(
            s, db.user, "candidate", candidate_id, expected_version, overwrite=overwrite
        )
        found = conn.execute(select(_CAND).where(_CAND.c.id == candidate_id)).mappings().first()
        if found is None:
            raise NotFound(
                _("Candidate {candidate_id} no longer exists; refresh the view.").format(
                    candidate_id=candidate_id
                )
            )
        cand = dict(found)
        if ("full_name" in values or "name_zh" in values) and not values.get(
            "full_name", cand["full_name"]
        ):
            raise ValidationError({"full_name": _("give the candidate's name")})
        clash = _conflict_message(s, values, candidate_id)
        if clash:
            raise ValidationError(dict([clash]))
        before = {k: cand[k] for k in values}
        changed = {k: v for k, v in values.items() if before[k] != v}
        if not changed:
            return {}
        cand.update(changed)
        key = person_key(cand["full_name"], cand["name_zh"], cand["current_institution"])
        try:
            conn.execute(
                sa_update(_CAND)
                .where(_CAND.c.id == candidate_id)
                .values(
                    **changed,
                    person_key=key,
                    **(
                        pinyin.columns(cand["full_name"], cand["name_zh"])
                        if {"full_name", "name_zh"} & changed.keys()
                        else {}
                    ),
                    updated_at=utcnow(),
                    **versions.bump(_CAND),
                )
            )
        except IntegrityError as exc:
            raise ConflictError(_("Another candidate has the same e-mail or ORCID.")) from exc
        audit.record(
            s,
            db.user,
            "candidate",
            candidate_id,
            "update",
            {k: [before[k], v] for k, v in changed.items()},
        )
        return {k: before[k] for k in changed}


def get(db: Database, candidate_id: int) -> Candidate:
    with db.session() as s:
        return get_or_raise(s, Candidate, candidate_id, "Candidate")


def delete_many(db: Database, candidate_ids: Sequence[int]) -> RowBundle:
    """Delete candidates with their applications, history, activities and offers.
    Returns every removed row so undo can put them back exactly."""
    ids = list(dict.fromkeys(candidate_ids))
    with db.session() as s:
        bundle = capture_candidates(s, ids)
        if len(bundle.tables["candidate"]) != len(ids):
            raise ConflictError(_("Some of these candidates no longer exist; refresh the view."))
        s.connection().execute(sa_delete(_CAND).where(col(Candidate.id).in_(ids)))
        for row in bundle.tables["candidate"]:
            audit.record(
                s,
                db.user,
                "candidate",
                row["id"],
                "delete",
                {
                    "full_name": row["full_name"],
                    "applications": sum(
                        1 for a in bundle.tables["application"] if a["candidate_id"] == row["id"]
                    ),
                },
            )
        return bundle


def restore(db: Database, bundle: RowBundle) -> None:
    """Undo of delete_many."""
    with db.session() as s:
        reinsert(s, bundle)
        for row in bundle.tables["candidate"]:
            audit.record(
                s, db.user, "candidate", row["id"], "restore", {"full_name": row["full_name"]}
            )


def impact(db: Database, candidate_ids: Sequence[int]) -> dict[str, int]:
    """What a delete would take with it, for the confirmation dialog."""
    with db.session() as s:
        b = capture_candidates(s, list(candidate_ids))
    return {t: b.count(t) for t in ("candidate", "application", "activity", "offer")}


def row(db: Database, candidate_id: int) -> dict[str, Any]:
    """Every column of one candidate as stored, so an undo can put it back exactly (a column
    the signed-in role may not read is None: only a viewer, who cannot write, sees that)."""
    cand = SQLModel.metadata.tables["candidate"]
    hidden = access.of(db).hidden_in("candidate")
    cols = [null().label(c.name) if c.name in hidden else c for c in cand.c]
    with db.engine.connect() as conn:
        found = conn.execute(select(*cols).where(cand.c.id == candidate_id)).first()
    if found is None:
        raise NotFound(
            _("Candidate {candidate_id} no longer exists; refresh the view.").format(
                candidate_id=candidate_id
            )
        )
    return dict(found._mapping)


def put_back(db: Database, values: dict[str, Any]) -> None:
    """Undo of an edit: write back a row captured by `row()` (updated_at included)."""
    cand = SQLModel.metadata.tables["candidate"]
    ident = values["id"]
    with db.session() as s:
        current = s.connection().execute(select(cand).where(cand.c.id == ident)).first()
        if current is None:
            raise NotFound(
                _("Candidate {ident} no longer exists; refresh the view.").format(ident=ident)
            )
        before = dict(current._mapping)
        data = {k: v for k, v in values.items() if k not in ("id", "version")}
        s.connection().execute(
            sa_update(cand).where(cand.c.id == ident).values({**data, **versions.bump(cand)})
        )
        audit.record(
            s,
            db.user,
            "candidate",
            ident,
            "undo",
            {k: [before[k], v] for k, v in data.items() if before[k] != v},
        )


def _split_tags(tags: str | None) -> list[str]:
    return [t.strip() for t in (tags or "").split(",") if t.strip()]


def _clean_tag(tag: str) -> str:
    clean = (clean_text(tag, 60) or "").replace(",", " ").strip()
    if not clean:
        raise ValidationError({"tag": _("give a tag (a word or two, no commas)")})
    return clean


TagState = dict[int, tuple[str | None, datetime]]


def change_tag(db: Database, candidate_ids: Sequence[int], tag: str, *, add: bool) -> TagState:
    """Add or remove one tag on many candidates. Returns {id: (tags, updated_at) before} of the
    candidates that changed, for undo (`restore_tags`)."""
    tag = _clean_tag(tag)
    ids = list(dict.fromkeys(candidate_ids))
    cand = SQLModel.metadata.tables["candidate"]
    before: TagState = {}
    now = utcnow()
    with db.session() as s:
        conn = s.connection()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            for cid, tags, updated in conn.execute(
                select(cand.c.id, cand.c.tags, cand.c.updated_at).where(cand.c.id.in_(chunk))
            ):
                current = _split_tags(tags)
                new: str | None
                has = any(t.casefold() == tag.casefold() for t in current)
                if add and not has:
                    new = ",".join(sorted([*current, tag], key=str.casefold))
                elif not add and has:
                    new = ",".join(t for t in current if t.casefold() != tag.casefold()) or None
                else:
                    continue
                if new is not None and len(new) > TEXT_FIELDS["tags"]:
                    raise ValidationError(
                        {
                            "tags": _("candidate #{cid} has too many tags to add another").format(
                                cid=cid
                            )
                        }
                    )
                before[cid] = (tags, updated)
                conn.execute(
                    sa_update(cand).where(cand.c.id == cid).values(tags=new, updated_at=now)
                )
                audit.record(s, db.user, "candidate", cid, "update", {"tags": [tags, new]})
    return before


def restore_tags(db: Database, before: TagState) -> None:
    """Undo of `change_tag`."""
    cand = SQLModel.metadata.tables["candidate"]
    with db.session() as s:
        conn = s.connection()
        for cid, (tags, updated) in before.items():
            conn.execute(
                sa_update(cand).where(cand.c.id == cid).values(tags=tags, updated_at=updated)
            )
            audit.record(s, db.user, "candidate", cid, "undo", {"tags": tags})


@dataclass(frozen=True)
class CandidateQuery:
    """What the Candidates table shows: free-text search, filters and sort.

    Application filters (stage, outcome, target, institution) must hold for one and the same
    application, so "review at Fudan" means an application at review for a Fudan target.
    """

    text: str = ""
    sort: str = "full_name"
    descending: bool = False
    stage: str | None = None
    outcome: str | None = None
    target_id: int | None = None
    institution_id: int | None = None
    field: str | None = None
    country: str | None = None
    source: str | None = None
    tag: str | None = None
    followup_due: bool = False

    def with_(self, **changes: Any) -> CandidateQuery:
        return replace(self, **changes)

    @property
    def filtered(self) -> bool:
        return bool(
            self.text.strip()
            or self.stage
            or self.outcome
            or self.target_id
            or self.institution_id
            or self.field
            or self.country
            or self.source
            or self.tag
            or self.followup_due
        )


FILTER_KEYS = (
    "stage",
    "outcome",
    "target_id",
    "institution_id",
    "field",
    "country",
    "source",
    "tag",
    "followup_due",
)
# Text columns sort case-insensitively through lower(), served by migration 0002's indexes.
_LOWER = frozenset(
    {"full_name", "name_zh", "current_institution", "country", "field", "source", "email"}
)
COMPUTED = ("stage", "applications", "next_due")
_NUMERIC = fields.NUMERIC
SORTABLE = (
    "id",
    "full_name",
    "name_zh",
    "email",
    "current_institution",
    "current_position",
    "country",
    "field",
    "research_area",
    "phd_year",
    "h_index",
    "source",
    "tags",
    "highest_degree",
    "nationality",
    "created_at",
    "updated_at",
    *COMPUTED,
)
COLUMNS = ("id", *fields.LISTED, "created_at", "updated_at", *COMPUTED)
_OPEN = (Outcome.active.value, Outcome.on_hold.value)


def _stage_rank(col: Any) -> Any:
    return case({st.value: i for i, st in enumerate(STAGES)}, value=col)


def column_expr(name: str) -> Any:
    """SQL for a table column, including computed ones (furthest open stage as its index,
    number of pipelines, next open follow-up date)."""
    cand = SQLModel.metadata.tables["candidate"]
    app = SQLModel.metadata.tables["application"]
    act = SQLModel.metadata.tables["activity"]
    if name == "stage":
        return (
            select(func.max(_stage_rank(app.c.stage)))
            .where(app.c.candidate_id == cand.c.id, app.c.outcome.in_(_OPEN))
            .scalar_subquery()
        )
    if name == "applications":
        return (
            select(func.count())
            .select_from(app)
            .where(app.c.candidate_id == cand.c.id)
            .scalar_subquery()
        )
    if name == "next_due":
        return (
            select(func.min(act.c.due_on))
            .where(
                act.c.candidate_id == cand.c.id, act.c.done == false(), act.c.due_on.is_not(None)
            )
            .scalar_subquery()
        )
    return cand.c[name]


def _where(conn: Connection, q: CandidateQuery, today_: date | None) -> list[Any]:
    cand = SQLModel.metadata.tables["candidate"]
    app = SQLModel.metadata.tables["application"]
    tgt = SQLModel.metadata.tables["target"]
    act = SQLModel.metadata.tables["activity"]
    where: list[Any] = []
    clause = search.candidate_clause(conn, q.text)
    if clause is not None:
        where.append(clause)
    app_conds: list[Any] = []
    if q.stage:
        app_conds.append(app.c.stage == Stage(q.stage).value)
    if q.outcome:
        app_conds.append(app.c.outcome == Outcome(q.outcome).value)
    if q.target_id is not None:
        app_conds.append(app.c.target_id == int(q.target_id))
    if q.institution_id is not None:
        app_conds.append(
            app.c.target_id.in_(
                select(tgt.c.id).where(tgt.c.institution_id == int(q.institution_id))
            )
        )
    if app_conds:
        # IN (not EXISTS): SQLite builds the id list once instead of probing per candidate.
        where.append(cand.c.id.in_(select(app.c.candidate_id).where(*app_conds)))
    for name in ("field", "country", "source"):
        value = getattr(q, name)
        if value:
            where.append(cand.c[name] == value)
    if q.tag:
        where.append(cand.c.tags.like(f"%{q.tag}%"))  # cheap pre-check before the exact one
        where.append(("," + func.coalesce(cand.c.tags, "") + ",").like(f"%,{q.tag},%"))
    if q.followup_due:
        where.append(
            cand.c.id.in_(
                select(act.c.candidate_id).where(
                    act.c.done == false(), act.c.due_on <= (today_ or today())
                )
            )
        )
    return where


def query_ids(
    db: Database, q: CandidateQuery, *, today_: date | None = None, limit: int | None = None
) -> list[int]:
    """Ordered ids of the candidates matching `q` (filters and order in SQL); `limit` gives
    just the first rows, which the table shows while the full list is still coming."""
    cand = SQLModel.metadata.tables["candidate"]
    hidden = access.of(db).hidden_in("candidate")  # a viewer cannot sort by what it cannot read
    name = q.sort if q.sort in SORTABLE and q.sort not in hidden else "full_name"
    col = column_expr(name)
    if name in _LOWER:
        col = func.lower(col)
    by_pinyin = names.sort_expr(name)  # Chinese names sort by their pinyin
    if by_pinyin is not None:
        col = by_pinyin
    with db.engine.connect() as conn:
        where = _where(conn, q, today_)
        if where and conn.dialect.name == "sqlite" and name not in COMPUTED and name != "id":
            # With a filter, walking the sort index visits 100k rows in index order (random
            # table reads, ~300 ms); an expression the index cannot serve makes SQLite filter
            # first and sort the few rows left.
            col = col + 0 if name in _NUMERIC else col.op("||")("")
        first = col.desc() if q.descending else col.asc()
        if conn.dialect.name == "postgresql":  # empty values sort first, as on SQLite
            first = first.nulls_last() if q.descending else first.nulls_first()
        order = [first, cand.c.id.desc() if q.descending else cand.c.id.asc()]
        stmt = select(cand.c.id).where(*where).order_by(*order)
        if limit is not None:
            stmt = stmt.limit(limit)
        if conn.dialect.name == "sqlite":
            # 100k ids: the driver's cursor directly is several times faster than Result rows.
            compiled = stmt.compile(
                dialect=conn.dialect, compile_kwargs={"render_postcompile": True}
            )
            params = compiled.construct_params()
            raw = conn.connection.dbapi_connection
            assert raw is not None
            cur = raw.cursor()
            try:
                cur.execute(str(compiled), [params[k] for k in compiled.positiontup or ()])
                return [r[0] for r in cur.fetchall()]
            finally:
                cur.close()
        return list(conn.execute(stmt).scalars())


def fetch_rows(
    db: Database, ids: Sequence[int], columns: Sequence[str]
) -> dict[int, tuple[Any, ...]]:
    """Rows for these ids only: the table model asks for the page it is about to paint.
    A column the signed-in role may not read (`hidden_columns`) comes back as None."""
    cand = SQLModel.metadata.tables["candidate"]
    hidden = access.of(db).hidden_in("candidate")
    cols = [null().label(c) if c in hidden else column_expr(c) for c in columns]
    out: dict[int, tuple[Any, ...]] = {}
    with db.engine.connect() as conn:
        for i in range(0, len(ids), 500):
            chunk = list(ids[i : i + 500])
            for r in conn.execute(select(cand.c.id, *cols).where(cand.c.id.in_(chunk))):
                out[r[0]] = tuple(r[1:])
    return out


def read_only(db: Database) -> bool:
    """The signed-in role may not change candidates (a viewer on a server, a file opened
    read-only): editors show, and do not offer to save."""
    return not access.of(db).can_write


def hidden_columns(db: Database) -> frozenset[str]:
    """Candidate columns the signed-in role may not read (a viewer of an office that hides
    contact data: `recruiter team init --hide-contacts`); empty for everyone else."""
    return access.of(db).hidden_in("candidate")


def count(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Candidate)).scalar_one())


def facets(db: Database) -> dict[str, list[str]]:
    """Distinct values for the filter menus: field, country, source and tag."""
    cand = SQLModel.metadata.tables["candidate"]
    out: dict[str, list[str]] = {}
    with db.engine.connect() as conn:
        for name in ("field", "country", "source"):
            col = cand.c[name]
            out[name] = [
                r[0]
                for r in conn.execute(
                    select(col).where(col.is_not(None)).group_by(col).order_by(func.lower(col))
                )
            ]
        tags: set[str] = set()
        for (value,) in conn.execute(
            select(cand.c.tags).where(cand.c.tags.is_not(None)).distinct()
        ):
            tags.update(_split_tags(value))
        out["tag"] = sorted(tags, key=str.casefold)
    return out


def stage_label(rank: int | None) -> str:
    """Display of the computed 'stage' column."""
    return "" if rank is None else STAGES[int(rank)].label
