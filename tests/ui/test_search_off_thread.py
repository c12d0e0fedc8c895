"""Searching runs off the GUI thread: the window answers meanwhile, and the newest search wins.

The store's key query is held at a gate (per search text) so that the test decides when each
search ends, and in which order; everything else is the real window driven by key presses.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlite_utils import Database

from desktop_app.store import SessionQuery, open_db, save_sessions
from desktop_app.store.sessions import session_key_array
from desktop_app.ui import sessions_view
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.sessions_view import SEARCH_TASK
from tests.factories import make_session
from tests.ui.conftest import OpenWindow


class Gates:
    """Holds the searches for chosen texts until released; notes the thread each ran on."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.events: dict[str, threading.Event] = {}
        self.threads: dict[str, threading.Thread] = {}
        real = session_key_array

        def gated(db: Database, query: SessionQuery | None = None,
                  cancelled: Callable[[], bool] | None = None) -> array[int]:
            search = query.search if query is not None else None
            if search is not None and search in self.events:
                self.threads[search] = threading.current_thread()
                assert self.events[search].wait(10), "the test never released this search"
                return real(db, query)  # runs to its end even if asked to stop
            return real(db, query, cancelled=cancelled)

        monkeypatch.setattr(sessions_view, "session_key_array", gated)

    def hold(self, search: str) -> None:
        self.events[search] = threading.Event()

    def release(self, search: str) -> None:
        self.events[search].set()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "worthwhile.db"
    db = open_db(path)
    save_sessions(db, [make_session(i, title=f"Alpha {i}") for i in range(30)])
    db.close()
    return path


def _rows(window: MainWindow) -> int:
    model = window.sessions_view.model
    assert model is not None
    return model.rowCount()


def _search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """Type ``text`` at the end of the search box and press Enter (no debounce wait)."""
    search = window.sessions_view.filters.search
    search.setFocus()
    search.end(False)
    qtbot.keyClicks(search, text)
    qtbot.keyClick(search, Qt.Key.Key_Return)


def test_the_window_answers_while_a_search_runs_on_another_thread(
        qtbot: QtBot, db_path: Path, open_window: OpenWindow,
        monkeypatch: pytest.MonkeyPatch) -> None:
    gates = Gates(monkeypatch)
    gates.hold("Alpha 7")
    window = open_window(db_path)
    view = window.sessions_view
    _search(qtbot, window, "Alpha 7")
    qtbot.waitUntil(lambda: "Alpha 7" in gates.threads)
    assert gates.threads["Alpha 7"] is not threading.main_thread()
    assert view.busy
    assert view.filters.count.text() == "Searching…"
    # Meanwhile the window takes keys: the table (the last result) is there to move through.
    assert view.table.hasFocus()
    assert _rows(window) == 30
    first, second = view.model.session_at(0), view.model.session_at(1)  # type: ignore[union-attr]
    assert first is not None
    assert second is not None
    assert view.selected_ids() == [first.id]
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert view.selected_ids() == [second.id]
    assert view.busy

    gates.release("Alpha 7")
    qtbot.waitUntil(lambda: not view.busy)
    assert _rows(window) == 1
    assert view.filters.count.text() == "1 match"
    assert window.filter_status.text() == "Showing 1 of 30 sessions: filters are on"
    shown = view.model.session_at(0)  # type: ignore[union-attr]
    assert shown is not None
    assert shown.title == "Alpha 7"
    assert view.selected_ids() == [shown.id]  # the session moved to was not found: the first


def test_a_newer_search_wins_over_an_older_one_that_ends_later(
        qtbot: QtBot, db_path: Path, open_window: OpenWindow,
        monkeypatch: pytest.MonkeyPatch) -> None:
    gates = Gates(monkeypatch)
    gates.hold("Alpha")
    gates.hold("Alpha 7")
    window = open_window(db_path)
    view = window.sessions_view
    _search(qtbot, window, "Alpha")
    qtbot.waitUntil(lambda: "Alpha" in gates.threads)
    _search(qtbot, window, " 7")  # typed on while the first search still runs
    qtbot.waitUntil(lambda: "Alpha 7" in gates.threads)

    gates.release("Alpha 7")
    qtbot.waitUntil(lambda: not view.busy)
    assert _rows(window) == 1
    assert window.tasks.busy(SEARCH_TASK)  # the older search has not ended yet

    gates.release("Alpha")  # it ends now, with every session: dropped, never shown
    qtbot.waitUntil(lambda: not window.tasks.busy(SEARCH_TASK))
    qtbot.wait(50)
    assert not view.busy
    assert _rows(window) == 1
    assert view.model is not None
    assert view.model.query().search == "Alpha 7"
    assert view.filters.count.text() == "1 match"


def test_the_selection_stays_when_the_search_still_finds_it(
        qtbot: QtBot, db_path: Path, open_window: OpenWindow) -> None:
    window = open_window(db_path)
    view = window.sessions_view
    view.select_row(3)
    chosen = view.selected_ids()
    _search(qtbot, window, "Alpha")
    qtbot.waitUntil(lambda: not view.busy)
    assert view.model is not None
    assert view.model.query().search == "Alpha"
    assert view.selected_ids() == chosen


def test_in_a_large_database_sorting_and_filtering_run_off_the_gui_thread_too(
        qtbot: QtBot, db_path: Path, open_window: OpenWindow,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sessions_view, "SYNC_UP_TO", 10)  # 30 sessions: "large"
    window = open_window(db_path)
    view = window.sessions_view
    view.select_row(2)
    chosen = view.selected_ids()
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_U)  # rated useful: the one the filter keeps
    bar = view.filters
    bar.verdict.setCurrentIndex(bar.verdict.findData("useful"))
    assert view.busy
    assert bar.count.text() == ""  # no search: nothing is said to be searched
    qtbot.waitUntil(lambda: not view.busy)
    assert _rows(window) == 1
    assert view.selected_ids() == chosen
    assert bar.count.text() == "1 match"

    bar.verdict.setCurrentIndex(0)
    header = view.table.horizontalHeader()
    header.setSortIndicator(2, Qt.SortOrder.AscendingOrder)  # by title, as a click does
    assert view.busy
    qtbot.waitUntil(lambda: not view.busy)
    assert view.model is not None
    assert view.model.query().order_by == "title"
    assert view.model.index(0, 2).data() == "Alpha 0"
    assert view.selected_ids() == chosen
