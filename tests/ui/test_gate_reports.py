"""The approval gates in the Dashboard (where applications wait, completion by college and tier)
and the target editor's hire type and tier, on the demo data (which has gates at every stage)."""

from __future__ import annotations

from typing import Any

from recruiter.services import gates


def test_dashboard_shows_where_applications_wait(ctx: Any, qtbot: Any, tmp_path: Any) -> None:
    from recruiter.ui.pages.dashboard import DashboardPage

    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    board = page.approvals
    qtbot.waitUntil(lambda: not page.loading and not board.loading, timeout=10000)
    qtbot.waitUntil(lambda: board.waiting.rowCount() > 0, timeout=10000)
    expected = gates.where_waiting(ctx.db)
    assert [(r.gate, r.applications) for r in board.waiting.records] == [
        (r.gate, r.applications) for r in expected
    ]
    assert {r.by for r in board.completion.records} == {"college", "tier"}
    assert "Completion against the" in board.completion_title.text()
    page.grab().save(str(tmp_path / "dashboard_top.png"))
    assert board.grab().save(str(tmp_path / "dashboard_gates.png"))


def test_target_hire_type_and_tier_with_undo(ctx: Any, qtbot: Any, tmp_path: Any) -> None:
    from recruiter.ui.pages.targets import TargetsPage

    page = TargetsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    qtbot.waitUntil(lambda: not page.loading and page.model.rowCount() > 0, timeout=10000)
    page.view.selectRow(0)
    ident = page.target_id
    qtbot.waitUntil(lambda: ident is not None and not page.hire.loading, timeout=10000)
    before = gates.hire_of_target(ctx.db, ident)
    assert page.hire.summary.text() == before.summary
    page.hire.button.click()
    qtbot.waitUntil(lambda: page.hire.dialog is not None, timeout=10000)
    dlg = page.hire.dialog
    dlg.fields["hire_type"].setCurrentIndex(dlg.fields["hire_type"].findData("flexible"))
    dlg.fields["post_type"].setCurrentIndex(dlg.fields["post_type"].findData("tenure_track"))
    dlg.fields["review_years"].setValue(5)
    assert dlg.save(), dlg.error.text()
    after = gates.hire_of_target(ctx.db, ident)
    assert (after.hire_type.value, after.post_type.value, after.review_years) == (
        "flexible",
        "tenure_track",
        5,
    )
    qtbot.waitUntil(lambda: "5-year review" in page.hire.summary.text(), timeout=10000)
    assert page.grab().save(str(tmp_path / "targets_hire.png"))
    ctx.undo.undo()
    assert gates.hire_of_target(ctx.db, ident) == before
