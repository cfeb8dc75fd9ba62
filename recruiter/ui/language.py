"""The window's language: Qt's own strings (standard buttons, file dialogs) from the translations
PySide6 ships, the app's from recruiter/i18n.py, and the View → Language choice.

A language takes effect when the window starts (every label is built in it); switching remembers
the choice for the window and the command line and offers to restart."""

from __future__ import annotations

import sys

from recruiter import i18n
from recruiter.i18n import _

from .qt import QtCore, QtGui, QtWidgets

_TRANSLATOR = "recruiter_qt_translator"
QT_CATALOGS = ("qtbase",)


def install(app: QtCore.QCoreApplication) -> str:
    """Settle the language (Qt's idea of the system locale unless --lang or RECRUITER_LANG or a
    remembered choice says otherwise) and load Qt's own translations for it. Returns the code."""
    code = (
        i18n.language()
        if i18n.chosen_explicitly()
        else i18n.set_language(i18n.choose(system=QtCore.QLocale.system().name()))
    )
    for old in app.findChildren(QtCore.QTranslator, _TRANSLATOR):
        app.removeTranslator(old)
        old.setObjectName("")  # gone at once for the next findChildren, deleted later
        old.deleteLater()
    QtCore.QLocale.setDefault(QtCore.QLocale(code))
    if code == i18n.ENGLISH:
        return code
    folder = QtCore.QLibraryInfo.path(QtCore.QLibraryInfo.LibraryPath.TranslationsPath)
    for catalog in QT_CATALOGS:
        translator = QtCore.QTranslator(app)
        translator.setObjectName(_TRANSLATOR)
        if translator.load(f"{catalog}_{code}", folder):
            app.installTranslator(translator)
        else:
            translator.deleteLater()
    return code


def language_menu(parent: QtWidgets.QWidget) -> QtWidgets.QMenu:
    """View → Language: one checkable action per language, each written in itself."""
    menu = QtWidgets.QMenu(_("&Language"), parent)
    group = QtGui.QActionGroup(menu)
    for code in i18n.LANGUAGES:
        action = QtGui.QAction(i18n.NATIVE_NAMES[code], menu)
        action.setCheckable(True)
        action.setChecked(code == i18n.language())
        action.setData(code)
        group.addAction(action)
        menu.addAction(action)
        action.triggered.connect(lambda _checked=False, c=code: switch_language(parent, c))
    return menu


def switch_language(parent: QtWidgets.QWidget | None, code: str) -> bool:
    """Remember `code` and say that it applies from the next start; offers to restart now.
    Returns True when the user chose to restart (the caller then closes the window)."""
    if code == i18n.language():
        return False
    i18n.remember(code)
    box = QtWidgets.QMessageBox(parent)
    box.setIcon(QtWidgets.QMessageBox.Icon.Information)
    box.setWindowTitle(_("Language"))
    box.setText(
        _("Recruiter will use {language} from its next start.").format(
            language=i18n.NATIVE_NAMES[code]
        )
    )
    box.setInformativeText(_("Restart now to switch at once; your work is saved."))
    restart = box.addButton(_("Restart now"), QtWidgets.QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("Later"), QtWidgets.QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is not restart:
        return False
    restart_app()
    return True


def restart_app() -> None:
    """Start a new copy of the app with the same arguments, and quit this one."""
    app = QtCore.QCoreApplication.instance()
    if app is None:
        return
    # The same command line: `python <script or __main__.py> args` (a frozen app is its own
    # executable, and sys.argv[0] is then that executable too).
    args = sys.argv[1:] if getattr(sys, "frozen", False) else sys.argv
    QtCore.QProcess.startDetached(sys.executable, list(args))
    app.quit()
