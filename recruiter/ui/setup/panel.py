"""One list of the Setup page (institutions, departments, funding sources, officers): a table
with New / Edit / Remove / Unarchive, "Show archived", and the keys an office expects: Delete
removes, Enter edits, Ctrl+N adds to the list that has the focus."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from recruiter.i18n import _

from ..candidate_model import RecordTableModel
from ..qt import Qt, QtCore, QtGui, QtWidgets

GREY = QtGui.QColor("#777777")


class ListKeys(QtCore.QObject):
    """Delete, Enter and Ctrl+N on a table. Claimed at ShortcutOverride, so the window's own
    Ctrl+N (new candidate) does not fire while the list has the focus."""

    def __init__(
        self,
        view: QtWidgets.QAbstractItemView,
        *,
        new: Callable[[], Any],
        edit: Callable[[], Any],
        remove: Callable[[], Any],
    ) -> None:
        super().__init__(view)
        self._actions = {"new": new, "edit": edit, "remove": remove}
        view.installEventFilter(self)

    @staticmethod
    def action_for(event: QtGui.QKeyEvent) -> str | None:
        key, mods = event.key(), event.modifiers()
        ctrl = Qt.KeyboardModifier.ControlModifier
        if key == Qt.Key.Key_N and mods & ctrl:
            return "new"
        if mods & ctrl:
            return None
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return "edit"
        if key == Qt.Key.Key_Delete:
            return "remove"
        return None

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        kind = event.type()
        if kind in (QtCore.QEvent.Type.ShortcutOverride, QtCore.QEvent.Type.KeyPress):
            assert isinstance(event, QtGui.QKeyEvent)
            action = self.action_for(event)
            if action is not None:
                event.accept()
                if kind == QtCore.QEvent.Type.KeyPress:
                    self._actions[action]()
                return True
        return super().eventFilter(watched, event)


class ListPanel(QtWidgets.QWidget):
    """A titled list of records that carry `id` and `archived_at`."""

    def __init__(
        self,
        title: str,
        columns: Sequence[tuple[str, str]],
        *,
        getter: Callable[[Any, str], Any] | None = None,
        widths: dict[str, int] | None = None,  # caps, by column key
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.all_records: list[Any] = []
        self.title = QtWidgets.QLabel(f"<b>{title}</b>")
        self.new_button = QtWidgets.QPushButton(_("New…"))
        self.edit_button = QtWidgets.QPushButton(_("Edit…"))
        self.remove_button = QtWidgets.QPushButton(_("Remove"))
        self.unarchive_button = QtWidgets.QPushButton(_("Unarchive"))
        self.new_button.setToolTip(_("Add one (Ctrl+N in the list)"))
        self.edit_button.setToolTip(_("Edit the selected row (Enter)"))
        self.remove_button.setToolTip(
            _(
                "Delete (Del): what nothing refers to is deleted; anything still in use is "
                "archived — hidden from choices, kept in history and reports"
            )
        )
        self.show_archived = QtWidgets.QCheckBox(_("Show archived"))
        bar = QtWidgets.QHBoxLayout()
        bar.addWidget(self.title)
        bar.addStretch(1)
        for w in (
            self.show_archived,
            self.new_button,
            self.edit_button,
            self.remove_button,
            self.unarchive_button,
        ):
            bar.addWidget(w)

        self.model = RecordTableModel(columns, getter=getter, parent=self)
        self.model.decorate = self._decorate
        self.view = QtWidgets.QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.caps = dict(widths or {})  # key -> widest a column may grow to fit its text
        self.empty = QtWidgets.QLabel()
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #555;")
        self.empty.hide()

        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.empty)
        layout.addWidget(self.view, 1)
        self.show_archived.toggled.connect(lambda _on: self._show())
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self._update_buttons()

    def connect_actions(
        self,
        *,
        new: Callable[[], Any],
        edit: Callable[[], Any],
        remove: Callable[[], Any],
        unarchive: Callable[[], Any],
    ) -> None:
        self.new_button.clicked.connect(lambda: new())
        self.edit_button.clicked.connect(lambda: edit())
        self.remove_button.clicked.connect(lambda: remove())
        self.unarchive_button.clicked.connect(lambda: unarchive())
        self.view.doubleClicked.connect(lambda _i: edit())
        self.keys = ListKeys(self.view, new=new, edit=edit, remove=remove)

    def _decorate(self, rec: Any, key: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and getattr(rec, "archived_at", None):
            return QtGui.QBrush(GREY)
        return None

    def set_records(self, records: Sequence[Any], empty_text: str = "") -> None:
        self.all_records = list(records)
        self.empty.setText(empty_text)
        self._show()

    def _show(self) -> None:
        keep = self.selected_id()
        shown = [
            r
            for r in self.all_records
            if self.show_archived.isChecked() or getattr(r, "archived_at", None) is None
        ]
        self.model.set_records(shown)
        header = self.view.horizontalHeader()
        if header.sortIndicatorSection() >= 0:
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.fit_columns()
        self.empty.setVisible(not shown and bool(self.empty.text()))
        if keep is not None:
            self.select_id(keep)
        self._update_buttons()

    def fit_columns(self) -> None:
        fit_columns(self.view, self.model.columns, self.caps)

    def selected(self) -> Any | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.model.records):
            return None
        return self.model.record(rows[0].row())

    def selected_id(self) -> int | None:
        rec = self.selected()
        return int(rec.id) if rec is not None else None

    def select_id(self, ident: int) -> bool:
        for n, rec in enumerate(self.model.records):
            if rec.id == ident:
                self.view.selectRow(n)
                return True
        return False

    def _update_buttons(self) -> None:
        rec = self.selected()
        self.edit_button.setEnabled(rec is not None)
        self.remove_button.setEnabled(rec is not None and rec.archived_at is None)
        self.unarchive_button.setEnabled(rec is not None and rec.archived_at is not None)
        self.unarchive_button.setVisible(self.show_archived.isChecked())


def fit_columns(
    view: QtWidgets.QTableView, columns: Sequence[tuple[str, str]], caps: dict[str, int]
) -> None:
    """Headers and values fit and long values are capped (their tooltip shows them whole), so
    a list needs no horizontal scrolling at 1280 pixels."""
    view.resizeColumnsToContents()
    for i, (key, _label) in enumerate(columns):
        cap = caps.get(key, 160)
        if view.columnWidth(i) > cap:
            view.setColumnWidth(i, cap)


def status(rec: Any) -> str:
    return _("archived") if getattr(rec, "archived_at", None) else _("in use")


__all__ = ["ListKeys", "ListPanel", "fit_columns", "status"]
