"""The workbook's Approvals sheet (审批 in Chinese): one row per application and approval gate,
with the decision's date, outcome, body and minutes reference, the public notice's dates and
the reviews and objections counted. Written when the office has set up gates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import select

from recruiter.domain.models import GateTemplate
from recruiter.exchange import workbook as xw
from recruiter.store.database import Database

from ..gates import ApprovalRow, approval_rows
from .scope import Filters
from .sheets import SheetColumn, extractor

NAME = "Approvals"
NAME_ZH = "审批"  # the sheet's name in the Chinese workbook (issue 11)

APPROVALS_SHEET: tuple[SheetColumn, ...] = (
    SheetColumn("Institution", "text", "institution", 24),
    SheetColumn("Candidate", "text", "candidate", 22),
    SheetColumn("Target", "text", "target", 30),
    SheetColumn("Stage", "text", "stage_label"),
    SheetColumn("Outcome", "text", "outcome_label"),
    SheetColumn("#", "int", "position"),
    SheetColumn("Gate", "text", "gate", 36),
    SheetColumn("Kind", "text", "kind_label"),
    SheetColumn("Required", "text", "required_label"),
    SheetColumn("Decision", "text", "decision_label"),
    SheetColumn("Decided on", "date", "decided_on"),
    SheetColumn("Decided by", "text", "decided_by", 24),
    SheetColumn("Reference", "text", "reference", 26),
    SheetColumn("Notice from", "date", "notice_start"),
    SheetColumn("Notice to", "date", "notice_end"),
    SheetColumn("Reviews received", "count", "reviews"),
    SheetColumn("Objections", "count", "objections"),
    SheetColumn("Notes", "text", "notes", 40),
)


class _Row:
    """An ApprovalRow with the labels the sheet shows."""

    __slots__ = ("r",)

    def __init__(self, r: ApprovalRow) -> None:
        self.r = r

    def __getattr__(self, name: str) -> Any:
        r = self.r
        if name == "stage_label":
            return r.stage.label
        if name == "outcome_label":
            return r.outcome.label
        if name == "kind_label":
            return r.kind.label
        if name == "required_label":
            return "required" if r.required else "optional"
        if name == "decision_label":
            return r.decision.label if r.decision else "open"
        return getattr(r, name)


def rows(db: Database, f: Filters = Filters()) -> list[tuple[Any, ...]]:
    found = approval_rows(db, f.institution_ids or None)
    if f.target_ids:
        found = [r for r in found if r.target_id in f.target_ids]
    get = extractor(APPROVALS_SHEET)
    return [get(_Row(r)) for r in found]


def sheet(db: Database, f: Filters = Filters()) -> list[xw.DataSheet]:
    """The Approvals sheet, or none while no institution has approval gates."""
    with db.session() as s:
        if not s.exec(select(func.count()).select_from(GateTemplate)).one():
            return []
    data = rows(db, f)
    columns = [xw.Column(c.header, c.kind, c.width) for c in APPROVALS_SHEET]
    return [xw.DataSheet(NAME, columns, data, total=len(data))]


__all__ = ["APPROVALS_SHEET", "NAME", "NAME_ZH", "rows", "sheet"]
