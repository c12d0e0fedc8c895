"""Help → About Worthwhile, as a user opens it, and the icon on the window and the task bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QLabel,
    QMenu,
    QPushButton,
    QTableWidget,
)
from pytestqt.qtbot import QtBot

from desktop_app import __version__
from desktop_app.app import run_app
from desktop_app.appinfo import ICON_SIZES, PRIVACY_PROMISE
from desktop_app.store import open_db, save_sessions
from desktop_app.ui.about_dialog import AboutDialog
from tests.factories import make_session
from tests.ui.conftest import OpenWindow


def _read_about(qtbot: QtBot, open_via: object) -> dict[str, object]:
    """Open the dialog with ``open_via()``, read what it shows and close it with its button."""
    seen: dict[str, object] = {}

    def read_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, AboutDialog)
        seen["title"] = dialog.windowTitle()
        seen["labels"] = " ".join(label.text() for label in dialog.findChildren(QLabel))
        table = dialog.findChild(QTableWidget, "licencesTable")
        assert table is not None
        cells = [[item.text() if (item := table.item(row, column)) is not None else ""
                  for column in range(3)] for row in range(table.rowCount())]
        seen["licences"] = {name: (version, licence) for name, version, licence in cells}
        seen["icon"] = not dialog.windowIcon().isNull()
        buttons = dialog.findChild(QDialogButtonBox)
        assert buttons is not None
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        assert isinstance(close, QPushButton)
        qtbot.mouseClick(close, Qt.MouseButton.LeftButton)

    QTimer.singleShot(100, read_and_close)
    assert callable(open_via)
    open_via()
    assert QApplication.activeModalWidget() is None  # closed by its button
    return seen


def test_help_about_shows_version_data_privacy_and_licences(
        qtbot: QtBot, open_window: OpenWindow, db_path: Path) -> None:
    db = open_db(db_path)
    save_sessions(db, [make_session(1)])
    db.close()
    window = open_window(db_path)
    help_menu = next(menu for menu in window.menuBar().findChildren(QMenu)
                     if menu.title() == "&Help")
    about = next(action for action in help_menu.actions()
                 if action.text() == "&About Worthwhile")
    seen = _read_about(qtbot, about.trigger)

    assert seen["title"] == "About Worthwhile"
    labels = str(seen["labels"])
    assert f"Worthwhile {__version__}" in labels
    assert str(db_path) in labels
    assert PRIVACY_PROMISE in labels
    assert "GNU LGPL version 3" in labels
    licences = seen["licences"]
    assert isinstance(licences, dict)
    assert licences["Worthwhile"] == (__version__, "MIT")
    for name, licence in (("Qt", "LGPL-3.0-only"), ("PySide6", "LGPL-3.0-only"),
                          ("pyqtgraph", "MIT"), ("sqlite-utils", "Apache-2.0"),
                          ("NumPy", "BSD-3-Clause"), ("ijson", "BSD-3-Clause")):
        version, shown = licences[name]
        assert shown == licence
        assert version  # the version in use


def test_about_in_the_demo_says_the_data_is_thrown_away(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = AboutDialog(tmp_path / "demo.db", demo=True)
    qtbot.addWidget(dialog)
    assert "throwaway" in dialog.data_location.text()
    assert str(tmp_path / "demo.db") in dialog.data_location.text()


def test_the_app_sets_its_icon_and_desktop_file_name(qtbot: QtBot, tmp_path: Path) -> None:
    assert run_app(tmp_path / "w.db", screenshot=tmp_path / "shot.png") == 0
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    icon = app.windowIcon()
    assert {size.width() for size in icon.availableSizes()} >= set(ICON_SIZES)
    # The 16-pixel icon is the drawing made for 16 pixels, not the big one scaled down.
    assert icon.actualSize(QSize(16, 16)) == QSize(16, 16)
    assert QGuiApplication.desktopFileName() == "worthwhile"
