"""Help → About Worthwhile: the version, where the data is, the privacy promise, and the licences
of the libraries that ship with it (Qt's LGPL included)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import __version__
from desktop_app.appinfo import LIBRARIES, PRIVACY_PROMISE, library_version, licence_folder
from desktop_app.ui.icon import app_icon

#: Worthwhile's own licence (pyproject.toml's ``license``).
OWN_LICENCE = "MIT"


def licence_rows() -> list[tuple[str, str, str, str]]:
    """(library, version, licence, what it is for): Worthwhile first, then what it ships with."""
    rows = [("Worthwhile", __version__, OWN_LICENCE, "this app")]
    for library in LIBRARIES:
        version = qVersion() if library.name == "Qt" else library_version(library)
        rows.append((library.name, version, library.licence, library.role))
    return rows


def _label(text: str, name: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class AboutDialog(QDialog):
    """What Worthwhile is, which version, where its data is, its promise and its licences."""

    def __init__(self, db_path: Path, *, demo: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About Worthwhile")
        layout = QVBoxLayout(self)
        layout.setSpacing(12)

        head = QHBoxLayout()
        icon = QLabel(self)
        icon.setPixmap(app_icon().pixmap(64, 64))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        head.addWidget(icon)
        self.title = _label(
            f"<b style='font-size: large'>Worthwhile {escape(__version__)}</b><br>"
            "Is your AI use worth it? Worthwhile measures value per use, not usage: rate a few "
            "sessions a week and see how often AI helped.", "aboutTitle", self)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        head.addWidget(self.title, 1)
        layout.addLayout(head)

        where = (f"Demo data, in a throwaway database deleted when you quit:\n{db_path}" if demo
                 else f"Your sessions and ratings are in one SQLite file:\n{db_path}")
        self.data_location = _label(where, "dataLocation", self)
        self.data_location.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.data_location)
        self.privacy = _label(PRIVACY_PROMISE, "privacyPromise", self)
        self.privacy.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.privacy)

        rows = licence_rows()
        table = QTableWidget(len(rows), 4, self)
        table.setObjectName("licencesTable")
        table.setAccessibleName("Licences of Worthwhile and the libraries it ships with")
        table.setHorizontalHeaderLabels(["Library", "Version", "Licence", "For"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                table.setItem(row, column, QTableWidgetItem(value))
        header = table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        self.licences = table
        layout.addWidget(table, 1)

        folder = licence_folder()
        texts = (f"Their full licence texts are in {folder}." if folder is not None
                 else "Their full licence texts are installed with each package.")
        self.qt_note = _label(
            "Qt, PySide6 and Shiboken6 are used under the GNU LGPL version 3: they are separate "
            "libraries that you may replace with your own build of the same version (in the "
            "bundle: its PySide6 folder); their source is at https://code.qt.io. "
            f"{texts}", "licenceNote", self)
        self.qt_note.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.qt_note)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        close.setFocus()
        self.resize(640, 640)
