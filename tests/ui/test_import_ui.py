"""Importing from the app: first run, progress, the report, Cancel, and drag and drop."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import PySide6
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from desktop_app.store import count_sessions, open_db
from tests.ui.conftest import OpenWindow

SAMPLE = (Path(__file__).resolve().parents[1] / "data" / "chatgpt"
          / "Sinity__polylogue__native-conversation-v1.json")


def generic_jsonl(path: Path, sessions: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i in range(sessions):
            for j, role in enumerate(("user", "assistant", "user", "assistant")):
                out.write(json.dumps({"session_id": f"s{i}", "role": role,
                                      "time": f"2026-03-02T09:{j:02d}:00Z",
                                      "text": f"message {j} of session {i}"}) + "\n")
    return path


def chat_export(tmp_path: Path) -> Path:
    target = tmp_path / "conversations.json"
    shutil.copy(SAMPLE, target)
    return target


def test_import_from_first_run_shows_report_and_sessions(
    qtbot: QtBot, db_path: Path, tmp_path: Path, open_window: OpenWindow
) -> None:
    window = open_window(db_path)
    assert window.outer_stack.currentWidget() is window.first_run
    button = window.first_run.findChild(QPushButton, "importFiles")
    assert button is not None
    assert button.isVisible()
    bad = tmp_path / "notes.txt"
    bad.write_text("just some notes")
    assert window.imports.start([str(chat_export(tmp_path)), str(bad)])
    qtbot.waitUntil(lambda: window.imports.last_report is not None, timeout=10_000)
    report = window.imports.last_report
    assert report is not None
    assert "1 new" in report.summary.text()
    assert "1 of 2 could not be imported" in report.summary.text()
    rows = []
    for i in range(report.tree.topLevelItemCount()):
        row = report.tree.topLevelItem(i)
        assert row is not None
        rows.append(row)
    assert rows[0].text(1) == "ChatGPT"
    assert rows[0].text(2) == "1"
    assert "not a supported" in rows[1].text(8)
    report.accept()
    assert window.outer_stack.currentWidget() is window.body
    assert window.sessions_view.model is not None
    assert window.sessions_view.model.rowCount() == 1
    assert "1 sessions" in window.status_label.text()


def test_cancel_leaves_the_database_as_it_was(
    qtbot: QtBot, db_path: Path, tmp_path: Path, open_window: OpenWindow
) -> None:
    window = open_window(db_path)
    big = generic_jsonl(tmp_path / "big.jsonl", 4000)
    assert window.imports.start([str(big)])
    assert window.imports.task is not None
    assert window.imports.progress_dialog is not None
    cancel = window.imports.progress_dialog.findChild(QPushButton)
    assert cancel is not None
    assert cancel.text() == "Cancel"
    cancel.click()
    qtbot.waitUntil(lambda: window.imports.last_report is not None, timeout=20_000)
    report = window.imports.last_report
    assert report is not None
    assert "cancelled" in report.summary.text().lower()
    assert window.imports.task is None
    db = open_db(db_path)
    assert count_sessions(db) == 0
    db.close()
    assert window.outer_stack.currentWidget() is window.first_run


def test_drop_files_on_the_window_imports_them(
    qtbot: QtBot, db_path: Path, tmp_path: Path, open_window: OpenWindow
) -> None:
    window = open_window(db_path)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(chat_export(tmp_path)))])
    assert window.acceptDrops()
    # PySide6 6.12 takes a QPointF and deprecates the QPoint that 6.11 needs.
    at = QPointF(50, 50) if PySide6.__version_info__ >= (6, 12) else QPoint(50, 50)
    enter = QDragEnterEvent(at, Qt.DropAction.CopyAction, data,  # type: ignore[arg-type,unused-ignore]
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, data,
                      Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)
    qtbot.waitUntil(lambda: window.imports.last_report is not None, timeout=10_000)
    assert window.sessions_view.model is not None
    assert window.sessions_view.model.rowCount() == 1


def test_import_while_in_demo_goes_to_own_data(
    qtbot: QtBot, db_path: Path, tmp_path: Path, open_window: OpenWindow
) -> None:
    window = open_window(db_path)
    window.first_run.demo_button.click()
    qtbot.waitUntil(lambda: window.is_demo, timeout=10_000)
    window.imports.start([str(chat_export(tmp_path))])
    assert not window.is_demo
    qtbot.waitUntil(lambda: window.imports.last_report is not None, timeout=10_000)
    db = open_db(db_path)
    assert count_sessions(db) == 1
    db.close()
