"""The Funding page: every budget with reserved, committed, available and % used; below it the
items charged to the selected source, the overrides granted on it, per-institution totals in the
reporting currency, and the exchange rates those totals use."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from recruiter import i18n
from recruiter.domain import clock, money
from recruiter.domain.changes import Kind
from recruiter.domain.enums import FundingKind
from recruiter.domain.models import FundingSource
from recruiter.errors import RecruiterError, ValidationError
from recruiter.i18n import N_, _, ngettext, pgettext
from recruiter.services import choices, funding, offers, rates
from recruiter.services.concurrency import EditConflict
from recruiter.store.database import Database

from .. import conflicts, offer_commands
from ..context import AppContext
from ..funding_years import FiscalYearsTable
from ..ops import Reader
from ..qt import Qt, QtCore, QtGui, QtWidgets
from ..tasks import show_error
from .base import Page
from .offers import fit_columns

COLUMNS = (
    N_("Name"),
    N_("Kind"),
    N_("Institution"),
    N_("Fiscal year"),
    N_("Currency"),
    N_("Total"),
    N_("Reserved"),
    N_("Committed"),
    N_("Paid"),
    N_("Available"),
    "% used",  # shown through _header: gettext would read it as a %-format
)
MONEY_COLUMNS = {5, 6, 7, 8, 9}

# What an item holds of its source (services.funding.ChargedItem.bucket), in words.
HOLDS = {"reserved": N_("reserved"), "committed": N_("committed")}


def _header(label: str) -> str:
    """A column's title in the current language; "% used" looks like a %-format to gettext's
    tools, so Chinese gets it from a literal of its own."""
    if label == "% used":
        return _("Share used") if i18n.is_chinese() else label
    if label == "Name":  # of a budget: 名称, where a person's name is 姓名
        return pgettext("funding source", "Name")
    return _(label)


_AVAILABLE, _USED = COLUMNS.index("Available"), COLUMNS.index("% used")
RED = "#c0392b"


def used_text(b: funding.Balance) -> str:
    """Percentage in integer arithmetic (per-mille), so display never rounds money via floats."""
    if not b.total:
        return "—" if not (b.reserved or b.committed) else "∞"
    permille = (b.reserved + b.committed) * 1000 // b.total
    return f"{permille // 10}.{permille % 10}%"


class SourcesModel(QtCore.QAbstractTableModel):
    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[funding.Balance] = []
        self.institutions: dict[int, str] = {}

    def set_rows(self, rows: list[funding.Balance], institutions: dict[int, str]) -> None:
        self.beginResetModel()
        self.rows, self.institutions = rows, institutions
        self.endResetModel()

    def rowCount(self, parent: QtCore.QModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def columnCount(self, parent: QtCore.QModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return _header(COLUMNS[section])
        return None

    def data(self, index: QtCore.QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        b = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = (
                b.name,
                b.kind.label,
                self.institutions.get(b.institution_id or -1, ""),
                str(b.fiscal_year or ""),
                b.currency,
                money.format_amount(b.total, b.currency),
                money.format_amount(b.reserved, b.currency),
                money.format_amount(b.committed, b.currency),
                money.format_amount(b.paid, b.currency),
                money.format_amount(b.available, b.currency),
                used_text(b),
            )
            return values[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and (col in MONEY_COLUMNS or col == _USED):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and col in (_AVAILABLE, _USED)
            and b.available < 0
        ):
            return QtGui.QColor(RED)
        if role == Qt.ItemDataRole.ToolTipRole and col == COLUMNS.index("Paid"):
            return _(
                "Paid, net of refunds. Total {total} = available {available} + reserved "
                "{reserved} + committed, unpaid {unpaid} + paid {paid}"
            ).format(
                total=money.format_amount(b.total, b.currency),
                available=money.format_amount(b.available, b.currency),
                reserved=money.format_amount(b.reserved, b.currency),
                unpaid=money.format_amount(b.committed_unpaid, b.currency),
                paid=money.format_amount(b.paid, b.currency),
            )
        if role == Qt.ItemDataRole.ToolTipRole and b.available < 0:
            return _("Over-committed by {amount}; see the Overrides tab.").format(
                amount=money.format_amount(-b.available, b.currency)
            )
        if role == Qt.ItemDataRole.UserRole:
            return b.source_id
        return None


def _fill(
    table: QtWidgets.QTableWidget,
    headers: list[str],
    rows: list[list[str]],
    right: Collection[int] = (),
    red_rows: Collection[int] = (),
) -> None:
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            it = QtWidgets.QTableWidgetItem(text)
            it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if c in right:
                it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if r in red_rows:
                it.setForeground(QtGui.QColor(RED))
            table.setItem(r, c, it)
    table.resizeColumnsToContents()


def _readonly_table() -> QtWidgets.QTableWidget:
    t = QtWidgets.QTableWidget()
    t.verticalHeader().setVisible(False)
    t.setAlternatingRowColors(True)
    t.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def _label(field: str) -> str:
    return field.replace("_minor", "").replace("_id", "").replace("_", " ")


@dataclass(frozen=True)
class Loaded:
    institutions: dict[int, str]
    balances: list[funding.Balance]
    totals: list[funding.InstitutionTotal]
    reporting: str
    rates: list[Any]


def load(db: Database) -> Loaded:
    """Everything the page shows but the selected source's detail (runs in a worker)."""
    return Loaded(
        dict(funding.institution_choices(db)),
        funding.balances(db),
        funding.institution_totals(db),
        rates.reporting_currency(db),
        rates.list_rates(db),
    )


class SourceDialog(QtWidgets.QDialog):
    """Create or edit a funding source; service-side problems appear beside their fields."""

    def __init__(
        self, ctx: AppContext, source_id: int | None = None, parent: QtWidgets.QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.source_id = source_id
        self.setWindowTitle(
            _("New funding source") if source_id is None else _("Edit funding source")
        )
        form = QtWidgets.QFormLayout(self)
        self.name = QtWidgets.QLineEdit()
        self.kind = QtWidgets.QComboBox()
        for k in FundingKind:
            self.kind.addItem(k.label, k.value)
        self.institution = QtWidgets.QComboBox()
        self.institution.addItem(_("(none)"), None)
        self.fiscal_year = QtWidgets.QLineEdit()
        self.fiscal_year.setPlaceholderText(str(clock.today().year))
        self.total = QtWidgets.QLineEdit()
        self.total.setPlaceholderText(_("e.g. 5,000,000 or 500万"))
        self.currency = QtWidgets.QComboBox()
        self.currency.setEditable(True)
        self.currency.addItems(sorted(money.KNOWN_CURRENCIES, key=lambda c: (c != "CNY", c)))
        self.notes = QtWidgets.QLineEdit()
        self.project_no = QtWidgets.QLineEdit()  # printed on the finance batches
        self.project_no.setPlaceholderText(_("the finance office's project number"))
        self.error = QtWidgets.QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {RED};")
        self.fields: dict[str, QtWidgets.QWidget] = {
            "name": self.name,
            "kind": self.kind,
            "institution_id": self.institution,
            "fiscal_year": self.fiscal_year,
            "total_minor": self.total,
            "currency": self.currency,
            "notes": self.notes,
            "project_no": self.project_no,
        }
        for label, w in (
            (_("Name"), self.name),
            (_("Kind"), self.kind),
            (_("Institution"), self.institution),
            (_("Fiscal year"), self.fiscal_year),
            (_("Total"), self.total),
            (_("Currency"), self.currency),
            (_("Notes"), self.notes),
            (_("Project number"), self.project_no),
        ):
            form.addRow(label, w)
        form.addRow(self.error)
        self.buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Save
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.original: dict[str, Any] = {}
        self.version: int | None = None  # as opened (services/concurrency.py)
        self.reader = Reader(ctx, self)
        self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Save).setEnabled(False)

        def read(db: Database) -> tuple[list[choices.Choice], FundingSource | None]:
            src = funding.get(db, source_id) if source_id is not None else None
            # Archived institutions are not offered, but the one a source already has is.
            keep = [src.institution_id] if src is not None and src.institution_id else []
            return choices.institutions(db, keep=keep), src

        self.reader.read(read, self._loaded, lambda exc: self._failed(exc), _("Funding source"))

    @property
    def loading(self) -> bool:
        return self.reader.pending

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(str(exc))

    def _loaded(self, loaded: tuple[list[choices.Choice], FundingSource | None]) -> None:
        offered, src = loaded
        for c in offered:
            self.institution.addItem(c.label, c.id)
        self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Save).setEnabled(True)
        if src is not None:
            self.name.setText(src.name)
            self.kind.setCurrentIndex(self.kind.findData(FundingKind(src.kind).value))
            self.institution.setCurrentIndex(max(0, self.institution.findData(src.institution_id)))
            self.fiscal_year.setText(str(src.fiscal_year or ""))
            self.total.setText(money.format_amount(src.total_minor, src.currency, symbol=False))
            self.currency.setCurrentText(src.currency)
            self.notes.setText(src.notes or "")
            self.project_no.setText(src.project_no or "")
            self.original = self.values() or {}
            self.version = src.version

    def values(self) -> dict[str, Any] | None:
        """The form as service values, or None after marking the fields that cannot be read."""
        for w in self.fields.values():
            w.setStyleSheet("")
        ccy = self.currency.currentText().strip().upper()
        try:
            total = money.parse_amount(
                self.total.text() or "0", ccy if money.is_currency(ccy) else "CNY"
            )
        except money.MoneyError as exc:
            self.show_errors({"total_minor": str(exc)})
            return None
        return {
            "name": self.name.text(),
            "kind": self.kind.currentData(),
            "institution_id": self.institution.currentData(),
            "fiscal_year": self.fiscal_year.text().strip() or None,
            "total_minor": total,
            "currency": ccy,
            "notes": self.notes.text(),
            "project_no": self.project_no.text().strip() or None,
        }

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, msg in errors.items():
            w = self.fields.get(key)
            if w is not None:
                w.setStyleSheet(f"border: 1px solid {RED};")
                w.setToolTip(msg)
        self.error.setText("; ".join(f"{_label(k)}: {v}" for k, v in errors.items()))

    def save(self, overwrite: bool = False) -> bool:
        values = self.values()
        if values is None:
            return False
        if self.source_id is None:
            cmd = offer_commands.create_source(self.ctx, values)
        else:
            changes = {k: v for k, v in values.items() if self.original.get(k) != v}
            if not changes:
                self.accept()
                return True
            cmd = offer_commands.update_source(
                self.ctx,
                self.source_id,
                changes,
                expected_version=self.version,
                overwrite=overwrite,
            )
        if cmd.error is not None:
            if isinstance(cmd.error, EditConflict):
                answer = conflicts.ask(self, cmd.error)
                if answer == "overwrite":
                    return self.save(overwrite=True)
                self.error.setText(str(cmd.error))
                if answer == "reload":
                    self.reject()  # opened again, it shows their version
                return False
            if isinstance(cmd.error, ValidationError):
                self.show_errors(cmd.error.errors)
            else:
                self.error.setText(str(cmd.error))
            return False
        self.accept()
        return True


class RatesPanel(QtWidgets.QWidget):
    """The reporting currency and the exchange rates totals use; shown on the Funding page and
    on the Setup page. `show(...)` fills it from values read elsewhere; its edits are undoable."""

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.reporting = "CNY"
        v = QtWidgets.QVBoxLayout(self)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(QtWidgets.QLabel(_("Reporting currency:")))
        self.reporting_box = QtWidgets.QComboBox()
        self.reporting_box.addItems(sorted(money.KNOWN_CURRENCIES, key=lambda c: (c != "CNY", c)))
        top.addWidget(self.reporting_box)
        top.addStretch(1)
        v.addLayout(top)
        self.rates_table = _readonly_table()
        v.addWidget(self.rates_table, 1)
        edit = QtWidgets.QHBoxLayout()
        self.rate_currency = QtWidgets.QComboBox()
        self.rate_currency.setEditable(True)
        self.rate_currency.addItems(sorted(money.KNOWN_CURRENCIES))
        self.rate_currency.setCurrentText("USD")
        self.rate_value = QtWidgets.QLineEdit()
        self.rate_value.setPlaceholderText(_("reporting-currency units per 1 unit, e.g. 7.1234"))
        self.rate_set = QtWidgets.QPushButton(_("Set rate"))
        self.rate_remove = QtWidgets.QPushButton(_("Remove rate"))
        self.rate_error = QtWidgets.QLabel()
        self.rate_error.setWordWrap(True)
        self.rate_error.setStyleSheet(f"color: {RED};")
        for w in (
            QtWidgets.QLabel("1"),
            self.rate_currency,
            QtWidgets.QLabel("="),
            self.rate_value,
            self.rate_set,
            self.rate_remove,
        ):
            edit.addWidget(w)
        v.addLayout(edit)
        v.addWidget(self.rate_error)
        self.rate_set.clicked.connect(self.set_rate)
        self.rate_remove.clicked.connect(self.remove_rate)
        self.rate_value.returnPressed.connect(self.set_rate)
        self.reporting_box.activated.connect(lambda _i: self.set_reporting())

    def show_rates(self, reporting: str, rows: list[Any], used: Collection[str]) -> None:
        """`used`: the currencies budgets are kept in, so a missing rate is named."""
        self.reporting = reporting
        self.reporting_box.setCurrentText(reporting)
        missing = sorted(set(used) - {reporting} - {r.currency for r in rows})
        _fill(
            self.rates_table,
            [_("Currency"), _("{currency} per unit").format(currency=reporting), _("Updated")],
            [
                [r.currency, format(r.rate, "f"), clock.to_local(r.updated_at).strftime("%Y-%m-%d")]
                for r in rows
            ]
            + [
                [c, _("missing — totals in this currency cannot be converted"), ""] for c in missing
            ],
            right={1},
            red_rows=set(range(len(rows), len(rows) + len(missing))),
        )

    def set_rate(self) -> bool:
        self.rate_error.setText("")
        cmd = offer_commands.set_rate(
            self.ctx, self.rate_currency.currentText(), self.rate_value.text()
        )
        if cmd.error is not None:
            self.rate_error.setText(str(cmd.error))
            return False
        self.rate_value.clear()
        return True

    def remove_rate(self) -> None:
        self.rate_error.setText("")
        offer_commands.delete_rate(self.ctx, self.rate_currency.currentText())

    def set_reporting(self) -> bool:
        self.rate_error.setText("")
        code = self.reporting_box.currentText()
        if code == self.reporting:
            return True
        cmd = offer_commands.set_reporting_currency(self.ctx, code)
        if cmd.error is not None:
            self.rate_error.setText(str(cmd.error))
            self.reporting_box.setCurrentText(self.reporting)
            return False
        return True


class FundingPage(Page):
    name = N_("Funding")
    watches = frozenset(
        {
            Kind.funding_source,
            Kind.offer,
            Kind.offer_item,
            Kind.exchange_rate,
            Kind.setting,
            Kind.institution,
            Kind.application,
            Kind.target,
            Kind.candidate,
            Kind.instalment,
            Kind.refund,
            Kind.refund_receipt,
            Kind.departure,
            Kind.year_close,
        }
    )

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.reader = Reader(ctx, self)
        self.detail_reader = Reader(ctx, self)
        self.reporting = "CNY"
        self._select_after: int | None = None  # select this source once the rows are in
        layout = QtWidgets.QVBoxLayout(self)
        bar = QtWidgets.QHBoxLayout()
        self.new_button = QtWidgets.QPushButton(_("New source…"))
        self.edit_button = QtWidgets.QPushButton(_("Edit…"))
        self.delete_button = QtWidgets.QPushButton(_("Delete"))
        for b in (self.new_button, self.edit_button, self.delete_button):
            bar.addWidget(b)
        bar.addStretch(1)
        self.summary = QtWidgets.QLabel()
        bar.addWidget(self.summary)
        layout.addLayout(bar)

        self.empty = QtWidgets.QLabel(
            _(
                "<h3>No funding sources yet</h3><p>Add the budgets that pay for offers — a "
                "national talent programme, a provincial programme, the university's own pool — "
                "with <b>New source…</b>.</p>"
            )
        )
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)

        split = QtWidgets.QSplitter(Qt.Orientation.Vertical)
        self.model = SourcesModel(self)
        self.table = QtWidgets.QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        split.addWidget(self.table)

        self.tabs = QtWidgets.QTabWidget()
        self.items_table = _readonly_table()
        self.overrides_table = _readonly_table()
        self.institutions_table = _readonly_table()
        self.tabs.addTab(self.items_table, _("Charged items"))
        self.tabs.addTab(self.overrides_table, _("Overrides"))
        self.tabs.addTab(self.institutions_table, _("By institution"))
        self.years_reader = Reader(ctx, self)
        self.years_table = FiscalYearsTable(self.years_reader)
        self.tabs.addTab(self.years_table, _("By fiscal year"))
        self.rates = RatesPanel(ctx)
        # The rate editor's widgets, under the names this page always had.
        self.reporting_box = self.rates.reporting_box
        self.rates_table = self.rates.rates_table
        self.rate_currency = self.rates.rate_currency
        self.rate_value = self.rates.rate_value
        self.rate_error = self.rates.rate_error
        self.set_rate = self.rates.set_rate
        self.remove_rate = self.rates.remove_rate
        self.set_reporting = self.rates.set_reporting
        self.tabs.addTab(self.rates, _("Exchange rates"))
        split.addWidget(self.tabs)
        split.setSizes([300, 260])
        layout.addWidget(split, 1)
        self.splitter = split

        self.new_button.clicked.connect(self.new_source)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

    # -- loading ------------------------------------------------------------------------
    @property
    def loading(self) -> bool:
        return self.reader.pending or self.detail_reader.pending or self.years_reader.pending

    def refresh(self) -> None:
        self.reader.read(load, self._show, title=_("Funding"))

    def _show(self, loaded: Loaded) -> None:
        selected = self._select_after or self.selected_id()
        self._select_after = None
        rows = loaded.balances
        self.model.set_rows(rows, loaded.institutions)
        fit_columns(self.table, 220)
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))
        over = [b for b in rows if b.available < 0]
        self.summary.setText(
            ngettext("{count} source", "{count} sources", len(rows)).format(count=len(rows))
            + (
                f" — <span style='color:{RED}'>"
                + _("{count} over-committed").format(count=len(over))
                + "</span>"
                if over
                else ""
            )
        )
        self.table.blockSignals(True)  # one detail read below, not one per selection step
        self.table.selectionModel().blockSignals(True)
        if (selected is None or not self.select_source(selected)) and rows:
            self.table.selectRow(0)
        self.table.selectionModel().blockSignals(False)
        self.table.blockSignals(False)
        self._load_detail()
        self._show_institutions(loaded.totals)
        self.reporting = loaded.reporting
        self.rates.show_rates(loaded.reporting, loaded.rates, {b.currency for b in rows})

    def _load_detail(self) -> None:
        sid = self.selected_id()
        if sid is None:
            _fill(self.items_table, [_("Select a source above to see what is charged to it")], [])
            _fill(self.overrides_table, [_("Overrides granted on the selected source")], [])
            self._update_buttons()
            return

        def read(db: Database) -> tuple[list[Any], list[Any]]:
            return funding.charged_items(db, sid), offers.overrides_for_source(db, sid)

        self.detail_reader.read(read, self._show_detail, title=_("Funding"))
        ccy = next((b.currency for b in self.model.rows if b.source_id == sid), "CNY")
        self.years_table.show_source(sid, ccy)

    def _show_detail(self, loaded: tuple[list[Any], list[Any]]) -> None:
        items, ovs = loaded
        _fill(
            self.items_table,
            [
                _("Candidate"),
                _("Target"),
                _("Offer"),
                _("Status"),
                _("Item"),
                _("Amount"),
                _("Period"),
                _("Cost"),
                _("Holds"),
            ],
            [
                [
                    i.candidate,
                    i.target,
                    _("#{offer} rev {revision}").format(offer=i.offer_id, revision=i.revision),
                    i.status.label,
                    i.kind.label,
                    money.format_amount(i.amount_minor, i.currency),
                    _("annual × {years}").format(years=i.years)
                    if i.period.value == "annual"
                    else _("one-off"),
                    money.format_amount(i.cost_minor, i.currency),
                    _(HOLDS[i.bucket]) if i.bucket in HOLDS else "—",
                ]
                for i in items
            ],
            right={5, 7},
        )
        _fill(
            self.overrides_table,
            [
                _("When"),
                _("Who"),
                _("Offer"),
                _("Status"),
                _("Shortfall"),
                _("Reason"),
                _("Undone"),
            ],
            [
                [
                    clock.to_local(o.at).strftime("%Y-%m-%d %H:%M"),
                    o.user,
                    f"#{o.offer_id}",
                    o.status or "",
                    money.format_amount(o.shortfall_minor, o.currency),
                    o.reason,
                    "undone" if o.undone else "",
                ]
                for o in ovs
            ],
            right={4},
            red_rows={n for n, o in enumerate(ovs) if not o.undone},
        )
        self.tabs.setTabText(
            1, _("Overrides ({count})").format(count=sum(not o.undone for o in ovs))
        )
        self._update_buttons()

    def _show_institutions(self, totals: list[funding.InstitutionTotal]) -> None:
        def fmt(v: int | None, t: funding.InstitutionTotal) -> str:
            if v is None:
                return _("needs {currencies} rate").format(currencies=", ".join(t.missing_rates))
            return money.format_amount(v, t.currency)

        _fill(
            self.institutions_table,
            [
                _("Institution"),
                _("Sources"),
                _("Total"),
                _("Reserved"),
                _("Committed"),
                _("Available"),
            ],
            [
                [
                    t.name,
                    str(t.sources),
                    fmt(t.total, t),
                    fmt(t.reserved, t),
                    fmt(t.committed, t),
                    fmt(t.available, t),
                ]
                for t in totals
            ],
            right={1, 2, 3, 4, 5},
            red_rows={n for n, t in enumerate(totals) if t.missing_rates},
        )

    # -- selection ----------------------------------------------------------------------
    def selected_id(self) -> int | None:
        idx = self.table.selectionModel().selectedRows()
        if not idx:
            return None
        row = idx[0].row()
        return self.model.rows[row].source_id if row < len(self.model.rows) else None

    def select_source(self, source_id: int) -> bool:
        """Select a source; if it is not listed yet (rows still loading), once they arrive."""
        for n, b in enumerate(self.model.rows):
            if b.source_id == source_id:
                self.table.selectRow(n)
                return True
        if self.reader.pending:
            self._select_after = source_id
        return False

    def _selection_changed(self, *_a: Any) -> None:
        self._load_detail()

    def _update_buttons(self) -> None:
        has = self.selected_id() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    def apply_filter(self, filters: dict[str, object]) -> None:
        """{'source_id': N} selects a source and shows its charged items."""
        self.refresh_now()
        sid = filters.get("source_id")
        if isinstance(sid, int):
            self._select_after = sid
            self.tabs.setCurrentIndex(0)

    # -- actions ------------------------------------------------------------------------
    def report(self, err: RecruiterError) -> None:
        show_error(self, _("Funding"), err)

    def confirm(self, title: str, text: str) -> bool:
        answer = QtWidgets.QMessageBox.question(self, title, text)
        return answer == QtWidgets.QMessageBox.StandardButton.Yes

    def open_source_dialog(self, source_id: int | None = None) -> SourceDialog:
        dlg = SourceDialog(self.ctx, source_id, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.open()
        return dlg

    def new_source(self) -> SourceDialog:
        return self.open_source_dialog()

    def edit_selected(self) -> SourceDialog | None:
        sid = self.selected_id()
        return self.open_source_dialog(sid) if sid is not None else None

    def delete_selected(self) -> None:
        sid = self.selected_id()
        if sid is None or not self.confirm(
            _("Delete funding source"), _("Delete this funding source?")
        ):
            return
        cmd = offer_commands.delete_source(self.ctx, sid)
        if cmd.error is not None:
            self.report(cmd.error)
