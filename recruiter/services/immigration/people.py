"""The people a case covers (the scholar and each family member) and their document checklists."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import col, select

from recruiter.domain.immigration import DocKind, DocStatus, PersonRole, Route, documents_for
from recruiter.domain.models import CaseDocument, CasePerson, ImmigrationCase
from recruiter.errors import ValidationError
from recruiter.i18n import _
from recruiter.store.database import Database

from .._common import get_or_raise
from ..validate import clean_text
from . import _rows

PERSON_FIELDS = (
    "role",
    "full_name",
    "nationality",
    "passport_no",
    "passport_expires",
    "birth_date",
)
DOCUMENT_FIELDS = ("status", "status_on", "note")


def _person(values: dict[str, Any], partial: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in values.items():
        if k not in PERSON_FIELDS:
            raise ValidationError({k: _("cannot be edited here")}) from None
        if k == "role":
            try:
                out[k] = PersonRole(v)
            except ValueError:
                raise ValidationError({"role": _("is scholar, spouse, child or other")}) from None
        elif k in ("passport_expires", "birth_date"):
            if v is not None and not isinstance(v, date):
                raise ValidationError({k: _("give a date")}) from None
            out[k] = v
        else:
            out[k] = clean_text(v, 200 if k == "full_name" else 100)
    if ("full_name" in out or not partial) and not out.get("full_name"):
        raise ValidationError({"full_name": _("give the person's name")}) from None
    return out


def add_person(db: Database, case_id: int, **values: Any) -> int:
    """A family member (or another person) with their own document checklist; undo:
    `remove_person`."""
    clean = _person({"role": PersonRole.spouse, **values}, partial=False)
    with db.session() as s:
        case = get_or_raise(s, ImmigrationCase, case_id, _("Case"))
        pid = _rows.insert(s, db.user, CasePerson(case_id=case_id, **clean))
        for kind in documents_for(clean["role"], Route(case.route)):
            _rows.insert(s, db.user, CaseDocument(case_id=case_id, person_id=pid, kind=kind))
        _rows.refresh_state(s, db.user, case_id)
        return pid


def update_person(db: Database, person_id: int, **changes: Any) -> dict[str, Any]:
    """Returns the previous values (undo: `update_person(**before)`)."""
    clean = _person(changes, partial=True)
    with db.session() as s:
        return _rows.change(s, db.user, CasePerson, person_id, clean, "Person")


def remove_person(db: Database, person_id: int) -> dict[str, Any]:
    """Remove a person and their documents; returns the rows (for `restore_person`)."""
    with db.session() as s:
        docs = s.exec(select(CaseDocument).where(col(CaseDocument.person_id) == person_id)).all()
        kept_docs = [d.model_dump() for d in docs]
        person = _rows.delete(s, db.user, CasePerson, person_id, "Person")
        return {"person": person, "documents": kept_docs}


def restore_person(db: Database, kept: dict[str, Any]) -> None:
    with db.session() as s:
        _rows.put_back(s, db.user, CasePerson, [kept["person"]])
        s.add_all(CaseDocument(**d) for d in kept["documents"])
        s.flush()


def _document(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in values.items():
        if k not in DOCUMENT_FIELDS:
            raise ValidationError({k: _("cannot be edited here")}) from None
        if k == "status":
            try:
                out[k] = DocStatus(v)
            except ValueError:
                raise ValidationError(
                    {"status": _("is needed, requested, received, ...")}
                ) from None
        elif k == "status_on":
            if v is not None and not isinstance(v, date):
                raise ValidationError({k: _("give a date")}) from None
            out[k] = v
        else:
            out[k] = clean_text(v, 500)
    return out


def update_document(db: Database, document_id: int, **changes: Any) -> dict[str, Any]:
    """Status, its date and a note; returns the previous values (for undo)."""
    clean = _document(changes)
    with db.session() as s:
        return _rows.change(s, db.user, CaseDocument, document_id, clean, "Document")


def add_document(db: Database, person_id: int, kind: DocKind | str) -> int:
    with db.session() as s:
        person = get_or_raise(s, CasePerson, person_id, _("Person"))
        return _rows.insert(
            s,
            db.user,
            CaseDocument(case_id=person.case_id, person_id=person_id, kind=DocKind(kind)),
        )


def remove_document(db: Database, document_id: int) -> dict[str, Any]:
    with db.session() as s:
        return _rows.delete(s, db.user, CaseDocument, document_id, "Document")


def restore_document(db: Database, kept: dict[str, Any]) -> None:
    with db.session() as s:
        _rows.put_back(s, db.user, CaseDocument, [kept])
