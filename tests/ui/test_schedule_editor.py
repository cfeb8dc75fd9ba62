"""The schedule editor in the offer editor: fill a template, split an instalment to the
university's match, save (undoable), and a schedule that does not add up is refused."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from recruiter.domain.enums import FundingKind
from recruiter.domain.models import Instalment
from recruiter.services import funding, offers
from recruiter.store.database import Database
from recruiter.ui.offer_editor import OfferEditor
from tests.factories import World, item, make_world


def schedule(db: Database) -> list[tuple[int, int | None, str]]:
    with db.session() as s:
        return [
            (i.amount_minor, i.funding_source_id, i.trigger)
            for i in s.exec(select(Instalment).order_by(col(Instalment.seq))).all()
        ]


def test_schedule_from_template_split_and_undo(qtbot: Any, make_ctx: Any, db: Database) -> None:
    world: World = make_world(db)
    match = funding.create(
        db, name="University match", kind=FundingKind.university, total_minor=10**9
    )
    oid = offers.create_offer(db, world.apps[0], items=[item(world.cny, 300_000_00, "settling_in")])
    ctx = make_ctx(db)
    ed = OfferEditor(ctx, offer_id=oid)
    qtbot.addWidget(ed)
    ed.show()
    qtbot.waitUntil(lambda: not ed.loading, timeout=10_000)
    ed.table.setCurrentCell(0, 0)
    dialog = ed.edit_schedule()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.facts is not None, timeout=10_000)
    dialog.fill_template()
    assert dialog.table.rowCount() == 3
    # the last yearly instalment is paid by the university's match
    source = dialog.table.cellWidget(2, 5)
    source.setCurrentIndex(source.findData(match))
    assert dialog.save()
    assert schedule(db) == [
        (102_000_00, None, "signing"),
        (99_000_00, None, "service_year"),
        (99_000_00, match, "service_year"),
    ]
    assert funding.balances(db, [match])[0].reserved == 0  # a draft holds no money yet
    ctx.undo.undo()
    assert schedule(db) == []
    ctx.undo.redo()
    assert len(schedule(db)) == 3
    # a schedule that does not add up is refused and nothing changes
    again = ed.edit_schedule()
    assert again is not None
    qtbot.waitUntil(lambda: again.table.rowCount() == 3, timeout=10_000)
    again.table.cellWidget(0, 1).setText("1")
    assert not again.save()
    assert "add up" in again.error.text()
    assert len(schedule(db)) == 3 and schedule(db)[0][0] == 102_000_00
