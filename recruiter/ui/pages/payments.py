"""The Payments page: instalments due in a month and the batch for the finance office, every
instalment with its trigger and status, the batches sent (mark paid, import the returned sheet,
cancel), the year-end close of lapsing start-up funds (with undo), hires and refunds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from recruiter.domain import clock, money
from recruiter.domain.changes import Kind
from recruiter.domain.models import YearClose
from recruiter.errors import RecruiterError
from recruiter.i18n import N_, _
from recruiter.services import payments
from recruiter.store.database import Database

from ..context import AppContext
from ..ops import CollectionOp, Reader
from ..qt import Qt, QtWidgets
from ..tasks import show_error
from ..undo import push
from .base import Page
from .payments_hires import HiresPanel
from .payments_refunds import RefundsPanel

DUE_COLUMNS = (
    N_("Ref"),
    N_("Person"),
    N_("Item"),
    N_("Trigger"),
    N_("Met on"),
    N_("Source"),
    N_("Project"),
    N_("Amount"),
)
ALL_COLUMNS = (
    N_("Ref"),
    N_("Person"),
    N_("Item"),
    N_("Trigger"),
    N_("Expected"),
    N_("Source"),
    N_("Amount"),
    N_("Status"),
)
WIDEST = 240
BATCH_COLUMNS = (
    N_("Batch"),
    N_("Month"),
    N_("Rows"),
    N_("Sent"),
    N_("Paid"),
    N_("State"),
    N_("File"),
)


@dataclass(frozen=True)
class Loaded:
    month: str
    due: list[payments.PaymentRow]
    rows: list[payments.PaymentRow]
    batches: list[payments.BatchInfo]
    closes: list[YearClose]


def load(db: Database, month: str) -> Loaded:
    """Everything the page shows (runs in a worker)."""
    return Loaded(
        month,
        payments.due_for_month(db, month),
        payments.payment_rows(db),
        payments.list_batches(db),
        payments.closes(db),
    )


def _table(headers: tuple[str, ...]) -> QtWidgets.QTableWidget:
    t = QtWidgets.QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels([_(h) for h in headers])
    t.verticalHeader().setVisible(False)
    t.setAlternatingRowColors(True)
    t.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def _fill(table: QtWidgets.QTableWidget, rows: list[list[str]], right: tuple[int, ...]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QtWidgets.QTableWidgetItem(text)
            if c in right:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    for c in range(table.columnCount() - 1):  # long budget names never push amounts off-screen
        table.setColumnWidth(c, min(table.columnWidth(c), WIDEST))


def _day(d: date | None) -> str:
    return f"{d:%Y-%m-%d}" if d else "—"


def totals_text(sums: dict[str, int]) -> str:
    return ", ".join(money.format_amount(v, k) for k, v in sums.items()) or "nothing"


class PaymentsPage(Page):
    name = N_("Payments")
    watches = frozenset(
        {
            Kind.instalment,
            Kind.finance_batch,
            Kind.offer,
            Kind.offer_item,
            Kind.assessment,
            Kind.service_period,
            Kind.departure,
            Kind.year_close,
            Kind.funding_source,
            Kind.application,
            Kind.setting,  # the assessment scale
        }
    )

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.reader = Reader(ctx, self)
        self.loaded: Loaded | None = None
        layout = QtWidgets.QVBoxLayout(self)
        bar = QtWidgets.QHBoxLayout()
        bar.addWidget(QtWidgets.QLabel(_("Month")))
        self.month = QtWidgets.QLineEdit(f"{clock.today():%Y-%m}")
        self.month.setInputMask("9999-99")
        self.month.setMaximumWidth(90)
        self.month.editingFinished.connect(self.refresh)
        bar.addWidget(self.month)
        self.summary = QtWidgets.QLabel()
        bar.addWidget(self.summary, 1)
        self.fill_button = QtWidgets.QPushButton(_("Fill schedules from templates"))
        self.fill_button.setToolTip(
            _("Give every item of an accepted offer that has no payment schedule its template's")
        )
        self.fill_button.clicked.connect(self.fill_templates)
        bar.addWidget(self.fill_button)
        self.batch_button = QtWidgets.QPushButton(_("Write batch for finance…"))
        self.batch_button.clicked.connect(self.ask_batch)
        bar.addWidget(self.batch_button)
        layout.addLayout(bar)

        self.tabs = QtWidgets.QTabWidget()
        self.due = _table(DUE_COLUMNS)
        self.all = _table(ALL_COLUMNS)
        batches = QtWidgets.QWidget()
        bl = QtWidgets.QVBoxLayout(batches)
        self.batches = _table(BATCH_COLUMNS)
        bl.addWidget(self.batches)
        row = QtWidgets.QHBoxLayout()
        self.paid_button = QtWidgets.QPushButton(_("Mark batch paid"))
        self.paid_button.clicked.connect(self.mark_selected_paid)
        self.returned_button = QtWidgets.QPushButton(_("Import returned sheet…"))
        self.returned_button.clicked.connect(self.ask_returned)
        self.cancel_button = QtWidgets.QPushButton(_("Cancel batch"))
        self.cancel_button.clicked.connect(self.cancel_selected)
        for b in (self.paid_button, self.returned_button, self.cancel_button):
            row.addWidget(b)
        row.addStretch(1)
        bl.addLayout(row)
        close = QtWidgets.QWidget()
        cl = QtWidgets.QFormLayout(close)
        self.year = QtWidgets.QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(clock.today().year - (1 if clock.today().month < 12 else 0))
        cl.addRow(_("Year to close"), self.year)
        self.close_button = QtWidgets.QPushButton(
            _("Close the year (lapse unspent start-up funds)")
        )
        self.close_button.clicked.connect(self.close_year)
        cl.addRow(self.close_button)
        self.undo_close_button = QtWidgets.QPushButton(_("Undo the last close"))
        self.undo_close_button.clicked.connect(self.undo_last_close)
        cl.addRow(self.undo_close_button)
        self.close_state = QtWidgets.QLabel()
        self.close_state.setWordWrap(True)
        cl.addRow(self.close_state)
        self.tabs.addTab(self.due, _("Due"))
        self.tabs.addTab(self.all, _("All instalments"))
        self.tabs.addTab(batches, _("Batches"))
        self.tabs.addTab(close, _("Year-end close"))
        self.hires = HiresPanel(ctx)
        self.tabs.addTab(self.hires, _("Hires"))
        self.tabs.addTab(RefundsPanel(ctx), _("Refunds"))
        layout.addWidget(self.tabs, 1)

    # -- reading -------------------------------------------------------------------------

    def current_month(self) -> str:
        return self.month.text().strip()

    def refresh(self) -> None:
        month = self.current_month()
        try:
            payments.check_month(month)
        except RecruiterError:
            self.summary.setText(_("Give a month as YYYY-MM."))
            return
        self.reader.read(lambda db: load(db, month), self._show, title=_("Payments"))
        self.hires.refresh()

    def _show(self, loaded: Loaded) -> None:
        self.loaded = loaded
        _fill(
            self.due,
            [
                [
                    str(r.id),
                    r.candidate,
                    r.item_text,
                    r.trigger_text,
                    _day(r.met_on),
                    r.source,
                    r.project_no,
                    money.format_amount(r.amount_minor, r.currency),
                ]
                for r in loaded.due
            ],
            (0, 7),
        )
        _fill(
            self.all,
            [
                [
                    str(r.id),
                    r.candidate,
                    r.item_text,
                    r.trigger_text,
                    _day(r.expected_on),
                    r.source,
                    money.format_amount(r.amount_minor, r.currency),
                    r.status.value + (f" {_day(r.paid_on)}" if r.paid_on else ""),
                ]
                for r in loaded.rows
            ],
            (0, 6),
        )
        _fill(
            self.batches,
            [
                [
                    str(b.id),
                    b.month,
                    str(b.rows),
                    str(b.sent),
                    str(b.paid),
                    "cancelled" if b.cancelled else ("paid" if not b.sent else "sent"),
                    b.file_name or "",
                ]
                for b in loaded.batches
            ],
            (0, 2, 3, 4),
        )
        sums = payments.totals(loaded.due)
        self.summary.setText(
            _("Due by the end of {month}: {count} instalment(s), {totals}.").format(
                month=loaded.month, count=len(loaded.due), totals=totals_text(dict(sums))
            )
            if loaded.due
            else _("Nothing is due by the end of {month}.").format(month=loaded.month)
        )
        self.batch_button.setEnabled(bool(loaded.due))
        open_closes = [c for c in loaded.closes if c.undone_at is None]
        self.undo_close_button.setEnabled(bool(open_closes))
        self.close_state.setText(
            "; ".join(
                _("{year} closed: {lapsed} lapsed").format(year=c.year, lapsed=c.lapsed)
                for c in open_closes
            )
            or _("No year is closed.")
        )

    # -- writing -------------------------------------------------------------------------

    def ask_batch(self) -> None:
        month = self.current_month()
        path, _kind = QtWidgets.QFileDialog.getSaveFileName(
            self,
            _("Save the finance batch"),
            f"payments-{month}.xlsx",
            _("Excel workbook (*.xlsx)"),
        )
        if path:
            self.write_batch(Path(path))

    def write_batch(self, path: Path) -> None:
        """Write the month's batch and mark its instalments sent (in the background)."""
        month = self.current_month()
        op: CollectionOp[payments.BatchResult] = CollectionOp(
            parent=self,
            op=lambda db, _p, _c: payments.run_batch(db, path, month),
            title=_("Writing the finance batch"),
        )
        op.success(self._batch_done).failure(
            lambda exc: show_error(self, _("Finance batch"), exc)
        ).run_in_background(self.ctx)

    def _batch_done(self, result: payments.BatchResult) -> None:
        self.summary.setText(
            _("Batch {batch}: {count} instalment(s), {totals}, written to {file}.").format(
                batch=result.batch_id,
                count=result.rows,
                totals=totals_text(result.totals),
                file=result.file,
            )
            if result.rows
            else _("Nothing is due for {month}; no file was written.").format(month=result.month)
        )

    def fill_templates(self) -> None:
        op: CollectionOp[int] = CollectionOp(
            parent=self,
            op=lambda db, _p, _c: payments.fill_from_templates(db),
            title=_("Filling payment schedules"),
        )
        op.success(
            lambda n: self.summary.setText(_("{count} item(s) given a schedule.").format(count=n))
        ).failure(lambda exc: show_error(self, _("Payment schedules"), exc)).run_in_background(
            self.ctx
        )

    def selected_batch(self) -> int | None:
        row = self.batches.currentRow()
        if row < 0 or self.loaded is None or row >= len(self.loaded.batches):
            return None
        return self.loaded.batches[row].id

    def mark_selected_paid(self) -> None:
        batch = self.selected_batch()
        if batch is None:
            return
        db = self.ctx.db
        push(
            self.ctx,
            _("Mark batch {batch} paid").format(batch=batch),
            lambda: payments.mark_batch_paid(db, batch),
            lambda ids: payments.unmark_paid(db, ids),
            on_error=lambda exc: show_error(self, _("Finance batch"), exc),
        )

    def cancel_selected(self) -> None:
        batch = self.selected_batch()
        if batch is None:
            return
        try:
            payments.cancel_batch(self.ctx.db, batch)
        except RecruiterError as exc:
            show_error(self, _("Cancel batch"), exc)

    def ask_returned(self) -> None:
        path, _kind = QtWidgets.QFileDialog.getOpenFileName(
            self,
            _("The finance office's returned sheet"),
            "",
            _("Spreadsheets (*.xlsx *.xls *.csv)"),
        )
        if path:
            self.import_returned(Path(path))

    def import_returned(self, path: Path) -> None:
        op: CollectionOp[payments.ReturnedResult] = CollectionOp(
            parent=self,
            op=lambda db, _p, _c: payments.import_returned(db, path),
            title=_("Reading the returned sheet"),
        )
        op.success(
            lambda r: self.summary.setText(
                _("{paid} instalment(s) marked paid; {unpaid} not paid yet").format(
                    paid=len(r.paid), unpaid=r.not_paid
                )
                + (_("; unknown refs {refs}").format(refs=r.unknown) if r.unknown else "")
                + "."
            )
        ).failure(lambda exc: show_error(self, _("Returned sheet"), exc)).run_in_background(
            self.ctx
        )

    def close_year(self) -> None:
        year = self.year.value()
        db = self.ctx.db
        push(
            self.ctx,
            _("Close {year}").format(year=year),
            lambda: payments.close_year(db, year),
            lambda res: payments.undo_close(db, res.close_id),
            on_error=lambda exc: show_error(self, _("Year-end close"), exc),
        )

    def undo_last_close(self) -> None:
        if self.loaded is None:
            return
        open_closes = [c for c in self.loaded.closes if c.undone_at is None]
        if not open_closes or open_closes[0].id is None:
            return
        try:
            payments.undo_close(self.ctx.db, open_closes[0].id)
        except RecruiterError as exc:
            show_error(self, _("Year-end close"), exc)
