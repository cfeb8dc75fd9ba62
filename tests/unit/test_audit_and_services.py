"""Foundation rules shared by every service: one error type with field messages, an audit entry
in the same transaction as each change, and nothing written when validation fails."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlmodel import select

from recruiter.domain.models import AuditEntry
from recruiter.errors import ConflictError, ValidationError
from recruiter.services import applications, candidates, funding, institutions, targets


def _audit(db, entity: str) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return list(
            s.exec(
                select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)
            ).all()
        )


def _count(db, table: str) -> int:  # type: ignore[no-untyped-def]
    with db.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_validation_error_carries_every_field(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        candidates.create(
            db, full_name="", email="nope", orcid="0000-0002-1825-0098", phd_year=1800, h_index=-2
        )
    assert set(exc.value.errors) == {"full_name", "email", "orcid", "phd_year", "h_index"}
    assert _count(db, "candidate") == 0
    assert _count(db, "audit_entry") == 0


def test_every_change_is_audited_with_who_and_what(db) -> None:  # type: ignore[no-untyped-def]
    inst = institutions.create(db, name="Wuhan University", name_zh="武汉大学", city="Wuhan")
    t = targets.create(db, institution_id=inst, title="Professor of Battery Materials", headcount=2)
    c = candidates.create(db, full_name="Wei Zhang", name_zh="张伟", email="wei@mit.edu")
    a = applications.add(db, c, t)
    candidates.update(db, c, current_institution="MIT")
    applications.move(db, a, applications.Stage.contacted)
    entries = {e.entity: e for e in _audit(db, "candidate")}
    assert entries["candidate"].user == "tester"
    actions = [(e.entity, e.action) for e in _all(db)]
    assert actions == [
        ("institution", "create"),
        ("target", "create"),
        ("candidate", "create"),
        ("application", "create"),
        ("candidate", "update"),
        ("application", "move"),
    ]
    update = _audit(db, "candidate")[-1]
    assert json.loads(update.changes or "{}") == {"current_institution": [None, "MIT"]}


def _all(db) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return list(s.exec(select(AuditEntry).order_by(AuditEntry.id)).all())


def test_audit_is_in_the_same_transaction(db, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from recruiter.services import audit

    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        institutions.create(db, name="Fudan University")
    assert _count(db, "institution") == 0


def test_restrict_and_cascade_behaviour(db) -> None:  # type: ignore[no-untyped-def]
    inst = institutions.create(db, name="Fudan University")
    dept = institutions.add_department(db, inst, "Department of Physics", "物理学系")
    t = targets.create(db, institution_id=inst, department_id=dept, title="Quantum PI")
    c = candidates.create(db, full_name="Ana Silva")
    applications.add(db, c, t)
    with pytest.raises(ConflictError):
        targets.delete(db, t)
    with pytest.raises(ConflictError):
        institutions.delete(db, inst)
    with pytest.raises(ConflictError, match="archive it instead"):
        institutions.delete_department(db, dept)  # a target still hangs on it
    assert targets.get(db, t).department_id == dept
    candidates.delete_many(db, [c])
    assert _count(db, "application") == 0
    assert _count(db, "stage_event") == 0


def test_one_application_per_candidate_and_target(db) -> None:  # type: ignore[no-untyped-def]
    inst = institutions.create(db, name="Wuhan University")
    t = targets.create(db, institution_id=inst, title="AI Professor")
    c = candidates.create(db, full_name="Kenji Sato")
    applications.add(db, c, t)
    with pytest.raises(ConflictError, match="already"):
        applications.add(db, c, t)
    assert _count(db, "application") == 1


def test_funding_arithmetic_in_minor_units(db) -> None:  # type: ignore[no-untyped-def]
    from recruiter.domain.models import Offer, OfferItem

    inst = institutions.create(db, name="Wuhan University")
    t = targets.create(db, institution_id=inst, title="Battery PI")
    src = funding.create(db, name="Hubei Chutian", kind="provincial", total_minor=10_000_000_00)
    c1, c2, c3 = (candidates.create(db, full_name=n) for n in ("A B", "C D", "E F"))
    apps = [applications.add(db, c, t) for c in (c1, c2, c3)]
    with db.session() as s:
        for app, status in zip(apps, ("approved", "accepted", "draft"), strict=True):
            offer = Offer(application_id=app, status=status)
            s.add(offer)
            s.flush()
            s.add(
                OfferItem(
                    offer_id=offer.id,
                    kind="salary",
                    amount_minor=800_000_00,
                    period="annual",
                    years=3,
                    funding_source_id=src,
                )
            )
            s.add(
                OfferItem(
                    offer_id=offer.id,
                    kind="settling_in",
                    amount_minor=1_500_000_01,
                    period="one_off",
                    years=1,
                    funding_source_id=src,
                )
            )
    (bal,) = funding.balances(db)
    assert bal.reserved == 3 * 800_000_00 + 1_500_000_01
    assert bal.committed == 3 * 800_000_00 + 1_500_000_01
    assert bal.available == 10_000_000_00 - 2 * (3 * 800_000_00 + 1_500_000_01)
    assert isinstance(bal.available, int)


def test_funding_source_validation(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        funding.create(
            db, name="", kind="galactic", total_minor=-5, currency="XYZ", fiscal_year=1850
        )
    assert set(exc.value.errors) == {"name", "kind", "total_minor", "currency", "fiscal_year"}
