"""The Approvals sheet streamed from one SQL query gives the rows the ORM-built list gave
(gates.approval_rows, labelled as the sheet shows them), with the same filters and count."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from recruiter.i18n import _, pgettext
from recruiter.services import gates
from recruiter.services.reporting import approvals
from recruiter.services.reporting.scope import Filters


def _expected(db, f: Filters) -> list[tuple[Any, ...]]:
    """What the sheet wrote before it streamed: approval_rows with its labels."""
    found = gates.approval_rows(db, f.institution_ids or None)
    if f.target_ids:
        found = [r for r in found if r.target_id in f.target_ids]
    return [
        (
            r.institution,
            r.candidate,
            r.target,
            r.stage.label,
            r.outcome.label,
            r.position,
            r.gate,
            r.kind.label,
            _("required") if r.required else _("optional"),
            r.decision.label if r.decision else pgettext("gate decision", "open"),
            r.decided_on,
            r.decided_by,
            r.reference,
            r.notice_start,
            r.notice_end,
            r.reviews,
            r.objections,
            r.notes,
        )
        for r in found
    ]


def test_streamed_rows_equal_the_orm_built_ones(demo_db) -> None:
    db = demo_db
    with db.engine.connect() as conn:
        inst, target = conn.execute(
            text(
                "SELECT t.institution_id, t.id FROM gate_record r"
                " JOIN application a ON a.id = r.application_id"
                " JOIN target t ON t.id = a.target_id ORDER BY r.id LIMIT 1"
            )
        ).one()
    for f in (
        Filters(),
        Filters(institution_ids=(inst,)),
        Filters(target_ids=(target,)),
        Filters(institution_ids=(inst + 1000,)),
    ):
        want = _expected(db, f)
        got = list(approvals.rows(db, f, chunk=7))  # several cursor chunks
        assert got == want
        assert approvals.count(db, f) == len(want)
    everything = _expected(db, Filters())
    assert len(everything) > 20
    assert any(r[15] for r in everything) and any(r[16] for r in everything)  # counts seen
    assert any(r[9] != pgettext("gate decision", "open") for r in everything)
