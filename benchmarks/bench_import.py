"""Import budgets (issues 5 and 16): a generated 100,000-row, 15-column .xlsx imported into an
empty database (<= 2.0x the floor) and into one already holding 100,000 other candidates
(<= 2.5x).

The floor is the storage floor of the schema, measured in the same run on the same database:
calamine `iter_rows`, one transaction, the search triggers dropped, one `executemany` with a
large page cache, the FTS index filled set-based from the new rows, the triggers restored
(`floor_import`). It pays for every index of the schema and nothing else: the import adds the
row checks, duplicate detection, the audit trail and what undo needs.
"""

from __future__ import annotations

import random
import sqlite3
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from benchmarks.common import Context, Figure, figure, measure

HEADERS = [
    "Name",
    "姓名",
    "Email",
    "ORCID",
    "Phone",
    "Gender",
    "Date of birth",
    "Nationality",
    "Institution",
    "Position",
    "Country",
    "Field",
    "Research area",
    "PhD year",
    "h-index",
]
COLUMNS = [
    "full_name",
    "name_zh",
    "email",
    "orcid",
    "phone",
    "gender",
    "birth_date",
    "nationality",
    "current_institution",
    "current_position",
    "country",
    "field",
    "research_area",
    "phd_year",
    "h_index",
]
_EPOCH = date(1899, 12, 30)


def _orcid(n: int) -> str:
    from recruiter.domain.identity import orcid_check_char

    digits = f"0009{n:011d}"
    full = digits + orcid_check_char(digits)
    return "-".join(full[i : i + 4] for i in range(0, 16, 4))


def _rows(n: int, seed: int = 11) -> list[list[object]]:
    rnd = random.Random(seed)
    given = ["Wei", "Na", "Min", "Anna", "David", "Yuki", "Omar", "Lena", "Ravi", "Chen"]
    family = ["Zhang", "Li", "Wang", "Smith", "Müller", "Tanaka", "Haddad", "Rossi", "Kumar"]
    zh = ["张伟", "李娜", "王芳", "刘洋", "陈静", "杨帆", "赵敏", "黄磊"]
    fields = ["Physics", "Chemistry", "Mathematics", "Computer Science", "Biology", "Economics"]
    rows: list[list[object]] = []
    for i in range(n):
        rows.append(
            [
                f"{rnd.choice(given)} {rnd.choice(family)} {i}",
                f"{rnd.choice(zh)}{i}",
                f"bench.{i}@import.example.org",
                _orcid(i) if i % 3 == 0 else None,
                f"+86 138{i:08d}",
                rnd.choice(["M", "F"]),
                date(1960 + i % 35, 1 + i % 12, 1 + i % 28),
                rnd.choice(["China", "Germany", "Japan", "India", "Italy"]),
                f"University {i % 900}",
                rnd.choice(["Professor", "Associate Professor", "Lecturer", "Postdoc"]),
                rnd.choice(["China", "Germany", "USA", "UK", "Japan"]),
                rnd.choice(fields),
                "Research topic " + str(i % 5000),
                1990 + i % 34,
                i % 90,
            ]
        )
    return rows


def _cell(ref: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return f'<c r="{ref}" s="1"><v>{(value - _EPOCH).days}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{float(value)}</v></c>'  # Excel stores numbers as doubles
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    """A plain .xlsx written directly (openpyxl takes ~30 s for 100k rows; this takes ~2 s)."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(i + 1) for i in range(len(HEADERS))]
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData>"
    ]
    for r, row in enumerate([HEADERS, *rows], start=1):
        cells = "".join(_cell(f"{letters[c]}{r}", v) for c, v in enumerate(row))
        parts.append(f'<row r="{r}">{cells}</row>')
    parts.append("</sheetData></worksheet>")
    ns = "http://schemas.openxmlformats.org"
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName='
            '"/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.styles+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}/spreadsheetml/2006/'
            f'main" xmlns:r="{ns}/officeDocument/2006/relationships"><sheets><sheet '
            'name="Candidates" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
            f'Type="{ns}/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{ns}/spreadsheetml/2006/'
            'main"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders '
            'count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs '
            'count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
            "</styleSheet>"
        ),
        "xl/worksheets/sheet1.xml": "".join(parts),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, content in files.items():
            z.writestr(name, content)
    return path


def _copy(src: Path, dst: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
    con = sqlite3.connect(src)
    out = sqlite3.connect(dst)
    con.backup(out)
    con.close()
    out.close()
    return dst


# The page cache both the floor and the import use for the length of one import (KiB).
CACHE_KIB = 262_144


def floor_import(xlsx: Path, db_path: Path) -> int:
    """The storage floor of the schema: calamine `iter_rows`, one transaction with the search
    triggers dropped, one `executemany` with a large page cache, the FTS index filled set-based
    from the new rows, the triggers restored. Every index of the schema is paid for; nothing a
    person needs (checks, duplicates, audit, undo) is."""
    from python_calamine import CalamineWorkbook

    from recruiter.store import search

    wb = CalamineWorkbook.from_path(str(xlsx))
    rows = wb.get_sheet_by_index(0).iter_rows()
    next(rows)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    params = [
        (
            *(v.isoformat() if isinstance(v, date) else (v if v != "" else None) for v in row),
            now,
            now,
        )
        for row in rows
    ]
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    cols = ", ".join([*COLUMNS, "created_at", "updated_at"])
    marks = ", ".join("?" * (len(COLUMNS) + 2))
    triggers = [
        sql
        for (sql,) in con.execute(
            "SELECT sql FROM sqlite_master WHERE type='trigger' AND tbl_name='candidate'"
        )
    ]
    fts = ", ".join(search.SEARCH_COLUMNS)
    con.execute("BEGIN IMMEDIATE")
    last = con.execute("SELECT coalesce(max(id), 0) FROM candidate").fetchone()[0]
    for name in search.TRIGGERS:
        con.execute(f"DROP TRIGGER IF EXISTS {name}")
    con.executemany(f"INSERT INTO candidate ({cols}) VALUES ({marks})", params)
    con.execute(
        f"INSERT INTO {search.FTS_TABLE}(rowid, {fts}) SELECT id, {fts} FROM candidate "
        "WHERE id > ?",
        (last,),
    )
    for sql in triggers:
        con.execute(sql)
    con.execute("COMMIT")
    con.close()
    return len(params)


def app_import(xlsx: Path, db_path: Path) -> int:
    from recruiter.services import importing
    from recruiter.store.opening import open_database

    db = open_database(db_path, user="bench")
    try:
        summary = importing.run_import(db, xlsx)
    finally:
        db.dispose()
    return summary.created


def figures(ctx: Context) -> list[Figure]:
    from recruiter.store.opening import open_database

    n = ctx.size
    work = ctx.workdir
    xlsx = work / f"import-{n}.xlsx"
    if not xlsx.exists():
        write_xlsx(xlsx, _rows(n))
    empty_template = work / "import-empty.db"
    if not empty_template.exists():
        open_database(empty_template).dispose()
    full_template = ctx.demo_db()
    target = work / "import-target.db"
    out: list[Figure] = []
    label = f"{n // 1000}k" if n >= 1000 else str(n)
    for name, template, budget in (
        ("empty database", empty_template, 2.0),
        (f"database with {label} candidates", full_template, 2.5),
    ):
        floor_runs: list[float] = []
        runs: list[float] = []
        created: list[int] = []
        for _ in range(ctx.repeats):  # interleaved, so a busy machine slows both alike
            floor_runs += measure(
                lambda: floor_import(xlsx, target), 1, setup=lambda t=template: _copy(t, target)
            )
            runs += measure(
                lambda c=created: c.append(app_import(xlsx, target)),
                1,
                setup=lambda t=template: _copy(t, target),
            )
        assert created and all(c == n for c in created), f"expected {n} new, got {created}"
        article = "an" if name.startswith("empty") else "a"
        out.append(
            figure(
                f"import {label}x15 .xlsx into {article} {name}", runs, floor_runs, budget=budget
            )
        )
    return out
