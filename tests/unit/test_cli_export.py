"""`recruiter export`: JSON on stdout, messages on stderr, exit status 0/1, nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from recruiter.cli import main
from tests.factories import Sample


def test_export_json(sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "weekly.xlsx"
    assert main(["--db", sample.db.url, "export", str(out), "--json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data == {
        "file": str(out),
        "sheets": [
            "Summary",
            "Pipeline",
            "Offers",
            "Funding",
            "Immigration",
            "Payments",
            "Cash flow",
        ],
        "rows": {
            "Pipeline": 7,
            "Offers": 3,
            "Funding": 3,
            "Immigration": 0,
            "Payments": 0,
            "Cash flow": 0,
        },
    }
    assert "Workbook written to" in captured.err
    assert load_workbook(out).sheetnames == data["sheets"]


def test_export_filtered_by_institution(
    sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "fudan.xlsx"
    code = main(["--db", sample.db.url, "export", str(out), "--institution", "复旦大学", "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rows"] == {
        "Pipeline": 3,
        "Offers": 1,
        "Funding": 2,
        "Immigration": 0,
        "Payments": 0,
        "Cash flow": 0,
    }
    summary = {
        r[0]: r[1] for r in load_workbook(out)["Summary"].iter_rows(values_only=True) if r and r[0]
    }
    assert summary["Institutions"] == "Fudan University"


def test_export_unknown_institution_fails_cleanly(
    sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.xlsx"
    code = main(["--db", sample.db.url, "export", str(out), "--institution", "Nowhere", "--json"])
    captured = capsys.readouterr()
    assert code == 1 and not out.exists()
    assert json.loads(captured.out)["ok"] is False
    assert "No institution named 'Nowhere'" in captured.err
    assert captured.err.count("\n") == 1


def test_export_needs_xlsx_and_a_writable_place(
    sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", sample.db.url, "export", str(tmp_path / "x.csv")]) == 1
    assert ".xlsx" in capsys.readouterr().err
    assert main(["--db", sample.db.url, "export", str(tmp_path / "no" / "x.xlsx")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_export_filtered_by_stage(
    sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "late.xlsx"
    args = ["--db", sample.db.url, "export", str(out), "--stage", "offer", "--stage", "Signed"]
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rows"]["Pipeline"] == 2 and data["rows"]["Offers"] == 2
    assert data["rows"]["Funding"] == 3  # funding is not a figure of applications
    summary = {
        r[0]: r[1] for r in load_workbook(out)["Summary"].iter_rows(values_only=True) if r and r[0]
    }
    assert summary["Stages"] == "Offer, Signed"
    assert summary["Applications"] == 2


def test_export_unknown_stage_fails_with_the_valid_ones(
    sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.xlsx"
    code = main(["--db", sample.db.url, "export", str(out), "--stage", "hired"])
    captured = capsys.readouterr()
    assert code == 1 and not out.exists()
    assert "No stage named 'hired'" in captured.err
    assert "identified, contacted, applied, review, approved, offer, signed" in captured.err
    assert captured.err.count("\n") == 1
    brief = tmp_path / "x.pdf"
    assert main(["--db", sample.db.url, "brief", str(brief), "--stage", "hired"]) == 1
    assert "No stage named 'hired'" in capsys.readouterr().err and not brief.exists()
