"""The window signed in as a viewer (PostgreSQL roles from `recruiter team init`): it says so
once, every page shows without a permission error, the candidate table and editor read around
the hidden contact columns, and nothing offers to save."""

from __future__ import annotations

from pathlib import Path

import pytest

from recruiter.services import demo
from recruiter.store import roles
from recruiter.store.database import Database
from recruiter.ui.main_window import PAGES, MainWindow
from recruiter.ui.qt import Qt
from tests.team_roles import signed_in
from tests.ui.conftest import open_boxes


def _needs_server(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("PostgreSQL roles; run with --db-url")


def test_a_viewer_without_contacts_sees_every_page_and_cannot_edit(
    qtbot, db, make_ctx, settings, drain, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _needs_server(db)
    demo.generate(db, size=40, seed=5)
    with signed_in(db, roles.VIEWER, "--hide-contacts") as viewer:
        win = MainWindow(make_ctx(viewer), settings)
        qtbot.addWidget(win)
        win.resize(1280, 720)
        win.show()
        drain(win.ctx)
        banner = win.read_only_banner
        assert banner is not None and banner.isVisible()
        assert "as a viewer" in banner.text()
        assert "candidates' E-mail, Phone, Date of birth" in banner.text()
        assert not win.import_action.isEnabled() and not win.new_action.isEnabled()
        for name, _factory in PAGES:
            win.show_page(name)
            drain(win.ctx)
            assert open_boxes() == [], name  # no page failed with "permission denied"

        page = win.show_page("Candidates")
        drain(win.ctx)
        model = page.view.model()
        while hasattr(model, "sourceModel"):
            model = model.sourceModel()
        col = model.columns.index("email")
        assert model.headerData(col, Qt.Orientation.Horizontal) == "E-mail (hidden)"
        assert model.rowCount() == 40
        assert not page.new_action.isEnabled()
        page.view.selectRow(0)
        drain(win.ctx)
        detail = page.detail
        qtbot.waitUntil(lambda: detail.candidate_id is not None, timeout=5000)
        assert detail.value_of("full_name")
        assert detail.value_of("email") == "" and not detail.editors["email"].isEnabled()
        assert detail.editors["notes"].isReadOnly()
        assert not detail.save_button.isVisible()
        assert not page.delete_action.isEnabled() and not page.tag_action.isEnabled()
        detail.set_value("notes", "typed anyway")
        assert not detail.save()
        assert "may read but not change" in detail.summary.text()  # the server's refusal
        assert win.ctx.undo.count() == 0
        win.grab().save(str(tmp_path / "viewer.png"))
        drain(win.ctx)
        assert open_boxes() == []
        win.close()
        drain(win.ctx)


def test_a_viewer_of_one_institution_sees_its_candidates_on_every_page(
    qtbot, db, make_ctx, settings, drain
) -> None:  # type: ignore[no-untyped-def]
    _needs_server(db)
    demo.generate(db, size=40, seed=5)
    with db.engine.connect() as conn:
        inst, name = conn.exec_driver_sql(
            "SELECT i.id, i.name FROM institution i JOIN target t ON t.institution_id = i.id "
            "ORDER BY i.id LIMIT 1"
        ).one()
        theirs = conn.exec_driver_sql(
            "SELECT count(DISTINCT a.candidate_id) FROM application a JOIN target t "
            f"ON t.id = a.target_id WHERE t.institution_id = {inst}"
        ).scalar()
    with signed_in(db, roles.VIEWER, "--viewer-institution", name) as viewer:
        win = MainWindow(make_ctx(viewer), settings)
        qtbot.addWidget(win)
        win.resize(1280, 720)
        win.show()
        drain(win.ctx)
        for page_name, _factory in PAGES:
            win.show_page(page_name)
            drain(win.ctx)
            assert open_boxes() == [], page_name
        page = win.show_page("Candidates")
        drain(win.ctx)
        assert 0 < page.model.rowCount() == theirs < 40
        win.close()
        drain(win.ctx)
