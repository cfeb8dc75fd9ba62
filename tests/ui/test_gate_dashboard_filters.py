"""The Dashboard's approvals section follows the page's institution, target and period."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from recruiter.services import gates
from recruiter.services.reporting import Filters


def test_approvals_follow_the_dashboard_filters(ctx: Any, qtbot: Any, tmp_path: Any) -> None:
    from recruiter.ui.pages.dashboard import DashboardPage

    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    board = page.approvals
    qtbot.waitUntil(lambda: not page.loading and board.waiting.rowCount() > 0, timeout=10000)
    everywhere = {r.institution for r in board.waiting.records}
    assert len(everywhere) == 2  # both demo universities have applications at gates
    options = page._options
    assert options is not None
    inst_id, inst_name = next((i, n) for i, n in options.institutions if n in everywhere)

    page.set_filters(Filters(institution_ids=(inst_id,)))
    qtbot.waitUntil(
        lambda: not board.loading and {r.institution for r in board.waiting.records} == {inst_name},
        timeout=10000,
    )
    scope = gates.Scope((inst_id,))
    assert [(r.gate, r.applications) for r in board.waiting.records] == [
        (r.gate, r.applications) for r in gates.where_waiting(ctx.db, scope=scope)
    ]
    year = int(board.completion_title.text().split("the ")[1][:4])
    assert [r.name for r in board.completion.records] == [
        r.name for r in gates.completion(ctx.db, year, scope)
    ]
    page.grab().save(str(tmp_path / "dashboard_approvals_filtered.png"))

    # A target of that institution narrows it further; a period that starts tomorrow empties it.
    tid = next(t for t, _title, i in options.targets if i == inst_id)
    page.set_filters(Filters(institution_ids=(inst_id,), target_ids=(tid,)))
    qtbot.waitUntil(lambda: not board.loading and not page.loading, timeout=10000)
    assert board.scope == gates.Scope((inst_id,), (tid,))
    waiting = sum(r.applications for r in board.waiting.records)
    assert waiting == sum(
        r.applications for r in gates.where_waiting(ctx.db, scope=gates.Scope((), (tid,)))
    )


def test_where_waiting_counts_applications_created_in_the_period(demo_db: Any) -> None:
    everything = gates.where_waiting(demo_db)
    assert everything
    tomorrow = date.today() + timedelta(days=1)
    assert gates.where_waiting(demo_db, scope=gates.Scope(created_from=tomorrow)) == []
    long_ago = date(2000, 1, 1)
    assert gates.where_waiting(demo_db, scope=gates.Scope(created_from=long_ago)) == everything
    assert gates.where_waiting(demo_db, scope=gates.Scope(created_to=long_ago)) == []
