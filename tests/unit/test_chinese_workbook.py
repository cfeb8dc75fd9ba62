"""The leadership workbook in Chinese (issue 11): sheet names, headers, labels, enum values, the
CJK font in the styles and widths that count double-width characters; English stays as it was.
Names sort by pinyin in the workbook and in the Pipeline list."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from recruiter import i18n
from recruiter.cli import main
from recruiter.domain.enums import OfferStatus, Outcome, Stage
from recruiter.services import applications, candidates, exporting, pipeline
from recruiter.services.reporting import approvals, immigration_sheet
from recruiter.services.reporting.payment_sheets import CHINESE_NAMES
from tests.factories import AS_OF, Sample

SHEETS_ZH = ["汇总", "招聘进度", "录用", "经费", "入境", "付款计划", "资金流"]


@pytest.fixture
def chinese() -> None:
    i18n.set_language(i18n.CHINESE)  # conftest sets English back after the test


def test_chinese_workbook_reads_back_in_chinese(
    sample: Sample, tmp_path: Path, chinese: None
) -> None:
    out = tmp_path / "周报.xlsx"
    result = exporting.export_workbook(sample.db, out, as_of=AS_OF)
    assert result.sheets == SHEETS_ZH
    wb = load_workbook(out)
    assert wb.sheetnames == SHEETS_ZH

    pipe = wb["招聘进度"]
    heads = [c.value for c in pipe[1]]
    assert heads[:11] == [
        "英文姓名",
        "中文姓名",
        "招聘岗位",
        "单位",
        "阶段",
        "结果",
        "进入阶段日期",
        "停留天数",
        "下次跟进",
        "负责人",
        "录用方案状态",
    ]
    rows = list(pipe.iter_rows(min_row=2, values_only=True))
    stages = {r[heads.index("阶段")] for r in rows}
    outcomes = {r[heads.index("结果")] for r in rows}
    assert stages <= {s.label for s in Stage} and "已到岗" in stages  # Chinese stage labels
    assert outcomes <= {o.label for o in Outcome} and {"进行中", "已聘用"} <= outcomes
    # Stale rows are shaded by the Chinese headers and outcome labels.
    rule = pipe.conditional_formatting._cf_rules  # type: ignore[attr-defined]
    formula = next(iter(rule.values()))[0].formula[0]
    assert '"进行中"' in formula and '"暂缓"' in formula

    offers = wb["录用"]
    offer_heads = [c.value for c in offers[1]]
    assert {"状态", "首年现金", "方案总额", "年薪（合计）", "安家费"} <= set(offer_heads)
    statuses = {r[offer_heads.index("状态")] for r in offers.iter_rows(min_row=2, values_only=True)}
    assert statuses and statuses <= {s.label for s in OfferStatus}
    funding_heads = [c.value for c in wb["经费"][1]]
    assert funding_heads[:3] == ["经费来源", "类型", "单位"] and funding_heads[-1] == "使用率（%）"

    summary: dict[str, object] = {}
    for r in wb["汇总"].iter_rows(values_only=True):
        if r and isinstance(r[0], str):
            summary.setdefault(r[0], r[1])  # the facts come first
    assert wb["汇总"]["A1"].value == "招聘进度报告"
    assert summary["单位"] == "全部单位" and summary["时间段"] == "全部日期"
    assert summary["未结申请"] == 3 and "关键指标" in summary
    assert "招聘漏斗、流失与阶段停留时间" in summary and "已识别" in summary
    # Footer and page numbers in Chinese.
    assert pipe.oddFooter.right.text == "第 &P 页，共 &N 页"
    assert pipe.oddFooter.left.text.startswith("导出于 ")

    # A CJK font in the styles (the default font too), with GB2312's charset for substitution.
    with zipfile.ZipFile(out) as z:
        styles = z.read("xl/styles.xml").decode("utf-8")
    first_font = styles.split("<font>", 1)[1].split("</font>", 1)[0]
    assert 'val="等线"' in first_font and 'charset val="134"' in first_font
    assert "Calibri" not in styles
    assert pipe["A1"].font.name == "等线"
    # Widths count double-width characters: a Chinese header gets the room it needs.
    widths = {c: d.width for c, d in pipe.column_dimensions.items()}
    assert widths["G"] >= len("进入阶段日期") + 2  # 6 characters, 12 columns wide in two lines


def test_english_workbook_keeps_its_names(sample: Sample, tmp_path: Path) -> None:
    out = tmp_path / "weekly.xlsx"
    result = exporting.export_workbook(sample.db, out, as_of=AS_OF)
    assert result.sheets[:4] == ["Summary", "Pipeline", "Offers", "Funding"]
    wb = load_workbook(out)
    assert [c.value for c in wb["Pipeline"][1]][:4] == [
        "Candidate",
        "Chinese name",
        "Target",
        "Institution",
    ]
    assert wb["Pipeline"]["A1"].font.name == "Calibri"
    assert wb["Pipeline"].oddFooter.right.text == "Page &P of &N"


def test_chinese_sheet_names_are_the_recorded_ones(chinese: None) -> None:
    assert exporting.sheet_name(approvals.NAME) == approvals.NAME_ZH
    assert exporting.sheet_name(immigration_sheet.NAME) == immigration_sheet.NAME_ZH
    for english, zh in CHINESE_NAMES.items():
        assert exporting.sheet_name(english) == zh


def test_export_json_names_the_chinese_sheets(
    sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "weekly.xlsx"
    assert main(["--db", sample.db.url, "export", str(out), "--lang", "zh_CN", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sheets"] == SHEETS_ZH and data["rows"]["招聘进度"] == 7


def test_names_sort_by_pinyin(sample: Sample, tmp_path: Path) -> None:
    """张伟 (zhang), 安娜 (an) and 李明 (li) sort as an, li, zhang: in the workbook's Pipeline
    sheet and in the Pipeline list's service query."""
    target = 3  # Professor of Physics
    for name in ("张伟", "安娜", "李明"):
        applications.add(sample.db, candidates.create(sample.db, full_name=name), target)
    out = tmp_path / "weekly.xlsx"
    exporting.export_workbook(sample.db, out, as_of=AS_OF)
    names = [r[0] for r in load_workbook(out)["Pipeline"].iter_rows(min_row=2, values_only=True)]
    chinese = [n for n in names if n in ("张伟", "安娜", "李明")]
    assert chinese == ["安娜", "李明", "张伟"]
    listed = [c.name for c in pipeline.cards(sample.db, target_id=target, order="name")]
    chinese = [n for n in listed if n in ("张伟", "安娜", "李明")]
    assert chinese == ["安娜", "李明", "张伟"]
    by_key = sorted(pipeline.cards(sample.db, target_id=target), key=lambda c: c.sort_name)
    assert [c.name for c in by_key if c.name in chinese] == ["安娜", "李明", "张伟"]
