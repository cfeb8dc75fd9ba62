"""The import wizard: file → sheet and header row → mapping → options → preview → import → summary.

Reading, checking and importing run in the background (recruiter.ui.tasks), and so do the
smaller reads of each page (the row count, the remembered mapping, the target choices:
`ops.Reads`); the wizard only holds plain values (a `Table` of cells, an `ImportSummary`),
never a database session, and reaches file formats only through recruiter.services.importing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from recruiter.errors import RecruiterError
from recruiter.i18n import N_, _
from recruiter.services import choices, importing
from recruiter.services.importing import ImportOptions, ImportSummary, Table
from recruiter.store.database import Database

from .columns import fit_header_labels
from .ops import Reads
from .qt import Qt, QtCore, QtGui, QtWidgets, Signal
from .tasks import Task, TaskRunner, run_with_progress, show_error
from .undo_import import keep_touched

FILE_FILTER = N_("Spreadsheets (*.xlsx *.xlsm *.xls *.ods *.csv *.tsv *.txt);;All files (*)")
PREVIEW_ROWS = 30  # raw rows shown on the sheet page
SAMPLES = 3

STATUS_LABELS = {
    importing.NEW: N_("New"),
    importing.UPDATE: N_("Update"),
    importing.DUPLICATE: N_("Duplicate"),
    importing.POSSIBLE: N_("Possible duplicate"),
    importing.INVALID: N_("Invalid"),
}
STATUS_COLOURS = {
    importing.NEW: "#1b7f3b",
    importing.UPDATE: "#1f5fa8",
    importing.DUPLICATE: "#7a7a7a",
    importing.POSSIBLE: "#b26a00",
    importing.INVALID: "#b3261e",
}
DUPLICATE_CHOICES = [
    ("skip", N_("Skip them (leave the stored candidate as it is)")),
    ("update", N_("Update: fill only the empty fields of the stored candidate")),
    ("overwrite", N_("Overwrite: replace stored fields with the file's non-empty values")),
]


class OutcomeModel(QtCore.QAbstractTableModel):
    """Every row of the preview or result: row number, status, name, details."""

    HEADERS = (N_("Row"), N_("Status"), N_("Name"), N_("Details"))

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.outcomes: list[importing.RowOutcome] = []

    def set_outcomes(self, outcomes: list[importing.RowOutcome]) -> None:
        self.beginResetModel()
        self.outcomes = outcomes
        self.endResetModel()

    def rowCount(self, parent: Any = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.outcomes)

    def columnCount(self, parent: Any = None) -> int:
        return len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(self.HEADERS[section])
        return None

    def data(self, index: QtCore.QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        o = self.outcomes[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return o.row
            if col == 1:
                return _(STATUS_LABELS[o.status])
            if col == 2:
                return o.name
            return o.reason or ""
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            return QtGui.QBrush(QtGui.QColor(STATUS_COLOURS[o.status]))
        if role == Qt.ItemDataRole.UserRole:
            return o.status
        if role == Qt.ItemDataRole.ToolTipRole and col == 3:
            return o.reason
        return None


def _outcome_view(
    parent: QtWidgets.QWidget,
) -> tuple[QtWidgets.QComboBox, QtWidgets.QTableView, OutcomeModel, QtCore.QSortFilterProxyModel]:
    model = OutcomeModel(parent)
    proxy = QtCore.QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setFilterRole(Qt.ItemDataRole.UserRole)
    proxy.setFilterKeyColumn(1)
    view = QtWidgets.QTableView(parent)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # the file's order, and the arrow says so
    view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().hide()
    view.setWordWrap(False)
    combo = QtWidgets.QComboBox(parent)
    combo.addItem(_("All rows"), "")
    for status, label in STATUS_LABELS.items():
        combo.addItem(_(label), status)

    def choose(_i: int) -> None:
        status = combo.currentData() or ""
        proxy.setFilterRegularExpression(f"^{status}$" if status else "")

    combo.currentIndexChanged.connect(choose)
    return combo, view, model, proxy


def _inform(parent: QtWidgets.QWidget, title: str, text: str) -> QtWidgets.QMessageBox:
    """A message that does not block (the wizard itself is usually window-modal)."""
    box = QtWidgets.QMessageBox(
        QtWidgets.QMessageBox.Icon.Information,
        title,
        text,
        QtWidgets.QMessageBox.StandardButton.Ok,
        parent,
    )
    box.open()
    return box


def _counts_text(s: ImportSummary) -> str:
    return _(
        "{rows} rows: {created} new (of which {possible} possible duplicates), "
        "{updated} updates, {dups} duplicates, {invalid} invalid"
    ).format(
        rows=s.rows,
        created=s.created,
        possible=s.possible_duplicates,
        updated=s.updated,
        dups=s.duplicates,
        invalid=s.invalid,
    )


# ---------------------------------------------------------------------------------------------


class FilePage(QtWidgets.QWizardPage):
    """Choose the file (or arrive here with a dropped one)."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(_("Choose a file"))
        self.setSubTitle(
            _(
                "Excel (.xlsx, .xls), LibreOffice (.ods) or CSV in UTF-8 or GBK, "
                "with English or Chinese column names."
            )
        )
        self.path_edit = QtWidgets.QLineEdit(self)
        self.path_edit.setPlaceholderText(_("Path of the candidate list"))
        self.path_edit.textChanged.connect(self.completeChanged)
        browse = QtWidgets.QPushButton(_("Browse…"), self)
        browse.clicked.connect(self.browse)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        hint = QtWidgets.QLabel(_("You can also drop the file here."), self)
        hint.setEnabled(False)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(hint)
        layout.addStretch(1)
        self.setAcceptDrops(True)

    @staticmethod
    def _dropped(event: QtGui.QDropEvent | QtGui.QDragEnterEvent) -> str | None:
        mime = event.mimeData()
        for url in mime.urls() if mime.hasUrls() else []:
            if url.isLocalFile() and Path(url.toLocalFile()).suffix.lower() in importing.SUFFIXES:
                return url.toLocalFile()
        return None

    def dragEnterEvent(self, event: QtGui.QDragEnterEvent) -> None:
        if self._dropped(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QtGui.QDropEvent) -> None:
        path = self._dropped(event)
        if path:
            event.acceptProposedAction()
            self.path_edit.setText(path)

    def browse(self) -> None:
        path, _filter = QtWidgets.QFileDialog.getOpenFileName(
            self, _("Import candidate list"), self.path_edit.text(), _(FILE_FILTER)
        )
        if path:
            self.path_edit.setText(path)

    def path(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    def isComplete(self) -> bool:
        text = self.path_edit.text().strip()
        return bool(text) and self.path().is_file()

    def validatePage(self) -> bool:
        wiz: ImportWizard = self.wizard()  # type: ignore[assignment]
        if wiz.table is not None and wiz.table.path == self.path():
            return True
        wiz.load_table(self.path(), None, then=wiz.next)
        return False  # the wizard moves on when the file has been read


class SheetPage(QtWidgets.QWizardPage):
    """Which sheet, and which row holds the column names (found automatically)."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(_("Sheet and header row"))
        self.setSubTitle(
            _("The row with the column names is highlighted. Click another row to use it instead.")
        )
        self.sheet_combo = QtWidgets.QComboBox(self)
        self.sheet_combo.activated.connect(self._sheet_chosen)
        self.header_spin = QtWidgets.QSpinBox(self)
        self.header_spin.setMinimum(1)
        self.header_spin.valueChanged.connect(self._header_chosen)
        self.grid = QtWidgets.QTableWidget(self)
        self.grid.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.cellClicked.connect(lambda r, _c: self.header_spin.setValue(self._first_row + r))
        self.rows_label = QtWidgets.QLabel(self)
        form = QtWidgets.QFormLayout()
        form.addRow(_("Sheet:"), self.sheet_combo)
        form.addRow(_("Header row:"), self.header_spin)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.rows_label)
        self._first_row = 1
        self._filling = False
        self.reads = Reads(wizard.runner, self)

    def initializePage(self) -> None:
        self.fill()

    def fill(self) -> None:
        table = self._table()
        self._filling = True
        try:
            self.sheet_combo.clear()
            self.sheet_combo.addItems(table.sheets or [_("(text file)")])
            self.sheet_combo.setEnabled(len(table.sheets) > 1)
            if table.sheet:
                self.sheet_combo.setCurrentText(table.sheet)
            self._first_row = table.first_row
            self.header_spin.setRange(table.first_row, table.first_row + len(table.rows) - 1)
            self.header_spin.setValue(table.header_row)
        finally:
            self._filling = False
        self._fill_grid()

    def _table(self) -> Table:
        table = self.wizard().table  # type: ignore[attr-defined]
        assert table is not None
        return table

    def _fill_grid(self) -> None:
        table = self._table()
        shown = table.rows[: max(PREVIEW_ROWS, table.header_index + 6)]
        width = max((len(r) for r in shown), default=0)
        self.grid.clear()
        self.grid.setRowCount(len(shown))
        self.grid.setColumnCount(width)
        self.grid.setHorizontalHeaderLabels(importing.column_letters(width))
        self.grid.setVerticalHeaderLabels([str(table.first_row + i) for i in range(len(shown))])
        bold = QtGui.QFont(self.font())
        bold.setBold(True)
        highlight = QtGui.QBrush(QtGui.QColor("#fff2cc"))
        for r, row in enumerate(shown):
            for c, value in enumerate(row):
                item = QtWidgets.QTableWidgetItem(importing.cell_text(value))
                if r == table.header_index:
                    item.setFont(bold)
                    item.setBackground(highlight)
                self.grid.setItem(r, c, item)
        self.rows_label.setText(_("Counting rows…"))
        self.reads.start(
            "count",
            table.count_data_rows,
            lambda n: self.rows_label.setText(_("{n} rows below the header.").format(n=n)),
        )

    def _sheet_chosen(self, _index: int) -> None:
        table = self._table()
        name = self.sheet_combo.currentText()
        if self._filling or not table.sheets or name == table.sheet:
            return
        wiz: ImportWizard = self.wizard()  # type: ignore[assignment]
        wiz.load_table(table.path, name, then=self.fill)

    def _header_chosen(self, value: int) -> None:
        if self._filling:
            return
        try:
            self._table().set_header_row(value)
        except RecruiterError as exc:
            show_error(self, _("Header row"), exc)
            return
        self._fill_grid()


class MappingPage(QtWidgets.QWizardPage):
    """Which candidate field each column fills; remembered for files with the same headers."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(_("Columns"))
        self.setSubTitle(
            _(
                "Check what each column imports into. Your choice is remembered "
                "for the next file with the same columns."
            )
        )
        self.grid = QtWidgets.QTableWidget(0, 3, self)
        self.grid.setHorizontalHeaderLabels([_("Column"), _("Sample values"), _("Imports into")])
        self.grid.horizontalHeader().setSectionResizeMode(
            1, QtWidgets.QHeaderView.ResizeMode.Stretch
        )
        self.grid.verticalHeader().hide()
        self.grid.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.keep_unmapped = QtWidgets.QCheckBox(
            _("Keep the columns that are not imported by adding them to the notes"), self
        )
        self.unmapped_label = QtWidgets.QLabel(self)
        self.unmapped_label.setWordWrap(True)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.unmapped_label)
        layout.addWidget(self.keep_unmapped)
        self.combos: dict[str, QtWidgets.QComboBox] = {}
        self._headers: list[str] = []
        self.reads = Reads(wizard.runner, self)

    def initializePage(self) -> None:
        wiz: ImportWizard = self.wizard()  # type: ignore[assignment]
        table = wiz.table
        assert table is not None
        if table.headers == self._headers and self.combos:
            return  # keep the user's choices when coming back
        self._headers = list(table.headers)
        self.combos = {}
        self.grid.setRowCount(0)
        self.unmapped_label.setText(_("Reading the columns…"))
        self.completeChanged.emit()
        db, headers = wiz.db, list(table.headers)

        def read() -> tuple[dict[str, str | None], list[list[str]]]:
            return importing.mapping_for(db, headers), importing.sample_values(table, SAMPLES)

        self.reads.start("mapping", read, lambda found: self._fill(table, *found))

    def _fill(self, table: Table, mapping: dict[str, str | None], samples: list[list[str]]) -> None:
        self.grid.setRowCount(len(table.headers))
        self.combos = {}
        for r, header in enumerate(table.headers):
            self.grid.setItem(r, 0, QtWidgets.QTableWidgetItem(header))
            self.grid.setItem(r, 1, QtWidgets.QTableWidgetItem(" · ".join(samples[r])))
            combo = QtWidgets.QComboBox(self.grid)
            combo.addItem(_("— not imported —"), None)
            for name, label in importing.LABELS.items():
                combo.addItem(label, name)
            combo.setCurrentIndex(max(combo.findData(mapping.get(header)), 0))
            combo.currentIndexChanged.connect(self._update_unmapped)
            self.grid.setCellWidget(r, 2, combo)
            self.combos[header] = combo
        self.grid.resizeColumnToContents(0)
        # The choice boxes read whole ("— not imported —", "Current institution").
        widest = max((c.sizeHint().width() for c in self.combos.values()), default=0)
        self.grid.setColumnWidth(2, max(widest, self.grid.columnWidth(2)))
        fit_header_labels(self.grid)
        self._update_unmapped()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool(self.combos)

    def mapping(self) -> dict[str, str | None]:
        return {h: c.currentData() for h, c in self.combos.items()}

    def set_field(self, header: str, field: str | None) -> None:
        combo = self.combos[header]
        combo.setCurrentIndex(max(combo.findData(field), 0))

    def _update_unmapped(self, *_args: Any) -> None:
        unmapped = [h for h, f in self.mapping().items() if not f]
        self.unmapped_label.setText(
            _("Not imported: {cols}").format(cols=", ".join(unmapped))
            if unmapped
            else _("Every column is imported.")
        )
        self.keep_unmapped.setEnabled(bool(unmapped))

    def validatePage(self) -> bool:
        wiz: ImportWizard = self.wizard()  # type: ignore[assignment]
        if not self.combos:
            return False  # the columns are still being read
        try:
            importing.check_mapping(wiz.table, self.mapping(), in_wizard=True)  # type: ignore[arg-type]
        except RecruiterError as exc:
            show_error(self, _("Columns"), exc)
            return False
        return True


class OptionsPage(QtWidgets.QWizardPage):
    """Duplicates, source, and an optional target pipeline for everyone imported."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(_("Options"))
        self.duplicates = QtWidgets.QComboBox(self)
        for key, label in DUPLICATE_CHOICES:
            self.duplicates.addItem(_(label), key)
        self.source = QtWidgets.QLineEdit(self)
        self.add_to_target = QtWidgets.QCheckBox(
            _("Add the imported candidates to this target's pipeline (stage: identified):"), self
        )
        self.target = QtWidgets.QComboBox(self)
        self.target.setEnabled(False)
        self.add_to_target.toggled.connect(self.target.setEnabled)
        form = QtWidgets.QFormLayout(self)
        form.addRow(_("Same ORCID or e-mail as someone stored:"), self.duplicates)
        form.addRow(_("Source of new candidates:"), self.source)
        form.addRow(self.add_to_target)
        form.addRow(self.target)
        self.reads = Reads(wizard.runner, self)
        self.targets_loaded = False

    def initializePage(self) -> None:
        wiz: ImportWizard = self.wizard()  # type: ignore[assignment]
        assert wiz.table is not None
        self.source.setPlaceholderText(wiz.table.path.name)
        if not self.targets_loaded:
            self.add_to_target.setEnabled(False)
            db = wiz.db
            self.reads.start("targets", lambda: choices.targets(db), self._fill_targets)

    def _fill_targets(self, found: list[choices.TargetChoice]) -> None:
        for choice in found:
            self.target.addItem(choice.label, choice.id)
        self.targets_loaded = True
        self.add_to_target.setEnabled(self.target.count() > 0)

    def target_id(self) -> int | None:
        if not self.add_to_target.isChecked():
            return None
        value = self.target.currentData()
        return int(value) if value is not None else None


class PreviewPage(QtWidgets.QWizardPage):
    """Every row with what will happen to it; the Import button starts the import."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(_("Preview"))
        self.setSubTitle(
            _(
                "Nothing has been written yet. Rows marked Invalid will be left "
                "out; you can save them after the import."
            )
        )
        self.setCommitPage(True)
        self.setButtonText(QtWidgets.QWizard.WizardButton.CommitButton, _("Import"))
        self.counts = QtWidgets.QLabel(self)
        self.counts.setWordWrap(True)
        self.progress = QtWidgets.QProgressBar(self)
        self.filter, self.view, self.model, self.proxy = _outcome_view(self)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.counts, 1)
        top.addWidget(self.filter)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.view, 1)
        self.summary: ImportSummary | None = None
        self.task: Task | None = None

    def initializePage(self) -> None:
        wiz: ImportWizard = self.wizard()  # type: ignore[assignment]
        self.summary = None
        self.model.set_outcomes([])
        self.counts.setText(_("Checking every row…"))
        self.progress.show()
        self.progress.setRange(0, 0)
        self.completeChanged.emit()
        table, options = wiz.table, wiz.options()
        db = wiz.db

        def work(progress: Any, cancelled: Any) -> ImportSummary:
            return importing.preview(db, table, options, progress, cancelled)  # type: ignore

        if self.task is not None:
            self.task.cancel()
        self.task = wiz.runner.start(
            work, on_done=self._done, on_error=self._failed, progress=self._progress
        )

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _done(self, summary: ImportSummary) -> None:
        self.summary = summary
        self.task = None
        self.progress.hide()
        text = _counts_text(summary)
        if summary.already_imported:
            ids = ", ".join(map(str, summary.already_imported))
            text += "\n" + _(
                "This file was imported before (batch {ids}); duplicates will be caught."
            ).format(ids=ids)
        self.counts.setText(text)
        self.model.set_outcomes(summary.outcomes)
        self.view.resizeColumnsToContents()
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        self.task = None
        self.progress.hide()
        self.counts.setText(str(exc))
        show_error(self, _("Preview"), exc)

    def isComplete(self) -> bool:
        return self.summary is not None

    def validatePage(self) -> bool:
        wiz: ImportWizard = self.wizard()  # type: ignore[assignment]
        if wiz.summary is not None:
            return True
        wiz.start_import()
        return False  # the wizard moves on when the import is done


class SummaryPage(QtWidgets.QWizardPage):
    """What was imported, with 'Save rejected rows…' and 'Undo this import'."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(_("Done"))
        self.counts = QtWidgets.QLabel(self)
        self.counts.setWordWrap(True)
        self.save_button = QtWidgets.QPushButton(_("Save rejected rows…"), self)
        self.save_button.clicked.connect(lambda: self.save_rejects())
        self.undo_button = QtWidgets.QPushButton(_("Undo this import"), self)
        self.undo_button.clicked.connect(lambda: self.undo())
        self.filter, self.view, self.model, self.proxy = _outcome_view(self)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.filter)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.counts)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)

    def initializePage(self) -> None:
        wiz: ImportWizard = self.wizard()  # type: ignore[assignment]
        s = wiz.summary
        assert s is not None
        self.counts.setText(
            _("Imported as batch {id}.").format(id=s.batch_id) + " " + _counts_text(s)
        )
        self.save_button.setEnabled(s.invalid > 0)
        self.undo_button.setEnabled(True)
        self.model.set_outcomes(s.outcomes)
        self.view.resizeColumnsToContents()

    def save_rejects(self, path: str | Path | None = None) -> Path | None:
        wiz: ImportWizard = self.wizard()  # type: ignore[assignment]
        s = wiz.summary
        assert s is not None
        if path is None:
            suggested = wiz.table.path.with_name(  # type: ignore[union-attr]
                _("{stem} - rejected rows.xlsx").format(stem=Path(s.file_name).stem)
            )
            chosen, _filter = QtWidgets.QFileDialog.getSaveFileName(
                self, _("Save rejected rows"), str(suggested), _("Excel workbook (*.xlsx)")
            )
            if not chosen:
                return None
            path = chosen
        out = Path(path)
        try:
            s.write_rejects(out)
        except RecruiterError as exc:
            show_error(self, _("Save rejected rows"), exc)
            return None
        self.counts.setText(
            self.counts.text() + "\n" + _("Rejected rows saved to {p}.").format(p=out)
        )
        return out

    def undo(self, confirm: bool = True, touched: str = importing.REFUSE) -> None:
        wiz: ImportWizard = self.wizard()  # type: ignore[assignment]
        s = wiz.summary
        assert s is not None and s.batch_id is not None
        if confirm:
            answer = QtWidgets.QMessageBox.question(
                self,
                _("Undo this import"),
                _(
                    "Delete the {n} candidates this import created (with their pipeline "
                    "entries) and restore the {u} it updated?"
                ).format(n=s.created, u=s.updated),
            )
            if answer != QtWidgets.QMessageBox.StandardButton.Yes:
                return
        batch_id = s.batch_id
        self.undo_button.setEnabled(False)

        def done(result: Any) -> None:
            self.counts.setText(
                _("Import batch {id} was undone: {d} candidates deleted, {r} restored.").format(
                    id=batch_id, d=result.deleted, r=result.restored
                )
            )
            self.save_button.setEnabled(s.invalid > 0)
            wiz.undone.emit(batch_id)

        def failed(exc: BaseException) -> None:
            self.undo_button.setEnabled(True)
            if isinstance(exc, importing.TouchedSinceImport):
                if keep_touched(self, _("Undo this import"), str(exc)):
                    self.undo(confirm=False, touched=importing.KEEP)
                return
            show_error(self, _("Undo this import"), exc)

        run_with_progress(
            self,
            wiz.runner,
            _("Undoing the import"),
            lambda _p, _c: importing.undo_import(wiz.db, batch_id, touched=touched),
            on_done=done,
            on_error=failed,
        )


class ImportWizard(QtWidgets.QWizard):
    """Import a candidate list. Emits `imported(batch_id)` when an import has been committed
    and `undone(batch_id)` when the user undoes it from the last page."""

    imported = Signal(int)
    undone = Signal(int)

    def __init__(
        self, db: Database, runner: TaskRunner, parent: QtWidgets.QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.runner = runner
        self.table: Table | None = None
        self.summary: ImportSummary | None = None
        self.import_task: Task | None = None
        self.message: QtWidgets.QMessageBox | None = None
        self.setWindowTitle(_("Import candidate list"))
        self.setOption(QtWidgets.QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QtWidgets.QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.file_page = FilePage(self)
        self.sheet_page = SheetPage(self)
        self.mapping_page = MappingPage(self)
        self.options_page = OptionsPage(self)
        self.preview_page = PreviewPage(self)
        self.summary_page = SummaryPage(self)
        for page in (
            self.file_page,
            self.sheet_page,
            self.mapping_page,
            self.options_page,
            self.preview_page,
            self.summary_page,
        ):
            self.addPage(page)
        self.resize(900, 620)

    def done(self, result: int) -> None:
        """Closing the wizard drops a preview still being computed (nothing to roll back)."""
        if self.preview_page.task is not None:
            self.preview_page.task.cancel()
        super().done(result)

    def set_file(self, path: str | Path) -> None:
        """Start from this file (a dropped one, or one chosen in a dialog)."""
        self.file_page.path_edit.setText(str(path))

    def options(self) -> ImportOptions:
        return ImportOptions(
            mapping=self.mapping_page.mapping(),
            keep_unmapped=self.mapping_page.keep_unmapped.isChecked(),
            on_duplicate=self.options_page.duplicates.currentData() or "skip",
            target_id=self.options_page.target_id(),
            source=self.options_page.source.text().strip() or None,
        )

    def load_table(self, path: Path, sheet: str | None, then: Any) -> None:
        """Read the file in the background; call `then()` once `self.table` holds it."""

        def done(table: Table) -> None:
            self.table = table
            then()

        run_with_progress(
            self,
            self.runner,
            _("Reading {f}").format(f=path.name),
            lambda _p, _c: importing.load(path, sheet),
            on_done=done,
            on_error=lambda exc: show_error(self, _("Import"), exc),
        )

    def start_import(self) -> Task:
        """Import in the background behind a progress dialog with Cancel."""
        table, options, db = self.table, self.options(), self.db
        committed: dict[str, ImportSummary] = {}

        def work(progress: Any, cancelled: Any) -> ImportSummary:
            summary = importing.run_import(db, table, options, progress, cancelled)  # type: ignore
            committed["summary"] = summary
            return summary

        def done(summary: ImportSummary) -> None:
            self.import_task = None
            self.summary = summary
            assert summary.batch_id is not None
            self.imported.emit(summary.batch_id)
            self.next()

        def cancelled() -> None:
            self.import_task = None
            if "summary" in committed:  # Cancel came after the commit: it did happen
                done(committed["summary"])
                return
            self.message = _inform(
                self, _("Import cancelled"), _("The import was cancelled. Nothing was written.")
            )

        def failed(exc: BaseException) -> None:
            self.import_task = None
            show_error(self, _("Import"), exc)

        self.import_task = run_with_progress(
            self,
            self.runner,
            _("Importing"),
            work,
            on_done=done,
            on_error=failed,
            on_cancel=cancelled,
        )
        return self.import_task
