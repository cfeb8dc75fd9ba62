"""File → Export pipeline… (Ctrl+E), File → Export brief… and "export this table as shown".

The pipeline workbook and the brief carry the filters of the page they are asked from (the
Dashboard's or the Pipeline's choices), and say so on their first lines. All write in the
background behind a progress dialog with a working Cancel; the file appears only when complete,
and afterwards the user may open it or its folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from recruiter.i18n import _
from recruiter.services import exporting
from recruiter.services.reporting import Filters
from recruiter.services.reporting.brief import Brief, build_brief

from .brief import write_brief
from .context import AppContext
from .qt import Qt, QtCore, QtGui, QtWidgets
from .tasks import Task, run_with_progress, show_error

SETTINGS_KEY = "export/last_folder"


def _settings() -> QtCore.QSettings:
    return QtCore.QSettings()


def ask_path(
    parent: QtWidgets.QWidget, title: str, suggested: str, suffix: str = ".xlsx"
) -> Path | None:
    """A save dialog remembering the last folder; returns a path ending in `suffix` (or None)."""
    folder = str(_settings().value(SETTINGS_KEY, "") or Path.home())
    kinds = _("PDF document (*.pdf)") if suffix == ".pdf" else _("Excel workbook (*.xlsx)")
    name, _filter = QtWidgets.QFileDialog.getSaveFileName(
        parent, title, str(Path(folder) / suggested), kinds
    )
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    _settings().setValue(SETTINGS_KEY, str(path.parent))
    return path


def offer_to_open(parent: QtWidgets.QWidget, path: Path, detail: str) -> QtWidgets.QMessageBox:
    """'Saved' with buttons to open the workbook or its folder (non-blocking)."""
    box = QtWidgets.QMessageBox(parent)
    box.setObjectName("exportDoneBox")
    box.setIcon(QtWidgets.QMessageBox.Icon.Information)
    box.setWindowTitle(_("Export finished"))
    box.setText(_("Saved {name}").format(name=path.name))
    box.setInformativeText(detail)
    open_file = box.addButton(_("Open file"), QtWidgets.QMessageBox.ButtonRole.AcceptRole)
    open_folder = box.addButton(_("Open folder"), QtWidgets.QMessageBox.ButtonRole.ActionRole)
    box.addButton(QtWidgets.QMessageBox.StandardButton.Close)
    open_file.setObjectName("openFile")
    open_folder.setObjectName("openFolder")

    def clicked(button: QtWidgets.QAbstractButton) -> None:
        if button is open_file:
            QtGui.QDesktopServices.openUrl(QtCore.QUrl.fromLocalFile(str(path)))
        elif button is open_folder:
            QtGui.QDesktopServices.openUrl(QtCore.QUrl.fromLocalFile(str(path.parent)))

    box.buttonClicked.connect(clicked)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def _status(parent: QtWidgets.QWidget, text: str) -> None:
    window = parent.window()
    bar = window.statusBar() if isinstance(window, QtWidgets.QMainWindow) else None
    if bar is not None:
        bar.showMessage(text, 5000)


def _target(
    parent: QtWidgets.QWidget, path: Path | str | None, title: str, stem: str, suffix: str
) -> Path | None:
    """The given path, else the one the user picks, suggested as `<stem>-<today><suffix>`."""
    if path:
        return Path(path)
    today = QtCore.QDate.currentDate().toString("yyyy-MM-dd")
    return ask_path(parent, title, f"{stem}-{today}{suffix}", suffix)


def export_pipeline(
    parent: QtWidgets.QWidget,
    ctx: AppContext,
    filters: Filters | None = None,
    path: Path | str | None = None,
) -> Task | None:
    """Ask for a file name, then write the leadership workbook in the background."""
    target = _target(parent, path, _("Export pipeline"), "recruitment-pipeline", ".xlsx")
    if target is None:
        return None
    db, chosen = ctx.db, filters or Filters()

    def work(
        progress: Callable[[int, int], None], cancelled: Callable[[], bool]
    ) -> exporting.ExportResult:
        return exporting.export_workbook(db, target, chosen, progress=progress, cancelled=cancelled)

    def done(result: exporting.ExportResult) -> None:
        rows = ", ".join(f"{n:,} {name.lower()} rows" for name, n in result.rows.items())
        offer_to_open(parent, result.file, rows)

    return run_with_progress(
        parent,
        ctx.runner,
        _("Exporting pipeline"),
        work,
        on_done=done,
        on_cancel=lambda: _status(parent, _("Export cancelled; no file was written.")),
    )


def export_brief(
    parent: QtWidgets.QWidget,
    ctx: AppContext,
    filters: Filters | None = None,
    path: Path | str | None = None,
) -> Task | None:
    """Ask for a file name, read the brief's figures in the background, draw the page."""
    target = _target(parent, path, _("Export brief"), "recruitment-brief", ".pdf")
    if target is None:
        return None
    db, chosen = ctx.db, filters or Filters()

    def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Brief:
        progress(0, 0)
        exporting.refuse_database_target(db, target)
        return build_brief(db, chosen)

    def done(brief: Brief) -> None:
        # Drawn here, on the GUI thread: one page takes a fraction of a second.
        try:
            written = write_brief(target, brief, exporting.exported_at())
        except OSError as exc:
            show_error(parent, _("Export brief"), exc)
            return
        offer_to_open(parent, written, _("One page, as of {day}").format(day=brief.as_of))

    return run_with_progress(
        parent,
        ctx.runner,
        _("Preparing the brief"),
        work,
        on_done=done,
        on_cancel=lambda: _status(parent, _("Export cancelled; no file was written.")),
    )


def view_table(view: QtWidgets.QTableView) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of a view exactly as shown: visible columns in their on-screen order,
    rows in the (sorted, filtered) order of the view's model. Runs on the GUI thread."""
    headers, read = view_reader(view)
    return headers, read()


def view_reader(view: QtWidgets.QTableView) -> tuple[list[str], Callable[[], list[list[Any]]]]:
    """`view_table`, with the rows read by a function: a model that fetches its rows from the
    database (one with `rows_reader`, the Candidates table) is read in the export's worker
    thread; any other model's rows are in memory and copied here, on the GUI thread."""
    model = view.model()
    header = view.horizontalHeader()
    columns = [header.logicalIndex(v) for v in range(header.count())]
    columns = [c for c in columns if not view.isColumnHidden(c)]
    role = Qt.ItemDataRole.DisplayRole
    headers = [str(model.headerData(c, Qt.Orientation.Horizontal, role) or "") for c in columns]
    shown = [r for r in range(model.rowCount()) if not view.isRowHidden(r)]
    reader = getattr(model, "rows_reader", None)
    if reader is not None:
        read: Callable[[], list[list[Any]]] = reader(shown, columns)
        return headers, read
    rows = [[model.data(model.index(r, c), role) for c in columns] for r in shown]
    return headers, lambda: rows


def export_view(
    parent: QtWidgets.QWidget,
    ctx: AppContext,
    view: QtWidgets.QTableView,
    title: str | None = None,
    path: Path | str | None = None,
) -> Task | None:
    """Export a table view as shown (current filter, columns and order) to a styled sheet."""
    name = title or (parent.windowTitle() or _("Export"))
    target = (
        Path(path) if path else ask_path(parent, _("Export table"), f"{exporting_name(name)}.xlsx")
    )
    if target is None:
        return None
    headers, read = view_reader(view)

    def work(
        progress: Callable[[int, int], None], cancelled: Callable[[], bool]
    ) -> exporting.ExportResult:
        progress(0, 0)
        return exporting.export_table(
            target, headers, read(), title=name, progress=progress, cancelled=cancelled
        )

    def done(result: exporting.ExportResult) -> None:
        offer_to_open(parent, result.file, _("{n} rows").format(n=f"{sum(result.rows.values()):,}"))

    return run_with_progress(
        parent,
        ctx.runner,
        _("Exporting table"),
        work,
        on_done=done,
        on_cancel=lambda: _status(parent, _("Export cancelled; no file was written.")),
    )


def exporting_name(title: str) -> str:
    """A file-name-safe version of a title."""
    keep = "".join(c if c.isalnum() or c in " -_" else " " for c in title)
    return "-".join(keep.split()).lower() or "export"


__all__ = [
    "export_brief",
    "export_pipeline",
    "export_view",
    "offer_to_open",
    "view_reader",
    "view_table",
]
