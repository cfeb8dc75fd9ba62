"""The Due dock's visa section and the Visas page with many cases: the dock lists the nearest
cases only, counts the rest and links to the page; the page lists every open case with its
next deadline, in English and in Chinese."""

from __future__ import annotations

from datetime import date

from recruiter import i18n
from recruiter.services import immigration
from tests.unit.test_immigration_paths import many_cases


def test_the_dock_lists_the_nearest_cases_and_links_to_the_rest(qtbot, db, make_ctx) -> None:
    from recruiter.ui.followups import FollowUpsPanel
    from recruiter.ui.qt import QtGui

    many_cases(db, 240, date.today())
    want = immigration.nearest_due(db)
    assert want.more > 0  # more cases are due than the dock lists
    ctx = make_ctx(db)
    panel = FollowUpsPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(420, 720)
    panel.show()
    qtbot.waitUntil(lambda: not panel.loading and panel.visas_model.rowCount() > 0, timeout=10000)

    model = panel.visas_model
    assert model.rowCount() == immigration.DOCK_LIMIT
    assert [model.record(i).case_id for i in range(model.rowCount())] == [
        d.case_id for d in want.nearest
    ]
    first = model.index(0, 0)
    assert model.data(first) == want.nearest[0].due_on.isoformat()
    brush = model.data(first, QtGui.Qt.ItemDataRole.ForegroundRole)
    assert want.nearest[0].overdue and brush.color().name() == "#b3261e"
    heading = panel.visas_heading.text()
    assert f"{want.overdue:,} overdue" in heading and f"{want.soon:,} due within 7 days" in heading
    assert f"{want.more:,} more on the Visas page" in heading

    asked: list[tuple[str, object]] = []
    ctx.bus.navigate.connect(lambda name, filters: asked.append((name, filters)))
    panel.visas_heading.linkActivated.emit("visas")
    assert asked == [("Visas & arrivals", {"status": "open"})]


def test_the_page_lists_every_open_case_in_chinese_too(qtbot, db, make_ctx) -> None:
    from recruiter.ui.pages.visas import VisasPage

    many_cases(db, 120, date.today())
    lines = immigration.case_lines(db)
    ctx = make_ctx(db)
    i18n.set_language(i18n.CHINESE)
    page = VisasPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    qtbot.waitUntil(lambda: not page.loading and page.model.rowCount() > 0, timeout=10000)
    assert page.model.rowCount() == len(lines.rows)
    assert [page.model.record(i).id for i in range(5)] == [r.id for r in lines.rows[:5]]
    assert f"{lines.overdue} " in page.summary.text()
    shown = {page.model.record(i).next_deadline for i in range(page.model.rowCount())}
    assert shown & {"申请工作许可", "申请居留许可", "工作许可通知函到期"}
    assert not shown & set(immigration.SEEDED_NAMES.values())  # none left in English
