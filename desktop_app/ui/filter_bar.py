"""The search box and filters above the session table; it produces a SessionQuery."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from desktop_app.domain import Verdict
from desktop_app.importers.registry import display_name
from desktop_app.store import SessionQuery

SEARCH_DEBOUNCE_MS = 250

PERIODS: tuple[tuple[str, str], ...] = (
    ("all", "All time"),
    ("7d", "Last 7 days"),
    ("30d", "Last 30 days"),
    ("90d", "Last 90 days"),
    ("12m", "Last 12 months"),
    ("custom", "Custom range…"),
)
VERDICTS: tuple[tuple[str, str], ...] = (
    ("", "Any verdict"),
    (Verdict.USEFUL.value, "Useful"),
    (Verdict.NOT_USEFUL.value, "Not useful"),
    (Verdict.UNRATED.value, "Not rated"),
)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time()).astimezone()


class FilterBar(QWidget):
    """Search (debounced) and filters; emits ``query_changed`` with the new query."""

    query_changed = Signal(object)  # SessionQuery
    #: Enter or Down in the search box: the user wants to go through the results.
    results_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)

        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setAccessibleName("Search sessions")
        self.search.setPlaceholderText("Search titles and messages (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._emit)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.returnPressed.connect(self._on_search_return_pressed)
        self.search.installEventFilter(self)

        self.tool = QComboBox()
        self.tool.setObjectName("toolFilter")
        self.tool.setAccessibleName("Tool filter")
        self.verdict = QComboBox()
        self.verdict.setObjectName("verdictFilter")
        self.verdict.setAccessibleName("Verdict filter")
        for key, text in VERDICTS:
            self.verdict.addItem(text, key)
        self.label = QComboBox()
        self.label.setObjectName("labelFilter")
        self.label.setAccessibleName("Label filter")
        self.period = QComboBox()
        self.period.setObjectName("periodFilter")
        self.period.setAccessibleName("Date filter")
        for key, text in PERIODS:
            self.period.addItem(text, key)
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addMonths(-1))
        self.date_from.setObjectName("dateFrom")
        self.date_from.setAccessibleName("From date")
        self.date_to = QDateEdit(today)
        self.date_to.setObjectName("dateTo")
        self.date_to.setAccessibleName("To date")
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setVisible(False)
            edit.dateChanged.connect(self._emit)
        self.has_note = QCheckBox("Has note")
        self.has_note.setObjectName("hasNoteFilter")
        self.count = QLabel()
        self.count.setObjectName("matchCount")
        self.clear = QPushButton("Clear filters")
        self.clear.setObjectName("clearFilters")
        self.clear.setAutoDefault(False)
        self.clear.clicked.connect(self.clear_filters)

        for combo in (self.tool, self.verdict, self.label, self.period):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self._on_filter_changed)
        self.has_note.toggled.connect(self._emit)

        layout.addWidget(self.search, 3)
        layout.addWidget(self.tool)
        layout.addWidget(self.verdict)
        layout.addWidget(self.label)
        layout.addWidget(self.period)
        layout.addWidget(self.date_from)
        layout.addWidget(self.date_to)
        layout.addWidget(self.has_note)
        layout.addWidget(self.count)
        layout.addWidget(self.clear)
        self._order_by = "date"
        self._descending = True
        self._muted = False

    def set_choices(self, tools: list[str], labels: list[str]) -> None:
        """The tools present in the database (``SessionRow.tool_key``: a source, or a generic
        row's own tool name) and the user's labels (keeps the selection)."""
        self._muted = True
        keep_tool, keep_label = self.tool.currentData(), self.label.currentData()
        self.tool.clear()
        self.tool.addItem("All tools", "")
        for tool in tools:
            self.tool.addItem(display_name(tool), tool)
        self.label.clear()
        self.label.addItem("Any label", "")
        for name in labels:
            self.label.addItem(name, name)
        self._select(self.tool, keep_tool or "")
        self._select(self.label, keep_label or "")
        self._muted = False

    @staticmethod
    def _select(combo: QComboBox, data: str) -> None:
        index = combo.findData(data)
        combo.setCurrentIndex(max(0, index))

    def set_state(self, state: dict[str, str]) -> None:
        """Restore saved filters (keys: tool, verdict, label, period, from, to, has_note);
        the search box is emptied (a search is not saved)."""
        self._muted = True
        self._debounce.stop()
        self.search.clear()
        self._select(self.tool, state.get("tool", ""))
        self._select(self.verdict, state.get("verdict", ""))
        self._select(self.label, state.get("label", ""))
        self._select(self.period, state.get("period", "all") or "all")
        for key, edit in (("from", self.date_from), ("to", self.date_to)):
            if state.get(key):
                parsed = QDate.fromString(state[key], "yyyy-MM-dd")
                if parsed.isValid():
                    edit.setDate(parsed)
        self.has_note.setChecked(state.get("has_note") == "1")
        self._muted = False
        self._sync_dates_visible()

    def state(self) -> dict[str, str]:
        """The filters, for saving."""
        return {
            "tool": self.tool.currentData() or "",
            "verdict": self.verdict.currentData() or "",
            "label": self.label.currentData() or "",
            "period": self.period.currentData() or "all",
            "from": self.date_from.date().toString("yyyy-MM-dd"),
            "to": self.date_to.date().toString("yyyy-MM-dd"),
            "has_note": "1" if self.has_note.isChecked() else "",
        }

    def show_query(self, query: SessionQuery) -> None:
        """Set the controls to a query's tool, label and date range (search and verdict cleared)."""
        self._muted = True
        self.search.clear()
        self._select(self.tool, query.tool or query.source or "")
        self._select(self.label, query.label or "")
        self._select(self.verdict, query.verdict.value if query.verdict else "")
        self.has_note.setChecked(False)
        if query.started_from or query.started_before:
            self._select(self.period, "custom")
            if query.started_from:
                start = query.started_from.astimezone().date()
                self.date_from.setDate(QDate(start.year, start.month, start.day))
            if query.started_before:
                last = (query.started_before.astimezone() - timedelta(seconds=1)).date()
                self.date_to.setDate(QDate(last.year, last.month, last.day))
        else:
            self._select(self.period, "all")
        self._muted = False
        self._sync_dates_visible()
        self._emit()

    def set_count(self, text: str) -> None:
        """How many sessions the filters let through (empty when unfiltered)."""
        self.count.setText(text)
        self.clear.setEnabled(bool(text))

    def set_order(self, order_by: str, descending: bool) -> None:
        """Remember the table's sort so the emitted queries keep it."""
        self._order_by, self._descending = order_by, descending

    def query(self, today: date | None = None) -> SessionQuery:
        """The query these controls describe."""
        today = today or date.today()
        started_from = started_before = None
        period = self.period.currentData() or "all"
        if period == "custom":
            start = self.date_from.date().toPython()
            end = self.date_to.date().toPython()
            assert isinstance(start, date)
            assert isinstance(end, date)
            if end < start:
                start, end = end, start
            started_from = _local_midnight(start)
            started_before = _local_midnight(end + timedelta(days=1))
        elif period != "all":
            days = {"7d": 7, "30d": 30, "90d": 90, "12m": 365}[period]
            started_from = _local_midnight(today - timedelta(days=days - 1))
        verdict_key = self.verdict.currentData() or ""
        return replace(
            SessionQuery(),
            tool=self.tool.currentData() or None,
            search=self.search.text().strip() or None,
            verdict=Verdict(verdict_key) if verdict_key else None,
            label=self.label.currentData() or None,
            started_from=started_from,
            started_before=started_before,
            has_note=self.has_note.isChecked(),
            order_by=self._order_by,
            descending=self._descending,
        )

    def is_filtered(self) -> bool:
        """True when any filter or search narrows the list."""
        q = self.query()
        return bool(q.tool or q.search or q.verdict or q.label or q.started_from
                    or q.has_note)

    @Slot()
    def clear_filters(self) -> None:
        """Back to every session."""
        self._muted = True
        self.search.clear()
        for combo in (self.tool, self.verdict, self.label, self.period):
            combo.setCurrentIndex(0)
        self.has_note.setChecked(False)
        self._muted = False
        self._sync_dates_visible()
        self._debounce.stop()
        self._emit()

    def focus_search(self) -> None:
        """Ctrl+F: put the cursor in the search box, text selected."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.search and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Down
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            self._go_to_results()
            return True
        return super().eventFilter(watched, event)

    @Slot()
    def _on_search_return_pressed(self) -> None:
        self._emit()  # Enter searches now, without waiting for the debounce
        self.results_requested.emit()

    def _go_to_results(self) -> None:
        if self._debounce.isActive():
            self._emit()  # the list the user goes into is the one for what they typed
        self.results_requested.emit()

    @Slot(str)
    def _on_search_text_changed(self, _text: str) -> None:
        if not self._muted:
            self._debounce.start()

    @Slot(int)
    def _on_filter_changed(self, _index: int) -> None:
        self._sync_dates_visible()
        self._emit()

    def _sync_dates_visible(self) -> None:
        custom = self.period.currentData() == "custom"
        self.date_from.setVisible(custom)
        self.date_to.setVisible(custom)

    @Slot()
    def _emit(self) -> None:
        if not self._muted:
            self._debounce.stop()
            self.query_changed.emit(self.query())
