"""Pipeline board on the demo data: the drop path records a stage_event, keyboard moves, close
and reopen, the list view, and undo of each."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from recruiter.domain.enums import Outcome, Stage
from recruiter.services import applications


@pytest.fixture
def page(ctx, qtbot):
    from recruiter.ui.pages.pipeline import PipelinePage

    p = PipelinePage(ctx)
    qtbot.addWidget(p)
    p.resize(1400, 700)
    p.show()
    qtbot.waitUntil(lambda: not p.loading and bool(p.cards), timeout=20_000)
    p.apply_filter({"target_id": 1})
    qtbot.waitUntil(lambda: not p.loading, timeout=20_000)
    return p


def events(db, app_id: int) -> list[tuple]:
    with db.engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text(
                    "SELECT from_stage, to_stage, outcome FROM stage_event WHERE application_id=:a "
                    "ORDER BY id"
                ),
                {"a": app_id},
            )
        ]


def test_board_models(page, qtmodeltester) -> None:
    from recruiter.ui.qt import QtCore

    assert {c.target_id for c in page.cards} == {1}
    assert all(c.outcome in (Outcome.active, Outcome.on_hold) for c in page.cards)
    for col in page.columns.values():
        assert col.heading.text().startswith(col.stage.label)
        assert all(c.stage == col.stage for c in col.model.cards)
        # Rows are counted in C++ (a string list): one name per card, in the cards' order.
        assert col.model.rowCount() == len(col.model.cards)
        assert col.model.stringList() == [c.display_name for c in col.model.cards]
    # What a drop between two cards of their own column asks of the model: refused, names and
    # cards stay together (the board reloads after a real move).
    model = next(c.model for c in page.columns.values() if len(c.model.cards) >= 2)
    names = model.stringList()
    assert not model.moveRow(QtCore.QModelIndex(), 0, QtCore.QModelIndex(), 2)
    assert not model.removeRows(0, 1)
    assert not model.setData(model.index(0), "Renamed")
    assert model.stringList() == names == [c.display_name for c in model.cards]
    qtmodeltester.check(page.columns[Stage.identified].model, force_py=True)
    qtmodeltester.check(page.list_model, force_py=True)


def test_drop_moves_and_records_stage_event(page, qtbot) -> None:
    from recruiter.ui.qt import Qt, QtCore

    db = page.ctx.db
    source = page.columns[Stage.identified].model
    card = next(c for c in source.cards if c.outcome == Outcome.active)
    before = events(db, card.application_id)
    mime = source.mimeData([source.index(source.cards.index(card))])
    target = page.columns[Stage.review].model
    assert target.canDropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, QtCore.QModelIndex())
    target.dropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, QtCore.QModelIndex())
    qtbot.waitUntil(lambda: applications.get(db, card.application_id).stage == Stage.review)
    assert events(db, card.application_id) == [*before, ("identified", "review", "active")]
    qtbot.waitUntil(lambda: not page.loading)
    assert card.application_id in [c.application_id for c in target.cards]
    page.ctx.undo.undo()
    assert applications.get(db, card.application_id).stage == Stage.identified
    assert events(db, card.application_id) == before
    page.ctx.undo.redo()
    assert applications.get(db, card.application_id).stage == Stage.review


def test_keyboard_move(page, qtbot) -> None:
    from recruiter.ui.qt import Qt

    db = page.ctx.db
    with db.engine.connect() as conn:  # a board with someone at "contacted"
        target = conn.execute(
            text(
                "SELECT target_id FROM application WHERE stage = 'contacted' "
                "AND outcome = 'active' ORDER BY target_id LIMIT 1"
            )
        ).scalar_one()
    page.apply_filter({"target_id": target})
    qtbot.waitUntil(lambda: not page.loading, timeout=20_000)
    col = page.columns[Stage.contacted]
    card = col.model.cards[0]
    col.view.setFocus()
    col.view.setCurrentIndex(col.model.index(0))
    qtbot.keyClick(col.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert applications.get(db, card.application_id).stage == Stage.applied
    assert events(db, card.application_id)[-1][:2] == ("contacted", "applied")
    qtbot.waitUntil(lambda: not page.loading)
    assert card.application_id in ids_in(page, Stage.applied)
    page.ctx.undo.undo()
    assert applications.get(db, card.application_id).stage == Stage.contacted
    qtbot.waitUntil(lambda: not page.loading)
    assert card.application_id in ids_in(page, Stage.contacted)  # the board follows the undo
    assert card.application_id not in ids_in(page, Stage.applied)


def ids_in(page, stage: Stage) -> list[int]:  # type: ignore[no-untyped-def]
    return [c.application_id for c in page.columns[stage].model.cards]


def test_close_and_reopen(page, qtbot) -> None:
    db = page.ctx.db
    card = page.columns[Stage.review].model.cards[0]
    page.close_card(card, Outcome.withdrawn, "Family reasons")
    app = applications.get(db, card.application_id)
    assert app.outcome == Outcome.withdrawn and app.closed_reason == "Family reasons"
    qtbot.waitUntil(lambda: not page.loading)
    assert card.application_id not in [c.application_id for c in page.cards]
    page.show_closed.setChecked(True)
    qtbot.waitUntil(lambda: not page.loading)
    closed = next(c for c in page.cards if c.application_id == card.application_id)
    page.reopen_card(closed)
    assert applications.get(db, card.application_id).outcome == Outcome.active
    assert events(db, card.application_id)[-1][2] == "active"


def test_list_view_sorts(page) -> None:
    from recruiter.ui.qt import Qt

    page.mode.setCurrentIndex(1)
    days = [k for k, _l in page.list_model.columns].index("days_in_stage")
    page.list_view.sortByColumn(days, Qt.SortOrder.DescendingOrder)
    values = [r.days_in_stage for r in page.list_model.records]
    assert values == sorted(values, reverse=True) and len(values) == len(page.cards)


def test_an_office_without_targets_gets_an_empty_board_not_an_endless_reload(
    db, make_ctx, qtbot
) -> None:
    """No targets is an answer: a filter applied to the page (the Dashboard's click-through, a
    link from another page) used to wait for targets to appear, re-reading them for ever."""
    from recruiter.ui.pages.pipeline import PipelinePage

    page = PipelinePage(make_ctx(db))
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    page.apply_filter({"target_id": None, "stages": ["offer"]})
    qtbot.waitUntil(lambda: not page.loading, timeout=20_000)
    reads = []
    page.choices_reader.read = lambda *args, **kw: reads.append(args)  # type: ignore[method-assign]
    qtbot.wait(200)
    assert reads == [] and page.cards == []
    assert all(col.model.rowCount() == 0 for col in page.columns.values())
    assert page.count_label.text() == "0 applications, 0 overdue"
    assert "No recruiting targets yet" in page.hint.text()  # where a pipeline starts
