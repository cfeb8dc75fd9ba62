"""The small editors of the Setup page: a form whose Save runs an undoable command and shows the
services' complaints beside their fields, so nothing fails silently."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from recruiter.errors import ValidationError

from ..candidate_detail import INVALID_STYLE, error_label
from ..qt import QtWidgets
from ..undo import ServiceCommand

Field = tuple[str, str, QtWidgets.QWidget]  # key, label, editor


def line(text: Any = None, placeholder: str = "") -> QtWidgets.QLineEdit:
    edit = QtWidgets.QLineEdit("" if text is None else str(text))
    edit.setPlaceholderText(placeholder)
    edit.setMinimumWidth(320)
    return edit


class FormDialog(QtWidgets.QDialog):
    """`save(values)` pushes the command; `changed_only` passes only what differs from
    `original` (an edit), and Save with nothing changed just closes."""

    def __init__(
        self,
        title: str,
        fields: Sequence[Field],
        save: Callable[[dict[str, Any]], ServiceCommand],
        *,
        original: Mapping[str, Any] | None = None,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._save = save
        self.original = dict(original or {})
        self.editing = original is not None
        self.command: ServiceCommand | None = None
        self.fields: dict[str, QtWidgets.QWidget] = {}
        self.errors: dict[str, QtWidgets.QLabel] = {}
        form = QtWidgets.QFormLayout(self)
        for key, label, widget in fields:
            widget.setObjectName(f"field_{key}")
            err = error_label()
            err.hide()
            box = QtWidgets.QVBoxLayout()
            box.setSpacing(0)
            box.addWidget(widget)
            box.addWidget(err)
            form.addRow(label, box)
            self.fields[key] = widget
            self.errors[key] = err
        self.error = error_label()
        form.addRow(self.error)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Save
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def set_text(self, key: str, text: str) -> None:
        w = self.fields[key]
        if isinstance(w, QtWidgets.QLineEdit):
            w.setText(text)
        elif isinstance(w, QtWidgets.QComboBox):
            w.setCurrentIndex(max(w.findText(text), 0))

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, w in self.fields.items():
            if isinstance(w, QtWidgets.QLineEdit):
                out[key] = w.text().strip() or None
            elif isinstance(w, QtWidgets.QComboBox):
                out[key] = w.currentData()
        return out

    def show_errors(self, errors: Mapping[str, str]) -> None:
        for key, w in self.fields.items():
            w.setStyleSheet("")
            self.errors[key].hide()
        loose = []
        for key, text in errors.items():
            if key in self.errors:
                self.errors[key].setText(text)
                self.errors[key].show()
                self.fields[key].setStyleSheet(INVALID_STYLE)
            else:
                loose.append(f"{key}: {text}")
        self.error.setText("; ".join(loose))

    def save(self) -> bool:
        values = self.values()
        if self.editing:
            values = {k: v for k, v in values.items() if self.original.get(k) != v}
            if not values:
                self.accept()
                return True
        cmd = self._save(values)
        if cmd.error is not None:
            if isinstance(cmd.error, ValidationError):
                self.show_errors(cmd.error.errors)
            else:
                self.show_errors({})
                self.error.setText(str(cmd.error))
            return False
        self.command = cmd
        self.accept()
        return True


__all__ = ["Field", "FormDialog", "line"]
