"""Help → Your Data…: where the one file is and how big, what it holds, the copies Worthwhile made
of it before upgrades, the promise, and the ways to take the data out or delete it.

Every button calls what the menus call (export, back up, import rules, forget deleted sessions,
delete); the panel reads its figures again off the GUI thread after each of them, when another
Worthwhile changes the database, and when it is brought forward.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal, SignalInstance, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from desktop_app.deleting import Target, plural
from desktop_app.importers.registry import display_name
from desktop_app.importers.values import size_text
from desktop_app.store.overview import (
    AutomaticBackup,
    DataOverview,
    data_overview,
    delete_automatic_backups,
)
from desktop_app.ui.data_controller import DataController
from desktop_app.ui.delete_dialog import DeleteController
from desktop_app.ui.errors import show_error, widen
from desktop_app.ui.formatting import local_time
from desktop_app.ui.rules_dialog import RulesController
from desktop_app.ui.tasks import TaskContext, TaskRunner
from desktop_app.ui.theme import colors

#: The key of the task that reads the figures (a newer reading replaces an older one).
OVERVIEW_TASK = "data-panel"
#: The promise, in one sentence.
PROMISE = ("Everything stays in this one file on this computer; Worthwhile never opens a "
           "network connection.")
DEMO_NOTE = ("This is the demo's throwaway file: synthetic sessions, deleted when you quit. "
             "Your own data is not shown or touched.")
BACKUPS_INTRO = ("Before upgrading the database, Worthwhile copies it beside itself. A copy "
                 "holds the database as it was then, so it may still hold the text of sessions "
                 "you deleted later.")
#: Rows of the tool table shown before it scrolls.
TOOL_ROWS = 6


class DataPanelHost(Protocol):
    """What the panel needs of the window."""

    @property
    def db(self) -> Database | None: ...

    @property
    def db_path(self) -> Path: ...

    @property
    def is_demo(self) -> bool: ...


def _read(path: Path) -> Callable[[TaskContext], DataOverview]:
    def work(context: TaskContext) -> DataOverview:
        return data_overview(context.db, path)

    return work


def backups_box(parent: QWidget | None, backups: Sequence[AutomaticBackup]) -> QMessageBox:
    """Asks before deleting the automatic copies, saying what they may still hold. Cancel is
    the default button."""
    box = QMessageBox(parent)
    box.setObjectName("deleteBackupsConfirmation")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Delete automatic backups")
    size = size_text(sum(b.size for b in backups))
    box.setText(f"Delete {plural(len(backups), 'automatic backup')} ({size})?")
    box.setInformativeText(
        "Worthwhile made these copies of the database before upgrading it. They may still "
        "hold the text of sessions you deleted later, and of sessions an import rule now "
        "keeps without text.\n\n"
        "They are deleted from the folder for good; the database itself and backups you made "
        "are not touched.")
    widen(box)
    delete = box.addButton("Delete Backups", QMessageBox.ButtonRole.DestructiveRole)
    delete.setObjectName("confirmDeleteBackups")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    return box


def _button(text: str, name: str, tip: str = "") -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAutoDefault(False)
    if tip:
        button.setToolTip(tip)
    return button


def _tree(name: str, headers: Sequence[str], accessible: str) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setObjectName(name)
    tree.setAccessibleName(accessible)
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setHeaderLabels(list(headers))
    header = tree.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(headers)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        tree.headerItem().setTextAlignment(
            column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return tree


def _fit_rows(tree: QTreeWidget, rows: int) -> None:
    """Make ``tree`` as tall as ``rows`` rows (at least one), so a few need no scrolling."""
    first = tree.topLevelItem(0)
    row = tree.sizeHintForRow(0) if first is not None else tree.fontMetrics().height() + 6
    height = tree.header().sizeHint().height() + max(1, rows) * row + 2 * tree.frameWidth()
    tree.setFixedHeight(height)


class DataPanel(QDialog):
    """The panel itself; one per window (see :class:`DataPanelController`)."""

    #: The figures shown were read again (the :class:`DataOverview`).
    refreshed = Signal(object)

    def __init__(self, host: DataPanelHost, tasks: TaskRunner, data: DataController,
                 deletion: DeleteController, rules: RulesController,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dataPanel")
        self.setWindowTitle("Your data")
        self.setMinimumWidth(600)
        self._host = host
        self._tasks = tasks
        self._data = data
        self._deletion = deletion
        self._rules = rules
        #: What is shown (None until the first reading arrives).
        self.overview: DataOverview | None = None
        self.confirmation: QMessageBox | None = None
        self._rules_dialog: QObject | None = None
        self._fitted = False

        layout = QVBoxLayout(self)
        self.promise = QLabel(PROMISE)
        self.promise.setObjectName("promise")
        self.promise.setWordWrap(True)
        font = self.promise.font()
        font.setBold(True)
        self.promise.setFont(font)
        layout.addWidget(self.promise)
        self.demo_note = QLabel(DEMO_NOTE)
        self.demo_note.setObjectName("demoNote")
        self.demo_note.setWordWrap(True)
        layout.addWidget(self.demo_note)

        layout.addWidget(self._file_group())
        layout.addWidget(self._holds_group())
        layout.addWidget(self._backups_group())

        layout.addStretch(1)
        self.status = QLabel("")
        self.status.setObjectName("panelStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        if close is not None:
            close.setAutoDefault(False)
        layout.addWidget(buttons)
        self.apply_colors()

        deletion.deleted.connect(self.refresh)
        deletion.forgotten.connect(self.refresh)
        data.task_ended.connect(self.refresh)

    # --- building ------------------------------------------------------------------------------

    def _file_group(self) -> QGroupBox:
        group = QGroupBox("The file")
        grid = QGridLayout(group)
        self.path_field = QLineEdit()
        self.path_field.setObjectName("pathField")
        self.path_field.setAccessibleName("The database file")
        self.path_field.setReadOnly(True)
        self.path_field.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab starts at the tools
        self.size_label = QLabel("")
        self.size_label.setObjectName("sizeLabel")
        self.show_folder_button = _button("Show in Folder", "showFolder",
                                          "Open the folder that holds the file")
        self.show_folder_button.clicked.connect(self._on_show_folder_button_clicked)
        self.copy_path_button = _button("Copy Path", "copyPath", "Copy the file's path")
        self.copy_path_button.clicked.connect(self._on_copy_path_button_clicked)
        self.export_button = _button("Export…", "panelExport",
                                     "Write every session and its rating to CSV or JSON")
        self.export_button.clicked.connect(self._data.export_data)
        self.backup_button = _button("Back Up…", "panelBackup",
                                     "Save a copy of the whole database (safe while "
                                     "Worthwhile runs)")
        self.backup_button.clicked.connect(self._data.back_up)
        grid.addWidget(self.path_field, 0, 0, 1, 3)
        grid.addWidget(self.show_folder_button, 0, 3)
        grid.addWidget(self.copy_path_button, 0, 4)
        grid.addWidget(self.size_label, 1, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        grid.addWidget(self.export_button, 1, 3)
        grid.addWidget(self.backup_button, 1, 4)
        self.where_hint = QLabel("To keep it elsewhere, start Worthwhile with --db FILE or set "
                                 "WORTHWHILE_HOME to a folder.")
        self.where_hint.setObjectName("whereHint")
        self.where_hint.setWordWrap(True)
        grid.addWidget(self.where_hint, 2, 0, 1, 5)
        return group

    def _holds_group(self) -> QGroupBox:
        group = QGroupBox("What it holds")
        grid = QGridLayout(group)
        self.tools = _tree("toolTable", ["Tool", "Sessions", "Ratings"],
                           "Sessions and ratings per tool")
        self.totals_label = QLabel("")
        self.totals_label.setObjectName("totalsLabel")
        self.delete_tool_button = _button(
            "Delete a Tool's Sessions…", "panelDeleteTool",
            "Delete every session of the tool selected above, for good")
        self.delete_tool_button.clicked.connect(self._on_delete_tool_button_clicked)
        self.delete_all_button = _button("Delete Everything…", "panelDeleteAll",
                                         "Delete every session, for good")
        self.delete_all_button.clicked.connect(self._on_delete_all_button_clicked)
        self.tombstones_label = QLabel("")
        self.tombstones_label.setObjectName("tombstonesLabel")
        self.tombstones_label.setWordWrap(True)
        self.forget_button = _button("Forget Deleted Sessions…", "panelForget",
                                     "Let sessions you deleted be imported again")
        self.forget_button.clicked.connect(self._deletion.forget)
        self.rules_label = QLabel("")
        self.rules_label.setObjectName("rulesLabel")
        self.rules_label.setWordWrap(True)
        self.rules_button = _button("Import Rules…", "panelRules",
                                    "Keep sessions out of imports, or store them without text")
        self.rules_button.clicked.connect(self._on_rules_button_clicked)
        grid.addWidget(self.tools, 0, 0, 1, 3)
        grid.addWidget(self.totals_label, 1, 0)
        grid.addWidget(self.delete_tool_button, 1, 1)
        grid.addWidget(self.delete_all_button, 1, 2)
        grid.addWidget(self.tombstones_label, 2, 0, 1, 2)
        grid.addWidget(self.forget_button, 2, 2)
        grid.addWidget(self.rules_label, 3, 0, 1, 2)
        grid.addWidget(self.rules_button, 3, 2)
        grid.setColumnStretch(0, 1)
        return group

    def _backups_group(self) -> QGroupBox:
        group = QGroupBox("Automatic backups")
        box = QVBoxLayout(group)
        intro = QLabel(BACKUPS_INTRO)
        intro.setObjectName("backupsIntro")
        intro.setWordWrap(True)
        box.addWidget(intro)
        self.backups = _tree("backupList", ["Made", "Before the upgrade", "Size"],
                             "Automatic backups")
        self.backups.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        self.backups.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        box.addWidget(self.backups)
        row = QHBoxLayout()
        self.no_backups = QLabel("None beside this database.")
        self.no_backups.setObjectName("noBackups")
        row.addWidget(self.no_backups, 1)
        self.delete_backups_button = _button(
            "Delete These Backups…", "deleteBackups",
            "Delete the copies Worthwhile made before upgrades (not your own backups)")
        self.delete_backups_button.clicked.connect(self._on_delete_backups_button_clicked)
        row.addWidget(self.delete_backups_button)
        box.addLayout(row)
        return group

    def apply_colors(self) -> None:
        """Our own colours (the demo's are the same light and dark)."""
        c = colors()
        self.where_hint.setStyleSheet(f"color:{c.muted};")
        self.demo_note.setStyleSheet(
            f"background:{c.demo_bg}; color:{c.demo_fg}; padding:6px 8px; border-radius:3px;")

    # --- the figures ---------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        """Read the figures again, off the GUI thread (shown when they arrive)."""
        if self._host.db is None:
            return
        path = self._host.db_path
        task = self._tasks.start(OVERVIEW_TASK, _read(path), db_path=path)
        task.finished.connect(self._show)
        task.failed.connect(self._on_task_failed)

    def _show(self, overview: DataOverview) -> None:
        self.overview = overview
        demo = self._host.is_demo
        self.demo_note.setVisible(demo)
        self.where_hint.setVisible(not demo)
        self.path_field.setText(str(overview.path))
        self.path_field.setCursorPosition(0)
        self.size_label.setText(self._size_text(overview))

        selected = self.selected_source()
        self.tools.clear()
        for source, count in overview.by_source.items():
            item = QTreeWidgetItem([display_name(source), f"{count.sessions:,}",
                                    f"{count.ratings:,}"])
            item.setData(0, Qt.ItemDataRole.UserRole, source)
            for column in (1, 2):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
            self.tools.addTopLevelItem(item)
            if source == selected:
                self.tools.setCurrentItem(item)
        first = self.tools.topLevelItem(0)
        if self.tools.currentItem() is None and first is not None:
            self.tools.setCurrentItem(first)
        _fit_rows(self.tools, min(TOOL_ROWS, len(overview.by_source)))
        has_sessions = overview.sessions > 0
        self.totals_label.setText(
            f"{plural(overview.sessions, 'session')}, {plural(overview.ratings, 'rating')}"
            if has_sessions
            else "No sessions.")
        for button in (self.export_button, self.backup_button, self.delete_tool_button,
                       self.delete_all_button):
            button.setEnabled(has_sessions)

        n = overview.tombstones
        self.tombstones_label.setText(
            f"{plural(n, 'deleted session')} remembered: importing "
            f"{'its' if n == 1 else 'their'} files again does not bring "
            f"{'it' if n == 1 else 'them'} back." if n
            else "No deleted sessions remembered.")
        self.forget_button.setEnabled(n > 0)
        r = overview.rules
        self.rules_label.setText(f"{plural(r, 'import rule')} applied to every import." if r
                                 else "No import rules.")

        self.backups.clear()
        for backup in overview.backups:
            made = local_time(backup.made_at) if backup.made_at else "unknown"
            item = QTreeWidgetItem([made, backup.migration.replace("_", " "),
                                    size_text(backup.size)])
            item.setToolTip(0, str(backup.path))
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.backups.addTopLevelItem(item)
        has_backups = bool(overview.backups)
        self.backups.setVisible(has_backups)
        if has_backups:
            _fit_rows(self.backups, min(4, len(overview.backups)))
        self.no_backups.setText(
            f"{len(overview.backups)} in all, "
            f"{size_text(sum(b.size for b in overview.backups))}." if has_backups
            else "None beside this database.")
        self.delete_backups_button.setEnabled(has_backups)
        # Once the new rows are laid out (the sizes known now are the old ones).
        QTimer.singleShot(0, self._grow_to_fit)
        self.refreshed.emit(overview)

    @Slot()
    def _grow_to_fit(self) -> None:
        """Make room for what the figures need (more tools, a backup list, wrapped lines):
        a dialog's minimum size leaves wrapped text out of its reckoning."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = (layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth()
                  else layout.totalSizeHint().height())
        if needed > self.height() or not self._fitted:  # the first time, no empty space
            self._fitted = True
            self.resize(self.width(), needed)

    def _size_text(self, overview: DataOverview) -> str:
        total = size_text(overview.total_size)
        if overview.wal_size:
            return (f"{total}: the database {size_text(overview.size)} and its write-ahead log "
                    f"{size_text(overview.wal_size)}")
        return total

    @Slot(str)
    def _on_task_failed(self, detail: str) -> None:
        show_error(self, "The figures of your data could not be read.", detail)

    def selected_source(self) -> str | None:
        """The tool selected in the table (None: none)."""
        item = self.tools.currentItem()
        return None if item is None else str(item.data(0, Qt.ItemDataRole.UserRole))

    def _say(self, text: str) -> None:
        self.status.setText(text)

    # --- the buttons ---------------------------------------------------------------------------

    @Slot()
    def _on_show_folder_button_clicked(self) -> None:
        folder = self._host.db_path.parent
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self._say(f"No file manager opened the folder; it is {folder}")

    @Slot()
    def _on_copy_path_button_clicked(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(str(self._host.db_path))
        self._say("The path is copied.")

    @Slot()
    def _on_delete_tool_button_clicked(self) -> None:
        self._deletion.choose(self.selected_source())

    @Slot()
    def _on_delete_all_button_clicked(self) -> None:
        self._deletion.confirm(Target(everything=True))

    @Slot()
    def _on_rules_button_clicked(self) -> None:
        self._rules.open()
        dialog = self._rules.dialog
        if dialog is not None and dialog is not self._rules_dialog:
            self._rules_dialog = dialog
            dialog.rules_changed.connect(self.refresh)
            dialog.applied.connect(self.refresh)
            dialog.finished.connect(self.refresh)

    @Slot()
    def _on_delete_backups_button_clicked(self) -> None:
        if self.overview is None or not self.overview.backups:
            return
        backups = self.overview.backups
        box = backups_box(self, backups)
        box.finished.connect(lambda _result: self._on_backups_confirmation_finished(box,
                                                                                   backups))
        self.confirmation = box
        box.open()

    def _on_backups_confirmation_finished(self, box: QMessageBox,
                                          backups: Sequence[AutomaticBackup]) -> None:
        self.confirmation = None
        chosen = box.clickedButton()
        box.deleteLater()
        if chosen is None or chosen.objectName() != "confirmDeleteBackups":
            return
        try:
            n = delete_automatic_backups(self._host.db_path, backups)
        except OSError as exc:
            show_error(self, f"A backup could not be deleted: {exc.strerror or exc}")
            n = -1
        if n >= 0:
            self._say(f"Deleted {plural(n, 'automatic backup')}.")
        self.refresh()

    # --- Qt ------------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.refresh()  # brought forward: what happened meanwhile shows


class DataPanelController(QObject):
    """Opens the panel (Help → Your Data…), one per window, and keeps it current."""

    def __init__(self, window: QMainWindow, host: DataPanelHost, tasks: TaskRunner,
                 data: DataController, deletion: DeleteController, rules: RulesController,
                 changed: Sequence[SignalInstance] = ()) -> None:
        """``changed``: the window's signals that something in the database changed."""
        super().__init__(window)
        self._window = window
        self._host = host
        self._tasks = tasks
        self._data = data
        self._deletion = deletion
        self._rules = rules
        self.panel: DataPanel | None = None
        for signal in changed:
            signal.connect(self._on_window_changed)

    @Slot()
    def open(self) -> None:
        """Show the panel (bring it forward when it is open)."""
        if self._host.db is None:
            return
        if self.panel is None:
            panel = DataPanel(self._host, self._tasks, self._data, self._deletion, self._rules,
                              self._window)
            panel.finished.connect(self._on_panel_finished)
            self.panel = panel
        self.panel.refresh()
        self.panel.show()
        self.panel.raise_()
        self.panel.activateWindow()

    @Slot()
    def _on_window_changed(self) -> None:
        if self.panel is not None and self.panel.isVisible():
            self.panel.refresh()

    @Slot()
    def _on_panel_finished(self) -> None:
        if self.panel is not None:
            self.panel.deleteLater()
        self.panel = None
