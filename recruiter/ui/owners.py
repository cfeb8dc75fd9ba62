"""Owners from a list: the recruiting officers (services.choices.officers) in an editable box.

Applications and targets keep their owner as text, so the box offers the officers' names (the
label, with the Chinese name, is the tooltip) and still takes a name typed by hand; an archived
officer is offered only when the record already names them.
"""

from __future__ import annotations

from collections.abc import Iterable

from recruiter.i18n import _
from recruiter.services import choices, officers
from recruiter.store.database import Database

from .context import AppContext
from .ops import Reads
from .qt import Qt, QtWidgets


def owner_names(db: Database, keep: Iterable[str | None] = ()) -> list[tuple[str, str]]:
    """(name, label) of the officers to offer, and of the kept owners. Runs in a worker."""
    kept = [k for k in keep if k]
    names = {o.id: o.name for o in officers.list_all(db, archived=True)}
    return [
        (names.get(c.id, c.label) if c.id else c.label, c.label)
        for c in choices.officers(db, keep=kept)
    ]


class OwnerBox(QtWidgets.QComboBox):
    """An editable combo box of officers' names; `owner()` is the text, None when blank."""

    def __init__(self, parent: QtWidgets.QWidget | None = None, placeholder: str = "") -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QtWidgets.QComboBox.InsertPolicy.NoInsert)
        self.setSizeAdjustPolicy(
            QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.setMinimumContentsLength(12)
        edit = self.lineEdit()
        if edit is not None and placeholder:
            edit.setPlaceholderText(placeholder)

    def set_names(self, names: list[tuple[str, str]]) -> None:
        """Refill the list, keeping what is typed."""
        text = self.currentText()
        self.blockSignals(True)
        self.clear()
        for name, label in names:
            self.addItem(name)
            self.setItemData(self.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
        self.setCurrentText(text)
        self.blockSignals(False)

    def owner(self) -> str | None:
        return self.currentText().strip() or None


class OwnerDialog(QtWidgets.QDialog):
    """Ask for an owner: an officer from the list, a typed name, or blank for nobody."""

    def __init__(self, ctx: AppContext, text: str, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Set owner"))
        form = QtWidgets.QFormLayout(self)
        form.addRow(QtWidgets.QLabel(text))
        self.owner = OwnerBox(placeholder=_("blank: nobody"))
        form.addRow(_("Owner"), self.owner)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.reads = Reads(ctx.runner, self)
        db = ctx.db
        self.reads.start("owners", lambda: owner_names(db), self.owner.set_names)


__all__ = ["OwnerBox", "OwnerDialog", "owner_names"]
