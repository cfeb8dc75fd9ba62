"""Issue 15 in the window: a hostile file is one message, not a crash; undoing an import whose
candidates were edited since offers to keep them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from recruiter.services import candidates, importing
from recruiter.ui.import_wizard import ImportWizard
from recruiter.ui.qt import QtCore
from tests import hostile
from tests.ui.conftest import open_boxes


def test_far_cell_file_is_one_message_and_the_wizard_stays(qtbot, wizard, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wiz: ImportWizard = wizard
    wiz.set_file(hostile.far_cell_xlsx(tmp_path / "far.xlsx"))
    wiz.show()
    wiz.next()
    qtbot.waitUntil(lambda: bool(open_boxes()), timeout=10000)
    assert "16,384 columns" in open_boxes()[0].text()
    assert wiz.currentPage() is wiz.file_page
    for box in open_boxes():
        box.close()


def test_undo_offers_to_keep_candidates_edited_since(qtbot, wizard, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "list.csv"
    path.write_text("Name,Email\nWei Zhang,wz@x.edu\nNa Li,nl@x.edu\n", encoding="utf-8")
    summary = importing.run_import(db, path)
    edited = next(o.candidate_id for o in summary.outcomes if o.name == "Na Li")
    candidates.update(db, edited, email="na.li@new.edu")
    wiz: ImportWizard = wizard
    wiz.summary = summary
    asked: list[str] = []

    def answer_keep() -> None:
        for box in open_boxes():
            for button in box.buttons():
                if button.text() == "Keep them":
                    asked.append(box.text())
                    button.click()

    poll = QtCore.QTimer()
    poll.timeout.connect(answer_keep)
    poll.start(20)
    try:
        with qtbot.waitSignal(wiz.undone, timeout=10000):
            wiz.summary_page.undo(confirm=False)
    finally:
        poll.stop()
    assert asked and "Na Li (id" in asked[0]
    with db.engine.connect() as conn:
        left: Any = conn.execute(text("SELECT full_name FROM candidate")).all()
    assert [r[0] for r in left] == ["Na Li"]
