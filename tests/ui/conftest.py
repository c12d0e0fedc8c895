"""Shared helpers for the UI tests: a main window opened the way a user would see it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from desktop_app.ui.main_window import MainWindow

OpenWindow = Callable[..., MainWindow]


@pytest.fixture
def open_window(qtbot: QtBot) -> OpenWindow:
    """Open, show and activate a main window on a database; its settings live beside it."""

    def opener(path: Path, settings_file: Path | None = None, demo: bool = False) -> MainWindow:
        settings = QSettings(str(settings_file or path.parent / "settings.ini"),
                             QSettings.Format.IniFormat)
        window = MainWindow(path, demo=demo, settings=settings)
        qtbot.addWidget(window)
        with qtbot.waitExposed(window):
            window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        return window

    return opener
