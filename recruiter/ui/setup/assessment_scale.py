"""The Setup page's assessment scale: the office's own results (合格 / 基本合格 / 不合格 unless
it stores its own), in order, each with an English and a Chinese name and what it does to the
tranche its assessment triggers. A result that recorded assessments use can be renamed but not
removed (nor given another effect). Saving is one undoable command; pages showing results
refresh through the `setting` change announcement."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from recruiter.domain.changes import Kind
from recruiter.domain.instalments import Effect, ScaleResult
from recruiter.errors import RecruiterError, ValidationError
from recruiter.i18n import N_, _
from recruiter.services import payments
from recruiter.store.database import Database

from ..context import AppContext
from ..ops import Reader
from ..qt import Qt, QtWidgets
from ..tasks import show_error
from ..undo import ServiceCommand, push
from ..watching import Watching

COLUMNS = (N_("English label"), N_("Chinese label"), N_("Effect"), N_("Recorded assessments"))
EN, ZH, EFFECT, USED = range(4)
KEY_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class Loaded:
    results: tuple[ScaleResult, ...]
    used: dict[str, int]


def load(db: Database) -> Loaded:
    return Loaded(payments.assessment_scale(db), payments.scale_used(db))


def save_scale(ctx: AppContext, results: list[ScaleResult], on_error: Any = None) -> ServiceCommand:
    """Store the scale; undo puts back the one before, redo this one (both checked)."""
    db = ctx.db
    kept: dict[str, Any] = {}

    def do() -> str | None:
        if "redo" in kept:
            return payments.restore_scale(db, kept["redo"])
        return payments.set_scale(db, results)

    def undo(before: str | None) -> None:
        kept["redo"] = payments.restore_scale(db, before)

    return push(ctx, _("Change the assessment scale"), do, undo, on_error)


class AssessmentScaleEditor(Watching):
    watches = frozenset({Kind.setting, Kind.assessment})

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.reader = Reader(ctx, self)
        self.loaded: Loaded | None = None
        note = QtWidgets.QLabel(
            _(
                "The results your office gives at service-period assessments, best first. "
                "Each result releases the tranche its assessment triggers (it falls due), holds "
                "it (it waits for a later result) or stops it (its money returns to the "
                "source). A result already recorded can be renamed, not removed."
            )
        )
        note.setWordWrap(True)
        self.table = QtWidgets.QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        for c, width in ((EN, 220), (ZH, 160), (EFFECT, 220)):
            self.table.setColumnWidth(c, width)
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selected)
        self.add_button = QtWidgets.QPushButton(_("Add result"))
        self.add_button.clicked.connect(self.add_result)
        self.remove_button = QtWidgets.QPushButton(_("Remove result"))
        self.remove_button.clicked.connect(self.remove_result)
        self.up_button = QtWidgets.QPushButton(_("Move up"))
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button = QtWidgets.QPushButton(_("Move down"))
        self.down_button.clicked.connect(lambda: self.move(1))
        self.revert_button = QtWidgets.QPushButton(_("Revert"))
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QtWidgets.QPushButton(_("Save scale"))
        self.save_button.clicked.connect(self.save)
        bar = QtWidgets.QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(self.revert_button)
        bar.addWidget(self.save_button)
        self.error = QtWidgets.QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addLayout(bar)
        layout.addWidget(self.error)
        self._selected()

    @property
    def loading(self) -> bool:
        return self.reader.pending

    def refresh(self) -> None:
        self._stale = False
        self.reader.read(load, self._show, title=_("Assessment scale"))

    def _show(self, loaded: Loaded) -> None:
        self.loaded = loaded
        self.error.clear()
        self.table.setRowCount(0)
        for r in loaded.results:
            self._add_row(r, loaded.used.get(r.key, 0))
        self._selected()

    def _add_row(self, r: ScaleResult, used: int) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        en = QtWidgets.QTableWidgetItem(r.en)
        en.setData(KEY_ROLE, r.key)
        self.table.setItem(row, EN, en)
        self.table.setItem(row, ZH, QtWidgets.QTableWidgetItem(r.zh))
        effect = QtWidgets.QComboBox()
        for e in Effect:
            effect.addItem(e.label, e.value)
        effect.setCurrentIndex(effect.findData(r.effect.value))
        effect.setEnabled(not used)  # a result in use keeps its effect
        self.table.setCellWidget(row, EFFECT, effect)
        count = QtWidgets.QTableWidgetItem(str(used) if used else "—")
        count.setFlags(count.flags() & ~Qt.ItemFlag.ItemIsEditable)
        count.setData(KEY_ROLE, used)
        self.table.setItem(row, USED, count)

    def _used(self, row: int) -> int:
        item = self.table.item(row, USED)
        return int(item.data(KEY_ROLE) or 0) if item is not None else 0

    def _selected(self) -> None:
        row = self.table.currentRow()
        chosen = 0 <= row < self.table.rowCount()
        self.remove_button.setEnabled(chosen and not self._used(row))
        self.up_button.setEnabled(chosen and row > 0)
        self.down_button.setEnabled(chosen and row < self.table.rowCount() - 1)

    def results(self) -> list[ScaleResult]:
        """The rows as scale results (a new row has no key yet: the service gives it one)."""
        out = []
        for row in range(self.table.rowCount()):
            en, zh = self.table.item(row, EN), self.table.item(row, ZH)
            combo = self.table.cellWidget(row, EFFECT)
            assert isinstance(combo, QtWidgets.QComboBox)
            out.append(
                ScaleResult(
                    str(en.data(KEY_ROLE) or "") if en is not None else "",
                    en.text() if en is not None else "",
                    zh.text() if zh is not None else "",
                    Effect(combo.currentData()),
                )
            )
        return out

    def add_result(self) -> None:
        self._add_row(ScaleResult("", "", "", Effect.hold), 0)
        row = self.table.rowCount() - 1
        self.table.setCurrentCell(row, EN)
        self.table.editItem(self.table.item(row, EN))

    def remove_result(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < self.table.rowCount() and not self._used(row):
            self.table.removeRow(row)
            self._selected()

    def move(self, step: int) -> None:
        row = self.table.currentRow()
        to = row + step
        if not (0 <= row < self.table.rowCount() and 0 <= to < self.table.rowCount()):
            return
        results = self.results()
        used = [self._used(r) for r in range(self.table.rowCount())]
        results[row], results[to] = results[to], results[row]
        used[row], used[to] = used[to], used[row]
        self.table.setRowCount(0)
        for r, n in zip(results, used, strict=True):
            self._add_row(r, n)
        self.table.setCurrentCell(to, EN)

    def revert(self) -> None:
        if self.loaded is not None:
            self._show(self.loaded)

    def save(self) -> bool:
        self.error.clear()

        def failed(exc: RecruiterError) -> None:
            if isinstance(exc, ValidationError):
                self.error.setText("; ".join(f"{k}: {v}" for k, v in exc.errors.items()))
            else:
                show_error(self, _("Assessment scale"), exc)

        cmd = save_scale(self.ctx, self.results(), failed)
        return cmd.error is None


def add_scale_tab(tabs: QtWidgets.QTabWidget, ctx: AppContext) -> AssessmentScaleEditor:
    """The Setup page's hook: one tab."""
    editor = AssessmentScaleEditor(ctx)
    tabs.addTab(editor, _("Assessment scale"))
    return editor


__all__ = ["AssessmentScaleEditor", "Loaded", "add_scale_tab", "load", "save_scale"]
