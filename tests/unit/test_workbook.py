"""The leadership workbook, read back with openpyxl: structure, values against the database,
formats, and the safety rules (text never a formula, atomic replace, cancel)."""

from __future__ import annotations

import os
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from recruiter.exchange import workbook as xw
from recruiter.services import exporting, reporting
from tests.factories import AS_OF, FORMULA_NAME, Sample, Y, day

MONEY_FMT = xw.MoneyFormat("CNY", 2).number_format


@pytest.fixture
def book(sample: Sample, tmp_path: Path) -> tuple[Path, exporting.ExportResult]:
    out = tmp_path / "pipeline.xlsx"
    return out, exporting.export_workbook(sample.db, out, as_of=AS_OF)


def _rows(ws) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    values = list(ws.iter_rows(values_only=True))
    return [dict(zip(values[0], r, strict=True)) for r in values[1:]]


def test_sheets_headers_and_counts(book: tuple[Path, exporting.ExportResult]) -> None:
    out, result = book
    sheets = ["Summary", "Pipeline", "Offers", "Funding", "Immigration", "Payments", "Cash flow"]
    assert result.sheets == sheets
    assert result.rows == {
        "Pipeline": 7,
        "Offers": 3,
        "Funding": 3,
        "Immigration": 0,
        "Payments": 0,
        "Cash flow": 0,
    }
    wb = load_workbook(out)
    assert wb.sheetnames == sheets
    required = [
        "Candidate",
        "Chinese name",
        "Current institution",
        "Country",
        "Field",
        "Target",
        "Institution",
        "Department",
        "Stage",
        "Outcome",
        "Days in stage",
        "Owner",
        "Last activity",
        "Next follow-up",
        "Offer status",
        "First-year cash",
        "Start-up funds",
    ]
    header = [c.value for c in wb["Pipeline"][1]]
    assert set(required) <= set(header)
    assert [c.value for c in wb["Funding"][1]][-5:] == [
        "Total",
        "Reserved",
        "Committed",
        "Available",
        "% used",
    ]
    assert wb["Pipeline"].max_row == 8 and wb["Offers"].max_row == 4
    assert not list(out.parent.glob("*.part"))


def test_values_match_the_database(book: tuple[Path, exporting.ExportResult]) -> None:
    out, _ = book
    wb = load_workbook(out)
    pipe = {(r["Candidate"], r["Target"]): r for r in _rows(wb["Pipeline"])}
    bob = pipe[("Bob Li", "Professor of Catalysis")]
    assert bob["Days in stage"] == 80 and bob["Stage"] == "Offer"
    assert bob["First-year cash"] == 400_000 and bob["Offer status"] == "Extended"
    assert bob["Next follow-up"] == datetime.combine(day(5), datetime.min.time())
    alice = pipe[("Alice Zhang", "Professor of Catalysis")]
    assert Decimal(str(alice["Start-up funds"])) == Decimal(2_000_000)
    offers = {(r["Candidate"], r["Target"]): r for r in _rows(wb["Offers"])}
    assert offers[("Alice Zhang", "Professor of Catalysis")]["Package total"] == 3_571_000
    funding = {r["Source"]: r for r in _rows(wb["Funding"])}
    pool = funding["Wuhan Recruitment Pool"]
    assert (pool["Total"], pool["Reserved"], pool["Committed"], pool["Available"]) == (
        10_000_000,
        800_000,
        3_500_000,
        5_700_000,
    )
    assert pool["% used"] == pytest.approx(0.43)


def test_formats_panes_filters_and_print_setup(book: tuple[Path, exporting.ExportResult]) -> None:
    out, _ = book
    wb = load_workbook(out)
    for name, last_col in (("Pipeline", "T"), ("Offers", "W"), ("Funding", "J")):
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{last_col}{ws.max_row}"
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$1"
        assert ws["A1"].font.bold and ws["A1"].fill.fgColor.rgb.endswith("1F4E78")
        assert ws.column_dimensions["A"].width >= 10
    pipe = wb["Pipeline"]
    header = [c.value for c in pipe[1]]
    row2 = {h: c for h, c in zip(header, pipe[2], strict=True)}
    cash = row2["First-year cash"]
    assert cash.number_format == MONEY_FMT or cash.value is None
    assert row2["Entered stage"].number_format == "yyyy-mm-dd"
    assert row2["Entered stage"].is_date
    money_cells = [c for c in pipe[f"S2:S{pipe.max_row}"] for c in c if c.value is not None]
    assert money_cells and all(c.number_format == MONEY_FMT for c in money_cells)
    assert wb["Funding"]["J2"].number_format == "0.0%"
    rules = [r for cf in pipe.conditional_formatting for r in cf.rules]
    assert len(rules) == 1 and rules[0].type == "expression"
    assert rules[0].formula == ['AND($H2>30,OR($F2="Active",$F2="On hold"))']
    assert str(next(iter(pipe.conditional_formatting)).sqref) == f"A2:T{pipe.max_row}"


def test_summary_shows_the_report(
    book: tuple[Path, exporting.ExportResult], sample: Sample
) -> None:
    out, _ = book
    report = reporting.build(sample.db, as_of=AS_OF)
    ws = load_workbook(out)["Summary"]
    cells = {r[0]: r[1:] for r in ws.iter_rows(values_only=True) if r and r[0]}
    assert ws["A1"].value == "Recruitment pipeline"
    assert cells["As of"][0] == "2026-06-30"
    assert "1 USD = 7.1 CNY" in cells["Currency"][0]
    for label, value, kind in report.kpis.items():
        shown = cells[label][0]
        if kind == "money":
            assert Decimal(str(shown)) == Decimal(value).scaleb(-2)
        elif kind == "percent":
            assert shown == pytest.approx(value)
        else:
            assert shown == value
    assert cells["Identified"][:2] == (7, 1)
    assert cells["Professor of Catalysis"][:4] == ("Wuhan University", 2, 1, 1)


def test_every_summary_table_has_its_own_filter(book: tuple[Path, exporting.ExportResult]) -> None:
    out, _ = book
    ws = load_workbook(out)["Summary"]
    assert len(ws.tables) >= 3
    for table in ws.tables.values():
        assert table.autoFilter is not None and table.autoFilter.ref == table.ref
        first = ws[table.ref.split(":")[0]].row
        headers = [c.value for c in ws[first] if c.value is not None]
        assert [c.name for c in table.tableColumns] == headers[: len(table.tableColumns)]


def test_native_charts_are_in_the_file(book: tuple[Path, exporting.ExportResult]) -> None:
    out, _ = book
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        charts = [n for n in names if n.startswith("xl/charts/chart")]
        assert len(charts) == 3
        assert any(n.startswith("xl/drawings/drawing") for n in names)
        xml = z.read(charts[0]).decode()
        assert "barChart" in xml and "Summary!$B$" in xml.replace("'", "")
        sheet1 = z.read("xl/worksheets/sheet1.xml").decode()
        assert "<drawing" in sheet1


def test_user_text_is_never_a_formula(book: tuple[Path, exporting.ExportResult]) -> None:
    out, _ = book
    wb = load_workbook(out)
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula"
                if isinstance(c.value, str):
                    texts.append((c.value, c))
    values = [v for v, _c in texts]
    assert FORMULA_NAME in values and "=Donor Fund" in values
    assert "=cmd|' /C calc'!A0" in values  # an overdue follow-up, listed on the Summary
    assert "Li Wei" in values and not any("\x07" in v or "\ufffe" in v for v in values)
    assert all(c.quotePrefix for v, c in texts if v.startswith("="))
    with zipfile.ZipFile(out) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml


def test_write_table_kinds_and_safety(tmp_path: Path) -> None:
    out = tmp_path / "view.xlsx"
    result = exporting.export_table(
        out,
        ["Name", "Born", "h-index", "Score", "Note"],
        [["=1+1", date(1980, 1, 2), 12, 3.5, "fine"], ["Zhang\x00 Wei", None, 7, 2, "@risk"]],
        title="Candidates: filtered [1]",
    )
    assert result.rows == {"Candidates  filtered  1": 2}
    ws = load_workbook(out).active
    assert [c.value for c in ws[1]] == ["Name", "Born", "h-index", "Score", "Note"]
    assert ws["A2"].value == "=1+1" and ws["A2"].data_type == "s"
    assert ws["A3"].value == "Zhang Wei" and ws["B2"].is_date and ws["C2"].value == 12
    assert ws["E3"].quotePrefix and ws.auto_filter.ref == "A1:E3" and ws.freeze_panes == "A2"


def _sheet(n: int) -> xw.DataSheet:
    return xw.DataSheet(
        "Rows",
        [xw.Column("N", "int"), xw.Column("Text")],
        ((i, f"row {i}") for i in range(n)),
        total=n,
    )


def test_progress_and_cancel_leave_no_file(tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    out.write_bytes(b"previous")
    seen: list[tuple[int, int]] = []
    with pytest.raises(xw.ExportCancelled, match="no file was written"):
        xw.write_table(
            out,
            _sheet(5000),
            progress=lambda d, t: seen.append((d, t)),
            cancelled=lambda: len(seen) >= 2,
        )
    assert out.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.xlsx"]
    seen.clear()
    xw.write_table(out, _sheet(2500), progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (2500, 2500) and [d for d, _t in seen] == sorted(d for d, _t in seen)
    assert load_workbook(out)["Rows"].max_row == 2501


def test_file_that_cannot_be_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "open-in-excel.xlsx"
    out.write_bytes(b"locked")

    def locked(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(xw.ExportError, match="may be open in Excel"):
        xw.write_table(out, _sheet(3))
    monkeypatch.undo()
    assert out.read_bytes() == b"locked"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["open-in-excel.xlsx"]
    with pytest.raises(xw.ExportError, match="is a folder"):
        xw.write_table(tmp_path, _sheet(3))
    with pytest.raises(xw.ExportError, match="does not exist"):
        xw.write_table(tmp_path / "missing" / "x.xlsx", _sheet(3))


def test_money_format_and_exact_decimals() -> None:
    assert xw.MoneyFormat("CNY", 2).number_format == '"¥"#,##0.00;-"¥"#,##0.00'
    assert xw.MoneyFormat("JPY", 0).number_format == '"¥"#,##0;-"¥"#,##0'
    assert xw.MoneyFormat("CHF", 2).number_format.endswith('"CHF"')
    assert xw.MoneyFormat().major(123456789) == Decimal("1234567.89")
    assert xw.sheet_title("a/b:c*d?e[f]g" * 5) == ("a b c d e f g" * 5)[:31]
    assert Y == 100


def test_text_in_a_number_or_date_column_is_still_text(tmp_path: Path) -> None:
    out = tmp_path / "mixed.xlsx"
    rows = [[i, date(2024, 1, 1)] for i in range(600)]
    rows.append(['=HYPERLINK("http://x","Zhang")', "=1+1"])
    exporting.export_table(out, ["h-index", "Born"], rows, title="Mixed")
    ws = load_workbook(out).active
    last = ws[ws.max_row]
    assert [c.data_type for c in last] == ["s", "s"]
    assert last[0].value == '=HYPERLINK("http://x","Zhang")' and last[0].quotePrefix
    with zipfile.ZipFile(out) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()
