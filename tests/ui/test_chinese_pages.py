"""In Chinese, the pages translated so far show no text made only of Latin words (issue 11).

The whole window's version of this test comes with the second wave; this one opens the pages and
dialogs whose files are translated: Candidates, Targets, Offers, Import history, Setup, the
welcome page, the candidate dialog and the import wizard."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from recruiter import i18n

# Words that stay as they are in a Chinese UI: abbreviations, file formats, product names, keys.
ALLOWED = {
    "orcid", "cny", "usd", "eur", "id", "ctrl", "excel", "csv", "utf", "gbk", "gb", "libreoffice",
    "ods", "xlsx", "xlsm", "xls", "tsv", "txt", "ok", "del", "enter", "utc", "yyyy", "mm", "dd",
    "shift", "tab", "esc", "pdf", "wps",
}  # fmt: skip
CJK = re.compile(r"[\u3400-\u9fff]")
# What a name or an e-mail address looks like: data, not words of the UI.
DATA = re.compile(r"\S+@\S+|https?://\S+|\d{4}-\d{4}-\d{4}-\d{3}[\dX]")


def latin_only(text: str) -> bool:
    """Text with Latin words outside ALLOWED and not a single Chinese character."""
    plain = DATA.sub(" ", re.sub(r"<[^>]+>", " ", text).replace("&", ""))
    if CJK.search(plain):
        return False
    words = [w.lower() for w in re.findall(r"[A-Za-z]{2,}", plain)]
    return any(w not in ALLOWED for w in words)


def visible_texts(root) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    from recruiter.ui.qt import Qt, QtWidgets

    found: list[tuple[str, str]] = []

    def add(widget, text: str | None) -> None:  # type: ignore[no-untyped-def]
        if text:
            found.append((f"{type(widget).__name__}:{widget.objectName()}", text))

    widgets = [root, *root.findChildren(QtWidgets.QWidget)]
    for w in widgets:
        if not w.isVisibleTo(root) and w is not root:
            continue
        if isinstance(w, QtWidgets.QLabel):
            add(w, w.text())
        elif isinstance(w, QtWidgets.QAbstractButton):
            add(w, w.text())
            add(w, w.toolTip())
        elif isinstance(w, QtWidgets.QGroupBox):
            add(w, w.title())
        elif isinstance(w, QtWidgets.QLineEdit):
            add(w, w.placeholderText())
        elif isinstance(w, QtWidgets.QComboBox):
            add(w, w.currentText())
        elif isinstance(w, QtWidgets.QTabBar):
            for i in range(w.count()):
                add(w, w.tabText(i))
        elif isinstance(w, QtWidgets.QHeaderView) and w.orientation() == Qt.Orientation.Horizontal:
            model = w.model()
            for i in range(model.columnCount() if model is not None else 0):
                if not w.isSectionHidden(i):
                    add(w, str(model.headerData(i, Qt.Orientation.Horizontal) or ""))
        elif isinstance(w, QtWidgets.QWizardPage):
            add(w, w.title())
            add(w, w.subTitle())
    return found


@pytest.fixture
def chinese(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    from recruiter.ui import language

    i18n.set_language("zh_CN")
    language.install(qapp)
    yield
    i18n.set_language("en")
    language.install(qapp)


def _show(qtbot, widget, drain, ctx) -> None:  # type: ignore[no-untyped-def]
    qtbot.addWidget(widget)
    widget.resize(1280, 720)
    widget.show()
    qtbot.waitExposed(widget)
    drain(ctx)
    shots = os.environ.get("RECRUITER_SHOTS")  # a folder: save each page to look at it
    if shots:
        widget.grab().save(str(Path(shots) / f"{type(widget).__name__}.png"))


def _offenders(widget) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(where, text) for where, text in visible_texts(widget) if latin_only(text)]


def test_the_checker_finds_english_and_lets_chinese_and_data_pass() -> None:
    assert latin_only("Add to pipeline")
    assert latin_only("<b>Stage history</b>")
    assert not latin_only("加入招聘流程")
    assert not latin_only("搜索姓名、ORCID（Ctrl+F）")
    assert not latin_only("ORCID")
    assert not latin_only("wei.zhang@example.org")
    assert not latin_only("12")


def test_translated_pages_show_chinese(qtbot, chinese, db, make_ctx, drain) -> None:  # type: ignore[no-untyped-def]
    from recruiter.services import candidates, institutions, targets
    from recruiter.ui.pages.candidates import CandidatesPage
    from recruiter.ui.pages.imports import ImportHistoryPage
    from recruiter.ui.pages.offers import OffersPage
    from recruiter.ui.pages.setup import SetupPage
    from recruiter.ui.pages.targets import TargetsPage
    from recruiter.ui.welcome import WelcomePage

    ctx = make_ctx(db)
    welcome = WelcomePage(ctx)
    _show(qtbot, welcome, drain, ctx)
    assert _offenders(welcome) == []
    assert any("欢迎" in t for _w, t in visible_texts(welcome))

    inst = institutions.create(db, name="武汉大学")
    targets.create(db, institution_id=inst, title="物理学教授")
    candidates.create(db, full_name="张伟", email="zw@example.org")
    for page_class in (CandidatesPage, TargetsPage, OffersPage, ImportHistoryPage, SetupPage):
        page = page_class(ctx)
        _show(qtbot, page, drain, ctx)
        assert _offenders(page) == [], page_class.__name__


def test_candidate_dialog_and_import_wizard_show_chinese(
    qtbot, chinese, db, make_ctx, drain
) -> None:  # type: ignore[no-untyped-def]
    from recruiter.services import candidates
    from recruiter.ui.candidate_detail import CandidateDialog
    from recruiter.ui.import_wizard import ImportWizard

    ctx = make_ctx(db)
    ident = candidates.create(db, full_name="张伟", email="zw@example.org")
    dialog = CandidateDialog(ctx, ident)
    _show(qtbot, dialog, drain, ctx)
    assert _offenders(dialog) == []
    wizard = ImportWizard(db, ctx.runner)
    _show(qtbot, wizard, drain, ctx)
    assert _offenders(wizard) == []
    # Qt's own buttons come from the translations PySide6 ships.
    from recruiter.ui.qt import QtWidgets

    assert wizard.button(QtWidgets.QWizard.WizardButton.CancelButton).text() == "取消"


def test_worded_placeholders_are_the_fields_own_words() -> None:
    from recruiter.ui.candidate_detail import PLACEHOLDERS, WORDED_PLACEHOLDERS

    assert {n: PLACEHOLDERS[n] for n in WORDED_PLACEHOLDERS} == WORDED_PLACEHOLDERS


def test_dialogs_of_translated_files_show_chinese(qtbot, chinese, db, make_ctx, drain) -> None:  # type: ignore[no-untyped-def]
    from recruiter.services import institutions, targets
    from recruiter.ui.candidate_detail import CloseDialog, TargetDialog
    from recruiter.ui.owners import OwnerDialog
    from recruiter.ui.pages.offers import ApplicationPicker
    from recruiter.ui.pages.setup import SetupPage

    inst = institutions.create(db, name="武汉大学")
    targets.create(db, institution_id=inst, title="物理学教授")
    ctx = make_ctx(db)
    dialogs = [CloseDialog(), TargetDialog(ctx), OwnerDialog(ctx, "张伟"), ApplicationPicker(ctx)]
    page = SetupPage(ctx)
    _show(qtbot, page, drain, ctx)
    dialogs += [page.new_institution(), page.new_officer()]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        drain(ctx)
        assert _offenders(dialog) == [], type(dialog).__name__
        assert not latin_only(dialog.windowTitle()), dialog.windowTitle()
