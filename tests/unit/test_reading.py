"""Reading spreadsheets and text files: formats, encodings, header rows, cell values."""

from __future__ import annotations

import codecs
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from recruiter.domain import cells
from recruiter.exchange import reading
from recruiter.exchange.files import atomic_save
from recruiter.exchange.reading import ReadError, read_table
from recruiter.exchange.rejects import WriteError, write_rejects
from recruiter.exchange.safe_cells import safe_text, write_text_cell
from tests.sheets import write_xlsx

DATA = Path(__file__).parent.parent / "data"


# --- spreadsheets ------------------------------------------------------------------------------


def test_header_found_below_title_and_blank_rows(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "list.xlsx",
        [
            ["2024 International Conference: candidate list"],
            [],
            [None, "Prepared by HR"],
            ["Name", "Email", "PhD year", "Phone", "Date of birth"],
            ["Wei Zhang", "wz@example.edu", 2005.0, 13800138000, date(1980, 5, 1)],
            [],
            ["Ann Lee", "ann@example.edu", "2010", "+44 20 7946 0000", 29000],
        ],
    )
    table = read_table(path)
    assert table.sheet == "Sheet1"
    assert table.header_row == 4
    assert table.headers == ["Name", "Email", "PhD year", "Phone", "Date of birth"]
    rows = list(table.data_rows())
    assert [n for n, _ in rows] == [5, 7]  # blank row 6 skipped, numbers as Excel shows them
    first = rows[0][1]
    assert cells.cell_value(first[2]) == 2005 and isinstance(cells.cell_value(first[2]), int)
    assert cells.to_text(first[3]) == "13800138000"
    assert cells.to_date(first[4]) == date(1980, 5, 1)
    assert cells.to_date(rows[1][1][4]) == date(1979, 5, 25)  # serial number


def test_sheet_can_be_chosen_and_first_sheet_with_data_is_default(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Cover"
    ws = wb.create_sheet("Scholars")
    ws.append(["Name", "Email"])
    ws.append(["Wei Zhang", "wz@example.edu"])
    wb.create_sheet("Other").append(["姓名"])
    wb.save(tmp_path / "book.xlsx")
    assert read_table(tmp_path / "book.xlsx").sheet == "Scholars"
    other = read_table(tmp_path / "book.xlsx", sheet="Other")
    assert other.headers == ["姓名"] and list(other.data_rows()) == []
    assert reading.sheet_names(tmp_path / "book.xlsx") == ["Cover", "Scholars", "Other"]
    with pytest.raises(ReadError, match=r"no sheet named 'Nope'.*'Scholars'"):
        read_table(tmp_path / "book.xlsx", sheet="Nope")


def test_header_row_can_be_set_by_hand(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", [["Title"], ["Name", "Email"], ["A B", "a@b.cn"]])
    table = read_table(path, header_row=1)
    assert table.headers == ["Title", "Column B"]  # data below an empty header is kept
    table.set_header_row(2)
    assert table.headers == ["Name", "Email"] and len(list(table.data_rows())) == 1
    with pytest.raises(ReadError, match="outside the sheet"):
        table.set_header_row(40)


def test_headers_are_unique_and_named_when_empty(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [["Name", "Email", None, "Email", None], ["A", "a@b.cn", "x", "b@b.cn", None]],
    )
    assert read_table(path).headers == ["Name", "Email", "Column C", "Email (2)"]


@pytest.mark.parametrize("name", ["candidates.xls", "candidates.ods"])
def test_old_excel_and_opendocument(name: str) -> None:
    table = read_table(DATA / name)
    assert table.sheet == "名单"
    assert table.header_row == 3
    assert table.headers[:3] == ["姓名", "英文名", "电子邮箱"]
    rows = list(table.data_rows())
    assert [n for n, _ in rows] == [4, 5, 6]
    assert cells.to_date(rows[0][1][3]) == date(1985, 3, 14)
    assert cells.to_date(rows[1][1][3]) == date(1988, 7, 2)
    assert cells.to_year(rows[1][1][4]) == 2015
    assert cells.to_text(rows[0][1][5]) == "13800138000"


# --- text files --------------------------------------------------------------------------------

CSV_ROWS = [
    ["姓名", "邮箱", "单位"],
    ["张伟", "wz@example.edu", "复旦大学"],
    ["李娜", "ln@example.edu", "武汉大学, 化学系"],
]


def _csv_text(delimiter: str) -> str:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(CSV_ROWS)
    return out.getvalue()


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("gbk", b""),
        ("gb18030", b""),
    ],
)
def test_csv_encodings(tmp_path: Path, encoding: str, bom: bytes) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(bom + _csv_text(",").encode(encoding))
    table = read_table(path)
    assert table.headers == ["姓名", "邮箱", "单位"]
    assert [r for _, r in table.data_rows()] == CSV_ROWS[1:]


@pytest.mark.parametrize(
    ("delimiter", "suffix"),
    [(",", ".csv"), (";", ".csv"), ("\t", ".tsv"), ("\t", ".txt"), ("|", ".txt")],
)
def test_csv_delimiters(tmp_path: Path, delimiter: str, suffix: str) -> None:
    path = tmp_path / f"list{suffix}"
    path.write_text(_csv_text(delimiter), encoding="utf-8")
    assert [r for _, r in read_table(path).data_rows()] == CSV_ROWS[1:]


def test_csv_with_excel_separator_hint(tmp_path: Path) -> None:
    path = tmp_path / "hint.csv"
    path.write_text("sep=;\r\nName;Email\r\nA, B;a@b.cn\r\n", encoding="utf-8")
    table = read_table(path)
    assert table.headers == ["Name", "Email"]
    assert list(table.data_rows()) == [(2, ["A, B", "a@b.cn"])]


def test_csv_keeps_phone_numbers_and_leading_zeros_as_text(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("Name,Phone,PhD year\nA B,00861380013800,2005.0\n", encoding="utf-8")
    ((_, row),) = read_table(path).data_rows()
    assert cells.to_text(row[1]) == "00861380013800"
    assert cells.to_year(row[2]) == 2005


def test_csv_saved_as_xls_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    path.write_text("Name,Email\nA B,a@b.cn\n", encoding="utf-8")
    assert read_table(path).headers == ["Name", "Email"]
    other = tmp_path / "settings.toml"
    other.write_text("name = 1\n", encoding="utf-8")
    with pytest.raises(ReadError, match=r"settings\.toml is not a spreadsheet"):
        read_table(other)


# --- bad files ---------------------------------------------------------------------------------


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="does not exist"):
        read_table(tmp_path / "nope.xlsx")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(ReadError, match="is empty"):
        read_table(tmp_path / "empty.csv")
    (tmp_path / "blank.csv").write_text("\n,,\n \n", encoding="utf-8")
    with pytest.raises(ReadError, match="is empty"):
        read_table(tmp_path / "blank.csv")
    write_xlsx(tmp_path / "blank.xlsx", [])
    with pytest.raises(ReadError, match="is empty"):
        read_table(tmp_path / "blank.xlsx")
    with pytest.raises(ReadError, match="is a folder"):
        read_table(tmp_path)


def test_not_a_spreadsheet(tmp_path: Path) -> None:
    png = tmp_path / "photo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    with pytest.raises(ReadError, match="not a spreadsheet"):
        read_table(png)
    fake = tmp_path / "list.xlsx"
    fake.write_bytes(b"\x00\x01\x02garbage" * 100)
    with pytest.raises(ReadError, match="not a spreadsheet Recruiter can read"):
        read_table(fake)
    html = tmp_path / "export.xls"
    html.write_text("<html><body><table><tr><td>Name</td></tr></table></body></html>")
    with pytest.raises(ReadError, match="web page"):
        read_table(html)


def test_corrupt_workbook(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", [["Name"], ["A B"]])
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ReadError, match="damaged"):
        read_table(bad)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    with pytest.raises(ReadError, match="damaged or not a spreadsheet"):
        read_table(broken)


def test_password_protected_workbook(tmp_path: Path) -> None:
    # An encrypted .xlsx is an OLE compound file with an 'EncryptedPackage' stream.
    path = tmp_path / "secret.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 504
        + "EncryptedPackage".encode("utf-16-le")
        + b"\x00" * 2048
    )
    with pytest.raises(ReadError, match="protected with a password"):
        read_table(path)


def test_size_and_row_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.csv"
    path.write_text("Name\n" + "A B\n" * 30, encoding="utf-8")
    monkeypatch.setattr(reading, "MAX_BYTES", 50)
    with pytest.raises(ReadError, match="files over 0 MB are not imported"):
        read_table(path)
    monkeypatch.setattr(reading, "MAX_BYTES", 100 * 1024 * 1024)
    monkeypatch.setattr(reading, "MAX_ROWS", 10)
    with pytest.raises(ReadError, match="more than 10 rows"):
        read_table(path)
    xlsx = write_xlsx(tmp_path / "big.xlsx", [["Name"]] + [["A B"]] * 30)
    with pytest.raises(ReadError, match="reaching row 31; at most 10 rows"):
        read_table(xlsx)


def test_undecodable_text(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"Name\n\x81\x20\xff\xfe\x80\n")
    with pytest.raises(ReadError, match="encoding"):
        read_table(path)


def test_no_header_row(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "numbers.xlsx", [[1, 2, 3], [4, 5, 6]])
    with pytest.raises(ReadError, match="No header row"):
        read_table(path)


# --- values ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01", date(2024, 5, 1)),
        ("2024/5/1", date(2024, 5, 1)),
        ("2024年5月1日", date(2024, 5, 1)),
        ("01.05.2024", date(2024, 5, 1)),
        ("2024.5.1", date(2024, 5, 1)),
        ("20240501", date(2024, 5, 1)),
        ("13/05/2024", date(2024, 5, 13)),
        ("05/13/2024", date(2024, 5, 13)),
        ("1 May 2024", date(2024, 5, 1)),
        ("May 1, 2024", date(2024, 5, 1)),
        ("2024-05-01 08:30:00", date(2024, 5, 1)),
        ("1980.05", date(1980, 5, 1)),
        ("1980年5月", date(1980, 5, 1)),
        ("1980-05", date(1980, 5, 1)),
        (45413, date(2024, 5, 1)),
        (45413.0, date(2024, 5, 1)),
        (45413.75, date(2024, 5, 1)),
        (1980.05, date(1980, 5, 1)),
        (1980.1, date(1980, 10, 1)),
        (datetime(2024, 5, 1, 9, 0), date(2024, 5, 1)),
        (date(2024, 5, 1), date(2024, 5, 1)),
    ],
)
def test_dates(value: Any, expected: date) -> None:
    assert cells.to_date(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("05/06/2024", "ambiguous"),
        ("1980", "only a year"),
        (1980, "only a year"),
        ("2024-02-30", "not a real date"),
        ("soon", "not a date"),
        (True, "not a date"),
        ("", "empty"),
        (60, "1900-02-29"),
    ],
)
def test_bad_dates(value: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cells.to_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(2005.0, 2005), ("2005", 2005), (" 2005.0 ", 2005), ("1,234", 1234), (7, 7)],
)
def test_whole_numbers(value: Any, expected: int) -> None:
    assert cells.to_int(value) == expected


@pytest.mark.parametrize("value", [3.5, "3.5", "abc", True, None, ""])
def test_not_whole_numbers(value: Any) -> None:
    with pytest.raises(ValueError):
        cells.to_int(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (13800138000.0, "13800138000"),
        ("  +86 138  ", "+86 138"),
        (3.25, "3.25"),
        (True, "TRUE"),
        (date(2024, 5, 1), "2024-05-01"),
        ("a\x00b\x1fc", "abc"),
        ("line1\nline2", "line1\nline2"),
        ("   ", None),
        (None, None),
    ],
)
def test_text(value: Any, expected: str | None) -> None:
    assert cells.to_text(value) == expected


def test_unnamed_columns_are_named_by_their_letter() -> None:
    rows: list[list[Any]] = [["Name", *[""] * 26, "", "Email"], ["Ann", *["x"] * 28]]
    headers = reading.make_headers(rows, 0)
    assert headers[0] == "Name" and headers[1] == "Column B"
    assert headers[26:] == ["Column AA", "Column AB", "Email"]


# --- writing safe cells and rejected rows ----------------------------------------------------


def test_safe_text_strips_xml_illegal_characters() -> None:
    assert safe_text("A\x00B\x0bC\ud800D\ufffe") == "ABCD"
    assert safe_text(None) == ""
    assert safe_text(2005.0) == "2005"
    assert len(safe_text("x" * 40000)) == 32767


def test_formula_looking_text_stays_text(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    write_text_cell(ws["A1"], '=HYPERLINK("http://evil.example","Zhang Wei")')
    write_text_cell(ws["A2"], "@SUM(1)")
    write_text_cell(ws["A3"], "plain")
    wb.save(tmp_path / "f.xlsx")
    back = openpyxl.load_workbook(tmp_path / "f.xlsx").active
    assert back["A1"].data_type == "s"
    assert back["A1"].value == '=HYPERLINK("http://evil.example","Zhang Wei")'
    assert back["A1"].quotePrefix and back["A2"].quotePrefix and not back["A3"].quotePrefix


def test_rejects_workbook_reads_back(tmp_path: Path) -> None:
    out = tmp_path / "out" / "rejected.xlsx"
    n = write_rejects(
        out,
        ["Name", "Email", "Born"],
        [
            (5, ["=cmd|' /C calc'!A0", "bad\x01mail", date(1990, 1, 2)], "E-mail is not valid"),
            (9, [None, "x@y", 2005.0], "No name"),
        ],
    )
    assert n == 2
    ws = openpyxl.load_workbook(out).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["Name", "Email", "Born", "Row", "Reason"]
    assert rows[1][:2] == ["=cmd|' /C calc'!A0", "badmail"]
    assert rows[1][2].date() == date(1990, 1, 2)
    assert rows[1][3:] == [5, "E-mail is not valid"]
    assert rows[2] == [None, "x@y", 2005, 9, "No name"]
    assert ws["A2"].data_type == "s"
    assert not list(out.parent.glob(".*part"))
    assert out.stat().st_mode & 0o777 == 0o600  # a list of people: owner only


# --- atomic save -------------------------------------------------------------------------------


def test_atomic_save_puts_the_file_in_place_privately(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    assert atomic_save(target, lambda tmp: tmp.write_bytes(b"new")) == target
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_atomic_save_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    target.chmod(0o640)
    atomic_save(target, lambda tmp: tmp.write_bytes(b"new"))
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_failed_atomic_save_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    seen: list[Path] = []

    def half_written(tmp: Path) -> None:
        seen.append(tmp)
        assert tmp.parent == tmp_path  # next to the target, so the rename is atomic
        tmp.write_bytes(b"ne")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        atomic_save(target, half_written)
    assert target.read_bytes() == b"old"
    assert not seen[0].exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_rejects_that_cannot_replace_the_target_are_explained(tmp_path: Path) -> None:
    taken = tmp_path / "rejected.xlsx"
    taken.mkdir()  # a folder where the file should go: the rename fails, even for root
    with pytest.raises(WriteError, match="could not be saved"):
        write_rejects(taken, ["Name"], [(2, ["x"], "No e-mail")])
    assert taken.is_dir() and list(taken.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["rejected.xlsx"]
