"""The session table's model: keys of the current SQL query, row data read lazily in pages."""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import replace

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont
from sqlite_utils import Database

from desktop_app.domain import SessionRow, Verdict
from desktop_app.importers.registry import display_name
from desktop_app.metrics.suggest import Suggestion
from desktop_app.store import SessionQuery, session_key, session_rows
from desktop_app.store.sessions import search_snippet, session_key_array
from desktop_app.ui import formatting
from desktop_app.ui.presentation import HIDDEN, masked_title
from desktop_app.ui.theme import colors

ModelIndex = QModelIndex | QPersistentModelIndex

#: (header, sort key in store.SORT_COLUMNS), in the order they are shown: what a session was and
#: what you made of it first, so a narrow window shows them without scrolling.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Date", "date"),
    ("Tool", "tool"),
    ("Title", "title"),
    ("Verdict", "verdict"),
    ("Minutes", "minutes"),
    ("Labels", "labels"),
    ("Messages", "messages"),
    ("Duration", "duration"),
    ("Model", "model"),
    ("Tokens", "tokens"),
)
COL_DATE, COL_TOOL, COL_TITLE, COL_VERDICT, COL_MINUTES, COL_LABELS, COL_MESSAGES, \
    COL_DURATION, COL_MODEL, COL_TOKENS = range(len(COLUMNS))
_NUMERIC = {COL_MESSAGES, COL_DURATION, COL_TOKENS, COL_MINUTES}

SESSION_ID_ROLE = Qt.ItemDataRole.UserRole + 1

#: Rows read from SQLite at a time: a screenful or two (a jump of the scroll bar reads a page or
#: two, a millisecond each), and the pages kept.
PAGE_SIZE = 50
MAX_PAGES = 100

# The table asks ``data`` for some ten roles of every cell it paints, from C++: the roles (ints)
# and answers that need no row are worked out once here, so that a frame stays cheap.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_SESSION_ID = int(SESSION_ID_ROLE)
_FONT = int(Qt.ItemDataRole.FontRole)  # a suggested verdict is italic
_ROLES = frozenset({_DISPLAY, _TOOLTIP, _ALIGNMENT, _FOREGROUND, _SESSION_ID, _FONT})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class SessionTableModel(QAbstractTableModel):
    """Rows are the sessions of a :class:`SessionQuery`; only visible pages are read from SQLite."""

    def __init__(self, db: Database, parent: QObject | None = None,
                 query: SessionQuery | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._query = query or SessionQuery()
        self._keys: array[int] = array("q")
        self._pages: OrderedDict[int, dict[int, SessionRow]] = OrderedDict()
        #: Presentation mode: titles and projects are shown as neutral stand-ins.
        self._masked = False
        #: Suggested verdicts of unrated sessions, shown faintly in the verdict column.
        self._suggestions: Mapping[str, Suggestion] = {}
        self._reload_keys()

    # --- querying ---------------------------------------------------------------------------

    def query(self) -> SessionQuery:
        """The query the rows come from."""
        return self._query

    def set_query(self, query: SessionQuery) -> None:
        """Show the sessions of ``query`` (filters, search and order are done in SQL), read here.

        A search reads many rows: the Sessions view runs it off the GUI thread
        (``session_key_array`` in a task) and hands its keys to ``show_keys``.
        """
        self.show_keys(query, session_key_array(self._db, query))

    def show_keys(self, query: SessionQuery, keys: array[int]) -> None:
        """Show ``keys``, the sessions of ``query`` in its order (as ``session_key_array`` reads
        them, perhaps on another thread); rows are read a page at a time when shown."""
        self.beginResetModel()
        self._query = query
        self._keys = keys
        self._pages.clear()
        self.endResetModel()
        if self._keys:
            # The view shows the first page at once: read it here, where an error (a damaged
            # page) reaches the caller instead of being lost inside Qt's painting.
            self._row(0)

    def reload(self) -> None:
        """Read the current query again (after an import, say)."""
        self.set_query(self._query)

    def _reload_keys(self) -> None:
        self._keys = session_key_array(self._db, self._query)
        self._pages.clear()

    def _row(self, row: int) -> SessionRow | None:
        page_no = row // PAGE_SIZE
        page = self._pages.get(page_no)
        if page is None:
            page_keys = self._keys[page_no * PAGE_SIZE:(page_no + 1) * PAGE_SIZE]
            page = session_rows(self._db, list(page_keys))
            self._pages[page_no] = page
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page.get(self._keys[row])

    def session_at(self, row: int) -> SessionRow | None:
        """The session shown in ``row``."""
        if 0 <= row < len(self._keys):
            return self._row(row)
        return None

    def row_of(self, session_id: str) -> int:
        """The row showing ``session_id``, or -1."""
        key = session_key(self._db, session_id)
        if key is None:
            return -1
        try:
            return self._keys.index(key)
        except ValueError:
            return -1

    def refresh_session(self, session_id: str) -> None:
        """Re-read one session (after a rating) and repaint its row only."""
        row = self.row_of(session_id)
        if row < 0:
            return
        self._pages.pop(row // PAGE_SIZE, None)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def set_masked(self, masked: bool) -> None:
        """Show titles and projects as stand-ins (presentation mode), or as they are."""
        if masked == self._masked:
            return
        self._masked = masked
        if self._keys:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._keys) - 1, len(COLUMNS) - 1))

    def set_suggestions(self, suggestions: Mapping[str, Suggestion]) -> None:
        """Show these suggested verdicts (by session id) for sessions without a verdict."""
        self._suggestions = suggestions
        if self._keys:
            self.dataChanged.emit(self.index(0, COL_VERDICT),
                                  self.index(len(self._keys) - 1, COL_VERDICT))

    def _suggestion(self, row: SessionRow) -> Suggestion | None:
        if row.rating.verdict is not Verdict.UNRATED:
            return None
        return self._suggestions.get(row.id)

    # --- Qt model interface ------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._keys)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section][0]
            if role == Qt.ItemDataRole.TextAlignmentRole and section in _NUMERIC:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _FLAGS

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> object:
        if role not in _ROLES:
            return None
        if role == _ALIGNMENT:
            return _RIGHT if index.column() in _NUMERIC and index.isValid() else None
        row_no = index.row()  # -1 for an invalid index
        if not 0 <= row_no < len(self._keys):
            return None
        row = self._row(row_no)
        if row is None:
            return None
        col = index.column()
        if col == COL_VERDICT and (suggested := self._suggestion(row)) is not None:
            return self._suggested(suggested, role)
        if role == _DISPLAY:
            if col == COL_TITLE and self._masked:
                return masked_title(row, with_day=False)  # the date is in its own column
            return self._display(row, col)
        if role == _TOOLTIP:
            if self._masked:
                return masked_title(row) if col == COL_TITLE else (
                    HIDDEN if col == COL_TOOL and row.project else None)
            if col == COL_TITLE:
                snippet = (search_snippet(self._db, row.id, self._query.search)
                           if self._query.search else None)
                return f"{row.title}\n\n{snippet}" if snippet else row.title
            if col == COL_TOOL and row.project:
                return row.project
            return None
        if role == _FOREGROUND and col == COL_VERDICT:
            verdict = row.rating.verdict
            if verdict is Verdict.USEFUL:
                return QColor(colors().useful)
            if verdict is Verdict.NOT_USEFUL:
                return QColor(colors().not_useful)
        if role == _SESSION_ID:
            return row.id
        return None

    @staticmethod
    def _suggested(suggestion: Suggestion, role: int) -> object:
        """The verdict cell of an unrated session with a suggestion: faint, italic, short (the
        probability is in the tooltip and the rating panel)."""
        if role == Qt.ItemDataRole.DisplayRole:
            return "useful?" if suggestion.verdict is Verdict.USEFUL else "not useful?"
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"Suggested: {suggestion.text}. Learned from your own ratings; not a "
                    "rating until you accept it (A).")
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(colors().muted)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setItalic(True)
            return font
        if role == SESSION_ID_ROLE:
            return suggestion.session_id
        return None

    @staticmethod
    def _display(row: SessionRow, col: int) -> str | int:
        rating = row.rating
        if col == COL_DATE:
            return formatting.local_time(row.started_at)
        if col == COL_TOOL:
            return display_name(row.tool_key)
        if col == COL_TITLE:
            return row.title
        if col == COL_MESSAGES:
            return row.messages
        if col == COL_DURATION:
            return formatting.duration(row.duration_seconds)
        if col == COL_MODEL:
            return row.model or ""
        if col == COL_TOKENS:
            if row.tokens_in is None and row.tokens_out is None:
                return ""
            return formatting.tokens((row.tokens_in or 0) + (row.tokens_out or 0))
        if col == COL_VERDICT:
            return formatting.verdict(rating.verdict)
        if col == COL_MINUTES:
            return formatting.minutes(rating.minutes_saved)
        if col == COL_LABELS:
            return ", ".join(rating.labels)
        return ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.set_query(replace(self._query, order_by=COLUMNS[column][1],
                               descending=order == Qt.SortOrder.DescendingOrder))
