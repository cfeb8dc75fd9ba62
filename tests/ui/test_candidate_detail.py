"""The candidate editor: invalid values are explained beside their fields and nothing is saved;
valid values save through the undo stack; applications, history and activities."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from recruiter.domain.enums import Outcome, Stage
from recruiter.services import activities, applications, candidates, choices, institutions, targets


@pytest.fixture
def ctx(db, qapp) -> Iterator[object]:
    from recruiter.ui.app import make_context

    context = make_context(db)
    yield context
    context.runner.wait()


def settled(qtbot, detail) -> None:
    """Wait until the editor's background reads (candidate, lists) have arrived."""
    qtbot.waitUntil(lambda: not detail.reads.pending, timeout=10000)


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
    with qtbot.waitSignal(w.loaded, timeout=10000):
        w.show_candidate(cid)
    assert not w.reads.pending
    return w


def test_invalid_then_valid_values(detail, db, qtbot) -> None:
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
    assert detail.editors["orcid"].text() == "0000-0002-1825-0097"  # as stored, at once
    settled(qtbot, detail)
    assert not detail.dirty() and detail.tabs.isEnabled()
    detail.ctx.undo.undo()
    after = candidates.row(db, cid)
    assert after.pop("version") > before.pop("version")  # an undo is a save too
    assert after == before


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


def test_lists_models_and_actions(detail, db, qtmodeltester, qtbot) -> None:
    for model in (detail.apps_model, detail.history_model, detail.activity_model):
        qtmodeltester.check(model, force_py=True)
    assert detail.apps_model.rowCount() == 1
    assert [h.to_stage for h in detail.history_model.records] == [Stage.review, Stage.identified]
    app = detail.selected_application()
    detail.move_selected(Stage.approved)
    assert applications.get(db, app.id).stage == Stage.approved
    qtbot.waitUntil(lambda: detail.history_model.records[0].to_stage == Stage.approved)
    detail.ctx.undo.undo()
    assert applications.get(db, app.id).stage == Stage.review
    settled(qtbot, detail)

    detail.summary_edit.setText("Send the contract")
    detail.follow_up.setChecked(True)
    detail.due.setDate(date.today() - timedelta(days=1))
    detail.log_activity()
    acts = activities.for_candidate(db, detail.candidate_id)
    assert len(acts) == 1 and acts[0].due_on == date.today() - timedelta(days=1)
    assert acts[0].application_id == app.id and not acts[0].done
    qtbot.waitUntil(lambda: detail.activity_model.rowCount() == 1)
    settled(qtbot, detail)
    detail.activity_view.selectRow(0)
    detail._mark(True)
    assert activities.for_candidate(db, detail.candidate_id)[0].done
    settled(qtbot, detail)
    applications.set_outcome(db, app.id, Outcome.on_hold, "budget")
    detail._reload_lists()
    settled(qtbot, detail)
    assert detail.reopen_button.isEnabled()
    detail.reopen_selected()
    assert applications.get(db, app.id).outcome == Outcome.active
    settled(qtbot, detail)  # the model tester lets go of the models before the reload lands


def test_new_candidate_needs_a_name(detail, db) -> None:
    detail.new_candidate()
    assert not detail.tabs.isTabEnabled(1)
    assert detail.save() is False
    assert detail.errors["full_name"].text()
    detail.set_value("name_zh", "李娜")
    assert detail.save() is True
    assert candidates.get(db, detail.candidate_id).full_name == "李娜"


def _record_threads(monkeypatch, calls, *targets_) -> None:  # type: ignore[no-untyped-def]
    """Wrap service reads so each call records whether it ran on the GUI thread."""
    for module, name in targets_:
        real = getattr(module, name)

        def wrapped(*args, _real=real, _name=name, **kwargs):  # type: ignore[no-untyped-def]
            calls.append((_name, threading.current_thread() is threading.main_thread()))
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapped)


def test_the_editor_reads_the_database_off_the_gui_thread(ctx, qtbot, db, monkeypatch) -> None:
    from recruiter.ui.candidate_detail import CandidateDetail, TargetDialog

    inst = institutions.create(db, name="Fudan University")
    targets.create(db, institution_id=inst, title="Professor")
    cid = candidates.create(db, full_name="Wei Zhang", email="wz@mit.edu")
    calls: list[tuple[str, bool]] = []
    _record_threads(
        monkeypatch,
        calls,
        (candidates, "row"),
        (applications, "for_candidate"),
        (applications, "history_for_candidate"),
        (activities, "for_candidate"),
        (choices, "targets"),
        (choices, "officers"),
    )
    w = CandidateDetail(ctx)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.loaded, timeout=10000):
        w.show_candidate(cid)
        assert not w.tabs.isEnabled()  # nothing can be typed onto a half-loaded form
    assert w.editors["full_name"].text() == "Wei Zhang" and w.tabs.isEnabled()
    dialog = TargetDialog(ctx, w)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.target.count() == 1, timeout=10000)
    assert dialog.ok_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.reads.pending, timeout=10000)
    assert {name for name, _ in calls} == {
        "row",
        "for_candidate",
        "history_for_candidate",
        "targets",  # choices.targets: archived targets hidden
        "officers",  # the owner box's list
    }
    assert [name for name, on_gui in calls if on_gui] == []


def test_only_the_candidate_asked_for_last_is_shown(detail, db, qtbot) -> None:
    other = candidates.create(db, full_name="Na Li", name_zh="李娜", email="nl@x.edu")
    first = detail.candidate_id
    loads: list[int] = []
    detail.loaded.connect(lambda: loads.append(detail.candidate_id))
    detail.show_candidate(other)
    detail.show_candidate(first)
    detail.show_candidate(other)
    settled(qtbot, detail)
    assert loads == [other]  # the two stale answers were dropped
    assert detail.editors["full_name"].text() == "Na Li"
    assert "李娜" in detail.title.text()


def test_the_title_is_escaped(detail, db, qtbot) -> None:
    cid = candidates.create(db, full_name="<b>Bold</b> & Co", email="b@x.edu")
    with qtbot.waitSignal(detail.loaded, timeout=10000):
        detail.show_candidate(cid)
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in detail.title.text()


def test_the_form_is_the_field_table(detail) -> None:
    from recruiter.domain import fields

    form = [f for f in fields.CANDIDATE_FIELDS if f.widget != fields.Widget.hidden]
    assert list(detail.editors) == [f.name for f in form]
    assert "consent_at" not in detail.editors
    layout = detail.editors["birth_date"].parentWidget().layout()
    labels = [
        layout.labelForField(layout.itemAt(i, layout.ItemRole.FieldRole).layout()).text()
        for i in range(layout.rowCount())
    ]
    assert labels == [f.label for f in form]
    assert "Date of birth" in labels
    assert detail.editors["orcid"].placeholderText() == fields.spec("orcid").placeholder
