"""The empty-database page, and the first-run checklist: say what to do next.

An office starting from nothing needs an institution, a department, a funding source and a
target before the first offer; the checklist (services.setup.checklist) names what is still
missing and each line opens the place that adds it.
"""

from __future__ import annotations

from recruiter.domain.changes import Changes, Kind
from recruiter.i18n import _
from recruiter.services import setup

from .context import AppContext
from .ops import Reader
from .qt import Qt, QtWidgets, Signal

CHECKLIST_KINDS = frozenset({Kind.institution, Kind.department, Kind.funding_source, Kind.target})


class Checklist(QtWidgets.QWidget):
    """What is still missing for the first offer, one button per line. `open_place(where)`
    carries the checklist item's `where` ('institutions', 'departments', 'funding',
    'targets')."""

    open_place = Signal(str)
    loaded = Signal()

    def __init__(
        self, ctx: AppContext, parent: QtWidgets.QWidget | None = None, *, compact: bool = False
    ) -> None:
        """`compact`: the lines side by side under the heading (the Setup page)."""
        super().__init__(parent)
        self.ctx = ctx
        self.reader = Reader(ctx, self)
        self.current: setup.Checklist | None = None
        self.buttons: dict[str, QtWidgets.QPushButton] = {}
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QtWidgets.QLabel(_("<b>Before the first offer</b>"))
        layout.addWidget(self.heading)
        self.lines: QtWidgets.QBoxLayout = (
            QtWidgets.QHBoxLayout() if compact else QtWidgets.QVBoxLayout()
        )
        self.lines.setSpacing(2)
        layout.addLayout(self.lines)
        if compact:
            self.lines.addStretch(1)
        ctx.bus.changed.connect(self._changed)
        self.refresh()

    @property
    def loading(self) -> bool:
        return self.reader.pending

    def _changed(self, changes: Changes) -> None:
        if changes.touches(CHECKLIST_KINDS):
            self.refresh()

    def refresh(self) -> None:
        self.reader.read(setup.checklist, self._show, title=_("Set-up checklist"))

    def _show(self, found: setup.Checklist) -> None:
        self.current = found
        for b in self.buttons.values():
            b.deleteLater()
        self.buttons.clear()
        for item in found.items:
            mark = "✓" if item.done else "○"
            text = f"{mark}  {item.label}"
            if item.done:
                text += f"  ({item.count})"
            b = QtWidgets.QPushButton(text)
            b.setFlat(True)
            b.setStyleSheet(
                "text-align: left; padding: 3px 6px;" + (" color: #555;" if item.done else "")
            )
            b.setCursor(Qt.CursorShape.PointingHandCursor)
            b.setToolTip(_("Open the place where you add it"))
            b.clicked.connect(lambda _c=False, w=item.where: self.open_place.emit(w))
            self.lines.insertWidget(len(self.buttons), b)
            self.buttons[item.key] = b
        self.heading.setText(
            _("<b>Ready for the first offer</b>")
            if found.complete
            else _("<b>Still missing before the first offer</b>")
        )
        self.loaded.emit()


class WelcomePage(QtWidgets.QWidget):
    load_demo = Signal()
    import_list = Signal()
    set_up = Signal()
    load_setup = Signal()
    save_setup_template = Signal()

    def __init__(
        self, ctx: AppContext | None = None, parent: QtWidgets.QWidget | None = None
    ) -> None:
        super().__init__(parent)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addStretch(1)
        title = QtWidgets.QLabel(_("<h1>Welcome to Recruiter</h1>"))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QtWidgets.QLabel(
            _(
                "Your database is empty. Set up your office (institutions, departments, budgets, "
                "targets) or load it from a set-up workbook, import a candidate list you "
                "received (Excel, CSV, ODS), or load demo data to look around first."
            )
        )
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addStretch(1)
        self.setup_button = QtWidgets.QPushButton(_("Set up your office"))
        self.import_button = QtWidgets.QPushButton(_("Import a candidate list…"))
        self.demo_button = QtWidgets.QPushButton(_("Load demo data"))
        self.setup_button.setDefault(True)
        for b in (self.setup_button, self.import_button, self.demo_button):
            b.setMinimumHeight(36)
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.setup_button.clicked.connect(self.set_up)
        self.import_button.clicked.connect(self.import_list)
        self.demo_button.clicked.connect(self.load_demo)
        for w in (title, text):
            layout.addWidget(w)
        layout.addLayout(buttons)
        # The office's structure is often kept in Excel already.
        links = QtWidgets.QHBoxLayout()
        links.addStretch(1)
        self.load_setup_button = QtWidgets.QPushButton(_("Load office set-up…"))
        self.template_button = QtWidgets.QPushButton(_("Save set-up template…"))
        for b in (self.load_setup_button, self.template_button):
            b.setFlat(True)
            b.setCursor(Qt.CursorShape.PointingHandCursor)
            links.addWidget(b)
        links.addStretch(1)
        self.load_setup_button.setToolTip(
            _("Institutions, departments, funding and targets from a filled-in template")
        )
        self.load_setup_button.clicked.connect(self.load_setup)
        self.template_button.clicked.connect(self.save_setup_template)
        layout.addLayout(links)
        self.checklist: Checklist | None = None
        if ctx is not None:
            self.checklist = Checklist(ctx)
            row = QtWidgets.QHBoxLayout()
            row.addStretch(1)
            row.addWidget(self.checklist)
            row.addStretch(1)
            layout.addSpacing(16)
            layout.addLayout(row)
        layout.addStretch(2)


__all__ = ["CHECKLIST_KINDS", "Checklist", "WelcomePage"]
