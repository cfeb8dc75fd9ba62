"""Organisation set-up services: institutions, departments with parents, officers, archiving
instead of deleting, choice lists without archived rows, audit rows, undo, the checklist."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from recruiter.domain.changes import Changes, Kind
from recruiter.errors import ConflictError, ValidationError
from recruiter.services import (
    applications,
    archive,
    candidates,
    choices,
    funding,
    institutions,
    officers,
    setup,
    targets,
)
from recruiter.store.database import Database


def _audit(db: Database, entity: str, ident: int | None = None) -> list[tuple[str, dict]]:
    sql = "SELECT action, changes FROM audit_entry WHERE entity = :e"
    params: dict[str, object] = {"e": entity}
    if ident is not None:
        sql += " AND entity_id = :i"
        params["i"] = ident
    with db.engine.connect() as conn:
        rows = conn.execute(text(sql + " ORDER BY id"), params).all()
    return [(a, json.loads(c or "{}")) for a, c in rows]


def _world(db: Database) -> dict[str, int]:
    inst = institutions.create(db, name="Wuhan University", name_zh="武汉大学", short_name="WHU")
    school = institutions.add_department(db, inst, "School of Physics", "物理学院")
    lab = institutions.add_department(db, inst, "Optics Lab", parent_id=school)
    src = funding.create(db, name="WHU Fund", kind="university", institution_id=inst)
    t = targets.create(db, institution_id=inst, department_id=lab, title="Optics PI")
    return {"inst": inst, "school": school, "lab": lab, "src": src, "target": t}


# -- institutions ----------------------------------------------------------------------------


def test_institution_short_name_update_returns_previous_values_and_is_audited(
    db: Database,
) -> None:
    inst = institutions.create(db, name="Fudan University", short_name="FDU", city="Shanghai")
    previous = institutions.update(db, inst, short_name="Fudan", city="Shanghai")
    assert previous == {"short_name": "FDU"}
    assert institutions.get(db, inst).short_name == "Fudan"
    institutions.update(db, inst, **previous)  # undo
    assert institutions.get(db, inst).short_name == "FDU"
    actions = [a for a, _c in _audit(db, "institution", inst)]
    assert actions == ["create", "update", "update"]
    assert _audit(db, "institution", inst)[1][1] == {"short_name": ["FDU", "Fudan"]}


def test_institution_still_referenced_is_archived_never_deleted(db: Database) -> None:
    w = _world(db)
    with pytest.raises(ConflictError, match="archive it instead"):
        institutions.delete(db, w["inst"])
    retired = archive.retire(db, "institution", w["inst"])
    assert retired.action == "archived"
    assert retired.references == {"departments": 2, "targets": 1, "funding sources": 1}
    assert institutions.get(db, w["inst"]).archived_at is not None
    # Everything that hangs on it is still there.
    assert targets.get(db, w["target"]).institution_id == w["inst"]
    assert len(institutions.departments(db, w["inst"], archived=True)) == 2
    assert [a for a, _c in _audit(db, "institution", w["inst"])][-1] == "archive"
    archive.undo_retire(db, retired)
    assert institutions.get(db, w["inst"]).archived_at is None
    assert [a for a, _c in _audit(db, "institution", w["inst"])][-1] == "unarchive"


def test_unreferenced_institution_is_deleted_and_undo_restores_same_id(db: Database) -> None:
    inst = institutions.create(db, name="Nankai University", name_zh="南开大学", short_name="NKU")
    retired = archive.retire(db, "institution", inst)
    assert retired.action == "deleted"
    with pytest.raises(Exception, match="no longer exists"):
        institutions.get(db, inst)
    archive.undo_retire(db, retired)
    back = institutions.get(db, inst)
    assert (back.id, back.name_zh, back.short_name) == (inst, "南开大学", "NKU")
    assert [a for a, _c in _audit(db, "institution", inst)] == ["create", "delete", "restore"]


def test_archive_returns_previous_value_for_undo(db: Database) -> None:
    inst = institutions.create(db, name="Xiamen University")
    assert archive.archive(db, "institution", inst) is None
    stamp = institutions.get(db, inst).archived_at
    assert stamp is not None
    assert archive.archive(db, "institution", inst) == stamp  # already archived: unchanged
    assert archive.unarchive(db, "institution", inst) == stamp
    archive.set_archived_at(db, "institution", inst, stamp)  # undo of the unarchive
    assert institutions.get(db, inst).archived_at == stamp


# -- departments -----------------------------------------------------------------------------


def test_department_parent_cycles_are_refused(db: Database) -> None:
    w = _world(db)
    sub = institutions.add_department(db, w["inst"], "Photonics Group", parent_id=w["lab"])
    with pytest.raises(ValidationError, match="sub-departments"):
        institutions.update_department(db, w["school"], parent_id=sub)
    with pytest.raises(ValidationError, match="sub-departments"):
        institutions.update_department(db, w["school"], parent_id=w["school"])
    assert institutions.get_department(db, w["school"]).parent_id is None


def test_department_parent_must_be_of_the_same_institution(db: Database) -> None:
    w = _world(db)
    other = institutions.create(db, name="Fudan University")
    with pytest.raises(ValidationError, match="another institution"):
        institutions.add_department(db, other, "Physics", parent_id=w["school"])


def test_department_move_and_undo(db: Database) -> None:
    w = _world(db)
    previous = institutions.update_department(db, w["lab"], parent_id=None, name="Optics Centre")
    assert previous == {"parent_id": w["school"], "name": "Optics Lab"}
    institutions.update_department(db, w["lab"], **previous)
    dept = institutions.get_department(db, w["lab"])
    assert (dept.name, dept.parent_id) == ("Optics Lab", w["school"])
    with pytest.raises(ValidationError, match="cannot be changed"):
        institutions.update_department(db, w["lab"], institution_id=w["inst"])


def test_department_with_children_or_targets_is_archived_not_deleted(db: Database) -> None:
    w = _world(db)
    with pytest.raises(ConflictError, match="sub-departments"):
        institutions.delete_department(db, w["school"])
    with pytest.raises(ConflictError, match="targets"):
        institutions.delete_department(db, w["lab"])
    retired = archive.retire(db, "department", w["school"])
    assert retired.action == "archived"
    assert institutions.get_department(db, w["lab"]).parent_id == w["school"]
    # The database itself refuses to drop a parent (ON DELETE RESTRICT).
    with pytest.raises(Exception, match=r"(?i)foreign key"), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM department WHERE id = :i"), {"i": w["school"]})


def test_unreferenced_department_delete_and_restore(db: Database) -> None:
    w = _world(db)
    lone = institutions.add_department(db, w["inst"], "Archive Office", parent_id=w["school"])
    snap = institutions.delete_department(db, lone)
    institutions.restore_department(db, snap)
    dept = institutions.get_department(db, lone)
    assert (dept.name, dept.parent_id) == ("Archive Office", w["school"])


def test_department_overview_paths(db: Database) -> None:
    w = _world(db)
    rows = {r.id: r for r in institutions.department_overview(db, w["inst"])}
    assert rows[w["lab"]].path == "School of Physics / Optics Lab"
    assert rows[w["school"]].sub_departments == 1
    assert rows[w["lab"]].targets == 1
    over = institutions.overview(db)[0]
    assert (over.departments, over.targets, over.funding_sources) == (2, 1, 1)


# -- officers --------------------------------------------------------------------------------


def test_officers_create_update_delete_and_archive(db: Database) -> None:
    li = officers.create(db, name="Li Na", name_zh="李娜", email="li.na@example.edu")
    with pytest.raises(ConflictError, match="already exists"):
        officers.create(db, name="Li Na")
    with pytest.raises(ValidationError, match="e-mail"):
        officers.create(db, name="Wang", email="not an address")
    assert officers.update(db, li, email="lina@example.edu") == {"email": "li.na@example.edu"}
    w = _world(db)
    cand = candidates.create(db, full_name="Ana Silva")
    app = applications.add(db, cand, w["target"])
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE application SET owner = 'Li Na' WHERE id = :i"), {"i": app})
    with pytest.raises(ConflictError, match="owns 1 applications"):
        officers.delete(db, li)
    retired = archive.retire(db, "officer", li)
    assert retired.action == "archived"
    assert [o.name for o in officers.list_all(db)] == []
    row = officers.overview(db)[0]
    assert (row.applications, row.archived_at is not None) == (1, True)
    zhao = officers.create(db, name="Zhao Lei")
    snap = officers.delete(db, zhao)
    officers.restore(db, snap)
    assert officers.get(db, zhao).name == "Zhao Lei"
    assert [a for a, _c in _audit(db, "officer", zhao)] == ["create", "delete", "restore"]


# -- choice lists ----------------------------------------------------------------------------


def test_choices_hide_archived_rows_and_keep_the_current_value(db: Database) -> None:
    w = _world(db)
    other = institutions.create(db, name="Fudan University")
    other_src = funding.create(db, name="Fudan Fund", kind="university", institution_id=other)
    national = funding.create(db, name="NSFC", kind="national")
    assert [c.label for c in choices.institutions(db)] == [
        "Fudan University",
        "Wuhan University 武汉大学",
    ]
    assert [c.label for c in choices.departments(db, w["inst"])] == [
        "School of Physics 物理学院",
        "School of Physics / Optics Lab",
    ]
    # The institution's own sources and those of no institution first, others on request.
    assert [c.id for c in choices.funding_sources(db, w["inst"])] == [national, w["src"]]
    with_others = choices.funding_sources(db, w["inst"], others=True)
    assert [c.id for c in with_others][-1] == other_src
    assert with_others[-1].own is False and "Fudan University" in with_others[-1].label

    archive.archive(db, "institution", other)
    archive.archive(db, "department", w["lab"])
    archive.archive(db, "funding_source", national)
    archive.archive(db, "target", w["target"])
    assert [c.id for c in choices.institutions(db)] == [w["inst"]]
    assert [c.id for c in choices.departments(db, w["inst"])] == [w["school"]]
    assert [c.id for c in choices.funding_sources(db, w["inst"], others=True)] == [w["src"]]
    assert choices.targets(db) == []
    # Sources of an archived institution are hidden with it.
    assert other_src not in [c.id for c in choices.funding_sources(db, others=True)]
    # An editor keeps what it already holds, marked as archived.
    kept = choices.institutions(db, keep=[other])
    assert [(c.id, c.archived) for c in kept] == [(other, True), (w["inst"], False)]
    assert kept[0].label.endswith(choices.ARCHIVED)
    assert [c.id for c in choices.targets(db, keep=[w["target"]])] == [w["target"]]
    assert [c.id for c in choices.departments(db, keep=[w["lab"]])] == [w["school"], w["lab"]]


def test_officer_choices_keep_free_text_owners(db: Database) -> None:
    li = officers.create(db, name="Li Na")
    gone = officers.create(db, name="Old Hand")
    archive.archive(db, "officer", gone)
    assert [(c.id, c.label) for c in choices.officers(db)] == [(li, "Li Na")]
    kept = choices.officers(db, keep=["Old Hand", "Typed Owner"])
    assert [(c.id, c.archived) for c in kept] == [(li, False), (gone, True), (0, False)]
    assert kept[-1].label == "Typed Owner"


def test_lists_hide_archived_unless_asked(db: Database) -> None:
    w = _world(db)
    archive.archive(db, "institution", w["inst"])
    assert institutions.list_all(db) == []
    assert [i.id for i in institutions.list_all(db, archived=True)] == [w["inst"]]
    archive.archive(db, "department", w["lab"])
    assert [d.id for d in institutions.departments(db, w["inst"])] == [w["school"]]


# -- retire: funding sources and targets -----------------------------------------------------


def test_retire_funding_source_and_target(db: Database) -> None:
    w = _world(db)
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE target SET funding_source_id = :s WHERE id = :t"),
            {"s": w["src"], "t": w["target"]},
        )
    kept = archive.retire(db, "funding_source", w["src"])
    assert kept.action == "archived" and kept.references == {"targets": 1}
    spare = funding.create(db, name="Spare", kind="other")
    gone = archive.retire(db, "funding_source", spare)
    assert gone.action == "deleted"
    archive.undo_retire(db, gone)
    assert funding.get(db, spare).name == "Spare"
    lone = targets.create(db, institution_id=w["inst"], title="Unused")
    retired = archive.retire(db, "target", lone)
    assert retired.action == "deleted"
    archive.undo_retire(db, retired)
    assert targets.get(db, lone).title == "Unused"


# -- checklist -------------------------------------------------------------------------------


def test_checklist_says_what_is_missing_for_the_first_offer(db: Database) -> None:
    first = setup.checklist(db)
    assert not first.complete
    assert [i.key for i in first.missing] == [
        "institution",
        "department",
        "funding_source",
        "target",
    ]
    inst = institutions.create(db, name="Wuhan University")
    institutions.add_department(db, inst, "Physics")
    funding.create(db, name="Fund", kind="university")
    after = setup.checklist(db)
    assert [i.key for i in after.missing] == ["target"]
    assert after.items[0].count == 1 and after.items[0].where == "institutions"
    t = targets.create(db, institution_id=inst, title="PI")
    assert setup.checklist(db).complete
    archive.archive(db, "target", t)  # archived rows do not count
    assert [i.key for i in setup.checklist(db).missing] == ["target"]


def test_setup_changes_are_announced_so_pages_refresh(db: Database) -> None:
    seen: list[Changes] = []
    db.subscribe(seen.append)
    li = officers.create(db, name="Li Na")
    inst = institutions.create(db, name="Wuhan University")
    archive.archive(db, "institution", inst)
    archive.archive(db, "officer", li)
    assert [c.kinds for c in seen] == [
        {Kind.officer},
        {Kind.institution},
        {Kind.institution},
        {Kind.officer},
    ]
    assert seen[2].ids_of(Kind.institution) == {inst}
    assert seen[3].ids_of(Kind.officer) == {li}
