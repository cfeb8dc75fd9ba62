"""The candidate editor: invalid values are explained beside their fields and nothing is saved;
valid values save through the undo stack; applications, history and activities."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from recruiter.domain.enums import Outcome, Stage
from recruiter.services import activities, applications, candidates, institutions, targets


@pytest.fixture
def ctx(db, qapp) -> Iterator[object]:
    from recruiter.ui.app import make_context

    context = make_context(db)
    yield context
    context.runner.wait()


@pytest.fixture
def detail(ctx, qtbot, db):
    from recruiter.ui.candidate_detail import CandidateDetail

    inst = institutions.create(db, name="Fudan University")
    t = targets.create(db, institution_id=inst, title="Professor")
    cid = candidates.create(db, full_name="Wei Zhang", name_zh="张伟", email="wz@mit.edu")
    app = applications.add(db, cid, t)
    applications.move(db, app, Stage.review)
    w = CandidateDetail(ctx)
    qtbot.addWidget(w)
    w.resize(600, 700)
    w.show()
    w.show_candidate(cid)
    return w


def test_invalid_then_valid_values(detail, db) -> None:
    cid = detail.candidate_id
    before = candidates.row(db, cid)
    detail.set_value("email", "not-an-email")
    detail.set_value("orcid", "0000-0002-1825-0098")
    detail.set_value("phd_year", "1850")
    assert detail.save_button.isEnabled()
    assert detail.save() is False
    for name in ("email", "orcid", "phd_year"):
        assert detail.errors[name].isVisibleTo(detail), name
    assert "check digit" in detail.errors["orcid"].text()
    assert "E-mail" in detail.summary.text()
    assert candidates.row(db, cid) == before  # nothing written
    detail.set_value("email", "wei.zhang@fudan.edu.cn")
    detail.set_value("orcid", "https://orcid.org/0000-0002-1825-0097")
    detail.set_value("phd_year", "2012")
    assert detail.save() is True
    row = candidates.row(db, cid)
    assert (row["email"], row["orcid"], row["phd_year"]) == (
        "wei.zhang@fudan.edu.cn",
        "0000-0002-1825-0097",
        2012,
    )
    assert not detail.errors["email"].isVisibleTo(detail) and not detail.dirty()
    detail.ctx.undo.undo()
    assert candidates.row(db, cid) == before


def test_duplicate_email_is_shown_inline(detail, db) -> None:
    candidates.create(db, full_name="Other", email="taken@x.org")
    detail.set_value("email", "Taken@x.org")
    assert detail.save() is False
    assert "already has the e-mail" in detail.errors["email"].text()


def test_inline_check_on_leaving_field(detail, qtbot) -> None:
    editor = detail.editors["birth_date"]
    editor.setFocus()
    editor.setText("2999-01-01")
    detail._check_field("birth_date")
    assert "future" in detail.errors["birth_date"].text()
    editor.setText("1980-02-03")
    detail._check_field("birth_date")
    assert detail.errors["birth_date"].text() == ""


def test_lists_models_and_actions(detail, db, qtmodeltester) -> None:
    for model in (detail.apps_model, detail.history_model, detail.activity_model):
        qtmodeltester.check(model, force_py=True)
    assert detail.apps_model.rowCount() == 1
    assert [h.to_stage for h in detail.history_model.records] == [Stage.review, Stage.identified]
    app = detail.selected_application()
    detail.move_selected(Stage.approved)
    assert applications.get(db, app.id).stage == Stage.approved
    assert detail.history_model.records[0].to_stage == Stage.approved
    detail.ctx.undo.undo()
    assert applications.get(db, app.id).stage == Stage.review

    detail.summary_edit.setText("Send the contract")
    detail.follow_up.setChecked(True)
    detail.due.setDate(date.today() - timedelta(days=1))
    detail.log_activity()
    acts = activities.for_candidate(db, detail.candidate_id)
    assert len(acts) == 1 and acts[0].due_on == date.today() - timedelta(days=1)
    assert acts[0].application_id == app.id and not acts[0].done
    assert detail.activity_model.rowCount() == 1
    detail.activity_view.selectRow(0)
    detail._mark(True)
    assert activities.for_candidate(db, detail.candidate_id)[0].done
    detail.reopen_button.isEnabled()
    applications.set_outcome(db, app.id, Outcome.on_hold, "budget")
    detail._reload_lists()
    detail.reopen_selected()
    assert applications.get(db, app.id).outcome == Outcome.active


def test_new_candidate_needs_a_name(detail, db) -> None:
    detail.new_candidate()
    assert not detail.tabs.isTabEnabled(1)
    assert detail.save() is False
    assert detail.errors["full_name"].text()
    detail.set_value("name_zh", "李娜")
    assert detail.save() is True
    assert candidates.get(db, detail.candidate_id).full_name == "李娜"
