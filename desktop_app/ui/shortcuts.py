"""Help sheets: the keyboard shortcuts (F1 or ?) and which files can be imported."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.importers import worthwhile_export
from desktop_app.importers.registry import SPECS

SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("U", "Mark the selected session(s) useful"),
    ("N", "Mark the selected session(s) not useful"),
    ("0", "Clear the rating"),
    ("A", "Accept the suggested verdict of the session shown (learned from your ratings)"),
    ("J / ↓", "Next session"),
    ("K / ↑", "Previous session"),
    ("Ctrl+F", "Search titles and messages"),
    ("Delete", "Delete the selected session(s), after asking (cannot be undone)"),
    ("Ctrl+Z", "Undo the last rating action"),
    ("Ctrl+Shift+Z", "Redo"),
    ("Ctrl+1", "Sessions view"),
    ("Ctrl+2", "Reflect view"),
    ("Ctrl+3", "Value view"),
    ("Ctrl+4", "Team view (while team cards are open)"),
    ("Ctrl+Shift+P", "Presentation mode: hide titles, text, notes and paths; larger fonts"),
    ("← → / ↑ ↓, Enter", "Value charts: walk periods or groups; open one's sessions"),
    ("Ctrl+O / Ctrl+Shift+O", "Import files / a folder"),
    ("S", "Reflect: skip this session"),
    ("Enter", "Reflect: next session"),
    ("Alt+← / Alt+→", "Reflect: previous / next week"),
    ("F1 or ?", "This sheet"),
    ("Ctrl+Q", "Quit"),
)


class _Sheet(QDialog):
    """A two-column table on one page, with a Close button."""

    def __init__(self, name: str, title: str, headers: tuple[str, str],
                 rows: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}Sheet")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        table = QTableWidget(len(rows), 2, self)
        table.setObjectName(f"{name}Table")
        table.setHorizontalHeaderLabels(list(headers))
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setWordWrap(True)
        for row, (first, second) in enumerate(rows):
            table.setItem(row, 0, QTableWidgetItem(first))
            table.setItem(row, 1, QTableWidgetItem(second))
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        table.resizeRowsToContents()
        layout.addWidget(table)
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class ShortcutSheet(_Sheet):
    """Every shortcut on one page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("shortcut", "Keyboard shortcuts", ("Keys", "Does"), SHORTCUTS, parent)
        self.resize(480, 520)


class FormatsSheet(_Sheet):
    """Which files can be imported: every source's tool and the files it keeps (the import's
    errors point here instead of listing them all)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        rows = [(spec.display_name, spec.format) for spec in SPECS]
        rows.append((worthwhile_export.DISPLAY_NAME, "A JSON file written by File → Export data… "
                                                     "(or worthwhile export --format json): "
                                                     "restores its sessions and ratings"))
        rows.append(("Zip, .tgz or folder", "Any of the above inside; the format is found from "
                                            "each file's content"))
        super().__init__("formats", "Which files can I import?", ("Tool", "Files"), rows, parent)
        self.resize(720, 520)
