"""An application's approval gates: each gate of its institution with the decision (date, body,
outcome, minutes reference), a public notice's posting and computed end, expert reviews
(anonymous ones without the reviewer's name), objections and how they were handled, and the
application's hire type and tier. Every edit is an undoable command (gate_commands.py).

Also the override of a stage move the gates refuse: `offer_override` wraps a move's error
handler so that a GateClosed refusal asks for a reason and moves again, audited."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from recruiter.domain.changes import Changes, Kind
from recruiter.domain.enums import Stage
from recruiter.domain.gates import GateKind, GateOutcome, GateState, HireType, PostType
from recruiter.errors import RecruiterError
from recruiter.i18n import _
from recruiter.services import gates, immigration
from recruiter.services.gates import ApplicationGates, GateView, TierRow
from recruiter.store.database import Database

from .candidate_model import RecordTableModel
from .context import AppContext
from .gate_commands import gate_edit, move_with_override
from .ops import Reads
from .qt import Qt, QtCore, QtGui, QtWidgets
from .setup.dialogs import line
from .setup.form_widgets import Form, OptionalDate, check, combo, day, spin, text_box
from .tasks import show_error

WATCHES = frozenset(
    {
        Kind.application,
        Kind.target,
        Kind.gate_template,
        Kind.gate_record,
        Kind.gate_review,
        Kind.gate_objection,
        Kind.talent_tier,
        Kind.holiday,
    }
)
STATE_COLOURS = {
    GateState.passed: "#1d5e2f",
    GateState.failed: "#b3261e",
    GateState.open: "#8a5a00",
}


def ask_reason(parent: QtWidgets.QWidget, problem: str, title: str | None = None) -> str | None:
    """Ask why a stage guard is overridden (tests replace this)."""
    text, ok = QtWidgets.QInputDialog.getText(
        parent,
        title or _("Override the approval gates"),
        _("{problem}\n\nMove anyway? Say why (kept in the audit log):").format(problem=problem),
    )
    return text.strip() if ok and text.strip() else None


def offer_override(
    parent: QtWidgets.QWidget,
    ctx: AppContext,
    application_ids: Sequence[int],
    to: Stage,
    fallback: Callable[[RecruiterError], None],
) -> Callable[[RecruiterError], None]:
    """An error handler for a stage move: a refusal of either guard (the approval gates, or the
    immigration case before `arrived`) asks for a reason and moves with an audited override
    (after the refused command has left the undo stack); anything else goes to `fallback`."""
    ids = list(application_ids)

    def handle(exc: RecruiterError) -> None:
        if not isinstance(exc, gates.GateClosed | immigration.ArrivalBlocked):
            fallback(exc)
            return
        visa = isinstance(exc, immigration.ArrivalBlocked)
        title = _("Override the immigration case") if visa else None

        def ask() -> None:
            reason = ask_reason(parent, str(exc), title)
            if reason:
                move_with_override(ctx, ids, to, reason, fallback)

        QtCore.QTimer.singleShot(0, ask)

    return handle


# -- the gates table ------------------------------------------------------------------------------
def _reviews(g: GateView) -> str:
    if g.rule.kind != GateKind.expert_review:
        return ""
    got = sum(1 for r in g.reviews if r.received_on)
    return _("{got}/{needed} received").format(got=got, needed=g.rule.reviews_required)


def _notice(g: GateView) -> str:
    if g.rule.kind != GateKind.public_notice:
        return ""
    if g.notice_start is None or g.notice_end is None:
        return _("not posted ({days} working days)").format(days=g.rule.notice_days)
    return f"{g.notice_start.isoformat()} → {g.notice_end.isoformat()}"


def _objections(g: GateView) -> str:
    if not g.objections:
        return ""
    still = sum(1 for o in g.objections if o.resolved_on is None)
    if still:
        return _("{count} ({still} open)").format(count=len(g.objections), still=still)
    return _("{count} handled").format(count=len(g.objections))


def _gate_value(g: GateView, key: str) -> Any:
    return {
        "position": g.position,
        "body": g.body + ("" if g.rule.required else _(" (optional)")),
        "status": g.status_text,
        "decided": " · ".join(x for x in (g.decided_by, g.reference) if x),
        "notice": _notice(g),
        "reviews": _reviews(g),
        "objections": _objections(g),
        "missing": "" if g.state != GateState.open else (g.missing or _("may be decided")),
    }[key]


@dataclass(frozen=True)
class Item:
    """A review or an objection of the selected gate, as a line of the lower table."""

    kind: str  # "review" or "objection"
    id: int
    who: str
    dates: str
    score: str
    text: str
    source: Any


def items_of(g: GateView) -> list[Item]:
    out = [
        Item(
            "review",
            r.id,
            r.reviewer,
            _("asked {asked}, received {received}").format(
                asked=r.requested_on or "—", received=r.received_on or "—"
            ),
            "" if r.score is None else str(r.score),
            r.opinion or "",
            r,
        )
        for r in g.reviews
    ]
    out += [
        Item(
            "objection",
            o.id,
            _("Objection"),
            _("received {received}, handled {handled}").format(
                received=o.received_on, handled=o.resolved_on or "—"
            ),
            "",
            o.summary + (f" — {o.handling}" if o.handling else ""),
            o,
        )
        for o in g.objections
    ]
    return out


def load(db: Database, application_id: int) -> tuple[ApplicationGates, list[TierRow]]:
    return gates.for_application(db, application_id), gates.tiers(db)


class ApplicationGatesView(QtWidgets.QWidget):
    """The Approvals tab of an application (candidate detail)."""

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.reads = Reads(ctx.runner, self)
        self.application_id: int | None = None
        self.current: ApplicationGates | None = None
        self.tier_rows: list[TierRow] = []
        self.dialog: QtWidgets.QDialog | None = None
        self.heading = QtWidgets.QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.hire = QtWidgets.QLabel()
        self.hire_button = QtWidgets.QPushButton(_("Hire type and tier…"))
        self.hire_button.clicked.connect(self.edit_hire)
        hire_row = QtWidgets.QHBoxLayout()
        hire_row.addWidget(self.hire, 1)
        hire_row.addWidget(self.hire_button)
        self.model = RecordTableModel(
            [
                ("position", "#"),
                ("body", _("Gate")),
                ("status", _("Decision")),
                ("decided", _("Body · reference")),
                ("notice", _("Notice")),
                ("reviews", _("Reviews")),
                ("objections", _("Objections")),
                ("missing", _("Still needed")),
            ],
            getter=_gate_value,
            parent=self,
        )
        self.model.decorate = self._decorate
        self.view = QtWidgets.QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setWordWrap(False)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._gate_selected())
        self.view.doubleClicked.connect(lambda _i: self.record_decision())
        self.decide_button = QtWidgets.QPushButton(_("Record decision…"))
        self.notice_button = QtWidgets.QPushButton(_("Post notice…"))
        self.review_button = QtWidgets.QPushButton(_("Add review…"))
        self.objection_button = QtWidgets.QPushButton(_("Add objection…"))
        self.decide_button.clicked.connect(self.record_decision)
        self.notice_button.clicked.connect(self.post_notice)
        self.review_button.clicked.connect(self.add_review)
        self.objection_button.clicked.connect(self.add_objection)
        buttons = QtWidgets.QHBoxLayout()
        for b in (
            self.decide_button,
            self.notice_button,
            self.review_button,
            self.objection_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.items = RecordTableModel(
            [
                ("who", _("Reviewer / objection")),
                ("dates", _("Dates")),
                ("score", _("Score")),
                ("text", _("Opinion / handling")),
            ],
            parent=self,
        )
        self.items_view = QtWidgets.QTableView()
        self.items_view.setModel(self.items)
        self.items_view.setSelectionBehavior(
            QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows
        )
        self.items_view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.items_view.verticalHeader().hide()
        self.items_view.horizontalHeader().setStretchLastSection(True)
        self.items_view.doubleClicked.connect(lambda _i: self.edit_item())
        self.edit_item_button = QtWidgets.QPushButton(_("Edit…"))
        self.remove_item_button = QtWidgets.QPushButton(_("Remove"))
        self.edit_item_button.clicked.connect(self.edit_item)
        self.remove_item_button.clicked.connect(self.remove_item)
        item_row = QtWidgets.QHBoxLayout()
        self.items_title = QtWidgets.QLabel()
        item_row.addWidget(self.items_title, 1)
        item_row.addWidget(self.edit_item_button)
        item_row.addWidget(self.remove_item_button)
        self.empty = QtWidgets.QLabel()
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #555;")
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(hire_row)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 3)
        layout.addLayout(item_row)
        layout.addWidget(self.items_view, 2)
        ctx.bus.changed.connect(self._changed)
        self.show_application(None)

    # -- loading ------------------------------------------------------------------------------
    @property
    def loading(self) -> bool:
        return self.reads.pending

    def show_application(self, application_id: int | None) -> None:
        self.application_id = application_id
        if application_id is None:
            self.reads.start("gates", lambda: None, lambda _r: None)
            self.current = None
            self.model.set_records([])
            self.items.set_records([])
            self.heading.setText(_("Choose an application on the Pipeline tab."))
            self.hire.setText("")
            self._update_buttons()
            return
        db = self.ctx.db
        self.reads.start(
            "gates",
            lambda: load(db, application_id),
            lambda found: self._show(*found),
            lambda exc: (
                self.show_application(None)
                if isinstance(exc, RecruiterError)
                else show_error(self, _("Approvals"), exc)
            ),
        )

    def _changed(self, changes: Changes) -> None:
        if self.application_id is not None and changes.touches(WATCHES):
            self.show_application(self.application_id)

    def _show(self, found: ApplicationGates, tiers: list[TierRow]) -> None:
        keep = self.selected_gate()
        self.current, self.tier_rows = found, tiers
        state = found.outcome.label.lower()
        reason = f" — {found.closed_reason}" if found.closed_reason else ""
        nxt = found.next
        waits = (
            _("Waiting at: <b>{gate}</b>").format(gate=nxt.body)
            if nxt and found.outcome.value == "active"
            else ""
        )
        self.heading.setText(
            f"<b>{found.target}</b> · {found.institution} · {found.stage.label} ({state}{reason})"
            + (f"<br>{waits}" if waits else "")
        )
        self.hire.setText(_("Hire: {summary}").format(summary=found.hire.summary))
        self.model.set_records(list(found.gates))
        self.empty.setText(
            ""
            if found.gates
            else _(
                "{institution} has no approval gates yet: set them up on the Setup page "
                "(Approval gates and tiers)."
            ).format(institution=found.institution)
        )
        self.empty.setVisible(not found.gates)
        self.view.resizeColumnsToContents()
        for col, cap in ((1, 300), (3, 200), (7, 260)):
            self.view.setColumnWidth(col, min(self.view.columnWidth(col), cap))
        if keep is not None:
            self.select_gate(keep.template_id)
        elif found.gates:
            self.select_gate((nxt or found.gates[0]).template_id)
        self._gate_selected()

    def _decorate(self, g: GateView, key: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and key == "status":
            return QtGui.QBrush(QtGui.QColor(STATE_COLOURS[g.state]))
        if role == Qt.ItemDataRole.ToolTipRole:
            text = _gate_value(g, key)
            return text or None
        return None

    def selected_gate(self) -> GateView | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.model.records):
            return None
        rec: GateView = self.model.record(rows[0].row())
        return rec

    def select_gate(self, template_id: int) -> bool:
        for n, g in enumerate(self.model.records):
            if g.template_id == template_id:
                self.view.selectRow(n)
                return True
        return False

    def _gate_selected(self) -> None:
        g = self.selected_gate()
        self.items.set_records(items_of(g) if g else [])
        self.items_title.setText(
            f"<b>{g.body}</b>: "
            + (
                _("expert reviews and objections")
                if g.rule.kind in (GateKind.expert_review, GateKind.public_notice)
                else _("no reviews or objections for this kind of gate")
            )
            if g
            else ""
        )
        self.items_view.resizeColumnsToContents()
        self._update_buttons()

    def _update_buttons(self) -> None:
        g = self.selected_gate()
        self.decide_button.setEnabled(g is not None)
        self.notice_button.setEnabled(g is not None and g.rule.kind == GateKind.public_notice)
        self.objection_button.setEnabled(g is not None and g.rule.kind == GateKind.public_notice)
        self.review_button.setEnabled(g is not None and g.rule.kind == GateKind.expert_review)
        self.hire_button.setEnabled(self.current is not None)
        has_item = bool(self.items_view.selectionModel().selectedRows()) or self.items.rowCount()
        self.edit_item_button.setEnabled(bool(has_item))
        self.remove_item_button.setEnabled(bool(has_item))

    # -- edits --------------------------------------------------------------------------------
    def _open(self, dialog: QtWidgets.QDialog) -> QtWidgets.QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _edit(self, text: str, first: Callable[[], gates.Kept]) -> Any:
        return gate_edit(self.ctx, text, first)

    def record_decision(self) -> QtWidgets.QDialog | None:
        g, app = self.selected_gate(), self.application_id
        if g is None or app is None:
            return None
        db, tid = self.ctx.db, g.template_id
        outcomes = [(_("(not decided)"), "")] + [(o.label, o.value) for o in GateOutcome]
        fields: list[tuple[str, str, QtWidgets.QWidget]] = [
            ("outcome", _("Outcome"), combo(outcomes, g.outcome.value if g.outcome else "")),
            ("decided_on", _("Decided on"), OptionalDate(g.decided_on)),
            ("body", _("Decided by"), line(g.decided_by, g.body)),
            (
                "reference",
                _("Minutes / document"),
                line(g.reference, "e.g. 党政联席会纪要 2026-12"),
            ),
            ("notes", _("Notes, conditions or reason"), text_box(g.notes)),
        ]
        if g.decided_on is None:
            picker = fields[1][2]
            assert isinstance(picker, OptionalDate)
            picker.on.setChecked(True)
        return self._open(
            Form(
                _("Decision: {gate}").format(gate=g.body),
                fields,
                lambda v: self._edit(
                    _("Record decision on {gate}").format(gate=g.body),
                    lambda: gates.decide(db, app, tid, **{**v, "outcome": v["outcome"] or None}),
                ),
                parent=self,
            )
        )

    def post_notice(self) -> QtWidgets.QDialog | None:
        g, app = self.selected_gate(), self.application_id
        if g is None or app is None:
            return None
        db, tid = self.ctx.db, g.template_id
        picker = OptionalDate(g.notice_start)
        picker.on.setChecked(True)
        return self._open(
            Form(
                _("Public notice: {gate}").format(gate=g.body),
                [("start", _("Posted on"), picker)],
                lambda v: self._edit(
                    _("Post notice of {gate}").format(gate=g.body),
                    lambda: gates.post_notice(db, app, tid, v["start"]),
                ),
                parent=self,
            )
        )

    @staticmethod
    def review_fields(
        r: Any = None, anonymous: bool = False
    ) -> list[tuple[str, str, QtWidgets.QWidget]]:
        score = spin(r.score if r is not None and r.score is not None else -1, -1, 100)
        score.setSpecialValueText(_("no score"))
        return [
            ("reviewer", _("Reviewer"), line(None if r is None or r.anonymous else r.reviewer)),
            ("anonymous", _("Anonymous"), check(r.anonymous if r else anonymous, _("not shown"))),
            ("requested_on", _("Requested on"), OptionalDate(r.requested_on if r else None)),
            ("received_on", _("Received on"), OptionalDate(r.received_on if r else None)),
            ("score", _("Score (0-100)"), score),
            ("opinion", _("Opinion"), text_box(r.opinion if r else None)),
        ]

    @staticmethod
    def _review_values(v: dict[str, Any], r: Any = None) -> dict[str, Any]:
        out = {**v, "score": None if v["score"] < 0 else v["score"]}
        if r is not None and r.anonymous and not v.get("reviewer"):
            out.pop("reviewer")  # the stored name of an anonymous reviewer is kept
        return out

    def add_review(self) -> QtWidgets.QDialog | None:
        g, app = self.selected_gate(), self.application_id
        if g is None or app is None:
            return None
        db, tid = self.ctx.db, g.template_id
        return self._open(
            Form(
                _("Expert review: {gate}").format(gate=g.body),
                self.review_fields(None, g.rule.anonymous),
                lambda v: self._edit(
                    _("Add review on {gate}").format(gate=g.body),
                    lambda: gates.add_review(db, app, tid, **self._review_values(v)),
                ),
                parent=self,
            )
        )

    @staticmethod
    def objection_fields(o: Any = None) -> list[tuple[str, str, QtWidgets.QWidget]]:
        return [
            ("received_on", _("Received on"), day(o.received_on if o else None)),
            ("summary", _("Objection"), line(o.summary if o else None)),
            ("handling", _("How it was handled"), text_box(o.handling if o else None)),
            ("resolved_on", _("Handled on"), OptionalDate(o.resolved_on if o else None)),
        ]

    def add_objection(self) -> QtWidgets.QDialog | None:
        g, app = self.selected_gate(), self.application_id
        if g is None or app is None:
            return None
        db, tid = self.ctx.db, g.template_id
        return self._open(
            Form(
                _("Objection to {gate}").format(gate=g.body),
                self.objection_fields(),
                lambda v: self._edit(
                    _("Add objection to {gate}").format(gate=g.body),
                    lambda: gates.add_objection(db, app, tid, **v),
                ),
                parent=self,
            )
        )

    def selected_item(self) -> Item | None:
        rows = self.items_view.selectionModel().selectedRows()
        if not rows and self.items.rowCount() == 1:
            return self.items.record(0)  # type: ignore[no-any-return]  # records are Items
        return self.items.record(rows[0].row()) if rows else None

    def edit_item(self) -> QtWidgets.QDialog | None:
        item = self.selected_item()
        if item is None:
            return None
        db, ident = self.ctx.db, item.id
        if item.kind == "review":
            r = item.source
            return self._open(
                Form(
                    _("Edit review"),
                    self.review_fields(r),
                    lambda v: self._edit(
                        _("Edit review"),
                        lambda: gates.update_review(db, ident, **self._review_values(v, r)),
                    ),
                    parent=self,
                )
            )
        return self._open(
            Form(
                _("Edit objection"),
                self.objection_fields(item.source),
                lambda v: self._edit(
                    _("Edit objection"), lambda: gates.update_objection(db, ident, **v)
                ),
                parent=self,
            )
        )

    def remove_item(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        db, ident = self.ctx.db, item.id
        remove = gates.remove_review if item.kind == "review" else gates.remove_objection
        gate_edit(
            self.ctx,
            _("Remove review") if item.kind == "review" else _("Remove objection"),
            lambda: remove(db, ident),
            lambda exc: show_error(self, _("Remove"), exc),
        )

    def edit_hire(self) -> QtWidgets.QDialog | None:
        found, app = self.current, self.application_id
        if found is None or app is None:
            return None
        h, db = found.hire, self.ctx.db
        mine = {k: (getattr(h, k) if h.own[k] else None) for k in h.own}
        years = spin(mine["review_years"] or 0, 0, 15, _(" years"))
        years.setSpecialValueText(_("(none)"))
        inherit = _("(as the target)")
        fields: list[tuple[str, str, QtWidgets.QWidget]] = [
            (
                "hire_type",
                _("Hire type"),
                combo(
                    [(inherit, "")] + [(x.label, x.value) for x in HireType],
                    mine["hire_type"] or "",
                ),
            ),
            (
                "post_type",
                _("Post"),
                combo(
                    [(inherit, "")] + [(x.label, x.value) for x in PostType],
                    mine["post_type"] or "",
                ),
            ),
            ("review_years", _("Review period"), years),
            (
                "tier_id",
                _("Talent tier"),
                combo(
                    [(inherit, 0)] + [(t.name, t.id) for t in self.tier_rows], mine["tier_id"] or 0
                ),
            ),
        ]
        return self._open(
            Form(
                _("Hire type and tier of this application"),
                fields,
                lambda v: self._edit(
                    _("Set hire type and tier"),
                    lambda: gates.set_hire(
                        db,
                        "application",
                        app,
                        hire_type=v["hire_type"] or None,
                        post_type=v["post_type"] or None,
                        review_years=v["review_years"] or None,
                        tier_id=v["tier_id"] or None,
                    ),
                ),
                parent=self,
            )
        )


def add_approvals_tab(detail: Any) -> ApplicationGatesView:
    """The candidate detail's Approvals tab, following its selected application."""
    view = ApplicationGatesView(detail.ctx, detail)
    detail.tabs.addTab(view, _("Approvals"))

    def follow(*_args: Any) -> None:
        app = detail.selected_application()
        view.show_application(app.id if app is not None else None)

    detail.apps_view.selectionModel().selectionChanged.connect(follow)
    detail.apps_model.modelReset.connect(follow)
    return view


__all__ = ["ApplicationGatesView", "add_approvals_tab", "ask_reason", "offer_override"]
