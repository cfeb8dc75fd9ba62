"""The one-page PDF brief: drawn by Qt, read back with pdfplumber. Its figures are the Summary
sheet's (one report layer), its text is real text in embedded fonts, nothing under 8 pt."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pdfplumber
import pytest
from openpyxl import load_workbook
from sqlmodel import select

from recruiter import i18n
from recruiter.cli import main
from recruiter.domain.enums import Stage
from recruiter.domain.models import Candidate
from recruiter.services import exporting, reporting
from recruiter.services.reporting import Filters
from recruiter.services.reporting.brief import brief_of, build_brief
from tests.factories import AS_OF, Sample


def _summary(path: Path) -> dict[str, object]:
    rows = load_workbook(path)["Summary"].iter_rows(values_only=True)
    return {r[0]: r[1] for r in rows if r and isinstance(r[0], str)}


def _pdf(path: Path) -> tuple[int, tuple[float, float], str, list[dict[str, object]]]:
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        return len(pdf.pages), (page.width, page.height), page.extract_text(), page.chars


def _write(qapp, brief, out: Path) -> Path:  # type: ignore[no-untyped-def]
    from recruiter.ui.brief import write_brief

    return write_brief(out, brief, "2026-07-01 09:00")


def test_brief_figures_match_the_workbook_summary(qapp, sample: Sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with sample.db.session() as s:  # a Chinese name on an offer awaiting an answer
        bob = s.exec(select(Candidate).where(Candidate.full_name == "Bob Li")).one()
        bob.name_zh = "李波"
        s.add(bob)
        s.commit()
    report = reporting.build(sample.db, as_of=AS_OF)
    book = tmp_path / "weekly.xlsx"
    exporting.export_workbook(sample.db, book, as_of=AS_OF)
    summary = _summary(book)
    brief = brief_of(report)
    pages, size, text, chars = _pdf(_write(qapp, brief, tmp_path / "brief.pdf"))

    assert pages == 1 and size == pytest.approx((595, 842), abs=1)  # one A4 page
    assert min(float(c["size"]) for c in chars) >= 8 - 0.01  # type: ignore[arg-type]
    lines = text.splitlines()
    flat = " ".join(text.split())  # a tile's label may wrap onto two lines
    # Every key figure on the page is the Summary's, printed as the brief prints it.
    for label, value in brief.figures:
        assert label in flat and value in text
        cell = summary[label]
        kind = dict((k, kd) for k, _v, kd in report.kpis.items())[label]
        assert (
            reporting.brief.figure_text(
                int(cell * 100) if kind == "money" and cell is not None else cell,  # type: ignore[operator]
                kind,
                "CNY",
            )
            == value
        )
    assert summary["Open applications"] == report.kpis.open == 3
    assert f"{report.kpis.open:,}" in text
    # The filters and the date, in words, on both.
    assert summary["Institutions"] == "All institutions"
    assert "Institutions: All institutions" in text
    assert f"As of {i18n.format_long_date(AS_OF)}" in text  # the long date: July 1, 2026
    # Offers awaiting an answer with their expiry: Bob Li's extended offer.
    awaiting = next(line for line in lines if line.startswith("Bob Li"))
    assert f"{report.awaiting[0].expires_on:%Y-%m-%d}" in awaiting
    assert "Offers awaiting an answer (1 in all)" in text
    assert any(k.startswith("Offers awaiting an answer (1 in all") for k in summary)
    # Funding per source and the funnel, one line per bar.
    for row in report.funding:
        assert row.name in text
    for stage in report.funnel:
        assert stage.stage.label in text
    # Real text in embedded fonts; Chinese too when the system has a CJK font.
    from recruiter.ui.brief import cjk_family

    with pdfplumber.open(tmp_path / "brief.pdf") as pdf:
        fonts = {c["fontname"] for c in pdf.pages[0].chars}
        assert all("+" in f for f in fonts)  # a subset prefix: the font is embedded
    if cjk_family() is not None:
        assert "Bob Li (李波)" in text


def test_brief_of_a_filtered_view_says_so(qapp, sample: Sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fudan = reporting.resolve_institutions(sample.db, ["Fudan University"])
    brief = build_brief(sample.db, Filters(institution_ids=fudan), AS_OF)
    _pages, _size, text, _chars = _pdf(_write(qapp, brief, tmp_path / "fudan.pdf"))
    assert "Institutions: Fudan University" in text
    assert "Wuhan University" not in text  # neither its funding nor its offers


def test_cli_brief(sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "brief.pdf"
    args = ["--db", sample.db.url, "brief", str(out), "--since", "2020-01-01", "--json"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["file"] == str(out) and data["filters"]["Institutions"] == "All institutions"
    assert data["filters"]["Period"] == "Applications created from 2020-01-01"
    _pages, _size, text, _chars = _pdf(out)
    assert "Applications created from 2020-01-01" in " ".join(text.split())  # may wrap
    bad = tmp_path / "brief.xlsx"
    assert main(["--db", sample.db.url, "brief", str(bad)]) == 1 and not bad.exists()
    assert ".pdf" in capsys.readouterr().err


def test_brief_in_chinese(qapp, sample: Sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`--lang zh_CN`: the brief's words, long date and compact money in Chinese; the PDF is
    read back when the system has a CJK font (the data is checked either way)."""
    i18n.set_language(i18n.CHINESE)  # conftest sets English back after the test
    brief = build_brief(sample.db, Filters(), AS_OF)
    assert brief.title == "招聘简报"
    assert dict(brief.facts)["单位"] == "全部单位"
    labels = [label for label, _value in brief.figures]
    assert "未结申请" in labels and "可用经费" in labels
    assert all(b.note.startswith("可用 ¥") for b in brief.funding)  # 可用 ¥1,200万 style
    assert any("万" in b.note for b in brief.funding)
    assert main(["--db", sample.db.url, "brief", str(tmp_path / "cli.pdf"), "--lang", "zh_CN"]) == 0
    from recruiter.ui.brief import cjk_family

    pages, _size, text, _chars = _pdf(_write(qapp, brief, tmp_path / "简报.pdf"))
    assert pages == 1
    if cjk_family() is not None:
        # NFKC: some CJK fonts map a few characters to their Kangxi radical forms (⾄ for 至)

        def nfkc(s: str) -> str:
            return unicodedata.normalize("NFKC", s)

        flat = nfkc(" ".join(text.split()))
        assert "招聘简报" in flat
        assert "截至 2026年6月30日" in flat  # the long date
        assert nfkc("单位：全部单位") in flat
        assert nfkc("待答复的录用方案（共 1 份）") in flat


def test_brief_of_a_stage_filter_matches_the_filtered_summary(
    qapp, sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    """`brief --stage offer --stage signed`: the page says so, and every key figure on it is the
    Summary's of a workbook exported with the same stages."""
    late = Filters(stages=(Stage.offer, Stage.signed))
    book = tmp_path / "late.xlsx"
    exporting.export_workbook(sample.db, book, late, AS_OF)
    summary = _summary(book)
    report = reporting.build(sample.db, late, AS_OF)
    brief = brief_of(report)
    assert summary["Stages"] == "Offer, Signed" == dict(brief.facts)["Stages"]
    counts = {k for k, _v, kind in report.kpis.items() if kind == "count"}
    for label, value in brief.figures:
        if label in counts:
            assert value == f"{summary[label]:,}", label
    assert summary["Applications"] == 2
    out = tmp_path / "late.pdf"
    args = ["--db", sample.db.url, "brief", str(out), "--stage", "offer", "--stage", "signed"]
    assert main([*args, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["filters"]["Stages"] == "Offer, Signed"
    _pages, _size, text, _chars = _pdf(out)
    assert "Stages: Offer, Signed" in text
