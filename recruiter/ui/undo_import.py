"""The one question asked when an import's undo finds candidates edited since the import."""

from __future__ import annotations

from recruiter.i18n import _

from .qt import QtWidgets


def keep_touched(parent: QtWidgets.QWidget, title: str, message: str) -> bool:
    """Show the service's refusal (it names the candidates) and offer to keep them and undo the
    rest; True when the user chose "Keep them", False on Cancel."""
    box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Question, title, message, parent=parent)
    keep = box.addButton(_("Keep them"), QtWidgets.QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QtWidgets.QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is keep
