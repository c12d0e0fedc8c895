"""Editing labels and reasons from the app, and the shortcut sheet."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QMessageBox, QTableWidget
from pytestqt.qtbot import QtBot

from desktop_app.domain import Verdict
from desktop_app.store import get_rating, open_db, save_sessions, update_rating
from desktop_app.ui.lists_dialog import ListsDialog
from desktop_app.ui.main_window import MainWindow
from tests.factories import make_session


@pytest.fixture
def window(qtbot: QtBot, db_path: Path) -> MainWindow:
    db = open_db(db_path)
    s = make_session(1)
    save_sessions(db, [s])
    update_rating(db, s.id, Verdict.USEFUL, labels=("research",))
    db.close()
    w = MainWindow(db_path, settings=QSettings(str(db_path.parent / "s.ini"),
                                              QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    with qtbot.waitExposed(w):
        w.show()
    return w


def test_rename_a_label_from_the_dialog(qtbot: QtBot, window: MainWindow,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    assert window.db is not None
    dialog = ListsDialog(window.controller, window)
    qtbot.addWidget(dialog)
    items = dialog.labels.list.findItems("research", Qt.MatchFlag.MatchExactly)
    dialog.labels.list.setCurrentItem(items[0])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("reading", True))
    dialog.labels.rename.click()
    assert window.menu_actions["undo"].text() == "&Undo Rename label “research” to “reading”"
    labels = [dialog.labels.list.item(i).text() for i in range(dialog.labels.list.count())]
    assert "reading" in labels
    assert "research" not in labels
    sid = make_session(1).id
    assert get_rating(window.db, sid).labels == ("reading",)
    # Removing a label in use asks first; "No" keeps it.
    dialog.labels.list.setCurrentItem(
        dialog.labels.list.findItems("reading", Qt.MatchFlag.MatchExactly)[0])
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.No)
    dialog.labels.remove.click()
    assert get_rating(window.db, sid).labels == ("reading",)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.labels.remove.click()
    assert get_rating(window.db, sid).labels == ()
    # Reasons.
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("out of date", True))
    dialog.reasons.add.click()
    assert dialog.reasons.list.item(dialog.reasons.list.count() - 1).text() == "out of date"


def test_f1_opens_the_shortcut_sheet(qtbot: QtBot, window: MainWindow) -> None:
    seen: list[int] = []

    def check_and_close() -> None:
        sheet = QApplication.activeModalWidget()
        assert isinstance(sheet, QDialog)
        assert sheet.objectName() == "shortcutSheet"
        table = sheet.findChild(QTableWidget, "shortcutTable")
        assert table is not None
        seen.append(table.rowCount())
        sheet.reject()

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTimer.singleShot(100, check_and_close)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert seen
    assert seen[0] >= 10


def test_help_lists_which_files_can_be_imported(qtbot: QtBot, window: MainWindow) -> None:
    from desktop_app.importers.registry import SPECS

    seen: list[list[str]] = []

    def check_and_close() -> None:
        sheet = QApplication.activeModalWidget()
        assert isinstance(sheet, QDialog)
        assert sheet.windowTitle() == "Which files can I import?"
        table = sheet.findChild(QTableWidget, "formatsTable")
        assert table is not None
        items = [table.item(row, 0) for row in range(table.rowCount())]
        seen.append([item.text() if item is not None else "" for item in items])
        sheet.reject()

    QTimer.singleShot(100, check_and_close)
    window.menu_actions["formats"].trigger()
    assert seen
    assert seen[0][:len(SPECS)] == [spec.display_name for spec in SPECS]


def test_key_widgets_have_stable_names_and_accessible_names(window: MainWindow) -> None:
    from PySide6.QtWidgets import QWidget

    for name in ("sessionTable", "searchBox", "transcriptView", "verdictUseful",
                 "verdictNotUseful", "minutesSaved", "labelPicker", "noteEdit", "reflectView",
                 "reflectNext", "navigation", "toolFilter", "verdictFilter", "labelFilter"):
        found = window.findChildren(QWidget, name)
        assert len(found) == 1, name
        assert found[0].accessibleName(), f"{name} has no accessible name"
