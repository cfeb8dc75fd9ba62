"""The Pipeline board and the approval gates: each card shows the gate its application waits
at; a drop past an open gate is refused unless the user gives a reason (audited override)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from recruiter.domain.enums import Stage
from recruiter.services import applications, candidates, gates, institutions, targets


@pytest.fixture
def page(qtbot: Any, db: Any, make_ctx: Any) -> Any:
    from recruiter.ui.pages.pipeline import PipelinePage

    inst = institutions.create(db, name="Wuhan University")
    t = targets.create(db, institution_id=inst, title="Professor of Physics")
    gates.install_defaults(db, inst)
    first = gates.for_institution(db, inst)[0].id
    ids = []
    for n, name in enumerate(("Wei Zhang", "Ada Lovelace", "Emmy Noether")):
        app = applications.add(db, candidates.create(db, full_name=name), t, stage=Stage.review)
        ids.append(app)
        if n == 1:
            gates.decide(db, app, first, outcome="approved", decided_on=date(2026, 11, 2))
    p = PipelinePage(make_ctx(db))
    qtbot.addWidget(p)
    p.resize(1280, 720)
    p.show()
    qtbot.waitUntil(lambda: not p.loading and bool(p.cards), timeout=10000)
    p.app_ids = ids
    return p


def test_cards_show_the_next_gate(page: Any, qtbot: Any, tmp_path: Any) -> None:
    a, b, _c = page.app_ids
    qtbot.waitUntil(lambda: bool(page.delegate.gates), timeout=10000)
    assert page.delegate.gates[a].startswith("College joint")
    assert page.delegate.gates[b].startswith("Expert review")
    assert page.grab().save(str(tmp_path / "pipeline_gates.png"))


def test_drop_past_an_open_gate_is_refused_then_overridden(
    page: Any, qtbot: Any, monkeypatch: Any
) -> None:
    db, a = page.ctx.db, page.app_ids[0]
    errors: list[Any] = []
    monkeypatch.setattr(page, "_error", lambda _t: errors.append)
    monkeypatch.setattr("recruiter.ui.application_gates.ask_reason", lambda *_a: None)
    page.drop_cards([a], Stage.approved)
    qtbot.wait(50)
    assert applications.get(db, a).stage == Stage.review and errors == []
    assert not page.ctx.undo.canUndo()
    monkeypatch.setattr(
        "recruiter.ui.application_gates.ask_reason", lambda *_a: "Committee met out of cycle"
    )
    page.drop_cards([a], Stage.approved)
    qtbot.waitUntil(lambda: applications.get(db, a).stage == Stage.approved, timeout=20_000)
    with db.engine.connect() as conn:
        logged = conn.execute(
            text("SELECT entity_id FROM audit_entry WHERE action = 'gate_override'")
        ).all()
    assert [r[0] for r in logged] == [a]
    page.ctx.undo.undo()
    assert applications.get(db, a).stage == Stage.review


def test_due_lists_notices_ending_and_reviews_outstanding(
    qtbot: Any, db: Any, make_ctx: Any
) -> None:
    from recruiter.ui.followups import FollowUpsPanel

    inst = institutions.create(db, name="Wuhan University")
    t = targets.create(db, institution_id=inst, title="Chair")
    gates.install_defaults(db, inst)
    g = [r.id for r in gates.for_institution(db, inst)]
    app = applications.add(db, candidates.create(db, full_name="Wei Zhang"), t, stage=Stage.review)
    gates.add_review(db, app, g[1], reviewer="R", requested_on=date(2026, 11, 3))
    gates.post_notice(db, app, g[4], date.today())
    panel = FollowUpsPanel(make_ctx(db))
    qtbot.addWidget(panel)
    panel.resize(900, 600)
    panel.show()
    qtbot.waitUntil(lambda: not panel.loading and panel.gates.model.rowCount() == 2, timeout=10000)
    assert sorted(r.what for r in panel.gates.model.records) == [
        "notice ends",
        "review outstanding",
    ]
    assert "1 notices ending within 7 days, 1 expert reviews outstanding" in (
        panel.gates.heading.text()
    )
