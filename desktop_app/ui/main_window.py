"""The main window: navigation, the views, menus, the undo stack, and what it remembers."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QSettings, QSize, Qt, Slot
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QShowEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from desktop_app.domain import Verdict
from desktop_app.store import (
    SessionQuery,
    StoreError,
    count_sessions,
    list_labels,
    list_reasons,
    open_db,
)
from desktop_app.store.db import damage_reported
from desktop_app.store.indexing import index_complete
from desktop_app.store.locking import GUI_WAIT_MS, set_lock_wait
from desktop_app.store.ratings import count_rated
from desktop_app.ui.actions import ACTIONS, VIEWS, build_actions
from desktop_app.ui.db_watch import ChangeWatcher
from desktop_app.ui.delete_dialog import DeleteController
from desktop_app.ui.errors import show_error
from desktop_app.ui.evidence_task import EVIDENCE_TASK, start_evidence_refresh
from desktop_app.ui.first_run import FirstRunWidget
from desktop_app.ui.import_controller import ImportController
from desktop_app.ui.indexing import IndexingController
from desktop_app.ui.preload import ChartPreload
from desktop_app.ui.presentation import FONT_SCALE, PROPERTY, LargerFont, masked_path
from desktop_app.ui.rating import RatingController
from desktop_app.ui.reflect_view import ReflectView
from desktop_app.ui.reminder import WeeklyReminder
from desktop_app.ui.sessions_view import SessionsView
from desktop_app.ui.settings import Settings
from desktop_app.ui.single_instance import InstanceLock
from desktop_app.ui.suggestions import SuggestionsController
from desktop_app.ui.tasks import Task, TaskContext, TaskRunner
from desktop_app.ui.theme import colors

if TYPE_CHECKING:
    from desktop_app.demo.database import DemoDatabase
    from desktop_app.evidence.refresh import RefreshReport
    from desktop_app.ingest import ImportReport
    from desktop_app.ui.data_controller import DataController
    from desktop_app.ui.data_panel import DataPanelController
    from desktop_app.ui.prices_dialog import PricesController
    from desktop_app.ui.rules_dialog import RulesController
    from desktop_app.ui.share_dialog import ShareController
    from desktop_app.ui.team_view import CardSet, TeamView
    from desktop_app.ui.value_view import ValueView


def _build_demo(_context: TaskContext) -> DemoDatabase:
    """A fresh demo database (on a worker thread: it takes a moment)."""
    # Imported here: the demo's story and topics are not needed to open a window.
    from desktop_app.demo.database import DemoDatabase

    return DemoDatabase()


def _discard_demo(demo: DemoDatabase) -> None:
    demo.close()


#: The window's size when the screen has room for it.
PREFERRED_SIZE = QSize(1280, 800)
#: The share of the screen's free area a first window takes at most.
SCREEN_SHARE = 0.9


def initial_geometry(available: QRect) -> QRect:
    """Where a window opens without a remembered geometry: at most 1280×800 and 90 % of the
    screen's free area (taskbars and docks left out), centred in it."""
    width = min(PREFERRED_SIZE.width(), int(available.width() * SCREEN_SHARE))
    height = min(PREFERRED_SIZE.height(), int(available.height() * SCREEN_SHARE))
    rect = QRect(0, 0, width, height)
    rect.moveCenter(available.center())
    return rect


def fit_rect(rect: QRect, available: QRect) -> QRect:
    """``rect`` shrunk to fit ``available`` and moved inside it (a remembered geometry from a
    bigger or another screen)."""
    width = min(rect.width(), available.width())
    height = min(rect.height(), available.height())
    x = max(available.left(), min(rect.left(), available.left() + available.width() - width))
    y = max(available.top(), min(rect.top(), available.top() + available.height() - height))
    return QRect(x, y, width, height)


class MainWindow(QMainWindow):
    """One window over one database; a demo database is clearly marked and never mixed in."""

    def __init__(self, db_path: Path, *, demo: bool = False,
                 settings: QSettings | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.settings = Settings(settings)
        self._real_path: Path | None = None if demo else db_path
        self._owned_demo: DemoDatabase | None = None
        self._db: Database | None = None
        self._db_path = db_path
        self._demo = demo
        self.remember_layout = True
        #: Every piece of work off the GUI thread (imports, scans, figures, draws, the demo).
        self.tasks = TaskRunner(self)
        #: The charts' modules load off the GUI thread once the shown window is idle.
        self.chart_preload = ChartPreload(self.tasks, self.isVisible, self)
        self._demo_task: Task | None = None

        self.imports = ImportController(self, self.tasks, self.settings, self._import_target)
        self.imports.imported.connect(self._on_imports_imported)
        #: The database the window was opened on; another one opened later is named in the title.
        self._home_path: Path | None = None if demo else db_path
        # Export, back up, share, rules, prices and the data panel are built on first use (see
        # their properties below): their modules would cost every start tens of milliseconds.
        self.setAcceptDrops(True)

        self.undo_stack = QUndoStack(self)
        self.controller = RatingController(self.undo_stack, self)
        self.controller.ratings_changed.connect(self._on_controller_ratings_changed)
        self.controller.lists_changed.connect(self._on_controller_lists_changed)
        #: Suggested verdicts (never ratings until accepted) and the weekly reminder.
        self.suggestions = SuggestionsController(self.tasks, self.controller, self)
        self.suggestions.changed.connect(self._on_suggestions_changed)
        self.reminder = WeeklyReminder(self)
        self._reminder_checked = False
        # Sharing the database with the command line (README, "Two at once").
        self.controller.writes.waiting_changed.connect(self._on_writes_waiting_changed)
        self.controller.writes.saved.connect(self._on_writes_saved)
        self._close_when_saved = False
        self.watch = ChangeWatcher(self)
        self.watch.changed.connect(self._on_watch_changed)

        self.deletion = DeleteController(self, self, self.tasks, self.controller.writes)
        #: This window's claim on its database file (None: unguarded, e.g. a demo or a test).
        self.instance_lock: InstanceLock | None = None

        self._fitted_on_show = False
        #: Presentation mode's larger font (the mode itself is never remembered: it starts off).
        self._larger_font = LargerFont()
        self._build_widgets()
        self.sessions_view.delete_requested.connect(self.deletion.delete_selected)
        self.menu_actions = build_actions(self, self.undo_stack)
        self._restore_layout()
        self.open_database(db_path, demo=demo)

    # --- what is built on first use -------------------------------------------------------

    @cached_property
    def data(self) -> DataController:
        """File → Export Data…, Back Up…, Open Database…."""
        from desktop_app.ui.data_controller import DataController  # exporting loads here

        return DataController(self, self.tasks, lambda: self._db_path, self.open_other_database)

    @cached_property
    def share(self) -> ShareController:
        """File → Share Summary…."""
        from desktop_app.ui.share_dialog import ShareController  # sharing/ loads here

        return ShareController(self, self.tasks, lambda: self._db_path)

    @cached_property
    def rules(self) -> RulesController:
        """Edit → Import Rules…."""
        from desktop_app.ui.rules_dialog import RulesController

        return RulesController(self, self, self.tasks)

    @cached_property
    def prices(self) -> PricesController:
        """Edit → Prices…."""
        from desktop_app.ui.prices_dialog import PricesController

        prices = PricesController(self, self)
        prices.changed.connect(self._data_changed)
        return prices

    @cached_property
    def data_panel(self) -> DataPanelController:
        """Help → Your Data… (it follows the window's changes once built)."""
        from desktop_app.ui.data_panel import DataPanelController

        return DataPanelController(
            self, self, self.tasks, self.data, self.deletion, self.rules,
            (self.controller.ratings_changed, self.watch.changed, self.imports.imported))

    # --- construction --------------------------------------------------------------------

    def _build_widgets(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        self.demo_banner = QLabel(
            "DEMO  ·  synthetic sessions in a throwaway database, deleted when you quit. "
            "Your own data is not shown or touched."
        )
        self.demo_banner.setObjectName("demoBanner")
        layout.addWidget(self.demo_banner)

        self.outer_stack = QStackedWidget(central)
        self.first_run = FirstRunWidget(self.outer_stack)
        self.first_run.demo_requested.connect(self._on_first_run_demo_requested)
        self.first_run.import_requested.connect(self.imports.choose_files)
        self.first_run.discover_requested.connect(self.imports.discover)
        self.outer_stack.addWidget(self.first_run)

        self.body = QWidget(self.outer_stack)
        self.body.setObjectName("body")
        body_layout = QHBoxLayout(self.body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.setSpacing(0)
        self.nav = QListWidget(self.body)
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Views")
        self.nav.setFixedWidth(110)
        self.nav.setFrameShape(QListWidget.Shape.NoFrame)
        self.nav.setSpacing(3)
        for i, (key, text) in enumerate(VIEWS):
            item = QListWidgetItem(text, self.nav)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(f"{text} (Ctrl+{i + 1})")
        self.stack = QStackedWidget(self.body)
        self.sessions_view = SessionsView(self.controller, self.stack, self.tasks)
        self.reflect_view = ReflectView(self.controller, self.tasks, self.stack)
        self.reflect_view.sample_size_changed.connect(self._on_reflect_sample_size_changed)
        self.reflect_view.panel.add_label_requested.connect(self._on_add_label_requested)
        self.sessions_view.panel.add_label_requested.connect(self._on_add_label_requested)
        self.sessions_view.panel.accept_requested.connect(self.accept_suggestion)
        self.reflect_view.panel.accept_requested.connect(self.accept_suggestion)
        self.reflect_view.set_remind_day(self.settings.remind_day)
        self.reflect_view.remind_day_changed.connect(self._on_reflect_remind_day_changed)
        # The Value view (pyqtgraph, numpy) is built the first time it is shown: start-up stays
        # light and never scales with what the charts need.
        self.value_page = QWidget(self.stack)
        self.value_page.setObjectName("valuePage")
        QVBoxLayout(self.value_page).setContentsMargins(0, 0, 0, 0)
        self.value_view: ValueView | None = None
        self._value_stale = True
        # The Team view too (and its entry appears only while team cards are open).
        self.team_page = QWidget(self.stack)
        self.team_page.setObjectName("teamPage")
        QVBoxLayout(self.team_page).setContentsMargins(0, 0, 0, 0)
        self.team_view: TeamView | None = None
        self.nav.item(len(VIEWS) - 1).setHidden(True)
        self.stack.addWidget(self.sessions_view)
        self.stack.addWidget(self.reflect_view)
        self.stack.addWidget(self.value_page)
        self.stack.addWidget(self.team_page)
        body_layout.addWidget(self.nav)
        body_layout.addWidget(self.stack, 1)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.currentRowChanged.connect(self._on_nav_current_row_changed)
        self.outer_stack.addWidget(self.body)
        layout.addWidget(self.outer_stack, 1)
        self.setCentralWidget(central)

        # Presentation mode says it is on, so a masked title is never taken for a real one.
        self.presentation_marker = QLabel("Presentation mode")
        self.presentation_marker.setObjectName("presentationMarker")
        self.presentation_marker.setToolTip(
            "Titles, message text, notes, reasons and paths are hidden (Ctrl+Shift+P)")
        self.presentation_marker.setStyleSheet(
            "background: palette(highlight); color: palette(highlighted-text); "
            "font-weight: bold; border-radius: 3px; padding: 1px 8px;")
        self.presentation_marker.setVisible(False)
        self.statusBar().addWidget(self.presentation_marker)
        self.status_label = QLabel()
        self.status_label.setObjectName("statusText")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(self.status_label, 1)
        # Said while filters hide sessions, so a filtered list is never mistaken for all of them.
        self.filter_status = QLabel()
        self.filter_status.setObjectName("filterStatus")
        self.filter_status.setVisible(False)
        self.statusBar().addPermanentWidget(self.filter_status)
        self.clear_filters_button = QPushButton("Clear filters")
        self.clear_filters_button.setObjectName("statusClearFilters")
        self.clear_filters_button.setToolTip("Show every session: clear the search and all filters")
        self.clear_filters_button.setFlat(True)
        self.clear_filters_button.setAutoDefault(False)
        self.clear_filters_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.clear_filters_button.setVisible(False)
        self.clear_filters_button.clicked.connect(self.sessions_view.filters.clear_filters)
        self.statusBar().addPermanentWidget(self.clear_filters_button)
        self.sessions_view.rows_shown.connect(self._on_sessions_view_rows_shown)
        self.writes_waiting = QLabel()
        self.writes_waiting.setObjectName("writesWaiting")
        self.writes_waiting.setVisible(False)
        self.statusBar().addPermanentWidget(self.writes_waiting)
        self.busy_bar = QProgressBar()  # a busy indicator: no range, it just moves
        self.busy_bar.setObjectName("busyBar")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(160)
        self.busy_bar.setVisible(False)
        self.statusBar().addPermanentWidget(self.busy_bar)
        # The search index, built after an import's first phase (and at start if unfinished).
        self.indexing = IndexingController(self.tasks, self.statusBar())
        self.indexing.coverage_changed.connect(self._on_indexing_coverage_changed)
        self.indexing.finished.connect(self._on_indexing_finished)
        self.apply_colors()

    def apply_colors(self) -> None:
        """Re-apply our own colours after a light/dark switch."""
        if getattr(self, "value_view", None) is not None:
            assert self.value_view is not None
            self.value_view.apply_colors()
        if getattr(self, "team_view", None) is not None:
            assert self.team_view is not None
            self.team_view.apply_colors()
        c = colors()
        self.demo_banner.setStyleSheet(
            f"background:{c.demo_bg}; color:{c.demo_fg}; font-weight:bold; padding:6px 10px;"
        )

    # --- layout memory ---------------------------------------------------------------------

    def _restore_layout(self) -> None:
        s = self.settings
        available = self._available_geometry()
        if s.geometry is None or not self.restoreGeometry(s.geometry):
            self.setGeometry(initial_geometry(available))
        elif not (self.isMaximized() or self.isFullScreen()):
            self.fit_to_screen(available)
        if s.window_state is not None:
            self.restoreState(s.window_state)
        if s.splitter_state is not None:
            self.sessions_view.splitter.restoreState(s.splitter_state)

    def _available_geometry(self) -> QRect:
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry()

    def fit_to_screen(self, available: QRect | None = None) -> None:
        """Move and shrink the window so its frame lies on the screen's free area."""
        available = available or self._available_geometry()
        frame = self.frameGeometry()
        fitted = fit_rect(frame, available)
        if fitted == frame:
            return
        inner = self.geometry()
        self.resize(inner.width() - (frame.width() - fitted.width()),
                    inner.height() - (frame.height() - fitted.height()))
        self.move(fitted.topLeft())

    def save_layout(self) -> None:
        """Remember geometry, splitters, columns, the view and the filters."""
        s = self.settings
        s.geometry = self.saveGeometry()
        s.window_state = self.saveState()
        s.splitter_state = self.sessions_view.splitter.saveState()
        if self.sessions_view.model is not None:
            s.header_state = self.sessions_view.table.horizontalHeader().saveState()
        s.last_view = self.current_view()
        self._save_filters()
        s.sync()

    def _save_filters(self) -> None:
        """Remember the filters of the database shown (a demo's are not kept)."""
        if self._db is not None and self.outer_stack.currentWidget() is self.body:
            self.settings.set_database_filters(None if self._demo else self._db_path,
                                               self.sessions_view.filters.state())

    # --- the database --------------------------------------------------------------------

    @property
    def db(self) -> Database | None:
        """The open database."""
        return self._db

    @property
    def db_path(self) -> Path:
        """The file of the open database."""
        return self._db_path

    def selected_session_ids(self) -> list[str]:
        """The sessions selected in the Sessions view."""
        return self.sessions_view.selected_ids() if self.sessions_view.model is not None else []

    def import_running(self) -> bool:
        """True while an import runs."""
        return self.imports.running

    def sessions_removed(self) -> None:
        """Sessions were deleted: every view reads again, and the undo stack is emptied, since
        its steps may name deleted sessions (undoing one would write their rating back)."""
        self.undo_stack.clear()
        if self._db is None:
            return
        if count_sessions(self._db) == 0:
            self.open_database(self._db_path, demo=self._demo)  # the first-run screen
            return
        self.sessions_view.refresh()
        self.reflect_view.set_db(self._db, self._db_path, self.settings.sample_size)
        self.update_status()
        self._data_changed()

    @property
    def is_demo(self) -> bool:
        """True while a demo database is shown."""
        return self._demo

    def open_database(self, path: Path, *, demo: bool) -> bool:
        """Show the database at ``path`` (created if missing).

        False (and nothing changes) while changes to the user's own database still wait to be
        saved: switching would drop them. Raises :class:`StoreError`: damage met by the first
        queries too, as :class:`DatabaseDamagedError`, with no connection left open to ``path``.
        """
        if self.controller.writes.pending and not self._demo:
            self.statusBar().showMessage(
                "Your last changes are still waiting to be saved; try again once they are.", 8000)
            return False
        db = open_db(path)
        # The GUI thread waits briefly for the write lock, then the change waits in the queue.
        set_lock_wait(db, wait_ms=GUI_WAIT_MS)
        try:
            with damage_reported(path):
                self._show_database(db, path, demo)
        except BaseException:
            if self._db is db:
                self._close_db()
            else:
                db.close()
            raise
        return True

    def _show_database(self, db: Database, path: Path, demo: bool) -> None:
        self._save_filters()
        self._close_db()
        self._db = db
        self._db_path = path
        self._demo = demo
        self.controller.set_db(db)
        self.watch.set_db(db)
        self.suggestions.set_db_path(path)
        self.indexing.stop()  # another database's, or this one's from before
        self._index_if_needed()
        has_sessions = count_sessions(db) > 0
        self._team_follows_database(demo)
        if has_sessions or self.team_open:
            self._show_body(db, path, demo)
        else:
            self.outer_stack.setCurrentWidget(self.first_run)
            self._on_sessions_view_rows_shown(0, 0)
        self._refresh_chrome()

    def _show_body(self, db: Database, path: Path, demo: bool) -> None:
        """The views (not the first-run screen) over ``db``."""
        self.sessions_view.set_db(db, self.settings.database_filters(None if demo else path),
                                  path)
        if self.settings.header_state is not None:
            self.sessions_view.restore_columns(self.settings.header_state)
        self.reflect_view.set_db(db, path, self.settings.sample_size)
        self._value_stale = True
        self.outer_stack.setCurrentWidget(self.body)
        self.show_view(self.settings.last_view)
        if not self._reminder_checked:  # once, when the window starts
            self._reminder_checked = True
            week = self.reminder.due(db, self.settings.remind_day, self.settings.sample_size)
            if week is not None:
                self.show_view("reflect")
                self.reminder.notify(week)
        self._refresh_evidence()

    def _refresh_evidence(self) -> None:
        """Count commits and active time again where they changed, off the GUI thread."""
        start_evidence_refresh(self.tasks, self._db_path, self._on_evidence_refreshed)

    def _on_evidence_refreshed(self, report: RefreshReport) -> None:
        # Shown again even when this refresh wrote nothing: an older one that did may have
        # been dropped (its commit woke the change watcher, which started this one).
        if self._db is not None and self.outer_stack.currentWidget() is self.body:
            self.sessions_view.refresh_evidence()
            if report.rows_written:
                self._data_changed()

    def hold_instance_lock(self, lock: InstanceLock) -> None:
        """Keep ``lock`` (this window's claim on its database) and answer a second start on that
        database by coming forward; a lock held before (another database's) is let go."""
        if self.instance_lock is not None and self.instance_lock is not lock:
            self.instance_lock.release()
        self.instance_lock = lock
        lock.raise_requested.connect(self.bring_to_front)

    def _close_db(self) -> None:
        self.tasks.drop(EVIDENCE_TASK)  # its answer is about this database
        if self._db is not None:
            self.watch.set_db(None)
            self.suggestions.stop()
            self.controller.set_db(None)
            self._db.close()
            self._db = None

    def open_other_database(self, path: Path) -> bool:
        """File → Open Database…: show the database at ``path`` (a backup, another file)
        instead; imports then go there. A file that cannot be opened is said plainly and the
        database shown stays."""
        if self.imports.running:
            self.statusBar().showMessage(
                "An import is running; open another database when it has finished.", 8000)
            return False
        if not path.is_file():
            show_error(self, f"{path} is not a file.")
            return False
        # One window per database: the lock moves with the window to the file it shows.
        lock: InstanceLock | None = None
        if self.instance_lock is not None:
            lock = InstanceLock(path, self)
            if not lock.acquire():
                show_error(self, f"{path} is open in another Worthwhile window already.")
                return False
        try:
            opened = self.open_database(path, demo=False)
        except StoreError as exc:
            opened = False
            show_error(self, f"{path} could not be opened. {exc}")
        if not opened:
            if lock is not None:
                lock.release()
            return False
        if lock is not None:
            self.hold_instance_lock(lock)
        self._real_path = path
        if self._owned_demo is not None:
            self._owned_demo.close()
            self._owned_demo = None
        return True

    def _refresh_chrome(self) -> None:
        if self._demo:
            title = "Worthwhile — DEMO"
        elif self._db_path != self._home_path:
            title = f"Worthwhile — {self._db_path.name}"
        else:
            title = "Worthwhile"
        self.setWindowTitle(title)
        self.demo_banner.setVisible(self._demo)
        self.menu_actions["demo"].setVisible(not self._demo)
        self.menu_actions["leave_demo"].setVisible(self._demo and self._real_path is not None)
        self.menu_actions["view_team"].setVisible(self.team_open)
        in_body = self.outer_stack.currentWidget() is self.body
        for spec in ACTIONS:
            if spec.needs_sessions:
                self.menu_actions[spec.name].setEnabled(in_body)
        self.update_status()

    def update_status(self) -> None:
        """Session count and where the data lives."""
        if self._db is None:
            return
        total = count_sessions(self._db)
        rated = count_rated(self._db)
        path = masked_path(self._db_path) if self.presenting else str(self._db_path)
        where = "demo data (deleted when you quit)" if self._demo else f"data: {path}"
        self.status_label.setText(f"{total:,} sessions · {rated:,} rated · {where}")

    # --- presentation mode -------------------------------------------------------------------

    @property
    def presenting(self) -> bool:
        """True while presentation mode masks titles, text, notes, reasons and paths."""
        return bool(self.property(PROPERTY))

    def set_presentation(self, on: bool) -> None:
        """View → Presentation Mode (Ctrl+Shift+P): mask what is personal, keep charts and
        counts, use a larger font, and say so in the status bar. Never remembered."""
        self.setProperty(PROPERTY, on)
        self.menu_actions["presentation"].setChecked(on)
        self.sessions_view.set_masked(on)
        self.reflect_view.set_masked(on)
        self.presentation_marker.setVisible(on)
        if on:
            self._larger_font.apply()
        else:
            self._larger_font.revert()
        self.sessions_view.set_column_scale(FONT_SCALE if on else 1.0)
        self.update_status()

    @Slot(int, int)
    def _on_sessions_view_rows_shown(self, shown: int, total: int) -> None:
        hidden = shown < total
        self.filter_status.setText(
            f"Showing {shown:,} of {total:,} sessions: filters are on" if hidden else "")
        self.filter_status.setVisible(hidden)
        self.clear_filters_button.setVisible(hidden)

    # --- views -----------------------------------------------------------------------------

    def current_view(self) -> str:
        """Key of the view shown."""
        row = self.nav.currentRow()
        return VIEWS[row][0] if 0 <= row < len(VIEWS) else "sessions"

    def show_view(self, key: str) -> None:
        """Switch to a view by key (unknown keys show Sessions, and so does Team while no team
        cards are open)."""
        keys = [k for k, _ in VIEWS if k != "team" or self.team_open]
        self.nav.setCurrentRow(keys.index(key) if key in keys else 0)

    @Slot(int)
    def _on_nav_current_row_changed(self, row: int) -> None:
        widget = self.stack.widget(row)
        if widget is self.value_page:
            self.ensure_value_view()
        if widget is self.sessions_view:
            self.sessions_view.table.setFocus()
        elif widget is not None:
            widget.setFocus()

    def rate(self, verdict: Verdict) -> None:
        """U / N / 0 in the view shown (Sessions or Reflect; elsewhere nothing is selected)."""
        current = self.stack.currentWidget()
        if current is self.reflect_view:
            self.reflect_view.rate(verdict)
        elif current is self.sessions_view:
            self.sessions_view.rate(verdict)
        else:
            self.statusBar().showMessage("Rate sessions in the Sessions or Reflect view.", 4000)

    def accept_suggestion(self) -> None:
        """A / the rating panel's Accept: the suggested verdict of the session shown becomes its
        rating (one undo step). Nothing happens without a suggestion; the status bar says why."""
        current = self.stack.currentWidget()
        ids: list[str] = []
        if current is self.reflect_view:
            view = self.reflect_view
            ids = view.sample[view.position:view.position + 1]
        elif current is self.sessions_view:
            ids = self.sessions_view.selected_ids()
        if len(ids) == 1 and self.suggestions.accept(ids):
            return
        why = ("Select one session to accept its suggested verdict." if len(ids) > 1 else
               "This session has no suggested verdict." if self.suggestions.suggestions
               else self.suggestions.why_none())
        self.statusBar().showMessage(why, 6000)

    @Slot()
    def _on_suggestions_changed(self) -> None:
        self.sessions_view.set_suggestions(self.suggestions.suggestions)
        self.reflect_view.set_suggestions(self.suggestions.suggestions)

    @Slot(object)
    def _on_reflect_remind_day_changed(self, day: int | None) -> None:
        self.settings.remind_day = day

    def step_selection(self, step: int) -> None:
        """J / K: the next or previous session, in the Sessions view."""
        if self.stack.currentWidget() is self.sessions_view:
            self.sessions_view.step_selection(step)

    @Slot()
    def show_shortcuts(self) -> None:
        """F1 / ?: the shortcut sheet."""
        from desktop_app.ui.shortcuts import ShortcutSheet

        ShortcutSheet(self).exec()

    def show_formats(self) -> None:
        """Help → Which Files Can I Import?: every source and the files it reads."""
        from desktop_app.ui.shortcuts import FormatsSheet

        FormatsSheet(self).exec()

    # --- slots -----------------------------------------------------------------------------

    @Slot(list)
    def _on_controller_ratings_changed(self, _ids: list[str]) -> None:
        self.update_status()
        self._data_changed()

    def ensure_value_view(self) -> ValueView:
        """Build the Value view on first use, and bring its figures up to date."""
        if self.value_view is None:
            from desktop_app.ui import value_view as value_module  # pyqtgraph loads here

            view = value_module.ValueView(self.tasks, self.value_page)
            view.sessions_requested.connect(self._on_value_view_sessions_requested)
            view.reflect_requested.connect(lambda: self.show_view("reflect"))
            layout = self.value_page.layout()
            assert layout is not None
            layout.addWidget(view)
            self.value_view = view
        if self._value_stale and self._db is not None:
            self._value_stale = False
            if self.value_view.db_path == self._db_path:
                self.value_view.refresh()
            else:
                self.value_view.set_db_path(self._db_path)
        return self.value_view

    # --- the team's cards ---------------------------------------------------------------------

    @property
    def team_open(self) -> bool:
        """True while team cards are open (the Team entry is in the navigation)."""
        return self.team_view is not None and bool(self.team_view.cards)

    def open_team_cards(self) -> None:
        """File → Open Team Cards…: other people's summary cards, merged in the Team view."""
        from desktop_app.ui import team_view as team_module  # pyqtgraph loads here

        paths = team_module.choose_card_files(self)
        if not paths:
            return
        self.show_team(team_module.CardSet(tuple(paths)))
        if self._db is not None and self.outer_stack.currentWidget() is self.first_run:
            # A lead with no sessions of their own: the cards are what the window shows.
            self._show_body(self._db, self._db_path, self._demo)
            self._refresh_chrome()
        self.show_view("team")

    def show_team(self, cards: CardSet) -> None:
        """Open ``cards`` in the Team view and put its entry in the navigation."""
        view = self.ensure_team_view()
        view.set_cards(cards)
        self._show_team_entry()

    def ensure_team_view(self) -> TeamView:
        """Build the Team view on first use."""
        if self.team_view is None:
            from desktop_app.ui import team_view as team_module  # pyqtgraph loads here

            view = team_module.TeamView(self.tasks, self.team_page)
            view.open_requested.connect(self.open_team_cards)
            view.close_requested.connect(self.close_team)
            layout = self.team_page.layout()
            assert layout is not None
            layout.addWidget(view)
            self.team_view = view
        return self.team_view

    def close_team(self) -> None:
        """Close the team's cards: the Team entry leaves the navigation (the files stay)."""
        if self.team_view is None:
            return
        shown = self.stack.currentWidget() is self.team_page
        self.team_view.clear()
        self._show_team_entry()
        if self._db is not None and count_sessions(self._db) == 0:
            self.outer_stack.setCurrentWidget(self.first_run)  # nothing else to show
            self._refresh_chrome()
        elif shown:
            self.show_view("sessions")

    def _show_team_entry(self) -> None:
        """The Team entry is in the navigation (and Ctrl+4 works) while cards are open."""
        self.nav.item(len(VIEWS) - 1).setHidden(not self.team_open)
        self.menu_actions["view_team"].setVisible(self.team_open)

    def _team_follows_database(self, demo: bool) -> None:
        """A demo brings its team of 8 people's cards; leaving it takes them away (cards the
        user opened stay open across databases)."""
        if demo:
            from desktop_app.ui.team_view import CardSet

            self.show_team(CardSet(demo=True))
        elif self.team_view is not None and self.team_view.cards.demo:
            self.team_view.clear()
            self._show_team_entry()

    def _data_changed(self) -> None:
        """Ratings or sessions changed: the Value view recomputes now if shown, else when shown."""
        self._value_stale = True
        self.suggestions.refresh()
        if self.stack.currentWidget() is self.value_page:
            self.ensure_value_view()

    @Slot(object)
    def _on_value_view_sessions_requested(self, query: SessionQuery) -> None:
        self.sessions_view.show_query(query)
        self.show_view("sessions")

    @Slot(int)
    def _on_reflect_sample_size_changed(self, size: int) -> None:
        self.settings.sample_size = size

    @Slot()
    def _on_find_triggered(self) -> None:
        self.show_view("sessions")
        self.sessions_view.filters.focus_search()

    @Slot()
    def _on_add_label_requested(self) -> None:
        if self._db is None:
            return
        name, ok = QInputDialog.getText(self, "Add a label", "New label:")
        if ok:
            self.controller.add_label(name)

    @Slot()
    def _on_lists_triggered(self) -> None:
        if self._db is None:
            return
        from desktop_app.ui.lists_dialog import ListsDialog

        ListsDialog(self.controller, self).exec()

    @Slot()
    def _on_controller_lists_changed(self) -> None:
        self.sessions_view.refresh()
        self.reflect_view.panel.set_choices(*self._choices())

    def _choices(self) -> tuple[list[str], list[str]]:
        assert self._db is not None
        return list_labels(self._db), list_reasons(self._db)

    @property
    def busy(self) -> bool:
        """True while the demo data is being built."""
        return self._demo_task is not None and self._demo_task.running

    @Slot()
    def _on_first_run_demo_requested(self) -> None:
        if self._demo or self.busy:
            return
        task = self.tasks.start("demo", _build_demo, discard=_discard_demo)
        task.finished.connect(self._on_demo_task_finished)
        task.failed.connect(self._on_demo_task_failed)
        self._demo_task = task
        self._show_demo_busy(True)

    def _show_demo_busy(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy)
        self.first_run.demo_button.setEnabled(not busy)
        self.menu_actions["demo"].setEnabled(not busy)
        if busy:
            self.statusBar().showMessage("Building the demo data…")
        else:
            self.statusBar().clearMessage()

    @Slot(object)
    def _on_demo_task_finished(self, demo: DemoDatabase) -> None:
        self._demo_task = None
        self._show_demo_busy(False)
        if self._demo or self.imports.running:
            # An import started meanwhile: it goes to the user's own data, which stays shown.
            demo.close()
            return
        if not self.open_database(demo.path, demo=True):
            demo.close()
            return
        self._owned_demo = demo

    @Slot(str)
    def _on_demo_task_failed(self, detail: str) -> None:
        # A bug, not user input: show it, keep the window usable.
        self._demo_task = None
        self._show_demo_busy(False)
        show_error(self, "The demo data could not be created.", detail)

    @Slot()
    def _on_leave_demo_triggered(self) -> None:
        if self._real_path is None:
            return
        self.open_database(self._real_path, demo=False)
        if self._owned_demo is not None:
            self._owned_demo.close()
            self._owned_demo = None

    @Slot()
    def _on_about_triggered(self) -> None:
        from desktop_app.ui.about_dialog import AboutDialog

        AboutDialog(self._db_path, demo=self._demo, parent=self).exec()

    # --- importing ---------------------------------------------------------------------------

    def _import_target(self) -> Path:
        """Where an import goes: the user's own data, never the throwaway demo."""
        if self._demo and self._real_path is not None:
            self._on_leave_demo_triggered()
        return self._db_path

    def _index_if_needed(self) -> None:
        """Build what a quit, a crash or an import left of the search index, in the background."""
        if self._db is not None and not index_complete(self._db):
            self.indexing.start(self._db_path)

    @Slot(object)
    def _on_indexing_coverage_changed(self, coverage: float | None) -> None:
        self.sessions_view.search_coverage = coverage

    @Slot()
    def _on_indexing_finished(self) -> None:
        """Searches cover every message now; what other connections wrote meanwhile shows too."""
        self.watch.mark_seen()
        self._on_watch_changed()

    @Slot(object)
    def _on_imports_imported(self, _report: ImportReport) -> None:
        if self._db is None:
            return
        self._index_if_needed()
        self.watch.mark_seen()  # the import's commits are shown below
        if self.outer_stack.currentWidget() is self.first_run:
            if count_sessions(self._db) > 0:
                self.open_database(self._db_path, demo=self._demo)
        else:
            self.sessions_view.refresh()
            self.reflect_view.panel.set_choices(*self._choices())
            self.update_status()
            self._data_changed()
            self._refresh_evidence()

    # --- sharing the database with the command line and other processes ------------------------

    @Slot()
    def _on_watch_changed(self) -> None:
        """Another connection committed (the command line imported or rated, say): show it as an
        import in the window would, without moving the selection or the scroll position."""
        if self._db is None or self.imports.running or self.indexing.running:
            # The window's own import refreshes everything when it ends; so does the index,
            # whose commits would otherwise refresh the views every poll.
            return
        if self.outer_stack.currentWidget() is self.first_run:
            if count_sessions(self._db) > 0:
                self.open_database(self._db_path, demo=self._demo)
            return
        self.sessions_view.refresh_quietly()
        self.reflect_view.panel.set_choices(*self._choices())
        if self.reflect_view.isVisible():
            self.reflect_view.refresh_weeks()
        self.update_status()
        self._data_changed()
        self._refresh_evidence()

    @Slot(str)
    def _on_writes_waiting_changed(self, what: str) -> None:
        if what:
            whose = "the" if self.imports.running else "another Worthwhile"
            self.writes_waiting.setText(
                f"Waiting for {whose} import to finish… your {what} will be saved")
        self.writes_waiting.setVisible(bool(what))
        # Undo and redo wait in line too: the step they will take may not be on the stack yet.
        undo, redo = self.menu_actions["undo"], self.menu_actions["redo"]
        undo.setEnabled(bool(what) or self.undo_stack.canUndo())
        redo.setEnabled(bool(what) or self.undo_stack.canRedo())

    @Slot()
    def _on_writes_saved(self) -> None:
        self.statusBar().showMessage("Your changes are saved.", 4000)
        if self._close_when_saved:
            self.close()

    def bring_to_front(self) -> None:
        """Another start of Worthwhile on this database asked for this window."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def _close_waits_for_writes(self) -> bool:
        """True when closing must wait: changes to the user's own data are not saved yet (a
        second close offers to quit without them)."""
        writes = self.controller.writes
        if not writes.pending or self._demo:
            return False
        if not self._close_when_saved:
            self._close_when_saved = True
            self.writes_waiting.setText(self.writes_waiting.text()
                                        + ". Worthwhile closes once it is saved.")
            return True
        answer = QMessageBox.question(
            self, "Quit without saving?",
            f"{writes.pending} change{'s' if writes.pending != 1 else ''} you made still "
            "wait for another Worthwhile import to finish. Quit now and lose "
            f"{'them' if writes.pending != 1 else 'it'}?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return True
        writes.drop_waiting()
        return False

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.imports.dropped_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self.imports.dropped_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.imports.start(paths)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted_on_show:
            # Only a shown window knows its frame (title bar, borders): fit that onto the screen.
            self._fitted_on_show = True
            if not (self.isMaximized() or self.isFullScreen()):
                self.fit_to_screen()
            self.chart_preload.start()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._close_waits_for_writes():
            event.ignore()
            return
        # Cancel and wait: an import puts back the file being read; other results are dropped.
        self.tasks.stop_all()
        if self.presenting:
            # Off before the layout is remembered (its wider columns are not the usual ones) and
            # the application font put back (the application may outlive the window).
            self.set_presentation(False)
        if self.outer_stack.currentWidget() is self.body and self.remember_layout:
            focused = self.focusWidget()
            if focused is not None:
                focused.clearFocus()  # commits a note or minutes being typed
            self.save_layout()
        self._close_db()
        if self._owned_demo is not None:
            self._owned_demo.close()
            self._owned_demo = None
        super().closeEvent(event)
