"""Worthwhile's icon as a QIcon: every PNG size of resources/, so that Qt never scales a big
picture down where a drawing made for that size exists."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from desktop_app.appinfo import icon_files


def app_icon() -> QIcon:
    """The application icon (the window, the task bar, dialogs)."""
    icon = QIcon()
    for size, path in sorted(icon_files().items()):
        icon.addFile(str(path), QSize(size, size))
    return icon
