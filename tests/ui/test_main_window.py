"""The first window, driven like a user: first run, demo data, selecting sessions, screenshots."""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel, QPushButton, QTableView
from pytestqt.qtbot import QtBot

from desktop_app.app import run_app, save_screenshot
from desktop_app.domain import Message
from desktop_app.store import SessionQuery, open_db, save_sessions
from desktop_app.ui.session_model import COL_TITLE, COL_VERDICT, SESSION_ID_ROLE, SessionTableModel
from desktop_app.ui.transcript_view import TranscriptView
from tests.factories import make_messages, make_session
from tests.ui.conftest import OpenWindow


@pytest.fixture
def filled_db(db_path: Path) -> Path:
    db = open_db(db_path)
    save_sessions(db, [make_session(i) for i in range(450)])
    db.close()
    return db_path


def test_empty_database_shows_first_run_and_demo_opens(
    qtbot: QtBot,
    db_path: Path,
    open_window: OpenWindow,
) -> None:
    window = open_window(db_path)
    assert window.outer_stack.currentWidget() is window.first_run
    assert window.windowTitle() == "Worthwhile"
    assert not window.demo_banner.isVisible()
    button = window.findChild(QPushButton, "tryDemo")
    assert button is not None
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    # Built off the GUI thread: a busy indicator, and no second demo meanwhile.
    assert window.busy_bar.isVisible()
    assert not button.isEnabled()
    assert not window.menu_actions["demo"].isEnabled()
    qtbot.waitUntil(lambda: window.outer_stack.currentWidget() is window.body, timeout=10_000)
    assert not window.busy_bar.isVisible()
    assert window.is_demo
    assert "DEMO" in window.windowTitle()
    assert window.demo_banner.isVisible()
    assert window.sessions_view.model is not None
    assert window.sessions_view.model.rowCount() > 300
    # Select a demo session and read it.
    window.sessions_view.table.selectRow(5)
    title = window.sessions_view.model.index(5, COL_TITLE).data()
    qtbot.waitUntil(lambda: title in window.sessions_view.transcript.plain_text())
    demo_path = window._db_path
    assert demo_path != db_path
    # The real database stays empty: demo data is never mixed in.
    real = open_db(db_path)
    assert real.conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
    real.close()
    # Leave the demo: back to the user's (empty) data, and the demo files are gone.
    window.menu_actions["leave_demo"].trigger()
    assert not window.is_demo
    assert window.outer_stack.currentWidget() is window.first_run
    assert not demo_path.exists()


def test_window_lists_sessions_and_selecting_shows_transcript(
    qtbot: QtBot, filled_db: Path, open_window: OpenWindow
) -> None:
    window = open_window(filled_db)
    table = window.findChild(QTableView, "sessionTable")
    assert table is window.sessions_view.table
    assert window.sessions_view.model is not None
    assert window.sessions_view.model.rowCount() == 450
    # Newest first, first row selected on open.
    first_title = window.sessions_view.model.index(0, COL_TITLE).data()
    assert first_title == "Session number 449"
    assert "Session number 449" in window.sessions_view.transcript.plain_text()
    # A user clicks another row and reads its transcript.
    rect = table.visualRect(window.sessions_view.model.index(3, COL_TITLE))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: "Session number 446" in window.sessions_view.transcript.plain_text())
    assert "question 446 about sorting" in window.sessions_view.transcript.plain_text()
    # Arrow key moves on.
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: "Session number 445" in window.sessions_view.transcript.plain_text())
    status = window.findChild(QLabel, "statusText")
    assert status is not None
    assert "450 sessions" in status.text()
    assert str(filled_db) in status.text()


def test_sorting_by_header_is_done_in_sql(
    qtbot: QtBot,
    filled_db: Path,
    open_window: OpenWindow,
) -> None:
    window = open_window(filled_db)
    assert window.sessions_view.model is not None
    window.sessions_view.table.sortByColumn(COL_TITLE, Qt.SortOrder.AscendingOrder)
    assert window.sessions_view.model.query().order_by == "title"
    assert window.sessions_view.model.index(0, COL_TITLE).data() == "Session number 0"
    assert window.sessions_view.model.index(1, COL_TITLE).data() == "Session number 1"
    assert window.sessions_view.model.index(2, COL_TITLE).data() == "Session number 10"


def test_session_model_passes_modeltester(qtmodeltester, filled_db: Path) -> None:  # type: ignore[no-untyped-def]
    db = open_db(filled_db)
    model = SessionTableModel(db)
    qtmodeltester.check(model)
    model.set_query(SessionQuery(search="449"))
    qtmodeltester.check(model)
    assert model.rowCount() == 1
    assert model.index(0, 0).data(SESSION_ID_ROLE) == make_session(449).id
    db.close()


def test_model_pages_rows_lazily(filled_db: Path) -> None:
    db = open_db(filled_db)
    model = SessionTableModel(db)
    assert model.rowCount() == 450
    assert len(model._pages) == 0
    model.index(449, 0).data()
    assert len(model._pages) == 1
    assert model.row_of(make_session(0).id) == 449
    db.close()


def test_transcript_never_fetches_remote_content(
    qtbot: QtBot, db_path: Path, network_events: list[object], open_window: OpenWindow,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = open_db(db_path)
    evil = make_session(
        1,
        title="Remote content test",
        messages=(
            Message("user", "Look: ![x](http://example.com/t.png) and <img src=http://example.com/i.png>"),
            Message("assistant", "```python\nprint('hi')\n```\nDone. <script>alert(1)</script>"),
        ),
    )
    save_sessions(db, [evil])
    db.close()
    requested: list[str] = []
    original = TranscriptView.loadResource

    def spy(self: TranscriptView, kind: int, url: QUrl | str) -> object:
        requested.append(str(url))
        return original(self, kind, url)

    monkeypatch.setattr(TranscriptView, "loadResource", spy)
    window = open_window(db_path)
    text = window.sessions_view.transcript.plain_text()
    assert "<img src=http://example.com/i.png>" in text  # shown as text, not as an image
    assert "![x](http://example.com/t.png)" in text
    assert "<script>alert(1)</script>" in text
    assert "print('hi')" in text
    assert requested == []
    assert network_events == []
    assert "PySide6.QtNetwork" not in sys.modules


def test_browsing_demo_data_opens_no_socket(
    qtbot: QtBot, db_path: Path, network_events: list[object], open_window: OpenWindow
) -> None:
    window = open_window(db_path)
    window.first_run.demo_button.click()
    qtbot.waitUntil(lambda: window.is_demo, timeout=10_000)
    assert window.sessions_view.model is not None
    for row in range(0, 40, 4):
        window.sessions_view.table.selectRow(row)
    window.sessions_view.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    window.sessions_view.model.set_query(SessionQuery(search="test"))
    assert network_events == []


def test_long_transcript_opens_in_chunks(
    qtbot: QtBot,
    db_path: Path,
    open_window: OpenWindow,
) -> None:
    db = open_db(db_path)
    texts = [f"message {i} " + "word " * 40 for i in range(1500)]
    save_sessions(db, [make_session(1, messages=make_messages(*texts))])
    db.close()
    window = open_window(db_path)
    text = window.sessions_view.transcript.plain_text()
    assert "message 399 " in text
    assert "message 400 " not in text
    assert "Show the other 1,100 messages" in text
    window.sessions_view.transcript._on_anchor_clicked(__import__("PySide6.QtCore").QtCore.QUrl(
        "worthwhile:show-all"))
    assert "message 1499 " in window.sessions_view.transcript.plain_text()


def test_screenshot_of_demo_window(qtbot: QtBot, tmp_path: Path) -> None:
    from desktop_app.demo.database import DemoDatabase

    with DemoDatabase() as demo:
        for theme in ("light", "dark"):
            out = tmp_path / f"sessions-{theme}.png"
            assert run_app(demo.path, demo=True, screenshot=out, theme=theme) == 0
            image = QImage(str(out))
            assert not image.isNull()
            assert image.width() >= 1000
            assert image.height() >= 600
            # Not a blank image: many distinct colours from text, rows and the banner.
            colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
                       for y in range(0, image.height(), 7)}
            assert len(colours) > 20


def test_save_screenshot_reports_unwritable_path(qtbot: QtBot, db_path: Path,
                                                 tmp_path: Path, open_window: OpenWindow) -> None:
    window = open_window(db_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert save_screenshot(window, blocker / "sub" / "shot.png") is False
    assert save_screenshot(window, tmp_path / "ok" / "shot.png") is True


def test_transcript_shows_the_tools_own_feedback_and_hidden_branches(
    qtbot: QtBot, db_path: Path, open_window: OpenWindow
) -> None:
    db = open_db(db_path)
    save_sessions(db, [make_session(1, hidden_branches=2, tool_feedback="down")])
    db.close()
    window = open_window(db_path)
    text = window.sessions_view.transcript.plain_text()
    assert "the tool's own feedback: thumbs down (not your verdict)" in text
    assert "2 regenerated or edited branches not shown" in text
    assert window.sessions_view.model is not None
    assert window.sessions_view.model.index(0, COL_VERDICT).data() == ""  # no verdict from the tool


def test_closing_while_the_demo_is_built_leaves_nothing_behind(
    qtbot: QtBot, db_path: Path, tmp_path: Path, open_window: OpenWindow,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    window = open_window(db_path)
    window.first_run.demo_button.click()
    assert window.busy
    window.close()  # waits for the build, then throws the unwanted demo away
    assert not window.tasks.busy()
    assert list(temp.iterdir()) == []
    qtbot.wait(20)
    assert not window.is_demo


def test_closing_while_the_value_figures_are_computed(
    qtbot: QtBot, db_path: Path, open_window: OpenWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.ui import value_view

    db = open_db(db_path)
    save_sessions(db, [make_session(i) for i in range(20)])
    db.close()
    started, gate = threading.Event(), threading.Event()
    real = value_view._value_stats

    def held(*args: Any, **kwargs: Any) -> Any:
        started.set()
        gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(value_view, "_value_stats", held)
    window = open_window(db_path)
    window.show_view("value")
    assert window.value_view is not None
    assert window.value_view.busy
    assert started.wait(10)
    threading.Timer(0.05, gate.set).start()
    window.close()  # cancels, waits for the worker; nothing arrives afterwards
    assert not window.tasks.busy()
    qtbot.wait(20)
    assert window.value_view.stats is None
