"""Finance batches: once a month HR sends the finance office the instalments that are due (trigger
met, offer accepted, not yet sent); they are marked sent, later paid (from the window, or from
the finance office's returned sheet). A batch can be cancelled as a whole while none of it is
paid. A month with nothing due writes no file."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from recruiter.domain import clock
from recruiter.domain.instalments import Status, month_end
from recruiter.domain.models import FinanceBatch, Instalment
from recruiter.errors import ConflictError, NotFound, ValidationError
from recruiter.exchange import batch as xb
from recruiter.i18n import _
from recruiter.store.database import Database

from .. import audit
from .._common import get_or_raise
from .plan import PaymentRow, due_in, rows_in, totals

_MONTH = re.compile(r"^(20\d\d|2100)-(0[1-9]|1[0-2])$")


def check_month(month: str) -> str:
    month = (month or "").strip()
    if not _MONTH.match(month):
        raise ValidationError(
            {"month": _("'{month}' is not a month like 2026-03 (YYYY-MM)").format(month=month)}
        )
    return month


@dataclass(frozen=True)
class BatchResult:
    month: str
    batch_id: int | None
    file: Path | None
    rows: int
    totals: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "file": str(self.file) if self.file else None,
            "rows": self.rows,
            "totals": self.totals,
            "batch": self.batch_id,
            "month": self.month,
        }


def due_for_month(db: Database, month: str) -> list[PaymentRow]:
    """What a batch for `month` would hold: instalments due by the month's last day."""
    with db.session() as s:
        return due_in(s, month_end(check_month(month)))


def _lines(rows: Sequence[PaymentRow]) -> list[xb.BatchLine]:
    return [
        xb.BatchLine(
            r.id,
            r.candidate,
            r.target,
            r.item_text,
            r.trigger_text,
            r.source,
            r.project_no,
            r.amount_minor,
            r.currency,
            r.met_on,
        )
        for r in rows
    ]


def run_batch(db: Database, out: Path | str, month: str) -> BatchResult:
    """Write the month's batch to `out` and mark its instalments sent, in one transaction (the
    file is written before the commit; nothing is marked if writing fails)."""
    month = check_month(month)
    with db.session() as s:
        rows = due_in(s, month_end(month))
        if not rows:
            return BatchResult(month, None, None, 0, {})
        path = xb.write_batch(Path(out).expanduser(), month, _lines(rows))
        batch = FinanceBatch(month=month, created_by=db.user, file_name=str(path), rows=len(rows))
        s.add(batch)
        s.flush()
        assert batch.id is not None
        _set(s, [r.id for r in rows], status=Status.sent.value, batch_id=batch.id)
        sums = dict(totals(rows))
        audit.record(
            s,
            db.user,
            "finance_batch",
            batch.id,
            "create",
            {"month": month, "rows": len(rows), "totals": sums, "file": str(path)},
        )
        return BatchResult(month, batch.id, path, len(rows), sums)


def _set(s: Session, ids: Iterable[int], **values: Any) -> None:
    for i in s.exec(select(Instalment).where(col(Instalment.id).in_(list(ids)))).all():
        for k, v in values.items():
            setattr(i, k, v)
        s.add(i)
    s.flush()


def mark_paid(
    db: Database, instalment_ids: Sequence[int], paid_on: date | None = None
) -> list[int]:
    """Mark sent instalments paid on `paid_on`; returns the ids marked (for undo)."""
    paid_on = paid_on or clock.today()
    with db.session() as s:
        return _mark_paid_in(s, db.user, instalment_ids, paid_on)


def _mark_paid_in(s: Session, user: str, ids: Sequence[int], paid_on: date) -> list[int]:
    found = s.exec(select(Instalment).where(col(Instalment.id).in_(list(ids)))).all()
    if len(found) != len(set(ids)):
        raise NotFound(_("An instalment no longer exists; refresh the view."))
    wrong = [i.id for i in found if i.status != Status.sent.value]
    if wrong:
        raise ConflictError(
            _("Only instalments sent to finance can be marked paid (not #{wrong}).").format(
                wrong=wrong[0]
            )
        )
    for i in found:
        i.status = Status.paid.value
        i.paid_on = paid_on
        s.add(i)
        audit.record(s, user, "instalment", i.id, "paid", {"paid_on": paid_on, "batch": i.batch_id})
    s.flush()
    return [i.id for i in found if i.id is not None]


def mark_batch_paid(db: Database, batch_id: int, paid_on: date | None = None) -> list[int]:
    """Everything still unpaid in a batch, paid on `paid_on`."""
    with db.session() as s:
        batch = get_or_raise(s, FinanceBatch, batch_id, _("Finance batch"))
        if batch.cancelled_at is not None:
            raise ConflictError(_("This batch was cancelled."))
        ids = s.exec(
            select(col(Instalment.id)).where(
                col(Instalment.batch_id) == batch_id, col(Instalment.status) == Status.sent.value
            )
        ).all()
        return _mark_paid_in(
            s, db.user, [i for i in ids if i is not None], paid_on or clock.today()
        )


def unmark_paid(db: Database, instalment_ids: Sequence[int]) -> None:
    """Undo of mark paid: back to sent."""
    with db.session() as s:
        for i in s.exec(select(Instalment).where(col(Instalment.id).in_(list(instalment_ids)))):
            if i.status == Status.paid.value:
                i.status, i.paid_on = Status.sent.value, None
                s.add(i)
                audit.record(s, db.user, "instalment", i.id, "paid_undone", {})


def cancel_batch(db: Database, batch_id: int) -> list[int]:
    """Cancel a whole batch: its instalments go back to planned (due again); returns them."""
    with db.session() as s:
        batch = get_or_raise(s, FinanceBatch, batch_id, _("Finance batch"))
        if batch.cancelled_at is not None:
            raise ConflictError(_("This batch was already cancelled."))
        members = s.exec(select(Instalment).where(col(Instalment.batch_id) == batch_id)).all()
        paid = [i for i in members if i.status == Status.paid.value]
        if paid:
            raise ConflictError(
                _(
                    "{n} instalment(s) of this batch are already paid; a batch can be "
                    "cancelled only as a whole, before anything in it is paid."
                ).format(n=len(paid))
            )
        ids = [i.id for i in members if i.id is not None and i.status == Status.sent.value]
        _set(s, ids, status=Status.planned.value, batch_id=None)
        batch.cancelled_at = clock.utcnow()
        s.add(batch)
        audit.record(s, db.user, "finance_batch", batch_id, "cancel", {"instalments": ids})
        return ids


@dataclass(frozen=True)
class ReturnedResult:
    paid: list[int]
    not_paid: int
    already: int
    unknown: list[int]


def import_returned(db: Database, path: Path | str) -> ReturnedResult:
    """Mark paid what the finance office's returned sheet says they paid (rows with a Paid on
    date); rows already paid are skipped, refs Recruiter does not know are named."""
    lines = xb.read_returned(path)
    with db.session() as s:
        found = {
            i.id: i
            for i in s.exec(
                select(Instalment).where(col(Instalment.id).in_([x.ref for x in lines]))
            ).all()
        }
        unknown = [x.ref for x in lines if x.ref not in found]
        already = not_paid = 0
        paid: list[int] = []
        by_day: dict[date, list[int]] = {}
        for x in lines:
            i = found.get(x.ref)
            if i is None:
                continue
            if x.paid_on is None:
                not_paid += 1
            elif i.status == Status.paid.value:
                already += 1
            elif i.status != Status.sent.value:
                raise ConflictError(
                    _(
                        "Row {row}: instalment #{ref} is {status}, not sent to finance; "
                        "nothing was marked paid."
                    ).format(row=x.row, ref=x.ref, status=i.status)
                )
            else:
                by_day.setdefault(x.paid_on, []).append(x.ref)
        for day, ids in sorted(by_day.items()):
            paid += _mark_paid_in(s, db.user, ids, day)
        return ReturnedResult(paid, not_paid, already, unknown)


@dataclass(frozen=True)
class BatchInfo:
    id: int
    month: str
    created_at: datetime
    rows: int
    sent: int
    paid: int
    cancelled: bool
    file_name: str | None


def list_batches(db: Database) -> list[BatchInfo]:
    with db.session() as s:
        counts: dict[tuple[int, str], int] = {
            (r[0], r[1]): int(r[2])
            for r in s.exec(
                select(col(Instalment.batch_id), col(Instalment.status), func.count())
                .where(col(Instalment.batch_id).is_not(None))
                .group_by(col(Instalment.batch_id), col(Instalment.status))
            ).all()
            if r[0] is not None
        }
        out = []
        for b in s.exec(select(FinanceBatch).order_by(col(FinanceBatch.id).desc())).all():
            assert b.id is not None
            out.append(
                BatchInfo(
                    b.id,
                    b.month,
                    b.created_at,
                    b.rows,
                    counts.get((b.id, "sent"), 0),
                    counts.get((b.id, "paid"), 0),
                    b.cancelled_at is not None,
                    b.file_name,
                )
            )
        return out


def rows_of_batch(db: Database, batch_id: int) -> list[PaymentRow]:
    with db.session() as s:
        return rows_in(s, batch_id=batch_id)
