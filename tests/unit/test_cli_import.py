"""`recruiter import` / `recruiter undo-import`: exit codes, JSON, messages, the errors file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from recruiter.cli import main

KEYS = [
    "rows",
    "created",
    "updated",
    "duplicates",
    "possible_duplicates",
    "invalid",
    "batch_id",
    "dry_run",
]


def run(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, Any, str]:
    code = main(["--db", str(db), *argv])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def listing(tmp_path: Path) -> Path:
    path = tmp_path / "名单.csv"
    path.write_text(
        "姓名,英文名,电子邮箱,博士毕业年份\n"
        "张伟,Wei Zhang,wz@example.edu,2005\n"
        "李娜,Na Li,not-an-email,2010\n"
        "王芳,Fang Wang,WZ@EXAMPLE.EDU,2012\n"
        ",,,\n"
        "赵敏,Min Zhao,mz@example.edu,1901\n",
        encoding="utf-8",
    )
    return path


def test_import_json_counts_and_errors_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, listing: Path
) -> None:
    db = tmp_path / "r.db"
    errors = tmp_path / "out" / "rejected.xlsx"
    code, out, err = run(
        capsys,
        db,
        "import",
        str(listing),
        "--json",
        "--errors",
        str(errors),
        "--source",
        "Conference 2024",
    )
    assert code == 0
    assert list(out) == KEYS
    assert out == {
        "rows": 4,
        "created": 1,
        "updated": 0,
        "duplicates": 1,
        "possible_duplicates": 0,
        "invalid": 2,
        "batch_id": 1,
        "dry_run": False,
    }
    assert "row 3: Na Li: E-mail 'not-an-email' is not a valid address" in err
    assert "undo-import 1" in err
    assert rows(db, "SELECT full_name, name_zh, email, source FROM candidate") == [
        ("Wei Zhang", "张伟", "wz@example.edu", "Conference 2024")
    ]
    ws = openpyxl.load_workbook(errors).active
    back = [[c.value for c in r] for r in ws.iter_rows()]
    assert back[0] == ["姓名", "英文名", "电子邮箱", "博士毕业年份", "Row", "Reason"]
    assert [r[4] for r in back[1:]] == [3, 6]
    assert "PhD year 1901" in back[2][5]


def test_dry_run_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, listing: Path
) -> None:
    db = tmp_path / "r.db"
    code, out, err = run(capsys, db, "import", str(listing), "--dry-run", "--json")
    assert code == 0
    assert out["dry_run"] is True and out["batch_id"] is None and out["created"] == 1
    assert "Dry run: nothing was written." in err
    assert rows(db, "SELECT count(*) FROM candidate") == [(0,)]
    assert rows(db, "SELECT count(*) FROM import_batch") == [(0,)]


def test_strict_exits_1_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, listing: Path
) -> None:
    db = tmp_path / "r.db"
    errors = tmp_path / "rejected.xlsx"
    code, out, err = run(
        capsys, db, "import", str(listing), "--strict", "--json", "--errors", str(errors)
    )
    assert code == 1
    assert out["invalid"] == 2 and out["batch_id"] is None
    assert "strict mode imports nothing" in err
    assert errors.exists()
    assert rows(db, "SELECT count(*) FROM candidate") == [(0,)]


def test_on_duplicate_update_and_undo(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    first = tmp_path / "a.csv"
    first.write_text("Name,Email\nWei Zhang,wz@example.edu\n", encoding="utf-8")
    second = tmp_path / "b.csv"
    second.write_text(
        "Name,Email,Phone\nWei Zhang,WZ@example.edu,+86 1\nAnn Lee,al@x.edu,\n", encoding="utf-8"
    )
    assert run(capsys, db, "import", str(first))[0] == 0
    code, out, err = run(capsys, db, "import", str(first), "--json")
    assert (code, out["duplicates"]) == (0, 1)
    assert "this file was imported before (batch 1)" in err
    code, out, _ = run(capsys, db, "import", str(second), "--on-duplicate", "update", "--json")
    assert (code, out["updated"], out["created"], out["batch_id"]) == (0, 1, 1, 3)
    assert rows(db, "SELECT full_name, phone FROM candidate ORDER BY id") == [
        ("Wei Zhang", "+86 1"),
        ("Ann Lee", None),
    ]
    code, out, err = run(capsys, db, "undo-import", "3", "--json")
    assert code == 0 and out == {"batch_id": 3, "deleted": 1, "restored": 1, "kept": 0}
    assert "deleted 1 candidate, restored 1" in err
    assert rows(db, "SELECT full_name, phone FROM candidate ORDER BY id") == [("Wei Zhang", None)]
    code, _, err = run(capsys, db, "undo-import", "3")
    assert code == 1 and "already undone" in err


def test_target_pipeline(capsys: pytest.CaptureFixture[str], tmp_path: Path, listing: Path) -> None:
    db = tmp_path / "r.db"
    code, _, err = run(capsys, db, "import", str(listing), "--target", "7")
    assert code == 1 and "Target 7 does not exist" in err
    con = sqlite3.connect(db)
    with con:
        con.execute("INSERT INTO institution (id, name) VALUES (1, 'Fudan')")
        con.execute(
            "INSERT INTO target (id, institution_id, title, headcount, status, created_at)"
            " VALUES (7, 1, 'Chair', 1, 'open', '2024-01-01 00:00:00.000000')"
        )
    con.close()
    assert run(capsys, db, "import", str(listing), "--target", "7")[0] == 0
    assert rows(db, "SELECT target_id, stage FROM application") == [(7, "identified")]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.xlsx", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "photo.png", "not a spreadsheet"),
        (b"PK\x03\x04garbage", "broken.xlsx", "damaged"),
        (b"Colour,Size\nred,1\n", "nonames.csv", "maps to a name"),
    ],
)
def test_bad_files_exit_1_with_one_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, name: str, message: str
) -> None:
    db = tmp_path / "r.db"
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = run(capsys, db, "import", str(path), "--json")
    assert code == 1
    assert message in err and err.count("\n") == 1
    assert out["ok"] is False and message in out["error"]
    assert rows(db, "SELECT count(*) FROM import_batch") == [(0,)]


def test_missing_sheet(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["Name"])
    wb.active.append(["A B"])
    wb.save(tmp_path / "a.xlsx")
    code, _, err = run(
        capsys, tmp_path / "r.db", "import", str(tmp_path / "a.xlsx"), "--sheet", "Scholars"
    )
    assert code == 1 and "no sheet named 'Scholars'" in err
    code, _, _ = run(
        capsys, tmp_path / "r.db", "import", str(tmp_path / "a.xlsx"), "--sheet", "Sheet"
    )
    assert code == 0
