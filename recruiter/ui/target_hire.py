"""The target editor's hire type and tier: full-time or flexible, established post or
tenure-track with its review period, and the talent tier (an undoable edit)."""

from __future__ import annotations

from typing import Any

from recruiter.domain.changes import Changes, Kind
from recruiter.domain.gates import HireType, PostType
from recruiter.i18n import _
from recruiter.services import gates

from .gate_commands import gate_edit
from .ops import Reads
from .qt import Qt, QtCore, QtWidgets
from .setup.form_widgets import Form, combo, spin


def hire_fields(h: gates.Hire | None, tiers: list[gates.TierRow]) -> list[Any]:
    none = _("(not set)")
    years = spin(h.review_years if h else 0, 0, 15, _(" years"))
    years.setSpecialValueText(_("(none)"))
    return [
        (
            "hire_type",
            _("Hire type"),
            combo([(none, ""), *((x.label, x.value) for x in HireType)], _v(h, "hire_type")),
        ),
        (
            "post_type",
            _("Post"),
            combo([(none, ""), *((x.label, x.value) for x in PostType)], _v(h, "post_type")),
        ),
        ("review_years", _("Review period"), years),
        (
            "tier_id",
            _("Talent tier"),
            combo([(none, 0), *((t.name, t.id) for t in tiers)], (h.tier_id if h else None) or 0),
        ),
    ]


def _v(h: gates.Hire | None, key: str) -> str:
    value = getattr(h, key) if h else None
    return value.value if value is not None else ""


class TargetHire(QtCore.QObject):
    """A row under the target editor: the hire summary and a button that edits it."""

    def __init__(self, page: Any, form: QtWidgets.QFormLayout) -> None:
        super().__init__(page)
        self.page = page
        self.reads = Reads(page.ctx.runner, self)
        self.dialog: QtWidgets.QDialog | None = None
        self.summary = QtWidgets.QLabel()
        self.summary.setWordWrap(True)
        self.button = QtWidgets.QPushButton(_("Hire type and tier…"))
        self.button.clicked.connect(self.edit)
        form.addRow(_("Hire"), self.summary)
        form.addRow("", self.button)
        page.view.selectionModel().selectionChanged.connect(lambda *_a: self.refresh())
        page.ctx.bus.changed.connect(self._changed)
        self.refresh()

    def _changed(self, changes: Changes) -> None:
        if changes.touches({Kind.target, Kind.talent_tier}):
            self.refresh()

    def refresh(self) -> None:
        ident, db = self.page.target_id, self.page.ctx.db
        self.button.setEnabled(ident is not None)
        if ident is None:
            self.summary.setText("")
            return
        self.reads.start(
            "hire",
            lambda: gates.hire_of_target(db, ident),
            lambda h: self.summary.setText(h.summary),
            lambda _e: self.summary.setText(""),
        )

    @property
    def loading(self) -> bool:
        return self.reads.pending

    def edit(self) -> None:
        ident, db = self.page.target_id, self.page.ctx.db
        if ident is None:
            return
        self.reads.start(
            "edit", lambda: (gates.hire_of_target(db, ident), gates.tiers(db)), self._open
        )

    def _open(self, loaded: tuple[gates.Hire, list[gates.TierRow]]) -> None:
        ident, db = self.page.target_id, self.page.ctx.db
        h, tiers = loaded
        dialog = Form(
            _("Hire type and tier of this target"),
            hire_fields(h, tiers),
            lambda v: gate_edit(
                self.page.ctx,
                _("Set the target's hire type and tier"),
                lambda: gates.set_hire(
                    db,
                    "target",
                    ident,
                    hire_type=v["hire_type"] or None,
                    post_type=v["post_type"] or None,
                    review_years=v["review_years"] or None,
                    tier_id=v["tier_id"] or None,
                ),
            ),
            parent=self.page,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()


__all__ = ["TargetHire", "hire_fields"]
