"""Issue 13's remaining surfaces: the Dashboard's visa tiles (due in 7 days, overdue; following
the institution filter), the Pipeline cards coloured by the next deadline, and a drop on
`arrived` that the immigration guard refuses asking for an override reason like the gates do."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from recruiter.domain.enums import Stage
from recruiter.domain.immigration import Milestone
from recruiter.services import applications, candidates, immigration, institutions, targets

TODAY = date.today()


@pytest.fixture
def hires(db: Any) -> dict[str, int]:
    """Three hires at `immigration`: one whose permits are overdue (entered 40 days ago), one
    due within a week (entered 5 days ago), one quiet (no dates), at two institutions."""
    fudan = institutions.create(db, name="Fudan University")
    wuhan = institutions.create(db, name="Wuhan University")
    out: dict[str, int] = {"fudan": fudan, "wuhan": wuhan}
    for name, inst, entered in (
        ("late", fudan, TODAY - timedelta(days=40)),
        ("soon", wuhan, TODAY - timedelta(days=5)),
        ("quiet", fudan, None),
    ):
        t = targets.create(db, institution_id=inst, title=f"Professor ({name})")
        app = applications.add(db, candidates.create(db, full_name=f"Scholar {name}"), t)
        applications.move(db, app, Stage.signed)
        applications.move(db, app, Stage.immigration)
        case = immigration.case_of(db, app)
        assert case is not None
        if entered is not None:
            immigration.set_milestone(db, case, Milestone.entry, done_on=entered)
        out[name] = app
    return out


def test_dashboard_visa_tiles_follow_the_institution(
    qtbot: Any, tmp_path: Any, db: Any, make_ctx: Any, hires: dict[str, int]
) -> None:
    from recruiter.services.reporting import Filters
    from recruiter.ui.pages.dashboard import DashboardPage

    page = DashboardPage(make_ctx(db))
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    tiles = page.visas
    qtbot.waitUntil(lambda: not page.loading and tiles.counts is not None, timeout=10000)
    qtbot.waitUntil(lambda: not tiles.loading, timeout=10000)
    # late: work permit (entry + 10) and residence permit (entry + 30) both overdue;
    # soon: its work permit due in 5 days (the residence permit in 25 is not "soon").
    assert (tiles.soon.value.text(), tiles.overdue.value.text()) == ("1", "2")
    assert immigration.counts(db).overdue == 2  # the service agrees, unfiltered
    assert "color" in tiles.overdue.value.styleSheet()
    page.grab().save(str(tmp_path / "dashboard_visas.png"))

    page.set_filters(Filters(institution_ids=(hires["wuhan"],)))
    qtbot.waitUntil(lambda: tiles.overdue.value.text() == "0", timeout=10000)
    assert tiles.soon.value.text() == "1"
    assert immigration.counts(db, institution_ids=[hires["wuhan"]]).by_state


def test_pipeline_cards_coloured_by_the_next_deadline(
    qtbot: Any, tmp_path: Any, db: Any, make_ctx: Any, hires: dict[str, int]
) -> None:
    from recruiter.ui.pages.pipeline import PipelinePage

    page = PipelinePage(make_ctx(db))
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    qtbot.waitUntil(lambda: not page.loading and bool(page.cards), timeout=10000)
    page.apply_filter({"institution_id": hires["wuhan"]})
    qtbot.waitUntil(lambda: page.delegate.visas == {hires["soon"]: "soon"}, timeout=10000)
    page.apply_filter({"institution_id": hires["fudan"]})
    qtbot.waitUntil(lambda: not page.loading and len(page.cards) == 2, timeout=10000)
    qtbot.waitUntil(lambda: page.delegate.visas == {hires["late"]: "overdue"}, timeout=10000)
    shot = page.grab()
    shot.save(str(tmp_path / "pipeline_visas.png"))
    # The painted board carries the overdue red somewhere in the immigration column.
    column = page.columns[Stage.immigration].view.viewport().grab().toImage()
    column.save(str(tmp_path / "pipeline_visas_column.png"))
    reds = sum(
        1
        for x in range(0, column.width(), 2)
        for y in range(0, min(column.height(), 260), 2)
        if column.pixelColor(x, y).name() == "#b3261e"
    )
    assert reds > 10

    # Dating the work and residence permits quiets the late card.
    case = immigration.case_of(db, hires["late"])
    assert case is not None
    immigration.set_milestone(db, case, Milestone.work_permit, done_on=TODAY)
    immigration.set_milestone(db, case, Milestone.residence_permit, done_on=TODAY)
    page.reload()
    qtbot.waitUntil(lambda: hires["late"] not in page.delegate.visas, timeout=10000)


def test_drop_on_arrived_asks_for_an_override_reason(
    qtbot: Any, db: Any, make_ctx: Any, hires: dict[str, int], monkeypatch: Any
) -> None:
    from recruiter.ui.pages.pipeline import PipelinePage

    page = PipelinePage(make_ctx(db))
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    qtbot.waitUntil(lambda: not page.loading and bool(page.cards), timeout=10000)
    app = hires["quiet"]
    asked: list[tuple[Any, ...]] = []
    errors: list[Any] = []
    monkeypatch.setattr(page, "_error", lambda _t: errors.append)

    def decline(*args: Any) -> None:
        asked.append(args)

    monkeypatch.setattr("recruiter.ui.application_gates.ask_reason", decline)
    page.drop_cards([app], Stage.arrived)
    qtbot.waitUntil(lambda: bool(asked), timeout=20_000)
    assert "immigration case still needs" in asked[0][1]
    assert asked[0][2] == "Override the immigration case"
    assert applications.get(db, app).stage == Stage.immigration and errors == []
    assert not page.ctx.undo.canUndo()

    monkeypatch.setattr(
        "recruiter.ui.application_gates.ask_reason", lambda *_a: "Arrived on a visitor visa"
    )
    page.drop_cards([app], Stage.arrived)
    qtbot.waitUntil(lambda: applications.get(db, app).stage == Stage.arrived, timeout=20_000)
    with db.engine.connect() as conn:
        logged = conn.execute(
            text(
                "SELECT entity, changes FROM audit_entry WHERE action = 'override' "
                "AND entity = 'immigration_case'"
            )
        ).all()
    assert len(logged) == 1 and "Arrived on a visitor visa" in logged[0][1]
    page.ctx.undo.undo()
    assert applications.get(db, app).stage == Stage.immigration
