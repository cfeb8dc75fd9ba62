"""Issue 15: hostile and broken files get one message and exit 1, never an abort; what
Recruiter writes for the user is private, whole, and leaves no debris."""

from __future__ import annotations

import errno
import gc
import json
import os
import sqlite3
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

from recruiter.cli import main
from recruiter.exchange import files, limits, reading
from recruiter.exchange.reading import ReadError, read_table
from tests import hostile


def run(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, Any, str]:
    code = main(["--db", str(db), *argv])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def batches(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute("SELECT count(*) FROM import_batch").fetchone()[0])
    finally:
        con.close()


# -- item 3: limits, checked before the reader allocates anything ---------------------------


def test_far_cell_is_refused_in_a_child_process_without_an_abort(tmp_path: Path) -> None:
    """The 5 KB file that made python-calamine abort the process (exit 134)."""
    path = hostile.far_cell_xlsx(tmp_path / "far.xlsx")
    assert path.stat().st_size < 5000
    code = (
        "import sys; from recruiter.cli import main; "
        "sys.exit(main(['--db', sys.argv[1], 'import', sys.argv[2]]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "r.db"), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.count("\n") == 1
    assert "16,384 columns" in done.stderr and "--max-cells" in done.stderr


@pytest.mark.parametrize("dimension", [True, False])
def test_far_cell_found_from_the_cell_refs_whatever_the_dimension_says(
    tmp_path: Path, dimension: bool
) -> None:
    path = hostile.far_cell_xlsx(tmp_path / "far.xlsx", dimension=dimension)
    with pytest.raises(ReadError, match=r"1,000,000 rows by 16,384 columns \(16,384,000,000"):
        read_table(path)
    with (
        pytest.raises(ReadError, match="reaching row 1,000,000"),
        limits.use(limits.Limits(max_rows=1000, max_cells=10**12)),
    ):
        read_table(path)


@pytest.mark.parametrize(
    "far",
    [
        '<c t="inlineStr" r="XFD1000000"><is><t>x</t></is></c>',  # the reference not first
        '<c\nr="XFD1000000" t="inlineStr"><is><t>x</t></is></c>',
        '<c r="XFD0001000000" t="inlineStr"><is><t>x</t></is></c>',  # leading zeros
    ],
)
def test_far_cell_written_unusually_is_still_found(tmp_path: Path, far: str) -> None:
    body = f'<row r="1">{hostile.cell("A1", "Name")}</row><row r="1000000">{far}</row>'
    path = hostile.write_raw_xlsx(tmp_path / "odd.xlsx", hostile.sheet_xml(body, "A1:A1"))
    with pytest.raises(ReadError, match="16,384 columns"):
        read_table(path)


def test_usual_sheet_near_the_limits_is_measured_exactly(tmp_path: Path) -> None:
    path = hostile.many_rows_xlsx(tmp_path / "many.xlsx", 60)
    with limits.use(limits.Limits(max_cells=60)):  # 60 x 26 would be over; 60 x 1 is not
        assert len(read_table(path).rows) == 60


def test_repeated_ods_rows_are_counted_before_reading(tmp_path: Path) -> None:
    small = hostile.repeated_rows_ods(tmp_path / "small.ods", 3, 2)
    assert len(read_table(small).rows) == 4  # the empty rows LibreOffice adds cost nothing
    big = hostile.repeated_rows_ods(tmp_path / "big.ods", 900_000, 50)
    with pytest.raises(ReadError, match=r"900,001 rows by 50 columns"):
        read_table(big)
    with (
        pytest.raises(ReadError, match="reaching row 900,001"),
        limits.use(limits.Limits(max_rows=1000)),
    ):
        read_table(big)


def test_declared_expanded_size_is_refused_before_reading(tmp_path: Path) -> None:
    path = hostile.declared_huge_xlsx(tmp_path / "huge.xlsx")
    assert path.stat().st_size < 5000
    with pytest.raises(ReadError, match="expands to 250 MB once uncompressed; at most 200 MB"):
        read_table(path)
    with limits.use(limits.Limits().raised(max_size_mb=300)):
        assert read_table(path).headers == ["Name"]


def test_many_rows_refused_and_the_limit_can_be_raised(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = hostile.many_rows_xlsx(tmp_path / "many.xlsx", 60)
    db = tmp_path / "r.db"
    code, out, err = run(capsys, db, "import", str(path), "--max-rows", "50", "--json")
    assert code == 1 and "reaching row 60; at most 50 rows" in err
    assert out["ok"] is False
    code, _, err = run(capsys, db, "import", str(path), "--max-cells", "40")
    assert code == 1 and "60 rows by 1 columns" in err
    code, out, _ = run(capsys, db, "import", str(path), "--max-rows", "100", "--json")
    assert code == 0 and out["created"] == 59
    assert limits.current() is None  # the command's limits end with it


def test_csv_row_and_cell_limits(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("Name,B,C\n" + "A B,1,2\n" * 20, encoding="utf-8")
    with (
        pytest.raises(ReadError, match="more than 30 cells"),
        limits.use(limits.Limits(max_cells=30)),
    ):
        read_table(path)
    with pytest.raises(ReadError, match="more than 5 rows"), limits.use(limits.Limits(max_rows=5)):
        read_table(path)


def test_truncated_workbook_is_called_damaged_or_incomplete(tmp_path: Path) -> None:
    whole = hostile.many_rows_xlsx(tmp_path / "whole.xlsx", 5)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size - 30])
    with pytest.raises(ReadError) as caught:
        read_table(cut)
    assert "damaged or incomplete" in str(caught.value)
    assert "EOCD" not in str(caught.value) and "Zip" not in str(caught.value)


@pytest.mark.parametrize(
    "content",
    [
        b'\xef\xbb\xbf<meta charset="utf-8"><table><tr><td>Name</td></tr></table>',
        "<html><table><tr><td>Name</td></tr></table></html>".encode("utf-16"),
        b"\r\n  <!-- exported --><table><tr><td>Name</td></tr></table>",
    ],
)
def test_xls_that_is_a_web_page_is_called_one(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "report.xls"
    path.write_bytes(content)
    with pytest.raises(ReadError, match="is a web page"):
        read_table(path)


DATA = Path(__file__).resolve().parents[1] / "data"


def test_binary_workbooks_are_read_in_a_child_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """.xls cannot be sized before reading: a reader that blows up takes a child with it."""

    def not_here(*_a: Any, **_k: Any) -> Any:
        raise AssertionError("read in the app's own process")

    monkeypatch.setattr(reading, "read_workbook_here", not_here)
    monkeypatch.setattr(reading, "sheet_names_here", not_here)
    assert reading.sheet_names(DATA / "candidates.xls")
    assert read_table(DATA / "candidates.xls").headers


def test_a_child_that_dies_is_one_message(monkeypatch: pytest.MonkeyPatch) -> None:
    from recruiter.exchange import isolated

    def aborted(*_a: Any, **_k: Any) -> subprocess.CompletedProcess[bytes]:
        return subprocess.CompletedProcess([], -6, b"", b"memory allocation failed")

    monkeypatch.setattr(isolated.subprocess, "run", aborted)
    with pytest.raises(ReadError, match=r"could not be read .*may be damaged, or expand"):
        read_table(DATA / "candidates.xls")


# -- item 7: an unterminated quote ---------------------------------------------------------


def test_unterminated_quote_names_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        'Name,Email\nWei Zhang,wz@x.edu\n"Na Li,nl@x.edu\nAnna Smith,as@x.edu\nBo Wu,bw@x.edu\n',
        encoding="utf-8",
    )
    with pytest.raises(ReadError, match=r"line 3 is not closed.*up to the end of the file"):
        read_table(path)
    db = tmp_path / "r.db"
    code, _, err = run(capsys, db, "import", str(path))
    assert code == 1 and "line 3" in err
    assert batches(db) == 0


def test_quote_closed_in_a_later_line_is_not_a_silent_merge(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        'Name,Email\n"Na Li,nl@x.edu\nAnna Smith,as@x.edu\n"Bo Wu",bw@x.edu\nCy Ma,cm@x.edu\n',
        encoding="utf-8",
    )
    with pytest.raises(ReadError, match=r"line 2 is not closed.*up to line 4"):
        read_table(path)


def test_lenient_quotes_on_one_line_still_import(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text('Name,Email\n"Wei" Zhang,wz@x.edu\n', encoding="utf-8")
    assert [r for _, r in read_table(path).data_rows()] == [["Wei Zhang", "wz@x.edu"]]


def test_quoted_values_over_several_lines_still_import(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text('Name,Notes\nWei Zhang,"met in Kyoto\nand Boston"\n', encoding="utf-8")
    assert [r for _, r in read_table(path).data_rows()] == [
        ["Wei Zhang", "met in Kyoto\nand Boston"]
    ]


# -- item 6: --errors before the commit, never over the input or the database ---------------


def _listing(tmp_path: Path) -> Path:
    path = tmp_path / "list.csv"
    path.write_text("Name,Email\nWei Zhang,wz@x.edu\nNa Li,not-an-email\n", encoding="utf-8")
    return path


def test_errors_file_that_cannot_be_written_imports_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "r.db"
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be")
    code, _, err = run(
        capsys, db, "import", str(_listing(tmp_path)), "--errors", str(blocked / "bad.xlsx")
    )
    assert code == 1
    assert "Traceback" not in err and err.count("\n") == 1
    assert "rejected rows could not be saved" in err and "Nothing was imported." in err
    assert batches(db) == 0


def test_errors_is_saved_before_the_commit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recruiter.services.importing import model

    seen: list[int] = []
    real = model.ImportSummary.write_rejects

    def spy(self: Any, path: Any) -> int:
        seen.append(batches(tmp_path / "r.db"))  # another connection: the batch not yet visible
        return real(self, path)

    monkeypatch.setattr(model.ImportSummary, "write_rejects", spy)
    out = tmp_path / "rejected.xlsx"
    code, _, err = run(
        capsys, tmp_path / "r.db", "import", str(_listing(tmp_path)), "--errors", str(out)
    )
    assert code == 0 and seen == [0] and out.exists()
    assert "1 rejected row saved" in err and batches(tmp_path / "r.db") == 1


def test_errors_over_the_input_or_the_database_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "r.db"
    listing = _listing(tmp_path)
    before = listing.read_bytes()
    code, _, err = run(capsys, db, "import", str(listing), "--errors", str(listing))
    assert code == 1 and "is the file being imported" in err
    assert listing.read_bytes() == before
    run(capsys, db, "check")
    code, _, err = run(capsys, db, "import", str(listing), "--errors", str(db))
    assert code == 1 and "is the database" in err
    assert batches(db) == 0


@pytest.mark.sqlite_only(reason="the database is a file there")
def test_export_over_the_database_is_refused(db) -> None:
    from recruiter.exchange.workbook import ExportError
    from recruiter.services import exporting

    before = db.path.read_bytes()
    with pytest.raises(ExportError, match="is the database Recruiter is using"):
        exporting.export_workbook(db, db.path)
    assert db.path.read_bytes() == before


# -- item 8: private files, spooled beside the target, debris swept ------------------------


@pytest.fixture(autouse=True)
def _own_temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shared temp folder, private to this test (other processes write there too)."""
    folder = tmp_path / "system-temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))


def _tmp_debris() -> set[str]:
    return set(os.listdir(tempfile.gettempdir()))


def test_export_is_private_and_spools_beside_the_target(demo_db, tmp_path: Path) -> None:
    from recruiter.services import exporting

    out_dir = tmp_path / "out"
    out_dir.mkdir()
    before = _tmp_debris()
    spooled: list[list[str]] = []

    def progress(done: int, total: int) -> None:
        spooled.append(sorted(os.listdir(out_dir)))

    exporting.export_workbook(demo_db, out_dir / "report.xlsx", progress=progress)
    assert any(any(files.TEMP_MARK in n for n in names) for names in spooled)
    assert _tmp_debris() == before
    assert os.listdir(out_dir) == ["report.xlsx"]
    assert stat.S_IMODE((out_dir / "report.xlsx").stat().st_mode) == 0o600


def test_rejects_file_is_private(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "rejected.xlsx"
    assert (
        run(capsys, tmp_path / "r.db", "import", str(_listing(tmp_path)), "--errors", str(out))[0]
        == 0
    )
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_debris_of_dead_runs_is_swept_live_ones_kept(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(dead.stdout)
    stale = tmp_path / f".report.xlsx{files.TEMP_MARK}{pid}-abc.part"
    mine = tmp_path / f".report.xlsx{files.TEMP_MARK}{os.getpid()}-def.part"
    other = tmp_path / ".hidden-notes.txt"
    for p in (stale, mine, other):
        p.write_text("names")
    files.atomic_save(tmp_path / "report.xlsx", lambda t: t.write_bytes(b"x"))
    assert not stale.exists() and mine.exists() and other.exists()


# -- item 9: a full disk, a header-only CSV ------------------------------------------------


def test_export_to_a_full_disk_prints_one_message(
    capsys: pytest.CaptureFixture[str],
    demo_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import shutil

    db = tmp_path / "d.db"
    shutil.copy(demo_template, db)
    real = zipfile.ZipFile.write

    def full(self: Any, *args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "write", full)
    before = _tmp_debris()
    out = tmp_path / "out" / "report.xlsx"
    out.parent.mkdir()
    code, _, err = run(capsys, db, "export", str(out))
    gc.collect()
    monkeypatch.setattr(zipfile.ZipFile, "write", real)
    assert code == 1
    assert err.count("\n") == 1 and "No space left on device" in err, err
    assert "Exception ignored" not in err
    assert os.listdir(out.parent) == [] and _tmp_debris() == before


def test_header_only_csv_records_no_batch(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "empty-list.csv"
    path.write_text("Name,Email\n", encoding="utf-8")
    db = tmp_path / "r.db"
    code, _, err = run(capsys, db, "import", str(path))
    assert code == 1 and "no rows below them" in err
    assert batches(db) == 0


def test_reader_defaults_follow_the_module_constants(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_ROWS", 7)
    assert reading.current_limits().max_rows == 7
    with limits.use(limits.Limits(max_rows=9)):
        assert reading.current_limits().max_rows == 9
