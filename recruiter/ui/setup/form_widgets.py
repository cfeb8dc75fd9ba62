"""FormDialog with more editors (check boxes, spin boxes, dates, optional dates, plain-text
boxes) and small builders for them, for the gate, tier and calendar editors."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from ..qt import QtCore, QtWidgets
from .dialogs import FormDialog


class OptionalDate(QtWidgets.QWidget):
    """A date that may be left empty (a check box beside the date)."""

    def __init__(self, value: date | None, label: str = "") -> None:
        super().__init__()
        self.on = QtWidgets.QCheckBox(label)
        self.edit = QtWidgets.QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setDate(QtCore.QDate(value or date.today()))
        self.on.setChecked(value is not None)
        self.edit.setEnabled(value is not None)
        self.on.toggled.connect(self.edit.setEnabled)
        row = QtWidgets.QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.on)
        row.addWidget(self.edit, 1)

    def value(self) -> date | None:
        return self.edit.date().toPython() if self.on.isChecked() else None  # type: ignore[no-any-return]  # QDate.toPython is untyped


class Form(FormDialog):
    """FormDialog that also reads check boxes, spin boxes, dates and text boxes."""

    def values(self) -> dict[str, Any]:
        out = super().values()
        for key, w in self.fields.items():
            if isinstance(w, QtWidgets.QCheckBox):
                out[key] = w.isChecked()
            elif isinstance(w, QtWidgets.QSpinBox):
                out[key] = w.value()
            elif isinstance(w, QtWidgets.QDateEdit):
                out[key] = w.date().toPython()
            elif isinstance(w, OptionalDate):
                out[key] = w.value()
            elif isinstance(w, QtWidgets.QPlainTextEdit):
                out[key] = w.toPlainText().strip() or None
        return out


def check(on: bool, text: str = "") -> QtWidgets.QCheckBox:
    box = QtWidgets.QCheckBox(text)
    box.setChecked(bool(on))
    return box


def spin(value: int | None, lo: int, hi: int, suffix: str = "") -> QtWidgets.QSpinBox:
    box = QtWidgets.QSpinBox()
    box.setRange(lo, hi)
    box.setValue(value or 0)
    box.setSuffix(suffix)
    return box


def day(value: date | None) -> QtWidgets.QDateEdit:
    edit = QtWidgets.QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(QtCore.QDate(value or date.today()))
    return edit


def text_box(value: str | None, placeholder: str = "") -> QtWidgets.QPlainTextEdit:
    box = QtWidgets.QPlainTextEdit(value or "")
    box.setPlaceholderText(placeholder)
    box.setFixedHeight(70)
    return box


def combo(choices: Iterable[tuple[str, Any]], current: Any) -> QtWidgets.QComboBox:
    box = QtWidgets.QComboBox()
    for label, data in choices:
        box.addItem(label, data)
    box.setCurrentIndex(max(box.findData(current), 0))
    return box


__all__ = ["Form", "OptionalDate", "check", "combo", "day", "spin", "text_box"]
