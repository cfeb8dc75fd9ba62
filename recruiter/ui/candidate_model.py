"""The Candidates table model, Anki-browser style: it holds only the ordered ids of the current
result and fetches rows lazily, a page at a time, by id. Sorting and filtering happen in SQL."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from recruiter.domain.clock import to_local
from recruiter.services import candidates
from recruiter.store.database import Database

from .qt import QtCore, Qt

PAGE = 200
MAX_PAGES = 50


class CandidateTableModel(QtCore.QAbstractTableModel):
    """Ids in memory, rows fetched in pages of PAGE and kept in a small LRU cache."""

    COLUMNS: tuple[str, ...] = ("full_name", "name_zh", "email", "current_institution", "country",
                                "field", "phd_year", "h_index", "source", "created_at")

    def __init__(self, db: Database, parent: QtCore.QObject | None = None,
                 columns: Sequence[str] | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.columns = tuple(columns or self.COLUMNS)
        self.ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, tuple[Any, ...]]] = OrderedDict()
        self.query = candidates.CandidateQuery()
        self.fetcher: Callable[[Sequence[int], Sequence[str]], dict[int, tuple[Any, ...]]] = (
            lambda ids, cols: candidates.fetch_rows(self.db, ids, cols))

    # -- loading ------------------------------------------------------------------------
    def set_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self.ids = ids
        self._pages.clear()
        self.endResetModel()

    def invalidate_rows(self) -> None:
        """Row contents changed (an edit elsewhere): drop the cache and repaint."""
        self._pages.clear()
        if self.ids:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.ids) - 1, len(self.columns) - 1))

    def _row(self, row: int) -> tuple[Any, ...] | None:
        page_no = row // PAGE
        page = self._pages.get(page_no)
        if page is None:
            chunk = self.ids[page_no * PAGE:(page_no + 1) * PAGE]
            page = self.fetcher(chunk, self.columns)
            self._pages[page_no] = page
            if len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page.get(self.ids[row])

    def id_at(self, row: int) -> int:
        return self.ids[row]

    # -- Qt model API ----------------------------------------------------------------------
    def rowCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QtCore.QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.ids):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values = self._row(index.row())
            if values is None:
                return "" if role == Qt.ItemDataRole.DisplayRole else None
            return _display(values[index.column()])
        if role == Qt.ItemDataRole.UserRole:
            return self.ids[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[index.column()] in (
                "phd_year", "h_index"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return candidates.LABELS.get(self.columns[section], self.columns[section])
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    def flags(self, index: QtCore.QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self.query = candidates.CandidateQuery(
            text=self.query.text, sort=self.columns[column],
            descending=order == Qt.SortOrder.DescendingOrder)
        self.reload()

    def reload(self) -> None:
        self.layoutAboutToBeChanged.emit()
        self.set_ids(candidates.query_ids(self.db, self.query))
        self.layoutChanged.emit()


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return to_local(value).strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
