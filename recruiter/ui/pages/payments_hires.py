"""The Payments page's Hires tab: a hire's service period, assessments and their results (which
release or stop instalments), and an early departure with the refund arithmetic shown before
it is recorded. Results and departures are undoable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from recruiter.domain import clock, money
from recruiter.errors import RecruiterError
from recruiter.i18n import _, is_chinese
from recruiter.services import payments
from recruiter.store.database import Database

from ..context import AppContext
from ..ops import Reader
from ..qt import QtCore, QtWidgets
from ..tasks import show_error
from ..undo import push


@dataclass(frozen=True)
class HireDetail:
    hires: list[payments.Hire]
    assessments: list[payments.AssessmentRow]
    scale: list[tuple[str, str]]  # (result as stored, its name in the window's language)


def load(db: Database, application_id: int | None) -> HireDetail:
    chinese = is_chinese()
    scale = [(r.key, r.label(chinese)) for r in payments.assessment_scale(db)]
    return HireDetail(
        payments.hires(db),
        payments.assessments(db, application_id=application_id) if application_id else [],
        scale,
    )


def _qdate(d: date) -> QtCore.QDate:
    return QtCore.QDate(d.year, d.month, d.day)


def _pydate(q: QtCore.QDate) -> date:
    return date(q.year(), q.month(), q.day())


def refund_text(terms: payments.DepartureTerms) -> str:
    lines = [
        _("Served {served} of {months} months; {count} unpaid instalment(s) stop.").format(
            served=terms.months_served, months=terms.service_months, count=len(terms.stops)
        )
    ]
    lines += [
        _("Item {item} ({rule}): {working}").format(
            item=r.item_id, rule=r.rule.label, working=r.working
        )
        for r in terms.refunds
    ]
    total = ", ".join(money.format_amount(v, k) for k, v in terms.totals().items() if v)
    lines.append(_("Refund owed: {amount}").format(amount=total or _("nothing")))
    return "\n".join(lines)


class HiresPanel(QtWidgets.QWidget):
    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.reader = Reader(ctx, self)
        self.detail: HireDetail | None = None
        self.hire = QtWidgets.QComboBox()
        self.hire.currentIndexChanged.connect(self.refresh)
        self.starts = QtWidgets.QDateEdit(_qdate(clock.today()))
        self.starts.setCalendarPopup(True)
        self.starts.setDisplayFormat("yyyy-MM-dd")
        self.years = QtWidgets.QSpinBox()
        self.years.setRange(1, 20)
        self.years.setValue(5)
        self.service_button = QtWidgets.QPushButton(_("Set service period"))
        self.service_button.clicked.connect(self.set_service)
        self.table = QtWidgets.QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [_("Assessment"), _("Due"), _("Result"), _("Recorded")]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.result = QtWidgets.QComboBox()
        self.result_button = QtWidgets.QPushButton(_("Record result"))
        self.result_button.clicked.connect(self.record_result)
        self.left_on = QtWidgets.QDateEdit(_qdate(clock.today()))
        self.left_on.setCalendarPopup(True)
        self.left_on.setDisplayFormat("yyyy-MM-dd")
        self.preview_button = QtWidgets.QPushButton(_("Show the refund"))
        self.preview_button.clicked.connect(self.preview)
        self.depart_button = QtWidgets.QPushButton(_("Record departure"))
        self.depart_button.clicked.connect(self.record_departure)
        self.working = QtWidgets.QPlainTextEdit()
        self.working.setReadOnly(True)
        self.working.setMaximumHeight(110)

        form = QtWidgets.QFormLayout(self)
        form.addRow(_("Hire"), self.hire)
        service = QtWidgets.QHBoxLayout()
        for w in (self.starts, QtWidgets.QLabel(_("years")), self.years, self.service_button):
            service.addWidget(w)
        service.addStretch(1)
        form.addRow(_("Service from"), service)
        form.addRow(self.table)
        result = QtWidgets.QHBoxLayout()
        result.addWidget(self.result)
        result.addWidget(self.result_button)
        result.addStretch(1)
        form.addRow(_("Result"), result)
        depart = QtWidgets.QHBoxLayout()
        for w in (self.left_on, self.preview_button, self.depart_button):
            depart.addWidget(w)
        depart.addStretch(1)
        form.addRow(_("Left on"), depart)
        form.addRow(self.working)

    def application_id(self) -> int | None:
        value = self.hire.currentData()
        return int(value) if value is not None else None

    def refresh(self) -> None:
        app = self.application_id()
        self.reader.read(lambda db: load(db, app), self._show, title=_("Hires"))

    def _show(self, d: HireDetail) -> None:
        self.detail = d
        current = self.application_id()
        self.hire.blockSignals(True)
        self.hire.clear()
        for h in d.hires:
            left = _(" — left {day}").format(day=h.left_on.isoformat()) if h.left_on else ""
            self.hire.addItem(f"{h.candidate} ({h.target}){left}", h.application_id)
        index = self.hire.findData(current) if current is not None else -1
        self.hire.setCurrentIndex(max(index, 0) if d.hires else -1)
        self.hire.blockSignals(False)
        if current is None and d.hires:
            self.refresh()  # load the first hire's assessments
            return
        h = next((x for x in d.hires if x.application_id == self.application_id()), None)
        if h is not None and h.starts_on is not None:
            self.starts.setDate(_qdate(h.starts_on))
            self.years.setValue(h.years or 5)
        self.table.setRowCount(len(d.assessments))
        names = dict(d.scale)
        for r, a in enumerate(d.assessments):
            for c, text in enumerate(
                (
                    a.label,
                    f"{a.due_on:%Y-%m-%d}",
                    names.get(a.result, a.result) if a.result else "",
                    f"{a.result_on or ''}",
                )
            ):
                self.table.setItem(r, c, QtWidgets.QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.result.clear()
        self.result.addItem(_("(no result)"), None)
        for key, label in d.scale:
            self.result.addItem(label, key)

    def _error(self, exc: RecruiterError) -> None:
        show_error(self, _("Hires"), exc)

    def set_service(self) -> None:
        app = self.application_id()
        if app is None:
            return
        db, starts, years = self.ctx.db, _pydate(self.starts.date()), self.years.value()
        push(
            self.ctx,
            "Set service period",
            lambda: payments.change_service(db, app, starts, years),
            lambda change: payments.restore_service(db, change),
            on_error=self._error,
        )

    def selected_assessment(self) -> int | None:
        row = self.table.currentRow()
        if self.detail is None or not 0 <= row < len(self.detail.assessments):
            return None
        return self.detail.assessments[row].id

    def record_result(self) -> None:
        aid = self.selected_assessment()
        if aid is None:
            return
        db, result = self.ctx.db, self.result.currentData()
        push(
            self.ctx,
            _("Record assessment result"),
            lambda: payments.record_result(db, aid, result),
            lambda change: payments.restore_result(db, change),
            on_error=self._error,
        )

    def preview(self) -> payments.DepartureTerms | None:
        app = self.application_id()
        if app is None:
            return None
        try:
            terms = payments.preview(self.ctx.db, app, _pydate(self.left_on.date()))
        except RecruiterError as exc:
            self.working.setPlainText(str(exc))
            return None
        self.working.setPlainText(refund_text(terms))
        return terms

    def record_departure(self) -> None:
        app = self.application_id()
        if app is None or self.preview() is None:
            return
        db, left = self.ctx.db, _pydate(self.left_on.date())
        push(
            self.ctx,
            _("Record departure"),
            lambda: payments.record(db, app, left),
            lambda departure_id: payments.undo(db, departure_id),
            on_error=self._error,
        )
