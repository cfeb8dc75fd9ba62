"""The Setup page's office calendar: the public holidays and adjusted working weekend days (调休)
that every working-day clock counts with (public notices of the approval gates, visa deadlines).
An office enters each year's days from the State Council's notice; edits are undoable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from recruiter.domain.changes import Kind
from recruiter.domain.enums import HolidayKind
from recruiter.i18n import N_, _
from recruiter.services import calendar
from recruiter.store.database import Database

from ..context import AppContext
from ..gate_commands import add_day, edit_day, remove_day
from ..ops import Reader
from ..qt import QtCore, QtWidgets
from ..tasks import show_error
from ..watching import Watching
from .dialogs import line
from .form_widgets import Form, combo, day
from .panel import ListPanel

WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
KIND_LABELS = {
    HolidayKind.holiday: N_("Holiday (day off)"),
    HolidayKind.workday: N_("Adjusted working day"),
}


@dataclass(frozen=True)
class DayRow:
    id: int
    day: date
    weekday: str
    name: str
    kind: HolidayKind
    archived_at: None = None  # calendar days are deleted, never archived

    @property
    def kind_label(self) -> str:
        return _(KIND_LABELS[self.kind])


def load(db: Database, year: int) -> list[DayRow]:
    return [
        DayRow(d.id, d.day, _(WEEKDAYS[d.day.weekday()]), d.name, d.kind)
        for d in calendar.days(db, year)
    ]


def day_fields(rec: Any = None) -> list[tuple[str, str, QtWidgets.QWidget]]:
    return [
        ("day", _("Date"), day(rec.day if rec is not None else None)),
        ("name", _("Name"), line(rec.name if rec else None, _("e.g. National Day"))),
        (
            "kind",
            _("Kind"),
            combo(
                [(_(label), k.value) for k, label in KIND_LABELS.items()],
                rec.kind.value if rec else HolidayKind.holiday.value,
            ),
        ),
    ]


class HolidayCalendar(Watching):
    watches = frozenset({Kind.holiday})

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.reader = Reader(ctx, self)
        self.dialog: QtWidgets.QDialog | None = None
        self.year = QtWidgets.QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year)
        self.year.valueChanged.connect(lambda _y: self.refresh())
        self.check_start = QtWidgets.QDateEdit()
        self.check_start.setCalendarPopup(True)
        self.check_start.setDisplayFormat("yyyy-MM-dd")
        self.check_start.setDate(QtCore.QDate(date.today()))
        self.check_days = QtWidgets.QSpinBox()
        self.check_days.setRange(1, 60)
        self.check_days.setValue(5)
        self.check_days.setSuffix(_(" working days"))
        self.check_result = QtWidgets.QLabel()
        self.check_start.dateChanged.connect(lambda _d: self.refresh())
        self.check_days.valueChanged.connect(lambda _d: self.refresh())
        top = QtWidgets.QHBoxLayout()
        top.addWidget(QtWidgets.QLabel(_("Year:")))
        top.addWidget(self.year)
        top.addSpacing(24)
        top.addWidget(QtWidgets.QLabel(_("Try it: a notice posted on")))
        top.addWidget(self.check_start)
        top.addWidget(QtWidgets.QLabel(_("for")))
        top.addWidget(self.check_days)
        top.addWidget(self.check_result)
        top.addStretch(1)
        note = QtWidgets.QLabel(
            _(
                "Public holidays that fall on weekdays and the weekend days worked instead "
                "(调休), as in the State Council's yearly notice. Public notices of the approval "
                "gates and visa clocks count working days with this calendar."
            )
        )
        note.setWordWrap(True)
        self.days = ListPanel(
            _("Calendar days"),
            [
                ("day", _("Date")),
                ("weekday", _("Day")),
                ("name", _("Name")),
                ("kind_label", _("Kind")),
            ],
            widths={"name": 320},
        )
        self.days.show_archived.hide()
        self.days.connect_actions(
            new=self.new_day, edit=self.edit_day, remove=self.remove_day, unarchive=lambda: None
        )
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(top)
        layout.addWidget(self.days, 1)

    @property
    def loading(self) -> bool:
        return self.reader.pending

    def refresh(self) -> None:
        self._stale = False
        year = self.year.value()
        start: date = self.check_start.date().toPython()  # type: ignore[assignment]  # untyped
        n = self.check_days.value()

        def read(db: Database) -> tuple[list[DayRow], date]:
            return load(db, year), calendar.load(db).add_working_days(start, n)

        self.reader.read(read, self._show, title=_("Calendar"))

    def _show(self, loaded: tuple[list[DayRow], date]) -> None:
        rows, end = loaded
        self.days.set_records(
            rows,
            _("No days entered for {year}: add the holidays and adjusted working days.").format(
                year=self.year.value()
            ),
        )
        self.check_result.setText(
            _("ends on {end} ({weekday})").format(
                end=end.isoformat(), weekday=_(WEEKDAYS[end.weekday()])
            )
        )

    def _open(self, dialog: QtWidgets.QDialog) -> QtWidgets.QDialog:
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def new_day(self) -> QtWidgets.QDialog:
        fields = day_fields()
        first = date(self.year.value(), 1, 1)
        picker = fields[0][2]
        assert isinstance(picker, QtWidgets.QDateEdit)
        if date.today().year != first.year:
            picker.setDate(QtCore.QDate(first + timedelta(days=0)))
        return self._open(
            Form(
                _("New calendar day"),
                fields,
                lambda v: add_day(self.ctx, v),
                parent=self,
            )
        )

    def edit_day(self) -> QtWidgets.QDialog | None:
        rec = self.days.selected()
        if rec is None:
            return None
        ident = int(rec.id)
        return self._open(
            Form(
                _("Edit calendar day"),
                day_fields(rec),
                lambda v: edit_day(self.ctx, ident, v),
                original={"day": rec.day, "name": rec.name, "kind": rec.kind.value},
                parent=self,
            )
        )

    def remove_day(self) -> None:
        rec = self.days.selected()
        if rec is None:
            return
        remove_day(self.ctx, int(rec.id), lambda exc: show_error(self, _("Remove"), exc))


__all__ = ["DayRow", "HolidayCalendar", "load"]
