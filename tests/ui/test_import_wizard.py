"""The import wizard, walked end to end with pytest-qt on an offscreen display."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import text

from recruiter.errors import RecruiterError
from recruiter.services import importing
from recruiter.ui.import_wizard import ImportWizard
from recruiter.ui.qt import QtWidgets
from tests.sheets import write_sheets as write_xlsx
from tests.ui.conftest import open_boxes

HEAD = ["姓名", "英文名", "电子邮箱", "博士毕业年份", "现工作单位", "爱好"]


def listing(tmp_path: Path) -> Path:
    return write_xlsx(
        tmp_path / "conference.xlsx",
        {
            "名单": [
                ["2024 Conference — candidate list"],
                [],
                HEAD,
                ["张伟", "Wei Zhang", "wz@example.edu", 2005.0, "Fudan University", "chess"],
                ["李娜", "Na Li", "not-an-email", 2010, "Wuhan University", None],
                [None, "Old Friend", "OLD@example.edu", 1999, "MIT", "golf"],
                ["王芳", "Fang Wang", "fw@example.edu", date(2012, 7, 1), "ETH Zurich", None],
            ]
        },
    )


def q(db: Any, sql: str) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def seed(db: Any) -> int:
    """One stored candidate (to be updated) and one target; returns the target id."""
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO candidate (full_name, email, created_at, updated_at) "
                "VALUES ('Old Friend', 'old@example.edu', '2024-01-01', '2024-01-01')"
            )
        )
        inst = conn.execute(
            text("INSERT INTO institution (name) VALUES ('Fudan') RETURNING id")
        ).scalar_one()
        return conn.execute(
            text(
                "INSERT INTO target (institution_id, title, headcount, status, created_at) "
                "VALUES (:i, 'Chair in Physics', 1, 'open', '2024-01-01') RETURNING id"
            ),
            {"i": inst},
        ).scalar_one()


def go_to_mapping(qtbot, wiz: ImportWizard, path: Path) -> None:  # type: ignore[no-untyped-def]
    wiz.set_file(path)
    wiz.show()
    qtbot.waitExposed(wiz)
    assert wiz.file_page.isComplete()
    wiz.next()
    qtbot.waitUntil(lambda: wiz.currentPage() is wiz.sheet_page, timeout=10000)
    wiz.next()
    assert wiz.currentPage() is wiz.mapping_page
    # The remembered mapping is read in the background; the page is complete once it is shown.
    qtbot.waitUntil(wiz.mapping_page.isComplete, timeout=10000)


def go_to_options(qtbot, wiz: ImportWizard, path: Path) -> None:  # type: ignore[no-untyped-def]
    go_to_mapping(qtbot, wiz, path)
    wiz.next()
    assert wiz.currentPage() is wiz.options_page
    qtbot.waitUntil(lambda: wiz.options_page.targets_loaded, timeout=10000)


def test_walks_the_wizard_end_to_end(
    qtbot,
    wizard,
    db,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = seed(db)
    path = listing(tmp_path)
    wiz: ImportWizard = wizard
    wiz.set_file(path)
    wiz.show()
    qtbot.waitExposed(wiz)
    wiz.next()
    qtbot.waitUntil(lambda: wiz.currentPage() is wiz.sheet_page, timeout=10000)
    sheet = wiz.sheet_page
    assert sheet.header_spin.value() == 3  # found below the title and the blank row
    assert sheet.grid.item(2, 0).text() == "姓名"
    qtbot.waitUntil(lambda: "4 rows below the header" in sheet.rows_label.text(), timeout=10000)
    wiz.next()

    mapping = wiz.mapping_page
    assert not mapping.isComplete()  # until the remembered mapping has been read
    qtbot.waitUntil(mapping.isComplete, timeout=10000)
    assert mapping.mapping() == {
        "姓名": "name_zh",
        "英文名": "full_name",
        "电子邮箱": "email",
        "博士毕业年份": "phd_year",
        "现工作单位": "current_institution",
        "爱好": None,
    }
    assert "Not imported: 爱好" in mapping.unmapped_label.text()
    assert "Wei Zhang" in mapping.grid.item(1, 1).text()
    mapping.keep_unmapped.setChecked(True)
    wiz.next()

    options = wiz.options_page
    assert options.source.placeholderText() == "conference.xlsx"
    qtbot.waitUntil(lambda: options.add_to_target.isEnabled(), timeout=10000)
    options.duplicates.setCurrentIndex(options.duplicates.findData("update"))
    options.add_to_target.setChecked(True)
    options.target.setCurrentIndex(options.target.findData(target))
    options.source.setText("Conference 2024")
    wiz.next()

    preview = wiz.preview_page
    assert wiz.currentPage() is preview
    qtbot.waitUntil(lambda: preview.summary is not None, timeout=10000)
    assert "4 rows: 2 new" in preview.counts.text() and "1 updates" in preview.counts.text()
    assert preview.model.rowCount() == 4
    assert q(db, "SELECT count(*) FROM candidate") == [(1,)]  # nothing written yet
    preview.filter.setCurrentIndex(preview.filter.findData("invalid"))
    assert preview.proxy.rowCount() == 1
    assert "not-an-email" in preview.proxy.index(0, 3).data()

    with qtbot.waitSignal(wiz.imported, timeout=10000) as signal:
        wiz.button(QtWidgets.QWizard.WizardButton.CommitButton).click()
    qtbot.waitUntil(lambda: wiz.currentPage() is wiz.summary_page, timeout=10000)
    batch = signal.args[0]
    assert q(db, "SELECT id, created, updated, invalid FROM import_batch") == [(batch, 2, 1, 1)]
    assert q(db, "SELECT full_name, source, notes FROM candidate ORDER BY id") == [
        ("Old Friend", None, "爱好: golf"),
        ("Wei Zhang", "Conference 2024", "爱好: chess"),
        ("Fang Wang", "Conference 2024", None),
    ]
    assert q(db, f"SELECT count(*), min(stage) FROM application WHERE target_id = {target}") == [
        (3, "identified")
    ]
    summary = wiz.summary_page
    assert f"Imported as batch {batch}" in summary.counts.text()
    assert summary.save_button.isEnabled()

    saved = summary.save_rejects(tmp_path / "rejected.xlsx")
    assert saved is not None
    ws = openpyxl.load_workbook(saved).active
    assert [c.value for c in ws[1]] == [*HEAD, "Row", "Reason"]
    assert [c.value for c in ws[2]][:3] == ["李娜", "Na Li", "not-an-email"]
    assert ws.cell(row=2, column=len(HEAD) + 1).value == 5

    monkeypatch.setattr(
        QtWidgets.QMessageBox, "question", lambda *a, **k: QtWidgets.QMessageBox.StandardButton.Yes
    )
    with qtbot.waitSignal(wiz.undone, timeout=10000) as undone:
        summary.undo_button.click()
    assert undone.args == [batch]
    assert q(db, "SELECT full_name, notes FROM candidate") == [("Old Friend", None)]
    assert q(db, "SELECT count(*) FROM application") == [(0,)]
    assert "was undone" in summary.counts.text()


def test_mapping_choices_are_remembered_for_the_next_file(
    qtbot,
    wizard,
    db,
    make_ctx,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", {"S": [["Who", "Mail"], ["A One", "a@x.edu"]]})
    wiz: ImportWizard = wizard
    go_to_mapping(qtbot, wiz, path)
    wiz.next()
    assert wiz.currentPage() is wiz.mapping_page  # no name column yet: it stays
    qtbot.waitUntil(lambda: bool(open_boxes()), timeout=20_000)
    assert "maps to a name" in open_boxes()[0].text()
    for box in open_boxes():
        box.close()
    wiz.mapping_page.set_field("Who", "full_name")
    wiz.mapping_page.set_field("Mail", "email")
    wiz.next()
    wiz.next()
    qtbot.waitUntil(lambda: wiz.preview_page.summary is not None, timeout=10000)
    with qtbot.waitSignal(wiz.imported, timeout=10000):
        wiz.button(QtWidgets.QWizard.WizardButton.CommitButton).click()

    second = ImportWizard(db, make_ctx(db).runner)
    qtbot.addWidget(second)
    other = write_xlsx(tmp_path / "b.xlsx", {"S": [["Who", "Mail"], ["B Two", "b@x.edu"]]})
    go_to_options(qtbot, second, other)
    assert second.mapping_page.mapping() == {"Who": "full_name", "Mail": "email"}


def test_sheet_and_header_row_can_be_changed(qtbot, wizard, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_xlsx(
        tmp_path / "book.xlsx",
        {
            "Notes": [["Read me first"]],
            "Scholars": [["Name", "Email"], ["A One", "a@x.edu"], ["B Two", "b@x.edu"]],
        },
    )
    wiz: ImportWizard = wizard
    wiz.set_file(path)
    wiz.show()
    wiz.next()
    qtbot.waitUntil(lambda: wiz.currentPage() is wiz.sheet_page, timeout=10000)
    page = wiz.sheet_page
    assert page.sheet_combo.currentText() == "Notes"
    page.sheet_combo.setCurrentText("Scholars")
    page.sheet_combo.activated.emit(page.sheet_combo.currentIndex())
    qtbot.waitUntil(lambda: wiz.table is not None and wiz.table.sheet == "Scholars", timeout=10000)
    assert wiz.table.headers == ["Name", "Email"]
    page.header_spin.setValue(2)
    assert wiz.table.headers == ["A One", "a@x.edu"]
    page.grid.cellClicked.emit(0, 0)
    assert page.header_spin.value() == 1 and wiz.table.headers == ["Name", "Email"]


def test_a_bad_file_is_explained_and_the_wizard_stays(qtbot, wizard, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not a workbook")
    wiz: ImportWizard = wizard
    wiz.set_file(bad)
    wiz.show()
    wiz.next()
    qtbot.waitUntil(lambda: bool(open_boxes()), timeout=10000)
    assert "damaged" in open_boxes()[0].text()
    assert wiz.currentPage() is wiz.file_page
    for box in open_boxes():
        box.close()
    wiz.set_file(tmp_path / "missing.xlsx")
    assert not wiz.file_page.isComplete()


def test_cancel_leaves_the_database_unchanged(
    qtbot,
    wizard,
    db,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wiz: ImportWizard = wizard
    go_to_options(qtbot, wiz, listing(tmp_path))
    wiz.next()
    qtbot.waitUntil(lambda: wiz.preview_page.summary is not None, timeout=10000)
    gate = threading.Event()
    real = importing.checking.Checker.load_index

    def slow_index(self: Any) -> None:
        gate.wait(10)
        real(self)

    monkeypatch.setattr(importing.checking.Checker, "load_index", slow_index)
    wiz.button(QtWidgets.QWizard.WizardButton.CommitButton).click()
    assert wiz.import_task is not None
    wiz.import_task.cancel()  # what the progress dialog's Cancel button does
    gate.set()
    qtbot.waitUntil(lambda: wiz.message is not None, timeout=10000)
    assert "Nothing was written" in wiz.message.text()
    assert wiz.currentPage() is wiz.preview_page
    assert q(db, "SELECT count(*) FROM candidate") == [(0,)]
    assert q(db, "SELECT count(*) FROM import_batch") == [(0,)]


def test_a_file_dropped_on_the_first_page_is_chosen(qtbot, wizard, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from recruiter.ui.qt import Qt, QtCore, QtGui

    path = listing(tmp_path)
    page = wizard.file_page
    wizard.show()

    def drop(file: Path) -> QtGui.QDropEvent:
        mime = QtCore.QMimeData()
        mime.setUrls([QtCore.QUrl.fromLocalFile(str(file))])
        event = QtGui.QDropEvent(
            QtCore.QPointF(5, 5),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        page.dropEvent(event)
        return event

    other = tmp_path / "notes.pdf"
    other.write_bytes(b"%PDF")
    drop(other)
    assert page.path_edit.text() == "" and not page.isComplete()
    drop(path)
    assert page.path_edit.text() == str(path) and page.isComplete()


def test_the_wizard_reads_the_database_off_the_gui_thread(
    qtbot,
    wizard,
    db,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from recruiter.services import choices

    seed(db)
    on_gui: list[tuple[str, bool]] = []
    for module, name in ((importing, "mapping_for"), (choices, "targets")):
        real = getattr(module, name)

        def wrapped(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            on_gui.append((_name, threading.current_thread() is threading.main_thread()))
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapped)
    go_to_options(qtbot, wizard, listing(tmp_path))
    assert wizard.options_page.target.count() == 1
    assert on_gui == [("mapping_for", False), ("targets", False)]


def test_no_name_column_is_explained_for_the_wizard(qtbot, wizard, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_xlsx(
        tmp_path / "nameless.xlsx", {"Sheet1": [["Who", "Mail"], ["A One", "a@x.edu"]]}
    )
    wiz: ImportWizard = wizard
    go_to_mapping(qtbot, wiz, path)
    wiz.mapping_page.set_field("Who", None)
    wiz.next()
    qtbot.waitUntil(lambda: bool(open_boxes()), timeout=10000)
    message = open_boxes()[0].text()
    assert "maps to a name" in message
    assert "import wizard" not in message  # the user is in it
    assert "Imports into" in message
    assert wiz.currentPage() is wiz.mapping_page
    for box in open_boxes():
        box.close()


def test_the_command_line_keeps_its_advice(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "nameless.xlsx", {"Sheet1": [["Who", "Mail"], ["A", "a@x"]]})
    table = importing.load(path)
    with pytest.raises(RecruiterError, match="in the import wizard"):
        importing.check_mapping(table, {"Who": None, "Mail": "email"})
