"""Setup's "Move to a server…" copies the open database, verified, to where the officer says
(a server's empty database, or a new file: the test uses a file on SQLite and a new database on
the --db-url server alike)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from recruiter.store import copying
from recruiter.store.opening import open_database
from recruiter.ui.qt import QtWidgets


def test_move_to_a_server_copies_everything_verified(
    qtbot: Any, ctx: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from recruiter.ui.pages.setup import SetupPage

    page = SetupPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.loading, timeout=10000)
    where = str(tmp_path / "office-server.db")
    monkeypatch.setattr(QtWidgets.QInputDialog, "getText", lambda *a, **k: (where, True))
    said: list[str] = []
    monkeypatch.setattr(
        QtWidgets.QMessageBox, "information", lambda _p, _t, text, *a: said.append(text)
    )
    page.move_button.click()
    qtbot.waitUntil(lambda: bool(said), timeout=60000)
    assert "row count and checksum match" in said[0]
    copy = open_database(where, user="tester")
    try:
        with ctx.db.engine.connect() as a, copy.engine.connect() as b:
            for table in copying.tables():
                assert copying.checksum(a, table) == copying.checksum(b, table), table.name
    finally:
        copy.dispose()
