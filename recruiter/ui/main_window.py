"""The main window: a sidebar of pages, menus with shortcuts, a status bar, remembered layout."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from recruiter import __version__
from recruiter.i18n import _

from .columns import fit_header_labels, spreadsheet_sort_arrows
from .context import AppContext
from .followups import FollowUpsDock
from .language import language_menu
from .ops import CollectionOp, Reader
from .pages.base import Page
from .qt import Qt, QtCore, QtGui, QtWidgets
from .tasks import CancelledFn, ProgressFn, run_with_progress, show_error

if TYPE_CHECKING:
    from recruiter.services.reporting import Filters
    from recruiter.store.database import Database

    from .welcome import WelcomePage

PageFactory = Callable[[AppContext], Page]


def lazy_page(module: str, class_name: str) -> PageFactory:
    """A page whose module (and the services behind it) is imported only when the page is first
    opened, so start-up pays for the page on screen alone. Called like the class itself."""

    def make(ctx: AppContext) -> Page:
        page_class = getattr(importlib.import_module(f"recruiter.ui.pages.{module}"), class_name)
        page: Page = page_class(ctx)
        return page

    make.__name__ = make.__qualname__ = class_name
    return make


# Sidebar order; Ctrl+1..9 follow it. An entry is (name, page class), or a `lazy_page` factory
# that imports the class on first use; either is called with the AppContext to build the page.
PAGES: tuple[tuple[str, PageFactory], ...] = (
    ("Dashboard", lazy_page("dashboard", "DashboardPage")),
    ("Candidates", lazy_page("candidates", "CandidatesPage")),
    ("Pipeline", lazy_page("pipeline", "PipelinePage")),
    ("Targets", lazy_page("targets", "TargetsPage")),
    ("Offers", lazy_page("offers", "OffersPage")),
    ("Visas & arrivals", lazy_page("visas", "VisasPage")),
    ("Funding", lazy_page("funding", "FundingPage")),
    ("Payments", lazy_page("payments", "PaymentsPage")),
    ("Setup", lazy_page("setup", "SetupPage")),
    ("Import history", lazy_page("imports", "ImportHistoryPage")),
)
# The page shown when the settings name none (or one that no longer exists).
DEFAULT_PAGE = "Candidates"
# The daily offer expiry waits this long after the first read answers, off the start-up path.
EXPIRY_DELAY_MS = 1500


def _spreadsheet_suffixes() -> frozenset[str]:
    from recruiter.services.importing import SUFFIXES

    return frozenset(SUFFIXES)


class Pages(Mapping[str, Page]):
    """The sidebar's pages by name, each built the first time it is asked for (opened, navigated
    to, or looked up). Start-up builds only the page on screen; `built()` holds the rest."""

    def __init__(self, names: list[str], build: Callable[[str], Page]) -> None:
        self._names = names
        self._build = build
        self._built: dict[str, Page] = {}

    def __getitem__(self, name: str) -> Page:
        page = self._built.get(name)
        if page is None:
            if name not in self._names:
                raise KeyError(name)
            page = self._built[name] = self._build(name)
        return page

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def is_built(self, name: str) -> bool:
        return name in self._built

    def built(self) -> dict[str, Page]:
        """The pages built so far, in sidebar order."""
        return {n: self._built[n] for n in self._names if n in self._built}


def _layout_widgets(page_name: str, page: Page) -> list[tuple[str, QtWidgets.QWidget]]:
    """The tables (column order, widths, sort) and splitters of a page, with settings keys,
    for pages that do not save their own layout."""
    found: list[tuple[str, QtWidgets.QWidget]] = []
    for kind, cls in (("table", QtWidgets.QTableView), ("splitter", QtWidgets.QSplitter)):
        for i, widget in enumerate(page.findChildren(cls)):
            found.append((f"layout/{page_name}/{kind}/{widget.objectName() or i}", widget))
    return found


class MainWindow(QtWidgets.QMainWindow):
    def __init__(self, ctx: AppContext, settings: QtCore.QSettings | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.settings = settings or QtCore.QSettings()
        self.setWindowTitle(_("Recruiter — {db}").format(db=ctx.db.label))
        self.setAcceptDrops(True)
        self.resize(1280, 800)

        self.sidebar = QtWidgets.QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(170)
        self.sidebar.setIconSize(QtCore.QSize(20, 20))
        self.stack = QtWidgets.QStackedWidget()
        self.scrollers: list[QtWidgets.QScrollArea] = []
        for name, _factory in PAGES:
            # A page wider than a small laptop screen scrolls instead of widening the window.
            scroller = QtWidgets.QScrollArea()
            scroller.setWidgetResizable(True)
            scroller.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
            self.scrollers.append(scroller)
            self.stack.addWidget(scroller)
            QtWidgets.QListWidgetItem(_(name), self.sidebar)
        self.pages = Pages([name for name, _f in PAGES], self._build_page)
        self.sidebar.currentRowChanged.connect(self._show_row)

        self._welcome: WelcomePage | None = None  # built when an empty database needs it

        body = QtWidgets.QWidget()
        row = QtWidgets.QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        self.outer = QtWidgets.QStackedWidget()
        self.outer.addWidget(body)
        self.setCentralWidget(self.outer)

        self.followups = FollowUpsDock(ctx, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.followups)
        self.followups.hide()

        self.db_label = QtWidgets.QLabel(ctx.db.label)
        self.statusBar().addPermanentWidget(self.db_label)
        self._build_menus()
        self.read_only_banner = self._read_only_banner()
        ctx.bus.changed.connect(self._on_data_changed)
        ctx.bus.navigate.connect(self.navigate)
        self._restore_state()
        self.reader = Reader(ctx, self)
        self._welcome_dismissed = False  # "Set up your office" chosen: stay on the pages
        self.empty = False  # as last read: the database holds no data (the welcome page shows)
        self._update_empty_state()
        self._expired_on: date | None = None
        self._daily = QtCore.QTimer(self)
        self._daily.setInterval(60 * 60 * 1000)  # hourly check; the work runs once a day
        self._daily.timeout.connect(self.expire_offers)
        self._daily.start()
        self._expiry_scheduled = False  # the first expiry waits for the first read's answer

    @property
    def welcome(self) -> WelcomePage:
        """The empty-database page (what to do first), built the first time it is needed: a
        database with data never pays for it (nor for the set-up services behind it)."""
        if self._welcome is None:
            from .welcome import WelcomePage

            welcome = self._welcome = WelcomePage(self.ctx)
            welcome.load_demo.connect(self.load_demo)
            welcome.import_list.connect(self.import_file)
            welcome.set_up.connect(self.set_up_office)
            welcome.load_setup.connect(lambda: self.load_setup())
            welcome.save_setup_template.connect(lambda: self.save_template("setup"))
            if welcome.checklist is not None:
                welcome.checklist.open_place.connect(self.open_setup_place)
            self.outer.addWidget(welcome)
        return self._welcome

    # -- a database that can only be read -------------------------------------------------
    def _read_only_banner(self) -> QtWidgets.QLabel | None:
        """Say at once, above every page, that nothing can be saved (instead of failing on the
        first save); actions that only write are switched off."""
        from recruiter.domain import fields
        from recruiter.services import candidates

        db = self.ctx.db
        if db.read_only:
            words = _(
                "<b>Read-only:</b> you may not write to {db} or its folder, so nothing you "
                "change can be saved. You can look, search and export. To edit, fix its "
                "permissions, or copy it to a folder you may write to and open the copy."
            ).format(db=db.label)
        elif candidates.read_only(db):  # a viewer's sign-in to a server (store/roles.py)
            words = _(
                "<b>Read-only:</b> you sign in to {db} as a viewer: you can look, search and "
                "export, not change anything."
            ).format(db=db.label)
            hidden = candidates.hidden_columns(db)
            if hidden:
                order = [f.name for f in fields.FORM]
                names = ", ".join(
                    candidates.LABELS.get(c, c)
                    for c in sorted(hidden, key=lambda c: (order.index(c) if c in order else 99, c))
                )
                words += " " + _(
                    "The office hides candidates' {names} from viewers: those columns show "
                    "as hidden."
                ).format(names=names)
        else:
            return None
        banner = QtWidgets.QLabel(words)
        banner.setObjectName("readOnlyBanner")
        banner.setWordWrap(True)
        banner.setStyleSheet(
            "QLabel#readOnlyBanner { background: #fff3cd; color: #5c4400; padding: 6px 10px;"
            " border-bottom: 1px solid #e0c068; }"
        )
        holder = QtWidgets.QWidget()
        column = QtWidgets.QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(banner)
        column.addWidget(self.takeCentralWidget(), 1)
        self.setCentralWidget(holder)
        self.setWindowTitle(self.windowTitle() + _(" (read-only)"))
        self.db_label.setText(db.label + _(" (read-only)"))
        for action in (self.import_action, self.demo_action, self.new_action):
            action.setEnabled(False)
            action.setToolTip(_("The database is read-only."))
        return banner

    # -- menus ------------------------------------------------------------------------------
    def _action(
        self,
        menu: QtWidgets.QMenu,
        text: str,
        slot: Any,
        shortcut: QtGui.QKeySequence | str | None = None,
    ) -> QtGui.QAction:
        act = QtGui.QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QtGui.QKeySequence(shortcut))
        act.triggered.connect(slot)
        menu.addAction(act)
        return act

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(_("&File"))
        self.import_action = self._action(
            file_menu, _("&Import candidate list…"), self.import_file, "Ctrl+I"
        )
        self.export_action = self._action(
            file_menu, _("&Export pipeline…"), self.export_pipeline, "Ctrl+E"
        )
        self.export_view_action = self._action(
            file_menu, _("Export this &view…"), self.export_view, "Ctrl+Shift+E"
        )
        self.export_brief_action = self._action(
            file_menu, _("Export &brief (PDF)…"), self.export_brief
        )
        file_menu.addSeparator()
        self.demo_action = self._action(file_menu, _("Load &demo data"), self.load_demo)
        self.backup_action = self._action(file_menu, _("&Back up database…"), self.backup)
        file_menu.addSeparator()
        self._add_setup_actions(file_menu)
        file_menu.addSeparator()
        self._action(file_menu, _("&Quit"), self.close, QtGui.QKeySequence.StandardKey.Quit)

        edit = bar.addMenu(_("&Edit"))
        self.undo_action = self.ctx.undo.createUndoAction(self, _("&Undo"))
        self.undo_action.setShortcut(QtGui.QKeySequence("Ctrl+Z"))
        self.redo_action = self.ctx.undo.createRedoAction(self, _("&Redo"))
        self.redo_action.setShortcuts(
            [QtGui.QKeySequence("Ctrl+Shift+Z"), QtGui.QKeySequence("Ctrl+Y")]
        )
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        edit.addSeparator()
        self.find_action = self._action(edit, _("&Find candidates"), self.find, "Ctrl+F")
        self.new_action = self._action(edit, _("&New candidate…"), self.new_candidate, "Ctrl+N")

        view = bar.addMenu(_("&View"))
        for i, (name, *_rest) in enumerate(PAGES):
            key = f"Ctrl+{i + 1}" if i < 9 else None  # Ctrl+1..9: the first nine pages
            self._action(view, _(name), lambda _c=False, n=name: self.show_page(n), key)
        view.addSeparator()
        self.followups_action = self.followups.toggleViewAction()
        self.followups_action.setText(_("&Due follow-ups"))
        self.followups_action.setShortcut(QtGui.QKeySequence("Ctrl+D"))
        view.addAction(self.followups_action)
        view.addSeparator()
        view.addMenu(language_menu(self))

        help_menu = bar.addMenu(_("&Help"))
        self._action(help_menu, _("&About Recruiter"), self.about)

    def _add_setup_actions(self, file_menu: QtWidgets.QMenu) -> None:
        """The office set-up's File-menu items (issue 10)."""
        self.load_setup_action = self._action(
            file_menu, _("&Load office set-up…"), lambda: self.load_setup()
        )
        self.setup_template_action = self._action(
            file_menu, _("Save &set-up template…"), lambda: self.save_template("setup")
        )
        self.candidate_template_action = self._action(
            file_menu, _("Save &candidate list template…"), lambda: self.save_template("candidates")
        )
        self.import_history_action = self._action(
            file_menu, _("Import &history"), lambda: self.show_page("Import history")
        )

    # -- pages ------------------------------------------------------------------------------
    def _build_page(self, name: str) -> Page:
        """Build a page on first use: its layout restored and its headers kept readable, as if it
        had been there from the start."""
        row = [n for n, _f in PAGES].index(name)
        page = PAGES[row][1](self.ctx)
        self.scrollers[row].setWidget(page)
        self._restore_page_state(name, page)
        self._keep_headers_readable(page)
        return page

    def _show_row(self, row: int) -> None:
        if row >= 0:
            self.pages[PAGES[row][0]]  # built before it is shown
            self.stack.setCurrentIndex(row)

    def show_page(self, name: str) -> Page:
        names = [p[0] for p in PAGES]
        self.outer.setCurrentIndex(0)
        self.sidebar.setCurrentRow(names.index(name))
        return self.pages[name]

    def current_page(self) -> Page:
        return self.pages[PAGES[self.stack.currentIndex()][0]]

    def navigate(self, name: str, filters: object) -> None:
        page = self.show_page(name)
        if isinstance(filters, dict):
            page.apply_filter(filters)

    def _on_data_changed(self, _changes: object) -> None:
        self._update_empty_state()

    def _update_empty_state(self) -> None:
        def read(db: Database) -> tuple[bool, int]:
            from recruiter.services import candidates, demo

            empty = demo.is_empty(db)
            return empty, 0 if empty else candidates.count(db)

        self.reader.read(read, self._show_empty_state, title=_("Recruiter"))

    def _show_empty_state(self, loaded: tuple[bool, int]) -> None:
        self.empty, n = loaded
        if self.empty and not self._welcome_dismissed:
            self.outer.setCurrentWidget(self.welcome)
        else:
            self.outer.setCurrentIndex(0)
        if not self.empty:
            self.statusBar().showMessage(_("{n} candidates").format(n=f"{n:,}"))
        if not self._expiry_scheduled:
            self._expiry_scheduled = True
            QtCore.QTimer.singleShot(EXPIRY_DELAY_MS, self, self.expire_offers)

    # -- actions ----------------------------------------------------------------------------
    def set_up_office(self) -> Page:
        """The Setup page, even while the database is empty (the welcome page steps aside)."""
        self._welcome_dismissed = True
        return self.show_page("Setup")

    def open_setup_place(self, where: str) -> Page:
        """Open what a first-run checklist line names: a Setup list, or a new target."""
        if where == "targets":
            page = self.show_page("Targets")
            new = getattr(page, "new_target", None)
            if new is not None:
                new()
            return page
        page = self.set_up_office()
        page.apply_filter({"section": where})
        return page

    def load_setup(self, path: str | None = None) -> object:
        from .setup_actions import load_setup

        return load_setup(self, self.ctx, path)

    def save_template(self, kind: str, path: str | None = None) -> object:
        from .setup_actions import save_template

        return save_template(self, self.ctx, kind, path)

    def find(self) -> None:
        page = self.show_page("Candidates")
        focus = getattr(page, "focus_search", None)
        if focus:
            focus()

    def new_candidate(self) -> None:
        page = self.show_page("Candidates")
        create = getattr(page, "new_candidate", None)
        if create:
            create()
        else:
            self.statusBar().showMessage(_("Adding candidates by hand is not built yet."), 5000)

    def load_demo(self) -> None:
        force = False
        if not self.empty:
            answer = QtWidgets.QMessageBox.question(
                self,
                _("Load demo data"),
                _(
                    "The database already holds data. Replace everything in it with demo "
                    "data? This cannot be undone (a backup is a good idea first)."
                ),
            )
            if answer != QtWidgets.QMessageBox.StandardButton.Yes:
                return
            force = True

        def work(db: Database, progress: ProgressFn, cancelled: CancelledFn) -> object:
            from recruiter.services import demo

            return demo.generate(
                db,
                size=demo.DEFAULT_SIZE,
                seed=1,
                force=force,
                progress=progress,
                cancelled=cancelled,
            )

        def done(_summary: object) -> None:
            self.ctx.undo.clear()  # the demo load announced itself (Changes.everything)
            self.show_page("Dashboard")

        CollectionOp(parent=self, op=work, title=_("Loading demo data")).success(
            done
        ).run_in_background(self.ctx)

    def import_file(self, path: str | None = None) -> None:
        from .import_wizard import ImportWizard

        wizard = ImportWizard(self.ctx.db, self.ctx.runner, self)
        if path:
            wizard.set_file(path)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.open()
        self._wizard = wizard

    def export_filters(self) -> Filters | None:
        """The filters of the page on screen (Dashboard, Pipeline): what an export writes."""
        chosen = getattr(self.current_page(), "export_filters", None)
        return chosen() if callable(chosen) else None

    def export_pipeline(self) -> None:
        from .export_actions import export_pipeline

        export_pipeline(self, self.ctx, self.export_filters())

    def export_brief(self) -> None:
        from .export_actions import export_brief

        export_brief(self, self.ctx, self.export_filters())

    def table_view(self) -> QtWidgets.QTableView | None:
        """The table the user is looking at on the current page, if any."""
        page = self.current_page()
        focus = QtWidgets.QApplication.focusWidget()
        if isinstance(focus, QtWidgets.QTableView) and page.isAncestorOf(focus):
            return focus
        view = getattr(page, "view", None)
        if isinstance(view, QtWidgets.QTableView) and view.isVisible():
            return view
        tables = [t for t in page.findChildren(QtWidgets.QTableView) if t.isVisible()]
        return tables[0] if tables else None

    def export_view(self) -> None:
        view = self.table_view()
        if view is None:
            self.statusBar().showMessage(_("This page has no table to export."), 5000)
            return
        from .export_actions import export_view

        export_view(self, self.ctx, view)

    def expire_offers(self) -> None:
        """The daily job, at start-up (in the background) and then once a day: mark offers past
        their expiry as expired, open the visa cases a bulk writer left unopened and work out
        visa deadlines not stored yet."""
        day = date.today()
        if self._expired_on == day or self.ctx.db.read_only or self.read_only_banner is not None:
            return
        self._expired_on = day
        db = self.ctx.db

        def expire(_p: ProgressFn, _c: CancelledFn) -> object:
            from recruiter.services import immigration, offers

            expired = offers.expire_overdue(db, day)
            immigration.open_missing(db)
            immigration.refresh_unknown(db)
            return expired

        def failed(exc: BaseException) -> None:
            import shiboken6

            if shiboken6.isValid(self):  # the window may be gone when a late expiry fails
                show_error(self, _("Offers"), exc)

        self.ctx.runner.start(expire, on_error=failed)

    def backup(self) -> None:
        from datetime import datetime

        from recruiter.store.backup import MANUAL_TAG, backup_dir, backup_name, backup_to

        path = self.ctx.db.path
        if path is None:
            return
        # Suggested where `recruiter backup` writes: backups/ beside the database, time-stamped
        # (the dialog asks before replacing a file the user picks).
        folder = backup_dir(path)
        folder.mkdir(parents=True, exist_ok=True)
        out, _kind = QtWidgets.QFileDialog.getSaveFileName(
            self,
            _("Back up database"),
            str(folder / backup_name(path.stem, datetime.now(), MANUAL_TAG)),
            _("Database (*.db)"),
        )
        if not out:
            return

        def done(written: object) -> None:
            self.statusBar().showMessage(_("Backup written to {p}").format(p=written), 8000)

        run_with_progress(
            self,
            self.ctx.runner,
            _("Backing up"),
            lambda _p, _c: backup_to(path, Path(out)),
            on_done=done,
        )

    def about(self) -> None:
        QtWidgets.QMessageBox.about(
            self,
            _("About Recruiter"),
            _(
                "<b>Recruiter</b> {v}<br>International talent recruitment for universities."
                "<br>Database: {db}"
            ).format(v=__version__, db=self.ctx.db.label),
        )

    # -- drag and drop ----------------------------------------------------------------------
    @staticmethod
    def _dropped_file(event: QtGui.QDropEvent | QtGui.QDragEnterEvent) -> str | None:
        mime = event.mimeData()
        if not mime.hasUrls():
            return None
        for url in mime.urls():
            suffix = Path(url.toLocalFile()).suffix.lower()
            if url.isLocalFile() and suffix in _spreadsheet_suffixes():
                return url.toLocalFile()
        return None

    def dragEnterEvent(self, event: QtGui.QDragEnterEvent) -> None:
        if self._dropped_file(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QtGui.QDropEvent) -> None:
        path = self._dropped_file(event)
        if path:
            event.acceptProposedAction()
            self.import_file(path)

    # -- state ------------------------------------------------------------------------------
    def _restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QtCore.QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = self.settings.value("window/state")
        if isinstance(state, QtCore.QByteArray) and not state.isEmpty():
            self.restoreState(state)
        page = self.settings.value("window/page", DEFAULT_PAGE)
        names = [p[0] for p in PAGES]
        self.sidebar.setCurrentRow(names.index(page if page in names else DEFAULT_PAGE))

    def _restore_page_state(self, name: str, page: Page) -> None:
        filters = getattr(page, "restore_filters", None)  # remembered filter choices
        if filters:
            filters(self.settings)
        restorer = getattr(page, "restore_state", None)
        if restorer:
            restorer(self.settings)
            return
        for key, widget in _layout_widgets(name, page):
            saved = self.settings.value(key)
            if isinstance(saved, QtCore.QByteArray) and not saved.isEmpty():
                is_table = isinstance(widget, QtWidgets.QTableView)
                target = widget.horizontalHeader() if is_table else widget
                target.restoreState(saved)

    @staticmethod
    def _keep_headers_readable(page: Page) -> None:
        """No page's table clips a column name, whatever widths a page or saved layout chose;
        every sort arrow reads ▲ ascending, ▼ descending."""
        for table in page.findChildren(QtWidgets.QTableView):
            fit_header_labels(table)
            spreadsheet_sort_arrows(table)

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/page", PAGES[self.stack.currentIndex()][0])
        for name, page in self.pages.built().items():  # a page never built changed nothing
            if hasattr(page, "save_filters"):
                page.save_filters(self.settings)
            saver = getattr(page, "save_state", None)
            if saver:
                saver(self.settings)
            else:
                for key, widget in _layout_widgets(name, page):
                    target = (
                        widget.horizontalHeader()
                        if isinstance(widget, QtWidgets.QTableView)
                        else widget
                    )
                    self.settings.setValue(key, target.saveState())
        self.settings.sync()

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        # Background reads finish in milliseconds; only long work (an import, an export) is
        # worth asking about.
        if self.ctx.runner.busy and not self.ctx.runner.wait(3000):
            answer = QtWidgets.QMessageBox.question(
                self,
                _("Quit"),
                _(
                    "Work is still running in the background. Quit anyway? It will be "
                    "cancelled and nothing half-done is kept."
                ),
            )
            if answer != QtWidgets.QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.save_state()
        super().closeEvent(event)


__all__ = ["PAGES", "MainWindow", "show_error"]
