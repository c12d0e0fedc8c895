"""Filters driven like a user: kept per database, said in the status bar, left by the keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from desktop_app.store import open_db, save_sessions
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.settings import Settings
from tests.factories import make_session
from tests.ui.conftest import OpenWindow


def _database(path: Path, count: int, title: str = "Session") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = open_db(path)
    save_sessions(db, [make_session(i, external_id=f"{path.stem}-{i}", title=f"{title} {i}")
                       for i in range(count)])
    db.close()
    return path


@pytest.fixture
def db_a(tmp_path: Path) -> Path:
    return _database(tmp_path / "a" / "worthwhile.db", 30, "Alpha")


@pytest.fixture
def db_b(tmp_path: Path) -> Path:
    return _database(tmp_path / "b" / "worthwhile.db", 12, "Beta")


def _rate_first_useful_and_filter(qtbot: QtBot, window: MainWindow) -> None:
    """Rate the top session Useful, then show only Useful sessions: 1 row left."""
    view = window.sessions_view
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_U)
    view.filters.verdict.setCurrentIndex(view.filters.verdict.findData("useful"))
    assert view.model is not None
    assert view.model.rowCount() == 1


def _rows(window: MainWindow) -> int:
    model = window.sessions_view.model
    assert model is not None
    return model.rowCount()


def test_filters_belong_to_their_database(qtbot: QtBot, db_a: Path, db_b: Path,
                                          tmp_path: Path, open_window: OpenWindow) -> None:
    settings_file = tmp_path / "settings.ini"
    window = open_window(db_a, settings_file)
    _rate_first_useful_and_filter(qtbot, window)
    bar = window.sessions_view.filters

    window.open_database(db_b, demo=False)
    assert bar.verdict.currentData() == ""
    assert _rows(window) == 12
    assert not window.filter_status.isVisible()

    window.open_database(db_a, demo=False)
    assert bar.verdict.currentData() == "useful"
    assert _rows(window) == 1

    demo = _database(tmp_path / "demo" / "demo.db", 8, "Demo")
    window.open_database(demo, demo=True)
    assert bar.verdict.currentData() == ""
    assert _rows(window) == 8
    bar.period.setCurrentIndex(bar.period.findData("7d"))  # a demo's filters are not kept
    window.open_database(db_a, demo=False)
    assert bar.verdict.currentData() == "useful"
    assert bar.period.currentData() == "all"
    window.open_database(demo, demo=True)
    assert bar.period.currentData() == "all"
    assert _rows(window) == 8


def test_filters_come_back_after_a_restart_only_on_their_database(
        qtbot: QtBot, db_a: Path, db_b: Path, tmp_path: Path, open_window: OpenWindow) -> None:
    settings_file = tmp_path / "settings.ini"
    window = open_window(db_a, settings_file)
    _rate_first_useful_and_filter(qtbot, window)
    window.close()

    other = open_window(db_b, settings_file)
    assert other.sessions_view.filters.verdict.currentData() == ""
    assert _rows(other) == 12
    other.close()

    again = open_window(db_a, settings_file)
    assert again.sessions_view.filters.verdict.currentData() == "useful"
    assert _rows(again) == 1
    assert "Showing 1 of 30 sessions: filters are on" in again.filter_status.text()


def test_a_fresh_demo_ignores_filters_saved_before_they_were_per_database(
        tmp_path: Path, open_window: OpenWindow) -> None:
    settings_file = tmp_path / "settings.ini"
    old = QSettings(str(settings_file), QSettings.Format.IniFormat)
    old.setValue("filters/verdict", "useful")  # how filters were saved, for every database
    old.sync()
    demo = _database(tmp_path / "demo" / "demo.db", 8, "Demo")
    window = open_window(demo, settings_file, demo=True)
    assert window.sessions_view.filters.verdict.currentData() == ""
    assert _rows(window) == 8
    assert not window.filter_status.isVisible()


def test_status_bar_says_rows_are_hidden_and_clears_every_filter(
        qtbot: QtBot, db_a: Path, open_window: OpenWindow) -> None:
    window = open_window(db_a)
    assert not window.filter_status.isVisible()
    assert not window.clear_filters_button.isVisible()
    _rate_first_useful_and_filter(qtbot, window)
    bar = window.sessions_view.filters
    bar.has_note.setChecked(True)
    bar.has_note.setChecked(False)
    assert window.filter_status.isVisible()
    assert window.filter_status.text() == "Showing 1 of 30 sessions: filters are on"
    bar.period.setCurrentIndex(bar.period.findData("12m"))
    qtbot.keyClicks(bar.search, "no such words")
    qtbot.keyClick(bar.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.sessions_view.busy)  # the search runs off the GUI thread
    assert window.filter_status.text() == "Showing 0 of 30 sessions: filters are on"
    window.show_view("value")  # said wherever the user is
    assert window.filter_status.isVisible()
    window.show_view("sessions")

    qtbot.mouseClick(window.clear_filters_button, Qt.MouseButton.LeftButton)
    assert bar.search.text() == ""
    assert bar.state() == {**bar.state(), "tool": "", "verdict": "", "label": "",
                           "period": "all", "has_note": ""}
    assert _rows(window) == 30
    assert not window.filter_status.isVisible()
    assert not window.clear_filters_button.isVisible()


def test_a_filter_that_hides_nothing_is_not_reported(qtbot: QtBot, db_a: Path,
                                                     open_window: OpenWindow) -> None:
    window = open_window(db_a)
    bar = window.sessions_view.filters
    bar.verdict.setCurrentIndex(bar.verdict.findData("unrated"))  # every session is unrated
    assert _rows(window) == 30
    assert not window.filter_status.isVisible()


def test_enter_in_the_search_box_goes_into_the_results(qtbot: QtBot, db_a: Path,
                                                       open_window: OpenWindow) -> None:
    window = open_window(db_a)
    view = window.sessions_view
    qtbot.keyClick(view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.filters.search.hasFocus()
    qtbot.keyClicks(view.filters.search, "Alpha 7")
    qtbot.keyClick(view.filters.search, Qt.Key.Key_Return)  # before the debounce fires
    assert view.table.hasFocus()
    assert view.busy  # searching, off the GUI thread: the table takes the results as they come
    qtbot.waitUntil(lambda: not view.busy)
    assert _rows(window) == 1
    assert view.selected_ids() == [view.model.session_at(0).id]  # type: ignore[union-attr]
    qtbot.keyClick(view.table, Qt.Key.Key_U)  # and rating works from there
    assert view.model is not None
    assert view.model.index(0, 0).data(Qt.ItemDataRole.DisplayRole) is not None


def test_down_in_the_search_box_selects_the_first_result(qtbot: QtBot, db_a: Path,
                                                         open_window: OpenWindow) -> None:
    window = open_window(db_a)
    view = window.sessions_view
    view.filters.focus_search()
    qtbot.keyClicks(view.filters.search, "sorting")  # in every session
    view.table.clearSelection()
    assert view.selected_ids() == []
    qtbot.keyClick(view.filters.search, Qt.Key.Key_Down)
    assert view.table.hasFocus()
    qtbot.waitUntil(lambda: not view.busy)
    assert view.model is not None
    assert view.model.query().search == "sorting"  # the pending search ran first
    assert _rows(window) == 30
    assert view.model is not None
    first = view.model.session_at(0)
    assert first is not None
    assert view.selected_ids() == [first.id]
    qtbot.keyClick(view.table, Qt.Key.Key_Down)  # the table's own keys from there on
    second = view.model.session_at(1)
    assert second is not None
    assert view.selected_ids() == [second.id]


def test_down_keeps_a_selection_the_user_made(qtbot: QtBot, db_a: Path,
                                              open_window: OpenWindow) -> None:
    window = open_window(db_a)
    view = window.sessions_view
    view.select_row(4)
    chosen = view.selected_ids()
    view.filters.focus_search()
    qtbot.keyClick(view.filters.search, Qt.Key.Key_Down)
    assert view.table.hasFocus()
    assert view.selected_ids() == chosen


def test_settings_keep_filters_per_database_path(tmp_path: Path) -> None:
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    settings.set_database_filters(tmp_path / "a.db", {"verdict": "useful"})
    settings.set_database_filters(None, {"verdict": "not_useful"})  # a demo: not kept
    assert settings.database_filters(tmp_path / "a.db") == {"verdict": "useful"}
    assert settings.database_filters(tmp_path / "sub" / ".." / "a.db") == {"verdict": "useful"}
    assert settings.database_filters(tmp_path / "b.db") == {}
    assert settings.database_filters(None) == {}
