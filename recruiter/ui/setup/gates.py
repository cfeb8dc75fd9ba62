"""The Setup page's approval gates: each institution's ordered gates with their rules (body,
kind, expert reviews and anonymity, notice period in working days, the stage each guards), and
the talent tiers the office names. Every edit is an undoable command (ui/gate_commands.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from recruiter.domain.changes import Kind
from recruiter.domain.enums import Stage
from recruiter.domain.gates import GateKind, TierLevel
from recruiter.i18n import _
from recruiter.services import gates, institutions
from recruiter.services.gates import templates
from recruiter.services.institutions import InstitutionRow
from recruiter.store.database import Database

from ..context import AppContext
from ..gate_commands import gate_edit
from ..ops import Reader
from ..qt import QtCore, QtWidgets
from ..tasks import show_error
from ..watching import Watching
from .dialogs import line
from .form_widgets import Form, check, combo, spin
from .holidays import HolidayCalendar
from .panel import ListPanel, status

WATCHES = frozenset({Kind.institution, Kind.gate_template, Kind.gate_record, Kind.talent_tier})


@dataclass(frozen=True)
class Loaded:
    institutions: list[InstitutionRow]
    gates: list[templates.TemplateRow]  # of the chosen institution, archived included
    tiers: list[gates.TierRow]


def load(db: Database, institution_id: int | None) -> Loaded:
    insts = [i for i in institutions.overview(db) if i.archived_at is None]
    if institution_id is None and insts:
        institution_id = insts[0].id
    rows = (
        gates.for_institution(db, institution_id, archived=True)
        if institution_id is not None
        else []
    )
    return Loaded(insts, rows, gates.tiers(db, archived=True))


def _get(rec: Any, key: str) -> Any:
    if key == "status":
        return status(rec)
    if key in ("kind", "level"):
        return getattr(rec, key).label
    return getattr(rec, key)


def gate_fields(rec: Any = None) -> list[tuple[str, str, QtWidgets.QWidget]]:
    get = (lambda k: getattr(rec, k)) if rec is not None else (lambda _k: None)
    guards = get("guards") if rec is not None else Stage.approved
    return [
        ("body", _("Body"), line(get("body"), _("e.g. Physics college joint meeting"))),
        ("kind", _("Kind"), combo([(k.label, k.value) for k in GateKind], get("kind"))),
        (
            "required",
            _("Required"),
            check(get("required") if rec is not None else True, _("the pipeline waits for it")),
        ),
        (
            "reviews_required",
            _("Expert reviews"),
            spin(get("reviews_required"), 0, 20, _(" reviews")),
        ),
        ("anonymous", _("Anonymous"), check(bool(get("anonymous")), _("reviewers not named"))),
        ("notice_days", _("Notice period"), spin(get("notice_days"), 0, 60, _(" working days"))),
        (
            "guards",
            _("Holds back"),
            combo(
                [(s.label, s.value) for s in Stage if s.index >= Stage.review.index]
                + [(_("nothing (after the hire)"), "")],
                guards.value if guards else "",
            ),
        ),
    ]


def tier_fields(rec: Any = None) -> list[tuple[str, str, QtWidgets.QWidget]]:
    get = (lambda k: getattr(rec, k)) if rec is not None else (lambda _k: None)
    level = get("level")
    return [
        ("name", _("Name"), line(get("name"), _("e.g. National top talent"))),
        ("name_zh", _("Chinese name"), line(get("name_zh"), "e.g. 国家级领军人才")),
        (
            "level",
            _("Level"),
            combo([(v.label, v.value) for v in TierLevel], level.value if level else None),
        ),
    ]


class GateSetup(Watching):
    """Gate templates of one institution, and the talent tiers."""

    watches = WATCHES

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.reader = Reader(ctx, self)
        self.dialog: QtWidgets.QDialog | None = None
        self.institution = QtWidgets.QComboBox()
        self.institution.setMinimumWidth(260)
        self.institution.currentIndexChanged.connect(lambda _i: self.refresh())
        self.defaults_button = QtWidgets.QPushButton(_("Use the usual gates"))
        self.defaults_button.setToolTip(
            _(
                "College joint meeting, expert review (3, anonymous), talent-work group, "
                "standing committee (optional), public notice (5 working days), background "
                "checks, tier classification after arrival"
            )
        )
        self.defaults_button.clicked.connect(self.install_defaults)
        self.up_button = QtWidgets.QPushButton(_("Move up"))
        self.down_button = QtWidgets.QPushButton(_("Move down"))
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        top = QtWidgets.QHBoxLayout()
        top.addWidget(QtWidgets.QLabel(_("Institution:")))
        top.addWidget(self.institution)
        top.addWidget(self.defaults_button)
        top.addStretch(1)
        top.addWidget(self.up_button)
        top.addWidget(self.down_button)
        self.gates = ListPanel(
            _("Approval gates, in order"),
            [
                ("position", "#"),
                ("body", _("Body")),
                ("kind", _("Kind")),
                ("rules", _("Rules")),
                ("records", _("Decisions")),
                ("status", _("Status")),
            ],
            getter=_get,
            widths={"body": 380, "rules": 330},
        )
        self.gates.model.numeric = {"position", "records"}
        self.gates.connect_actions(
            new=self.new_gate,
            edit=self.edit_gate,
            remove=self.remove_gate,
            unarchive=self.unarchive_gate,
        )
        self.tiers = ListPanel(
            _("Talent tiers (named by the office; package rules refer to them)"),
            [
                ("name", _("Name")),
                ("name_zh", _("Chinese name")),
                ("level", _("Level")),
                ("used", _("Targets and applications")),
                ("status", _("Status")),
            ],
            getter=_get,
            widths={"name": 260, "name_zh": 200},
        )
        self.tiers.model.numeric = {"used"}
        self.tiers.connect_actions(
            new=self.new_tier,
            edit=self.edit_tier,
            remove=self.remove_tier,
            unarchive=lambda: None,
        )
        self.error = QtWidgets.QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        self.error.hide()
        split = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        box = QtWidgets.QWidget()
        v = QtWidgets.QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.addLayout(top)
        v.addWidget(self.gates, 1)
        split.addWidget(box)
        split.addWidget(self.tiers)
        split.setSizes([360, 200])
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addWidget(split, 1)

    # -- loading ------------------------------------------------------------------------------
    @property
    def loading(self) -> bool:
        return self.reader.pending

    def institution_id(self) -> int | None:
        data = self.institution.currentData()
        return int(data) if data is not None else None

    def refresh(self) -> None:
        self._stale = False
        chosen = self.institution_id()
        self.reader.read(lambda db: load(db, chosen), self._show, title=_("Setup"))

    def _show(self, loaded: Loaded) -> None:
        chosen = self.institution_id()
        self.institution.blockSignals(True)
        self.institution.clear()
        for i in loaded.institutions:
            self.institution.addItem(i.name, i.id)
        self.institution.setCurrentIndex(max(self.institution.findData(chosen), 0))
        self.institution.blockSignals(False)
        if chosen is None and loaded.institutions:
            chosen = loaded.institutions[0].id
        self.gates.set_records(
            loaded.gates,
            _("No gates yet: use the usual gates, or add your own with New…")
            if loaded.institutions
            else _("Add an institution first."),
        )
        self.defaults_button.setEnabled(bool(loaded.institutions) and not loaded.gates)
        self.gates.new_button.setEnabled(bool(loaded.institutions))
        self.tiers.set_records(
            loaded.tiers, _("No tiers yet: name the talent tiers your packages refer to.")
        )

    # -- edits --------------------------------------------------------------------------------
    def _failed(self, title: str) -> Any:
        return lambda exc: show_error(self, title, exc)

    def _open(self, dialog: QtWidgets.QDialog) -> QtWidgets.QDialog:
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def install_defaults(self) -> None:
        inst = self.institution_id()
        if inst is None:
            return
        db = self.ctx.db
        gate_edit(
            self.ctx,
            _("Use the usual gates for {institution}").format(
                institution=self.institution.currentText()
            ),
            lambda: templates.install_defaults(db, inst),
            self._failed(_("Approval gates")),
        )

    def new_gate(self) -> QtWidgets.QDialog | None:
        inst = self.institution_id()
        if inst is None:
            return None
        db = self.ctx.db
        return self._open(
            Form(
                _("New gate of {name}").format(name=self.institution.currentText()),
                gate_fields(),
                lambda v: gate_edit(
                    self.ctx,
                    _("Add gate {gate}").format(gate=v.get("body") or ""),
                    lambda: templates.add(db, inst, **v),
                ),
                parent=self,
            )
        )

    def edit_gate(self) -> QtWidgets.QDialog | None:
        rec = self.gates.selected()
        if rec is None:
            return None
        db, ident = self.ctx.db, int(rec.id)
        fields = gate_fields(rec)
        original = {
            k: (v.value if hasattr(v, "value") else v)
            for k, v in ((k, getattr(rec, k)) for k, _l, _w in fields)
        }
        original["guards"] = rec.guards.value if rec.guards else ""
        return self._open(
            Form(
                _("Edit gate"),
                fields,
                lambda v: gate_edit(
                    self.ctx,
                    _("Edit gate {gate}").format(gate=rec.body),
                    lambda: templates.update(db, ident, **v),
                ),
                original=original,
                parent=self,
            )
        )

    def remove_gate(self) -> None:
        rec = self.gates.selected()
        if rec is None or rec.archived_at is not None:
            return
        db, ident = self.ctx.db, int(rec.id)
        gate_edit(
            self.ctx,
            _("Remove gate {gate}").format(gate=rec.body),
            lambda: templates.remove(db, ident),
            self._failed(_("Remove")),
        )

    def unarchive_gate(self) -> None:
        rec = self.gates.selected()
        if rec is None or rec.archived_at is None:
            return
        db, ident = self.ctx.db, int(rec.id)
        gate_edit(
            self.ctx,
            _("Unarchive gate {gate}").format(gate=rec.body),
            lambda: templates.unarchive(db, ident),
        )

    def move(self, step: int) -> None:
        rec = self.gates.selected()
        if rec is None:
            return
        db, ident = self.ctx.db, int(rec.id)
        gate_edit(
            self.ctx,
            _("Move gate {gate}").format(gate=rec.body),
            lambda: templates.move(db, ident, step),
            self._failed(_("Move")),
        )

    def new_tier(self) -> QtWidgets.QDialog:
        db = self.ctx.db
        return self._open(
            Form(
                _("New talent tier"),
                tier_fields(),
                lambda v: gate_edit(
                    self.ctx,
                    _("Add tier {tier}").format(tier=v.get("name") or ""),
                    lambda: gates.add_tier(db, **v),
                ),
                parent=self,
            )
        )

    def edit_tier(self) -> QtWidgets.QDialog | None:
        rec = self.tiers.selected()
        if rec is None:
            return None
        db, ident = self.ctx.db, int(rec.id)
        fields = tier_fields(rec)
        return self._open(
            Form(
                _("Edit talent tier"),
                fields,
                lambda v: gate_edit(
                    self.ctx,
                    _("Edit tier {tier}").format(tier=rec.name),
                    lambda: gates.update_tier(db, ident, **v),
                ),
                original={"name": rec.name, "name_zh": rec.name_zh, "level": rec.level.value},
                parent=self,
            )
        )

    def remove_tier(self) -> None:
        rec = self.tiers.selected()
        if rec is None or rec.archived_at is not None:
            return
        db, ident = self.ctx.db, int(rec.id)
        gate_edit(
            self.ctx,
            _("Remove tier {tier}").format(tier=rec.name),
            lambda: gates.remove_tier(db, ident),
            self._failed(_("Remove")),
        )


def add_gate_tabs(tabs: QtWidgets.QTabWidget, ctx: AppContext) -> tuple[GateSetup, HolidayCalendar]:
    """The Setup page's tabs for the approval gates and tiers, and the office calendar."""
    gate_setup, holidays = GateSetup(ctx), HolidayCalendar(ctx)
    tabs.addTab(gate_setup, _("Approval gates and tiers"))
    tabs.addTab(holidays, _("Holiday calendar"))
    return gate_setup, holidays


__all__ = ["GateSetup", "Loaded", "add_gate_tabs", "gate_fields", "load", "tier_fields"]
