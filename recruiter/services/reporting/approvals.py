"""The workbook's Approvals sheet (审批 in Chinese): one row per application and approval gate,
with the decision's date, outcome, body and minutes reference, the public notice's dates and
the reviews and objections counted. Written when the office has set up gates."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlmodel import col

from recruiter.domain.enums import OPEN_OUTCOMES, Outcome, Stage
from recruiter.domain.gates import GateKind, GateOutcome
from recruiter.domain.models import (
    Application,
    Candidate,
    GateObjection,
    GateRecord,
    GateReview,
    GateTemplate,
    Institution,
    Target,
)
from recruiter.exchange import workbook as xw
from recruiter.i18n import N_, _, pgettext
from recruiter.store.database import Database

from .scope import CHUNK, Filters, _raw
from .sheets import SheetColumn

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


def rows(db: Database, f: Filters = Filters(), chunk: int = CHUNK) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows, streamed from one SQL cursor: labels are mapped from the stored enum
    names once, in the language of the call, so no ORM object or per-row lookup is built for
    the 100,000s of application-gate pairs of a big office."""
    stage = {m.name: m.label for m in Stage}
    outcome = {m.name: m.label for m in Outcome}
    kind = {m.name: m.label for m in GateKind}
    decision = {m.name: m.label for m in GateOutcome}
    required, optional = _("required"), _("optional")
    still_open = pgettext("gate decision", "open")
    return _stream(
        db, _select(f), chunk, stage, outcome, kind, decision, required, optional, still_open
    )


def _stream(
    db: Database,
    stmt: Any,
    chunk: int,
    stage: dict[str, str],
    outcome: dict[str, str],
    kind: dict[str, str],
    decision: dict[str, str],
    required: str,
    optional: str,
    still_open: str,
) -> Iterator[tuple[Any, ...]]:
    with db.session() as s:
        result = s.connection().execution_options(yield_per=chunk).execute(stmt)
        for part in result.partitions(chunk):
            for r in part:
                yield (
                    r[0],
                    r[1],
                    r[2],
                    stage[r[3]],
                    outcome[r[4]],
                    r[5],
                    r[6],
                    kind[r[7]],
                    required if r[8] else optional,
                    decision[r[9]] if r[9] else still_open,
                    *r[10:],
                )


def count(db: Database, f: Filters = Filters()) -> int:
    """How many rows rows() yields (for the writer's progress)."""
    with db.session() as s:
        q = _select(f, counting=True).subquery()
        return int(s.connection().execute(select(func.count()).select_from(q)).scalar_one())


def _select(f: Filters, counting: bool = False) -> Any:
    """Every application from review on (open) or with any decision, joined to each live gate
    of its institution and its record there, if any; in institution, candidate, gate order."""
    t: Any = GateTemplate
    r: Any = GateRecord
    reviews = (
        select(col(GateReview.record_id).label("rid"), func.count().label("n"))
        .where(col(GateReview.received_on).is_not(None))
        .group_by(col(GateReview.record_id))
        .subquery("reviews")
    )
    objections = (
        select(col(GateObjection.record_id).label("rid"), func.count().label("n"))
        .group_by(col(GateObjection.record_id))
        .subquery("objections")
    )
    wanted = or_(
        and_(
            col(Application.outcome).in_(list(OPEN_OUTCOMES)),
            col(Application.stage).in_([st for st in Stage if st.index >= Stage.review.index]),
        ),
        col(Application.id).in_(select(col(GateRecord.application_id))),
    )
    conds: list[Any] = [wanted]
    if f.institution_ids:
        conds.append(col(Target.institution_id).in_(list(f.institution_ids)))
    if f.target_ids:
        conds.append(col(Application.target_id).in_(list(f.target_ids)))
    if f.stages:
        conds.append(col(Application.stage).in_(list(f.stages)))
    columns: list[Any] = (
        [col(Application.id)]
        if counting
        else [
            col(Institution.name),
            col(Candidate.full_name),
            col(Target.title),
            _raw(col(Application.stage)),
            _raw(col(Application.outcome)),
            t.position,
            t.body,
            _raw(t.kind),
            t.required,
            _raw(r.outcome),
            r.decided_on,
            r.body,
            r.reference,
            r.notice_start,
            r.notice_end,
            func.coalesce(reviews.c.n, 0),
            func.coalesce(objections.c.n, 0),
            r.notes,
        ]
    )
    q = (
        select(*columns)
        .select_from(Application)
        .join(Target, col(Target.id) == col(Application.target_id))
        .join(t, and_(t.institution_id == col(Target.institution_id), t.archived_at.is_(None)))
        .where(*conds)
    )
    if counting:
        return q
    return (
        q.join(Candidate, col(Candidate.id) == col(Application.candidate_id))
        .join(Institution, col(Institution.id) == col(Target.institution_id))
        .outerjoin(r, and_(r.application_id == col(Application.id), r.template_id == t.id))
        .outerjoin(reviews, reviews.c.rid == r.id)
        .outerjoin(objections, objections.c.rid == r.id)
        .order_by(
            col(Institution.name),
            col(Candidate.full_name),
            col(Application.id),
            t.position,
            t.id,
        )
    )


def sheet(db: Database, f: Filters = Filters()) -> list[xw.DataSheet]:
    """The Approvals sheet, or none while no institution has approval gates."""
    with db.session() as s:
        if not s.connection().execute(select(func.count()).select_from(GateTemplate)).scalar():
            return []
    from recruiter.services.exporting import sheet_name  # late: exporting imports this module

    columns = [xw.Column(c.heading, c.kind, c.width) for c in APPROVALS_SHEET]
    return [xw.DataSheet(sheet_name(NAME), columns, rows(db, f), total=count(db, f))]


__all__ = ["APPROVALS_SHEET", "NAME", "NAME_ZH", "count", "rows", "sheet"]
