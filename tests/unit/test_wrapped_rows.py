"""Rows whose long names wrap get a height that fits them (LibreOffice does not grow rows to
fit wrapped text; Excel only on recalculation), on the streamed data sheets and the Summary."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from recruiter.exchange import workbook as xw

LONG = "Hubei Chutian Scholars Programme (楚天学者计划) 2026 – Wuhan University"


def test_lines_of_wrapped_text() -> None:
    assert xw.text_lines("Fudan", 30) == 1
    assert xw.text_lines("", 30) == 1
    # A 15-wide column holds "Fudan University" (letters are narrower than the digit a
    # column width counts) but not "Professor of Catalysis"; words move whole.
    assert xw.text_lines("Fudan University", 15) == 1
    assert xw.text_lines("Professor of Catalysis", 15) == 2
    assert xw.text_lines("a" * 33, 30) == 1
    assert xw.text_lines("a" * 33 + " b", 30) == 2
    assert xw.text_lines("a" * 70, 30) == 3  # one word longer than two lines is broken
    assert xw.text_lines("楚天学者计划" * 5, 30) == 3  # 60 wide: CJK characters count double
    assert xw.text_lines("one\ntwo", 30) == 2
    assert xw.text_lines(LONG, 30) == 3  # "Hubei Chutian Scholars" / "Programme (楚天学者计划)" / …


def test_streamed_rows_get_the_height_of_their_longest_wrapped_cell(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    sheet = xw.DataSheet(
        "Sources",
        [xw.Column("Source", "text", width=30), xw.Column("Total", "int")],
        [("Fudan", 1), (LONG, 2), ("楚天学者计划" * 5, 3)],
        total=3,
    )
    xw.write_table(out, sheet)
    ws = load_workbook(out)["Sources"]
    assert ws.row_dimensions[1].height == 30  # the header
    assert ws.row_dimensions[2].height is None  # one line: the default height
    assert ws.row_dimensions[3].height == 3 * xw.LINE_POINTS
    assert ws.row_dimensions[4].height == 3 * xw.LINE_POINTS
    assert ws["A3"].alignment.wrap_text


def test_narrow_or_numeric_columns_do_not_grow_rows(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    sheet = xw.DataSheet(
        "Rows",
        [xw.Column("Code", "text", width=12), xw.Column("N", "int")],
        [(LONG, 1)],
        total=1,
    )
    xw.write_table(out, sheet)
    assert load_workbook(out)["Rows"].row_dimensions[2].height is None  # not wrapped: clipped


def test_summary_rows_fit_their_boxed_names(tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    summary = xw.Summary(
        "Recruitment pipeline",
        [("Institutions", "All institutions")],
        [],
        [
            xw.Block(
                "Funding",
                [xw.Column("Source"), xw.Column("Total", "int")],
                [("Short", 1), (LONG + " " + LONG, 2)],
            )
        ],
    )
    xw.write_workbook(out, summary, [])
    ws = load_workbook(out)["Summary"]
    rows = {r[0].value: r[0].row for r in ws.iter_rows() if r and r[0].value}
    assert ws.row_dimensions[rows["Short"]].height is None
    assert ws.row_dimensions[rows[LONG + " " + LONG]].height == 4 * xw.LINE_POINTS
