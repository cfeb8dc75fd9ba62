"""The year-end close: instalments that carry a lapse rule (start-up funds), were due in the year
and are still unpaid and unsent at 31 December lapse, returning their money to the source. An
officer runs it and can undo it (the lapsed instalments are planned again)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from recruiter.domain import clock
from recruiter.domain.instalments import Status
from recruiter.domain.models import Instalment, YearClose
from recruiter.errors import ConflictError
from recruiter.i18n import _
from recruiter.store.database import Database

from .. import audit
from .._common import get_or_raise
from .plan import PaymentRow, rows_in


def lapsing_in(s: Session, year: int) -> list[PaymentRow]:
    """What closing `year` would lapse: lapsing, planned, trigger met by 31 December."""
    end = date(year, 12, 31)
    ids = s.exec(
        select(col(Instalment.id)).where(
            col(Instalment.lapses).is_(True), col(Instalment.status) == Status.planned.value
        )
    ).all()
    return [
        r for r in rows_in(s, ids=[i for i in ids if i is not None]) if r.met_on and r.met_on <= end
    ]


def lapsing(db: Database, year: int) -> list[PaymentRow]:
    with db.session() as s:
        return lapsing_in(s, year)


@dataclass(frozen=True)
class CloseResult:
    close_id: int
    year: int
    lapsed: tuple[int, ...]


def close_year(db: Database, year: int) -> CloseResult:
    with db.session() as s:
        done = s.exec(
            select(YearClose).where(col(YearClose.year) == year, col(YearClose.undone_at).is_(None))
        ).first()
        if done is not None:
            raise ConflictError(
                _("{year} is already closed; undo that close to run it again.").format(year=year)
            )
        rows = lapsing_in(s, year)
        close = YearClose(year=year, closed_by=db.user, lapsed=len(rows))
        s.add(close)
        s.flush()
        assert close.id is not None
        ids = [r.id for r in rows]
        for i in s.exec(select(Instalment).where(col(Instalment.id).in_(ids))).all():
            i.status, i.ended_by = Status.lapsed.value, f"close:{close.id}"
            s.add(i)
        audit.record(s, db.user, "year_close", close.id, "create", {"year": year, "lapsed": ids})
        return CloseResult(close.id, year, tuple(ids))


def undo_close(db: Database, close_id: int) -> list[int]:
    """Put back what a close lapsed; returns the instalments restored."""
    with db.session() as s:
        close = get_or_raise(s, YearClose, close_id, _("Year-end close"))
        if close.undone_at is not None:
            raise ConflictError(
                _("The close of {year} was already undone.").format(year=close.year)
            )
        mark = f"close:{close_id}"
        restored = []
        for i in s.exec(select(Instalment).where(col(Instalment.ended_by) == mark)).all():
            i.status, i.ended_by = Status.planned.value, None
            s.add(i)
            if i.id is not None:
                restored.append(i.id)
        close.undone_at = clock.utcnow()
        s.add(close)
        audit.record(s, db.user, "year_close", close_id, "undo", {"restored": restored})
        return restored


def closes(db: Database) -> list[YearClose]:
    with db.session() as s:
        return list(s.exec(select(YearClose).order_by(col(YearClose.id).desc())).all())
