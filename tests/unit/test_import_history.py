"""Import history: every batch with who imported it, and the candidates a batch created or
updated, before and after its undo."""

from __future__ import annotations

from pathlib import Path

import pytest

from recruiter.errors import NotFound
from recruiter.exchange import templates
from recruiter.services import import_history, importing
from recruiter.services.importing import ImportOptions
from recruiter.store.database import Database
from tests.sheets import write_xlsx

HEAD = ["Name", "E-mail", "Current institution"]


def test_batches_and_their_rows(db: Database, tmp_path: Path) -> None:
    first = write_xlsx(
        tmp_path / "first.xlsx",
        [HEAD, ["Ana Silva", "ana@example.org", "Lisbon"], ["Kenji Sato", "kenji@example.jp", ""]],
    )
    one = importing.run_import(db, first)
    second = write_xlsx(
        tmp_path / "second.xlsx",
        [HEAD, ["Ana Silva", "ana@example.org", "Porto"], ["Li Wei", "li@example.cn", ""]],
    )
    two = importing.run_import(db, second, ImportOptions(on_duplicate="overwrite"))

    rows = import_history.batches(db)
    assert [b.id for b in rows] == [two.batch_id, one.batch_id]
    newest = rows[0]
    assert (newest.file_name, newest.user, newest.created, newest.updated) == (
        "second.xlsx",
        "tester",
        1,
        1,
    )
    assert not newest.undone and newest.undone_by is None
    assert import_history.batches(db, limit=1)[0].id == two.batch_id

    assert two.batch_id is not None and one.batch_id is not None
    made = import_history.batch_rows(db, two.batch_id)
    assert [(r.full_name, r.action) for r in made] == [
        ("Li Wei", "created"),
        ("Ana Silva", "updated"),
    ]
    assert made[1].fields == ("current_institution",)
    assert [r.full_name for r in import_history.batch_rows(db, one.batch_id)] == [
        "Ana Silva",
        "Kenji Sato",
    ]

    importing.undo_import(db, two.batch_id)
    undone = import_history.batch(db, two.batch_id)
    assert undone.undone and undone.undone_by == "tester"
    after = import_history.batch_rows(db, two.batch_id)
    assert [(r.full_name, r.action, r.exists) for r in after] == [("Ana Silva", "updated", True)]

    with pytest.raises(NotFound):
        import_history.batch_rows(db, 999)
    with pytest.raises(NotFound):
        import_history.batch(db, 999)


def test_candidate_template_imports_as_is(db: Database, tmp_path: Path) -> None:
    """The candidate list template, filled in, imports without any mapping."""
    from openpyxl import load_workbook

    path = templates.write_candidate_template(tmp_path / "c.xlsx")
    wb = load_workbook(path)
    ws = wb.active
    assert ws is not None
    values = {"full_name": "Maria Rossi", "name_zh": "罗西", "email": "m.rossi@example.it"}
    ws.append([values.get(f) for f, _h in templates.candidate_columns()])
    wb.save(path)
    summary = importing.run_import(db, path)
    assert (summary.created, summary.invalid, summary.unmapped) == (1, 0, [])
    assert import_history.batch_rows(db, summary.batch_id or 0)[0].name_zh == "罗西"
