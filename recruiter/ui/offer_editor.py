"""The offer editor: header fields and item lines, with totals in the reporting currency updated
as the user types and problems shown beside the widget that caused them. Saving goes through
the undo stack; nothing is written while any field is invalid."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from recruiter.domain import money
from recruiter.domain.enums import ItemKind, OfferStatus, Period
from recruiter.errors import BudgetExceeded, RecruiterError, ValidationError
from recruiter.i18n import N_, _
from recruiter.services import applications, choices, offers, rates, targets
from recruiter.services.concurrency import EditConflict
from recruiter.store.database import Database

from . import conflicts, offer_commands
from .columns import fit_header_labels
from .context import AppContext
from .ops import Reader
from .qt import Qt, QtCore, QtWidgets
from .schedule_editor import ScheduleDialog

ERROR_STYLE = "border: 1px solid #c0392b; background: #fdecea;"
COLUMNS = (
    N_("Kind"),
    N_("Amount"),
    N_("Currency"),
    N_("Period"),
    N_("Years"),
    N_("Funding source"),
    "",
)
COL = {
    name: n
    for n, name in enumerate(
        ("kind", "amount_minor", "currency", "period", "years", "funding_source_id", "remove")
    )
}
KIND_LABELS = {
    ItemKind.salary: N_("Salary (annual)"),
    ItemKind.signing_bonus: N_("Signing bonus"),
    ItemKind.settling_in: N_("Settling-in allowance 安家费"),
    ItemKind.housing: N_("Housing subsidy"),
    ItemKind.relocation: N_("Relocation"),
    ItemKind.startup_research: N_("Start-up research 科研启动经费"),
    ItemKind.other: N_("Other"),
}


def _amount_text(minor: int, ccy: str) -> str:
    return money.format_amount(minor, ccy, symbol=False).replace(",", "")


class OverrideDialog(QtWidgets.QDialog):
    """Shown when a budget would go below zero: says which and by how much, asks for a reason."""

    def __init__(self, err: BudgetExceeded, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Not enough funding"))
        layout = QtWidgets.QVBoxLayout(self)
        msg = QtWidgets.QLabel(str(err))
        msg.setWordWrap(True)
        msg.setObjectName("message")
        layout.addWidget(msg)
        layout.addWidget(QtWidgets.QLabel(_("Reason for the override (kept in the audit log):")))
        self.reason = QtWidgets.QLineEdit()
        self.reason.setPlaceholderText(_("e.g. provincial top-up confirmed for next quarter"))
        layout.addWidget(self.reason)
        self.buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("Override"))
        ok.setEnabled(False)
        self.reason.textChanged.connect(lambda t: ok.setEnabled(bool(t.strip())))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)


def ask_override(parent: QtWidgets.QWidget | None, err: BudgetExceeded) -> str | None:
    """Modal: the reason, or None when the user cancelled."""
    dlg = OverrideDialog(err, parent)
    if dlg.exec() == QtWidgets.QDialog.DialogCode.Accepted:
        return dlg.reason.text().strip() or None
    return None


def status_with_override(
    ctx: AppContext,
    parent: QtWidgets.QWidget | None,
    offer_id: int,
    status: OfferStatus,
    ask: Any = ask_override,
    **kw: Any,
) -> RecruiterError | None:
    """Change status; on BudgetExceeded ask for a reason and retry once. Returns the final error
    (None on success); a cancelled override returns the BudgetExceeded."""
    cmd = offer_commands.set_status(ctx, offer_id, status, **kw)
    if isinstance(cmd.error, BudgetExceeded):
        reason = ask(parent, cmd.error)
        if not reason:
            return cmd.error
        cmd = offer_commands.set_status(ctx, offer_id, status, override_reason=reason, **kw)
    return cmd.error


SOURCE_COLUMN_WIDEST = 380  # longer budget names are elided; the box's tooltip has them whole
# Field names in the item problems the editor lists.
FIELD_NAMES = {
    "kind": N_("kind"),
    "amount": N_("amount"),
    "currency": N_("currency"),
    "period": N_("period"),
    "years": N_("years"),
    "funding_source": N_("funding source"),
}
NO_SOURCE = N_("(not charged to a budget)")


@dataclass(frozen=True)
class Loaded:
    converter: rates.Converter
    sources: list[choices.SourceChoice]  # the institution's own first, then the others
    detail: offers.OfferDetail | None
    parties: offers.OfferParties
    target_source: int | None = None  # the budget the target is charged to: new items' default


def editor_title(parties: offers.OfferParties, detail: offers.OfferDetail | None) -> str:
    """Whose offer it is: the candidate and the target (and the revision being edited)."""
    who = f"{parties.candidate} — {parties.target}"
    if detail is None:
        return _("New offer to {who}").format(who=who)
    return _("Offer to {who} (revision {revision})").format(who=who, revision=detail.offer.revision)


class OfferEditor(QtWidgets.QDialog):
    """Edit an offer, or create one on `application_id` when `offer_id` is None."""

    saved = QtCore.Signal(int)
    ready = QtCore.Signal()  # the offer, sources and rates are loaded; the form can be used

    def __init__(
        self,
        ctx: AppContext,
        offer_id: int | None = None,
        application_id: int | None = None,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if offer_id is None and application_id is None:
            raise ValueError(_("an offer or an application is needed"))
        self.ctx = ctx
        self.offer_id = offer_id
        self.application_id = application_id
        self.converter = rates.Converter("CNY")
        self.sources: list[choices.SourceChoice] = []
        self.source_ccy: dict[int, str] = {}
        self.parties: offers.OfferParties | None = None
        self.detail: offers.OfferDetail | None = None
        self.items_locked = True  # until the offer is loaded
        self.target_source: int | None = None
        self.setWindowTitle(_("New offer") if offer_id is None else _("Offer"))
        self.resize(1100, 620)
        self._build()
        self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Save).setEnabled(False)
        self.add_button.setEnabled(False)
        self.reader = Reader(ctx, self)

        def read(db: Database) -> Loaded:
            detail = offers.get_offer(db, offer_id) if offer_id is not None else None
            app_id = detail.offer.application_id if detail is not None else application_id
            assert app_id is not None
            parties = offers.offer_parties(db, app_id)
            charged = [i.funding_source_id for i in detail.items] if detail is not None else []
            sources = choices.funding_sources(
                db, parties.institution_id, others=True, keep=[i for i in charged if i]
            )
            target = targets.get(db, applications.get(db, app_id).target_id)
            return Loaded(rates.converter(db), sources, detail, parties, target.funding_source_id)

        self._read = read
        self.reader.read(read, self._loaded, self._failed, _("Offer"))

    def reload(self) -> None:
        """Read the offer again (someone else saved it meanwhile)."""
        self.table.setRowCount(0)
        self.reader.read(self._read, self._loaded, self._failed, "Offer")

    @property
    def loading(self) -> bool:
        return self.reader.pending

    def _failed(self, exc: BaseException) -> None:
        self.error_label.setText(str(exc))

    def _loaded(self, loaded: Loaded) -> None:
        self.converter, self.sources, self.detail = loaded.converter, loaded.sources, loaded.detail
        self.parties = loaded.parties
        self.target_source = loaded.target_source
        self.source_ccy = {s.id: s.currency for s in self.sources}
        self.items_locked = (
            self.detail is not None and OfferStatus(self.detail.offer.status) != OfferStatus.draft
        )
        self.setWindowTitle(editor_title(loaded.parties, self.detail))
        self.other_sources.setVisible(any(not s.own for s in self.sources))
        self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Save).setEnabled(True)
        self.add_button.setEnabled(not self.items_locked)
        self._load()
        self.update_totals()
        self.ready.emit()

    # -- building -----------------------------------------------------------------------
    def _build(self) -> None:
        layout = QtWidgets.QVBoxLayout(self)
        self.context_label = QtWidgets.QLabel()
        self.context_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.context_label)

        form = QtWidgets.QFormLayout()
        self.rank = QtWidgets.QLineEdit()
        self.rank.setPlaceholderText(_("e.g. Full Professor, Distinguished Chair"))
        self.start_on = QtWidgets.QLineEdit()
        self.start_on.setPlaceholderText("YYYY-MM-DD")
        self.expires_on = QtWidgets.QLineEdit()
        self.expires_on.setPlaceholderText("YYYY-MM-DD")
        self.notes = QtWidgets.QPlainTextEdit()
        self.notes.setFixedHeight(54)
        self.dates_label = QtWidgets.QLabel()
        form.addRow(_("Rank / title"), self.rank)
        form.addRow(_("Start date"), self.start_on)
        form.addRow(_("Expires on"), self.expires_on)
        form.addRow(_("Status"), self.dates_label)
        form.addRow(_("Notes"), self.notes)
        self.header_widgets: dict[str, QtWidgets.QWidget] = {
            "rank": self.rank,
            "start_on": self.start_on,
            "expires_on": self.expires_on,
            "notes": self.notes,
        }
        layout.addLayout(form)

        bar = QtWidgets.QHBoxLayout()
        bar.addWidget(QtWidgets.QLabel(_("<b>Package</b>")))
        self.locked_label = QtWidgets.QLabel(
            _(
                "Items are fixed once an offer is approved: move it back to draft or make a "
                "counter-offer to change them."
            )
        )
        self.locked_label.setStyleSheet("color: #8a6d3b;")
        bar.addWidget(self.locked_label)
        bar.addStretch(1)
        self.other_sources = QtWidgets.QCheckBox(_("Offer other institutions' budgets"))
        self.other_sources.setToolTip(
            _(
                "The budgets of the offer's own institution (and those of no institution) are "
                "offered first; tick this to charge an item to another institution's budget."
            )
        )
        self.other_sources.hide()
        self.other_sources.toggled.connect(self._refill_sources)
        bar.addWidget(self.other_sources)
        self.add_button = QtWidgets.QPushButton(_("Add item"))
        self.add_button.clicked.connect(lambda: self.add_item_row())
        bar.addWidget(self.add_button)
        self.schedule_button = QtWidgets.QPushButton(_("Payment schedule…"))
        self.schedule_button.setToolTip(_("When and from which budgets the selected item is paid"))
        self.schedule_button.clicked.connect(self.edit_schedule)
        bar.addWidget(self.schedule_button)
        layout.addLayout(bar)

        self.table = QtWidgets.QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([_(c) if c else c for c in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        hdr = self.table.horizontalHeader()
        hdr.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Interactive)
        for col, width in zip(range(len(COLUMNS)), (230, 140, 80, 90, 60, 240, 30), strict=True):
            self.table.setColumnWidth(col, width)
        hdr.setStretchLastSection(False)
        # Budget names are long ("Shanghai Eastern Scholar Programme (东方学者计划) 2026"): the
        # funding-source column takes the room the dialog has.
        hdr.setSectionResizeMode(COL["funding_source_id"], QtWidgets.QHeaderView.ResizeMode.Stretch)
        fit_header_labels(self.table)
        layout.addWidget(self.table, 1)

        totals = QtWidgets.QHBoxLayout()
        self.first_year_label = QtWidgets.QLabel()
        self.total_label = QtWidgets.QLabel()
        self.startup_label = QtWidgets.QLabel()
        for w in (self.first_year_label, self.total_label, self.startup_label):
            w.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            totals.addWidget(w)
        layout.addLayout(totals)

        self.error_label = QtWidgets.QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c0392b;")
        layout.addWidget(self.error_label)

        self.buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Save
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        for w in (self.rank, self.start_on, self.expires_on):
            w.textChanged.connect(self._clear_header_error)

    def _load(self) -> None:
        d = self.detail
        if d is None:
            p = self.parties
            who = (
                f"<b>{html.escape(p.candidate)}</b> — {html.escape(p.target)}, "
                f"{html.escape(p.institution)}<br>"
                if p
                else ""
            )
            self.context_label.setText(who + _("<small>New offer (draft)</small>"))
            self.dates_label.setText(OfferStatus.draft.label)
            self.locked_label.hide()
            return
        o = d.offer
        revs = ", ".join(f"{r} ({st.label})" for _i, r, st in d.revisions)
        self.context_label.setText(
            f"<b>{d.candidate}</b> — {d.target}, {d.institution}"
            + _("<br><small>Revisions: {revisions}</small>").format(revisions=revs)
        )
        self.rank.setText(o.rank or "")
        self.start_on.setText(o.start_on.isoformat() if o.start_on else "")
        self.expires_on.setText(o.expires_on.isoformat() if o.expires_on else "")
        self.notes.setPlainText(o.notes or "")
        bits = [OfferStatus(o.status).label]
        if o.extended_on:
            bits.append(_("extended {day}").format(day=o.extended_on.isoformat()))
        if o.responded_on:
            bits.append(_("answered {day}").format(day=o.responded_on.isoformat()))
        self.dates_label.setText(", ".join(bits))
        for it in d.items:
            self.add_item_row(
                {
                    "kind": it.kind,
                    "amount": _amount_text(it.amount_minor, it.currency),
                    "currency": it.currency,
                    "period": it.period,
                    "years": it.years,
                    "funding_source_id": it.funding_source_id,
                    "id": it.id,
                }
            )
        self.locked_label.setVisible(self.items_locked)
        self.add_button.setEnabled(not self.items_locked)

    def add_item_row(self, values: dict[str, Any] | None = None) -> int:
        v = values or {}
        row = self.table.rowCount()
        self.table.insertRow(row)
        kind = QtWidgets.QComboBox()
        for k in ItemKind:
            kind.addItem(_(KIND_LABELS[k]), k.value)
        kind.setCurrentIndex(max(0, kind.findData(str(v.get("kind", ItemKind.salary)))))
        amount = QtWidgets.QLineEdit(str(v.get("amount", "")))
        amount.setPlaceholderText(_("e.g. 600000 or 60万"))
        amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        ccy = QtWidgets.QComboBox()
        ccy.setEditable(True)
        ccy.addItems(sorted(money.KNOWN_CURRENCIES, key=lambda c: (c != "CNY", c)))
        # A new line is charged to the target's budget (and paid in its currency) by default.
        charged = v.get("funding_source_id", self.target_source)
        if charged not in self.source_ccy:
            charged = None
        ccy.setCurrentText(
            str(v.get("currency", self.source_ccy.get(charged) or self.converter.reporting))
        )
        period = QtWidgets.QComboBox()
        period.addItem(_("one-off"), Period.one_off.value)
        period.addItem(_("annual"), Period.annual.value)
        period.setCurrentIndex(max(0, period.findData(str(v.get("period", Period.one_off)))))
        years = QtWidgets.QSpinBox()
        years.setRange(1, offers.MAX_YEARS)
        years.setValue(int(v.get("years", 1)))
        source = QtWidgets.QComboBox()
        self._fill_source_box(source, charged)
        remove = QtWidgets.QToolButton()
        remove.setText("✕")
        remove.setToolTip(_("Remove this item"))
        if "period" not in v:
            period.setCurrentIndex(
                period.findData(ItemKind(kind.currentData()).default_period.value)
            )
        widgets = (kind, amount, ccy, period, years, source, remove)
        for col, w in enumerate(widgets):
            self.table.setCellWidget(row, col, w)
            w.setEnabled(not self.items_locked)
        amount.setProperty("item_id", v.get("id"))
        years.setEnabled(not self.items_locked and period.currentData() == Period.annual.value)

        kind.currentIndexChanged.connect(lambda _i, k=kind, p=period: self._kind_chosen(k, p))
        amount.textChanged.connect(self._changed)
        ccy.currentTextChanged.connect(self._changed)
        period.currentIndexChanged.connect(self._changed)
        years.valueChanged.connect(self._changed)
        source.currentIndexChanged.connect(lambda _i, c=ccy, s=source: self._source_chosen(c, s))
        remove.clicked.connect(lambda _c=False, w=remove: self._remove_row_of(w))
        self._fit_source_column()
        self._changed()
        return row

    # -- funding sources ------------------------------------------------------------------
    def edit_schedule(self) -> ScheduleDialog | None:
        """The selected saved item's payment schedule (issue 18), in its own dialog."""
        row = max(self.table.currentRow(), 0)
        item_id = (
            self._widget(row, "amount_minor").property("item_id") if self.table.rowCount() else None
        )
        if item_id is None:
            self.error_label.setText(_("Save the offer first: a schedule belongs to a saved item."))
            return None
        dialog = ScheduleDialog(self.ctx, int(item_id), self)
        dialog.open()
        return dialog

    def _fill_source_box(self, box: QtWidgets.QComboBox, current: int | None) -> None:
        """The institution's own budgets (and those of no institution); other institutions'
        only when asked for, or when the item is already charged to one."""
        box.blockSignals(True)
        box.clear()
        box.addItem(_(NO_SOURCE), None)
        for s in self.sources:
            if s.own or self.other_sources.isChecked() or s.id == current:
                box.addItem(f"{s.label} ({s.currency})", s.id)
        box.setCurrentIndex(max(0, box.findData(current)))
        box.setToolTip(box.currentText())
        box.blockSignals(False)

    def _refill_sources(self, *_args: Any) -> None:
        for row in range(self.table.rowCount()):
            box = self._widget(row, "funding_source_id")
            self._fill_source_box(box, box.currentData())
        self._fit_source_column()

    def _fit_source_column(self) -> None:
        """Wide enough for the budget names on offer (up to a limit; the tooltip has the rest)."""
        boxes = [self._widget(r, "funding_source_id") for r in range(self.table.rowCount())]
        widest = max((b.sizeHint().width() for b in boxes), default=0)
        col = COL["funding_source_id"]
        if widest > self.table.columnWidth(col):
            self.table.setColumnWidth(col, min(widest, SOURCE_COLUMN_WIDEST))

    def source_labels(self, row: int) -> list[str]:
        """The budgets row `row` offers, as shown (for tests and for reading aloud)."""
        box = self._widget(row, "funding_source_id")
        return [box.itemText(i) for i in range(box.count())]

    # -- behaviour ----------------------------------------------------------------------
    def _widget(self, row: int, field: str) -> Any:
        return self.table.cellWidget(row, COL[field])

    def _kind_chosen(self, kind: QtWidgets.QComboBox, period: QtWidgets.QComboBox) -> None:
        """A new kind brings its usual period (安家费 is paid once, a salary every year)."""
        period.setCurrentIndex(period.findData(ItemKind(kind.currentData()).default_period.value))
        self._changed()

    def _source_chosen(self, ccy: QtWidgets.QComboBox, source: QtWidgets.QComboBox) -> None:
        source.setToolTip(source.currentText())
        src_ccy = self.source_ccy.get(source.currentData())
        if src_ccy:
            ccy.setCurrentText(src_ccy)  # an item is paid in its budget's currency
        self._changed()

    def _remove_row_of(self, button: QtWidgets.QWidget) -> None:
        for row in range(self.table.rowCount()):
            if self.table.cellWidget(row, COL["remove"]) is button:
                self.table.removeRow(row)
                break
        self._changed()

    def _clear_header_error(self) -> None:
        for w in self.header_widgets.values():
            w.setStyleSheet("")
            w.setToolTip("")

    def item_values(self) -> list[dict[str, Any]]:
        """The item lines as the service expects them (amounts still as typed text)."""
        out = []
        for row in range(self.table.rowCount()):
            out.append(
                {
                    "kind": self._widget(row, "kind").currentData(),
                    "amount": self._widget(row, "amount_minor").text(),
                    "currency": self._widget(row, "currency").currentText(),
                    "period": self._widget(row, "period").currentData(),
                    "years": self._widget(row, "years").value(),
                    "funding_source_id": self._widget(row, "funding_source_id").currentData(),
                    "id": self._widget(row, "amount_minor").property("item_id"),
                }
            )
        return out

    def header_values(self) -> dict[str, Any]:
        return {
            "rank": self.rank.text(),
            "start_on": self.start_on.text().strip() or None,
            "expires_on": self.expires_on.text().strip() or None,
            "notes": self.notes.toPlainText(),
        }

    def _changed(self, *_args: Any) -> None:
        for row in range(self.table.rowCount()):
            period = self._widget(row, "period")
            self._widget(row, "years").setEnabled(
                not self.items_locked and period.currentData() == Period.annual.value
            )
        self.validate_items(live=True)
        self.update_totals()

    def validate_items(self, live: bool = False) -> tuple[list[offers.ItemData], dict[str, str]]:
        """Check every line, mark the bad widgets, return (good lines, problems). While the user
        is still typing (`live`), an amount not yet entered is not marked as an error; Save
        checks everything."""
        good: list[offers.ItemData] = []
        problems: dict[str, str] = {}
        for row, values in enumerate(self.item_values()):
            item, errs = offers.check_item(values, self.source_ccy)
            if live and not self._widget(row, "amount_minor").text().strip():
                errs.pop("amount_minor", None)
            for field in ("amount_minor", "currency", "years", "funding_source_id"):
                w = self._widget(row, field)
                w.setStyleSheet(ERROR_STYLE if field in errs else "")
                w.setToolTip(errs.get(field, ""))
            problems.update({f"items[{row}].{k}": v for k, v in errs.items()})
            if item is not None:
                good.append(item)
        self.error_label.setText(self._describe(problems) if problems else "")
        return good, problems

    @staticmethod
    def _describe(problems: dict[str, str]) -> str:
        parts = []
        for key, msg in problems.items():
            if key.startswith("items["):
                n = int(key[6 : key.index("]")]) + 1
                fld = key.split(".", 1)[1].replace("_minor", "").replace("_id", "")
                parts.append(
                    _("item {n}, {field}: {problem}").format(
                        n=n, field=_(FIELD_NAMES.get(fld, fld.replace("_", " "))), problem=msg
                    )
                )
            else:
                parts.append(f"{key.replace('_', ' ')}: {msg}")
        return "; ".join(parts)

    def update_totals(self) -> None:
        good, problems = [], {}
        for values in self.item_values():
            item, errs = offers.check_item(values, self.source_ccy)
            if item is not None:
                good.append(item)
            problems.update(errs)
        cur = self.converter.reporting
        try:
            t = offers.package_totals(good, self.converter)
        except rates.MissingRate as exc:
            for w in (self.first_year_label, self.total_label, self.startup_label):
                w.setText("")
            self.first_year_label.setText(f"<span style='color:#c0392b'>{exc}</span>")
            return
        mark = " *" if problems else ""
        self.first_year_label.setText(
            _("First-year cash: <b>{amount}</b>").format(
                amount=money.format_amount(t.first_year, cur)
            )
            + mark
        )
        self.total_label.setText(
            _("Total package: <b>{amount}</b>").format(amount=money.format_amount(t.total, cur))
            + mark
        )
        self.startup_label.setText(
            _("Start-up research funds: <b>{amount}</b>").format(
                amount=money.format_amount(t.startup, cur)
            )
            + mark
        )
        tip = _("* lines with problems are not counted") if problems else ""
        for w in (self.first_year_label, self.total_label, self.startup_label):
            w.setToolTip(tip)

    def show_errors(self, errors: dict[str, str]) -> None:
        """Put service-side problems beside their widgets."""
        for key, msg in errors.items():
            w: Any = None
            if key.startswith("items["):
                row = int(key[6 : key.index("]")])
                fld = key.split(".", 1)[1]
                if row < self.table.rowCount() and fld in COL:
                    w = self._widget(row, fld)
            else:
                w = self.header_widgets.get(key)
            if w is not None:
                w.setStyleSheet(ERROR_STYLE)
                w.setToolTip(msg)
        self.error_label.setText(self._describe(errors))

    def save(self, overwrite: bool = False) -> bool:
        """Validate, then save through the undo stack. True when saved."""
        _good, problems = self.validate_items(live=False)
        header, header_errs = offers.check_header(self.header_values())
        problems.update(header_errs)
        if problems:
            self.show_errors(problems)
            return False
        items = self.item_values()  # unchanged lines of a locked offer pass as unchanged
        err_holder: list[RecruiterError] = []
        if self.offer_id is None:
            assert self.application_id is not None
            cmd = offer_commands.create_offer(
                self.ctx, self.application_id, header, items, on_error=err_holder.append
            )
        else:
            cmd = offer_commands.save_offer(
                self.ctx,
                self.offer_id,
                header,
                items,
                on_error=err_holder.append,
                expected_version=self.detail.offer.version if self.detail else None,
                overwrite=overwrite,
            )
        if cmd.error is not None:
            if isinstance(cmd.error, EditConflict):
                answer = conflicts.ask(self, cmd.error)
                if answer == "overwrite":
                    return self.save(overwrite=True)
                if answer == "reload":
                    self.reload()
                self.error_label.setText(str(cmd.error))
                return False
            if isinstance(cmd.error, ValidationError):
                self.show_errors(cmd.error.errors)
            else:
                self.error_label.setText(str(cmd.error))
            return False
        new_id = offer_commands.offer_id_of(cmd)
        if self.offer_id is None and new_id is not None:
            self.offer_id = new_id
        assert self.offer_id is not None
        self.saved.emit(self.offer_id)
        self.accept()
        return True
