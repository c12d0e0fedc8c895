"""File → Export Data…, Back Up… and Open Database…, used as a person would."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from desktop_app import exporting
from desktop_app.exporting import export_data
from desktop_app.store import open_db, save_sessions
from desktop_app.ui import data_controller
from desktop_app.ui.data_controller import DataController
from desktop_app.ui.export_dialog import ExportDialog
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.session_model import COL_TITLE
from desktop_app.ui.single_instance import InstanceLock
from desktop_app.ui.transcript_view import MESSAGES_NOT_HERE
from tests.factories import make_session
from tests.richdata import UNICODE_TITLE, build_rich_db
from tests.ui.conftest import OpenWindow


@pytest.fixture
def rich_window(db_path: Path, open_window: OpenWindow) -> MainWindow:
    db = open_db(db_path)
    build_rich_db(db)
    db.close()
    return open_window(db_path)


def answer_error_box() -> list[str]:
    """Read and close the error box the next step shows (as a person clicks OK)."""
    texts: list[str] = []

    def close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "errorBox":
            texts.append(box.text())
            box.accept()
        else:
            QTimer.singleShot(20, close)

    QTimer.singleShot(0, close)
    return texts


def save_as(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[tuple[Any, ...]]:
    """The file chooser answers ``path``; returns what it was asked."""
    asked: list[tuple[Any, ...]] = []

    def chooser(*args: Any, **_kwargs: Any) -> tuple[str, str]:
        asked.append(args)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", chooser)
    return asked


def open_export_dialog(qtbot: QtBot, window: MainWindow) -> ExportDialog:
    window.menu_actions["export"].trigger()
    dialog = window.data.export_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def click(qtbot: QtBot, widget: Any) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def finished(window: MainWindow) -> Callable[[], bool]:
    return lambda: not window.data.running and bool(window.data.last_message)


def test_export_json_with_transcripts_from_the_file_menu(
        qtbot: QtBot, rich_window: MainWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = rich_window
    assert window.menu_actions["export"].isEnabled()
    target = tmp_path / "moving" / "my-data.json"
    target.parent.mkdir()
    asked = save_as(monkeypatch, target)
    dialog = open_export_dialog(qtbot, window)
    assert dialog.path_edit.text().endswith(".csv")  # CSV first: it opens in a spreadsheet
    click(qtbot, dialog.json_button)
    assert dialog.path_edit.text().endswith(".json")
    click(qtbot, dialog.transcripts)
    click(qtbot, dialog.choose_button)
    assert asked
    assert "*.json" in asked[0][3]
    assert dialog.path_edit.text() == str(target)
    start = dialog.findChild(QPushButton, "exportStart")
    assert start is not None
    click(qtbot, start)
    qtbot.waitUntil(finished(window), timeout=10_000)
    assert window.data.last_message.startswith(f"Exported 6 sessions with transcripts to {target}")
    assert window.statusBar().currentMessage() == window.data.last_message
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["format"] == "worthwhile-export"
    assert all("transcript" in s for s in data["sessions"])
    assert any(s["title"] == UNICODE_TITLE for s in data["sessions"])


def test_export_csv_to_a_typed_path(qtbot: QtBot, rich_window: MainWindow,
                                    tmp_path: Path) -> None:
    window = rich_window
    dialog = open_export_dialog(qtbot, window)
    target = tmp_path / "sessions.csv"
    dialog.path_edit.clear()
    qtbot.keyClicks(dialog.path_edit, str(target))
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)  # the Export button is the default
    qtbot.waitUntil(finished(window), timeout=10_000)
    text = target.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0].endswith("note,rated_at,no_text")
    assert "transcript" not in text.splitlines()[0]


def test_an_export_that_cannot_be_written_says_why(
        qtbot: QtBot, rich_window: MainWindow, tmp_path: Path) -> None:
    window = rich_window
    dialog = open_export_dialog(qtbot, window)
    dialog.path_edit.setText(str(tmp_path / "no-such-folder" / "e.csv"))
    texts = answer_error_box()
    dialog.accept()
    qtbot.waitUntil(lambda: bool(texts), timeout=10_000)
    assert texts[0].startswith("The export was not written. Cannot write")
    assert not window.data.running


def test_cancel_an_export_writes_no_file(qtbot: QtBot, rich_window: MainWindow,
                                         tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = rich_window
    real = exporting.export_data

    def held(*args: Any, progress: Any, cancel: Any, **kwargs: Any) -> int:
        def wait_for_cancel(p: Any) -> None:  # on the worker: holds until Cancel is clicked
            progress(p)
            deadline = time.monotonic() + 10
            while not cancel() and time.monotonic() < deadline:
                time.sleep(0.01)

        return int(real(*args, progress=wait_for_cancel, cancel=cancel, **kwargs))

    monkeypatch.setattr(data_controller, "export_data", held)
    target = tmp_path / "e.json"
    window.data.start_export("json", True, target)
    dialog = window.data.progress_dialog
    assert dialog is not None
    cancel = dialog.findChild(QPushButton)
    assert cancel is not None
    assert cancel.text() == "Cancel"
    cancel.click()
    qtbot.waitUntil(finished(window), timeout=10_000)
    assert window.data.last_message == "Export cancelled: no file was written."
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".partial"]


def test_back_up_from_the_file_menu(qtbot: QtBot, rich_window: MainWindow, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    window = rich_window
    target = tmp_path / "backup.db"
    asked = save_as(monkeypatch, target)
    window.menu_actions["backup"].trigger()
    assert "worthwhile-backup-" in asked[0][2]
    qtbot.waitUntil(finished(window), timeout=10_000)
    assert window.data.last_message.startswith(f"Backed up to {target}")
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 6
    conn.close()


def test_backing_up_onto_the_database_itself_is_refused(
        qtbot: QtBot, rich_window: MainWindow, db_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = rich_window
    save_as(monkeypatch, db_path)
    texts = answer_error_box()
    window.menu_actions["backup"].trigger()
    qtbot.waitUntil(lambda: bool(texts), timeout=10_000)
    assert texts[0] == (f"The backup was not made. {db_path} is the database itself: choose "
                        "another file for the backup")
    assert window.sessions_view.model is not None
    assert window.sessions_view.model.rowCount() == 6


def _choose_to_open(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))


def test_open_database_switches_the_window(qtbot: QtBot, rich_window: MainWindow,
                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    window = rich_window
    other = tmp_path / "backups" / "last-year.db"
    db = open_db(other)
    save_sessions(db, [make_session(i, title=f"Old session {i}") for i in range(3)])
    db.close()
    assert window.windowTitle() == "Worthwhile"
    _choose_to_open(monkeypatch, other)
    window.menu_actions["open_database"].trigger()
    assert window.windowTitle() == "Worthwhile — last-year.db"
    assert str(other) in window.status_label.text()
    model = window.sessions_view.model
    assert model is not None
    assert model.rowCount() == 3
    assert model.index(0, COL_TITLE).data().startswith("Old session")
    # What is imported now goes into the database shown.
    assert window._import_target() == other


def test_opening_a_file_that_is_no_database_says_so_and_keeps_the_data_shown(
        qtbot: QtBot, rich_window: MainWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = rich_window
    notes = tmp_path / "notes.db"
    notes.write_text("these are my notes, not a database " * 100)
    _choose_to_open(monkeypatch, notes)
    texts = answer_error_box()
    window.menu_actions["open_database"].trigger()
    assert texts
    assert texts[0].startswith(f"{notes} could not be opened.")
    assert "is not an SQLite database" in texts[0]
    assert window.windowTitle() == "Worthwhile"
    assert window.sessions_view.model is not None
    assert window.sessions_view.model.rowCount() == 6


def test_importing_an_export_in_the_app_restores_sessions_and_ratings(
        qtbot: QtBot, db_path: Path, tmp_path: Path, open_window: OpenWindow) -> None:
    old = open_db(tmp_path / "old.db")
    build_rich_db(old)
    export = tmp_path / "e.json"
    export_data(old, export, "json")  # without transcripts
    old.close()
    window = open_window(db_path)
    assert window.outer_stack.currentWidget() is window.first_run
    assert window.imports.start([str(export)])
    qtbot.waitUntil(lambda: window.imports.last_report is not None, timeout=10_000)
    report = window.imports.last_report
    assert report is not None
    row = report.tree.topLevelItem(0)
    assert row is not None
    assert (row.text(1), row.text(2)) == ("Worthwhile export", "6")
    report.accept()
    assert window.outer_stack.currentWidget() is window.body
    assert "6 sessions · 4 rated" in window.status_label.text()
    model = window.sessions_view.model
    assert model is not None
    titles = [model.index(r, COL_TITLE).data() for r in range(model.rowCount())]
    window.sessions_view.table.selectRow(titles.index(UNICODE_TITLE))
    qtbot.waitUntil(lambda: "not in this database" in window.sessions_view.transcript.plain_text())
    assert MESSAGES_NOT_HERE.split(":")[0] in window.sessions_view.transcript.plain_text()
    assert isinstance(window.data, DataController)


def test_opening_another_database_moves_the_window_s_lock(
        qtbot: QtBot, rich_window: MainWindow, db_path: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """One window per database: the claim follows the window to the file it shows, and a file
    another window has open is not opened a second time."""
    window = rich_window
    first = InstanceLock(db_path, window)
    assert first.acquire()
    window.hold_instance_lock(first)
    other = tmp_path / "backups" / "other.db"
    open_db(other).close()
    _choose_to_open(monkeypatch, other)
    window.menu_actions["open_database"].trigger()
    assert window.windowTitle() == "Worthwhile — other.db"
    assert window.instance_lock is not None
    assert window.instance_lock.db_path == other
    assert not first.locked  # the first database is free for another window now
    again = InstanceLock(db_path)
    assert again.acquire()  # e.g. a second start on it
    try:
        _choose_to_open(monkeypatch, db_path)
        texts = answer_error_box()
        window.menu_actions["open_database"].trigger()
        assert texts
        assert "open in another Worthwhile window" in texts[0]
        assert window.windowTitle() == "Worthwhile — other.db"
        assert window.instance_lock.db_path == other
    finally:
        again.release()
    window.instance_lock.release()
