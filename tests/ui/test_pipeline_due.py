"""The Pipeline page's Due tab shows the follow-ups of the target the page is filtered on."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from recruiter.domain import clock
from recruiter.services import activities, settings


def _due_ids(db, target_id: int | None, day: date | None = None) -> set[int]:  # type: ignore[no-untyped-def]
    """Open follow-ups due by `day` (today): on the target's applications, or general ones of a
    candidate in its pipeline (straight SQL, to check the service against)."""
    scope = (
        ""
        if target_id is None
        else " AND (a.application_id IN (SELECT id FROM application WHERE target_id = :t)"
        " OR (a.application_id IS NULL AND a.candidate_id IN"
        " (SELECT candidate_id FROM application WHERE target_id = :t)))"
    )
    with db.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT a.id FROM activity a WHERE NOT a.done AND a.due_on <= :d" + scope),
            {"d": (day or date.today()).isoformat(), "t": target_id},
        )
        return {r[0] for r in rows}


def _busiest_target(db) -> int:  # type: ignore[no-untyped-def]
    with db.engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT ap.target_id FROM activity a JOIN application ap "
                "ON ap.id = a.application_id WHERE NOT a.done AND a.due_on <= :d "
                "GROUP BY ap.target_id ORDER BY count(*) DESC LIMIT 1"
            ),
            {"d": date.today().isoformat()},
        ).scalar_one()


def test_due_follow_ups_of_one_target(demo_db) -> None:  # type: ignore[no-untyped-def]
    target = _busiest_target(demo_db)
    every = {f.activity_id for f in activities.due(demo_db)}
    mine = {f.activity_id for f in activities.due(demo_db, target_id=target)}
    assert every == _due_ids(demo_db, None)
    assert mine == _due_ids(demo_db, target)
    assert mine and mine < every


def test_the_due_tab_honours_the_target_filter(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    from recruiter.ui.pages.pipeline import PipelinePage

    page = PipelinePage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitUntil(lambda: not page.loading, timeout=20_000)
    target = _busiest_target(ctx.db)
    page.apply_filter({"target_id": target, "view": "due"})
    qtbot.waitUntil(lambda: not page.loading and not page.due.loading, timeout=20_000)
    assert page.stack.currentWidget() is page.due
    assert not page.hint.isVisible()  # "drag cards…" says nothing about follow-ups
    # The tab counts to the office's today (Shanghai's is tomorrow from 16:00 UTC).
    office_today = clock.today_in(settings.office_zone(ctx.db))
    shown = {f.activity_id for f in page.due.model.records}
    assert shown == _due_ids(ctx.db, target, office_today)
    assert page.target.currentText() in page.due.heading.text()
    page.apply_filter({"institution_id": None, "target_id": None})  # every target
    qtbot.waitUntil(lambda: not page.loading and not page.due.loading, timeout=20_000)
    assert {f.activity_id for f in page.due.model.records} == _due_ids(ctx.db, None, office_today)
