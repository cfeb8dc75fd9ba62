"""Targets page: progress per target, editor with inline errors, create/edit/delete undoable."""

from __future__ import annotations

import pytest

from recruiter.services import targets


@pytest.fixture
def page(ctx, qtbot):
    from recruiter.ui.pages.targets import TargetsPage

    p = TargetsPage(ctx)
    qtbot.addWidget(p)
    p.resize(1300, 700)
    p.show()
    qtbot.waitUntil(lambda: not p.loading and p.model.rowCount() > 0, timeout=20_000)
    return p


def test_progress_rows(page, qtmodeltester) -> None:
    qtmodeltester.check(page.model, force_py=True)
    expected = {t.id: t for t in targets.progress(page.ctx.db)}
    assert len(page.model.records) == len(expected)
    first = page.model.records[0]
    col = [k for k, _l in page.model.columns].index("progress")
    assert page.model.index(0, col).data() == f"{first.hired} / {first.headcount}"
    assert "targets" in page.summary.text()


def test_create_with_errors_then_valid_then_undo(page, qtbot) -> None:
    db = page.ctx.db
    n = len(targets.choices(db))
    page.new_target()
    page.set_field("title", "")
    page.headcount.setValue(0)
    assert page.save() is False
    assert page.errors["title"].isVisibleTo(page) and page.errors["headcount"].isVisibleTo(page)
    assert len(targets.choices(db)) == n
    page.set_field("title", "Chair Professor in Robotics")
    page.headcount.setValue(2)
    page.set_field("fill_by", "2030-06-30")
    assert page.save() is True
    created = targets.get(db, page.target_id)
    assert (created.title, created.headcount, str(created.fill_by)) == (
        "Chair Professor in Robotics",
        2,
        "2030-06-30",
    )
    page.set_field("title", "Chair Professor in Soft Robotics")
    assert page.save() is True
    assert targets.get(db, page.target_id).title == "Chair Professor in Soft Robotics"
    page.ctx.undo.undo()
    assert targets.get(db, page.target_id).title == "Chair Professor in Robotics"
    page.ctx.undo.undo()
    assert len(targets.choices(db)) == n
    page.ctx.undo.redo()
    assert targets.get(db, created.id).title == "Chair Professor in Robotics"


def test_delete_refused_with_pipeline_and_open_pipeline(page, qtbot) -> None:
    busy = next(r for r in page.model.records if r.active)
    page.show_target(busy.id)
    page.delete()
    assert targets.get(page.ctx.db, busy.id)  # still there; the refusal was explained
    seen: list[tuple[str, object]] = []
    page.ctx.bus.navigate.connect(lambda name, f: seen.append((name, f)))
    page.open_pipeline()
    assert seen == [("Pipeline", {"target_id": busy.id})]
    for box in page.findChildren(
        __import__("recruiter.ui.qt", fromlist=["QtWidgets"]).QtWidgets.QMessageBox
    ):
        assert "close the target" in box.text()
        box.close()


def test_money_reserved_and_committed_per_target(page) -> None:
    from recruiter.domain.money import format_amount
    from recruiter.services import funding

    money = funding.target_funding(page.ctx.db)
    assert money, "the demo has offers"
    keys = [k for k, _l in page.model.columns]
    res_col, com_col = keys.index("reserved"), keys.index("committed")
    checked = 0
    for row, rec in enumerate(page.model.records):
        m = money.get(rec.id)
        shown = page.model.index(row, com_col).data()
        if m is None:
            assert shown == ""
            continue
        assert shown == format_amount(m.committed, m.currency)
        assert page.model.index(row, res_col).data() == format_amount(m.reserved, m.currency)
        checked += 1
    assert checked > 0
    from recruiter.ui.qt import Qt

    page.model.sort(com_col, Qt.SortOrder.DescendingOrder)
    top = page.model.records[0]
    assert top.money is not None
    assert top.money.committed == max(m.committed or 0 for m in money.values())


def test_application_counts_use_the_dashboards_words_and_figures(page) -> None:
    from recruiter.domain.enums import Outcome
    from recruiter.services import reporting
    from recruiter.ui.pages.dashboard import load

    kpis = load(page.ctx.db, reporting.Filters()).report.kpis
    progress = targets.progress(page.ctx.db)
    active = sum(t.active for t in progress)
    with page.ctx.db.session() as s:
        from sqlmodel import func, select

        from recruiter.domain.models import Application

        on_hold = s.exec(select(func.count()).where(Application.outcome == Outcome.on_hold)).one()
    assert kpis.open == active + on_hold  # "open" = active or on hold, on both pages
    text = page.summary.text()
    assert f"Open applications: {kpis.open:,}" in text
    assert f"Active applications: {active:,}" in text
    assert f"On hold: {on_hold:,}" in text
    from recruiter.ui.qt import Qt

    col = [k for k, _l in page.model.columns].index("open")
    assert page.model.headerData(col, Qt.Orientation.Horizontal) == "Open applications"
    cells = [page.model.index(r, col).data() for r in range(page.model.rowCount())]
    assert sum(int(c) for c in cells if c) == kpis.open
