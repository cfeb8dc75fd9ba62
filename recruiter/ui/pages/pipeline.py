"""Pipeline page: a board per target (or across the targets of an institution) with one column
per stage, the same pipeline as a sortable list, and the Due follow-ups.

Dragging cards between columns (or Ctrl+Left/Right, or the context menu) moves applications
through the undo stack, recording a stage_event each. The board is loaded off the GUI thread."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from recruiter.domain.changes import Kind
from recruiter.domain.enums import STAGES, Outcome, Stage
from recruiter.errors import RecruiterError
from recruiter.i18n import N_, _
from recruiter.services import institutions, pipeline, targets
from recruiter.services.pipeline import Card
from recruiter.services.reporting import Filters
from recruiter.store.database import Database

from .. import tracking_commands as cmds
from ..application_gates import offer_override
from ..candidate_detail import CandidateDialog, CloseDialog
from ..candidate_model import RecordTableModel
from ..context import AppContext
from ..followups import FollowUpsPanel
from ..gate_marks import LINE, NextGates, draw_next_gate
from ..ops import Reader
from ..qt import Qt, QtCore, QtGui, QtWidgets
from ..stage_filter import StageFilter, stored_stages
from ..tasks import show_error
from ..visa_marks import VisaMarks, draw_visa_mark
from .base import Page

MIME = "application/x-recruiter-applications"
CARD_HEIGHT = 68
COLUMN_WIDTH = 180
OVERDUE = QtGui.QColor("#b3261e")
CLOSED = QtGui.QColor("#777777")
LIST_COLUMNS = [
    ("display_name", N_("Name")),
    ("institution", N_("Current institution")),
    ("target", N_("Target")),
    ("stage", N_("Stage")),
    ("outcome", N_("Outcome")),
    ("days_in_stage", N_("Days in stage")),
    ("next_due", N_("Next follow-up")),
    ("owner", N_("Owner")),
    ("priority", N_("Priority")),
]


class CardModel(QtCore.QStringListModel):
    """The cards of one stage column. Drops call `on_drop(application ids, stage)`; the board
    reloads from the database afterwards, so the model never moves rows itself.

    A string list model (the card names) so that row counts and indexes stay in C++: laying out
    a column asks for both once per card, and 60,000 Python calls per layout, each waiting for
    the interpreter lock while a worker reads the gates, froze the board of every target for
    most of a second. Only what is painted or dragged comes to Python."""

    def __init__(self, stage: Stage, on_drop: Any, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.stage = stage
        self.cards: list[Card] = []
        self.on_drop = on_drop

    def set_cards(self, cards: list[Card]) -> None:
        self.cards = cards
        self.setStringList([c.display_name for c in cards])

    # The string list never changes but through set_cards: a drop between two cards of their own
    # column makes the view move the row (Qt 6), which would leave names and cards apart.
    def moveRows(self, *_args: Any) -> bool:
        return False

    def removeRows(self, *_args: Any) -> bool:
        return False

    def insertRows(self, *_args: Any) -> bool:
        return False

    def setData(self, *_args: Any) -> bool:
        return False

    def data(self, index: QtCore.QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.cards):
            return None
        card = self.cards[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return card.display_name
        if role == Qt.ItemDataRole.ToolTipRole:
            due = (
                "\n" + _("Next follow-up: {day}").format(day=card.next_due) if card.next_due else ""
            )
            return (
                f"{card.display_name}\n{card.institution or ''}\n{card.target}\n"
                + _("{days} days in {stage}").format(
                    days=card.days_in_stage, stage=card.stage.label.lower()
                )
                + due
            )
        if role == Qt.ItemDataRole.UserRole:
            return card.application_id
        return None

    def flags(self, index: QtCore.QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes: list[QtCore.QModelIndex]) -> QtCore.QMimeData:
        ids = sorted({self.cards[i.row()].application_id for i in indexes if i.isValid()})
        mime = QtCore.QMimeData()
        mime.setData(MIME, QtCore.QByteArray(json.dumps(ids).encode()))
        return mime

    def canDropMimeData(
        self,
        data: QtCore.QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: QtCore.QModelIndex,
    ) -> bool:
        return data.hasFormat(MIME)

    def dropMimeData(
        self,
        data: QtCore.QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: QtCore.QModelIndex,
    ) -> bool:
        if not data.hasFormat(MIME):
            return False
        ids = json.loads(bytes(data.data(MIME).data()).decode())
        own = {c.application_id for c in self.cards}
        moving = [i for i in ids if i not in own]
        if moving:
            # Queued, so the drag finishes before the board reloads under it.
            QtCore.QTimer.singleShot(0, lambda: self.on_drop(moving, self.stage))
        return False  # nothing to remove from the source: the reload shows the result


class CardDelegate(QtWidgets.QStyledItemDelegate):
    """Paints a card: name (with Chinese name), institution, target when the board spans
    several, days in stage, next follow-up with an overdue mark."""

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.show_target = False
        self.today = date.today()
        self.gates: dict[int, str] = {}  # application id -> next approval gate (gate_marks.py)
        self.visas: dict[int, str] = {}  # application id -> visa deadline urgency (visa_marks.py)

    def sizeHint(
        self, option: QtWidgets.QStyleOptionViewItem, index: QtCore.QModelIndex
    ) -> QtCore.QSize:
        extra = (14 if self.show_target else 0) + (LINE if self.gates else 0)
        return QtCore.QSize(COLUMN_WIDTH - 24, CARD_HEIGHT + extra)

    def paint(
        self,
        painter: QtGui.QPainter,
        option: QtWidgets.QStyleOptionViewItem,
        index: QtCore.QModelIndex,
    ) -> None:
        model = index.model()
        assert isinstance(model, CardModel)
        card = model.cards[index.row()]
        rect = option.rect.adjusted(3, 3, -3, -3)  # type: ignore[attr-defined]
        selected = bool(option.state & QtWidgets.QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        closed = card.outcome not in (Outcome.active, Outcome.on_hold)
        painter.save()
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        painter.setPen(QtGui.QPen(QtGui.QColor("#3d7bd9") if selected else QtGui.QColor("#c9ced6")))
        painter.setBrush(
            QtGui.QColor("#e8f0fd")
            if selected
            else QtGui.QColor("#f4f4f4")
            if closed
            else QtGui.QColor("#ffffff")
        )
        painter.drawRoundedRect(rect, 5, 5)
        draw_visa_mark(painter, self.visas.get(card.application_id), rect)
        if card.overdue:
            painter.fillRect(
                QtCore.QRect(rect.left(), rect.top() + 4, 3, rect.height() - 8), OVERDUE
            )
        x, y, w = rect.left() + 8, rect.top() + 3, rect.width() - 14
        font = QtGui.QFont(option.font)  # type: ignore[attr-defined]
        bold = QtGui.QFont(font)
        bold.setBold(True)
        small = QtGui.QFont(font)
        small.setPointSizeF(max(font.pointSizeF() - 1.5, 7))
        line = QtGui.QFontMetrics(bold).height() + 3  # room for CJK glyphs in bold
        painter.setFont(bold)
        painter.setPen(CLOSED if closed else option.palette.text().color())  # type: ignore[attr-defined]
        metrics = QtGui.QFontMetrics(bold)
        painter.drawText(
            QtCore.QRect(x, y, w, line),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(card.display_name, Qt.TextElideMode.ElideRight, w),
        )
        y += line
        painter.setFont(small)
        small_metrics = QtGui.QFontMetrics(small)
        sline = small_metrics.height()
        painter.setPen(QtGui.QColor("#555555"))
        painter.drawText(
            QtCore.QRect(x, y, w, sline),
            Qt.AlignmentFlag.AlignLeft,
            small_metrics.elidedText(card.institution or "", Qt.TextElideMode.ElideRight, w),
        )
        y += sline
        if self.show_target:
            painter.drawText(
                QtCore.QRect(x, y, w, sline),
                Qt.AlignmentFlag.AlignLeft,
                small_metrics.elidedText("→ " + card.target, Qt.TextElideMode.ElideRight, w),
            )
            y += sline
        y = draw_next_gate(painter, self.gates.get(card.application_id), x, y, w, small_metrics)
        due = ""
        if card.next_due is not None:
            due = ("⚠ " if card.overdue else _("due ")) + card.next_due.strftime("%m-%d")
        due_w = small_metrics.horizontalAdvance(due) + 6 if due else 0
        status = _("{days} d in stage").format(days=card.days_in_stage)
        if closed or card.outcome == Outcome.on_hold:
            status = _("{days} d · {outcome}").format(
                days=card.days_in_stage, outcome=card.outcome.label.lower()
            )
        # Not clipped to the line: a CJK fallback glyph ("本阶段 12 天") is taller than the
        # Latin font's line, and clipping cut it through the middle.
        unclipped = Qt.TextFlag.TextDontClip
        painter.drawText(
            QtCore.QRect(x, y, w - due_w, sline),
            Qt.AlignmentFlag.AlignLeft | unclipped,
            small_metrics.elidedText(status, Qt.TextElideMode.ElideRight, w - due_w),
        )
        if due:
            painter.setPen(OVERDUE if card.overdue else QtGui.QColor("#555555"))
            painter.drawText(
                QtCore.QRect(x, y, w, sline), Qt.AlignmentFlag.AlignRight | unclipped, due
            )
        painter.restore()


class StageColumn(QtWidgets.QWidget):
    """A heading with the count, and the list of cards that accepts drops."""

    def __init__(self, page: PipelinePage, stage: Stage) -> None:
        super().__init__()
        self.stage = stage
        self.model = CardModel(stage, page.drop_cards, self)
        self.heading = QtWidgets.QLabel()
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.heading.setStyleSheet(
            "font-weight: bold; padding: 4px; background: #e9edf2; border-radius: 4px;"
        )
        self.view = QtWidgets.QListView()
        self.view.setObjectName(f"column_{stage.value}")
        self.view.setModel(self.model)
        self.view.setItemDelegate(page.delegate)
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setDragEnabled(True)
        self.view.setAcceptDrops(True)
        self.view.setDropIndicatorShown(True)
        self.view.setDragDropMode(QtWidgets.QAbstractItemView.DragDropMode.DragDrop)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setVerticalScrollMode(QtWidgets.QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(
            lambda pos: page.card_menu(self, self.view.viewport().mapToGlobal(pos))
        )
        self.view.doubleClicked.connect(lambda ix: page.open_card(self.model.cards[ix.row()]))
        self.view.setStyleSheet("QListView { background: #f6f7f9; border: none; }")
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        layout.setSpacing(4)
        layout.addWidget(self.heading)
        layout.addWidget(self.view, 1)
        self.setMinimumWidth(COLUMN_WIDTH)
        self.setMaximumWidth(COLUMN_WIDTH + 80)

    def set_cards(self, cards: list[Card]) -> None:
        self.model.set_cards(cards)
        self.heading.setText(f"{self.stage.label}  ({len(cards):,})")

    def selected_cards(self) -> list[Card]:
        return [self.model.cards[i.row()] for i in self.view.selectionModel().selectedRows()]


STAGES_KEY = "filters/pipeline/stages"


def hint_text() -> str:  # read when shown: the language may change
    return _(
        "Drag cards between stages, or select and press Ctrl+→ / Ctrl+← . "
        "Right-click to close or reopen; double-click to open the candidate."
    )


def no_targets_text() -> str:
    return _(
        "No recruiting targets yet: a pipeline starts with one. Add it on the Targets page, "
        "then add candidates to it from the Candidates page or an import."
    )


def load_choices(db: Database) -> tuple[list[tuple[int, str]], list[targets.TargetChoice]]:
    """The institution and target filter choices (runs in a worker)."""
    insts = [
        (i.id, f"{i.name} {i.name_zh}" if i.name_zh else i.name)
        for i in institutions.list_all(db)
        if i.id is not None
    ]
    return insts, targets.choices(db)


class PipelinePage(Page):
    name = N_("Pipeline")
    watches = frozenset(
        {
            Kind.application,
            Kind.stage_event,
            Kind.activity,
            Kind.candidate,
            Kind.target,
            Kind.institution,
            Kind.offer,
            Kind.setting,
            Kind.gate_template,
            Kind.gate_record,
            Kind.case_milestone,  # the cards' visa colours (visa_marks.py)
        }
    )

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.loader = Reader(ctx, self)
        self.next_gates = NextGates(self)
        self.visa_marks = VisaMarks(self)
        self.choices_reader = Reader(ctx, self)
        self._institutions: list[tuple[int, str]] = []
        self._choices: list[targets.TargetChoice] = []
        self._choices_read = False  # an office without targets has none, and that is an answer
        self._wanted: dict[str, object] | None = None  # a click-through awaiting the choices
        self.cards: list[Card] = []  # the cards shown: those of the chosen stages
        self.loaded: list[Card] = []  # every card read, whatever the stage filter
        self._building = True
        self._after_load: Any = None
        self._target_chosen = False
        self.delegate = CardDelegate(self)

        self.institution = QtWidgets.QComboBox()
        self.institution.setObjectName("institution")
        self.target = QtWidgets.QComboBox()
        self.target.setObjectName("target")
        # Long target titles must not widen the window: the combo shows what fits.
        shrink = QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        self.target.setSizeAdjustPolicy(shrink)
        self.target.setMinimumContentsLength(30)
        self.institution.setSizeAdjustPolicy(shrink)
        self.institution.setMinimumContentsLength(16)
        self.stage_filter = StageFilter(self)
        self.stage_filter.changed.connect(self._stages_changed)
        self.show_closed = QtWidgets.QCheckBox(_("Show closed"))
        self.mode = QtWidgets.QTabBar()
        for label in (_("Board"), _("List"), _("Due")):
            self.mode.addTab(label)
        self.count_label = QtWidgets.QLabel()
        self.institution.currentIndexChanged.connect(self._institution_changed)
        self.target.currentIndexChanged.connect(self._selection_changed)
        self.show_closed.toggled.connect(self._selection_changed)
        self.mode.currentChanged.connect(self._mode_changed)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(QtWidgets.QLabel(_("Institution")))
        top.addWidget(self.institution)
        top.addWidget(QtWidgets.QLabel(_("Target")))
        top.addWidget(self.target, 1)
        top.addWidget(self.stage_filter)
        top.addWidget(self.show_closed)
        top.addWidget(self.count_label)
        top.addStretch(0)
        top.addWidget(self.mode)

        # board
        self.columns: dict[Stage, StageColumn] = {}
        board = QtWidgets.QWidget()
        row = QtWidgets.QHBoxLayout(board)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        for st in STAGES:
            col = StageColumn(self, st)
            self.columns[st] = col
            row.addWidget(col)
        row.addStretch(1)  # the columns of a stage filter stand side by side, not spread out
        self.board_scroll = QtWidgets.QScrollArea()
        self.board_scroll.setWidgetResizable(True)
        self.board_scroll.setWidget(board)
        self.board_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        # list
        self.list_model = RecordTableModel(LIST_COLUMNS, parent=self)
        self.list_model.numeric = {"days_in_stage", "priority"}
        self.list_model.decorate = self._decorate_list
        self.list_view = QtWidgets.QTableView()
        self.list_view.setModel(self.list_model)
        self.list_view.setSelectionBehavior(
            QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows
        )
        self.list_view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.list_view.setSortingEnabled(True)
        self.list_view.verticalHeader().hide()
        self.list_view.verticalHeader().setDefaultSectionSize(22)
        self.list_view.horizontalHeader().setStretchLastSection(True)
        self.list_view.setAlternatingRowColors(True)
        for i, w in enumerate((220, 230, 260, 90, 80, 90, 110, 90)):
            self.list_view.setColumnWidth(i, w)
        self.list_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list_view.customContextMenuRequested.connect(
            lambda pos: self.card_menu(None, self.list_view.viewport().mapToGlobal(pos))
        )
        self.list_view.doubleClicked.connect(
            lambda ix: self.open_card(self.list_model.record(ix.row()))
        )

        self.due = FollowUpsPanel(ctx)
        self.due.open_candidate.connect(self.open_candidate)

        self.stack = QtWidgets.QStackedWidget()
        self.stack.addWidget(self.board_scroll)
        self.stack.addWidget(self.list_view)
        self.stack.addWidget(self.due)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(top)
        self.hint = QtWidgets.QLabel(hint_text())
        self.hint.setStyleSheet("color: #666;")
        layout.addWidget(self.hint)
        layout.addWidget(self.stack, 1)

        for seq, step in (("Ctrl+Right", 1), ("Ctrl+Left", -1)):
            sc = QtGui.QShortcut(QtGui.QKeySequence(seq), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(lambda s=step: self.step_selected(s))
        self._fill_choices()
        self._building = False

    # -- choices ------------------------------------------------------------------------
    def _fill_choices(self) -> None:
        self._building = True
        try:
            current_inst = self.institution.currentData()
            self.institution.clear()
            self.institution.addItem(_("All institutions"), None)
            for iid, label in self._institutions:
                self.institution.addItem(label, iid)
            ix = self.institution.findData(current_inst)
            self.institution.setCurrentIndex(max(ix, 0))
            self._fill_targets()
        finally:
            self._building = False

    def _fill_targets(self) -> None:
        current = self.target.currentData()
        was = self._building
        self._building = True
        try:
            self.target.clear()
            inst = self.institution.currentData()
            self.target.addItem(
                _("All targets") if inst is None else _("All targets of this institution"),
                None,
            )
            for c in self._choices:
                if inst is not None and c.institution_id != inst:
                    continue
                self.target.addItem(c.title if inst is not None else c.label, c.id)
            ix = self.target.findData(current) if self._target_chosen else -1
            if ix < 0:  # first time: the first target's board, not every pipeline at once
                ix = 1 if self.target.count() > 1 else 0
            self.target.setCurrentIndex(ix)
        finally:
            self._building = was

    def _institution_changed(self, *_args: Any) -> None:
        if self._building:
            return
        self._target_chosen = True
        self._fill_targets()
        self.reload()

    def _selection_changed(self, *_args: Any) -> None:
        if not self._building:
            self._target_chosen = True
            self.reload()

    def _mode_changed(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        # The board's keys and mouse; the Due tab's follow-ups have their own buttons.
        self.hint.setVisible(self.stack.currentWidget() is not self.due)

    def apply_filter(self, filters: dict[str, object]) -> None:
        """{"target_id": 3} or {"institution_id": 1}; also {"view": "due"}, and {"stage": "offer"}
        or {"stages": [...]} for the stage filter (left as it is when not given). Applied once
        the choices are loaded."""
        if self.choices_reader.pending or not self._choices_read:
            self._wanted = dict(filters)
            if not self.choices_reader.pending:
                self.refresh_now()
            return
        self._building = True
        try:
            inst = filters.get("institution_id")
            target_id = filters.get("target_id")
            if target_id is not None and inst is None:
                for c in self._choices:
                    if c.id == target_id:
                        inst = c.institution_id
            self.institution.setCurrentIndex(max(self.institution.findData(inst), 0))
            self._fill_targets()
            self.target.setCurrentIndex(
                max(self.target.findData(target_id), 0) if target_id is not None else 0
            )
            self._target_chosen = True
        finally:
            self._building = False
        if filters.get("view") == "due":
            self.mode.setCurrentIndex(2)
        stages = [filters["stage"]] if "stage" in filters else filters.get("stages")
        if isinstance(stages, list | tuple):  # a drill-down from the Dashboard's funnel
            self.stage_filter.set_stages(stored_stages(list(stages)))
        self.reload()

    def export_filters(self) -> Filters:
        """What File → Export writes from this page: the institution, target and stages shown."""
        inst, target_id = self.institution.currentData(), self.target.currentData()
        return Filters(
            institution_ids=(int(inst),) if inst is not None else (),
            target_ids=(int(target_id),) if target_id is not None else (),
            stages=self.stage_filter.stages(),
        )

    def _stages_changed(self) -> None:
        """Filtered here, from the cards already read: no database round trip."""
        self.set_cards(self.loaded)

    def save_filters(self, settings: QtCore.QSettings) -> None:
        """The stage filter is remembered between sessions (the main window calls this)."""
        settings.setValue(STAGES_KEY, [st.value for st in self.stage_filter.stages()])

    def restore_filters(self, settings: QtCore.QSettings) -> None:
        self.stage_filter.set_stages(stored_stages(settings.value(STAGES_KEY)))

    # -- loading ------------------------------------------------------------------------
    def refresh(self) -> None:
        self.choices_reader.read(load_choices, self._choices_loaded, title=_("Pipeline"))

    def _choices_loaded(
        self, loaded: tuple[list[tuple[int, str]], list[targets.TargetChoice]]
    ) -> None:
        self._institutions, self._choices = loaded
        self._choices_read = True
        # An office that has not set up a target yet is told where a pipeline starts.
        self.hint.setText(hint_text() if self._choices else no_targets_text())
        self._fill_choices()
        if self._wanted is not None:
            wanted, self._wanted = self._wanted, None
            self.apply_filter(wanted)
        else:
            self.reload()

    def reload(self) -> None:
        target_id = self.target.currentData()
        inst = self.institution.currentData()
        closed = self.show_closed.isChecked()
        self.delegate.show_target = target_id is None
        # The Due tab follows the same target (or institution) as the board and the list.
        self.due.set_scope(
            target_id,
            inst if target_id is None else None,
            self.target.currentText() if target_id is not None or inst is not None else "",
        )
        self.count_label.setText(_("loading…"))
        self.loader.read(
            lambda db: pipeline.cards(
                db, target_id=target_id, institution_id=inst, include_closed=closed
            ),
            self.set_cards,
            title=_("Pipeline"),
        )

    def set_cards(self, cards: list[Card]) -> None:
        self.loaded = cards
        chosen = set(self.stage_filter.stages() or STAGES)
        cards = [c for c in cards if c.stage in chosen]
        self.cards = cards
        self.delegate.today = date.today()
        by_stage: dict[Stage, list[Card]] = {st: [] for st in STAGES}
        for c in cards:
            by_stage[c.stage].append(c)
        for st, col in self.columns.items():
            col.set_cards(by_stage[st])
            col.setVisible(st in chosen)
        self.list_model.set_records(cards)
        self.next_gates.load(cards)
        self.visa_marks.load(cards)
        overdue = sum(1 for c in cards if c.overdue)
        self.count_label.setText(
            _("{n} applications, {o} overdue").format(n=f"{len(cards):,}", o=overdue)
        )
        if self._after_load is not None:
            after, self._after_load = self._after_load, None
            after()

    @property
    def loading(self) -> bool:
        return (
            self.loader.pending
            or self.choices_reader.pending
            or self.next_gates.reads.pending
            or self.visa_marks.reads.pending
        )

    # -- actions ------------------------------------------------------------------------
    def _error(self, title: str) -> Any:
        return lambda exc: show_error(self, _(title), exc)

    def drop_cards(self, application_ids: list[int], stage: Stage) -> None:
        """What a drop does (also the path tests drive): one undoable move."""
        if application_ids:
            on_error = offer_override(
                self, self.ctx, application_ids, stage, self._error(_("Move"))
            )
            seen = {c.application_id: c.stage for c in self.loaded}
            cmds.move_stage(self.ctx, application_ids, stage, on_error=on_error, seen=seen)

    def selected_cards(self) -> list[Card]:
        if self.stack.currentIndex() == 1:
            return [
                self.list_model.record(i.row())
                for i in self.list_view.selectionModel().selectedRows()
            ]
        focus = QtWidgets.QApplication.focusWidget()
        for col in self.columns.values():
            if col.view is focus:
                return col.selected_cards()
        return [c for col in self.columns.values() for c in col.selected_cards()]

    def step_selected(self, step: int) -> None:
        """Keyboard equivalent of a drag to the neighbouring column."""
        cards = self.selected_cards()
        if not cards:
            return
        stage = cards[0].stage
        try:
            to = pipeline.neighbour(stage, step)
        except RecruiterError as exc:
            show_error(self, _("Move"), exc)
            return
        ids = [c.application_id for c in cards if c.stage == stage]
        self.drop_cards(ids, to)
        QtCore.QTimer.singleShot(0, lambda: self._reselect(ids, to))

    def _reselect(self, ids: list[int], stage: Stage) -> None:
        """After the reload, keep the moved cards selected so Ctrl+→ can be pressed again."""
        col = self.columns[stage]

        def select() -> None:
            col.view.setFocus()
            sel = col.view.selectionModel()
            for row, card in enumerate(col.model.cards):
                if card.application_id in ids:
                    sel.select(
                        col.model.index(row), QtCore.QItemSelectionModel.SelectionFlag.Select
                    )

        if self.loader.pending:
            self._after_load = select
        else:
            select()

    def card_menu(self, column: StageColumn | None, global_pos: QtCore.QPoint) -> None:
        cards = column.selected_cards() if column is not None else self.selected_cards()
        if not cards:
            return
        menu = QtWidgets.QMenu(self)
        move = menu.addMenu(_("Move to"))
        for st in STAGES:
            act = move.addAction(
                st.label,
                lambda s=st: self.drop_cards([c.application_id for c in cards if c.stage != s], s),
            )
            act.setEnabled(any(c.stage != st for c in cards))
        menu.addSeparator()
        one = cards[0]
        if len(cards) == 1:
            if one.outcome in (Outcome.active, Outcome.on_hold):
                menu.addAction(_("Close…"), lambda: self.close_card(one))
            if one.outcome != Outcome.active:
                menu.addAction(_("Reopen"), lambda: self.reopen_card(one))
            menu.addSeparator()
            menu.addAction(_("Open candidate…"), lambda: self.open_card(one))
        menu.exec(global_pos)

    def close_card(
        self, card: Card, outcome: Outcome | None = None, reason: str | None = None
    ) -> None:
        if outcome is None or reason is None:
            dialog = CloseDialog(self)
            if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
                return
            outcome, reason = dialog.values()
        cmds.set_outcome(
            self.ctx, card.application_id, outcome, reason, on_error=self._error(_("Close"))
        )

    def reopen_card(self, card: Card) -> None:
        cmds.set_outcome(
            self.ctx, card.application_id, Outcome.active, on_error=self._error(_("Reopen"))
        )

    def open_card(self, card: Card) -> None:
        self.open_candidate(card.candidate_id)

    def open_candidate(self, candidate_id: int) -> None:
        dialog = CandidateDialog(self.ctx, candidate_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _decorate_list(self, rec: Card, key: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "next_due" and rec.overdue:
                return QtGui.QBrush(OVERDUE)
            if rec.outcome not in (Outcome.active, Outcome.on_hold):
                return QtGui.QBrush(CLOSED)
        return None
