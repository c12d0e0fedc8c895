"""A controller that keeps one non-modal dialog of its kind open: asked again, it brings that
dialog forward instead of opening a second one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QDialog, QWidget

D = TypeVar("D", bound=QDialog)


class OneDialog(QObject, Generic[D]):
    """Holds the open dialog (``dialog``; None when there is none)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.dialog: D | None = None

    def show_one(self, make: Callable[[], D]) -> None:
        """Bring the open dialog forward, or make one with ``make`` and open it."""
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return
        dialog = make()
        dialog.finished.connect(self._on_dialog_finished)
        self.dialog = dialog
        dialog.open()

    @Slot()
    def _on_dialog_finished(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None
