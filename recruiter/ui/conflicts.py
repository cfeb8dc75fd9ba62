"""The question an editor asks when its save found the row changed by someone else since it was
opened (services/concurrency.py): reload their version, overwrite it (audited), or keep editing.
Never a silent lost update. One place, so every editor asks it the same way (and tests answer it
by replacing `ask`)."""

from __future__ import annotations

from typing import Literal

from recruiter.i18n import _
from recruiter.services.concurrency import EditConflict

from .qt import QtWidgets

Answer = Literal["reload", "overwrite", "keep"]


def ask(parent: QtWidgets.QWidget, conflict: EditConflict) -> Answer:
    box = QtWidgets.QMessageBox(parent)
    box.setIcon(QtWidgets.QMessageBox.Icon.Warning)
    box.setWindowTitle(_("Changed by someone else"))
    box.setText(str(conflict))
    reload_ = box.addButton(_("Reload"), QtWidgets.QMessageBox.ButtonRole.ResetRole)
    over = box.addButton(_("Overwrite"), QtWidgets.QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QtWidgets.QMessageBox.StandardButton.Cancel)
    box.exec()
    if box.clickedButton() is over:
        return "overwrite"
    return "reload" if box.clickedButton() is reload_ else "keep"
