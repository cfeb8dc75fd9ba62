"""Setup's "Move to a server…": the office's database copied to an empty PostgreSQL database
(or a new file), verified table by table, as `recruiter copy --to URL` does (store/copying.py).
The window keeps using the database it has open; the message says how to open the copy."""

from __future__ import annotations

from recruiter.i18n import _
from recruiter.store import copying
from recruiter.store.database import Database

from ..context import AppContext
from ..qt import QtWidgets
from ..tasks import CancelledFn, ProgressFn, Task, run_with_progress, show_error


def copy_to(db: Database, where: str, progress: ProgressFn | None = None) -> copying.CopyReport:
    from recruiter.store.opening import open_database

    other = open_database(where)
    try:
        return copying.copy(db, other, progress)
    finally:
        other.dispose()


def move_to_server(parent: QtWidgets.QWidget, ctx: AppContext) -> Task | None:
    """Ask where, then copy in the background; None when the officer cancelled."""
    where, ok = QtWidgets.QInputDialog.getText(
        parent,
        _("Move to a server"),
        _(
            "The server's empty database (postgresql://user@host/office), or a new file. "
            "Everything is copied and checked; this database stays as it is."
        ),
    )
    where = where.strip()
    if not ok or not where:
        return None
    title = _("Move to a server")

    def work(progress: ProgressFn, _cancelled: CancelledFn) -> copying.CopyReport:
        return copy_to(ctx.db, where, progress)

    def done(report: copying.CopyReport) -> None:
        QtWidgets.QMessageBox.information(
            parent,
            title,
            _(
                "Copied {rows} rows in {tables} tables to {where}; every table's row count and "
                "checksum match. Open it with --db {where} (or RECRUITER_DB) on each desk."
            ).format(rows=f"{report.rows:,}", tables=len(report.tables), where=report.destination),
        )

    return run_with_progress(
        parent,
        ctx.runner,
        title,
        work,
        on_done=done,
        on_error=lambda exc: show_error(parent, title, exc),
    )
