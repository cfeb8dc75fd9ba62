"""A walk through the approval gates of one application in the candidate editor's Approvals tab:
the pipeline refuses to move past an open gate, each decision, review, notice and objection is
entered with its dialog, the application moves once the gates are passed, the database holds
every record, and undo takes everything back. The override asks for a reason and is audited."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from recruiter.domain.enums import Outcome, Stage
from recruiter.services import applications, candidates, gates, institutions, targets
from recruiter.ui.qt import QtCore


@pytest.fixture
def ctx(db, qapp) -> Iterator[Any]:
    from recruiter.ui.app import make_context

    context = make_context(db)
    yield context
    context.runner.wait()


@pytest.fixture
def detail(ctx, qtbot, db) -> Any:
    from recruiter.ui.candidate_detail import CandidateDetail

    inst = institutions.create(db, name="Wuhan University")
    t = targets.create(db, institution_id=inst, title="Professor of Physics")
    gates.install_defaults(db, inst)
    cid = candidates.create(db, full_name="Wei Zhang", name_zh="张伟")
    app = applications.add(db, cid, t, stage=Stage.review)
    w = CandidateDetail(ctx)
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    with qtbot.waitSignal(w.loaded, timeout=10000):
        w.show_candidate(cid)
    w.tabs.setCurrentWidget(w.approvals)
    w.app_id = app
    settle(qtbot, w)
    return w


def settle(qtbot: Any, w: Any) -> None:
    qtbot.waitUntil(lambda: not w.reads.pending and not w.approvals.loading, timeout=10000)
    QtCore.QCoreApplication.processEvents()


def _date(picker: Any, d: date) -> None:
    picker.on.setChecked(True)
    picker.edit.setDate(QtCore.QDate(d))


def decide(qtbot: Any, w: Any, n: int, outcome: str, on: date, **more: str) -> None:
    view = w.approvals
    view.view.selectRow(n)
    dlg = view.record_decision()
    box = dlg.fields["outcome"]
    box.setCurrentIndex(box.findData(outcome))
    _date(dlg.fields["decided_on"], on)
    for key, value in more.items():
        widget = dlg.fields[key]
        if key == "notes":
            widget.setPlainText(value)
        else:
            widget.setText(value)
    assert dlg.save(), dlg.error.text()
    settle(qtbot, w)


def rows(db: Any, sql: str) -> list[tuple]:
    """Raw rows, dates as ISO text on both engines (PostgreSQL returns `date`)."""
    with db.engine.connect() as conn:
        return [
            tuple(v.isoformat() if isinstance(v, date) else v for v in r)
            for r in conn.execute(text(sql))
        ]


def test_walk_through_the_gates_of_one_application(
    detail: Any, qtbot: Any, tmp_path: Any, db: Any, monkeypatch
) -> None:
    w, view, app = detail, detail.approvals, detail.app_id
    monkeypatch.setattr("recruiter.ui.application_gates.ask_reason", lambda *_a: None)
    assert len(view.model.records) == 7
    assert "College joint" in view.heading.text()  # waiting at the first gate

    # the pipeline refuses (the override is declined)
    errors: list[Any] = []
    monkeypatch.setattr(w, "_error", lambda _t: errors.append)
    w.move_selected(Stage.approved)
    qtbot.wait(20)
    assert applications.get(db, app).stage == Stage.review

    decide(qtbot, w, 0, "approved", date(2026, 11, 2), reference="物理学院党政联席会纪要 2026-21")

    # three anonymous expert reviews
    view.view.selectRow(1)
    for n in range(3):
        dlg = view.add_review()
        assert dlg.fields["anonymous"].isChecked()
        dlg.fields["reviewer"].setText(f"Prof. Expert {n}")
        _date(dlg.fields["received_on"], date(2026, 11, 10))
        dlg.fields["score"].setValue(85 + n)
        dlg.fields["opinion"].setPlainText("Outstanding record")
        assert dlg.save(), dlg.error.text()
        settle(qtbot, w)
    view.view.selectRow(1)
    settle(qtbot, w)
    shown = [i.who for i in view.items.records]
    assert shown == ["Anonymous reviewer 1", "Anonymous reviewer 2", "Anonymous reviewer 3"]
    decide(qtbot, w, 1, "approved", date(2026, 11, 12))
    decide(qtbot, w, 2, "approved", date(2026, 11, 20), reference="人才工作领导小组 2026-9")

    w.move_selected(Stage.approved)
    settle(qtbot, w)
    assert applications.get(db, app).stage == Stage.approved

    # the public notice, with one objection that is handled
    view.view.selectRow(4)
    dlg = view.post_notice()
    _date(dlg.fields["start"], date(2026, 11, 30))
    assert dlg.save()
    settle(qtbot, w)
    assert view.selected_gate().notice_end == date(2026, 12, 7)
    dlg = view.add_objection()
    dlg.fields["received_on"].setDate(QtCore.QDate(2026, 12, 2))
    dlg.fields["summary"].setText("Questions about a co-authored paper")
    assert dlg.save()
    settle(qtbot, w)
    view.view.selectRow(4)
    settle(qtbot, w)
    view.items_view.selectRow(0)
    dlg = view.edit_item()
    dlg.fields["handling"].setPlainText("Checked with the co-authors; no issue.")
    _date(dlg.fields["resolved_on"], date(2026, 12, 4))
    assert dlg.save(), dlg.error.text()
    settle(qtbot, w)
    decide(qtbot, w, 4, "approved", date(2026, 12, 7), reference="公示 2026-40")
    decide(qtbot, w, 5, "conditions", date(2026, 12, 8), notes="Degree certificate to be verified")

    w.move_selected(Stage.offer)
    settle(qtbot, w)
    assert applications.get(db, app).stage == Stage.offer
    assert view.grab().save(str(tmp_path / "application_gates.png"))

    recorded = rows(
        db,
        "SELECT t.position, r.outcome, r.decided_on, r.reference, r.notice_end FROM gate_record r "
        "JOIN gate_template t ON t.id = r.template_id ORDER BY t.position",
    )
    assert recorded == [
        (1, "approved", "2026-11-02", "物理学院党政联席会纪要 2026-21", None),
        (2, "approved", "2026-11-12", None, None),
        (3, "approved", "2026-11-20", "人才工作领导小组 2026-9", None),
        (5, "approved", "2026-12-07", "公示 2026-40", "2026-12-07"),
        (6, "conditions", "2026-12-08", None, None),
    ]
    assert rows(db, "SELECT reviewer, anonymous, score FROM gate_review ORDER BY id") == [
        ("Prof. Expert 0", 1, 85),
        ("Prof. Expert 1", 1, 86),
        ("Prof. Expert 2", 1, 87),
    ]
    assert rows(db, "SELECT resolved_on FROM gate_objection") == [("2026-12-04",)]

    # undo every step
    while w.ctx.undo.canUndo():
        w.ctx.undo.undo()
    settle(qtbot, w)
    assert rows(db, "SELECT count(*) FROM gate_record") == [(0,)]
    assert rows(db, "SELECT count(*) FROM gate_review") == [(0,)]
    assert applications.get(db, app).stage == Stage.review
    assert errors == []


def test_override_asks_for_a_reason_and_is_audited(
    detail: Any, qtbot: Any, db: Any, monkeypatch
) -> None:
    w, app = detail, detail.app_id
    monkeypatch.setattr(
        "recruiter.ui.application_gates.ask_reason", lambda *_a: "Fast track by the president"
    )
    w.move_selected(Stage.approved)
    qtbot.waitUntil(lambda: applications.get(db, app).stage == Stage.approved, timeout=20_000)
    (changes,) = rows(db, "SELECT changes FROM audit_entry WHERE action = 'gate_override'")[0]
    assert json.loads(changes)["reason"] == "Fast track by the president"
    w.ctx.undo.undo()
    assert applications.get(db, app).stage == Stage.review


def test_rejection_at_a_gate_closes_the_application(detail: Any, qtbot: Any, db: Any) -> None:
    w, app = detail, detail.app_id
    decide(qtbot, w, 0, "rejected", date(2026, 11, 2), notes="No post this year")
    got = applications.get(db, app)
    assert got.outcome == Outcome.rejected
    assert "No post this year" in (got.closed_reason or "")
    assert "rejected" in w.approvals.heading.text()
    w.ctx.undo.undo()
    assert applications.get(db, app).outcome == Outcome.active


def test_hire_type_and_tier_of_the_application(detail: Any, qtbot: Any, db: Any) -> None:
    w, app = detail, detail.app_id
    gates.add_tier(db, name="Provincial leading talent", level="provincial")
    settle(qtbot, w)
    dlg = w.approvals.edit_hire()
    dlg.fields["hire_type"].setCurrentIndex(dlg.fields["hire_type"].findData("flexible"))
    dlg.fields["post_type"].setCurrentIndex(dlg.fields["post_type"].findData("tenure_track"))
    dlg.fields["review_years"].setValue(6)
    dlg.fields["tier_id"].setCurrentIndex(1)
    assert dlg.save(), dlg.error.text()
    settle(qtbot, w)
    assert gates.hire_of(db, app).summary == (
        "Flexible (柔性), Tenure-track (预聘), 6-year review, Provincial leading talent"
    )
    assert "6-year review" in w.approvals.hire.text()
