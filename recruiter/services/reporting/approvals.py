"""The workbook's Approvals sheet (审批 in Chinese): one row per application and approval gate,
with the decision's date, outcome, body and minutes reference, the public notice's dates and
the reviews and objections counted. Written when the office has set up gates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import select

from recruiter.domain.models import GateTemplate
from recruiter.exchange import workbook as xw
from recruiter.i18n import N_, _, pgettext
from recruiter.store.database import Database

from ..gates import ApprovalRow, approval_rows
from .scope import Filters
from .sheets import SheetColumn, extractor

NAME = "Approvals"
NAME_ZH = "审批"  # the sheet's name in the Chinese workbook (issue 11)

APPROVALS_SHEET: tuple[SheetColumn, ...] = (
    SheetColumn(N_("Institution"), "text", "institution", 24),
    SheetColumn(N_("Candidate"), "text", "candidate", 22),
    SheetColumn(N_("Target"), "text", "target", 30),
    SheetColumn(N_("Stage"), "text", "stage_label"),
    SheetColumn(N_("Outcome"), "text", "outcome_label"),
    SheetColumn("#", "int", "position"),
    SheetColumn(N_("Gate"), "text", "gate", 36),
    SheetColumn(N_("Kind"), "text", "kind_label"),
    SheetColumn(N_("Required"), "text", "required_label"),
    SheetColumn(N_("Decision"), "text", "decision_label"),
    SheetColumn(N_("Decided on"), "date", "decided_on"),
    SheetColumn(N_("Decided by"), "text", "decided_by", 24),
    SheetColumn(N_("Reference"), "text", "reference", 26),
    SheetColumn(N_("Notice from"), "date", "notice_start"),
    SheetColumn(N_("Notice to"), "date", "notice_end"),
    SheetColumn(N_("Reviews received"), "count", "reviews"),
    SheetColumn(N_("Objections"), "count", "objections"),
    SheetColumn(N_("Notes"), "text", "notes", 40),
)


class _Words:
    """The sheet's labels in the current language, looked up once per export (not per row)."""

    def __init__(self) -> None:
        self.cache: dict[Any, str] = {}
        self.required = _("required")
        self.optional = _("optional")
        self.open = pgettext("gate decision", "open")

    def label(self, member: Any) -> str:
        text = self.cache.get(member)
        if text is None:
            text = self.cache[member] = member.label
        return text


class _Row:
    """An ApprovalRow with the labels the sheet shows."""

    __slots__ = ("r", "words")

    def __init__(self, r: ApprovalRow, words: _Words) -> None:
        self.r = r
        self.words = words

    def __getattr__(self, name: str) -> Any:
        r, w = self.r, self.words
        if name == "stage_label":
            return w.label(r.stage)
        if name == "outcome_label":
            return w.label(r.outcome)
        if name == "kind_label":
            return w.label(r.kind)
        if name == "required_label":
            return w.required if r.required else w.optional
        if name == "decision_label":
            return w.label(r.decision) if r.decision else w.open
        return getattr(r, name)


def rows(db: Database, f: Filters = Filters()) -> list[tuple[Any, ...]]:
    found = approval_rows(db, f.institution_ids or None)
    if f.target_ids:
        found = [r for r in found if r.target_id in f.target_ids]
    get = extractor(APPROVALS_SHEET)
    words = _Words()
    return [get(_Row(r, words)) for r in found]


def sheet(db: Database, f: Filters = Filters()) -> list[xw.DataSheet]:
    """The Approvals sheet, or none while no institution has approval gates."""
    with db.session() as s:
        if not s.exec(select(func.count()).select_from(GateTemplate)).one():
            return []
    data = rows(db, f)
    from recruiter.services.exporting import sheet_name  # late: exporting imports this module

    columns = [xw.Column(c.heading, c.kind, c.width) for c in APPROVALS_SHEET]
    return [xw.DataSheet(sheet_name(NAME), columns, data, total=len(data))]


__all__ = ["APPROVALS_SHEET", "NAME", "NAME_ZH", "rows", "sheet"]
