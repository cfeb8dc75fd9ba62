"""The "Due" view: overdue and today's follow-ups across all candidates, plus offers that expire
within a week. Usable as a panel (the Pipeline page shows it) or as a dock (`FollowUpsDock`, for
the main window). Reads run off the GUI thread (ops.Reader)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from recruiter.domain import clock
from recruiter.domain.changes import Changes, Kind
from recruiter.i18n import _
from recruiter.services import activities, gates, immigration, offers, payments, settings
from recruiter.store.database import Database

from . import tracking_commands as cmds
from .candidate_model import RecordTableModel
from .context import AppContext
from .gate_marks import GateDue
from .ops import Reader
from .qt import Qt, QtGui, QtWidgets, Signal
from .tasks import show_error

OVERDUE = QtGui.QColor("#b3261e")
LIMIT = 1000


def expiring_offers(
    db: Database,
    today: date | None = None,
    target_id: int | None = None,
    institution_id: int | None = None,
) -> list[Any]:
    """Offers expiring within 7 days (of one target or institution when given)."""
    return offers.list_offers(
        db,
        expiring_within=7,
        today=today,
        target_id=target_id,
        institution_id=institution_id,
        order_by="expires_on",
        descending=False,
    )


@dataclass(frozen=True)
class Due:
    """What the panel shows, read in the background: the office's today (services.settings,
    the day the Dashboard's "Overdue follow-ups" counts to), the follow-ups due by then and
    the offers expiring within a week of it."""

    today: date
    follow_ups: list[activities.FollowUp]
    expiring: list[Any]
    gates: list[gates.DueGate] = field(default_factory=list)  # notices ending, reviews due
    assessments: list[payments.AssessmentRow] = field(default_factory=list)  # due soon, no result
    visas: immigration.NearestDue | None = None  # the nearest cases due within 7 days


def load(db: Database, target_id: int | None = None, institution_id: int | None = None) -> Due:
    today = clock.today_in(settings.office_zone(db))
    return Due(
        today,
        activities.due(
            db,
            on_or_before=today,
            limit=LIMIT,
            target_id=target_id,
            institution_id=institution_id,
        ),
        expiring_offers(db, today, target_id, institution_id),
        gates.due(db, today, target_id=target_id, institution_id=institution_id),
        payments.upcoming(db, today) if target_id is None and institution_id is None else [],
        None
        if target_id is not None or institution_id is not None
        else immigration.nearest_due(db, today),
    )


class FollowUpsPanel(QtWidgets.QWidget):
    """Lists what needs doing today; Mark done is undoable; double-click opens the candidate."""

    open_candidate = Signal(int)

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.loader = Reader(ctx, self)
        # The Pipeline page's Due tab shows one target's (or institution's) follow-ups.
        self.target_id: int | None = None
        self.institution_id: int | None = None
        self.scope_label = ""
        self.model = RecordTableModel(
            [
                ("due_on", _("Due")),
                ("candidate", _("Candidate")),
                ("name_zh", "中文名"),
                ("kind", _("Kind")),
                ("summary", _("What to do")),
            ],
            parent=self,
        )
        self.model.decorate = self._decorate
        self.view = QtWidgets.QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.setAlternatingRowColors(True)
        for i, w in enumerate((90, 160, 70, 70)):
            self.view.setColumnWidth(i, w)
        self.view.doubleClicked.connect(self._open)
        self.offers_model = RecordTableModel(
            [
                ("expires_on", _("Expires")),
                ("candidate", _("Candidate")),
                ("target", _("Target")),
                ("institution", _("Institution")),
            ],
            parent=self,
        )
        self.offers_view = QtWidgets.QTableView()
        self.offers_view.setModel(self.offers_model)
        self.offers_view.verticalHeader().hide()
        self.offers_view.horizontalHeader().setStretchLastSection(True)
        self.offers_view.setSelectionBehavior(
            QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows
        )
        self.offers_view.doubleClicked.connect(self._open_offer)
        self.offers_view.setWordWrap(False)
        self.offers_view.verticalHeader().setDefaultSectionSize(22)
        for i, w in enumerate((90, 160, 320)):
            self.offers_view.setColumnWidth(i, w)
        self.visas_model = RecordTableModel(
            [("due_on", _("Due")), ("candidate", _("Candidate")), ("deadline", _("Visa deadline"))],
            parent=self,
        )
        self.visas_model.decorate = self._decorate
        self.visas_view = QtWidgets.QTableView()
        self.visas_view.setModel(self.visas_model)
        self.visas_view.verticalHeader().hide()
        self.visas_view.horizontalHeader().setStretchLastSection(True)
        self.visas_view.doubleClicked.connect(
            lambda i: self.open_candidate.emit(self.visas_model.record(i.row()).candidate_id)
        )
        self.visas_heading = QtWidgets.QLabel()
        self.visas_heading.setWordWrap(True)
        self.visas_heading.linkActivated.connect(
            lambda _link: ctx.bus.navigate.emit("Visas & arrivals", {"status": "open"})
        )
        self.heading = QtWidgets.QLabel()
        self.offers_heading = QtWidgets.QLabel()
        self.done_button = QtWidgets.QPushButton(_("Mark done"))
        self.done_button.clicked.connect(self.mark_selected_done)
        self.open_button = QtWidgets.QPushButton(_("Open candidate"))
        self.open_button.clicked.connect(lambda: self._open(self.view.currentIndex()))
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.heading, 1)
        row.addWidget(self.open_button)
        row.addWidget(self.done_button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.view, 3)
        layout.addWidget(self.offers_heading)
        layout.addWidget(self.offers_view, 1)
        self.gates = GateDue(self)
        layout.addWidget(self.gates, 1)
        self.assessments_heading = QtWidgets.QLabel()
        self.assessments_model = RecordTableModel(
            [("due_on", _("Due")), ("candidate", _("Hire")), ("label", _("Assessment"))],
            parent=self,
        )
        self.assessments_view = QtWidgets.QTableView()
        self.assessments_view.setModel(self.assessments_model)
        self.assessments_view.verticalHeader().hide()
        self.assessments_view.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.assessments_heading)
        layout.addWidget(self.assessments_view, 1)
        layout.addWidget(self.visas_heading)
        layout.addWidget(self.visas_view, 1)
        ctx.bus.changed.connect(self._on_changed)

    def _decorate(self, rec: Any, key: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and rec.overdue and key == "due_on":
            return QtGui.QBrush(OVERDUE)
        if role == Qt.ItemDataRole.FontRole and rec.overdue and key == "due_on":
            font = QtGui.QFont()
            font.setBold(True)
            return font
        return None

    watches = frozenset(
        {
            Kind.activity,
            Kind.candidate,
            Kind.offer,
            Kind.application,
            Kind.gate_record,
            Kind.gate_review,
            Kind.assessment,
            Kind.case_milestone,
            Kind.immigration_case,
            Kind.case_person,
            Kind.deadline_rule,
            Kind.holiday,
        }
    )

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(self.watches) and self.isVisible():
            self.refresh()

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def set_scope(self, target_id: int | None, institution_id: int | None, label: str = "") -> None:
        """Show only the follow-ups and expiring offers of this target (or institution)."""
        scope = (target_id, institution_id)
        self.scope_label = label
        if scope != (self.target_id, self.institution_id):
            self.target_id, self.institution_id = scope
            if self.isVisible():
                self.refresh()

    def refresh(self) -> None:
        target_id, institution_id = self.target_id, self.institution_id
        self.loader.read(
            lambda db: load(db, target_id, institution_id), self._fill, title=_("Follow-ups")
        )

    @property
    def loading(self) -> bool:
        return self.loader.pending

    def _fill(self, loaded: Due) -> None:
        due, expiring = loaded.follow_ups, loaded.expiring
        self.model.set_records(due)
        overdue = sum(1 for f in due if f.overdue)
        today = len(due) - overdue
        more = _(" (the oldest {n:,} shown)").format(n=len(due)) if len(due) >= LIMIT else ""
        scope = f" ({self.scope_label})" if self.scope_label else ""
        self.heading.setText(
            _("<b>Due{s}</b> — {o} overdue, {t} due today ({d}){more}").format(
                s=scope, o=overdue, t=today, d=loaded.today.isoformat(), more=more
            )
        )
        self.offers_model.set_records(expiring)
        self.offers_heading.setText(
            _("<b>Offers expiring within 7 days</b> — {n}").format(n=len(expiring))
        )
        self.done_button.setEnabled(bool(due))
        self.gates.show_due(loaded.gates)
        self.assessments_model.set_records(loaded.assessments)
        self.assessments_heading.setText(
            _("<b>Assessments due within {d} days</b> — {n}").format(
                d=payments.REMIND_DAYS, n=len(loaded.assessments)
            )
        )
        for w in (self.assessments_heading, self.assessments_view):
            w.setVisible(self.target_id is None and self.institution_id is None)
        self._fill_visas(loaded.visas)

    def _fill_visas(self, visas: immigration.NearestDue | None) -> None:
        """Cases, not every clock: the nearest few, the rest counted and one click away."""
        self.visas_model.set_records(visas.nearest if visas is not None else [])
        for w in (self.visas_heading, self.visas_view):
            w.setVisible(visas is not None)
        if visas is None:
            return
        text = _("<b>Visa deadlines</b> (cases) — {o:,} overdue, {n:,} due within 7 days").format(
            o=visas.overdue, n=visas.soon
        )
        if visas.more > 0:
            text += " · " + _(
                'the nearest {k:,} shown, <a href="visas">{m:,} more on the Visas page</a>'
            ).format(k=len(visas.nearest), m=visas.more)
        self.visas_heading.setText(text)

    def selected(self) -> list[activities.FollowUp]:
        return [self.model.record(i.row()) for i in self.view.selectionModel().selectedRows()]

    def mark_selected_done(self) -> None:
        for f in self.selected():
            cmds.mark_done(
                self.ctx,
                f.activity_id,
                True,
                on_error=lambda e: show_error(self, _("Follow-ups"), e),
            )

    def _open(self, index: Any) -> None:
        if index.isValid():
            self.open_candidate.emit(self.model.record(index.row()).candidate_id)

    def _open_offer(self, index: Any) -> None:
        if index.isValid():
            self.open_candidate.emit(self.offers_model.record(index.row()).candidate_id)


class FollowUpsDock(QtWidgets.QDockWidget):
    """The Due panel as a dock; opening a candidate shows the editor in a dialog."""

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(_("Due"), parent)
        self.setObjectName("followupsDock")
        self.panel = FollowUpsPanel(ctx, self)
        self.panel.open_candidate.connect(self._open)
        self.setWidget(self.panel)
        self.ctx = ctx

    def _open(self, candidate_id: int) -> None:
        from .candidate_detail import CandidateDialog

        dialog = CandidateDialog(self.ctx, candidate_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
