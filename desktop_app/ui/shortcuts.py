"""The keyboard shortcut sheet (F1 or ?)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("U", "Mark the selected session(s) useful"),
    ("N", "Mark the selected session(s) not useful"),
    ("0", "Clear the rating"),
    ("J / ↓", "Next session"),
    ("K / ↑", "Previous session"),
    ("Ctrl+F", "Search titles and messages"),
    ("Ctrl+Z", "Undo the last rating action"),
    ("Ctrl+Shift+Z", "Redo"),
    ("Ctrl+1", "Sessions view"),
    ("Ctrl+2", "Reflect view"),
    ("Ctrl+3", "Value view"),
    ("← → / ↑ ↓, Enter", "Value charts: walk periods or groups; open one's sessions"),
    ("Ctrl+O / Ctrl+Shift+O", "Import files / a folder"),
    ("S", "Reflect: skip this session"),
    ("Enter", "Reflect: next session"),
    ("Alt+← / Alt+→", "Reflect: previous / next week"),
    ("F1 or ?", "This sheet"),
    ("Ctrl+Q", "Quit"),
)


class ShortcutSheet(QDialog):
    """Every shortcut on one page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutSheet")
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        table = QTableWidget(len(SHORTCUTS), 2, self)
        table.setObjectName("shortcutTable")
        table.setHorizontalHeaderLabels(["Keys", "Does"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (keys, does) in enumerate(SHORTCUTS):
            table.setItem(row, 0, QTableWidgetItem(keys))
            table.setItem(row, 1, QTableWidgetItem(does))
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(480, 520)
