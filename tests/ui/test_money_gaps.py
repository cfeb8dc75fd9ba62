"""Issue 18's loose ends: a funding source's project number edited in its dialog (undoable),
deleting a source that only an instalment uses gives the friendly "still used" message, and
setting a hire's service period on the Payments page is undoable."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import col, select

from recruiter.domain.enums import OfferStatus
from recruiter.domain.models import Assessment, OfferItem, ServicePeriod
from recruiter.errors import ConflictError
from recruiter.services import funding, offers, payments
from recruiter.services.payments import Line
from recruiter.store.database import Database
from tests.factories import World, extend, item, make_world

SIGNED = date(2026, 3, 10)


@pytest.fixture
def world(db: Database) -> World:
    w = make_world(db)
    oid = offers.create_offer(db, w.apps[0], start_on="2026-04-01", items=[item(w.cny, 300_000_00)])
    extend(db, oid, SIGNED)
    offers.set_status(db, oid, OfferStatus.accepted, today=SIGNED)
    return w


def _item(db: Database) -> int:
    with db.session() as s:
        found = s.exec(select(col(OfferItem.id))).first()
    assert found is not None
    return found


def test_project_number_in_the_source_dialog_with_undo(
    qtbot: Any, tmp_path: Any, make_ctx: Any, world: World
) -> None:
    from recruiter.ui.pages.funding import FundingPage

    page = FundingPage(make_ctx(world.db))
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    qtbot.waitUntil(lambda: not page.loading, timeout=10_000)
    page.select_source(world.cny)
    dlg = page.edit_selected()
    assert dlg is not None
    qtbot.waitUntil(lambda: not dlg.loading, timeout=10_000)
    assert dlg.project_no.text() == ""
    qtbot.keyClicks(dlg.project_no, "NSFC-2026-118")
    dlg.grab().save(str(tmp_path / "source_dialog.png"))
    assert dlg.save() is True
    assert funding.get(world.db, world.cny).project_no == "NSFC-2026-118"
    page.ctx.undo.undo()
    assert funding.get(world.db, world.cny).project_no is None
    page.ctx.undo.redo()
    assert funding.get(world.db, world.cny).project_no == "NSFC-2026-118"


def test_a_source_used_only_by_an_instalment_is_still_used(
    make_ctx: Any, qtbot: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recruiter.ui.pages.funding import FundingPage

    match = funding.create(world.db, name="University match", kind="university", total_minor=10**9)
    payments.set_schedule(
        world.db,
        _item(world.db),
        [Line("signing", percent=50), Line("signing", percent=50, funding_source_id=match)],
    )
    with pytest.raises(ConflictError, match="still used by 1 instalments"):
        funding.delete(world.db, match)

    page = FundingPage(make_ctx(world.db))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.loading, timeout=10_000)
    page.select_source(match)
    monkeypatch.setattr(page, "confirm", lambda *_: True)
    reported: list[str] = []
    monkeypatch.setattr(page, "report", lambda e: reported.append(str(e)))
    page.delete_button.click()
    assert reported == [
        "'University match' is still used by 1 instalments; move them to another source "
        "before deleting it."
    ]
    assert funding.get(world.db, match).name == "University match"


def test_setting_a_service_period_is_undoable(
    qtbot: Any, tmp_path: Any, make_ctx: Any, world: World
) -> None:
    from recruiter.ui.pages.payments import PaymentsPage
    from recruiter.ui.qt import QtCore

    page = PaymentsPage(make_ctx(world.db))
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    hires = page.hires
    page.tabs.setCurrentWidget(hires)
    qtbot.waitUntil(lambda: hires.hire.count() == 1 and not hires.reader.pending, timeout=10_000)

    def periods() -> list[tuple[date, int]]:
        with world.db.session() as s:
            return [(p.starts_on, p.years) for p in s.exec(select(ServicePeriod)).all()]

    def planned() -> int:
        with world.db.session() as s:
            return len(s.exec(select(Assessment)).all())

    hires.starts.setDate(QtCore.QDate(2026, 4, 1))
    hires.years.setValue(5)
    hires.set_service()
    assert periods() == [(date(2026, 4, 1), 5)] and planned() == 2
    hires.years.setValue(8)
    hires.set_service()
    assert periods() == [(date(2026, 4, 1), 8)] and planned() == 2  # nothing new planned
    page.grab().save(str(tmp_path / "payments_hires.png"))
    page.ctx.undo.undo()
    assert periods() == [(date(2026, 4, 1), 5)] and planned() == 2
    page.ctx.undo.undo()
    assert periods() == [] and planned() == 0
    page.ctx.undo.redo()
    assert periods() == [(date(2026, 4, 1), 5)] and planned() == 2
