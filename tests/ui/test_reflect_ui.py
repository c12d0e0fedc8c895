"""A Reflect week done with the keyboard alone, the sample's rules, and its summary."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from desktop_app.domain import Verdict
from desktop_app.metrics.sampling import last_complete_week
from desktop_app.store import get_rating, open_db, save_sessions
from tests.factories import make_session
from tests.ui.conftest import OpenWindow


def week_sessions(db_path: Path, count: int, tools: tuple[str, ...] = ("chatgpt",)) -> list[str]:
    """``count`` sessions spread over the last complete week (local time), returns their ids."""
    monday = last_complete_week()
    db = open_db(db_path)
    sessions = []
    for i in range(count):
        local = datetime.combine(monday + timedelta(days=i % 7), time(9 + i % 8)).astimezone()
        start = local.astimezone(UTC)
        sessions.append(make_session(i, source=tools[i % len(tools)], external_id=f"w-{i}",
                                     started_at=start, ended_at=start + timedelta(minutes=9),
                                     title=f"Week task {i}"))
    # Noise outside the week must never be drawn.
    outside = datetime.combine(monday - timedelta(days=3), time(12)).astimezone().astimezone(UTC)
    sessions.append(make_session(99, external_id="outside", started_at=outside,
                                 ended_at=outside + timedelta(minutes=5)))
    save_sessions(db, sessions)
    db.close()
    return [s.id for s in sessions[:count]]


def test_reflect_week_of_five_with_keyboard_only(
    qtbot: QtBot,
    db_path: Path,
    open_window: OpenWindow,
) -> None:
    ids = week_sessions(db_path, 5)
    window = open_window(db_path)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    reflect = window.reflect_view
    qtbot.waitUntil(lambda: not reflect.busy)  # the sample is drawn off the GUI thread
    assert window.current_view() == "reflect"
    assert reflect.week == last_complete_week()
    assert sorted(reflect.sample) == sorted(ids)
    progress = reflect.findChild(QLabel, "reflectProgress")
    assert progress is not None
    assert progress.text() == "1 of 5"
    # U, N, S, then minutes typed into the focused spin box, U, and a note.
    qtbot.keyClick(reflect, Qt.Key.Key_U)
    qtbot.keyClick(reflect, Qt.Key.Key_Return)
    assert progress.text() == "2 of 5"
    qtbot.keyClick(reflect, Qt.Key.Key_N)
    qtbot.keyClick(reflect, Qt.Key.Key_Return)
    qtbot.keyClick(reflect, Qt.Key.Key_S)
    assert progress.text() == "4 of 5"
    qtbot.keyClick(reflect, Qt.Key.Key_U)
    qtbot.keyClick(reflect, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # &Minutes saved
    assert reflect.panel.minutes.hasFocus()
    reflect.panel.minutes.lineEdit().selectAll()
    qtbot.keyClicks(reflect.panel.minutes, "20")
    qtbot.keyClick(reflect.panel.minutes, Qt.Key.Key_Return)  # Enter saves and moves on
    assert progress.text() == "5 of 5"
    assert not reflect.panel.minutes.hasFocus()
    qtbot.keyClick(reflect, Qt.Key.Key_U)
    qtbot.keyClick(reflect, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)  # N&ote
    assert reflect.panel.note.hasFocus()
    qtbot.keyClicks(reflect.panel.note, "worth it")
    qtbot.keyClick(reflect.panel.note, Qt.Key.Key_Return)  # Enter in the note: save and next
    summary = reflect.findChild(QLabel, "reflectSummary")
    assert summary is not None
    qtbot.waitUntil(summary.isVisible)
    text = summary.text()
    assert "<b>5</b> uses" in text
    assert "<b>4</b> rated" in text
    assert "<b>3</b> useful" in text
    assert "not enough ratings yet" in text

    sample = reflect.sample
    db = open_db(db_path)
    verdicts = [get_rating(db, sid).verdict for sid in sample]
    assert verdicts == [Verdict.USEFUL, Verdict.NOT_USEFUL, Verdict.UNRATED, Verdict.USEFUL,
                        Verdict.USEFUL]
    assert get_rating(db, sample[3]).minutes_saved == 20
    assert get_rating(db, sample[4]).note == "worth it"
    db.close()
    # Undo works from Reflect too.
    window.menu_actions["undo"].trigger()
    db = open_db(db_path)
    assert get_rating(db, sample[4]).note is None
    db.close()


def test_reopening_shows_the_same_sample_and_continues(
    qtbot: QtBot,
    db_path: Path,
    open_window: OpenWindow,
) -> None:
    week_sessions(db_path, 30, tools=("chatgpt", "claude-code", "copilot"))
    window = open_window(db_path)
    window.show_view("reflect")
    qtbot.waitUntil(lambda: not window.reflect_view.busy)
    first = window.reflect_view.sample
    assert len(first) == 10
    window.reflect_view.rate(Verdict.USEFUL)
    window.reflect_view.next()
    window.close()
    again = open_window(db_path)
    again.show_view("reflect")
    qtbot.waitUntil(lambda: not again.reflect_view.busy)
    assert again.reflect_view.sample == first
    assert again.reflect_view.position == 1
    next_button = again.reflect_view.findChild(QPushButton, "reflectNext")
    assert next_button is not None
