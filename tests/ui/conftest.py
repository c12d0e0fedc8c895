"""Shared helpers for the UI tests: a main window opened the way a user would see it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from desktop_app.ui.evidence_task import EVIDENCE_TASK
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
        # On opening, a worker counts commits and active time and caches them (a write): let it
        # end first, so a test's own writes never race it for the lock (that made tests flaky).
        qtbot.waitUntil(lambda: not window.tasks.busy(EVIDENCE_TASK), timeout=20_000)
        return window

    return opener
