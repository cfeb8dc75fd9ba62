"""Table models of the tracking workspace.

`CandidateTableModel` is Anki-browser style: it holds only the ordered ids of the current result
and fetches rows lazily, a page at a time, by id; sorting and filtering happen in SQL. The ids
query runs in the task runner (it can take 50-300 ms at 100k candidates) and only the newest
answer is applied, so typing fast never shows a stale list. `RecordTableModel` serves the small,
fully loaded lists (targets, follow-ups, a candidate's applications and history).
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from recruiter.domain import fields
from recruiter.domain.clock import to_local
from recruiter.domain.enums import Stage
from recruiter.i18n import _, pgettext
from recruiter.services import candidates
from recruiter.store.database import Database

from .qt import Qt, QtCore, QtGui, Signal, Slot
from .tasks import TaskRunner

PAGE = 100
MAX_PAGES = 100
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_USER = int(Qt.ItemDataRole.UserRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole.value)
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)


def display(value: Any) -> str:
    """How a stored value reads in a cell: local dates, enum labels, blanks for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, datetime):
        return to_local(value).strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    label = getattr(value, "label", None)
    if isinstance(label, str):
        return label
    return str(value)


_LATE_BRUSH = QtGui.QBrush(QtGui.QColor("#b3261e"))
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class _JobSignals(QtCore.QObject):
    done = Signal(int, object)
    failed = Signal(int, object)


class _Job(QtCore.QRunnable):
    """One load in the runner's pool. It reports, tagged with its generation, through a QObject
    living on the GUI thread to @Slot methods of another: a queued call on the GUI thread, with
    no dialog or Task bookkeeping per keystroke."""

    def __init__(self, generation: int, fn: Callable[[], Any], signals: _JobSignals) -> None:
        super().__init__()
        self.generation = generation
        self.fn = fn
        self.signals = signals
        self.setAutoDelete(False)

    def run(self) -> None:  # worker thread
        try:
            result = self.fn()
        except Exception as exc:
            self._emit(self.signals.failed, exc)
        else:
            self._emit(self.signals.done, result)

    def _emit(self, signal: Any, value: Any) -> None:
        # RuntimeError: the page was closed while this ran, and nobody waits for the answer.
        with contextlib.suppress(RuntimeError):
            signal.emit(self.generation, value)


class Latest(QtCore.QObject):
    """Runs a load in the runner's thread pool and delivers only the newest result (older ones
    are stale: the user typed on or changed a filter meanwhile). Without a runner it runs
    inline, which tests of pure logic may use."""

    def __init__(self, runner: TaskRunner | None, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self._generation = 0
        self._callbacks: tuple[Callable[[Any], None], Callable[[BaseException], None] | None] = (
            lambda _r: None,
            None,
        )
        self._jobs: set[_Job] = set()
        self._signals = _JobSignals(self)
        self._signals.done.connect(self._done)
        self._signals.failed.connect(self._failed)
        self.pending = False

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._generation += 1
        self._callbacks = (on_done, on_error)
        self.pending = True
        if self.runner is None:
            try:
                result = fn()
            except Exception as exc:
                self._failed(self._generation, exc)
            else:
                self._done(self._generation, result)
            return
        job = _Job(self._generation, fn, self._signals)
        self._jobs.add(job)
        self.runner.pool.start(job)

    def _forget(self, generation: int) -> None:
        self._jobs = {j for j in self._jobs if j.generation > generation}

    @Slot(int, object)
    def _done(self, generation: int, result: object) -> None:
        self._forget(generation)
        if generation == self._generation:
            self.pending = False
            self._callbacks[0](result)

    @Slot(int, object)
    def _failed(self, generation: int, exc: object) -> None:
        self._forget(generation)
        if generation == self._generation:
            self.pending = False
            if self._callbacks[1] is not None:
                self._callbacks[1](exc)  # type: ignore[arg-type]


class CandidateTableModel(QtCore.QAbstractTableModel):
    """Ids in memory, rows fetched in pages of PAGE and kept in a small LRU cache."""

    loaded = Signal()  # a new id list is in place
    failed = Signal(object)

    COLUMNS: tuple[str, ...] = candidates.COLUMNS
    NUMERIC = frozenset({"id", "applications", *fields.NUMERIC})

    def __init__(
        self,
        db: Database,
        parent: QtCore.QObject | None = None,
        columns: Sequence[str] | None = None,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.columns = tuple(columns or self.COLUMNS)
        self.ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, tuple[Any, ...]]] = OrderedDict()
        self.query = candidates.CandidateQuery()
        self.loader = Latest(runner, self)
        self._partial = False
        self._full = QtCore.QTimer(self, singleShot=True, interval=30)
        self._full.timeout.connect(self._run_full)
        self.visible: set[str] | None = None  # None: fetch every column
        self.suspended = False
        self.fetcher: Callable[[Sequence[int], Sequence[str]], dict[int, tuple[Any, ...]]] = (
            lambda ids, cols: candidates.fetch_rows(self.db, ids, cols)
        )
        self._today = date.today()
        self._due_col = self.columns.index("next_due") if "next_due" in self.columns else -1
        self._numeric_cols = {i for i, c in enumerate(self.columns) if c in self.NUMERIC}
        # Columns the signed-in role may not read (a viewer without contact data): blank cells,
        # "(hidden)" in the header, not sortable.
        self.hidden = candidates.hidden_columns(db)
        self.read_only = candidates.read_only(db)

    # -- loading ------------------------------------------------------------------------
    def set_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self.ids = ids
        self._pages.clear()
        self._today = date.today()
        self.endResetModel()

    def invalidate_rows(self) -> None:
        """Row contents changed (an edit elsewhere): drop the cache and repaint."""
        self._pages.clear()
        if self.ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.ids) - 1, len(self.columns) - 1)
            )

    def _row(self, row: int) -> tuple[Any, ...] | None:
        """Display strings of one row; its page of PAGE rows is fetched (and formatted) once."""
        page_no = row // PAGE
        page = self._pages.get(page_no)
        if page is None:
            chunk = self.ids[page_no * PAGE : (page_no + 1) * PAGE]
            wanted = [c for c in self.columns if self.visible is None or c in self.visible]
            page = {
                cid: self._format(dict(zip(wanted, values, strict=True)))
                for cid, values in self.fetcher(chunk, wanted).items()
            }
            self._pages[page_no] = page
            if len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page.get(self.ids[row])

    def rows_reader(
        self, rows: Sequence[int], columns: Sequence[int]
    ) -> Callable[[], list[list[Any]]]:
        """What `data()` shows for these rows and columns, as a function for a worker thread:
        exporting 100,000 candidates "as shown" must not fetch them on the GUI thread."""
        ids = [self.ids[r] for r in rows]
        names = [self.columns[c] for c in columns]
        fetch, fmt = self.fetcher, self._format

        def read() -> list[list[Any]]:
            out: list[list[Any]] = []
            for start in range(0, len(ids), PAGE):
                chunk = ids[start : start + PAGE]
                got = fetch(chunk, names)
                for cid in chunk:
                    shown = fmt(dict(zip(names, got[cid], strict=True))) if cid in got else None
                    out.append(["" if shown is None else shown[c] for c in columns])
            return out

        return read

    def set_visible(self, columns: set[str]) -> None:
        """Fetch only what is shown (the computed columns cost a subquery per row)."""
        if columns != self.visible:
            self.visible = set(columns)
            self.invalidate_rows()

    def _format(self, values: dict[str, Any]) -> tuple[Any, ...]:
        today = self._today.isoformat()
        out: list[Any] = []
        for name in self.columns:
            value = values.get(name)
            if name == "stage":
                out.append(candidates.stage_label(value))
            elif name == "next_due" and value is not None:
                out.append(str(value) + ("  ⚠" if str(value) < today else ""))
            else:
                out.append(display(value))
        return tuple(out)

    def id_at(self, row: int) -> int:
        return self.ids[row]

    def row_of(self, candidate_id: int) -> int:
        try:
            return self.ids.index(candidate_id)
        except ValueError:
            return -1

    def reload(self) -> None:
        """Re-run the ids query for `self.query` in the background; the newest answer wins.

        First a LIMIT query for one screenful (a few ms), painted at once; then the full list of
        up to 100k ids, started a moment later so that reading it (which holds the GIL) does not
        delay the paint; its rows are appended when it arrives."""
        db, query = self.db, self.query
        self._partial = False
        self._full.stop()
        self.loader.run(
            lambda: candidates.query_ids(db, query, limit=PAGE),
            self._apply_preview,
            self.failed.emit,
        )

    def _apply_preview(self, ids: list[int]) -> None:
        if len(ids) < PAGE:  # that is all of it
            self._apply(ids)
            return
        self._partial = True
        self.set_ids(ids)
        self._full.start()

    def _run_full(self) -> None:
        db, query = self.db, self.query
        self.loader.run(lambda: candidates.query_ids(db, query), self._apply, self.failed.emit)

    def _apply(self, ids: list[int]) -> None:
        n = len(self.ids)
        if self._partial and ids[:n] == self.ids:
            if len(ids) > n:
                self.beginInsertRows(QtCore.QModelIndex(), n, len(ids) - 1)
                self.ids = ids
                self.endInsertRows()
        else:
            self.set_ids(ids)
        self._partial = False
        self.loaded.emit()

    @property
    def loading(self) -> bool:
        """True until the full id list of the current query is in."""
        return self.loader.pending or self._partial

    # -- Qt model API ----------------------------------------------------------------------
    def rowCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QtCore.QModelIndex, role: int = _DISPLAY) -> Any:
        # Called ~10 times per painted cell: plain int comparisons, pre-formatted strings.
        if role in (_DISPLAY, _TOOLTIP):
            row = index.row()
            if not 0 <= row < len(self.ids):
                return None
            values = self._row(row)
            if values is None:
                return "" if role == _DISPLAY else None
            return values[index.column()]
        if role == _USER:
            row = index.row()
            return self.ids[row] if 0 <= row < len(self.ids) else None
        if role == _FOREGROUND and index.column() == self._due_col:
            values = self._row(index.row()) if 0 <= index.row() < len(self.ids) else None
            if values is not None and values[self._due_col].endswith("⚠"):
                return _LATE_BRUSH
            return None
        if role == _ALIGN and index.column() in self._numeric_cols:
            return _RIGHT
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns)
        if horizontal and role == Qt.ItemDataRole.ToolTipRole:
            if self.columns[section] in self.hidden:
                return _("Your sign-in may not read this column; the office hides it from viewers.")
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if horizontal:
            label = candidates.LABELS.get(self.columns[section], self.columns[section])
            return (
                _("{label} (hidden)").format(label=label)
                if self.columns[section] in self.hidden
                else label
            )
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.ids):
            return section + 1
        return None

    def flags(self, index: QtCore.QModelIndex) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or self.columns[column] not in candidates.SORTABLE:
            return
        if self.columns[column] in self.hidden:
            return
        query = self.query.with_(
            sort=self.columns[column], descending=order == Qt.SortOrder.DescendingOrder
        )
        if query == self.query and (self.ids or self.loading):
            return
        self.query = query
        if not self.suspended:  # the page sets suspended while it builds its header
            self.reload()


class RecordTableModel(QtCore.QAbstractTableModel):
    """A read-only table over a short list of records (dataclasses or tuples), sortable in
    memory: the lists it serves are already bounded by their SQL (one candidate, one board)."""

    def __init__(
        self,
        columns: Sequence[tuple[str, str]],
        getter: Callable[[Any, str], Any] | None = None,
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.records: list[Any] = []
        self.getter = getter or (lambda rec, key: getattr(rec, key))
        self.decorate: Callable[[Any, str, int], Any] | None = None  # (record, key, role)
        self.numeric: set[str] = set()
        # key -> how to show a value that sorts as a number (e.g. money in minor units)
        self.formatters: dict[str, Callable[[Any], str]] = {}

    def set_records(self, records: Sequence[Any]) -> None:
        self.beginResetModel()
        self.records = list(records)
        self.endResetModel()

    def record(self, row: int) -> Any:
        return self.records[row]

    def rowCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QtCore.QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.records):
            return None
        rec = self.records[index.row()]
        key = self.columns[index.column()][0]
        if self.decorate is not None and role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.EditRole,
        ):
            value = self.decorate(rec, key, role)
            if value is not None:
                return value
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = self.getter(rec, key)
            fmt = self.formatters.get(key)
            return fmt(value) if fmt is not None and value is not None else display(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and key in self.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            label = self.columns[section][1]  # an N_-marked literal, or NC_'s (context, text)
            return pgettext(*label) if isinstance(label, tuple) else _(label)
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.records):
            return section + 1
        return None

    def flags(self, index: QtCore.QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        key = self.columns[column][0]

        def sort_key(rec: Any) -> tuple[int, Any]:
            value = self.getter(rec, key)
            if value is None:
                return (1, "")
            if isinstance(value, Stage):
                return (0, value.index)
            if isinstance(value, int | float):
                return (0, value)
            return (0, display(value).casefold())

        self.layoutAboutToBeChanged.emit()
        # Empty values stay at the bottom whichever way the column is sorted.
        filled = [r for r in self.records if self.getter(r, key) is not None]
        empty = [r for r in self.records if self.getter(r, key) is None]
        filled.sort(key=sort_key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.records = filled + empty
        self.layoutChanged.emit()
