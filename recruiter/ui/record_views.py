"""The small read-only tables of the editors and boards (a candidate's applications, a case's
people and documents, import history): a RecordTableModel shown in a compact view that selects
whole rows, one at a time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .candidate_model import RecordTableModel
from .qt import Qt, QtCore, QtWidgets


def table_view(
    model: QtCore.QAbstractItemModel, *, sortable: bool = False, row_height: int = 22
) -> QtWidgets.QTableView:
    """`sortable`: header clicks sort, starting in the order the model holds."""
    view = QtWidgets.QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
    if sortable:
        view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # stored order
        view.setSortingEnabled(True)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(row_height)
    view.horizontalHeader().setStretchLastSection(True)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    return view


def record_table(
    parent: QtCore.QObject,
    columns: Sequence[tuple[str, str]],
    *,
    getter: Callable[[Any, str], Any] | None = None,
    sortable: bool = False,
) -> tuple[RecordTableModel, QtWidgets.QTableView]:
    """A model over (key, header) columns and its view."""
    model = RecordTableModel(columns, getter=getter, parent=parent)
    return model, table_view(model, sortable=sortable)


__all__ = ["record_table", "table_view"]
