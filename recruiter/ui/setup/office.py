"""The office-wide settings of the Setup page: the time zone, and the reporting currency with
its exchange rates (the Funding page's rate editor)."""

from __future__ import annotations

import zoneinfo

from recruiter.errors import RecruiterError
from recruiter.i18n import _

from .. import setup_commands as cmds
from ..context import AppContext
from ..pages.funding import RatesPanel
from ..qt import QtWidgets


class OfficeSettings(QtWidgets.QWidget):
    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        v = QtWidgets.QVBoxLayout(self)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(QtWidgets.QLabel(_("Office time zone:")))
        self.time_zone = QtWidgets.QComboBox()
        self.time_zone.setEditable(True)
        self.time_zone.addItems(sorted(zoneinfo.available_timezones()))
        self.time_zone.setMinimumWidth(240)
        self.time_zone_button = QtWidgets.QPushButton(_("Set time zone"))
        self.time_zone_button.clicked.connect(self.set_time_zone)
        row.addWidget(self.time_zone)
        row.addWidget(self.time_zone_button)
        row.addStretch(1)
        v.addLayout(row)
        note = QtWidgets.QLabel(
            _(
                "The time zone decides calendar-day figures (days in stage, due dates). Totals "
                "are shown in the reporting currency, converted with the rates below."
            )
        )
        note.setWordWrap(True)
        v.addWidget(note)
        self.time_zone_error = QtWidgets.QLabel()
        self.time_zone_error.setStyleSheet("color: #b3261e;")
        self.time_zone_error.hide()
        v.addWidget(self.time_zone_error)
        self.rates = RatesPanel(ctx)
        v.addWidget(self.rates, 1)

    def show_time_zone(self, name: str) -> None:
        if not self.time_zone.hasFocus():
            self.time_zone.setCurrentText(name)

    def set_time_zone(self) -> bool:
        errors: list[RecruiterError] = []
        cmd = cmds.set_time_zone(self.ctx, self.time_zone.currentText(), errors.append)
        self.time_zone_error.setText(str(cmd.error) if cmd.error is not None else "")
        self.time_zone_error.setVisible(cmd.error is not None)
        return cmd.error is None


__all__ = ["OfficeSettings"]
