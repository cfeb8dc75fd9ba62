"""Acceptance: a new office's first week, from an empty database, through the window as a person
would use it — set up an institution, a department, a funding source and a target; import a
candidate list into that target; move a candidate to the offer stage; make, approve, extend and
accept an offer charged to the source; export — and the workbook, the Funding page and the
database agree on the source's committed and available money (integer minor units)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from recruiter.domain.enums import OfferStatus, Stage
from recruiter.services import applications, funding, institutions, offers, targets
from recruiter.store.database import Database
from recruiter.ui.qt import Qt, QtCore, QtWidgets
from tests.sheets import write_sheets
from tests.ui.conftest import drain

SALARY = 600_000_00  # CNY a year, minor units
YEARS = 3
SETTLING_IN = 300_000_00  # one-off
TOTAL = 5_000_000_00
COMMITTED = SALARY * YEARS + SETTLING_IN


def click(qtbot: Any, button: QtWidgets.QAbstractButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_into(qtbot: Any, edit: QtWidgets.QWidget, text: str) -> None:
    """Keys for what QTest can type; CJK is inserted as an input method would."""
    assert isinstance(edit, QtWidgets.QLineEdit)
    edit.clear()
    if text.isascii():
        qtbot.keyClicks(edit, text)
    else:
        edit.insert(text)


def save_button(dialog: QtWidgets.QDialog) -> QtWidgets.QPushButton:
    box = dialog.findChild(QtWidgets.QDialogButtonBox)
    assert box is not None
    button = box.button(QtWidgets.QDialogButtonBox.StandardButton.Save)
    assert button is not None
    return button


def when_shown(kind: type, act: Callable[[Any], None], qtbot: Any) -> list[Any]:
    """Answer a modal dialog of `kind` once it is up (its exec() blocks the test's caller)."""
    done: list[Any] = []

    def poll() -> None:
        if done:
            return
        shown = [
            w
            for w in QtWidgets.QApplication.topLevelWidgets()
            if isinstance(w, kind) and w.isVisible()
        ]
        if shown and not getattr(shown[0], "loading", False):
            done.append(shown[0])
            act(shown[0])
        else:
            QtCore.QTimer.singleShot(20, poll)

    QtCore.QTimer.singleShot(0, poll)
    return done


@pytest.fixture
def window(qtbot: Any, db: Database, make_ctx: Any, settings: Any) -> Any:
    from recruiter.ui.main_window import MainWindow

    win = MainWindow(make_ctx(db), settings)
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.outer.currentWidget() is win.welcome, timeout=10000)
    yield win
    drain(win.ctx)


def minor_to_cell(minor: int) -> int:
    """A CNY amount as the workbook writes it (whole yuan here), checked exact."""
    assert minor % 100 == 0
    return minor // 100


def sheet_rows(ws: Any) -> list[dict[str, Any]]:
    """A table sheet's rows by header."""
    head, *rows = ws.iter_rows(values_only=True)
    return [dict(zip(head, r, strict=True)) for r in rows if any(v is not None for v in r)]


def block(ws: Any, title: str) -> dict[str, list[Any]]:
    """The rows of one titled block of the Summary sheet (below its header), by first cell."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    start = next(n for n, r in enumerate(rows) if r[0] == title) + 2
    out: dict[str, list[Any]] = {}
    for r in rows[start:]:
        if r[0] is None or all(v is None for v in r[1:]):
            break
        out[str(r[0])] = r
    return out


def candidate_list(tmp_path: Path) -> Path:
    return write_sheets(
        tmp_path / "first-list.xlsx",
        {
            "名单": [
                ["姓名", "英文名", "电子邮箱", "现工作单位"],
                ["张伟", "Wei Zhang", "wei.zhang@example.edu", "Fudan University"],
                ["李娜", "Na Li", "na.li@example.edu", "ETH Zurich"],
                [None, "Ana Silva", "ana.silva@example.org", "University of Lisbon"],
            ]
        },
    )


def set_up_office(win: Any, qtbot: Any) -> tuple[int, int, int, int]:
    """Welcome → Set up your office → institution, department, source; Targets → a target."""
    db = win.ctx.db
    click(qtbot, win.welcome.setup_button)
    page = win.current_page()
    assert page.name == "Setup"
    qtbot.waitUntil(lambda: not page.loading, timeout=10000)

    page.tabs.setCurrentIndex(0)
    click(qtbot, page.institutions.new_button)
    dlg = page.dialog
    type_into(qtbot, dlg.fields["name"], "Wuhan University")
    type_into(qtbot, dlg.fields["name_zh"], "武汉大学")
    type_into(qtbot, dlg.fields["short_name"], "WHU")
    type_into(qtbot, dlg.fields["city"], "Wuhan")
    click(qtbot, save_button(dlg))
    qtbot.waitUntil(lambda: page.institutions.selected_id() is not None, timeout=10000)
    [inst] = institutions.list_all(db)
    assert (inst.name, inst.name_zh, inst.short_name, inst.city) == (
        "Wuhan University",
        "武汉大学",
        "WHU",
        "Wuhan",
    )

    click(qtbot, page.departments.new_button)
    dlg = page.dialog
    assert dlg.windowTitle() == "New department of Wuhan University"
    type_into(qtbot, dlg.fields["name"], "School of Physics")
    type_into(qtbot, dlg.fields["name_zh"], "物理学院")
    click(qtbot, save_button(dlg))
    qtbot.waitUntil(lambda: page.departments.model.rowCount() == 1, timeout=10000)
    [dept] = institutions.departments(db)

    page.tabs.setCurrentIndex(1)
    click(qtbot, page.sources.new_button)
    src_dlg = page.dialog
    qtbot.waitUntil(lambda: not src_dlg.loading, timeout=10000)
    type_into(qtbot, src_dlg.name, "Talent start-up fund")
    src_dlg.institution.setCurrentIndex(src_dlg.institution.findData(inst.id))
    type_into(qtbot, src_dlg.total, "5,000,000")
    assert src_dlg.currency.currentText() == "CNY"
    click(qtbot, save_button(src_dlg))
    qtbot.waitUntil(lambda: page.sources.model.rowCount() == 1, timeout=10000)
    [balance] = funding.balances(db)
    assert (balance.total, balance.currency, balance.committed) == (TOTAL, "CNY", 0)

    # The checklist's last item opens the Targets page's editor.
    qtbot.waitUntil(
        lambda: "target" in page.checklist.buttons and page.checklist.buttons["target"].isVisible(),
        timeout=10000,
    )
    click(qtbot, page.checklist.buttons["target"])
    tpage = win.current_page()
    assert tpage.name == "Targets"
    qtbot.waitUntil(lambda: not tpage.loading, timeout=10000)
    tpage.institution.setCurrentIndex(tpage.institution.findData(inst.id))
    tpage.department.setCurrentIndex(tpage.department.findData(dept.id))
    type_into(qtbot, tpage.fields["title"], "Associate Professor of Physics")
    offered = [tpage.source.itemText(i) for i in range(tpage.source.count())]
    assert offered == ["(none)", "Talent start-up fund (CNY)"]
    tpage.source.setCurrentIndex(tpage.source.findData(balance.source_id))
    tpage.headcount.setValue(1)
    click(qtbot, tpage.save_button)
    qtbot.waitUntil(lambda: not tpage.loading and tpage.model.rowCount() == 1, timeout=10000)
    [choice] = targets.choices(db)
    target = targets.get(db, choice.id)
    assert (target.institution_id, target.department_id, target.funding_source_id) == (
        inst.id,
        dept.id,
        balance.source_id,
    )
    assert tpage.source.currentData() == balance.source_id  # shown again as stored
    assert inst.id is not None and dept.id is not None and target.id is not None
    return inst.id, dept.id, balance.source_id, target.id


def test_first_office_from_an_empty_database(
    window: Any, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    win = window
    db = win.ctx.db
    _inst_id, _dept_id, source_id, target_id = set_up_office(win, qtbot)

    # 2. Import the list through the wizard (File → Import…, Browse… answered) into the target.
    from recruiter.ui.import_wizard import ImportWizard

    path = candidate_list(tmp_path)
    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))
    win.import_action.trigger()
    wiz = win._wizard
    assert isinstance(wiz, ImportWizard)
    qtbot.waitExposed(wiz)
    browse = next(
        b for b in wiz.file_page.findChildren(QtWidgets.QPushButton) if "Browse" in b.text()
    )
    click(qtbot, browse)
    assert wiz.file_page.path_edit.text() == str(path)
    next_button = wiz.button(QtWidgets.QWizard.WizardButton.NextButton)
    click(qtbot, next_button)
    qtbot.waitUntil(lambda: wiz.currentPage() is wiz.sheet_page, timeout=10000)
    qtbot.waitUntil(
        lambda: "3 rows below the header" in wiz.sheet_page.rows_label.text(), timeout=10000
    )
    click(qtbot, next_button)
    mapping = wiz.mapping_page
    qtbot.waitUntil(mapping.isComplete, timeout=10000)
    assert mapping.mapping() == {
        "姓名": "name_zh",
        "英文名": "full_name",
        "电子邮箱": "email",
        "现工作单位": "current_institution",
    }
    click(qtbot, next_button)
    options = wiz.options_page
    qtbot.waitUntil(lambda: options.targets_loaded, timeout=10000)
    options.add_to_target.setChecked(True)
    options.target.setCurrentIndex(options.target.findData(target_id))
    assert "Associate Professor of Physics" in options.target.currentText()
    click(qtbot, next_button)
    preview = wiz.preview_page
    qtbot.waitUntil(lambda: preview.summary is not None, timeout=10000)
    assert "3 rows: 3 new" in preview.counts.text()
    with qtbot.waitSignal(wiz.imported, timeout=10000):
        click(qtbot, wiz.button(QtWidgets.QWizard.WizardButton.CommitButton))
    qtbot.waitUntil(lambda: wiz.currentPage() is wiz.summary_page, timeout=10000)
    click(qtbot, wiz.button(QtWidgets.QWizard.WizardButton.FinishButton))
    qtbot.waitUntil(lambda: not wiz.isVisible(), timeout=10000)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=10000)

    # 3. Targets → Open pipeline; Wei Zhang goes to the offer stage with Ctrl+→.
    tpage = win.show_page("Targets")
    qtbot.waitUntil(lambda: not tpage.loading, timeout=10000)
    tpage.view.selectRow(0)
    qtbot.waitUntil(lambda: tpage.target_id == target_id, timeout=10000)
    click(qtbot, tpage.pipeline_button)
    pipe = win.current_page()
    assert pipe.name == "Pipeline"
    qtbot.waitUntil(lambda: not pipe.loading, timeout=10000)
    qtbot.waitUntil(lambda: len(pipe.columns[Stage.identified].model.cards) == 3, timeout=10000)
    col = pipe.columns[Stage.identified]
    row = next(n for n, c in enumerate(col.model.cards) if c.name == "Wei Zhang")
    card = col.model.cards[row]
    for stage in (Stage.contacted, Stage.applied, Stage.review, Stage.approved, Stage.offer):
        qtbot.waitUntil(lambda: not pipe.loading, timeout=10000)
        current = next(
            c
            for c in pipe.columns.values()
            if card.application_id in [x.application_id for x in c.model.cards]
        )
        idx = [x.application_id for x in current.model.cards].index(card.application_id)
        where = current.view.visualRect(current.model.index(idx)).center()
        qtbot.mouseClick(current.view.viewport(), Qt.MouseButton.LeftButton, pos=where)
        assert [c.application_id for c in pipe.selected_cards()] == [card.application_id]
        qtbot.keyClick(current.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
        assert applications.get(db, card.application_id).stage == stage
        qtbot.waitUntil(
            lambda s=stage: (
                card.application_id in [x.application_id for x in pipe.columns[s].model.cards]
            ),
            timeout=10000,
        )

    # 4. Offers → New offer…: pick the application, salary 60万 × 3 years + 安家费 30万.
    opage = win.show_page("Offers")
    qtbot.waitUntil(lambda: not opage.loading, timeout=10000)
    from recruiter.ui.offer_editor import OfferEditor
    from recruiter.ui.pages.offers import ApplicationPicker

    def pick(picker: Any) -> None:
        items = [picker.list.item(i) for i in range(picker.list.count())]
        [item] = [i for i in items if "Wei Zhang" in i.text()]
        picker.list.setCurrentItem(item)
        click(
            qtbot,
            picker.findChild(QtWidgets.QDialogButtonBox).button(
                QtWidgets.QDialogButtonBox.StandardButton.Ok
            ),
        )

    picked = when_shown(ApplicationPicker, pick, qtbot)
    click(qtbot, opage.buttons["new"])
    assert picked
    [editor] = [e for e in opage.findChildren(OfferEditor) if e.isVisible()]
    qtbot.waitUntil(lambda: not editor.loading, timeout=10000)
    assert editor.windowTitle().startswith("New offer to Wei Zhang")
    click(qtbot, editor.add_button)
    type_into(qtbot, editor._widget(0, "amount_minor"), "600000")
    assert editor._widget(0, "period").currentData() == "annual"
    editor._widget(0, "years").setValue(YEARS)
    # New lines are charged to the target's budget unless the user says otherwise.
    assert editor._widget(0, "funding_source_id").currentData() == source_id
    assert editor.source_labels(0) == ["(not charged to a budget)", "Talent start-up fund (CNY)"]
    click(qtbot, editor.add_button)
    kind = editor._widget(1, "kind")
    kind.setCurrentIndex(kind.findData("settling_in"))
    assert editor._widget(1, "period").currentData() == "one_off"
    type_into(qtbot, editor._widget(1, "amount_minor"), "30")
    editor._widget(1, "amount_minor").insert("万")
    assert editor._widget(1, "funding_source_id").currentData() == source_id
    with qtbot.waitSignal(editor.saved, timeout=10000) as saved:
        click(qtbot, save_button(editor))
    offer_id = saved.args[0]
    qtbot.waitUntil(lambda: opage.selected_id() == offer_id, timeout=10000)

    # Approve and Extend say what the budget will look like; the real question is answered Yes.
    asked: list[str] = []

    def yes(box: Any) -> None:
        asked.append(box.text())
        click(qtbot, box.button(QtWidgets.QMessageBox.StandardButton.Yes))

    for status in (OfferStatus.approved, OfferStatus.extended):
        qtbot.waitUntil(lambda s=status: opage.buttons[s.value].isEnabled(), timeout=10000)
        answered = when_shown(QtWidgets.QMessageBox, yes, qtbot)
        click(qtbot, opage.buttons[status.value])
        qtbot.waitUntil(lambda a=answered: bool(a) and not opage.asking_budget, timeout=10000)
        assert OfferStatus(offers.get_offer(db, offer_id).offer.status) == status
    assert asked == [
        "Approve this offer? It reserves its money on these budgets:\n"
        "• Talent start-up fund: ¥5,000,000.00 available now → ¥2,900,000.00 after",
        "Extend this offer? Its money is already reserved; the budgets stay as they are:\n"
        "• Talent start-up fund: ¥2,900,000.00 available",
    ]

    # The candidate accepts: the real question box, answered "Accepted only".
    def accepted_only(box: Any) -> None:
        [only] = [b for b in box.buttons() if b.text() == "Accepted only"]
        click(qtbot, only)

    answered = when_shown(QtWidgets.QMessageBox, accepted_only, qtbot)
    qtbot.waitUntil(lambda: opage.buttons["accepted"].isEnabled(), timeout=10000)
    click(qtbot, opage.buttons["accepted"])
    assert answered
    assert OfferStatus(offers.get_offer(db, offer_id).offer.status) == OfferStatus.accepted
    assert applications.get(db, card.application_id).stage == Stage.offer
    [balance] = funding.balances(db)
    assert (balance.total, balance.reserved, balance.committed) == (TOTAL, 0, COMMITTED)
    assert balance.available == TOTAL - COMMITTED

    # 5. File → Export pipeline…, the save dialog answered.
    out = tmp_path / "first-week"
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(out), ""))
    win.export_action.trigger()
    qtbot.waitUntil(
        lambda: win.findChild(QtWidgets.QMessageBox, "exportDoneBox") is not None, timeout=15000
    )
    done_box = win.findChild(QtWidgets.QMessageBox, "exportDoneBox")
    assert "first-week.xlsx" in done_box.text()
    done_box.close()
    wb = openpyxl.load_workbook(tmp_path / "first-week.xlsx")
    summary = block(wb["Summary"], "Funding per source")
    assert summary["Talent start-up fund"][:5] == [
        "Talent start-up fund",
        *(minor_to_cell(v) for v in (TOTAL, COMMITTED, 0, TOTAL - COMMITTED)),
    ]
    assert block(wb["Summary"], "Funding per institution")["Wuhan University"][1:6] == [
        1,
        *(minor_to_cell(v) for v in (TOTAL, COMMITTED, 0, TOTAL - COMMITTED)),
    ]
    pipeline_rows = sheet_rows(wb["Pipeline"])
    assert sorted((r["Candidate"], r["Chinese name"], r["Stage"]) for r in pipeline_rows) == [
        ("Ana Silva", None, "Identified"),
        ("Na Li", "李娜", "Identified"),
        ("Wei Zhang", "张伟", "Offer"),
    ]
    assert {r["Department"] for r in pipeline_rows} == {"School of Physics"}
    [offer_row] = sheet_rows(wb["Offers"])
    assert (offer_row["Candidate"], offer_row["Status"], offer_row["Funding sources"]) == (
        "Wei Zhang",
        "Accepted",
        "Talent start-up fund",
    )
    assert [offer_row[k] for k in ("Salary (total)", "Settling in", "Package total")] == [
        minor_to_cell(SALARY * YEARS),
        minor_to_cell(SETTLING_IN),
        minor_to_cell(COMMITTED),
    ]
    [funding_row] = sheet_rows(wb["Funding"])
    assert [funding_row[k] for k in ("Total", "Reserved", "Committed", "Available")] == [
        minor_to_cell(v) for v in (TOTAL, 0, COMMITTED, TOTAL - COMMITTED)
    ]

    # The Funding page shows the same figures, from the same source of truth.
    fpage = win.show_page("Funding")
    qtbot.waitUntil(lambda: not fpage.loading and fpage.model.rowCount() == 1, timeout=10000)
    [shown] = fpage.model.rows
    assert (shown.source_id, shown.total, shown.reserved, shown.committed, shown.available) == (
        source_id,
        TOTAL,
        0,
        COMMITTED,
        TOTAL - COMMITTED,
    )
    texts = [fpage.model.index(0, c).data() for c in range(fpage.model.columnCount())]
    assert texts[7:11] == ["¥2,100,000.00", "¥0.00", "¥2,900,000.00", "42.0%"]  # committed, paid
    assert isinstance(shown.committed, int) and isinstance(shown.available, int)

    # ...and so does the database, item by item in minor units.
    detail = offers.get_offer(db, offer_id)
    assert sorted(
        (i.kind, i.amount_minor, i.currency, i.period, i.years, i.funding_source_id)
        for i in detail.items
    ) == [
        ("salary", SALARY, "CNY", "annual", YEARS, source_id),
        ("settling_in", SETTLING_IN, "CNY", "one_off", 1, source_id),
    ]
    assert funding.balances(db) == fpage.model.rows


def test_the_targets_editor_says_where_institutions_come_from(window: Any, qtbot: Any) -> None:
    page = window.show_page("Targets")
    qtbot.waitUntil(lambda: not page.loading, timeout=30000)
    assert page.institution.count() == 0
    assert "Setup page" in page.institution.placeholderText()
