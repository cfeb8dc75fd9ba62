"""The stage filter of the Pipeline page and the Dashboard: a button naming the stages chosen
and a menu to tick them. What the pages export carries the same stages (reporting.Filters)."""

from __future__ import annotations

from typing import Any

from recruiter.domain.enums import STAGES, Stage
from recruiter.i18n import _
from recruiter.services.reporting import Filters

from .qt import QtCore, QtGui, QtWidgets


def stored_stages(value: object) -> tuple[Stage, ...]:
    """Stages saved in the settings (a list of names, or one name: QSettings' INI files store
    a one-item list as a plain string); names no longer known are dropped."""
    names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return tuple(Stage(n) for n in names if n in Stage.__members__)


class StageFilter(QtWidgets.QToolButton):
    """A multi-select of stages: a button naming the stages chosen ("All stages" when none is)
    and a menu of checkable stages. `changed` fires after each choice."""

    changed = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stageFilter")
        self.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        self.setToolTip(_("Show only applications at these stages; exports write the same"))
        menu = QtWidgets.QMenu(self)
        self.all_action = menu.addAction(_("All stages"), self.clear)
        self.all_action.setCheckable(True)
        menu.addSeparator()
        self.actions_by_stage: dict[Stage, QtGui.QAction] = {}
        for st in STAGES:
            act = menu.addAction(st.label)
            act.setCheckable(True)
            act.setData(st.value)
            act.toggled.connect(self._toggled)
            self.actions_by_stage[st] = act
        self.setMenu(menu)
        self._quiet = False
        self._show()

    def words(self) -> str:
        """What the button says, without its menu arrow."""
        return self.text().removesuffix(" ▾")

    def stages(self) -> tuple[Stage, ...]:
        """The stages chosen, in pipeline order; () when all are shown."""
        return Filters(
            stages=tuple(st for st, a in self.actions_by_stage.items() if a.isChecked())
        ).stages

    def set_stages(self, stages: tuple[Stage, ...] | list[Stage]) -> None:
        wanted = set(stages)
        if wanted == {st for st, a in self.actions_by_stage.items() if a.isChecked()}:
            return
        self._quiet = True
        try:
            for st, act in self.actions_by_stage.items():
                act.setChecked(st in wanted)
        finally:
            self._quiet = False
        self._toggled()

    def clear(self) -> None:
        self.set_stages(())

    def _toggled(self, *_args: Any) -> None:
        if self._quiet:
            return
        self._show()
        self.changed.emit()

    def _show(self) -> None:
        chosen = self.stages()
        names = _(", ").join(st.label for st in chosen)
        text = _("Stages: {names}").format(names=names) if chosen else _("All stages")
        self.setText(text + " ▾")  # the style's own indicator overlaps the text
        self.all_action.setChecked(not chosen)


__all__ = ["StageFilter", "stored_stages"]
