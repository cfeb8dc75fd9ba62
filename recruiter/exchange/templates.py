"""The workbooks an office fills in: the set-up template and the candidate list template.

Offices keep their structure in Excel. The set-up workbook has one sheet per kind of thing
(`Institutions`, `Departments`, `Funding`, `Targets`; the Chinese sheet names 单位, 院系, 经费,
招聘计划 are read too), headers in English and Chinese, an instructions sheet, and example rows
marked in their last column so the loader skips them. The column tables here are the one place
both the writer and the loader (services/setup.py) take their headers from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from recruiter.domain import fields

from . import headers as candidate_headers
from .files import atomic_save
from .safe_cells import write_text_cell
from .workbook import HEADER_FILL, HEADER_FONT, ExportError, check_target

EXAMPLE_HEADER = "Example 示例"
EXAMPLE_MARK = "example 示例"
"""What the last column of an example row holds; any text there makes the loader skip the row."""

EXAMPLE_FILL = PatternFill(fill_type="solid", start_color="EDEDED", end_color="EDEDED")
EXAMPLE_FONT = Font(italic=True, color="7F7F7F")
INSTRUCTIONS = "Instructions 说明"


@dataclass(frozen=True)
class TemplateColumn:
    key: str
    english: str
    chinese: str
    required: bool = False
    note: str = ""
    choices: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        star = " *" if self.required else ""
        return f"{self.english}{star} / {self.chinese}"


@dataclass(frozen=True)
class TemplateSheet:
    key: str  # the loader's name for it, and the JSON key of its counts
    name: str
    chinese: str
    columns: tuple[TemplateColumn, ...]
    examples: tuple[tuple[Any, ...], ...] = ()
    purpose: str = ""

    def column(self, key: str) -> TemplateColumn:
        return next(c for c in self.columns if c.key == key)


FUNDING_KINDS = (
    "national",
    "provincial",
    "municipal",
    "university",
    "department",
    "donor",
    "other",
)
TARGET_STATUSES = ("open", "on_hold", "filled", "closed")

# Words a person may type instead of the stored names (any case; spaces and hyphens as "_").
CHOICE_WORDS: dict[str, dict[str, str]] = {
    "kind": {
        "国家": "national",
        "国家级": "national",
        "省": "provincial",
        "省级": "provincial",
        "市": "municipal",
        "市级": "municipal",
        "学校": "university",
        "校级": "university",
        "院系": "department",
        "院级": "department",
        "捐赠": "donor",
        "其他": "other",
    },
    "status": {
        "开放": "open",
        "招聘中": "open",
        "暂停": "on_hold",
        "已满": "filled",
        "已完成": "filled",
        "关闭": "closed",
        "已关闭": "closed",
    },
}


def choice_value(column: str, text: str) -> str:
    """The stored name a typed choice means ('On hold' -> 'on_hold', '暂停' -> 'on_hold');
    unknown words come back normalised, for the caller to refuse."""
    key = text.strip().lower()
    return CHOICE_WORDS.get(column, {}).get(key) or re.sub(r"[\s-]+", "_", key)


INSTITUTIONS = TemplateSheet(
    "institutions",
    "Institutions",
    "单位",
    (
        TemplateColumn("name", "Name", "名称", True, "unique; how the other sheets refer to it"),
        TemplateColumn("name_zh", "Chinese name", "中文名称"),
        TemplateColumn("short_name", "Short name", "简称", note="e.g. WHU"),
        TemplateColumn("city", "City", "城市"),
        TemplateColumn("country", "Country", "国家"),
    ),
    (("Wuhan University", "武汉大学", "WHU", "Wuhan", "China"),),
    "The universities or institutes you recruit for.",
)
DEPARTMENTS = TemplateSheet(
    "departments",
    "Departments",
    "院系",
    (
        TemplateColumn("institution", "Institution", "所属单位", True, "a name from Institutions"),
        TemplateColumn("name", "Name", "名称", True, "unique within its institution"),
        TemplateColumn("name_zh", "Chinese name", "中文名称"),
        TemplateColumn(
            "parent", "Parent department", "上级院系", note="optional: the school it belongs to"
        ),
    ),
    (
        ("Wuhan University", "School of Physics", "物理科学与技术学院", ""),
        ("Wuhan University", "Quantum Optics Lab", "量子光学实验室", "School of Physics"),
    ),
    "Schools, departments and labs inside an institution (a lab may name its school).",
)
FUNDING = TemplateSheet(
    "funding",
    "Funding",
    "经费",
    (
        TemplateColumn("name", "Name", "名称", True, "unique"),
        TemplateColumn(
            "kind", "Kind", "类别", note=", ".join(FUNDING_KINDS), choices=FUNDING_KINDS
        ),
        TemplateColumn("institution", "Institution", "所属单位", note="optional"),
        TemplateColumn("fiscal_year", "Fiscal year", "年度"),
        TemplateColumn("total", "Total", "总额", note="in currency units, e.g. 5000000"),
        TemplateColumn("currency", "Currency", "币种", note="ISO code, default CNY"),
        TemplateColumn("notes", "Notes", "备注"),
    ),
    (
        (
            "WHU Talent Fund 2026",
            "university",
            "Wuhan University",
            2026,
            5000000,
            "CNY",
            "",
        ),
    ),
    "The budgets that pay for offers.",
)
TARGETS = TemplateSheet(
    "targets",
    "Targets",
    "招聘计划",
    (
        TemplateColumn("institution", "Institution", "所属单位", True, "a name from Institutions"),
        TemplateColumn("department", "Department", "院系", note="a name from Departments"),
        TemplateColumn(
            "title", "Title", "岗位名称", True, "with institution and department, identifies it"
        ),
        TemplateColumn("field", "Field", "学科"),
        TemplateColumn("rank", "Rank", "职级"),
        TemplateColumn("talent_programme", "Talent programme", "人才项目"),
        TemplateColumn("headcount", "Headcount", "名额", note="default 1"),
        TemplateColumn(
            "status", "Status", "状态", note=", ".join(TARGET_STATUSES), choices=TARGET_STATUSES
        ),
        TemplateColumn("fill_by", "Fill by", "截止日期", note="a date like 2026-12-31"),
        TemplateColumn("owner", "Owner", "负责人"),
        TemplateColumn("funding", "Funding source", "经费来源", note="a name from Funding"),
        TemplateColumn("notes", "Notes", "备注"),
    ),
    (
        (
            "Wuhan University",
            "Quantum Optics Lab",
            "Professor of Quantum Optics",
            "Physics",
            "Full professor",
            "",
            1,
            "open",
            "2026-12-31",
            "",
            "WHU Talent Fund 2026",
            "",
        ),
    ),
    "The positions or quotas you aim to fill.",
)
SETUP_SHEETS: tuple[TemplateSheet, ...] = (INSTITUTIONS, DEPARTMENTS, FUNDING, TARGETS)

_INSTRUCTIONS = (
    ("Recruiter set-up workbook", "Recruiter 机构设置模板"),
    ("", ""),
    (
        "Fill in the sheets Institutions, Departments, Funding and Targets, one row per item.",
        "请在 单位、院系、经费、招聘计划 各表中逐行填写。",
    ),
    ("Columns marked * must be filled in.", "带 * 的列为必填项。"),
    (
        "Rows refer to each other by name: a department names its institution (and optionally "
        "its parent department); a target names its institution, department and funding source.",
        "各表之间按名称引用：院系填写所属单位（及上级院系）；招聘计划填写所属单位、院系和经费来源。",
    ),
    (
        f"Grey rows marked '{EXAMPLE_MARK}' in the last column are examples and are skipped; "
        "delete them or overwrite them and clear the mark.",
        "最后一列标有“示例”的灰色行为示例，导入时跳过；可删除，或改写后清除该标记。",
    ),
    (
        "Load it with: recruiter setup FILE.xlsx (add --dry-run to check it first). Nothing is "
        "written if any row has a problem; every problem is listed with its sheet and row.",
        "导入命令：recruiter setup FILE.xlsx（加 --dry-run 先检查）。"
        "任何一行有误则不写入，并逐行说明原因。",
    ),
    (
        "Loading the same workbook again changes nothing; an empty cell never erases what is "
        "already stored.",
        "重复导入同一文件不会产生变化；空单元格不会清除已有内容。",
    ),
    (
        "The sheet names 单位, 院系, 经费 and 招聘计划 are accepted too.",
        "表名也可使用 单位、院系、经费、招聘计划。",
    ),
)


# -- reading headers back --------------------------------------------------------------------


def _norm(text: object) -> str:
    return re.sub(r"\s+", " ", candidate_headers.normalise(text).replace("*", "")).strip()


def sheet_for(name: str) -> TemplateSheet | None:
    """The template sheet a workbook sheet name means (English or Chinese, any case)."""
    key = _norm(name)
    for sheet in SETUP_SHEETS:
        if key in (_norm(sheet.name), _norm(sheet.chinese), _norm(sheet.key)):
            return sheet
    return None


def column_for(sheet: TemplateSheet, header: object) -> str | None:
    """The column key a header cell means: 'Name * / 名称', 'Name', '名称' or 'name'."""
    whole = _norm(header)
    parts = [whole, *(_norm(p) for p in re.split(r"[/\n]", str(header or "")))]
    for part in parts:
        if not part:
            continue
        if part in (_norm(EXAMPLE_HEADER), "example", "示例"):
            return "example"
        for column in sheet.columns:
            if part in (_norm(column.header), _norm(column.english), column.chinese, column.key):
                return column.key
    return None


def header_score(sheet: TemplateSheet) -> Any:
    """For `reading.find_header_row`: recognises this sheet's headers."""
    return lambda header: column_for(sheet, header)


# -- writing ---------------------------------------------------------------------------------


def _save(wb: Workbook, path: Path) -> Path:
    path = Path(path).expanduser()
    check_target(path)
    try:
        return atomic_save(path, lambda tmp: wb.save(tmp))
    except OSError as exc:
        raise ExportError(
            f"The template could not be written to {path}: {exc.strerror or exc}. "
            "Close it if it is open in Excel, or choose another file name."
        ) from exc


def _put(ws: Any, row: int, column: int, value: Any) -> Any:
    cell = ws.cell(row=row, column=column)
    if isinstance(value, int | float) and not isinstance(value, bool):
        cell.value = value
    elif value not in (None, ""):
        write_text_cell(cell, value)
    return cell


def _header_row(ws: Any, texts: Sequence[str], widths: Sequence[int]) -> None:
    for i, (text, width) in enumerate(zip(texts, widths, strict=True), start=1):
        cell = _put(ws, 1, i, text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[cell.column_letter].width = width
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"


def _data_sheet(wb: Workbook, sheet: TemplateSheet) -> None:
    ws = wb.create_sheet(sheet.name)
    texts = [c.header for c in sheet.columns] + [EXAMPLE_HEADER]
    widths = [max(14, min(40, len(t) + 4)) for t in texts]
    _header_row(ws, texts, widths)
    for r, example in enumerate(sheet.examples, start=2):
        for c, value in enumerate([*example, EXAMPLE_MARK], start=1):
            cell = _put(ws, r, c, value)
            cell.fill, cell.font = EXAMPLE_FILL, EXAMPLE_FONT
    for i, column in enumerate(sheet.columns, start=1):
        letter = ws.cell(row=1, column=i).column_letter
        if column.note:
            from openpyxl.comments import Comment

            ws.cell(row=1, column=i).comment = Comment(column.note, "Recruiter")
        if column.choices:
            dv = DataValidation(
                type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True
            )
            dv.error = f"Choose one of: {', '.join(column.choices)}"
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}1000")


def _refuse_existing(path: Path | str, replace: bool) -> None:
    if not replace and Path(path).expanduser().exists():
        raise ExportError(
            f"{path} already exists (perhaps filled in already); choose another file name, "
            "or replace it with --force."
        )


def write_setup_template(path: Path | str, *, replace: bool = True) -> Path:
    """The set-up workbook: instructions first, then one sheet per kind, with examples.
    With `replace=False` an existing file is refused rather than overwritten."""
    _refuse_existing(path, replace)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = INSTRUCTIONS
    for r, (english, chinese) in enumerate(_INSTRUCTIONS, start=1):
        _put(ws, r, 1, english)
        _put(ws, r, 2, chinese)
    ws["A1"].font = Font(bold=True, size=14, color="1F4E78")
    ws.column_dimensions["A"].width = 90
    ws.column_dimensions["B"].width = 60
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    r = len(_INSTRUCTIONS) + 2
    for sheet in SETUP_SHEETS:
        _put(ws, r, 1, f"{sheet.name} ({sheet.chinese}): {sheet.purpose}").font = Font(bold=True)
        r += 1
        for column in sheet.columns:
            need = "required" if column.required else "optional"
            note = f" — {column.note}" if column.note else ""
            _put(ws, r, 1, f"  {column.header}: {need}{note}")
            r += 1
        r += 1
    for sheet in SETUP_SHEETS:
        _data_sheet(wb, sheet)
    wb.properties.creator = "Recruiter"
    wb.properties.title = "Recruiter set-up"
    return _save(wb, Path(path))


# -- the candidate list template ---------------------------------------------------------------


def candidate_columns() -> list[tuple[str, str]]:
    """(field, header) for the candidate list template, in the import wizard's order."""
    out = []
    for fieldname, label in candidate_headers.FIELDS.items():
        chinese = fields.spec(fieldname).label_zh
        out.append((fieldname, f"{label} / {chinese}" if chinese and chinese != label else label))
    return out


def write_candidate_template(path: Path | str, *, replace: bool = True) -> Path:
    """An empty candidate list whose headers the import maps without any help."""
    _refuse_existing(path, replace)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Candidates"
    columns = candidate_columns()
    _header_row(ws, [h for _f, h in columns], [max(14, min(36, len(h) + 4)) for _f, h in columns])
    wb.properties.creator = "Recruiter"
    wb.properties.title = "Recruiter candidate list"
    return _save(wb, Path(path))


__all__ = [
    "CHOICE_WORDS",
    "DEPARTMENTS",
    "EXAMPLE_HEADER",
    "EXAMPLE_MARK",
    "FUNDING",
    "INSTITUTIONS",
    "SETUP_SHEETS",
    "TARGETS",
    "TemplateColumn",
    "TemplateSheet",
    "candidate_columns",
    "choice_value",
    "column_for",
    "header_score",
    "sheet_for",
    "write_candidate_template",
    "write_setup_template",
]
