"""The Sessions view: filters and search, the session table, the transcript and the rating panel."""

from __future__ import annotations

import logging
from array import array
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import partial
from pathlib import Path

from PySide6.QtCore import (
    QByteArray,
    QItemSelection,
    QItemSelectionModel,
    QPoint,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMenu,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from desktop_app.domain import Rating, SessionRow, Verdict
from desktop_app.metrics.suggest import Suggestion
from desktop_app.rules import unsearchable_text
from desktop_app.store import (
    SessionQuery,
    count_sessions,
    get_rating,
    get_transcript,
    list_labels,
    list_reasons,
)
from desktop_app.store.evidence import session_evidence
from desktop_app.store.imports import session_extras
from desktop_app.store.sessions import (
    QueryCancelledError,
    count_unsearchable,
    session_key_array,
    tools_present,
)
from desktop_app.ui.filter_bar import FilterBar
from desktop_app.ui.rating import RatingController
from desktop_app.ui.rating_panel import RatingPanel
from desktop_app.ui.session_model import (
    COL_DATE,
    COL_DURATION,
    COL_LABELS,
    COL_MESSAGES,
    COL_MINUTES,
    COL_MODEL,
    COL_TITLE,
    COL_TOKENS,
    COL_TOOL,
    COL_VERDICT,
    COLUMNS,
    SESSION_ID_ROLE,
    SessionTableModel,
)
from desktop_app.ui.tasks import TaskCancelledError, TaskContext, TaskRunner
from desktop_app.ui.transcript_view import TranscriptView

log = logging.getLogger(__name__)

_COLUMN_WIDTHS = {COL_DATE: 122, COL_TOOL: 88, COL_TITLE: 280, COL_MESSAGES: 70, COL_DURATION: 70,
                  COL_MODEL: 130, COL_TOKENS: 62, COL_VERDICT: 78, COL_MINUTES: 62,
                  COL_LABELS: 110}
#: Shown when asked for (the header's context menu): a laptop-wide table has no room for them.
HIDDEN_BY_DEFAULT = (COL_MESSAGES, COL_DURATION, COL_MODEL, COL_TOKENS)


#: Above this many selected sessions the panel does not read every rating to show what they share.
COMMON_RATING_LIMIT = 500
#: Above this many changed ratings the table reads its rows again instead of finding each one.
LARGE_CHANGE = 500
#: The task key of the query running off the GUI thread (a newer one drops the older).
SEARCH_TASK = "session-search"
#: Up to this many sessions, a query without a search takes a few milliseconds: it is read on
#: the GUI thread, at once. Beyond, sorting or filtering can take 0.1 s: off the GUI thread too.
SYNC_UP_TO = 20_000


def _search_keys(query: SessionQuery, context: TaskContext) -> array[int]:
    """On a worker thread: the keys of ``query``'s sessions; stops when typed past."""
    try:
        return session_key_array(context.db, query, cancelled=lambda: context.cancelled)
    except QueryCancelledError:
        raise TaskCancelledError from None


def _content(row: SessionRow | None) -> SessionRow | None:
    """A session as its transcript shows it (its rating left out: the panel shows that)."""
    return None if row is None else replace(row, rating=Rating())


class SessionsView(QWidget):
    """Browse, search and rate sessions. Ratings go through the shared RatingController."""

    selection_changed = Signal()
    #: The Delete key or the context menu's "Delete…" on the selected sessions.
    delete_requested = Signal()
    #: Sessions the filters let through, and sessions in the database (equal when unfiltered).
    rows_shown = Signal(int, int)
    #: Share of messages a search covers while the index is being built (None: all of them).
    search_coverage: float | None = None

    def __init__(self, controller: RatingController, parent: QWidget | None = None,
                 tasks: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sessionsView")
        self.controller = controller
        #: Runs searches off the GUI thread (the window's runner; a view of its own has its own).
        self.tasks = tasks or TaskRunner(self)
        self._db: Database | None = None
        #: The database file, for the search's own connection (None: searches run here).
        self._db_path: Path | None = None
        self.model: SessionTableModel | None = None
        #: The query whose search runs off the GUI thread (None: the table shows what is asked).
        self._pending: SessionQuery | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.filters = FilterBar(self)
        self.filters.query_changed.connect(self._on_filters_query_changed)
        self.filters.results_requested.connect(self.focus_results)
        layout.addWidget(self.filters)
        # While searching: the sessions an import rule keeps without text cannot be found.
        self.unsearchable_note = QLabel(self)
        self.unsearchable_note.setObjectName("unsearchableNote")
        self.unsearchable_note.setContentsMargins(10, 0, 10, 4)
        self.unsearchable_note.setVisible(False)
        layout.addWidget(self.unsearchable_note)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("sessionsSplitter")
        self.table = QTableView(self.splitter)
        self.table.setObjectName("sessionTable")
        self.table.setAccessibleName("Sessions")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        # Every row the same height: a new result of 96k rows is laid out without asking each
        # (showing one took 10-30 ms with resizable rows, 8-9 ms fixed).
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSectionsMovable(True)
        header.setStretchLastSection(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_context_menu_requested)
        self.column_menu: QMenu | None = None
        header.setSortIndicator(COL_DATE, Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self._on_header_sort_indicator_changed)
        # Delete acts on the table only: in the search box or a note it deletes characters.
        self.delete_action = QAction("&Delete…", self.table)
        self.delete_action.setObjectName("deleteSessions")
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(self.delete_requested)
        self.table.addAction(self.delete_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu_requested)
        self.row_menu: QMenu | None = None

        right = QSplitter(Qt.Orientation.Vertical, self.splitter)
        right.setObjectName("transcriptSplitter")
        self.transcript = TranscriptView(right)
        self.panel = RatingPanel(right)
        right.addWidget(self.transcript)
        right.addWidget(self.panel)
        right.setStretchFactor(0, 1)
        right.setStretchFactor(1, 0)
        right.setCollapsible(1, False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([760, 520])
        layout.addWidget(self.splitter, 1)

        self.panel.verdict_chosen.connect(self._on_panel_verdict_chosen)
        controller.follow_panel(self.panel, lambda: self._panel_ids)
        controller.ratings_changed.connect(self._on_controller_ratings_changed)
        self._panel_ids: list[str] = []
        #: Suggested verdicts by session id (ui/suggestions.py), shown for unrated sessions.
        self._suggestions: Mapping[str, Suggestion] = {}
        self._quiet = False  # True while refresh_quietly puts the selection back
        self._masked = False
        #: Columns are this much wider than remembered (presentation mode's larger font), and
        #: the widths they had before, to put back.
        self._column_scale = 1.0
        self._unscaled_widths: dict[int, int] | None = None

    # --- database --------------------------------------------------------------------------

    def set_db(self, db: Database, filter_state: dict[str, str] | None = None,
               path: Path | None = None) -> None:
        """Show the sessions of ``db`` (the file at ``path``: searches then run off the GUI
        thread on a connection of their own), with saved filters if given."""
        self.tasks.drop(SEARCH_TASK)
        self._pending = None
        self._db = db
        self._db_path = path
        old = self.model
        self.filters.set_choices(tools_present(db), list_labels(db))
        if filter_state is not None:
            self.filters.set_state(filter_state)
        self.panel.set_choices(list_labels(db), list_reasons(db))
        query = self.filters.query()
        self._apply_header_sort(query)
        # Saved filters never hold a search: the first rows are read here, once.
        self.model = SessionTableModel(db, self, query)
        # The view shows the first page at once: read it here, where an error (a damaged page)
        # reaches the caller instead of being lost inside Qt's painting.
        self.model.session_at(0)
        self.model.set_masked(self._masked)
        self.model.set_suggestions(self._suggestions)
        self.table.setModel(self.model)
        self.reset_columns()
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        if old is not None:
            old.deleteLater()
        self.select_row(0)
        self._show_count()

    def set_masked(self, masked: bool) -> None:
        """Presentation mode: titles, projects, transcript text, notes and reasons are shown as
        stand-ins (counts, dates, tools, verdicts and labels stay)."""
        self._masked = masked
        if self.model is not None:
            self.model.set_masked(masked)
        self.transcript.set_masked(masked)
        self.panel.set_masked(masked)

    def set_suggestions(self, suggestions: Mapping[str, Suggestion]) -> None:
        """Show suggested verdicts in the table and the rating panel."""
        self._suggestions = suggestions
        if self.model is not None:
            self.model.set_suggestions(suggestions)
        ids = self._panel_ids
        self.panel.show_suggestion(suggestions.get(ids[0]) if len(ids) == 1 else None)

    # --- columns ---------------------------------------------------------------------------

    def reset_columns(self) -> None:
        """Default columns: order, widths, the less important ones hidden, the title stretched."""
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS)):
            header.moveSection(header.visualIndex(column), column)
        for column, width in _COLUMN_WIDTHS.items():
            header.resizeSection(column, width)
        for column in range(len(COLUMNS)):
            header.setSectionHidden(column, column in HIDDEN_BY_DEFAULT)
        self.fit_title()
        self._scale_columns()

    def restore_columns(self, state: QByteArray) -> None:
        """Columns as saved by ``horizontalHeader().saveState()``, the title still stretched."""
        header = self.table.horizontalHeader()
        if not header.restoreState(state):
            self.reset_columns()
            return
        if header.isSectionHidden(COL_TITLE):
            header.setSectionHidden(COL_TITLE, False)
        self.fit_title()
        self._scale_columns()

    def set_column_scale(self, scale: float) -> None:
        """Widen the shown columns for a font ``scale`` times larger (presentation mode); 1.0
        puts back the widths they had, so that the widths remembered are the usual ones."""
        header = self.table.horizontalHeader()
        if self._unscaled_widths is not None:
            for column, width in self._unscaled_widths.items():
                header.resizeSection(column, width)
        self._unscaled_widths = None
        self._column_scale = scale
        self._scale_columns()

    def _scale_columns(self) -> None:
        """Columns just set to their usual widths, widened by the scale in use."""
        self._unscaled_widths = None
        if self._column_scale == 1.0:
            return
        header = self.table.horizontalHeader()
        # The title stretches, and labels are elided anyway: the others must show whole.
        self._unscaled_widths = {c: header.sectionSize(c) for c in range(len(COLUMNS))
                                 if c not in (COL_TITLE, COL_LABELS)
                                 and not header.isSectionHidden(c)}
        for column, width in self._unscaled_widths.items():
            header.resizeSection(column, round(width * self._column_scale))

    def fit_title(self) -> None:
        """The title gets what the other columns leave; every other column keeps its width."""
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)

    def visible_columns(self) -> list[int]:
        """The shown columns, left to right."""
        header = self.table.horizontalHeader()
        return [header.logicalIndex(v) for v in range(header.count())
                if not header.isSectionHidden(header.logicalIndex(v))]

    def set_column_shown(self, column: int, shown: bool) -> None:
        """Show or hide a column (the title is always shown)."""
        if column == COL_TITLE or not 0 <= column < len(COLUMNS):
            return
        header = self.table.horizontalHeader()
        header.setSectionHidden(column, not shown)
        if shown and header.sectionSize(column) < header.minimumSectionSize():
            header.resizeSection(column, _COLUMN_WIDTHS.get(column, 80))

    def _build_column_menu(self) -> QMenu:
        menu = QMenu(self.table)
        menu.setObjectName("columnMenu")
        header = self.table.horizontalHeader()
        for visual in range(header.count()):
            column = header.logicalIndex(visual)
            action = menu.addAction(COLUMNS[column][0])
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setEnabled(column != COL_TITLE)
            action.toggled.connect(
                lambda shown, column=column: self.set_column_shown(column, shown))
        menu.addSeparator()
        menu.addAction("Default columns", self.reset_columns)
        return menu

    @Slot(QPoint)
    def _on_header_context_menu_requested(self, pos: QPoint) -> None:
        if self.model is None:
            return
        if self.column_menu is not None:
            self.column_menu.deleteLater()
        self.column_menu = self._build_column_menu()
        self.column_menu.popup(self.table.horizontalHeader().mapToGlobal(pos))

    @Slot(QPoint)
    def _on_table_context_menu_requested(self, pos: QPoint) -> None:
        if self.model is None or not self.selected_ids():
            return
        if self.row_menu is not None:
            self.row_menu.deleteLater()
        n = len(self.selected_ids())
        self.delete_action.setText("&Delete…" if n == 1 else f"&Delete {n:,} Sessions…")
        menu = QMenu(self.table)
        menu.setObjectName("sessionMenu")
        menu.addAction(self.delete_action)
        self.row_menu = menu
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _apply_header_sort(self, query: SessionQuery) -> None:
        keys = [key for _name, key in COLUMNS]
        column = keys.index(query.order_by) if query.order_by in keys else COL_DATE
        order = Qt.SortOrder.DescendingOrder if query.descending else Qt.SortOrder.AscendingOrder
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(column, order)
        header.blockSignals(False)

    def refresh(self) -> None:
        """Re-read everything (after an import, say), keeping filters and the selection."""
        if self._db is None or self.model is None:
            return
        keep = self.selected_ids()
        rows = [index.row() for index in self.table.selectionModel().selectedRows()]
        current = self.table.currentIndex()
        # If the selected sessions are gone (deleted): the row where the first of them was.
        fallback = min(rows) if rows else current.row() if current.isValid() else 0
        self.filters.set_choices(tools_present(self._db), list_labels(self._db))
        self.panel.set_choices(list_labels(self._db), list_reasons(self._db))
        # The filters' query, not the model's: a tool that is gone (its sessions deleted) falls
        # back to "All tools" in the filter bar, and the table follows what the bar shows.
        self._load(self.filters.query(), lambda: self._reselect(keep, fallback))

    def refresh_quietly(self) -> None:
        """Re-read after a change made elsewhere (the command line, another process) without
        moving what the user looks at: the selection stays, the table stays scrolled where it
        was (at the top, new sessions come into view there; lower down, the top row stays put),
        and the transcript being read is shown again only if that session itself changed."""
        if self._db is None or self.model is None:
            return
        keep = self.selected_ids()
        before = [self.model.session_at(self.model.row_of(sid)) for sid in keep[:1]]
        vbar, hbar = self.table.verticalScrollBar(), self.table.horizontalScrollBar()
        at_top, hpos = vbar.value() == 0, hbar.value()
        top_row = self.table.rowAt(0)
        top = self.model.session_at(top_row) if top_row >= 0 else None
        self.filters.set_choices(tools_present(self._db), list_labels(self._db))
        self.panel.set_choices(list_labels(self._db), list_reasons(self._db))
        self._load(self._pending or self.model.query(),
                   partial(self._after_quiet_reload, keep, before, at_top, hpos, top),
                   quiet=True)

    def _after_quiet_reload(self, keep: list[str], before: list[SessionRow | None],
                            at_top: bool, hpos: int, top: SessionRow | None) -> None:
        """``refresh_quietly``'s second half, once the rows are read again."""
        assert self.model is not None
        assert self._db is not None
        vbar, hbar = self.table.verticalScrollBar(), self.table.horizontalScrollBar()
        self._quiet = True
        try:
            self._reselect(keep)
        finally:
            self._quiet = False
        row = self.model.row_of(top.id) if top is not None and not at_top else -1
        if row >= 0:
            self.table.scrollTo(self.model.index(row, COL_DATE),
                                QAbstractItemView.ScrollHint.PositionAtTop)
        elif at_top:
            vbar.setValue(0)
        hbar.setValue(hpos)
        self._show_count()
        if self.selected_ids() != keep:
            self._show_selection()
            self.selection_changed.emit()
            return
        after = [self.model.session_at(self.model.row_of(sid)) for sid in keep[:1]]
        if len(keep) == 1 and _content(before[0]) != _content(after[0]):
            self._show_selection()  # the session being read grew (or its title changed)
        elif len(keep) == 1:
            self.panel.show_rating(get_rating(self._db, keep[0]))
        elif keep:
            self._show_common_rating(keep)

    # --- selection -------------------------------------------------------------------------

    def selected_ids(self) -> list[str]:
        """Ids of the selected sessions, in table order."""
        if self.model is None:
            return []
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        ids = [self.model.index(row, 0).data(SESSION_ID_ROLE) for row in rows]
        return [sid for sid in ids if isinstance(sid, str)]

    def select_row(self, row: int) -> None:
        """Make ``row`` the current, only selected row (if it exists)."""
        if self.model is None or self.model.rowCount() == 0:
            self._show_selection()
            return
        row = max(0, min(row, self.model.rowCount() - 1))
        index = self.model.index(row, COL_DATE)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        # Scroll vertically only: keep the columns the user is looking at.
        hbar = self.table.horizontalScrollBar().value()
        self.table.scrollTo(index)
        self.table.horizontalScrollBar().setValue(hbar)

    @Slot()
    def focus_results(self) -> None:
        """Into the session table from the search box: the first row selected if none is."""
        if self.model is None:
            return
        if not self.table.selectionModel().hasSelection():
            self.select_row(0)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def step_selection(self, step: int) -> None:
        """J/K: the next or previous session."""
        current = self.table.currentIndex()
        self.select_row((current.row() if current.isValid() else -1) + step)

    def _reselect(self, ids: list[str], fallback: int = 0) -> None:
        if self.model is None:
            return
        rows = [r for r in (self.model.row_of(sid) for sid in ids) if r >= 0]
        if not rows:
            self.select_row(fallback)
            return
        self.select_row(rows[0])
        selection = self.table.selectionModel()
        for row in rows[1:]:
            selection.select(self.model.index(row, 0),
                             QItemSelectionModel.SelectionFlag.Select
                             | QItemSelectionModel.SelectionFlag.Rows)

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(self, _selected: QItemSelection,
                                    _deselected: QItemSelection) -> None:
        if self._quiet:
            return  # refresh_quietly decides what to show again
        self._show_selection()
        self.selection_changed.emit()

    def _show_selection(self) -> None:
        if self.model is None or self._db is None:
            return
        ids = self.selected_ids()
        self._panel_ids = ids
        self.panel.show_suggestion(self._suggestions.get(ids[0]) if len(ids) == 1 else None)
        if not ids:
            text = ("No sessions match these filters." if self.model.rowCount() == 0
                    and self.filters.is_filtered() else "Select a session to read its transcript.")
            self.transcript.show_placeholder(text)
            self.panel.show_evidence(None)
            self.panel.show_rating(None)
            return
        if len(ids) > 1:
            self.transcript.show_placeholder(
                f"{len(ids):,} sessions selected. U, N or 0 rates them all; Ctrl+Z undoes.")
            self._show_common_rating(ids)
            return
        row = self.model.session_at(self.table.currentIndex().row())
        if row is None or row.id != ids[0]:
            row = self.model.session_at(self.model.row_of(ids[0]))
        if row is None:
            return
        self.transcript.show_session(row, get_transcript(self._db, row.id),
                                     search=self.filters.query().search,
                                     extras=session_extras(self._db, row.id))
        self.panel.show_evidence(session_evidence(self._db, row.id))
        self.panel.show_rating(get_rating(self._db, row.id))

    def refresh_evidence(self) -> None:
        """The evidence cache was brought up to date: show the selected session's again."""
        if self._db is not None and len(self._panel_ids) == 1:
            self.panel.show_evidence(session_evidence(self._db, self._panel_ids[0]))

    def _show_common_rating(self, ids: list[str]) -> None:
        """The panel for a selection: what the sessions share (skipped for huge selections)."""
        assert self._db is not None
        if len(ids) > COMMON_RATING_LIMIT:
            self.panel.show_rating(Rating(), count=len(ids))
            return
        ratings = [get_rating(self._db, sid) for sid in ids]
        self.panel.show_rating(self._common(ratings), count=len(ids),
                               partial_labels=self._partial_labels(ratings))

    @staticmethod
    def _common(ratings: list[Rating]) -> Rating:
        """What a selection has in common (differences shown as empty)."""
        first = ratings[0]

        def same(attr: str) -> bool:
            return all(getattr(r, attr) == getattr(first, attr) for r in ratings)

        common_labels = tuple(x for x in first.labels if all(x in r.labels for r in ratings))
        return Rating(
            verdict=first.verdict if same("verdict") else Verdict.UNRATED,
            minutes_saved=first.minutes_saved if same("minutes_saved") else None,
            labels=common_labels,
            reason=first.reason if same("reason") else None,
            note=first.note if same("note") else None,
        )

    @staticmethod
    def _partial_labels(ratings: list[Rating]) -> tuple[str, ...]:
        every = set.intersection(*(set(r.labels) for r in ratings))
        some = set().union(*(set(r.labels) for r in ratings))
        return tuple(sorted(some - every))

    # --- rating ----------------------------------------------------------------------------

    def rate(self, verdict: Verdict) -> bool:
        """U / N / 0 on the selection."""
        return self.controller.set_verdict(self.selected_ids(), verdict)

    @Slot(object)
    def _on_panel_verdict_chosen(self, verdict: Verdict) -> None:
        if not self.controller.set_verdict(self._panel_ids, verdict):
            self._show_selection()  # a click on the checked button: show the state again

    @Slot(list)
    def _on_controller_ratings_changed(self, ids: list[str]) -> None:
        if self.model is None or self._db is None:
            return
        if len(ids) > LARGE_CHANGE:  # thousands of suggestions accepted: read the rows again
            self.refresh_quietly()
            return
        for sid in ids:
            self.model.refresh_session(sid)
        selected = self.selected_ids()
        if set(ids) & set(selected):
            if len(selected) == 1:
                self.panel.show_rating(get_rating(self._db, selected[0]))
            else:
                self._show_common_rating(selected)

    # --- filters and sorting ---------------------------------------------------------------

    def show_query(self, query: SessionQuery) -> None:
        """Show the sessions of a chart's period or group (tool, label and date range)."""
        self.filters.show_query(query)

    @Slot(object)
    def _on_filters_query_changed(self, query: SessionQuery) -> None:
        if self.model is not None and query != self._pending:  # (Enter while it runs: let it)
            self._load(query)

    # --- loading ---------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while a query runs off the GUI thread (the table shows the last result)."""
        return self._pending is not None

    def _load(self, query: SessionQuery, after: Callable[[], None] | None = None, *,
              quiet: bool = False) -> None:
        """Show ``query``'s sessions; then ``after()`` puts back what the user looked at
        (default: the selected sessions that are still shown, else the first row).

        A search reads every matching message: it runs off the GUI thread, the count saying
        so, while the table keeps the last result; a newer query drops it, running or not (its
        result is never shown). So does any query over many sessions (a sort, a filter); in a
        smaller database the others are read here at once.
        """
        assert self.model is not None
        assert self._db is not None
        self.tasks.drop(SEARCH_TASK)
        if self._db_path is not None and (
                query.search or count_sessions(self._db) > SYNC_UP_TO):
            self._pending = query
            task = self.tasks.start(SEARCH_TASK, partial(_search_keys, query),
                                    db_path=self._db_path)
            task.finished.connect(partial(self._show_loaded, query, after, quiet))
            task.failed.connect(self._on_search_failed)
            task.cancelled.connect(self._on_search_cancelled)
            self._show_count()
            return
        self._pending = None
        self._show_loaded(query, after, quiet, session_key_array(self._db, query))

    def _show_loaded(self, query: SessionQuery, after: Callable[[], None] | None, quiet: bool,
                     keys: array[int]) -> None:
        if self.model is None:
            return
        self._pending = None
        keep = self.selected_ids()
        self._quiet = quiet
        try:
            self.model.show_keys(query, keys)
        finally:
            self._quiet = False
        if after is None:
            self._reselect(keep)
        else:
            after()
        self._show_count()

    @Slot(str)
    def _on_search_failed(self, detail: str) -> None:
        self._pending = None
        log.error("The search could not be run\n%s", detail)
        self._show_count()

    @Slot()
    def _on_search_cancelled(self) -> None:
        self._pending = None
        self._show_count()

    def _show_count(self) -> None:
        """The one place that says how many sessions are shown (and whether a search runs)."""
        if self.model is None:
            return
        if self._pending is not None:
            if self._pending.search:
                self.filters.set_count("Searching…")
            return
        n = self.model.rowCount()
        filtered = self.filters.is_filtered()
        count = f"{n:,} match{'es' if n != 1 else ''}" if filtered else ""
        query = self.filters.query()
        partial = ""
        if count and query.search and self.search_coverage is not None:  # see ui/indexing.py
            share = int(self.search_coverage * 100)
            count += f" · {share} % indexed"
            partial = (f"Searching {share} % of messages: the search index is still being "
                       "built; the rest is found once it is done")
        self.filters.set_count(count)
        self.filters.count.setToolTip(partial)
        total = count_sessions(self._db) if filtered and self._db is not None else n
        unsearchable = (count_unsearchable(self._db, query)
                        if query.search and self._db is not None else 0)
        self.unsearchable_note.setText(f"{unsearchable_text(unsearchable)}." if unsearchable
                                       else "")
        self.unsearchable_note.setVisible(bool(unsearchable))
        self.rows_shown.emit(n, total)

    @Slot(int, Qt.SortOrder)
    def _on_header_sort_indicator_changed(self, column: int, order: Qt.SortOrder) -> None:
        if self.model is None or not 0 <= column < len(COLUMNS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self.filters.set_order(COLUMNS[column][1], descending)
        self._load(self.filters.query())
