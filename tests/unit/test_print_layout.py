"""Every sheet of the workbook is print-ready, read back with openpyxl (no LibreOffice needed):
A4 landscape, only the columns that print at 8 pt or more on paper, long names wrapped, header
rows repeated, gridlines, a footer with page numbers, export time and filters."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from recruiter.exchange import printing
from recruiter.exchange import workbook as xw
from recruiter.services import exporting, reporting
from recruiter.services.reporting import Filters
from tests.factories import AS_OF, Sample


def _last_printed(ws) -> int:  # type: ignore[no-untyped-def]
    return column_index_from_string(ws.print_area.split(":")[-1].strip("$0123456789"))


def _scale(ws) -> float:  # type: ignore[no-untyped-def]
    """The scale "fit to width" gives the printed columns of a sheet read back."""
    last = ws.max_column
    if ws.print_area:
        last = _last_printed(ws)
    letters = [ws.cell(1, i).column_letter for i in range(1, last + 1)]
    return printing.scale_for([ws.column_dimensions[c].width or 13 for c in letters])


def test_every_sheet_prints_legibly_on_a4_landscape(sample: Sample, tmp_path: Path) -> None:
    out = tmp_path / "weekly.xlsx"
    fudan = reporting.resolve_institutions(sample.db, ["Fudan University"])
    exporting.export_workbook(sample.db, out, Filters(institution_ids=fudan), as_of=AS_OF)
    wb = load_workbook(out)
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape" and setup.paperSize == 9, ws.title
        assert setup.fitToWidth == 1 and setup.fitToHeight == 0
        assert printing.BODY_POINTS * _scale(ws) >= 8, ws.title  # no text under 8 pt
        footer = ws.oddFooter
        assert footer.right.text == "Page &P of &N"
        assert footer.left.text.startswith("Exported ") and "Fudan University" in footer.left.text
    for name in ("Pipeline", "Offers", "Funding"):
        ws = wb[name]
        assert ws.print_title_rows == "$1:$1" and ws.print_options.gridLines
    # The wide sheets keep every column in Excel and put the leading ones on paper.
    pipe, offers = wb["Pipeline"], wb["Offers"]
    assert pipe.max_column == len(reporting.PIPELINE_SHEET) and pipe.print_area
    on_paper = [c.value for c in pipe[1]][: _last_printed(pipe)]
    assert on_paper[:8] == [
        "Candidate",
        "Chinese name",
        "Target",
        "Institution",
        "Stage",
        "Outcome",
        "Entered stage",
        "Days in stage",
    ]
    assert pipe.print_area.endswith(f"${pipe.max_row}")
    assert offers.print_area and "Funding sources" in [c.value for c in offers[1]][:10]
    # Long names wrap on paper instead of being cut; dates keep apart from their neighbours.
    row = {c.value: cell for c, cell in zip(pipe[1], pipe[2], strict=True)}
    assert row["Target"].alignment.wrap_text
    assert row["Entered stage"].alignment.horizontal == "center"
    # The Summary states the filters in words on its first lines.
    summary = list(wb["Summary"].iter_rows(max_row=5, values_only=True))
    assert summary[1][:2] == ("Institutions", "Fudan University")
    assert summary[2][:2] == ("Targets", "All targets")
    assert summary[3][:2] == ("Stages", "All stages")
    assert summary[4][:2] == ("Period", "All dates")


def test_an_unfiltered_export_says_all_institutions(sample: Sample, tmp_path: Path) -> None:
    out = tmp_path / "all.xlsx"
    exporting.export_workbook(sample.db, out, as_of=AS_OF)
    wb = load_workbook(out)
    assert wb["Summary"]["B2"].value == "All institutions"
    assert "All institutions" in wb["Pipeline"].oddFooter.left.text


def test_days_share_one_format_and_charts_label_every_category(
    sample: Sample, tmp_path: Path
) -> None:
    out = tmp_path / "weekly.xlsx"
    exporting.export_workbook(sample.db, out, as_of=AS_OF)
    ws = load_workbook(out)["Summary"]
    values = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(values) if r[0] == "Stage")
    col = values[head].index("Median days in stage")
    medians = [r[col] for r in values[head + 1 : head + 10] if r[col] is not None]
    assert medians and all(isinstance(m, int) for m in medians)  # whole days, like the sheets
    with zipfile.ZipFile(out) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) >= 3 and all('<tickLblSkip val="1"' in c for c in charts)


@pytest.mark.parametrize("columns", [3, 12, 40])
def test_any_registered_sheet_inherits_the_print_layout(tmp_path: Path, columns: int) -> None:
    """A sheet another module adds (Approvals, Payments, ...) gets the layout without asking."""
    cols = [xw.Column(f"Long column heading {i}", "text", 24) for i in range(columns)]
    rows = [[f"a rather long value number {i} in a column" for i in range(columns)]] * 5
    sheet = xw.DataSheet("Anything", cols, rows, total=5)
    out = tmp_path / "any.xlsx"
    xw.write_workbook(
        out, xw.Summary("T", [], []), [sheet], paper=xw.Paper("Exported now · All institutions")
    )
    ws = load_workbook(out)["Anything"]
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$1"
    assert printing.BODY_POINTS * _scale(ws) >= 8
    assert bool(ws.print_area) == (printing.columns_on_paper([24] * columns) < columns)
    assert ws["A2"].alignment.wrap_text
    assert "All institutions" in ws.oddFooter.left.text


def test_footer_text_is_escaped_and_bounded() -> None:
    assert printing.footer_text("R&D  budget\n") == "R&&D budget"
    assert len(printing.footer_text("x" * 500)) == printing.FOOTER_CHARS
