"""File → Share Summary…: preview exactly what a summary card holds, leave out tools, labels or
weeks, and save it.

The counts are made off the GUI thread (``ui/tasks.py``; about half a second at 100k sessions),
once per week/month choice, split per tool (``sharing.summary.count_card(per_tool=True)``), so
that leaving something out only re-adds counts already made: the table and the JSON follow
each checkbox at once. What the JSON tab shows is byte for byte what Save writes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.exporting import ExportError
from desktop_app.importers.values import size_text
from desktop_app.metrics import By
from desktop_app.sharing.cards import Card, CardRow
from desktop_app.sharing.summary import (
    WHO_CAN_READ,
    CardCounts,
    card_text,
    count_card,
    describe,
    write_card,
)
from desktop_app.store import StoreError
from desktop_app.ui.errors import show_error
from desktop_app.ui.tasks import Task, TaskContext, TaskRunner

#: Task keys: counting (a newer choice makes the older stale) and saving.
COUNT_TASK = "share-count"
SAVE_TASK = "share-save"
CARD_FILTER = "Worthwhile summary card (*.json)"
BY_CHOICES: tuple[tuple[By, str], ...] = (("week", "Per week"), ("month", "Per month"))


def default_card_path(folder: Path | None = None) -> Path:
    """``~/worthwhile-card-YYYY-MM-DD.json``."""
    return (folder or Path.home()) / f"worthwhile-card-{date.today().isoformat()}.json"


def period_text(start: date, by: By) -> str:
    """A period as the preview names it: its Monday ("2 Mar 2026") or its month ("March 2026")."""
    if by == "month":
        return f"{start:%B %Y}"
    return f"{start.day} {start:%b %Y}"


def day_text(day: date | None) -> str:
    """"2 Mar 2026"."""
    return "" if day is None else f"{day.day} {day:%b %Y}"


@dataclass(frozen=True, slots=True)
class Saved:
    """What saving did: a line for the status bar, or the problem to show."""

    message: str
    error: bool = False


def _count(context: TaskContext, by: By) -> CardCounts:
    return count_card(context.db, by=by, per_tool=True)


def _save(context: TaskContext, target: Path, card: Card) -> Saved:
    try:
        write_card(context.db, target, card)
    except (ExportError, StoreError) as exc:
        return Saved(f"The card was not saved. {exc}", error=True)
    return Saved(f"Saved the summary card to {target} ({size_text(target.stat().st_size)}): "
                 f"{describe(card).removeprefix('summary card of ')}.")


class CardRowsModel(QAbstractTableModel):
    """The rows of one list of a card (tools or labels), as the preview's table shows them."""

    HEADERS = ("Week", "Tool", "Uses", "Rated", "Useful", "Not useful", "Minutes saved",
               "Minutes given")
    TIPS = ("The week (named by its Monday) or the month", "", "Sessions you had",
            "Sessions you rated", "Rated useful", "Rated not useful",
            "The minutes saved you gave, added up (your own estimate; negative when it cost "
            "time)", "On how many rated sessions you gave minutes")

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._rows: tuple[CardRow, ...] = ()
        self._by: By = "week"

    def set_rows(self, rows: tuple[CardRow, ...], by: By) -> None:
        """Show ``rows`` (periods of ``by``)."""
        self.beginResetModel()
        self._rows = rows
        self._by = by
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = (period_text(row.period, self._by), row.name, row.uses, row.rated,
                      row.useful, row.not_useful, row.minutes_sum, row.minutes_n)
            value = values[column]
            return f"{value:,}" if isinstance(value, int) else value
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return "Week" if self._by == "week" else "Month"
            return self._name if section == 1 else self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.TIPS[section] or None
        return None


class _CheckList(QGroupBox):
    """A titled list of checkboxes: what the card keeps (checked) or leaves out."""

    changed = Signal()

    def __init__(self, title: str, name: str, parent: QWidget | None = None, *,
                 all_none: bool = False) -> None:
        super().__init__(title, parent)
        self.setObjectName(f"share{name}Box")
        self.list = QListWidget(self)
        self.list.setObjectName(f"share{name}")
        self.list.setAccessibleName(title.replace("&", ""))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.list, 1)
        if all_none:
            self.all_button = QPushButton("All")
            self.none_button = QPushButton("None")
            row = QHBoxLayout()
            for button, state in ((self.all_button, True), (self.none_button, False)):
                button.setObjectName(f"share{name}{button.text()}")
                button.setAutoDefault(False)
                button.clicked.connect(lambda _=False, s=state: self.set_all(s))
                row.addWidget(button)
            row.addStretch(1)
            layout.addLayout(row)
        self.list.itemChanged.connect(self._on_list_item_changed)

    def fill(self, entries: Sequence[tuple[object, str]], unchecked: set[object]) -> None:
        """Show ``(key, text)`` entries, checked unless their key is in ``unchecked``."""
        self.list.blockSignals(True)
        self.list.clear()
        for key, text in entries:
            item = QListWidgetItem(text, self.list)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if key in unchecked
                               else Qt.CheckState.Checked)
        self.list.blockSignals(False)

    def unchecked(self) -> set[object]:
        """The keys of the entries left out."""
        return {self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() != Qt.CheckState.Checked}

    def item(self, text: str) -> QListWidgetItem:
        """The entry whose text starts with ``text`` (for tests and keyboard users alike)."""
        for i in range(self.list.count()):
            if self.list.item(i).text().startswith(text):
                return self.list.item(i)
        raise KeyError(text)

    def set_all(self, checked: bool) -> None:
        """Check (or uncheck) every entry, as one change."""
        self.list.blockSignals(True)
        for i in range(self.list.count()):
            self.list.item(i).setCheckState(Qt.CheckState.Checked if checked
                                            else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self.changed.emit()

    @Slot(QListWidgetItem)
    def _on_list_item_changed(self, _item: QListWidgetItem) -> None:
        self.changed.emit()


class ShareDialog(QDialog):
    """The preview of a summary card, with what to leave out, and Save…."""

    #: The counts arrived and the preview shows them.
    counted = Signal()
    #: The card was saved; the message says where.
    saved = Signal(str)

    def __init__(self, tasks: TaskRunner, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shareDialog")
        self.setWindowTitle("Share a summary")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._tasks = tasks
        self._db_path = db_path
        self.counts: CardCounts | None = None
        self.card: Card | None = None
        self._json_stale = True
        self.count_task: Task | None = None
        self.save_task: Task | None = None

        intro = QLabel(
            "A summary card holds counts and nothing else: per week or month, for each tool "
            "and each label, how many sessions you had, rated, found useful or not, and the "
            "minutes saved you gave. Untick what you would rather not share.")
        intro.setObjectName("shareIntro")
        intro.setWordWrap(True)

        self.by_box = QComboBox(self)
        self.by_box.setObjectName("shareBy")
        self.by_box.setAccessibleName("Periods")
        for by, text in BY_CHOICES:
            self.by_box.addItem(text, by)
        by_label = QLabel("&Count:")
        by_label.setBuddy(self.by_box)
        self.summary = QLabel("")
        self.summary.setObjectName("shareSummary")
        top = QHBoxLayout()
        top.addWidget(by_label)
        top.addWidget(self.by_box)
        top.addSpacing(12)
        top.addWidget(self.summary, 1)

        self.tools = _CheckList("&Tools", "Tools")
        self.labels = _CheckList("&Labels", "Labels")
        self.periods = _CheckList("&Weeks", "Periods", all_none=True)
        choices = QWidget(self)
        choices_layout = QVBoxLayout(choices)
        choices_layout.setContentsMargins(0, 0, 0, 0)
        choices_layout.addWidget(self.tools, 2)
        choices_layout.addWidget(self.labels, 3)
        choices_layout.addWidget(self.periods, 4)
        choices.setMinimumWidth(220)

        self.tool_model = CardRowsModel("Tool", self)
        self.label_model = CardRowsModel("Label", self)
        self.tool_table = self._table(self.tool_model, "shareToolTable", "Counts by tool")
        self.label_table = self._table(self.label_model, "shareLabelTable", "Counts by label")
        tables = QWidget(self)
        tables_layout = QVBoxLayout(tables)
        tables_layout.setContentsMargins(6, 6, 6, 6)
        self.tool_heading = QLabel("By tool")
        self.label_heading = QLabel("By label (a session with two labels counts under both)")
        for heading in (self.tool_heading, self.label_heading):
            font = heading.font()
            font.setBold(True)
            heading.setFont(font)
        tables_layout.addWidget(self.tool_heading)
        tables_layout.addWidget(self.tool_table, 1)
        tables_layout.addWidget(self.label_heading)
        tables_layout.addWidget(self.label_table, 1)

        self.json_view = QPlainTextEdit(self)
        self.json_view.setObjectName("shareJson")
        self.json_view.setAccessibleName("The card's file")
        self.json_view.setReadOnly(True)
        self.json_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.json_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("shareTabs")
        self.tabs.addTab(tables, "T&able")
        self.tabs.addTab(self.json_view, "The &file (JSON)")
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)

        self.waiting = QLabel("Counting your sessions…")
        self.waiting.setObjectName("shareWaiting")
        self.waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(choices)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 760])
        self.body = QStackedWidget(self)
        self.body.addWidget(self.waiting)
        self.body.addWidget(splitter)

        self.who = QLabel(WHO_CAN_READ)
        self.who.setObjectName("shareWhoCanRead")
        self.who.setWordWrap(True)
        font = self.who.font()
        font.setBold(True)
        self.who.setFont(font)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.save_button = self.buttons.addButton("&Save…",
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("shareSave")
        self.save_button.setEnabled(False)
        self.buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self._on_save_button_clicked)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.who)
        layout.addWidget(self.buttons)
        self.resize(1000, 680)

        self.by_box.currentIndexChanged.connect(self._on_by_box_current_index_changed)
        self.tools.changed.connect(self._refresh)
        self.labels.changed.connect(self._refresh)
        self.periods.changed.connect(self._refresh)
        self._start_count()

    def _table(self, model: CardRowsModel, name: str, accessible: str) -> QTableView:
        table = QTableView(self)
        table.setObjectName(name)
        table.setAccessibleName(accessible)
        table.setModel(model)
        table.verticalHeader().hide()
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
        # Widths from the texts a column can hold, not from its rows: measuring every row on
        # each tick would stall the window with a few years of weeks.
        header = table.horizontalHeader()
        header.setStretchLastSection(True)
        cells, titles = table.fontMetrics(), header.fontMetrics()
        for column, title in enumerate(CardRowsModel.HEADERS):
            widest = cells.horizontalAdvance("September 2026" if column == 0 else "00,000")
            header.resizeSection(column, max(widest, titles.horizontalAdvance(title)) + 20)
        return table

    def _fit_names(self, table: QTableView, names: Sequence[str]) -> None:
        """The name column as wide as the longest tool or label (a few names, measured once)."""
        widest = max((table.fontMetrics().horizontalAdvance(n) for n in names), default=0)
        header = table.horizontalHeader()
        title = header.fontMetrics().horizontalAdvance("Label")
        header.resizeSection(1, min(max(widest, title) + 24, 260))

    @property
    def by(self) -> By:
        """The periods chosen: ``"week"`` or ``"month"``."""
        by: By = self.by_box.currentData()
        return by

    # --- counting -----------------------------------------------------------------------------

    def _start_count(self) -> None:
        self.counts = None
        self.card = None
        self.save_button.setEnabled(False)
        self.summary.setText("")
        self.body.setCurrentWidget(self.waiting)
        by = self.by
        task = self._tasks.start(COUNT_TASK, lambda context: _count(context, by),
                                 db_path=self._db_path)
        task.finished.connect(self._on_count_task_finished)
        task.failed.connect(self._on_task_failed)
        self.count_task = task

    @Slot(object)
    def _on_count_task_finished(self, counts: CardCounts) -> None:
        self.count_task = None
        self.counts = counts
        whole = counts.card()
        word = "Weeks" if counts.by == "week" else "Months"
        self.periods.setTitle(f"&{word}")
        self.tools.fill([(name, f"{name} · {_uses(whole.tools, name=name)}")
                         for name in counts.tools], self.tools.unchecked())
        self.labels.fill([(name, f"{name} · {_uses(whole.labels, name=name)}")
                          for name in counts.labels], self.labels.unchecked())
        self.periods.fill([(day, f"{period_text(day, counts.by)} · "
                                 f"{_uses(whole.tools, period=day)}")
                           for day in counts.periods], set())
        self._fit_names(self.tool_table, counts.tools)
        self._fit_names(self.label_table, counts.labels)
        self.body.setCurrentIndex(1)
        self._refresh()
        self.counted.emit()

    # --- the preview --------------------------------------------------------------------------

    @Slot()
    def _refresh(self) -> None:
        counts = self.counts
        if counts is None:
            return
        tools = {str(k) for k in self.tools.unchecked()}
        labels = {str(k) for k in self.labels.unchecked()}
        periods = {k for k in self.periods.unchecked() if isinstance(k, date)}
        card = counts.card(drop_tools=tools, drop_labels=labels, drop_periods=periods)
        self.card = card
        self.tool_model.set_rows(card.tools, counts.by)
        self.label_model.set_rows(card.labels, counts.by)
        self.label_heading.setText(
            "By label (a session with two labels counts under both)" if card.labels
            else "By label: none (the card holds no label rows)")
        if card.tools:
            self.summary.setText(_summary_text(card))
        else:
            self.summary.setText("Nothing left to share: every tool or period is left out.")
        self.save_button.setEnabled(bool(card.tools) and self.save_task is None)
        self._json_stale = True
        if self.tabs.currentWidget() is self.json_view:
            self._show_json()

    def _show_json(self) -> None:
        if self._json_stale and self.card is not None:
            self.json_view.setPlainText(card_text(self.card.to_json()))
            self._json_stale = False

    def json_text(self) -> str:
        """What the JSON tab shows (brought up to date): the file's exact text."""
        self._show_json()
        return self.json_view.toPlainText()

    @Slot(int)
    def _on_tabs_current_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.json_view:
            self._show_json()

    @Slot(int)
    def _on_by_box_current_index_changed(self, _index: int) -> None:
        self._start_count()

    # --- saving -------------------------------------------------------------------------------

    @Slot()
    def _on_save_button_clicked(self) -> None:
        if self.card is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save the summary card",
                                              str(default_card_path()), CARD_FILTER)
        if not path:
            return
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(".json")
        self.save(target)

    def save(self, target: Path) -> Task | None:
        """Write the card as previewed to ``target`` (in the background: it checks the file is
        not the database itself)."""
        card = self.card
        if card is None or self.save_task is not None:
            return None
        self.save_button.setEnabled(False)
        task = self._tasks.start(SAVE_TASK, lambda context: _save(context, target, card),
                                 db_path=self._db_path)
        task.finished.connect(self._on_save_task_finished)
        task.failed.connect(self._on_task_failed)
        self.save_task = task
        return task

    @Slot(object)
    def _on_save_task_finished(self, saved: Saved) -> None:
        self.save_task = None
        if saved.error:
            self.save_button.setEnabled(self.card is not None and bool(self.card.tools))
            show_error(self, saved.message)
            return
        self.saved.emit(saved.message)
        self.accept()

    @Slot(str)
    def _on_task_failed(self, detail: str) -> None:
        self.count_task = self.save_task = None
        show_error(self, "That stopped because of a problem inside Worthwhile. Nothing was "
                   "saved.", detail)

    def done(self, result: int) -> None:
        """Closing drops a count still running (its result would have nowhere to go)."""
        self._tasks.drop(COUNT_TASK)
        super().done(result)


def _summary_text(card: Card) -> str:
    uses = _uses(card.tools)
    periods = len({row.period for row in card.tools})
    unit = card.by if periods == 1 else f"{card.by}s"
    tools = len({row.name for row in card.tools})
    labels = len({row.name for row in card.labels})
    return (f"{uses} in {periods:,} {unit}, {day_text(card.date_from)} to "
            f"{day_text(card.date_to)}; {tools} tool{'' if tools == 1 else 's'}, "
            f"{labels} label{'' if labels == 1 else 's'}")


def _uses(rows: Sequence[CardRow], *, name: str | None = None, period: date | None = None
          ) -> str:
    total = sum(r.uses for r in rows if (name is None or r.name == name)
                and (period is None or r.period == period))
    return f"{total:,} use{'' if total == 1 else 's'}"


class ShareController(QObject):
    """File → Share Summary… for one window."""

    def __init__(self, window: QMainWindow, tasks: TaskRunner,
                 db_path: Callable[[], Path]) -> None:
        super().__init__(window)
        self._window = window
        self._tasks = tasks
        self._db_path = db_path
        self.dialog: ShareDialog | None = None
        #: The last card saved, as said in the status bar.
        self.last_message = ""

    @Slot()
    def open(self) -> None:
        """Show the preview of the card of the window's database."""
        dialog = ShareDialog(self._tasks, self._db_path(), self._window)
        dialog.saved.connect(self._on_dialog_saved)
        dialog.finished.connect(lambda _result, d=dialog: self._forget(d))
        self.dialog = dialog
        dialog.open()

    @Slot(str)
    def _on_dialog_saved(self, message: str) -> None:
        self.last_message = message
        self._window.statusBar().showMessage(message, 15000)

    def _forget(self, dialog: ShareDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
