"""The Setup page: the office's own organisation — institutions and their departments (school →
department/lab), funding sources, recruiting officers, the reporting currency with its exchange
rates, and the office time zone.

Every edit is an undoable command calling the services (ui/setup_commands.py; funding sources
and rates reuse the Funding page's dialog and rate editor). "Remove" deletes what nothing refers
to and archives the rest; the confirmation says which before anything happens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from recruiter.domain import money
from recruiter.domain.changes import Kind
from recruiter.domain.enums import FundingKind
from recruiter.i18n import N_, NC_, _
from recruiter.services import archive, funding, institutions, officers, rates, settings
from recruiter.services.institutions import DepartmentRow, InstitutionRow
from recruiter.services.officers import OfficerRow
from recruiter.services.rates import RateRow
from recruiter.store.database import Database

from .. import setup_commands as cmds
from ..context import AppContext
from ..ops import Reader, Reads
from ..qt import Qt, QtWidgets
from ..setup import editors, move
from ..setup.assessment_scale import add_scale_tab
from ..setup.deadlines import ImmigrationSetup
from ..setup.dialogs import FormDialog
from ..setup.gates import add_gate_tabs
from ..setup.office import OfficeSettings
from ..setup.panel import ListPanel, status
from ..tasks import show_error
from ..welcome import Checklist
from .base import Page
from .funding import SourceDialog

SECTIONS = ("institutions", "departments", "funding", "officers", "office")


@dataclass(frozen=True)
class SourceRow:
    id: int
    name: str
    kind: str
    institution: str
    fiscal_year: int | None
    currency: str
    total: str
    archived_at: datetime | None


@dataclass(frozen=True)
class Loaded:
    institutions: list[InstitutionRow]
    departments: list[DepartmentRow]
    sources: list[SourceRow]
    officers: list[OfficerRow]
    reporting: str
    rates: list[RateRow]
    time_zone: str


def load(db: Database) -> Loaded:
    """Everything the page shows (runs in a worker)."""
    insts = institutions.overview(db)
    names = {i.id: i.name for i in insts}
    sources = [
        SourceRow(
            s.id,
            s.name,
            FundingKind(s.kind).label,
            names.get(s.institution_id or -1, ""),
            s.fiscal_year,
            s.currency,
            money.format_amount(s.total_minor, s.currency),
            s.archived_at,
        )
        for s in funding.list_sources(db)
        if s.id is not None
    ]
    return Loaded(
        insts,
        institutions.department_overview(db),
        sources,
        officers.overview(db),
        rates.reporting_currency(db),
        rates.list_rates(db),
        settings.time_zone_name(db),
    )


def _get(rec: Any, key: str) -> Any:
    return status(rec) if key == "status" else getattr(rec, key)


class SetupPage(Page):
    name = N_("Setup")
    watches = frozenset(
        {
            Kind.institution,
            Kind.department,
            Kind.funding_source,
            Kind.officer,
            Kind.target,
            Kind.application,
            Kind.offer_item,
            Kind.exchange_rate,
            Kind.setting,
        }
    )

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.reader = Reader(ctx, self)
        self.checks = Reads(ctx.runner, self)  # "what refers to it" before a removal
        self.dialog: QtWidgets.QDialog | None = None  # the editor last opened
        self.departments_all: list[DepartmentRow] = []
        self._select_after: tuple[ListPanel, int] | None = None

        intro = QtWidgets.QLabel(
            _(
                "Your office's organisation: what targets, offers and reports are built from. "
                "Remove deletes what nothing uses yet and archives the rest (hidden from "
                "choices, kept in history and reports)."
            )
        )
        intro.setWordWrap(True)
        # From a spreadsheet: the window's File-menu actions (the page is also used alone).
        self.load_button = QtWidgets.QPushButton(_("Load office set-up…"))
        self.template_button = QtWidgets.QPushButton(_("Save set-up template…"))
        self.load_button.clicked.connect(lambda: self._window_action("load_setup"))
        self.template_button.clicked.connect(lambda: self._window_action("save_template", "setup"))
        top = QtWidgets.QHBoxLayout()
        top.addWidget(intro, 1)
        top.addWidget(self.load_button)
        top.addWidget(self.template_button)
        self.move_button = QtWidgets.QPushButton(_("Move to a server…"))  # copy --to (issue 14)
        self.move_button.clicked.connect(lambda: move.move_to_server(self, self.ctx))
        top.addWidget(self.move_button)
        self.notice = QtWidgets.QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #1d5e2f;")
        self.notice.hide()

        self.institutions = ListPanel(
            _("Institutions"),
            [
                ("name", NC_("organisation", "Name")),
                ("name_zh", N_("Chinese name")),
                ("short_name", N_("Short name")),
                ("city", N_("City")),
                ("country", N_("Country")),
                ("departments", N_("Departments")),
                ("targets", N_("Targets")),
                ("funding_sources", N_("Funding sources")),
                ("status", N_("Status")),
            ],
            getter=_get,
            widths={"name": 200, "name_zh": 130, "city": 100, "country": 90},
        )
        self.institutions.model.numeric = {"departments", "targets", "funding_sources"}
        self.departments = ListPanel(
            _("Departments"),
            [
                ("path", N_("Department (school / department / lab)")),
                ("name_zh", N_("Chinese name")),
                ("targets", N_("Targets")),
                ("sub_departments", N_("Sub-departments")),
                ("status", N_("Status")),
            ],
            getter=_get,
            widths={"path": 420, "name_zh": 200},
        )
        self.departments.model.numeric = {"targets", "sub_departments"}
        self.sources = ListPanel(
            _("Funding sources"),
            [
                ("name", NC_("organisation", "Name")),
                ("kind", N_("Kind")),
                ("institution", N_("Institution")),
                ("fiscal_year", N_("Fiscal year")),
                ("currency", N_("Currency")),
                ("total", N_("Total")),
                ("status", N_("Status")),
            ],
            getter=_get,
            widths={"name": 300, "institution": 240, "total": 180},
        )
        self.sources.model.numeric = {"total", "fiscal_year"}
        self.officers = ListPanel(
            _("Recruiting officers"),
            [
                ("name", NC_("organisation", "Name")),
                ("name_zh", N_("Chinese name")),
                ("email", N_("E-mail")),
                ("applications", N_("Applications owned")),
                ("targets", N_("Targets owned")),
                ("status", N_("Status")),
            ],
            getter=_get,
            widths={"name": 220, "email": 260, "applications": 160},
        )
        self.officers.model.numeric = {"applications", "targets"}
        self.institutions.connect_actions(
            new=self.new_institution,
            edit=self.edit_institution,
            remove=lambda: self.remove("institution"),
            unarchive=lambda: self.unarchive("institution"),
        )
        self.departments.connect_actions(
            new=self.new_department,
            edit=self.edit_department,
            remove=lambda: self.remove("department"),
            unarchive=lambda: self.unarchive("department"),
        )
        self.sources.connect_actions(
            new=self.new_source,
            edit=self.edit_source,
            remove=lambda: self.remove("funding_source"),
            unarchive=lambda: self.unarchive("funding_source"),
        )
        self.officers.connect_actions(
            new=self.new_officer,
            edit=self.edit_officer,
            remove=lambda: self.remove("officer"),
            unarchive=lambda: self.unarchive("officer"),
        )
        self.institutions.view.selectionModel().selectionChanged.connect(
            lambda *_a: self._show_departments()
        )

        self.tabs = QtWidgets.QTabWidget()
        org = QtWidgets.QSplitter(Qt.Orientation.Vertical)
        org.addWidget(self.institutions)
        org.addWidget(self.departments)
        org.setSizes([300, 260])
        self.tabs.addTab(org, _("Institutions and departments"))
        money_tab = QtWidgets.QWidget()
        mv = QtWidgets.QVBoxLayout(money_tab)
        mv.addWidget(self.sources, 1)
        hint = QtWidgets.QLabel(
            _("What is reserved and committed on each budget is on the Funding page.")
        )
        to_funding = QtWidgets.QPushButton(_("Open the Funding page"))
        to_funding.clicked.connect(lambda: self.ctx.bus.navigate.emit("Funding", {}))
        row = QtWidgets.QHBoxLayout()
        row.addWidget(hint)
        row.addStretch(1)
        row.addWidget(to_funding)
        mv.addLayout(row)
        self.tabs.addTab(money_tab, _("Funding sources"))
        self.tabs.addTab(self.officers, _("Recruiting officers"))
        self.office = OfficeSettings(ctx)
        self.rates = self.office.rates
        self.tabs.addTab(self.office, _("Currency and time zone"))
        self.gate_setup, self.holidays = add_gate_tabs(self.tabs, ctx)
        self.tabs.addTab(ImmigrationSetup(ctx), _("Visa deadlines and relocation"))
        self.scale = add_scale_tab(self.tabs, ctx)

        # What the first offer still needs; hidden once everything is there.
        self.checklist = Checklist(ctx, compact=True)
        self.checklist.hide()
        self.checklist.open_place.connect(self.open_place)
        self.checklist.loaded.connect(self._checklist_shown)

        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.checklist)
        layout.addWidget(self.notice)
        layout.addWidget(self.tabs, 1)
        self._show_departments()

    # -- loading ----------------------------------------------------------------------------
    @property
    def loading(self) -> bool:
        return self.reader.pending or self.checks.pending or self.checklist.loading

    def refresh(self) -> None:
        self.reader.read(load, self._show, title=_("Setup"))

    def _show(self, loaded: Loaded) -> None:
        self.institutions.set_records(
            loaded.institutions,
            _("No institutions yet: add the universities you recruit for with New…"),
        )
        if self.institutions.selected() is None and self.institutions.model.records:
            self.institutions.view.selectRow(0)
        self.departments_all = loaded.departments
        self._show_departments()
        self.sources.set_records(
            loaded.sources,
            _("No funding sources yet: add the budgets that pay for offers with New…"),
        )
        self.officers.set_records(
            loaded.officers,
            _("No officers yet: add the people who own applications and targets."),
        )
        if self._select_after is not None:
            panel, ident = self._select_after
            self._select_after = None
            panel.select_id(ident)
        used = {s.currency for s in loaded.sources if s.archived_at is None}
        self.rates.show_rates(loaded.reporting, loaded.rates, used)
        self.office.show_time_zone(loaded.time_zone)

    def _show_departments(self) -> None:
        inst = self.institutions.selected()
        if inst is None:
            self.departments.title.setText(f"<b>{_('Departments')}</b>")
            self.departments.set_records([], _("Add an institution first."))
        else:
            self.departments.title.setText(
                "<b>" + _("Departments of {name}").format(name=inst.name) + "</b>"
            )
            self.departments.set_records(
                [d for d in self.departments_all if d.institution_id == inst.id],
                _("No departments yet: add a school, department or lab with New…"),
            )
        self.departments.new_button.setEnabled(inst is not None)

    def _checklist_shown(self) -> None:
        found = self.checklist.current
        self.checklist.setVisible(found is not None and not found.complete)

    def open_place(self, where: str) -> None:
        if where == "targets":
            self.ctx.bus.navigate.emit("Targets", {"new": True})
        else:
            self.apply_filter({"section": where})

    def apply_filter(self, filters: dict[str, object]) -> None:
        """{'section': one of SECTIONS} shows that list with the focus in it."""
        section = filters.get("section")
        if section not in SECTIONS:
            return
        index = {"institutions": 0, "departments": 0, "funding": 1, "officers": 2, "office": 3}
        self.tabs.setCurrentIndex(index[str(section)])
        panel = {
            "institutions": self.institutions,
            "departments": self.departments,
            "funding": self.sources,
            "officers": self.officers,
        }.get(str(section))
        if panel is not None:
            panel.view.setFocus()

    # -- editors ----------------------------------------------------------------------------
    def _open(self, dialog: QtWidgets.QDialog) -> QtWidgets.QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def new_institution(self) -> QtWidgets.QDialog:
        return self._open(
            FormDialog(
                _("New institution"),
                editors.institution_fields(),
                lambda values: self._after(
                    self.institutions, cmds.create_institution(self.ctx, values)
                ),
                parent=self,
            )
        )

    def edit_institution(self) -> QtWidgets.QDialog | None:
        rec = self.institutions.selected()
        if rec is None:
            return None
        fields = editors.institution_fields(rec)
        return self._open(
            FormDialog(
                _("Edit institution"),
                fields,
                lambda changes: cmds.edit_institution(self.ctx, rec.id, changes),
                original=editors.original(fields, rec),
                parent=self,
            )
        )

    def new_department(self) -> QtWidgets.QDialog | None:
        inst = self.institutions.selected()
        if inst is None:
            self.say(_("Choose or add an institution first."))
            return None
        return self._open(
            FormDialog(
                _("New department of {name}").format(name=inst.name),
                editors.department_fields(self.departments_all, inst.id),
                lambda values: self._after(
                    self.departments, cmds.create_department(self.ctx, inst.id, values)
                ),
                parent=self,
            )
        )

    def edit_department(self) -> QtWidgets.QDialog | None:
        rec = self.departments.selected()
        if rec is None:
            return None
        fields = editors.department_fields(self.departments_all, rec.institution_id, rec)
        return self._open(
            FormDialog(
                _("Edit department"),
                fields,
                lambda changes: cmds.edit_department(self.ctx, rec.id, changes),
                original=editors.original(fields, rec),
                parent=self,
            )
        )

    def new_officer(self) -> QtWidgets.QDialog:
        return self._open(
            FormDialog(
                _("New recruiting officer"),
                editors.officer_fields(),
                lambda values: self._after(self.officers, cmds.create_officer(self.ctx, values)),
                parent=self,
            )
        )

    def edit_officer(self) -> QtWidgets.QDialog | None:
        rec = self.officers.selected()
        if rec is None:
            return None
        fields = editors.officer_fields(rec)
        return self._open(
            FormDialog(
                _("Edit recruiting officer"),
                fields,
                lambda changes: cmds.edit_officer(self.ctx, rec.id, changes),
                original=editors.original(fields, rec),
                parent=self,
            )
        )

    def new_source(self) -> QtWidgets.QDialog:
        return self._open(SourceDialog(self.ctx, None, self))

    def edit_source(self) -> QtWidgets.QDialog | None:
        sid = self.sources.selected_id()
        return self._open(SourceDialog(self.ctx, sid, self)) if sid is not None else None

    def _after(self, panel: ListPanel, cmd: Any) -> Any:
        """Select what was just created once the list shows it."""
        if cmd.error is None and cmd.state is not None:
            self._select_after = (panel, int(cmd.state))
        return cmd

    # -- remove / unarchive -----------------------------------------------------------------
    def _panel(self, kind: archive.Kind) -> ListPanel:
        return {
            "institution": self.institutions,
            "department": self.departments,
            "funding_source": self.sources,
            "officer": self.officers,
        }[kind]

    @staticmethod
    def _what(kind: archive.Kind, rec: Any) -> str:
        name = getattr(rec, "name", None) or getattr(rec, "path", "")
        return _("{kind} '{name}'").format(kind=_(archive.LABELS[kind]).lower(), name=name)

    def confirm(self, title: str, text: str) -> bool:
        box = QtWidgets.QMessageBox(self)
        box.setIcon(QtWidgets.QMessageBox.Icon.Question)
        box.setWindowTitle(title)
        box.setText(text)
        box.setStandardButtons(
            QtWidgets.QMessageBox.StandardButton.Ok | QtWidgets.QMessageBox.StandardButton.Cancel
        )
        return box.exec() == QtWidgets.QMessageBox.StandardButton.Ok

    def remove(self, kind: archive.Kind) -> None:
        """Say what will happen (deleted, or archived because something refers to it), then do
        it as one undoable command."""
        rec = self._panel(kind).selected()
        if rec is None or rec.archived_at is not None:
            return
        db, ident = self.ctx.db, int(rec.id)
        self.checks.start(
            "references",
            lambda: archive.references(db, kind, ident),
            lambda refs: self._remove(kind, rec, refs),
            lambda exc: show_error(self, _("Remove"), exc),
        )

    def removal_text(self, kind: archive.Kind, rec: Any, refs: dict[str, int]) -> str:
        what = self._what(kind, rec)
        if not refs:
            return _("Delete {what}? Nothing refers to it yet. (Undo brings it back.)").format(
                what=what
            )
        return _(
            "{what} still has {refs}, so it will be archived, not deleted: it is no longer "
            "offered in lists to choose from, and stays in history and reports. Unarchive "
            "brings it back."
        ).format(what=what[0].upper() + what[1:], refs=archive.describe(refs))

    def _remove(self, kind: archive.Kind, rec: Any, refs: dict[str, int]) -> None:
        title = _("Archive") if refs else _("Delete")
        if not self.confirm(title, self.removal_text(kind, rec, refs)):
            return
        cmd = cmds.retire(
            self.ctx, kind, int(rec.id), self._what(kind, rec), self._error(_("Remove"))
        )
        if cmd.error is None:
            done = (
                _("Archived {what}. (Edit → Undo takes it back.)")
                if cmd.state.action == "archived"
                else _("Deleted {what}. (Edit → Undo takes it back.)")
            )
            self.say(done.format(what=self._what(kind, rec)))

    def unarchive(self, kind: archive.Kind) -> None:
        rec = self._panel(kind).selected()
        if rec is None or rec.archived_at is None:
            return
        cmd = cmds.unarchive(
            self.ctx, kind, int(rec.id), self._what(kind, rec), self._error(_("Unarchive"))
        )
        if cmd.error is None:
            self.say(_("{what} is offered in choices again.").format(what=self._what(kind, rec)))

    def _error(self, title: str) -> Any:
        return lambda exc: show_error(self, title, exc)

    def say(self, text: str) -> None:
        """A line about what the last action did (or why nothing happened)."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _window_action(self, name: str, *args: Any) -> None:
        action = getattr(self.window(), name, None)
        if action is not None:
            action(*args)


__all__ = ["SECTIONS", "Loaded", "SetupPage", "load"]
