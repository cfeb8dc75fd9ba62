"""In Chinese, the window shows no text made only of Latin words (issue 11).

The whole-app test opens every page of the sidebar (and every tab of each), the menus, the
follow-ups dock and the dialogs (candidate with its Approvals tab, offer editor, payment schedule,
the case editor on the Visas page) over the demo data; the others drive single pages and dialogs."""

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
    "shift", "tab", "esc", "pdf", "wps", "fwp", "recruiter", "db",
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


def _tabs_shown(qtbot, root, drain, ctx) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The offenders of `root` with each tab of each of its tab widgets shown in turn."""
    from recruiter.ui.qt import QtWidgets

    found = _offenders(root)
    for tabs in root.findChildren(QtWidgets.QTabWidget):
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            drain(ctx)
            found += _offenders(tabs.currentWidget())
    return found


def _menu_texts(menu) -> list[str]:  # type: ignore[no-untyped-def]
    texts = [menu.title()]
    for action in menu.actions():
        texts.append(action.text())
        if action.menu() is not None:
            texts += _menu_texts(action.menu())
    return texts


def _data_strings(db) -> list[str]:  # type: ignore[no-untyped-def]
    """What the demo data names (people, institutions, targets, budgets): data, not the UI's
    words, wherever a label or a list shows it. Longest first, so a title goes before its parts."""
    from sqlalchemy import text

    found = set(i18n.NATIVE_NAMES.values())  # the language menu names each language in itself
    with db.engine.connect() as conn:
        for sql in (
            "SELECT full_name FROM candidate",
            "SELECT title FROM target",
            "SELECT name FROM institution",
            "SELECT name FROM funding_source",
            "SELECT value FROM setting",
        ):
            found |= {str(v) for (v,) in conn.execute(text(sql)) if v}
    return sorted(found, key=len, reverse=True)


# Labels the window shows but domain/ and services/ own (enum and figure labels), translated on
# the issue-11 core branch at the same time as this test was written. Each is let through only
# while the catalog has no entry for it at all: once that branch lands, the entry exists and the
# label must show in Chinese like every other (test_catalog then insists on its translation).
PENDING_CORE = {
    "Applications", "Target headcount", "Hired against targets", "Offers made",
    "Offer acceptance rate", "Median first-year cash", "Median start-up funds",
    "Funding available", "Overdue follow-ups", "Stale (over 30 days in stage)",
    "After a year of service", "On arrival", "Pro rata to months not served", "Info", "Needed",
    "Spouse", "Z visa", "Entry", "FWP accepted", "FWP pre-review submitted", "First day",
    "Medical check", "Notification or confirmation letter issued", "Planned entry",
    "Residence permit issued", "Visa issued", "Work permit issued",
}  # fmt: skip
TIME_ZONE = re.compile(r"\b[A-Z][A-Za-z_]+/[A-Za-z_]+\b")  # Asia/Shanghai: data


def _catalog_ids() -> set[str]:
    from babel.messages.pofile import read_po

    with (i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "recruiter.po").open("rb") as f:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}


def _not_data(offenders, data: list[str]) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    pending = PENDING_CORE - _catalog_ids()

    def strip(text: str) -> str:
        for value in data:
            text = text.replace(value, " ")
        return TIME_ZONE.sub(" ", text)

    return [(w, t) for w, t in offenders if t not in pending and latin_only(strip(t))]


def test_the_whole_window_shows_chinese(qtbot, chinese, demo_db, make_ctx, settings, drain) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from recruiter.ui.application_gates import ApplicationGatesView
    from recruiter.ui.candidate_detail import CandidateDialog
    from recruiter.ui.main_window import MainWindow
    from recruiter.ui.offer_editor import OfferEditor
    from recruiter.ui.qt import QtWidgets
    from recruiter.ui.schedule_editor import ScheduleDialog

    win = MainWindow(make_ctx(demo_db), settings)
    ctx = win.ctx
    _show(qtbot, win, drain, ctx)
    shots = os.environ.get("RECRUITER_SHOTS")
    offenders: dict[str, list[tuple[str, str]]] = {}
    for row in range(win.sidebar.count()):
        assert not latin_only(win.sidebar.item(row).text()), win.sidebar.item(row).text()
    for name in win.pages:
        page = win.show_page(name)
        drain(ctx)
        if shots:
            win.grab().save(str(Path(shots) / f"page-{type(page).__name__}.png"))
        offenders[name] = _tabs_shown(qtbot, page, drain, ctx)
    words = [t for m in win.menuBar().findChildren(QtWidgets.QMenu) for t in _menu_texts(m)]
    offenders["menus"] = [("menu", t) for t in words if latin_only(t)]
    win.followups.show()
    drain(ctx)
    offenders["follow-ups"] = _offenders(win.followups)

    with demo_db.engine.connect() as conn:
        app_id, cand_id = conn.execute(
            text(
                "SELECT a.id, a.candidate_id FROM application a JOIN offer o "
                "ON o.application_id = a.id ORDER BY a.id LIMIT 1"
            )
        ).one()
        offer_id, item_id = conn.execute(
            text("SELECT o.id, i.id FROM offer o JOIN offer_item i ON i.offer_id = o.id LIMIT 1")
        ).one()
        case_id = conn.execute(text("SELECT id FROM immigration_case LIMIT 1")).scalar_one()

    visas = win.show_page("Visas & arrivals")
    visas.select_case(case_id)
    drain(ctx)
    offenders["case editor"] = _tabs_shown(qtbot, visas, drain, ctx)

    dialog = CandidateDialog(ctx, cand_id)
    _show(qtbot, dialog, drain, ctx)
    approvals = dialog.findChild(ApplicationGatesView)
    approvals.show_application(app_id)
    drain(ctx)
    offenders["candidate"] = _tabs_shown(qtbot, dialog, drain, ctx)
    if shots:  # its last tab, Approvals, is showing now
        dialog.grab().save(str(Path(shots) / "CandidateDialog-approvals.png"))
    for widget in (OfferEditor(ctx, offer_id=offer_id), ScheduleDialog(ctx, item_id)):
        _show(qtbot, widget, drain, ctx)
        offenders[type(widget).__name__] = _offenders(widget)
        offenders[type(widget).__name__] += (
            [("title", widget.windowTitle())] if latin_only(widget.windowTitle()) else []
        )
    data = _data_strings(demo_db)
    bad = {k: _not_data(v, data) for k, v in offenders.items() if _not_data(v, data)}
    assert bad == {}, "\n".join(f"{k}: {w} {t!r}" for k, v in bad.items() for w, t in v)
