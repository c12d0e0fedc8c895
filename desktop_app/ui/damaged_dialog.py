"""Starting on a damaged database: move it aside and start a new one, or quit. Nothing is
ever deleted; the file moved aside keeps its name with a suffix, in its folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.store import DatabaseDamagedError


class DamagedDatabaseDialog(QMessageBox):
    """What is wrong with which file, and the two ways on: move it aside, or quit."""

    def __init__(self, error: DatabaseDamagedError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("damagedDatabaseDialog")
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle("Worthwhile")
        self.setText("Worthwhile cannot use its database.")
        self.setInformativeText(
            f"{error}\n\n"
            "Move it aside to start with a new, empty database: the file is renamed in its "
            f"folder ({error.path.name}.damaged-…), never deleted or changed. Or quit and leave "
            "everything as it is.")
        self.move_button = self.addButton("Move Aside and Start a New Database",
                                          QMessageBox.ButtonRole.AcceptRole)
        self.quit_button = self.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.quit_button)
        self.setEscapeButton(self.quit_button)


def ask_move_aside(error: DatabaseDamagedError, parent: QWidget | None = None) -> bool:
    """Ask what to do with the damaged file; True to move it aside and start afresh."""
    dialog = DamagedDatabaseDialog(error, parent)
    dialog.exec()
    return dialog.clickedButton() is dialog.move_button


def show_moved_aside(moved: Path, new: Path, parent: QWidget | None = None) -> None:
    """Say where the damaged file went and where the new database is."""
    box = QMessageBox(parent)
    box.setObjectName("movedAsideBox")
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle("Worthwhile")
    box.setText("The damaged database was moved aside.")
    box.setInformativeText(
        f"It is now {moved}\n(with its -wal and -shm files, if it had any).\n\n"
        f"Worthwhile starts with a new, empty database at {new}. Your earlier sessions and "
        "ratings stay in the file moved aside.")
    box.exec()
