"""The search index built in the background: the status bar says "Indexing… n %", a search
says how much it covers, the sessions can be rated meanwhile, and all of it clears at the end."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlite_utils import Database

from desktop_app.domain import Verdict
from desktop_app.store import get_rating, open_db, save_sessions
from desktop_app.store.indexing import IndexStep, index_complete, index_pending
from tests.factories import make_messages, make_session
from tests.ui.conftest import OpenWindow
from tests.ui.test_import_ui import generic_jsonl


def _queued_database(db_path: Path, sessions: int = 40) -> None:
    """A database whose sessions are stored but not indexed (an import cut short)."""
    db = open_db(db_path)
    save_sessions(db, [make_session(i, messages=make_messages(f"common word {i}", "reply"))
                       for i in range(sessions)], index=False)
    db.close()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Holds the background indexer after its first batch until set."""
    opened = threading.Event()
    calls = 0

    def held(db: Database, batch: int = 1000) -> IndexStep:
        nonlocal calls
        calls += 1
        if calls > 1:
            opened.wait(30)
        return index_pending(db, 10)

    monkeypatch.setattr("desktop_app.ui.indexing.index_pending", held)
    return opened


def test_index_resumes_at_start_and_the_status_bar_says_so(
        qtbot: QtBot, db_path: Path, open_window: OpenWindow, gate: threading.Event) -> None:
    _queued_database(db_path)
    window = open_window(db_path)
    label = window.indexing.label
    qtbot.waitUntil(lambda: label.isVisible() and label.text() == "Indexing… 12 %")
    view = window.sessions_view
    assert view.model is not None
    assert view.model.rowCount() == 40  # browsable while indexing
    # A search finds what is indexed so far, and says how much that is.
    qtbot.keyClicks(view.filters.search, "common")
    qtbot.keyClick(view.filters.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.model is not None and view.model.rowCount() == 5)
    assert view.filters.count.text() == "5 matches · 12 % indexed"
    assert view.filters.count.toolTip().startswith("Searching 12 % of messages: ")
    # Rating waits for no index batch.
    view.table.selectRow(0)
    sid = view.selected_ids()[0]
    qtbot.keyClick(view.table, Qt.Key.Key_U)
    assert window.controller.writes.pending == 0
    gate.set()
    qtbot.waitUntil(lambda: not label.isVisible(), timeout=20_000)
    qtbot.waitUntil(lambda: view.model is not None and view.model.rowCount() == 40)
    assert view.filters.count.text() == "40 matches"
    assert view.filters.count.toolTip() == ""
    db = open_db(db_path)
    assert index_complete(db)
    assert get_rating(db, sid).verdict is Verdict.USEFUL
    db.close()


def test_an_import_in_the_window_is_browsable_then_indexed(
        qtbot: QtBot, db_path: Path, tmp_path: Path, open_window: OpenWindow,
        gate: threading.Event) -> None:
    window = open_window(db_path)
    assert not window.indexing.label.isVisible()
    assert window.imports.start([str(generic_jsonl(tmp_path / "s.jsonl", 30))])
    qtbot.waitUntil(lambda: window.imports.last_report is not None, timeout=20_000)
    report = window.imports.last_report
    assert report is not None
    report.accept()
    view = window.sessions_view
    assert view.model is not None
    assert view.model.rowCount() == 30
    label = window.indexing.label
    qtbot.waitUntil(lambda: label.isVisible() and label.text().startswith("Indexing… "))
    gate.set()
    qtbot.waitUntil(lambda: not label.isVisible(), timeout=20_000)
    qtbot.keyClicks(view.filters.search, "message")
    qtbot.keyClick(view.filters.search, Qt.Key.Key_Return)
    # The search runs off the GUI thread: its count replaces "Searching…" when it is done.
    qtbot.waitUntil(lambda: view.filters.count.text() == "30 matches")
    assert view.model is not None
    assert view.model.rowCount() == 30
