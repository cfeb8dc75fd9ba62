"""The field table (recruiter.domain.fields) is the one description of a candidate field: the
model, the service's validation, the import and the header synonyms all follow it, and adding a
field is one entry plus a migration."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect

from recruiter.domain import fields
from recruiter.domain.models import Candidate, field_column_type
from recruiter.errors import ValidationError
from recruiter.exchange import headers
from recruiter.services import candidates, importing
from recruiter.services.importing.checking import converters
from recruiter.store.database import Database

PACKAGE = Path(__file__).resolve().parents[2] / "recruiter"
TODAY = date(2026, 1, 15)


def test_every_field_has_one_column_of_its_kind_and_length() -> None:
    table = Candidate.__table__  # type: ignore[attr-defined]
    for f in fields.CANDIDATE_FIELDS:
        column = table.c[f.name]
        assert column.nullable or f.name == "full_name", f.name
        # The typed attributes of `Candidate` hold what the table says: the column type of the
        # field's kind (the one a new entry's column gets), with the field's length.
        assert type(column.type) is type(field_column_type(f)), f.name
        assert getattr(column.type, "length", None) == f.max_length, f.name
    checks = {
        c.name: str(c.sqltext) for c in table.constraints if c.name and c.name.startswith("ck_")
    }
    assert checks == {
        "ck_candidate_phd_year": "phd_year IS NULL OR phd_year BETWEEN 1900 AND 2100",
        "ck_candidate_h_index": "h_index IS NULL OR h_index BETWEEN 0 AND 1000",
    }


def test_the_migrated_schema_has_the_table_s_columns(db: Database) -> None:
    with db.engine.connect() as conn:
        stored = {c["name"]: c["type"] for c in inspect(conn).get_columns("candidate")}
    for f in fields.CANDIDATE_FIELDS:
        assert f.name in stored, f.name
        if f.max_length is not None:
            assert getattr(stored[f.name], "length", None) == f.max_length, f.name


def test_labels_are_the_same_everywhere() -> None:
    assert fields.spec("birth_date").label == "Date of birth"
    for name, label in fields.LABELS.items():
        assert candidates.LABELS[name] == label
        if fields.spec(name).importable:
            assert headers.FIELDS[name] == label
            assert importing.LABELS[name] == label
    assert list(headers.FIELDS) == list(fields.IMPORTABLE)
    assert "consent_at" not in headers.FIELDS


def test_every_synonym_and_label_finds_its_field() -> None:
    for f in fields.CANDIDATE_FIELDS:
        if not f.importable:
            continue
        assert headers.field_for(f.label) == f.name
        for word in f.synonyms:
            found = headers.field_for(word)
            # A word two fields share goes to the first; none may go to a third.
            owners = [g.name for g in fields.CANDIDATE_FIELDS if word in g.synonyms]
            assert found == owners[0], (word, found)


_cells = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(-5, 3000),
    st.floats(-10, 3000, allow_nan=False),
    st.dates(date(1850, 1, 1), date(2100, 1, 1)),
    st.sampled_from(["2012", "2012.0", "1980-05-01", "1980年5月", "-1", "1001", "3.5", "x@y.org"]),
    st.sampled_from(["https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0098", "a@b"]),
)


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(fields.IMPORTABLE), value=_cells)
def test_the_editor_and_the_import_accept_and_refuse_the_same_values(name: str, value: Any) -> None:
    """One check: what the service stores, the import stores; what one refuses, the other
    refuses with the same words."""
    convert = converters(TODAY)[name]
    try:
        imported: Any = convert(value)
    except ValueError as exc:
        imported = ("refused", str(exc))
    # full_name alone may not be empty; with a Chinese name beside it, it may.
    data = {"full_name": value, "name_zh": "张伟"} if name == "full_name" else {name: value}
    try:
        validated: Any = candidates.validate(data, today_=TODAY).get(name)
    except ValidationError as exc:
        validated = ("refused", exc.errors[name])
    if name == "full_name" and imported is None:
        imported = "张伟"  # the service falls back to the Chinese name
    assert validated == imported


def test_the_service_explains_with_the_field_s_label() -> None:
    with pytest.raises(ValidationError) as caught:
        candidates.validate(
            {"phd_year": "1850", "birth_date": "2999-01-01", "h_index": "-1", "email": "nope"},
            today_=TODAY,
        )
    assert caught.value.errors == {
        "phd_year": "PhD year 1850 is not between 1950 and 2027",
        "birth_date": "Date of birth 2999-01-01 is in the future",
        "h_index": "h-index -1 is negative",
        "email": "E-mail 'nope' is not a valid address like name@university.edu",
    }
    with pytest.raises(ValidationError, match="longer than 50"):
        candidates.validate({"phone": "1" * 51})


# --- adding a field -----------------------------------------------------------------------------

NEW_ENTRIES = """\
    FieldSpec(
        "wechat",
        "WeChat ID",
        max_length=50,
        synonyms=("wechat", "wechat id", "微信", "微信号"),
        export_header="WeChat",
    ),
    FieldSpec(
        "papers",
        "Papers",
        Kind.int,
        check=lambda n, _today: "is negative" if n < 0 else None,
        synonyms=("papers", "publications", "论文数"),
    ),
"""

MIGRATION = '''\
"""fixture: the columns of two new candidate fields"""

import sqlalchemy as sa
from alembic import op

revision = "9000_fixture"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("candidate") as batch_op:
        batch_op.add_column(sa.Column("wechat", sa.String(50), nullable=True))
        batch_op.add_column(sa.Column("papers", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("candidate") as batch_op:
        batch_op.drop_column("papers")
        batch_op.drop_column("wechat")
'''

SCRIPT = """
import json, sys
from pathlib import Path
from sqlalchemy import text

from recruiter.domain import fields
from recruiter.errors import ValidationError
from recruiter.exchange import headers
from recruiter.services import candidates, importing
from recruiter.store.opening import open_database
from recruiter.ui.candidate_detail import FORM

out = {}
work = Path(sys.argv[1])
db = open_database(work / "recruiter.db", user="tester")
with db.engine.connect() as conn:
    out["db_columns"] = [r[1] for r in conn.execute(text("PRAGMA table_info(candidate)"))]
out["headers"] = [headers.field_for(h) for h in ("微信号", "WeChat ID", "Publications", "论文数")]
out["form"] = [name for name, _widget in FORM]
out["columns"] = list(candidates.COLUMNS)
out["labels"] = [candidates.LABELS["wechat"], importing.LABELS["papers"]]
out["export_header"] = fields.spec("wechat").header
try:
    candidates.validate({"papers": "-3", "wechat": "x" * 51})
except ValidationError as exc:
    out["refused"] = exc.errors
cid = candidates.create(db, full_name="Wei Zhang", wechat=" wz2024 ", papers="12")
out["created"] = [candidates.row(db, cid)[k] for k in ("wechat", "papers")]
out["previous"] = candidates.update(db, cid, papers=13)
csv = work / "list.csv"
csv.write_text(
    "姓名,Email,微信号,论文数\\n李娜,nl@x.edu,lina88,40\\n王芳,fw@x.edu,fw,many\\n",
    encoding="utf-8",
)
summary = importing.run_import(db, csv)
out["import"] = [summary.created, summary.invalid, [o.reason for o in summary.outcomes]]
with db.engine.connect() as conn:
    out["imported"] = [
        tuple(r)
        for r in conn.execute(text("SELECT full_name, wechat, papers FROM candidate ORDER BY id"))
    ]
out["undone"] = importing.undo_import(db, summary.batch_id).deleted
db.dispose()
print(json.dumps(out, ensure_ascii=False))
"""


def test_adding_a_field_is_one_entry_and_a_migration(tmp_path: Path) -> None:
    """A copy of the package gets two entries in domain/fields.py and a migration, nothing else;
    the model, the database, validation, header synonyms, import, undo and the editor form all
    pick the new fields up."""
    from recruiter.store.migrate import head_revision

    copy = tmp_path / "pkg" / "recruiter"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    source = copy / "domain" / "fields.py"
    marker = "    # New fields go above this line"
    text = source.read_text(encoding="utf-8")
    assert text.count(marker) == 1
    source.write_text(text.replace(marker, NEW_ENTRIES + marker), encoding="utf-8")
    (copy / "store" / "migrations" / "versions" / "9000_fixture.py").write_text(
        MIGRATION.format(head=head_revision()), encoding="utf-8"
    )
    work = tmp_path / "work"
    work.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SCRIPT), str(work)],
        cwd=work,
        env={**_env(), "PYTHONPATH": str(copy.parent)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert {"wechat", "papers"} <= set(out["db_columns"])
    assert out["headers"] == ["wechat", "wechat", "papers", "papers"]
    assert out["form"][-2:] == ["wechat", "papers"]
    assert {"wechat", "papers"} <= set(out["columns"])
    assert out["labels"] == ["WeChat ID", "Papers"]
    assert out["export_header"] == "WeChat"
    assert out["refused"] == {
        "papers": "Papers -3 is negative",
        "wechat": "WeChat ID is longer than 50 characters",
    }
    assert out["created"] == ["wz2024", 12]
    assert out["previous"] == {"papers": 12}
    created, invalid, reasons = out["import"]
    assert (created, invalid) == (1, 1)
    assert "Papers 'many' is not a whole number" in reasons
    assert out["imported"] == [["Wei Zhang", "wz2024", 13], ["李娜", "lina88", 40]]
    assert out["undone"] == 1


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def test_workbook_candidate_columns_take_the_field_table_s_export_headers() -> None:
    from recruiter.services import exporting, reporting

    # The headings leadership knows stay exactly as they were (issue 12 moved the columns that
    # go on paper to the front: who and for what first, the candidate's details after them).
    heads = [c.header for c in reporting.PIPELINE_SHEET]
    shown = ["Candidate", "Chinese name", "Current institution", "Country", "Field", "Source"]
    assert set(shown) <= set(heads) and heads[:2] == shown[:2]
    assert [h for h in heads if h in shown] == shown
    names = ["full_name", "name_zh", "current_institution", "country", "field", "source"]
    assert shown == [fields.spec(n).header for n in names]
    assert [c.header for c in reporting.OFFER_SHEET[:2]] == shown[:2]
    assert exporting.WIDTHS["Candidate"] == 22 and exporting.WIDTHS["Source"] == 24
    # An exported workbook reads back: every export header finds its own field on import.
    for f in fields.CANDIDATE_FIELDS:
        if f.importable:
            assert headers.field_for(f.header) == f.name, f.header


def test_every_field_has_a_chinese_label_that_imports_back() -> None:
    """The candidate template's Chinese headers come from the field table, and a list whose
    headers are only the Chinese labels maps every column to its field."""
    from recruiter.exchange import headers

    for f in fields.CANDIDATE_FIELDS:
        if not f.importable:
            continue
        assert f.label_zh, f.name
        assert headers.field_for(f.label_zh) == f.name, (f.name, f.label_zh)
