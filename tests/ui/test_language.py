"""ui/language.py: Qt's own translations, and the View → Language action (not wired yet)."""

from __future__ import annotations

from pathlib import Path

import pytest

from recruiter import i18n


@pytest.fixture
def remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "language"
    monkeypatch.setattr(i18n, "remembered_file", lambda: path)
    return path


def test_install_loads_qt_translations_for_chinese_only(qapp) -> None:  # type: ignore[no-untyped-def]
    from recruiter.ui import language
    from recruiter.ui.qt import QtCore

    i18n.set_language("zh_CN")
    assert language.install(qapp) == "zh_CN"
    assert QtCore.QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    i18n.set_language("en")
    assert language.install(qapp) == "en"
    assert QtCore.QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


def test_the_language_menu_remembers_the_choice(qtbot, remembered: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from recruiter.ui import language
    from recruiter.ui.qt import QtWidgets

    shown: list[str] = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    parent = QtWidgets.QWidget()
    qtbot.addWidget(parent)
    menu = language.language_menu(parent)
    actions = {a.data(): a for a in menu.actions()}
    assert set(actions) == {"en", "zh_CN"}
    assert actions["en"].isChecked() and not actions["zh_CN"].isChecked()
    assert actions["zh_CN"].text() == "简体中文"
    actions["zh_CN"].trigger()
    assert remembered.read_text(encoding="utf-8").strip() == "zh_CN"
    assert shown and "简体中文" in shown[0]
    assert i18n.language() == "en"  # applies from the next start
    assert i18n.choose(None, env={}, system="en") == "zh_CN"
