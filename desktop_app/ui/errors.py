"""One way to show an error: a plain message, with technical details folded away."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QMessageBox,
    QSizePolicy,
    QSpacerItem,
    QWidget,
)

log = logging.getLogger(__name__)


def widen(box: QMessageBox, width: int = 450) -> None:
    """Give a message box room, so its sentences are not wrapped into a narrow column."""
    layout = box.layout()
    if isinstance(layout, QGridLayout):
        layout.addItem(QSpacerItem(width, 0, QSizePolicy.Policy.Minimum,
                                   QSizePolicy.Policy.Expanding),
                       layout.rowCount(), 0, 1, layout.columnCount())


def show_error(parent: QWidget | None, text: str, detail: str | None = None) -> None:
    """Tell the user what went wrong in plain words; technical detail goes in "Show Details"."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Worthwhile")
    box.setText(text)
    if detail:
        box.setDetailedText(detail)
    box.setObjectName("errorBox")
    box.exec()


def install_excepthook() -> None:
    """Log unexpected exceptions and show them in a dialog instead of killing the app."""

    def hook(exc_type: type[BaseException], exc: BaseException,
             tb: TracebackType | None) -> None:
        detail = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("Unexpected error\n%s", detail)
        sys.stderr.write(detail)
        if QApplication.instance() is not None:
            show_error(None, f"Something went wrong inside Worthwhile: {exc}. "
                       "Your data is safe; the details below help us fix it.", detail)

    sys.excepthook = hook
