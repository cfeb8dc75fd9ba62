"""The payment schedule of one offer item: instalments by amount, each with its trigger, its
funding source (so an item can be split between a grant and the university's match), a lapse
rule and a clawback rule; templates by tier fill it in. Saving is one undoable command; the
service checks that the schedule adds up to the item in minor units."""

from __future__ import annotations

from datetime import date
from typing import Any

from recruiter.domain import money
from recruiter.domain.instalments import AssessmentKind, Clawback, Trigger
from recruiter.errors import ValidationError
from recruiter.i18n import N_, _
from recruiter.services import payments
from recruiter.services.payments import Line
from recruiter.store.database import Database

from .context import AppContext
from .ops import Reader
from .qt import QtWidgets
from .undo import push

COLUMNS = (
    N_("Trigger"),
    N_("Amount"),
    N_("Date"),
    N_("Year"),
    N_("Assessment"),
    N_("Source"),
    N_("Lapses"),
    N_("Clawback"),
)
# The payment templates' tiers (services/payments/schedules.TIERS) in words.
TIER_NAMES = {"standard": N_("standard"), "assessed": N_("assessed")}
COL = {name: n for n, name in enumerate(COLUMNS)}


def load(db: Database, item_id: int) -> tuple[payments.ItemFacts, list[Line]]:
    return payments.item_facts(db, item_id), payments.schedule_of(db, item_id)


class ScheduleDialog(QtWidgets.QDialog):
    def __init__(self, ctx: AppContext, item_id: int, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.item_id = item_id
        self.facts: payments.ItemFacts | None = None
        self.setWindowTitle(_("Payment schedule"))
        self.resize(980, 360)
        layout = QtWidgets.QVBoxLayout(self)
        self.heading = QtWidgets.QLabel()
        layout.addWidget(self.heading)
        self.table = QtWidgets.QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        bar = QtWidgets.QHBoxLayout()
        self.add_button = QtWidgets.QPushButton(_("Add instalment"))
        self.add_button.clicked.connect(lambda: self.add_row(Line(Trigger.signing.value)))
        self.remove_button = QtWidgets.QPushButton(_("Remove instalment"))
        self.remove_button.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        self.tier = QtWidgets.QComboBox()
        for tier in payments.TIERS:
            self.tier.addItem(_(TIER_NAMES.get(tier, tier)), tier)
        self.template_button = QtWidgets.QPushButton(_("Fill from template"))
        self.template_button.clicked.connect(self.fill_template)
        for w in (self.add_button, self.remove_button, self.tier, self.template_button):
            bar.addWidget(w)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.error = QtWidgets.QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c0392b;")
        layout.addWidget(self.error)
        self.buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Save
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reader = Reader(ctx, self)
        self.reader.read(lambda db: load(db, item_id), self._loaded, title=_("Payment schedule"))

    def _loaded(self, loaded: tuple[payments.ItemFacts, list[Line]]) -> None:
        self.facts, lines = loaded
        f = self.facts
        self.heading.setText(
            _(
                "<b>{kind}</b>: {amount} over its life; "
                "the instalments must add up to exactly that."
            ).format(kind=f.kind.label, amount=money.format_amount(f.total, f.currency))
        )
        self.set_lines(lines)

    def set_lines(self, lines: list[Line]) -> None:
        self.table.setRowCount(0)
        for line in lines:
            self.add_row(line)

    def add_row(self, line: Line) -> None:
        if self.facts is None:
            return
        row = self.table.rowCount()
        self.table.insertRow(row)
        trigger = QtWidgets.QComboBox()
        for t in Trigger:
            trigger.addItem(t.label, t.value)
        trigger.setCurrentIndex(trigger.findData(str(line.trigger)))
        amount = QtWidgets.QLineEdit(
            money.format_amount(line.amount_minor, self.facts.currency, symbol=False)
            if line.amount_minor is not None
            else ""
        )
        if line.amount_minor is None and line.percent:
            amount.setText(f"{line.percent}%")
        day = QtWidgets.QLineEdit(line.trigger_on.isoformat() if line.trigger_on else "")
        day.setPlaceholderText("YYYY-MM-DD")
        year = QtWidgets.QSpinBox()
        year.setRange(0, 20)
        year.setValue(line.trigger_year or 0)
        kind = QtWidgets.QComboBox()
        kind.addItem("", None)
        for k in AssessmentKind:
            kind.addItem(k.label, k.value)
        kind.setCurrentIndex(max(0, kind.findData(line.assessment_kind)))
        source = QtWidgets.QComboBox()
        source.addItem(_("(the item's source)"), None)
        for sid, name in self.facts.sources:
            source.addItem(name, sid)
        source.setCurrentIndex(max(0, source.findData(line.funding_source_id)))
        lapses = QtWidgets.QCheckBox()
        lapses.setChecked(line.lapses)
        claw = QtWidgets.QComboBox()
        for c in Clawback:
            claw.addItem(c.label, c.value)
        claw.setCurrentIndex(claw.findData(str(line.clawback)))
        for col, w in enumerate((trigger, amount, day, year, kind, source, lapses, claw)):
            self.table.setCellWidget(row, col, w)
        self.table.resizeColumnsToContents()

    def _cell(self, row: int, name: str) -> Any:
        return self.table.cellWidget(row, COL[name])

    def lines(self) -> list[Line]:
        """The rows as schedule lines; an amount like '60%' is a percentage of the item."""
        assert self.facts is not None
        out = []
        errors: dict[str, str] = {}
        for row in range(self.table.rowCount()):
            text = self._cell(row, "Amount").text().strip()
            amount: int | None = None
            percent: int | None = None
            try:
                if text.endswith("%"):
                    percent = int(text[:-1])
                else:
                    amount = money.parse_amount(text, self.facts.currency)
            except (ValueError, money.MoneyError):
                errors[_("row {n}").format(n=row + 1)] = _(
                    "'{text}' is not an amount or a percentage"
                ).format(text=text)
                continue
            day_text = self._cell(row, "Date").text().strip()
            try:
                day = date.fromisoformat(day_text) if day_text else None
            except ValueError:
                errors[_("row {n}").format(n=row + 1)] = _(
                    "'{text}' is not a date (YYYY-MM-DD)"
                ).format(text=day_text)
                continue
            out.append(
                Line(
                    self._cell(row, "Trigger").currentData(),
                    amount_minor=amount,
                    percent=percent,
                    trigger_on=day,
                    trigger_year=self._cell(row, "Year").value() or None,
                    assessment_kind=self._cell(row, "Assessment").currentData(),
                    funding_source_id=self._cell(row, "Source").currentData(),
                    lapses=self._cell(row, "Lapses").isChecked(),
                    clawback=self._cell(row, "Clawback").currentData(),
                )
            )
        if errors:
            raise ValidationError(errors)
        return out

    def fill_template(self) -> None:
        f = self.facts
        if f is None:
            return
        lines = payments.template(f.kind, f.period, f.years, self.tier.currentData())
        amounts = payments.amounts_for(f.total, lines)
        self.set_lines(
            [
                Line(**{**line.__dict__, "amount_minor": a})
                for line, a in zip(lines, amounts, strict=True)
            ]
        )

    def save(self) -> bool:
        try:
            lines = self.lines()
        except ValidationError as exc:
            self.error.setText("; ".join(f"{k}: {v}" for k, v in exc.errors.items()))
            return False
        db, item_id = self.ctx.db, self.item_id
        cmd = push(
            self.ctx,
            _("Change payment schedule"),
            lambda: payments.set_schedule(db, item_id, lines),
            lambda before: payments.set_schedule(db, item_id, before),
        )
        if cmd.error is not None:
            err = cmd.error
            text = (
                "; ".join(f"{k}: {v}" for k, v in err.errors.items())
                if isinstance(err, ValidationError)
                else str(err)
            )
            self.error.setText(text)
            return False
        self.accept()
        return True
