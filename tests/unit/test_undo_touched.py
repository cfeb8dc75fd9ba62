"""Issue 15 item 5: undoing an import never deletes, without saying so, a candidate someone
edited after the import; what it deletes does not linger in the audit log or the batch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from recruiter.cli import main
from recruiter.services import candidates, importing
from recruiter.store.opening import open_database


def _import(db, tmp_path: Path) -> dict[str, int]:
    path = tmp_path / "list.csv"
    path.write_text(
        "Name,Email\nWei Zhang,wz@x.edu\nNa Li,nl@x.edu\nAnna Smith,as@x.edu\n", encoding="utf-8"
    )
    summary = importing.run_import(db, path)
    assert summary.created == 3
    return {o.name: o.candidate_id for o in summary.outcomes if o.candidate_id is not None}


def _exists(db, ident: int) -> bool:
    with db.engine.connect() as conn:
        return (
            conn.execute(text("SELECT 1 FROM candidate WHERE id = :i"), {"i": ident}).first()
            is not None
        )


def test_refuses_naming_the_edited_candidates_and_changes_nothing(db, tmp_path: Path) -> None:
    ids = _import(db, tmp_path)
    candidates.update(db, ids["Na Li"], email="na.li@newplace.edu")
    with pytest.raises(importing.TouchedSinceImport) as caught:
        importing.undo_import(db, 1)
    assert caught.value.candidates == [(ids["Na Li"], "Na Li")]
    assert "Na Li (id" in str(caught.value) and "Nothing was changed" in str(caught.value)
    assert all(_exists(db, i) for i in ids.values())
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT undone_at FROM import_batch")).scalar() is None


def test_keep_them_undoes_the_rest(db, tmp_path: Path) -> None:
    ids = _import(db, tmp_path)
    candidates.update(db, ids["Na Li"], email="na.li@newplace.edu")
    result = importing.undo_import(db, 1, touched=importing.KEEP)
    assert (result.deleted, result.kept) == (2, 1)
    assert _exists(db, ids["Na Li"]) and not _exists(db, ids["Wei Zhang"])
    with db.engine.connect() as conn:
        assert (
            conn.execute(
                text("SELECT import_batch_id FROM candidate WHERE id = :i"), {"i": ids["Na Li"]}
            ).scalar()
            is None
        )


def test_untouched_import_undoes_without_asking(db, tmp_path: Path) -> None:
    ids = _import(db, tmp_path)
    assert importing.undo_import(db, 1).deleted == 3
    assert not any(_exists(db, i) for i in ids.values())


def test_cli_refuses_unless_force_and_forgets_the_deleted_values(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "r.db"
    db = open_database(path, user="tester")
    try:
        ids = _import(db, tmp_path)
        candidates.update(db, ids["Na Li"], email="secret.address@newplace.edu")
    finally:
        db.dispose()
    code = main(["--db", str(path), "undo-import", "1"])
    err = capsys.readouterr().err
    assert code == 1 and "Na Li (id" in err and "undo-import 1 --force" in err
    assert err.count("\n") == 1
    code = main(["--db", str(path), "undo-import", "1", "--force", "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and json.loads(out)["deleted"] == 3
    db = open_database(path, user="tester")
    try:
        with db.engine.connect() as conn:
            audit_text = " ".join(
                r[0] or "" for r in conn.execute(text("SELECT changes FROM audit_entry"))
            )
            batch = conn.execute(text("SELECT restore FROM import_batch")).scalar()
    finally:
        db.dispose()
    assert "secret.address" not in audit_text and "nl@x.edu" not in audit_text
    assert "secret.address" not in (batch or "")


def test_undone_batch_keeps_only_which_fields_changed(db, tmp_path: Path) -> None:
    ids = _import(db, tmp_path)
    second = tmp_path / "second.csv"
    second.write_text("Name,Email,Field\nWei Zhang,wz@x.edu,Chemistry\n", encoding="utf-8")
    opts = importing.ImportOptions(on_duplicate="update")
    assert importing.run_import(db, second, opts).updated == 1
    importing.undo_import(db, 2)
    with db.engine.connect() as conn:
        record = json.loads(
            conn.execute(text("SELECT restore FROM import_batch WHERE id=2")).scalar()
        )
    assert record["imported"] == {str(ids["Wei Zhang"]): {"field": None}}
    assert "Chemistry" not in json.dumps(record)
