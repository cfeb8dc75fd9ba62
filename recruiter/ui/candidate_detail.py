"""The candidate editor: every field with inline validation, the candidate's applications with
stage and outcome, the stage history, and the activity timeline with follow-ups.

The form is built from the field table (recruiter.domain.fields): its labels, widgets and
placeholders. Edits go through tracking_commands (undoable). Validation messages come from the
services' ValidationError.errors and appear beside each field; Save explains what is wrong instead
of failing silently. The candidate, their lists and the target choices are read off the GUI
thread (`ops.Reads`); `loaded` fires when the form shows what was asked for."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from recruiter.domain import fields
from recruiter.domain.changes import Changes, Kind
from recruiter.domain.enums import STAGES, ActivityKind, Gender, Outcome, Stage
from recruiter.errors import RecruiterError, ValidationError
from recruiter.i18n import N_, _
from recruiter.services import activities, applications, candidates, choices
from recruiter.services.concurrency import EditConflict

from . import tracking_commands as cmds
from .candidate_model import RecordTableModel, display
from .context import AppContext
from .ops import Reads
from .owners import OwnerBox, owner_names
from .qt import Qt, QtCore, QtGui, QtWidgets, Signal
from .record_views import record_table, table_view
from .tasks import show_error

# (field, widget) in the order the form shows them: the field table's form fields.
FORM: tuple[tuple[str, str], ...] = tuple((f.name, f.widget.value) for f in fields.FORM)
PLACEHOLDERS = {f.name: f.placeholder for f in fields.FORM if f.placeholder}
# The placeholders of domain.fields made of words, as catalog messages (the rest are formats).
WORDED_PLACEHOLDERS = {
    "phd_year": N_("e.g. 2012"),
    "tags": N_("comma-separated, e.g. returnee,industry"),
}
ERROR_COLOUR = "#b3261e"
INVALID_STYLE = "border: 1px solid #b3261e;"


def error_label() -> QtWidgets.QLabel:
    """A small red label. A palette, not a style sheet: style sheets on dozens of widgets made
    building the editor ten times slower."""
    label = QtWidgets.QLabel()
    pal = label.palette()
    pal.setColor(QtGui.QPalette.ColorRole.WindowText, QtGui.QColor(ERROR_COLOUR))
    label.setPalette(pal)
    font = label.font()
    font.setPointSizeF(max(font.pointSizeF() - 1, 7))
    label.setFont(font)
    label.setWordWrap(True)
    return label


CLOSE_OUTCOMES = (Outcome.declined, Outcome.rejected, Outcome.withdrawn, Outcome.on_hold)


# -- small dialogs shared with the pipeline page ---------------------------------------------
class CloseDialog(QtWidgets.QDialog):
    """Close (or hold) an application: an outcome and a reason, both required."""

    def __init__(
        self, parent: QtWidgets.QWidget | None = None, preset: Outcome = Outcome.declined
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Close application"))
        form = QtWidgets.QFormLayout(self)
        self.outcome = QtWidgets.QComboBox()
        for o in CLOSE_OUTCOMES:
            self.outcome.addItem(o.label, o)
        self.outcome.setCurrentIndex(
            CLOSE_OUTCOMES.index(preset) if preset in CLOSE_OUTCOMES else 0
        )
        self.reason = QtWidgets.QLineEdit()
        self.reason.setPlaceholderText(_("Why? e.g. accepted another offer"))
        self.error = error_label()
        form.addRow(_("Outcome"), self.outcome)
        form.addRow(_("Reason"), self.reason)
        form.addRow("", self.error)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _check(self) -> None:
        if not self.reason.text().strip():
            self.error.setText(_("Say why the application is closed."))
            return
        self.accept()

    def values(self) -> tuple[Outcome, str]:
        return Outcome(self.outcome.currentData()), self.reason.text().strip()


class TargetDialog(QtWidgets.QDialog):
    """Choose a target (and optionally an owner) for "add to pipeline"."""

    def __init__(
        self,
        ctx: AppContext,
        parent: QtWidgets.QWidget | None = None,
        title: str | None = None,
        with_owner: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title or _("Add to pipeline"))
        form = QtWidgets.QFormLayout(self)
        self.target = QtWidgets.QComboBox()
        self.target.setMinimumWidth(420)
        self.target.setPlaceholderText(_("Loading targets…"))
        self.owner = OwnerBox(placeholder=_("optional: a recruiting officer"))
        form.addRow(_("Target"), self.target)
        if with_owner:
            form.addRow(_("Owner"), self.owner)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.ok_button = buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)
        self.reads = Reads(ctx.runner, self)
        self._titles: dict[int, str] = {}
        db = ctx.db
        # Archived targets (and those of archived institutions) are not offered.
        self.reads.start("targets", lambda: choices.targets(db), self._fill)
        if with_owner:
            self.reads.start("owners", lambda: owner_names(db), self.owner.set_names)

    def _fill(self, offered: list[Any]) -> None:
        self._titles = {c.id: c.title for c in offered}
        for c in offered:
            suffix = "" if c.status.value == "open" else f" ({c.status.label.lower()})"
            self.target.addItem(c.label + suffix, c.id)
        self.target.setPlaceholderText(_("No targets yet"))
        self.ok_button.setEnabled(self.target.count() > 0)

    def values(self) -> tuple[int | None, str | None]:
        return self.target.currentData(), self.owner.owner()

    def title(self) -> str | None:
        """The chosen target's title (for the undo command's text)."""
        return self._titles.get(self.target.currentData())


# -- the editor -----------------------------------------------------------------------------
class CandidateDetail(QtWidgets.QWidget):
    """Side panel (or dialog body) for one candidate, or a new one when `candidate_id` is None."""

    saved = Signal(int)  # candidate id after a successful save/create
    loaded = Signal()  # the form shows the candidate asked for (or the empty form)

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.reads = Reads(ctx.runner, self)
        self.candidate_id: int | None = None
        self._loaded: dict[str, Any] = {}
        self._version: int | None = None  # the row's version as loaded (services/concurrency)
        self.editors: dict[str, QtWidgets.QWidget] = {}
        self.errors: dict[str, QtWidgets.QLabel] = {}

        self.title = QtWidgets.QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.tabs = QtWidgets.QTabWidget()
        self.tabs.addTab(self._build_profile(), _("Profile"))
        self.tabs.addTab(self._build_pipeline(), _("Pipeline"))
        self.tabs.addTab(self._build_activity(), _("Activity"))
        from .application_gates import add_approvals_tab  # it uses setup dialogs, which use us

        self.approvals = add_approvals_tab(self)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs, 1)
        ctx.bus.changed.connect(self._on_changed)
        self.read_only = candidates.read_only(ctx.db)
        self.hidden_fields = candidates.hidden_columns(ctx.db)
        self._apply_access()
        self.show_candidate(None)

    def _apply_access(self) -> None:
        """A role that may only read (a viewer) sees the form but cannot type into it or press
        what writes; a field it may not read says so instead of looking empty."""
        for name in self.hidden_fields:
            editor = self.editors.get(name)
            if editor is not None:
                editor.setEnabled(False)
                editor.setToolTip(_("Hidden from your sign-in by the office."))
                if isinstance(editor, QtWidgets.QLineEdit):
                    editor.setPlaceholderText(_("hidden"))
        if not self.read_only:
            return
        # A save still goes to the database, which refuses it with its reason (the file's
        # permissions, the viewer's role): the form only stops inviting one.
        for editor in self.editors.values():
            if isinstance(editor, QtWidgets.QLineEdit | QtWidgets.QPlainTextEdit):
                editor.setReadOnly(True)
            else:
                editor.setEnabled(False)
        for w in (
            self.save_button,
            self.revert_button,
            self.add_app_button,
            self.move_button,
            self.close_button,
            self.reopen_button,
            self.log_button,
            self.summary_edit,
            self.follow_up,
            self.done_button,
            self.undone_button,
            self.delete_activity_button,
        ):
            w.setVisible(False)
        note = QtWidgets.QLabel(
            _("Read-only: this database may be looked at and exported, not changed.")
            if self.ctx.db.read_only
            else _("Read-only: your sign-in may look and export, not change.")
        )
        note.setObjectName("readOnlyNote")
        note.setWordWrap(True)
        layout = self.layout()
        assert isinstance(layout, QtWidgets.QVBoxLayout)
        layout.insertWidget(1, note)

    # -- building -----------------------------------------------------------------------
    def _build_profile(self) -> QtWidgets.QWidget:
        inner = QtWidgets.QWidget()
        form = QtWidgets.QFormLayout(inner)
        form.setFieldGrowthPolicy(QtWidgets.QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(2)
        for spec in fields.FORM:
            name, kind = spec.name, spec.widget
            editor: QtWidgets.QWidget
            if kind == "text":
                text_edit = QtWidgets.QPlainTextEdit()
                text_edit.setFixedHeight(80)
                text_edit.textChanged.connect(self._update_buttons)
                editor = text_edit
            elif kind == "gender":
                combo = QtWidgets.QComboBox()
                combo.addItem("", None)
                for g in Gender:
                    combo.addItem(g.label, g.value)
                combo.currentIndexChanged.connect(self._update_buttons)
                editor = combo
            else:
                line = QtWidgets.QLineEdit()
                line.setPlaceholderText(
                    _(WORDED_PLACEHOLDERS[name])
                    if name in WORDED_PLACEHOLDERS
                    else PLACEHOLDERS.get(name, "")
                )
                line.textEdited.connect(self._update_buttons)
                line.editingFinished.connect(lambda n=name: self._check_field(n))
                editor = line
            editor.setObjectName(f"field_{name}")
            error = error_label()
            error.hide()
            box = QtWidgets.QVBoxLayout()
            box.setSpacing(0)
            box.addWidget(editor)
            box.addWidget(error)
            form.addRow(candidates.LABELS.get(spec.name, spec.label), box)
            self.editors[name] = editor
            self.errors[name] = error
        scroll = QtWidgets.QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        self.summary = error_label()
        self.save_button = QtWidgets.QPushButton(_("Save"))
        self.save_button.setDefault(True)
        self.revert_button = QtWidgets.QPushButton(_("Revert"))
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(lambda: self.show_candidate(self.candidate_id))
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        page = QtWidgets.QWidget()
        v = QtWidgets.QVBoxLayout(page)
        v.setContentsMargins(0, 4, 0, 0)
        v.addWidget(scroll, 1)
        v.addLayout(buttons)
        return page

    def _build_pipeline(self) -> QtWidgets.QWidget:
        self.apps_model, self.apps_view = record_table(
            self,
            [
                ("target", N_("Target")),
                ("institution", N_("Institution")),
                ("stage", N_("Stage")),
                ("outcome", N_("Outcome")),
                ("owner", N_("Owner")),
                ("stage_changed_at", N_("Since")),
                ("closed_reason", N_("Reason")),
            ],
            sortable=True,
        )
        self.apps_view.selectionModel().selectionChanged.connect(self._update_app_buttons)
        self.history_model, self.history_view = record_table(
            self,
            [
                ("at", N_("When")),
                ("target", N_("Target")),
                ("from_stage", N_("From")),
                ("to_stage", N_("To")),
                ("outcome", N_("Outcome")),
                ("note", N_("Note")),
                ("by", N_("By")),
            ],
            sortable=True,
        )
        self.add_app_button = QtWidgets.QPushButton(_("Add to pipeline…"))
        self.move_button = QtWidgets.QToolButton()
        self.move_button.setText(_("Move to"))
        self.move_button.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QtWidgets.QMenu(self.move_button)
        for st in STAGES:
            menu.addAction(st.label, lambda s=st: self.move_selected(s))  # type: ignore[misc]  # default-arg lambda: mypy cannot infer it
        self.move_button.setMenu(menu)
        self.close_button = QtWidgets.QPushButton(_("Close…"))
        self.reopen_button = QtWidgets.QPushButton(_("Reopen"))
        self.add_app_button.clicked.connect(self.add_to_pipeline)
        self.close_button.clicked.connect(self.close_selected)
        self.reopen_button.clicked.connect(self.reopen_selected)
        row = QtWidgets.QHBoxLayout()
        for w in (self.add_app_button, self.move_button, self.close_button, self.reopen_button):
            row.addWidget(w)
        row.addStretch(1)
        page = QtWidgets.QWidget()
        v = QtWidgets.QVBoxLayout(page)
        v.setContentsMargins(0, 4, 0, 0)
        v.addLayout(row)
        v.addWidget(self.apps_view, 2)
        v.addWidget(QtWidgets.QLabel(_("<b>Stage history</b>")))
        v.addWidget(self.history_view, 3)
        return page

    def _build_activity(self) -> QtWidgets.QWidget:
        self.kind = QtWidgets.QComboBox()
        for k in ActivityKind:
            self.kind.addItem(k.label, k.value)
        self.summary_edit = QtWidgets.QLineEdit()
        self.summary_edit.setPlaceholderText(_("What happened, or what to do next"))
        self.follow_up = QtWidgets.QCheckBox(_("Follow up on"))
        self.due = QtWidgets.QDateEdit(QtCore.QDate.currentDate().addDays(7))
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        self.due.setEnabled(False)
        self.follow_up.toggled.connect(self.due.setEnabled)
        self.log_button = QtWidgets.QPushButton(_("Log"))
        self.log_button.clicked.connect(self.log_activity)
        self.summary_edit.returnPressed.connect(self.log_activity)
        self.activity_error = error_label()
        row1 = QtWidgets.QHBoxLayout()
        row1.addWidget(self.kind)
        row1.addWidget(self.summary_edit, 1)
        row2 = QtWidgets.QHBoxLayout()
        row2.addWidget(self.follow_up)
        row2.addWidget(self.due)
        row2.addWidget(self.activity_error, 1)
        row2.addWidget(self.log_button)
        self.activity_model = RecordTableModel(
            [
                ("at", N_("When")),
                ("kind", N_("Kind")),
                ("summary", N_("Summary")),
                ("due_on", N_("Due")),
                ("done", N_("Done")),
            ],
            parent=self,
        )
        today = date.today()

        def decorate(rec: Any, key: str, role: int) -> Any:
            if (
                role == Qt.ItemDataRole.ForegroundRole
                and key == "due_on"
                and rec.due_on
                and not rec.done
                and rec.due_on < today
            ):
                return QtGui.QBrush(QtGui.QColor("#b3261e"))
            return None

        self.activity_model.decorate = decorate
        self.activity_view = table_view(self.activity_model, sortable=True)
        self.done_button = QtWidgets.QPushButton(_("Mark done"))
        self.undone_button = QtWidgets.QPushButton(_("Mark not done"))
        self.delete_activity_button = QtWidgets.QPushButton(_("Delete"))
        self.done_button.clicked.connect(lambda: self._mark(True))
        self.undone_button.clicked.connect(lambda: self._mark(False))
        self.delete_activity_button.clicked.connect(self._delete_activity)
        row3 = QtWidgets.QHBoxLayout()
        row3.addStretch(1)
        for b in (self.done_button, self.undone_button, self.delete_activity_button):
            row3.addWidget(b)
        page = QtWidgets.QWidget()
        v = QtWidgets.QVBoxLayout(page)
        v.setContentsMargins(0, 4, 0, 0)
        v.addLayout(row1)
        v.addLayout(row2)
        v.addWidget(self.activity_view, 1)
        v.addLayout(row3)
        return page

    # -- loading ------------------------------------------------------------------------
    def show_candidate(self, candidate_id: int | None) -> None:
        """Load a candidate (or an empty form for a new one). Unsaved edits are dropped.

        The row and the lists are read in the background; until they arrive the form is
        disabled, so nothing typed can be saved onto the wrong candidate."""
        self.candidate_id = candidate_id
        if candidate_id is None:
            self.reads.start("candidate", lambda: None, lambda _r: None)  # drop a load in flight
            self._show({}, ([], [], []))
            return
        self.tabs.setEnabled(False)
        db = self.ctx.db

        def read() -> tuple[dict[str, Any], tuple[list[Any], list[Any], list[Any]]]:
            return candidates.row(db, candidate_id), _lists(db, candidate_id)

        self.reads.start("candidate", read, lambda found: self._show(*found), self._load_failed)

    def _load_failed(self, exc: BaseException) -> None:
        if isinstance(exc, RecruiterError):  # deleted meanwhile: show an empty form
            self.candidate_id = None
            self._show({}, ([], [], []))
        else:
            self.tabs.setEnabled(True)
            show_error(self, _("Candidate"), exc)

    @property
    def shown_name(self) -> str | None:
        """The name of the candidate on show, as loaded (undo commands' texts use it)."""
        return self._loaded.get("full_name") or None

    def _show(self, values: dict[str, Any], lists: tuple[list[Any], list[Any], list[Any]]) -> None:
        self._loaded = {name: self._text(values.get(name)) for name, _k in FORM}
        self._version = values.get("version")
        for name, kind in FORM:
            self._set_editor(name, kind, self._loaded[name])
        self._clear_errors()
        if self.candidate_id is None:
            self.title.setText(_("<h2>New candidate</h2>"))
        else:
            zh = values.get("name_zh") or ""
            inst = values.get("current_institution") or ""
            self.title.setText(
                f"<h2 style='margin:0'>{html.escape(values['full_name'] or '')} "
                f"<span style='font-weight:normal'>{html.escape(zh)}</span></h2>"
                f"<span style='color:#555'>{html.escape(inst)}</span>"
            )
        for i in (1, 2, 3):
            self.tabs.setTabEnabled(i, self.candidate_id is not None)
        self._set_lists(lists)
        self._update_buttons()
        self.tabs.setEnabled(True)
        self.loaded.emit()

    def new_candidate(self) -> None:
        self.show_candidate(None)
        self.tabs.setCurrentIndex(0)
        self.editors["full_name"].setFocus()

    def _reload_lists(self) -> None:
        """Read the applications, history and activities again, in the background."""
        if self.candidate_id is None:
            self._set_lists(([], [], []))
            return
        db, ident = self.ctx.db, self.candidate_id
        self.reads.start("lists", lambda: _lists(db, ident), self._set_lists)

    def _set_lists(self, lists: tuple[list[Any], list[Any], list[Any]]) -> None:
        apps, history, acts = lists
        self.apps_model.set_records(apps)
        self.history_model.set_records(history)
        self.activity_model.set_records(acts)
        self._update_app_buttons()

    def _on_changed(self, changes: Changes) -> None:
        if self.candidate_id is None or not self.isVisible():
            return
        if changes.touches({Kind.candidate}) and not self.dirty():
            self.show_candidate(self.candidate_id)
        elif changes.touches({Kind.application, Kind.stage_event, Kind.activity, Kind.candidate}):
            self._reload_lists()

    # -- editing ------------------------------------------------------------------------
    @staticmethod
    def _text(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, date):
            return value.isoformat()
        return str(value)

    def _set_editor(self, name: str, kind: str, text: str) -> None:
        editor = self.editors[name]
        editor.blockSignals(True)
        if isinstance(editor, QtWidgets.QPlainTextEdit):
            editor.setPlainText(text)
        elif isinstance(editor, QtWidgets.QComboBox):
            ix = editor.findData(text or None)
            editor.setCurrentIndex(max(ix, 0))
        elif isinstance(editor, QtWidgets.QLineEdit):
            editor.setText(text)
        editor.blockSignals(False)

    def value_of(self, name: str) -> str:
        editor = self.editors[name]
        if isinstance(editor, QtWidgets.QPlainTextEdit):
            return editor.toPlainText()
        if isinstance(editor, QtWidgets.QComboBox):
            return editor.currentData() or ""
        assert isinstance(editor, QtWidgets.QLineEdit)
        return editor.text()

    def set_value(self, name: str, text: str) -> None:
        """Used by tests and by pasting: set a field as if typed."""
        kind = dict(FORM)[name]
        self._set_editor(name, kind, text)
        self._update_buttons()

    def changes(self) -> dict[str, Any]:
        return {
            name: self.value_of(name)
            for name, _k in FORM
            if self.value_of(name).strip() != self._loaded.get(name, "").strip()
        }

    def dirty(self) -> bool:
        return bool(self.changes())

    def _update_buttons(self, *_args: Any) -> None:
        if getattr(self, "read_only", False):
            return
        dirty = self.dirty()
        self.save_button.setEnabled(dirty or self.candidate_id is None)
        self.revert_button.setEnabled(dirty)

    def _check_field(self, name: str) -> None:
        """Inline check as soon as a field is left: the same rules the service applies."""
        value = self.value_of(name)
        if value.strip() == self._loaded.get(name, "").strip():
            self._show_error(name, None)
            return
        data = {name: value}
        if name == "full_name":  # a Chinese name alone is enough
            data["name_zh"] = self.value_of("name_zh")
        try:
            candidates.validate(data)
        except ValidationError as exc:
            self._show_error(name, exc.errors.get(name))
        else:
            self._show_error(name, None)

    def _show_error(self, name: str, message: str | None) -> None:
        label = self.errors.get(name)
        if label is None:
            return
        label.setText(message or "")
        label.setVisible(bool(message))
        self.editors[name].setStyleSheet(INVALID_STYLE if message else "")

    def _clear_errors(self) -> None:
        for name in self.errors:
            self._show_error(name, None)
        self.summary.setText("")

    def show_errors(self, errors: dict[str, str], message: str | None = None) -> None:
        self._clear_errors()
        for name, text in errors.items():
            self._show_error(name, text)
        shown = [fields.LABELS.get(n, n) for n in errors if n in self.errors]
        self.summary.setText(
            message
            or _("Not saved — check {fields}.").format(fields=", ".join(shown) or _("the form"))
        )
        first = next((n for n in errors if n in self.editors), None)
        if first:
            self.tabs.setCurrentIndex(0)
            self.editors[first].setFocus()

    def save(self, overwrite: bool = False) -> bool:
        """Validate, then save through the undo stack. Returns True when saved. If someone else
        saved the candidate since it was loaded, says who changed what and offers to reload or
        overwrite (`overwrite`: save over their change, audited)."""
        changes = self.changes()
        if self.candidate_id is None:
            changes = {k: v for k, v in changes.items() if v.strip()}
            changes.setdefault("full_name", self.value_of("full_name"))
        if not changes:
            return True
        try:
            stored = candidates.validate(changes)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return False
        failure: list[RecruiterError] = []

        def on_error(exc: RecruiterError) -> None:
            failure.append(exc)

        if self.candidate_id is None:
            cmd = cmds.create_candidate(self.ctx, changes, on_error)
        else:
            cmd = cmds.edit_candidate(
                self.ctx,
                self.candidate_id,
                changes,
                on_error,
                name=self.shown_name,
                expected_version=self._version,
                overwrite=overwrite,
            )
        if failure:
            problem = failure[0]
            if isinstance(problem, EditConflict):
                return self._resolve_conflict(problem)
            if isinstance(problem, ValidationError):
                self.show_errors(problem.errors)
            else:
                self.show_errors({}, str(problem))
            return False
        new_id = int(cmd.state) if self.candidate_id is None else self.candidate_id
        # The form shows what was stored (an ORCID URL becomes the bare ORCID) right away; the
        # reload below brings the rest (title, lists) from the database.
        for name, value in stored.items():
            if name in self.editors:
                self._loaded[name] = self._text(value)
                self._set_editor(name, "", self._loaded[name])
        self._clear_errors()
        self._update_buttons()
        self.show_candidate(new_id)
        self.saved.emit(new_id)
        return True

    def _resolve_conflict(self, conflict: EditConflict) -> bool:
        """Someone else saved this candidate since it was loaded: reload, overwrite or keep
        editing (never a silent lost update)."""
        box = QtWidgets.QMessageBox(self)
        box.setIcon(QtWidgets.QMessageBox.Icon.Warning)
        box.setWindowTitle(_("Changed by someone else"))
        box.setText(str(conflict))
        reload_ = box.addButton(_("Reload"), QtWidgets.QMessageBox.ButtonRole.ResetRole)
        over = box.addButton(_("Overwrite"), QtWidgets.QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QtWidgets.QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is over:
            return self.save(overwrite=True)
        if box.clickedButton() is reload_ and self.candidate_id is not None:
            self.show_candidate(self.candidate_id)
        else:
            self.show_errors({}, str(conflict))
        return False

    # -- pipeline actions ------------------------------------------------------------------
    def selected_application(self) -> applications.ApplicationRow | None:
        rows = self.apps_view.selectionModel().selectedRows()
        if not rows and self.apps_model.rowCount() == 1:
            return self.apps_model.record(0)
        return self.apps_model.record(rows[0].row()) if rows else None

    def _update_app_buttons(self, *_args: Any) -> None:
        app = self.selected_application()
        open_ = app is not None and app.outcome in (Outcome.active, Outcome.on_hold)
        self.move_button.setEnabled(app is not None and app.outcome == Outcome.active)
        self.close_button.setEnabled(open_)
        self.reopen_button.setEnabled(app is not None and app.outcome != Outcome.active)

    def _error(self, title: str) -> Any:
        return lambda exc: show_error(self, title, exc)

    def add_to_pipeline(self) -> None:
        if self.candidate_id is None:
            return
        dialog = TargetDialog(self.ctx, self)
        if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
            return
        target_id, owner = dialog.values()
        if target_id is not None:
            cmds.add_to_pipeline(
                self.ctx,
                [self.candidate_id],
                target_id,
                owner=owner,
                on_error=self._error(_("Add to pipeline")),
                name=self.shown_name,
                title=dialog.title(),
            )

    def move_selected(self, to: Stage) -> None:
        app = self.selected_application()
        if app is not None:
            from .application_gates import offer_override  # see __init__

            on_error = offer_override(self, self.ctx, [app.id], to, self._error(_("Move")))
            cmds.move_stage(self.ctx, [app.id], to, on_error=on_error)

    def close_selected(self) -> None:
        app = self.selected_application()
        if app is None:
            return
        dialog = CloseDialog(self)
        if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted:
            outcome, reason = dialog.values()
            cmds.set_outcome(self.ctx, app.id, outcome, reason, on_error=self._error(_("Close")))

    def reopen_selected(self) -> None:
        app = self.selected_application()
        if app is not None:
            cmds.set_outcome(self.ctx, app.id, Outcome.active, on_error=self._error(_("Reopen")))

    # -- activity actions ------------------------------------------------------------------
    def log_activity(self) -> None:
        if self.candidate_id is None:
            return
        summary = self.summary_edit.text()
        if not summary.strip():
            self.activity_error.setText(_("Say what happened or what to do."))
            return
        self.activity_error.setText("")
        due = self.due.date().toPython() if self.follow_up.isChecked() else None
        app = self.selected_application()
        cmd = cmds.log_activity(
            self.ctx,
            self.candidate_id,
            ActivityKind(self.kind.currentData()),
            summary,
            due_on=due,  # type: ignore[arg-type]
            application_id=app.id if app else None,
            on_error=lambda e: self.activity_error.setText(str(e)),
        )
        if cmd.error is None:
            self.summary_edit.clear()
            self.follow_up.setChecked(False)

    def _selected_activity(self) -> Any:
        rows = self.activity_view.selectionModel().selectedRows()
        return self.activity_model.record(rows[0].row()) if rows else None

    def _mark(self, done: bool) -> None:
        act = self._selected_activity()
        if act is not None and act.done != done:
            cmds.mark_done(self.ctx, act.id, done, on_error=self._error(_("Follow-up")))

    def _delete_activity(self) -> None:
        act = self._selected_activity()
        if act is not None:
            cmds.delete_activity(self.ctx, act.id, on_error=self._error(_("Delete activity")))


class CandidateDialog(QtWidgets.QDialog):
    """The editor in its own window, opened from the pipeline board and the follow-ups list."""

    def __init__(
        self, ctx: AppContext, candidate_id: int | None, parent: QtWidgets.QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Candidate"))
        self.resize(640, 720)
        self.detail = CandidateDetail(ctx, self)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.detail)
        self.detail.show_candidate(candidate_id)


def _lists(db: Any, candidate_id: int) -> tuple[list[Any], list[Any], list[Any]]:
    """A candidate's applications, stage history and activities (runs in the pool)."""
    return (
        applications.for_candidate(db, candidate_id),
        applications.history_for_candidate(db, candidate_id),
        activities.for_candidate(db, candidate_id),
    )


__all__ = ["CandidateDetail", "CandidateDialog", "CloseDialog", "TargetDialog", "display"]
