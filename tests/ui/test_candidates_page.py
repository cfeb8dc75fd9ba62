"""Candidates page on the demo data: lazy model, search as you type, filters, click-through,
bulk actions checked in the database, remembered layout."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from recruiter.services import candidates
from recruiter.services.candidates import CandidateQuery


@pytest.fixture
def page(ctx, qtbot):
    from recruiter.ui.pages.candidates import CandidatesPage

    p = CandidatesPage(ctx)
    qtbot.addWidget(p)
    p.resize(1300, 700)
    p.show()
    qtbot.waitUntil(lambda: not p.model.loading and bool(p.model.ids), timeout=20_000)
    return p


def wait(qtbot, page) -> None:
    qtbot.waitUntil(
        lambda: not page.model.loading and not page._debounce.isActive(), timeout=20_000
    )


def test_model_contract_and_lazy_pages(page, qtmodeltester) -> None:
    qtmodeltester.check(page.model, force_py=True)
    assert len(page.model.ids) == candidates.count(page.ctx.db)
    assert len(page.model._pages) <= 2  # only what was painted has been fetched
    assert page.count_label.text() == "300 candidates (300 shown)"


def test_search_as_you_type(page, qtbot) -> None:
    qtbot.keyClicks(page.search, "zha")
    wait(qtbot, page)
    expected = candidates.query_ids(page.ctx.db, CandidateQuery(text="zha"))
    assert expected and page.model.ids == expected
    names = {page.model.index(r, 1).data() for r in range(page.model.rowCount())}
    assert all("zha" in (n or "").lower() for n in names)
    page.search.setText("张")  # one Chinese character: LIKE fallback
    wait(qtbot, page)
    assert page.model.ids == candidates.query_ids(page.ctx.db, CandidateQuery(text="张"))
    assert "(" in page.count_label.text() and "300 candidates" in page.count_label.text()


def test_filters_and_click_through(page, qtbot) -> None:
    combo = page.filters["stage"]
    combo.setCurrentIndex(combo.findData("review"))
    wait(qtbot, page)
    assert page.model.ids == candidates.query_ids(page.ctx.db, CandidateQuery(stage="review"))
    assert 0 < len(page.model.ids) < 300
    page.followup.setChecked(True)
    wait(qtbot, page)
    assert page.model.ids == candidates.query_ids(
        page.ctx.db, CandidateQuery(stage="review", followup_due=True)
    )
    page.apply_filter({"outcome": "declined", "institution_id": 1})
    wait(qtbot, page)
    assert page.filters["stage"].currentData() is None and not page.followup.isChecked()
    assert page.model.ids == candidates.query_ids(
        page.ctx.db, CandidateQuery(outcome="declined", institution_id=1)
    )
    page.clear_filters()
    wait(qtbot, page)
    assert len(page.model.ids) == 300


def test_stale_results_are_dropped(page, qtbot) -> None:
    for t in ("a", "an", "ann", "zzzz-nobody"):
        page.search.setText(t)
        page.run_query()
    wait(qtbot, page)
    assert page.model.ids == []
    assert not page.empty_label.isHidden()


def _tags(db, ids):
    with db.engine.connect() as conn:
        return {
            r[0]: r[1]
            for r in conn.execute(
                text(f"SELECT id, tags FROM candidate WHERE id IN ({','.join(map(str, ids))})")
            )
        }


def test_bulk_tag_owner_pipeline_delete(page, qtbot) -> None:
    db = page.ctx.db
    page.view.selectRow(0)
    page.view.selectionModel().select(
        page.model.index(1, 0),
        page.view.selectionModel().SelectionFlag.Select
        | page.view.selectionModel().SelectionFlag.Rows,
    )
    ids = page.selected_ids()
    assert len(ids) == 2 and page.delete_action.isEnabled()
    page.bulk_tag(add=True, tag="zz-test-tag")
    assert all("zz-test-tag" in (t or "") for t in _tags(db, ids).values())
    page.ctx.undo.undo()
    assert all("zz-test-tag" not in (t or "") for t in _tags(db, ids).values())

    page.bulk_add_to_pipeline(target_id=1, owner="zhou.li")
    with db.engine.connect() as conn:
        n = conn.execute(
            text(
                f"SELECT count(*) FROM application WHERE target_id=1 AND owner="
                f"'zhou.li' AND candidate_id IN ({ids[0]},{ids[1]})"
            )
        ).scalar()
    assert n >= 1
    wait(qtbot, page)
    page.view.selectRow(0)
    one = page.selected_ids()
    message = page.delete_message(one)
    assert "application(s) with their stage history" in message and "offer(s)" in message
    page.bulk_delete(confirm=False)
    wait(qtbot, page)
    assert candidates.count(db) == 299 and one[0] not in page.model.ids
    page.ctx.undo.undo()
    wait(qtbot, page)
    assert candidates.count(db) == 300 and one[0] in page.model.ids


def test_layout_is_remembered(page, qtbot, tmp_path) -> None:
    from recruiter.ui.pages.candidates import CandidatesPage
    from recruiter.ui.qt import Qt, QtCore

    settings = QtCore.QSettings(str(tmp_path / "s.ini"), QtCore.QSettings.Format.IniFormat)
    country = page.model.columns.index("country")
    email = page.model.columns.index("email")
    page.set_column_visible(email, False)
    page.view.setColumnWidth(country, 222)
    page.view.horizontalHeader().moveSection(page.view.horizontalHeader().visualIndex(country), 0)
    page.view.sortByColumn(country, Qt.SortOrder.DescendingOrder)
    wait(qtbot, page)
    assert page.model.query.sort == "country" and page.model.query.descending
    page.save_state(settings)
    other = CandidatesPage(page.ctx)
    qtbot.addWidget(other)
    other.restore_state(settings)
    header = other.view.horizontalHeader()
    assert header.isSectionHidden(email) and not other.column_actions["email"].isChecked()
    assert header.sectionSize(country) == 222 and header.logicalIndex(0) == country
    assert other.model.query.sort == "country" and other.model.query.descending


def test_new_candidate_and_focus(page, qtbot) -> None:
    page.focus_search()
    page.new_candidate()
    assert page.detail.candidate_id is None
    page.detail.set_value("full_name", "Brand New")
    page.detail.set_value("email", "brand.new@example.org")
    assert page.detail.save()
    wait(qtbot, page)
    new_id = page.detail.candidate_id
    assert (
        new_id is not None and candidates.get(page.ctx.db, new_id).email == "brand.new@example.org"
    )


def test_delete_asks_with_what_goes_read_off_the_gui_thread(page, qtbot, monkeypatch) -> None:
    import threading

    from recruiter.ui.qt import QtWidgets

    real_impact = candidates.impact
    impact_on_gui: list[bool] = []

    def impact(*args, **kwargs):  # type: ignore[no-untyped-def]
        impact_on_gui.append(threading.current_thread() is threading.main_thread())
        return real_impact(*args, **kwargs)

    asked: list[str] = []

    def question(_parent, _title, message):  # type: ignore[no-untyped-def]
        asked.append(message)
        return QtWidgets.QMessageBox.StandardButton.Yes

    monkeypatch.setattr(candidates, "impact", impact)
    monkeypatch.setattr(QtWidgets.QMessageBox, "question", question)
    page.view.selectRow(0)
    one = page.selected_ids()
    page.bulk_delete()
    assert asked == []  # not yet: the confirmation is being prepared in the background
    qtbot.waitUntil(lambda: candidates.count(page.ctx.db) == 299, timeout=10000)
    assert impact_on_gui == [False]
    assert len(asked) == 1 and "application(s) with their stage history" in asked[0]
    wait(qtbot, page)
    assert one[0] not in page.model.ids


def test_the_total_is_read_with_the_filter_options(page, qtbot) -> None:
    page.search.setText("zha")
    wait(qtbot, page)
    candidates.create(page.ctx.db, full_name="Zha New", email="zha.new@example.org")
    page.refresh()
    wait(qtbot, page)
    qtbot.waitUntil(lambda: "301 candidates" in page.count_label.text(), timeout=10000)
