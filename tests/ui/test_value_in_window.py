"""The Value view inside the window: built on first use, kept current, and clicking through."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.store import SessionQuery, open_db, save_sessions
from tests.factories import make_session
from tests.ui.conftest import OpenWindow


def test_value_view_is_built_lazily_and_follows_ratings(
    qtbot: QtBot, db_path: Path, open_window: OpenWindow
) -> None:
    db = open_db(db_path)
    save_sessions(db, [make_session(i) for i in range(12)])
    db.close()
    window = open_window(db_path)
    assert window.value_view is None
    window.sessions_view.table.setFocus()
    for _ in range(6):  # six useful ratings: enough for a value per use
        qtbot.keyClick(window.sessions_view.table, Qt.Key.Key_U)
        qtbot.keyClick(window.sessions_view.table, Qt.Key.Key_J)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    view = window.value_view
    assert view is not None
    assert "pyqtgraph" in sys.modules
    qtbot.waitUntil(lambda: not view.busy)  # the figures are read off the GUI thread
    assert view.stats is not None
    assert view.stats.totals.rated == 6
    assert view.stats.totals.value_per_use == 1.0
    # A rating while the view is shown updates it as soon as the new figures are in.
    window.show_view("sessions")
    qtbot.keyClick(window.sessions_view.table, Qt.Key.Key_N)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        window.show_view("value")
    assert view.stats.totals.rated == 7
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        window.menu_actions["undo"].trigger()
    assert view.stats.totals.rated == 6


def test_clicking_a_period_opens_its_sessions(
    qtbot: QtBot, db_path: Path, open_window: OpenWindow
) -> None:
    db = open_db(db_path)
    early = [make_session(i) for i in range(3)]
    later = [make_session(i, started_at=s.started_at + timedelta(days=14),  # type: ignore[operator]
                          external_id=f"later-{i}") for i, s in enumerate(early * 2)]
    save_sessions(db, early + later)
    db.close()
    window = open_window(db_path)
    window.show_view("value")
    view = window.value_view
    assert view is not None
    qtbot.waitUntil(lambda: not view.busy)
    assert view.stats is not None
    first = view.stats.periods[0]
    from desktop_app.metrics import day_start_utc

    view.sessions_requested.emit(SessionQuery(started_from=day_start_utc(first.start),
                                              started_before=day_start_utc(first.end)))
    assert window.current_view() == "sessions"
    assert window.sessions_view.model is not None
    assert window.sessions_view.model.rowCount() == 3
    assert window.sessions_view.filters.period.currentData() == "custom"
    assert window.sessions_view.filters.count.text() == "3 matches"


def test_keyboard_walks_periods_and_opens_one(
    qtbot: QtBot, db_path: Path, open_window: OpenWindow
) -> None:
    db = open_db(db_path)
    early = [make_session(i) for i in range(3)]
    later = [make_session(10 + i, started_at=s.started_at + timedelta(days=7),  # type: ignore[operator]
                          external_id=f"later-{i}") for i, s in enumerate(early)]
    save_sessions(db, early + later)
    db.close()
    window = open_window(db_path)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    view = window.value_view
    assert view is not None
    qtbot.waitUntil(lambda: not view.busy)
    chart = view.over_time.widget
    chart.setFocus()
    qtbot.keyClick(chart, Qt.Key.Key_Home)
    assert view.hover_text is not None
    first_text = view.hover_text
    qtbot.keyClick(chart, Qt.Key.Key_Right)
    assert view.hover_text != first_text
    qtbot.keyClick(chart, Qt.Key.Key_Left)
    assert view.hover_text == first_text
    # U here would rate a session the user cannot see: it does nothing but say where to rate.
    qtbot.keyClick(chart, Qt.Key.Key_U)
    assert "Sessions or Reflect" in window.statusBar().currentMessage()
    assert window.undo_stack.count() == 0
    qtbot.keyClick(chart, Qt.Key.Key_Return)
    assert window.current_view() == "sessions"
    assert window.sessions_view.model is not None
    assert window.sessions_view.model.rowCount() == 3


def test_without_a_value_yet_the_button_opens_reflect(
    qtbot: QtBot, db_path: Path, open_window: OpenWindow
) -> None:
    db = open_db(db_path)
    save_sessions(db, [make_session(i) for i in range(6)])  # nothing rated
    db.close()
    window = open_window(db_path)
    window.show_view("value")
    view = window.value_view
    assert view is not None
    qtbot.waitUntil(lambda: not view.busy)
    qtbot.waitUntil(view.reflect_button.isVisible)
    qtbot.mouseClick(view.reflect_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.reflect_view
