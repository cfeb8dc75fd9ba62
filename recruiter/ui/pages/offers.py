"""The Offers page: every offer and revision, filtered and sorted in SQL, with the status
workflow one click away. Confirmations (accept, decline, override) are methods so tests and other
pages can drive them. Every read runs off the GUI thread (ops.Reader)."""

from __future__ import annotations

from datetime import date
from typing import Any

from recruiter.domain import clock, money
from recruiter.domain.changes import Kind
from recruiter.domain.enums import OfferStatus, Stage
from recruiter.domain.rules import OFFER_TRANSITIONS
from recruiter.errors import BudgetExceeded, RecruiterError
from recruiter.i18n import N_, _, ngettext
from recruiter.services import offers, rates
from recruiter.store.database import Database

from .. import offer_commands
from ..context import AppContext
from ..offer_editor import OfferEditor, ask_override, status_with_override
from ..ops import Reader
from ..qt import Qt, QtCore, QtGui, QtWidgets
from ..tasks import show_error
from .base import Page

COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    # (header, OfferRow attribute, SQL sort key or None when not sortable)
    (N_("Candidate"), "candidate", "candidate"),
    (N_("Target"), "target", "target"),
    (N_("Institution"), "institution", "institution"),
    (N_("Rev"), "revision", "revision"),
    (N_("Status"), "status", "status"),
    (N_("Rank"), "rank", "rank"),
    (N_("Extended"), "extended_on", "extended_on"),
    (N_("Expires"), "expires_on", "expires_on"),
    (N_("Package"), "package", None),
    (N_("Created"), "created_at", "created_at"),
)
STATUS_COLOURS = {
    OfferStatus.draft: "#7f8c8d",
    OfferStatus.approved: "#2471a3",
    OfferStatus.extended: "#b9770e",
    OfferStatus.accepted: "#1e8449",
    OfferStatus.declined: "#922b21",
    OfferStatus.withdrawn: "#7f8c8d",
    OfferStatus.expired: "#922b21",
}


def count_text(rows: list[offers.OfferRow]) -> str:
    """How many offers are listed, in the workbook's words: each application's current offer
    (its latest revision, figures.is_current_offer) and, apart, the earlier revisions shown."""
    current = sum(r.current for r in rows)
    earlier = len(rows) - current
    offers_text = ngettext("{n} offer", "{n} offers", current).format(n=f"{current:,}")
    if not earlier:
        return offers_text
    return _("{current}, {earlier}").format(
        current=ngettext("{n} current offer", "{n} current offers", current).format(
            n=f"{current:,}"
        ),
        earlier=ngettext("{n} earlier revision", "{n} earlier revisions", earlier).format(
            n=f"{earlier:,}"
        ),
    )


def fit_columns(table: QtWidgets.QTableView, widest: int) -> None:
    """Size columns to their contents but keep long names from pushing money off-screen."""
    table.resizeColumnsToContents()
    for col in range(table.model().columnCount() - 1):
        if table.columnWidth(col) > widest:
            table.setColumnWidth(col, widest)


class OffersModel(QtCore.QAbstractTableModel):
    """Rows come from services.offers.list_offers, read in the background; sort() re-queries
    with ORDER BY. `loaded` fires when new rows are in place."""

    loaded = QtCore.Signal()

    def __init__(self, ctx: AppContext, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.reader = Reader(ctx, self)
        self.rows: list[offers.OfferRow] = []
        self.filters: dict[str, Any] = {}
        self.order_by = "created_at"
        self.descending = True
        self.converter = rates.Converter("CNY")
        self.today = clock.today()

    @property
    def loading(self) -> bool:
        return self.reader.pending

    def reload(self) -> None:
        today, order_by, descending = clock.today(), self.order_by, self.descending
        filters = dict(self.filters)

        def read(db: Database) -> tuple[date, rates.Converter, list[offers.OfferRow]]:
            rows = offers.list_offers(
                db, order_by=order_by, descending=descending, today=today, **filters
            )
            return today, rates.converter(db), rows

        self.reader.read(read, self._set, title=_("Offers"))

    def _set(self, loaded: tuple[date, rates.Converter, list[offers.OfferRow]]) -> None:
        self.beginResetModel()
        self.today, self.converter, self.rows = loaded
        self.endResetModel()
        self.loaded.emit()

    def rowCount(self, parent: QtCore.QModelIndex | None = None) -> int:
        if parent is not None and parent.isValid():
            return 0
        return len(self.rows)

    def columnCount(self, parent: QtCore.QModelIndex | None = None) -> int:
        if parent is not None and parent.isValid():
            return 0
        return len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return _(COLUMNS[section][0])
        return None

    def package_text(self, row: offers.OfferRow) -> tuple[str, str]:
        """(display, tooltip): the life cost in the reporting currency, or the missing rate."""
        if not row.totals:
            return "—", _("no items yet")
        parts = ", ".join(money.format_amount(v, c) for c, v in sorted(row.totals.items()))
        try:
            total = self.converter.total((v, c) for c, v in row.totals.items())
        except rates.MissingRate as exc:
            return _("needs {value} rate").format(
                value=", ".join(exc.currencies)
            ), f"{parts}. {exc}"
        return money.format_amount(total, self.converter.reporting), parts

    def data(self, index: QtCore.QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        attr = COLUMNS[index.column()][1]
        if role == Qt.ItemDataRole.DisplayRole:
            if attr == "package":
                return self.package_text(row)[0]
            value = getattr(row, attr)
            if value is None:
                return ""
            if attr == "created_at":
                return clock.to_local(value).strftime("%Y-%m-%d")
            if isinstance(value, date):
                return value.isoformat()
            return str(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            if attr == "package":
                return self.package_text(row)[1]
            if attr == "expires_on" and self.expiring(row):
                return _("expires within 7 days")
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if attr == "status":
                return QtGui.QColor(STATUS_COLOURS[row.status])
            if attr == "expires_on" and self.expiring(row):
                return QtGui.QColor("#c0392b")
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and attr in ("package", "revision"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def expiring(self, row: offers.OfferRow) -> bool:
        return (
            row.status == OfferStatus.extended
            and row.expires_on is not None
            and 0 <= (row.expires_on - self.today).days <= offers.EXPIRING_DAYS
        )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column][2]
        if key is None:
            return
        self.order_by = key
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def row_at(self, row: int) -> offers.OfferRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None


class ApplicationPicker(QtWidgets.QDialog):
    """Choose the application a new offer is for (open, with no open or accepted offer)."""

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("New offer — choose the application"))
        self.resize(560, 420)
        layout = QtWidgets.QVBoxLayout(self)
        self.search = QtWidgets.QLineEdit()
        self.search.setPlaceholderText(_("Search candidate or target…"))
        self.list = QtWidgets.QListWidget()
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.search.textChanged.connect(self.reload)
        self.list.itemDoubleClicked.connect(lambda _i: self.accept())
        self.reader = Reader(ctx, self)
        self.reload()

    @property
    def loading(self) -> bool:
        return self.reader.pending

    def reload(self) -> None:
        text = self.search.text()
        self.reader.read(
            lambda db: offers.offerable_applications(db, text), self._fill, title=_("New offer")
        )

    def _fill(self, found: list[Any]) -> None:
        self.list.clear()
        for c in found:
            it = QtWidgets.QListWidgetItem(
                f"{c.candidate} — {c.target} ({c.institution}), {c.stage.label.lower()}"
            )
            it.setData(Qt.ItemDataRole.UserRole, c.id)
            self.list.addItem(it)
        if self.list.count():
            self.list.setCurrentRow(0)

    def chosen(self) -> int | None:
        it = self.list.currentItem()
        return int(it.data(Qt.ItemDataRole.UserRole)) if it is not None else None


class OffersPage(Page):
    name = N_("Offers")
    watches = frozenset(
        {
            Kind.offer,
            Kind.offer_item,
            Kind.application,
            Kind.candidate,
            Kind.target,
            Kind.institution,
            Kind.exchange_rate,
            Kind.setting,
        }
    )

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._expired_on: date | None = None
        self.reader = Reader(ctx, self)
        self.budget_reader = Reader(ctx, self)
        self._wanted: dict[str, object] | None = None  # a click-through waiting for choices
        self._select_after: int | None = None  # select this offer once the rows are in
        self.model = OffersModel(ctx, self)
        layout = QtWidgets.QVBoxLayout(self)

        filters = QtWidgets.QHBoxLayout()
        self.search = QtWidgets.QLineEdit()
        self.search.setPlaceholderText(_("Search candidate or target…"))
        self.search.setClearButtonEnabled(True)
        self.status_box = QtWidgets.QComboBox()
        self.status_box.addItem(_("All statuses"), None)
        for st in OfferStatus:
            self.status_box.addItem(st.label, st.value)
        self.institution_box = QtWidgets.QComboBox()
        self.target_box = QtWidgets.QComboBox()
        # Sized for what they hold ("All institutions", a target's title), not for the empty
        # box they were on first show; longer names are elided, not the window widened.
        adjust = QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        for box, chars in ((self.institution_box, 18), (self.target_box, 26)):
            box.setSizeAdjustPolicy(adjust)
            box.setMinimumContentsLength(chars)
        self.search.setMinimumWidth(200)
        self.expiring_box = QtWidgets.QCheckBox(
            _("Expiring within {EXPIRING_DAYS} days").format(EXPIRING_DAYS=offers.EXPIRING_DAYS)
        )
        self.count_label = QtWidgets.QLabel()
        for w in (
            self.search,
            self.status_box,
            self.institution_box,
            self.target_box,
            self.expiring_box,
        ):
            filters.addWidget(w)
        filters.addStretch(1)
        layout.addLayout(filters)

        actions = QtWidgets.QHBoxLayout()
        self.buttons: dict[str, QtWidgets.QPushButton] = {}
        for key, label in (
            ("new", _("New offer…")),
            ("edit", _("Open…")),
            ("approved", _("Approve")),
            ("extended", _("Extend")),
            ("accepted", _("Accepted…")),
            ("declined", _("Declined…")),
            ("withdrawn", _("Withdraw")),
            ("expired", _("Mark expired")),
            ("draft", _("Back to draft")),
            ("revise", _("Counter-offer")),
            ("delete", _("Delete draft")),
        ):
            b = QtWidgets.QPushButton(label)
            b.setObjectName(f"offer_{key}")
            self.buttons[key] = b
            actions.addWidget(b)
        actions.addStretch(1)
        layout.addLayout(actions)

        self.empty = QtWidgets.QLabel(
            _(
                "<h3>No offers yet</h3><p>Move a candidate to the "
                "<i>approved</i> stage in the pipeline, then choose <b>New "
                "offer…</b> to put together a package.</p>"
            )
        )
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.table = QtWidgets.QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(
            len(COLUMNS) - 1, Qt.SortOrder.DescendingOrder
        )
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        # Under the table, on a row of its own: "32 current offers, 6 earlier revisions" must
        # not widen the filter or button rows past a 1280-pixel screen.
        layout.addWidget(self.count_label)

        self.search.textChanged.connect(self._filters_changed)
        self.status_box.currentIndexChanged.connect(self._filters_changed)
        self.institution_box.currentIndexChanged.connect(self._institution_changed)
        self.target_box.currentIndexChanged.connect(self._filters_changed)
        self.expiring_box.toggled.connect(self._filters_changed)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.model.loaded.connect(self._rows_loaded)
        self.buttons["new"].clicked.connect(self.new_offer)
        self.buttons["edit"].clicked.connect(self.open_selected)
        self.buttons["revise"].clicked.connect(self.revise_selected)
        self.buttons["delete"].clicked.connect(self.delete_selected)
        for st in OfferStatus:
            if st.value in self.buttons:
                self.buttons[st.value].clicked.connect(lambda _c=False, s=st: self.change_status(s))
        self._updating = False

    # -- loading ------------------------------------------------------------------------
    @property
    def loading(self) -> bool:
        return self.reader.pending or self.model.loading

    def refresh(self) -> None:
        today = clock.today()
        expire = self._expired_on != today  # on first show and then once a day

        def read(db: Database) -> tuple[bool, offers.FilterChoices]:
            expired = False
            if expire:
                try:
                    offers.expire_overdue(db, today)
                except RecruiterError:  # database busy (e.g. a demo load): try again later
                    pass
                else:
                    expired = True
            return expired, offers.filter_choices(db)

        def done(loaded: tuple[bool, offers.FilterChoices]) -> None:
            if loaded[0]:
                self._expired_on = today
            self._reload_choices(loaded[1])
            if self._wanted is not None:
                wanted, self._wanted = self._wanted, None
                self._set_filter_widgets(wanted)
            self._apply_filters()

        self.reader.read(read, done, title=_("Offers"))

    def _reload_choices(self, choices: offers.FilterChoices) -> None:
        self._updating = True
        try:
            self._targets = choices.targets
            keep = self.institution_box.currentData()
            self.institution_box.clear()
            self.institution_box.addItem(_("All institutions"), None)
            for iid, name in choices.institutions:
                self.institution_box.addItem(name, iid)
            self.institution_box.setCurrentIndex(max(0, self.institution_box.findData(keep)))
            self._fill_targets()
        finally:
            self._updating = False

    def _fill_targets(self) -> None:
        keep = self.target_box.currentData()
        inst = self.institution_box.currentData()
        self.target_box.blockSignals(True)
        self.target_box.clear()
        self.target_box.addItem(_("All targets"), None)
        for tid, title, iid in getattr(self, "_targets", []):
            if inst is None or iid == inst:
                self.target_box.addItem(title, tid)
        self.target_box.setCurrentIndex(max(0, self.target_box.findData(keep)))
        self.target_box.blockSignals(False)

    def _institution_changed(self) -> None:
        if not self._updating:
            self._fill_targets()
            self._filters_changed()

    def _filters_changed(self, *_a: Any) -> None:
        if not self._updating:
            self._apply_filters()

    def current_filters(self) -> dict[str, Any]:
        f: dict[str, Any] = {}
        if self.status_box.currentData():
            f["status"] = self.status_box.currentData()
        if self.institution_box.currentData() is not None:
            f["institution_id"] = self.institution_box.currentData()
        if self.target_box.currentData() is not None:
            f["target_id"] = self.target_box.currentData()
        if self.expiring_box.isChecked():
            f["expiring_within"] = offers.EXPIRING_DAYS
        if self.search.text().strip():
            f["search"] = self.search.text().strip()
        return f

    def _apply_filters(self) -> None:
        if self._select_after is None:
            self._select_after = self.selected_id()
        self.model.filters = self.current_filters()
        self.model.reload()

    def _rows_loaded(self) -> None:
        fit_columns(self.table, 260)
        n = self.model.rowCount()
        self.count_label.setText(count_text(self.model.rows))
        nothing = n == 0 and not self.model.filters
        self.empty.setVisible(nothing)
        self.table.setVisible(not nothing)
        selected, self._select_after = self._select_after, None
        if selected is not None:
            self.select_offer(selected)

    def apply_filter(self, filters: dict[str, object]) -> None:
        """Click-through from elsewhere: {'status': 'extended', 'expiring': True,
        'target_id': 3, 'institution_id': 1}. Applied once the filter choices are loaded."""
        self._wanted = dict(filters)
        self.refresh_now()

    def _set_filter_widgets(self, filters: dict[str, object]) -> None:
        self._updating = True
        try:
            self.status_box.setCurrentIndex(max(0, self.status_box.findData(filters.get("status"))))
            self.institution_box.setCurrentIndex(
                max(0, self.institution_box.findData(filters.get("institution_id")))
            )
            self._fill_targets()
            self.target_box.setCurrentIndex(
                max(0, self.target_box.findData(filters.get("target_id")))
            )
            self.expiring_box.setChecked(bool(filters.get("expiring")))
            self.search.setText(str(filters.get("search", "")))
        finally:
            self._updating = False

    # -- selection ----------------------------------------------------------------------
    def selected_row(self) -> offers.OfferRow | None:
        idx = self.table.selectionModel().selectedRows()
        return self.model.row_at(idx[0].row()) if idx else None

    def selected_id(self) -> int | None:
        row = self.selected_row()
        return row.id if row else None

    def select_offer(self, offer_id: int) -> bool:
        """Select the offer; if it is not listed yet (rows still loading), select it when
        the rows arrive. True when it was selected now."""
        for n, row in enumerate(self.model.rows):
            if row.id == offer_id:
                self.table.selectRow(n)
                return True
        if self.loading:
            self._select_after = offer_id
        return False

    def _update_buttons(self, *_a: Any) -> None:
        row = self.selected_row()
        self.buttons["edit"].setEnabled(row is not None)
        allowed = OFFER_TRANSITIONS[row.status] if row else frozenset()
        for st in OfferStatus:
            if st.value in self.buttons:
                self.buttons[st.value].setEnabled(st in allowed)
        is_draft = row is not None and row.status == OfferStatus.draft
        self.buttons["delete"].setEnabled(is_draft)
        self.buttons["revise"].setEnabled(
            row is not None and row.status not in {OfferStatus.accepted, OfferStatus.declined}
        )

    # -- questions (overridable in tests) ------------------------------------------------
    def ask_override(self, err: BudgetExceeded) -> str | None:
        return ask_override(self, err)

    def ask_accept_stage(self) -> Stage | None:
        """Accepting moves the application to `offer`; offer to go on to `signed`."""
        box = QtWidgets.QMessageBox(self)
        box.setWindowTitle(_("Offer accepted"))
        box.setText(_("Mark the offer as accepted. Has the agreement been signed too?"))
        signed = box.addButton(_("Accepted and signed"), QtWidgets.QMessageBox.ButtonRole.YesRole)
        only = box.addButton(_("Accepted only"), QtWidgets.QMessageBox.ButtonRole.NoRole)
        box.addButton(QtWidgets.QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is signed:
            return Stage.signed
        if box.clickedButton() is only:
            return Stage.offer
        return None

    def ask_decline_reason(self) -> str | None:
        text, ok = QtWidgets.QInputDialog.getText(
            self,
            _("Offer declined"),
            _("Declining closes this application as declined.\nWhy did the candidate decline?"),
            text=_("declined the offer"),
        )
        return text.strip() if ok and text.strip() else None

    def confirm(self, title: str, text: str) -> bool:
        answer = QtWidgets.QMessageBox.question(self, title, text)
        return answer == QtWidgets.QMessageBox.StandardButton.Yes

    def confirm_budget(self, status: OfferStatus, effects: list[offers.BudgetEffect]) -> bool:
        """Approve and Extend say what the budgets will look like before they act."""
        title = _("Approve offer") if status == OfferStatus.approved else _("Extend offer")
        return self.confirm(title, budget_question(status, effects))

    def report(self, err: RecruiterError) -> None:
        show_error(self, _("Offers"), err)

    # -- actions ------------------------------------------------------------------------
    def change_status(self, status: OfferStatus) -> RecruiterError | None:
        offer_id = self.selected_id()
        if offer_id is None:
            return None
        kw: dict[str, Any] = {}
        if status == OfferStatus.accepted:
            stage = self.ask_accept_stage()
            if stage is None:
                return None
            kw["move_to"] = stage
        elif status == OfferStatus.declined:
            reason = self.ask_decline_reason()
            if reason is None:
                return None
            kw["reason"] = reason
        elif status == OfferStatus.withdrawn and not self.confirm(
            _("Withdraw offer"), _("Withdraw this offer? Its money is released.")
        ):
            return None
        elif status in (OfferStatus.approved, OfferStatus.extended):
            # The budgets are read in the background; the question comes when they are in.
            self.budget_reader.read(
                lambda db: offers.budget_effects(db, offer_id),
                lambda effects: self._budget_read(offer_id, status, effects),
                title=_("Offers"),
            )
            return None
        return self._apply_status(offer_id, status, **kw)

    def _budget_read(
        self, offer_id: int, status: OfferStatus, effects: list[offers.BudgetEffect]
    ) -> None:
        if self.confirm_budget(status, effects):
            self._apply_status(offer_id, status)

    @property
    def asking_budget(self) -> bool:
        """True while the budgets for an Approve or Extend question are being read."""
        return self.budget_reader.pending

    def _apply_status(self, offer_id: int, status: OfferStatus, **kw: Any) -> RecruiterError | None:
        err = status_with_override(
            self.ctx, self, offer_id, status, ask=lambda _p, e: self.ask_override(e), **kw
        )
        if err is not None and not isinstance(err, BudgetExceeded):
            self.report(err)
        self.select_offer(offer_id)
        return err

    def new_offer(self) -> OfferEditor | None:
        picker = ApplicationPicker(self.ctx, self)
        if picker.exec() != QtWidgets.QDialog.DialogCode.Accepted or picker.chosen() is None:
            return None
        return self.open_editor(application_id=picker.chosen())

    def open_editor(
        self, offer_id: int | None = None, application_id: int | None = None
    ) -> OfferEditor:
        """Open the editor (non-modal); the table selects the offer once saved."""
        editor = OfferEditor(
            self.ctx, offer_id=offer_id, application_id=application_id, parent=self
        )
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.saved.connect(self.select_offer)
        editor.open()
        return editor

    def open_selected(self) -> OfferEditor | None:
        offer_id = self.selected_id()
        return self.open_editor(offer_id) if offer_id is not None else None

    def revise_selected(self) -> None:
        offer_id = self.selected_id()
        if offer_id is None:
            return
        cmd = offer_commands.revise(self.ctx, offer_id)
        if cmd.error is not None:
            self.report(cmd.error)
            return
        new_id = offer_commands.offer_id_of(cmd)
        if new_id is not None:
            self.select_offer(new_id)
            self.open_editor(new_id)

    def delete_selected(self) -> None:
        offer_id = self.selected_id()
        if offer_id is None or not self.confirm(_("Delete draft"), _("Delete this draft offer?")):
            return
        cmd = offer_commands.delete_offer(self.ctx, offer_id)
        if cmd.error is not None:
            self.report(cmd.error)


def budget_question(status: OfferStatus, effects: list[offers.BudgetEffect]) -> str:
    """The Approve/Extend question: per source charged, available now → available after (the
    figures of services.offers.budget_effects, the same the over-commitment guard uses)."""
    approve = status == OfferStatus.approved
    question = _("Approve this offer?") if approve else _("Extend this offer?")
    if not effects:
        return question + " " + _("It is not charged to any budget.")
    changes = any(e.available_after != e.available_now for e in effects)
    lines = [
        question
        + " "
        + (
            _("It reserves its money on these budgets:")
            if changes
            else _("Its money is already reserved; the budgets stay as they are:")
        )
    ]
    for e in effects:
        now = money.format_amount(e.available_now, e.currency)
        after = money.format_amount(e.available_after, e.currency)
        line = _("• {name}: {now} available").format(name=e.name, now=now)
        if e.available_after != e.available_now:
            line += _(" now → {after} after").format(after=after)
        if e.short:
            line += _(" (over budget: you will be asked for a reason)")
        lines.append(line)
    return "\n".join(lines)
