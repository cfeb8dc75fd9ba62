"""The Due view: overdue and today's follow-ups, mark done (undoable), offers expiring soon."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from recruiter.domain import clock
from recruiter.domain.enums import ActivityKind
from recruiter.services import activities, candidates, settings


@pytest.fixture
def ctx(db, qapp) -> Iterator[object]:
    from recruiter.ui.app import make_context

    context = make_context(db)
    yield context
    context.runner.wait()


def test_due_panel(ctx, db, qtbot, qtmodeltester) -> None:
    from recruiter.ui.followups import FollowUpsDock, FollowUpsPanel, expiring_offers

    cid = candidates.create(db, full_name="Li Na", name_zh="李娜")
    today = clock.today_in(settings.office_zone(db))  # the panel's today (the office's)
    late = activities.log(db, cid, ActivityKind.task, "Send forms", due_on=today - timedelta(3))
    activities.log(db, cid, ActivityKind.call, "Call back", due_on=today)
    activities.log(db, cid, ActivityKind.task, "Later", due_on=today + timedelta(3))
    panel = FollowUpsPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: not panel.loader.pending and panel.model.rowCount() == 2)
    qtmodeltester.check(panel.model, force_py=True)
    assert "1 overdue, 1 due today" in panel.heading.text()
    assert panel.model.index(0, 2).data() == "李娜"
    panel.view.selectRow(0)
    panel.mark_selected_done()
    assert [a.done for a in activities.for_candidate(db, cid) if a.id == late] == [True]
    qtbot.waitUntil(lambda: not panel.loader.pending and panel.model.rowCount() == 1)
    ctx.undo.undo()
    assert [a.done for a in activities.for_candidate(db, cid) if a.id == late] == [False]
    opened: list[int] = []
    panel.open_candidate.connect(opened.append)
    qtbot.waitUntil(lambda: not panel.loader.pending and panel.model.rowCount() == 2)
    panel._open(panel.model.index(0, 0))
    assert opened == [cid]
    assert expiring_offers(db) == []
    dock = FollowUpsDock(ctx)
    qtbot.addWidget(dock)
    assert dock.widget() is dock.panel
