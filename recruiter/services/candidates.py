"""Candidates (the talent pool): validation, create/update/delete with audit, and the queries
behind the Candidates table (ids first, rows fetched lazily by id, sorting in SQL)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete as sa_delete
from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from recruiter.domain.clock import today, utcnow
from recruiter.domain.identity import email_key, is_email, normalise_orcid, person_key
from recruiter.domain.models import Candidate
from recruiter.errors import ConflictError, ValidationError
from recruiter.store.database import Database

from . import audit
from ._common import get_or_raise
from .rows import RowBundle, capture_candidates, reinsert
from .validate import Problems, as_date, as_int, clean_text

TEXT_FIELDS: dict[str, int] = {
    "full_name": 200, "name_zh": 100, "email": 254, "phone": 50, "gender": 20,
    "nationality": 100, "current_institution": 300, "current_position": 200, "country": 100,
    "field": 200, "research_area": 500, "highest_degree": 100, "degree_institution": 300,
    "source": 200, "tags": 500, "notes": 20000, "orcid": 60,
}
EDITABLE = (*TEXT_FIELDS, "birth_date", "phd_year", "h_index", "consent_at")
LABELS = {
    "full_name": "Name", "name_zh": "Chinese name", "email": "E-mail", "orcid": "ORCID",
    "phone": "Phone", "gender": "Gender", "birth_date": "Birth date", "nationality": "Nationality",
    "current_institution": "Current institution", "current_position": "Position",
    "country": "Country", "field": "Field", "research_area": "Research area",
    "highest_degree": "Highest degree", "degree_institution": "Degree institution",
    "phd_year": "PhD year", "h_index": "h-index", "source": "Source", "tags": "Tags",
    "notes": "Notes", "consent_at": "Consent", "created_at": "Added", "updated_at": "Updated",
    "id": "ID",
}


def validate(data: dict[str, Any], *, today_: date | None = None) -> dict[str, Any]:
    """Clean and check candidate fields; raise ValidationError naming every bad field."""
    p = Problems()
    out: dict[str, Any] = {}
    for name, limit in TEXT_FIELDS.items():
        if name in data:
            out[name] = clean_text(data[name], limit)
    if "full_name" in data or "name_zh" in data:
        if not out.get("full_name") and not out.get("name_zh"):
            p.add("full_name", "give the candidate's name (in English or Chinese)")
        elif not out.get("full_name"):
            out["full_name"] = out["name_zh"]
    if out.get("email") is not None and not is_email(out["email"]):
        p.add("email", f"'{out['email']}' is not an e-mail address like name@university.edu")
    if "orcid" in data:
        try:
            out["orcid"] = normalise_orcid(out.get("orcid"))
        except ValueError as exc:
            p.add("orcid", str(exc))
    if "phd_year" in data:
        hi = (today_ or today()).year + 1
        out["phd_year"] = as_int(data["phd_year"], "phd_year", p, 1950, hi, "a year like 2012")
    if "h_index" in data:
        out["h_index"] = as_int(data["h_index"], "h_index", p, 0, 1000,
                                "a whole number of zero or more")
    if "birth_date" in data:
        born = as_date(data["birth_date"], "birth_date", p)
        if born is not None and not date(1900, 1, 1) <= born <= (today_ or today()):
            p.add("birth_date", "cannot be in the future or before 1900")
        out["birth_date"] = born
    if "consent_at" in data:
        v = data["consent_at"]
        out["consent_at"] = v if isinstance(v, datetime) or v is None else None
    p.raise_if_any()
    return out


def _conflict_message(s: Session, values: dict[str, Any], exclude: int | None) -> str | None:
    key = email_key(values.get("email"))
    if key:
        q = select(Candidate.id, Candidate.full_name).where(func.lower(Candidate.email) == key)
        if exclude:
            q = q.where(Candidate.id != exclude)
        hit = s.exec(q).first()
        if hit:
            return f"{hit[1]} (#{hit[0]}) already has the e-mail {values['email']}"
    if values.get("orcid"):
        q = select(Candidate.id, Candidate.full_name).where(Candidate.orcid == values["orcid"])
        if exclude:
            q = q.where(Candidate.id != exclude)
        hit = s.exec(q).first()
        if hit:
            return f"{hit[1]} (#{hit[0]}) already has the ORCID {values['orcid']}"
    return None


def create(db: Database, **data: Any) -> int:
    values = validate({"full_name": data.get("full_name"), "name_zh": data.get("name_zh"),
                       **data})
    with db.session() as s:
        return create_in(s, db.user, values)


def create_in(s: Session, user: str, values: dict[str, Any]) -> int:
    clash = _conflict_message(s, values, None)
    if clash:
        raise ValidationError({"email" if "e-mail" in clash else "orcid": clash})
    now = utcnow()
    cand = Candidate(**values, created_at=now, updated_at=now,
                     person_key=person_key(values.get("full_name"), values.get("name_zh"),
                                           values.get("current_institution")))
    s.add(cand)
    try:
        s.flush()
    except IntegrityError as exc:
        raise ConflictError("Another candidate has the same e-mail or ORCID.") from exc
    assert cand.id is not None
    audit.record(s, user, "candidate", cand.id, "create", audit.snapshot(cand))
    return cand.id


def update(db: Database, candidate_id: int, **changes: Any) -> dict[str, Any]:
    """Apply field changes; returns the previous values of what changed (for undo)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({k: "is not a candidate field" for k in unknown})
    values = validate(changes)
    with db.session() as s:
        cand = get_or_raise(s, Candidate, candidate_id, "Candidate")
        if "full_name" in values or "name_zh" in values:
            merged_name = values.get("full_name", cand.full_name)
            if not merged_name:
                raise ValidationError({"full_name": "give the candidate's name"})
        clash = _conflict_message(s, values, candidate_id)
        if clash:
            raise ValidationError({"email" if "e-mail" in clash else "orcid": clash})
        before = {k: getattr(cand, k) for k in values}
        changed = {k: v for k, v in values.items() if before[k] != v}
        if not changed:
            return {}
        for k, v in changed.items():
            setattr(cand, k, v)
        cand.person_key = person_key(cand.full_name, cand.name_zh, cand.current_institution)
        cand.updated_at = utcnow()
        s.add(cand)
        try:
            s.flush()
        except IntegrityError as exc:
            raise ConflictError("Another candidate has the same e-mail or ORCID.") from exc
        audit.record(s, db.user, "candidate", candidate_id, "update",
                     {k: [before[k], v] for k, v in changed.items()})
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
            raise ConflictError("Some of these candidates no longer exist; refresh the view.")
        s.exec(sa_delete(Candidate).where(Candidate.id.in_(ids)))  # type: ignore[call-overload]
        for row in bundle.tables["candidate"]:
            audit.record(s, db.user, "candidate", row["id"], "delete",
                         {"full_name": row["full_name"],
                          "applications": sum(1 for a in bundle.tables["application"]
                                              if a["candidate_id"] == row["id"])})
        return bundle


def restore(db: Database, bundle: RowBundle) -> None:
    """Undo of delete_many."""
    with db.session() as s:
        reinsert(s, bundle)
        for row in bundle.tables["candidate"]:
            audit.record(s, db.user, "candidate", row["id"], "restore",
                         {"full_name": row["full_name"]})


def impact(db: Database, candidate_ids: Sequence[int]) -> dict[str, int]:
    """What a delete would take with it, for the confirmation dialog."""
    with db.session() as s:
        b = capture_candidates(s, list(candidate_ids))
    return {t: b.count(t) for t in ("candidate", "application", "activity", "offer")}


@dataclass(frozen=True)
class CandidateQuery:
    """What the Candidates table shows: free-text search and sort. Issue 3 extends filters."""

    text: str = ""
    sort: str = "full_name"
    descending: bool = False


SORTABLE = ("id", "full_name", "name_zh", "email", "current_institution", "country", "field",
            "phd_year", "h_index", "source", "created_at", "updated_at")


def query_ids(db: Database, q: CandidateQuery) -> list[int]:
    col = getattr(Candidate, q.sort if q.sort in SORTABLE else "full_name")
    order = col.desc() if q.descending else col.asc()
    stmt = select(Candidate.id).order_by(order, Candidate.id)
    text = q.text.strip()
    if text:
        like = f"%{text}%"
        stmt = stmt.where(or_(Candidate.full_name.ilike(like), Candidate.name_zh.like(like),
                              Candidate.email.ilike(like), Candidate.current_institution.ilike(like)))
    with db.engine.connect() as conn:
        return [r[0] for r in conn.execute(stmt)]


def fetch_rows(db: Database, ids: Sequence[int], columns: Sequence[str]) -> dict[int, tuple[Any, ...]]:
    """Rows for these ids only: the table model asks for the page it is about to paint."""
    cols = [getattr(Candidate, c) for c in columns]
    out: dict[int, tuple[Any, ...]] = {}
    with db.engine.connect() as conn:
        for i in range(0, len(ids), 500):
            chunk = list(ids[i:i + 500])
            for r in conn.execute(select(Candidate.id, *cols).where(Candidate.id.in_(chunk))):
                out[r[0]] = tuple(r[1:])
    return out


def count(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Candidate)).scalar_one())
