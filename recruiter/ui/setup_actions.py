"""File-menu work on the office set-up: load a set-up workbook (all or nothing, undoable) and
save the two templates an office fills in. File formats are reached through services only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from recruiter.i18n import N_, _
from recruiter.services import setup
from recruiter.store.database import Database

from . import setup_commands
from .context import AppContext
from .ops import CollectionOp
from .qt import QtWidgets
from .tasks import CancelledFn, ProgressFn, show_error

SPREADSHEETS = N_("Spreadsheets (*.xlsx *.xlsm *.xls *.ods)")
SHOWN = 200  # invalid rows listed in the report


class SetupReport(QtWidgets.QDialog):
    """What a set-up load did, or why nothing was written: one line per sheet, then every
    rejected row with its reason."""

    def __init__(self, result: setup.SetupResult, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.loaded = result
        self.setWindowTitle(
            _("Office set-up loaded") if result.written else _("Office set-up not loaded")
        )
        layout = QtWidgets.QVBoxLayout(self)
        lines = [f"<b>{result.file_name}</b>"]
        lines += [line.strip() for line in setup.summary_text(result)]
        if result.examples_skipped:
            lines.append(_("{n} example row(s) skipped").format(n=result.examples_skipped))
        if result.invalid:
            lines.append(
                _(
                    "<b>{n} invalid row(s): nothing was written.</b> Correct them and load the "
                    "workbook again."
                ).format(n=len(result.invalid))
            )
        elif not result.changed:
            lines.append(_("Nothing to change: everything in the workbook is already set up."))
        else:
            lines.append(_("Edit → Undo takes the whole load back."))
        self.text = QtWidgets.QLabel("<br>".join(lines))
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        self.problems = QtWidgets.QTableWidget(min(len(result.invalid), SHOWN), 3)
        self.problems.setHorizontalHeaderLabels([_("Sheet"), _("Row"), _("Reason")])
        self.problems.verticalHeader().hide()
        self.problems.horizontalHeader().setStretchLastSection(True)
        for r, p in enumerate(result.invalid[:SHOWN]):
            for c, value in enumerate((p.sheet, str(p.row), p.reason)):
                item = QtWidgets.QTableWidgetItem(value)
                item.setToolTip(value)
                self.problems.setItem(r, c, item)
        self.problems.setColumnWidth(0, 110)
        self.problems.setColumnWidth(1, 50)
        self.problems.setColumnWidth(2, 480)
        self.problems.setWordWrap(True)
        self.problems.resizeRowsToContents()
        self.problems.setVisible(bool(result.invalid))
        self.setMinimumWidth(480)
        if result.invalid:
            self.resize(700, 420)
        layout.addWidget(self.problems, 1)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


def load_setup(parent: QtWidgets.QWidget, ctx: AppContext, path: str | None = None) -> Any:
    """Ask for a workbook and load it in the background; the report says what happened."""
    if path is None:
        path, _filter = QtWidgets.QFileDialog.getOpenFileName(
            parent, _("Load office set-up"), "", _(SPREADSHEETS)
        )
    if not path:
        return None
    chosen = path

    def work(db: Database, _p: ProgressFn, _c: CancelledFn) -> setup.SetupResult:
        return setup.load(db, chosen)

    def done(result: setup.SetupResult) -> None:
        if result.written and result.changed:
            setup_commands.loaded_setup(
                ctx, chosen, result, lambda exc: show_error(parent, _("Office set-up"), exc)
            )
        report = SetupReport(result, parent)
        parent.setup_report = report  # type: ignore[attr-defined]  # for tests and a second look
        report.open()

    return (
        CollectionOp(parent=parent, op=work, title=_("Loading office set-up"))
        .success(done)
        .failure(lambda exc: show_error(parent, _("Office set-up"), exc))
        .run_in_background(ctx)
    )


def save_template(
    parent: QtWidgets.QMainWindow, ctx: AppContext, kind: str, path: str | None = None
) -> Any:
    """kind 'setup' or 'candidates': ask where, write it in the background, say where it went."""
    names = {
        "setup": (_("Save set-up template"), "office-setup-template.xlsx"),
        "candidates": (_("Save candidate list template"), "candidate-list-template.xlsx"),
    }
    title, default = names[kind]
    if path is None:
        path, _filter = QtWidgets.QFileDialog.getSaveFileName(
            parent, title, str(Path.home() / default), _("Excel workbook (*.xlsx)")
        )
    if not path:
        return None
    chosen = path
    write = setup.write_setup_template if kind == "setup" else setup.write_candidate_template

    def done(written: Path) -> None:
        parent.statusBar().showMessage(
            _("{what} written to {p}").format(
                what=title.replace("Save ", "").capitalize(), p=written
            ),
            10000,
        )

    return (
        CollectionOp(parent=parent, op=lambda _db, _p, _c: write(chosen), title=title)
        .success(done)
        .failure(lambda exc: show_error(parent, title, exc))
        .run_in_background(ctx)
    )


__all__ = ["SetupReport", "load_setup", "save_template"]
