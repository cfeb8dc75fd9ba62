"""The set-up workbook: templates written and read back, the loader's guarantees (all or
nothing, a reason per rejected row, references by name, idempotent, Chinese sheet names, text
that looks like a formula stays text), the CLI, and the 0004 -> 0006 migration keeping data."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from openpyxl import Workbook, load_workbook
from sqlalchemy import text

from recruiter.cli import main
from recruiter.exchange import headers, templates
from recruiter.exchange.reading import ReadError, read_table
from recruiter.services import archive, institutions, setup
from recruiter.store import location, migrate
from recruiter.store.database import Database
from recruiter.store.opening import open_database

INSTITUTIONS = [
    ["Wuhan University", "武汉大学", "WHU", "Wuhan", "China"],
    ["Fudan University", "复旦大学", "FDU", "Shanghai", "China"],
]
DEPARTMENTS = [
    # A lab listed before its school: parents are linked once the whole sheet exists.
    ["Wuhan University", "Quantum Optics Lab", "量子光学实验室", "School of Physics"],
    ["WHU", "School of Physics", "物理科学与技术学院", ""],
    ["复旦大学", "School of Chemistry", "", ""],
]
FUNDING = [
    ["WHU Talent Fund", "university", "Wuhan University", 2026, 5000000, "CNY", ""],
    ["NSFC Excellent Young", "national", "", 2026, "120万", "", "nationwide"],
]
TARGETS = [
    [
        "Wuhan University",
        "Quantum Optics Lab",
        "Professor of Quantum Optics",
        "Physics",
        "Full professor",
        "",
        2,
        "open",
        "2026-12-31",
        "Li Na",
        "WHU Talent Fund",
        "",
    ],
    ["Fudan University", "", "Chemistry Fellow", "", "", "", "", "", "", "", "", ""],
]


def fill(path: Path, rows: dict[str, list[list[Any]]], *, keep_examples: bool = True) -> Path:
    """Write the set-up template and append rows to its sheets, as a person would."""
    templates.write_setup_template(path)
    wb = load_workbook(path)
    for name, data in rows.items():
        ws = wb[name]
        if not keep_examples:
            ws.delete_rows(2, ws.max_row)
        for row in data:
            ws.append(row)
    wb.save(path)
    return path


def full_workbook(tmp_path: Path) -> Path:
    return fill(
        tmp_path / "setup.xlsx",
        {
            "Institutions": INSTITUTIONS,
            "Departments": DEPARTMENTS,
            "Funding": FUNDING,
            "Targets": TARGETS,
        },
    )


def count(db: Database, table: str) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    with db.engine.connect() as conn:
        for t in ("institution", "department", "funding_source", "target", "audit_entry"):
            out[t] = [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY id"))]
    return out


# -- templates -------------------------------------------------------------------------------


def test_setup_template_has_bilingual_headers_instructions_and_marked_examples(
    tmp_path: Path,
) -> None:
    path = templates.write_setup_template(tmp_path / "t.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == [
        templates.INSTRUCTIONS,
        "Institutions",
        "Departments",
        "Funding",
        "Targets",
    ]
    ws = wb["Departments"]
    header = [c.value for c in ws[1]]
    assert header[0] == "Institution * / 所属单位"
    assert header[-1] == templates.EXAMPLE_HEADER
    assert [c.value for c in ws[2]][-1] == templates.EXAMPLE_MARK
    for sheet in templates.SETUP_SHEETS:
        for cell in wb[sheet.name][1]:
            assert templates.column_for(sheet, cell.value) is not None, cell.value


def test_unfilled_template_loads_nothing(db: Database, tmp_path: Path) -> None:
    path = templates.write_setup_template(tmp_path / "t.xlsx")
    result = setup.load(db, path)
    assert result.changed == 0 and not result.invalid
    assert result.examples_skipped == 5
    assert count(db, "institution") == 0


def test_candidate_template_headers_map_to_every_field(tmp_path: Path) -> None:
    path = templates.write_candidate_template(tmp_path / "c.xlsx")
    ws = load_workbook(path).active
    assert ws is not None
    cells = [c.value for c in ws[1]]
    assert [headers.field_for(c) for c in cells] == list(headers.FIELDS)
    assert "Name / 英文姓名" in cells


# -- loading ---------------------------------------------------------------------------------


@pytest.mark.sqlite_only(reason="compares SQLite's stored text of dates")
def test_template_round_trip_creates_everything_by_name(db: Database, tmp_path: Path) -> None:
    result = setup.load(db, full_workbook(tmp_path))
    assert result.invalid == []
    assert result.as_json() == {
        "institutions": {"created": 2, "updated": 0},
        "departments": {"created": 3, "updated": 0},
        "funding": {"created": 2, "updated": 0},
        "targets": {"created": 2, "updated": 0},
        "invalid": [],
        "dry_run": False,
    }
    whu = institutions.find(db, "WHU")
    assert whu is not None and whu.short_name == "WHU" and whu.name_zh == "武汉大学"
    depts = {r.name: r for r in institutions.department_overview(db)}
    assert depts["Quantum Optics Lab"].path == "School of Physics / Quantum Optics Lab"
    with db.engine.connect() as conn:
        src = conn.execute(
            text("SELECT total_minor, currency, institution_id FROM funding_source ORDER BY id")
        ).all()
        target = conn.execute(
            text(
                "SELECT title, headcount, status, fill_by, owner, department_id, "
                "funding_source_id FROM target ORDER BY id"
            )
        ).first()
    assert src == [(500_000_000, "CNY", whu.id), (120_000_000, "CNY", None)]
    assert target is not None
    assert target[:5] == ("Professor of Quantum Optics", 2, "open", "2026-12-31", "Li Na")
    assert target[5] == depts["Quantum Optics Lab"].id and target[6] == 1
    actions = {
        (e, a)
        for e, a in sqlite3.connect(db.path).execute("SELECT entity, action FROM audit_entry")
    }
    assert {("institution", "create"), ("department", "create"), ("setup", "load")} <= actions


def test_loading_twice_changes_nothing_the_second_time(db: Database, tmp_path: Path) -> None:
    path = full_workbook(tmp_path)
    setup.load(db, path)
    before = snapshot(db)
    again = setup.load(db, path)
    assert again.changed == 0 and again.invalid == []
    assert snapshot(db) == before  # not even an audit row


def test_names_match_ignoring_case_beyond_ascii(db: Database, tmp_path: Path) -> None:
    rows = {
        "Institutions": [["École Polytechnique", "", "", "Palaiseau", "France"]],
        "Departments": [["École Polytechnique", "Département de Physique", "", ""]],
        "Targets": [["ÉCOLE POLYTECHNIQUE", "DÉPARTEMENT DE PHYSIQUE", "Chaire Ω", *[""] * 9]],
    }
    first = setup.load(db, fill(tmp_path / "a.xlsx", rows, keep_examples=False))
    assert first.invalid == [] and first.changed == 3
    again = setup.load(
        db,
        fill(
            tmp_path / "b.xlsx",
            {
                "Institutions": [["ÉCOLE POLYTECHNIQUE"]],
                "Targets": [["école polytechnique", "département de physique", "CHAIRE ω"]],
            },
            keep_examples=False,
        ),
    )
    assert again.invalid == [] and again.changed == 0
    assert count(db, "institution") == 1 and count(db, "target") == 1


def test_changed_cells_update_and_empty_cells_never_erase(db: Database, tmp_path: Path) -> None:
    setup.load(db, full_workbook(tmp_path))
    second = fill(
        tmp_path / "second.xlsx",
        {"Institutions": [["Wuhan University", "", "", "武汉", ""]]},
        keep_examples=False,
    )
    result = setup.load(db, second)
    assert result.counts["institutions"].updated == 1
    assert result.counts["institutions"].created == 0
    whu = institutions.find(db, "Wuhan University")
    assert whu is not None
    assert (whu.city, whu.name_zh, whu.short_name) == ("武汉", "武汉大学", "WHU")
    setup.undo_load(db, result)
    whu = institutions.find(db, "Wuhan University")
    assert whu is not None and whu.city == "Wuhan"


def test_undo_load_deletes_what_it_created(db: Database, tmp_path: Path) -> None:
    result = setup.load(db, full_workbook(tmp_path))
    setup.undo_load(db, result)
    for table in ("institution", "department", "funding_source", "target"):
        assert count(db, table) == 0, table


def test_invalid_rows_write_nothing_and_each_has_a_reason(db: Database, tmp_path: Path) -> None:
    path = fill(
        tmp_path / "bad.xlsx",
        {
            "Institutions": [*INSTITUTIONS, ["", "无名", "", "", ""]],
            "Departments": [["Peking University", "Physics", "", ""]],
            "Funding": [["Fund", "lottery", "", "", "-5", "XYZ", ""]],
            "Targets": [
                ["Wuhan University", "No Such Dept", "PI", "", "", "", 1, "", "", "", "", ""],
                ["Wuhan University", "", "PI", "", "", "", "many", "", "", "", "", ""],
                ["Wuhan University", "", "Fund PI", "", "", "", 1, "", "", "", "Nope", ""],
            ],
        },
    )
    result = setup.load(db, path)
    reasons = {(p.sheet, p.row): p.reason for p in result.invalid}
    assert reasons[("Institutions", 5)] == "Name give the institution's name"
    assert reasons[("Departments", 4)] == "no institution named 'Peking University'"
    assert "Kind must be one of" in reasons[("Funding", 3)]
    assert "Currency 'XYZ'" in reasons[("Funding", 3)]
    assert "Total must be an amount" in reasons[("Funding", 3)]
    assert reasons[("Targets", 3)] == "no department named 'No Such Dept' in Wuhan University"
    assert "Headcount must be a whole number" in reasons[("Targets", 4)]
    assert reasons[("Targets", 5)] == "no funding source named 'Nope'"
    assert len(result.invalid) == 6
    assert not result.written
    for table in ("institution", "department", "funding_source", "target", "audit_entry"):
        assert count(db, table) == 0, table


def test_dry_run_counts_but_writes_nothing(db: Database, tmp_path: Path) -> None:
    result = setup.load(db, full_workbook(tmp_path), dry_run=True)
    assert result.dry_run and result.counts["targets"].created == 2
    assert count(db, "institution") == 0 and count(db, "audit_entry") == 0


def test_parent_cycle_in_the_workbook_is_refused(db: Database, tmp_path: Path) -> None:
    path = fill(
        tmp_path / "cycle.xlsx",
        {
            "Institutions": [INSTITUTIONS[0]],
            "Departments": [
                ["Wuhan University", "A", "", "B"],
                ["Wuhan University", "B", "", "A"],
            ],
        },
        keep_examples=False,
    )
    result = setup.load(db, path)
    assert [(p.sheet, p.row) for p in result.invalid] == [("Departments", 3)]
    assert "sub-departments" in result.invalid[0].reason
    assert count(db, "department") == 0


def test_duplicate_rows_and_archived_references_are_reported(db: Database, tmp_path: Path) -> None:
    old = institutions.create(db, name="Old University")
    archive.archive(db, "institution", old)
    path = fill(
        tmp_path / "dup.xlsx",
        {
            "Institutions": [INSTITUTIONS[0], INSTITUTIONS[0]],
            "Departments": [["Old University", "History", "", ""]],
        },
        keep_examples=False,
    )
    reasons = {(p.sheet, p.row): p.reason for p in setup.load(db, path).invalid}
    assert reasons == {
        ("Institutions", 3): "the same row as row 2",
        ("Departments", 2): "the institution 'Old University' is archived; unarchive it first",
    }


def test_choices_accept_chinese_and_spaced_words(db: Database, tmp_path: Path) -> None:
    path = fill(
        tmp_path / "words.xlsx",
        {
            "Institutions": [INSTITUTIONS[0]],
            "Funding": [["Hubei Fund", "省级", "", "", 100, "", ""]],
            "Targets": [
                ["WHU", "", "A", "", "", "", "", "On hold", "", "", "", ""],
                ["WHU", "", "B", "", "", "", "", "已关闭", "", "", "", ""],
            ],
        },
        keep_examples=False,
    )
    assert setup.load(db, path).invalid == []
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT kind FROM funding_source")).scalar_one() == "provincial"
        statuses = conn.execute(text("SELECT status FROM target ORDER BY title")).scalars().all()
    assert statuses == ["on_hold", "closed"]


def test_chinese_sheet_names_and_headers(db: Database, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "单位"
    ws.append(["名称", "中文名称", "简称"])
    ws.append(["Xiamen University", "厦门大学", "XMU"])
    ws2 = wb.create_sheet("院系")
    ws2.append(["所属单位", "名称"])
    ws2.append(["厦门大学", "School of Marine Sciences"])
    ws3 = wb.create_sheet("招聘计划")
    ws3.append(["所属单位", "院系", "岗位名称", "名额"])
    ws3.append(["XMU", "School of Marine Sciences", "Ocean PI", 3])
    path = tmp_path / "中文.xlsx"
    wb.save(path)
    result = setup.load(db, path)
    assert result.invalid == []
    assert result.sheets == {"institutions": "单位", "departments": "院系", "targets": "招聘计划"}
    assert [result.counts[k].created for k in ("institutions", "departments", "targets")] == [
        1,
        1,
        1,
    ]


def test_formula_looking_text_stays_text(db: Database, tmp_path: Path) -> None:
    evil = '=HYPERLINK("http://evil.example","Zhang")'
    path = fill(
        tmp_path / "evil.xlsx",
        {"Institutions": [[evil, "+cmd", "", "", ""]]},
        keep_examples=False,
    )
    # What a person types into the sheet is text; reading it back gives the same text.
    wb = load_workbook(path)
    ws = wb["Institutions"]
    from recruiter.exchange.safe_cells import write_text_cell

    write_text_cell(ws.cell(row=2, column=1), evil)
    write_text_cell(ws.cell(row=2, column=2), "+cmd")
    wb.save(path)
    assert read_table(path, sheet="Institutions").rows[1][0] == evil
    result = setup.load(db, path)
    assert result.invalid == []
    inst = institutions.list_all(db)[0]
    assert (inst.name, inst.name_zh) == (evil, "+cmd")
    # Written back into a template-style workbook it is a string cell, not a formula.
    out = tmp_path / "out.xlsx"
    wb2 = Workbook()
    ws2 = wb2.active
    assert ws2 is not None
    write_text_cell(ws2["A1"], inst.name)
    wb2.save(out)
    cell = load_workbook(out).active["A1"]  # type: ignore[index]
    assert cell.data_type == "s" and cell.value == evil


def test_a_workbook_without_setup_sheets_is_refused(db: Database, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Name", "Email"])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    with pytest.raises(ReadError, match="recruiter template setup"):
        setup.load(db, path)


# -- the command line ------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_template_needs_no_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db_file = tmp_path / "never.db"
    code, out, err = run(
        capsys, "--db", str(db_file), "template", "setup", str(tmp_path / "s.xlsx"), "--json"
    )
    assert code == 0 and "recruiter setup" in err
    assert json.loads(out) == {"file": str(tmp_path / "s.xlsx"), "template": "setup"}
    assert not db_file.exists()
    code, _out, _err = run(capsys, "template", "candidates", str(tmp_path / "c.xlsx"))
    assert code == 0 and (tmp_path / "c.xlsx").exists()
    code, _out, err = run(capsys, "template", "setup", str(tmp_path / "no" / "s.xlsx"))
    assert code == 1 and "does not exist" in err
    # A filled-in workbook is never overwritten by accident.
    filled = tmp_path / "s.xlsx"
    filled.write_bytes(b"mine")
    code, _out, err = run(capsys, "template", "setup", str(filled))
    assert code == 1 and "--force" in err and filled.read_bytes() == b"mine"
    assert run(capsys, "template", "setup", str(filled), "--force")[0] == 0
    assert load_workbook(filled).sheetnames[1] == "Institutions"
    with pytest.raises(SystemExit) as usage:
        main(["template", "offers", "x.xlsx"])
    assert usage.value.code == 2


def test_cli_setup_json_and_exit_codes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db_path: Path
) -> None:
    good = full_workbook(tmp_path)
    code, out, _err = run(capsys, "--db", str(db_path), "setup", str(good), "--dry-run", "--json")
    assert code == 0
    assert json.loads(out)["dry_run"] is True
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM institution").fetchone()[0] == 0

    code, out, err = run(capsys, "--db", str(db_path), "setup", str(good), "--json")
    report = json.loads(out)
    assert code == 0 and report["targets"] == {"created": 2, "updated": 0}
    assert set(report) == {
        "institutions",
        "departments",
        "funding",
        "targets",
        "invalid",
        "dry_run",
    }
    code, out, err = run(capsys, "--db", str(db_path), "setup", str(good))
    assert code == 0 and "Nothing to change" in err

    bad = fill(
        tmp_path / "bad.xlsx",
        {"Institutions": [["Nanjing University"]], "Departments": [["Nowhere", "X"]]},
        keep_examples=False,
    )
    code, out, err = run(capsys, "--db", str(db_path), "setup", str(bad), "--json")
    assert code == 1
    assert json.loads(out)["invalid"] == [
        {"sheet": "Departments", "row": 2, "reason": "no institution named 'Nowhere'"}
    ]
    assert "nothing was written" in err
    names = {r[0] for r in sqlite3.connect(db_path).execute("SELECT name FROM institution")}
    assert "Nanjing University" not in names

    code, _out, err = run(capsys, "--db", str(db_path), "setup", str(tmp_path / "missing.xlsx"))
    assert code == 1 and "missing.xlsx" in err


# -- the migration ---------------------------------------------------------------------------


def test_upgrade_from_0004_keeps_the_data(db_path: Path) -> None:
    command.upgrade(migrate.alembic_config(location.resolve(db_path)), "0004")
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(
        "INSERT INTO institution (id, name, name_zh) VALUES (1, 'Wuhan University', '武汉大学')"
    )
    conn.execute("INSERT INTO department (id, institution_id, name) VALUES (1, 1, 'Physics')")
    conn.execute(
        "INSERT INTO funding_source (id, name, kind, institution_id, total_minor, currency) "
        "VALUES (1, 'Fund', 'university', 1, 100, 'CNY')"
    )
    conn.execute(
        "INSERT INTO target (id, institution_id, department_id, title, headcount, status, "
        "created_at) VALUES (1, 1, 1, 'PI', 1, 'open', '2026-01-01 00:00:00')"
    )
    conn.commit()
    conn.close()

    db = open_database(db_path, user="tester")  # migrates, with foreign keys on
    try:
        with db.engine.connect() as c:
            assert migrate.current_revision(c) == migrate.head_revision()
            assert c.execute(
                text("SELECT id, name, short_name, archived_at FROM institution")
            ).all() == [(1, "Wuhan University", None, None)]
            assert c.execute(text("SELECT id, parent_id FROM department")).all() == [(1, None)]
            assert c.execute(text("SELECT department_id, funding_source_id FROM target")).all() == [
                (1, None)
            ]
            assert c.execute(text("SELECT count(*) FROM funding_source")).scalar_one() == 1
            assert c.execute(text("SELECT count(*) FROM officer")).scalar_one() == 0
            assert c.execute(text("PRAGMA foreign_key_check")).all() == []
        sub = institutions.add_department(db, 1, "Optics Lab", parent_id=1)
        assert institutions.get_department(db, sub).parent_id == 1
    finally:
        db.dispose()


def test_a_failing_0006_upgrade_changes_nothing(db_path: Path) -> None:
    """The migration is one transaction: a clash in its last step leaves the 0004 schema."""
    command.upgrade(migrate.alembic_config(location.resolve(db_path)), "0004")
    conn = sqlite3.connect(db_path)
    conn.execute("ALTER TABLE target ADD COLUMN archived_at DATETIME")  # the clash
    conn.commit()
    conn.close()
    db = Database(location.resolve(db_path))
    try:
        with pytest.raises(Exception, match="duplicate column"):
            migrate.upgrade(db.engine)
    finally:
        db.dispose()
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0004"
    assert "short_name" not in [r[1] for r in conn.execute("PRAGMA table_info(institution)")]
    assert (
        conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'officer'").fetchone()[0] == 0
    )
    conn.close()
