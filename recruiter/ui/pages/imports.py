"""Import history: every candidate list imported (file, when, by whom, what it did), the
candidates of a batch, and undoing a batch with the same refusal rules as `recruiter
undo-import` (services.importing.undo_import), behind a progress dialog."""

from __future__ import annotations

from typing import Any

from recruiter.domain import clock
from recruiter.domain.changes import Kind
from recruiter.i18n import N_, _
from recruiter.services import import_history, importing
from recruiter.services.import_history import BatchCandidate, BatchRow

from ..candidate_model import RecordTableModel
from ..context import AppContext
from ..ops import CollectionOp, Reader
from ..qt import Qt, QtGui, QtWidgets
from ..record_views import table_view
from ..setup.panel import fit_columns
from ..tasks import CancelledFn, ProgressFn, show_error
from ..undo_import import keep_touched
from .base import Page

BATCH_COLUMNS = [
    ("id", N_("Batch")),
    ("file_name", N_("File")),
    ("imported_at", N_("Imported")),
    ("user", N_("By")),
    ("source", N_("Source")),
    ("rows", N_("Rows")),
    ("created", N_("Created")),
    ("updated", N_("Updated")),
    ("duplicates", N_("Duplicates")),
    ("invalid", N_("Invalid")),
    ("undone", N_("Undone")),
]
ROW_COLUMNS = [
    ("candidate_id", N_("Candidate")),
    ("full_name", N_("Name")),
    ("name_zh", N_("Chinese name")),
    ("email", N_("E-mail")),
    ("action", N_("Import")),
    ("fields", N_("Fields written")),
]


def _batch_value(b: BatchRow, key: str) -> Any:
    if key == "imported_at":
        return clock.to_local(b.imported_at).strftime("%Y-%m-%d %H:%M")
    if key == "undone":
        if b.undone_at is None:
            return None
        when = clock.to_local(b.undone_at).strftime("%Y-%m-%d %H:%M")
        return (
            _("{when} by {undone_by}").format(when=when, undone_by=b.undone_by)
            if b.undone_by
            else when
        )
    return getattr(b, key)


def _row_value(r: BatchCandidate, key: str) -> Any:
    if key == "full_name":
        return r.full_name if r.exists else _("(no longer exists)")
    if key == "fields":
        return ", ".join(r.fields) or None
    return getattr(r, key)


class ImportHistoryPage(Page):
    name = N_("Import history")
    watches = frozenset({Kind.import_batch, Kind.candidate})

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.reader = Reader(ctx, self)
        self.rows_reader = Reader(ctx, self)
        self.undoing = False
        self.batches = RecordTableModel(BATCH_COLUMNS, getter=_batch_value, parent=self)
        self.batches.numeric = {"id", "rows", "created", "updated", "duplicates", "invalid"}
        self.batches.decorate = self._decorate
        self.view = table_view(self.batches, row_height=24)
        self.rows = RecordTableModel(ROW_COLUMNS, getter=_row_value, parent=self)
        self.rows.numeric = {"candidate_id"}
        self.rows_view = table_view(self.rows, row_height=24)

        self.summary = QtWidgets.QLabel()
        self.notice = QtWidgets.QLabel()
        self.notice.setStyleSheet("color: #1d5e2f;")
        self.undo_button = QtWidgets.QPushButton(_("Undo this import…"))
        self.undo_button.setToolTip(
            _(
                "Delete the candidates this import created and put back what it changed; "
                "refused when work has been recorded on them since"
            )
        )
        self.undo_button.clicked.connect(lambda: self.undo_selected())
        self.empty = QtWidgets.QLabel(
            _("<h3>No imports yet</h3><p>Candidate lists you import appear here.</p>")
        )
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.rows_label = QtWidgets.QLabel()

        bar = QtWidgets.QHBoxLayout()
        bar.addWidget(self.summary)
        bar.addWidget(self.notice)
        bar.addStretch(1)
        bar.addWidget(self.undo_button)
        split = QtWidgets.QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        lower = QtWidgets.QWidget()
        lv = QtWidgets.QVBoxLayout(lower)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.rows_label)
        lv.addWidget(self.rows_view, 1)
        split.addWidget(lower)
        split.setSizes([260, 300])
        self.split = split
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.empty)
        layout.addWidget(split, 1)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._load_rows())
        self.rows_view.doubleClicked.connect(lambda index: self.open_candidate(index.row()))
        self.rows_view.setToolTip(_("Double-click a candidate to find them"))
        self._update_buttons()

    def _decorate(self, rec: BatchRow, _key: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and rec.undone:
            return QtGui.QBrush(QtGui.QColor("#777777"))
        return None

    @property
    def loading(self) -> bool:
        return self.reader.pending or self.rows_reader.pending or self.undoing

    def refresh(self) -> None:
        self.reader.read(import_history.batches, self._show, title=_("Import history"))

    def _show(self, found: list[BatchRow]) -> None:
        keep = self.selected_id()
        self.batches.set_records(found)
        fit_columns(self.view, BATCH_COLUMNS, {"file_name": 260, "source": 160, "user": 100})
        self.empty.setVisible(not found)
        self.split.setVisible(bool(found))
        live = sum(not b.undone for b in found)
        self.summary.setText(
            _("Imports: {n} ({u} undone).").format(n=len(found), u=len(found) - live)
        )
        if not self.select_batch(keep) and found:
            self.view.selectRow(0)
        self._load_rows()

    def selected(self) -> BatchRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.batches.record(rows[0].row()) if rows else None

    def selected_id(self) -> int | None:
        b = self.selected()
        return b.id if b is not None else None

    def select_batch(self, batch_id: int | None) -> bool:
        for n, b in enumerate(self.batches.records):
            if b.id == batch_id:
                self.view.selectRow(n)
                return True
        return False

    def apply_filter(self, filters: dict[str, object]) -> None:
        """{'batch_id': N} selects that batch once the list is in."""
        self.refresh_now()
        batch_id = filters.get("batch_id")
        if isinstance(batch_id, int):
            self.select_batch(batch_id)

    def _load_rows(self) -> None:
        b = self.selected()
        self._update_buttons()
        if b is None:
            self.rows.set_records([])
            self.rows_label.setText("")
            return
        self.rows_label.setText(
            _("<b>Candidates of batch {id}</b> ({file})").format(id=b.id, file=b.file_name)
        )
        ident = b.id
        self.rows_reader.read(
            lambda db: import_history.batch_rows(db, ident),
            self._show_rows,
            title=_("Import history"),
        )

    def _show_rows(self, found: list[BatchCandidate]) -> None:
        self.rows.set_records(found)
        fit_columns(self.rows_view, ROW_COLUMNS, {"full_name": 240, "email": 260})

    def open_candidate(self, row: int) -> None:
        """Find the candidate on the Candidates page (by e-mail, else by name)."""
        if not 0 <= row < len(self.rows.records):
            return
        rec: BatchCandidate = self.rows.record(row)
        text = rec.email or rec.full_name
        if rec.exists and text:
            self.ctx.bus.navigate.emit("Candidates", {"text": text})

    def _update_buttons(self) -> None:
        b = self.selected()
        self.undo_button.setEnabled(b is not None and not b.undone and not self.undoing)

    # -- undo --------------------------------------------------------------------------------
    def confirm(self, title: str, text: str) -> bool:
        answer = QtWidgets.QMessageBox.question(self, title, text)
        return answer == QtWidgets.QMessageBox.StandardButton.Yes

    def undo_selected(self, touched: str | None = None) -> None:
        """Undo the selected batch; `touched` is how to treat candidates edited since the import
        (None: refuse and ask, importing.KEEP: keep them and undo the rest)."""
        b = self.selected()
        if b is None or b.undone:
            return
        if touched is None and not self.confirm(
            _("Undo import"),
            _(
                "Undo import batch {id} ({file})? The {c} candidates it created are deleted with "
                "their applications, and the {u} it updated get their previous values back."
            ).format(id=b.id, file=b.file_name, c=b.created, u=b.updated),
        ):
            return
        ident = b.id

        def work(db: Any, _p: ProgressFn, _c: CancelledFn) -> importing.UndoSummary:
            return importing.undo_import(db, ident, touched=touched or importing.REFUSE)

        self.undoing = True
        self._update_buttons()
        CollectionOp(parent=self, op=work, title=_("Undoing import")).success(self._undone).failure(
            self._refused
        ).run_in_background(self.ctx)

    def _undone(self, summary: importing.UndoSummary) -> None:
        self.undoing = False
        self.notice.setText(
            _("Import {id} undone: {d} candidates deleted, {r} restored.").format(
                id=summary.batch_id, d=summary.deleted, r=summary.restored
            )
        )
        self._update_buttons()

    def _refused(self, exc: BaseException) -> None:
        self.undoing = False
        self._update_buttons()
        if isinstance(exc, importing.TouchedSinceImport):
            if keep_touched(self, _("Undo import"), str(exc)):
                self.undo_selected(touched=importing.KEEP)
            return
        show_error(self, _("Undo import"), exc)


__all__ = ["ImportHistoryPage"]
