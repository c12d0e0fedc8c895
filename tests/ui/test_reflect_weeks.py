"""Reflect finds the week to reflect on, and lets the user choose another from a list."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel
from pytestqt.qtbot import QtBot

from desktop_app.domain import Rating, Verdict
from desktop_app.metrics.periods import period_start
from desktop_app.metrics.sampling import last_complete_week
from desktop_app.store import get_rating, open_db, save_sessions, set_rating
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.reflect_view import list_weeks, opening_week
from tests.factories import make_session
from tests.ui.conftest import OpenWindow

#: Monday of the newest week of data: about five months before today.
NEWEST = period_start(date.today() - timedelta(days=150), "week")
OLDER = NEWEST - timedelta(days=7)
OLDEST = NEWEST - timedelta(days=21)  # a week without sessions lies between


def old_sessions(db_path: Path) -> dict[date, list[str]]:
    """Three old weeks of sessions (12, 8 and 5); the newest week's all rated, the one before
    it half rated. Returns their ids by week."""
    db = open_db(db_path)
    ids: dict[date, list[str]] = {}
    sessions = []
    n = 0
    for monday, count in ((NEWEST, 12), (OLDER, 8), (OLDEST, 5)):
        for i in range(count):
            local = datetime.combine(monday + timedelta(days=i % 7), time(9 + i % 8)).astimezone()
            start = local.astimezone(UTC)
            sessions.append(make_session(n, external_id=f"old-{n}", started_at=start,
                                         ended_at=start + timedelta(minutes=9)))
            ids.setdefault(monday, []).append(sessions[-1].id)
            n += 1
    save_sessions(db, sessions)
    for sid in ids[NEWEST]:
        set_rating(db, sid, Rating(verdict=Verdict.USEFUL))
    for sid in ids[OLDER][:4]:
        set_rating(db, sid, Rating(verdict=Verdict.NOT_USEFUL))
    db.close()
    return ids


def week_box(window: MainWindow) -> QComboBox:
    box = window.reflect_view.findChild(QComboBox, "reflectWeek")
    assert box is not None
    return box


def test_old_data_opens_on_its_latest_week_with_unrated_sessions(
    qtbot: QtBot, db_path: Path, open_window: OpenWindow,
) -> None:
    ids = old_sessions(db_path)
    window = open_window(db_path)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    reflect = window.reflect_view
    qtbot.waitUntil(lambda: not reflect.busy)
    # Not last week (nothing there), not the newest week (all rated): the one before it.
    assert reflect.week == OLDER
    assert sorted(reflect.sample) == sorted(ids[OLDER][4:])
    progress = reflect.findChild(QLabel, "reflectProgress")
    assert progress is not None
    assert progress.text() == "1 of 4"
    # The list: weeks with sessions, newest first, each with its sessions and ratings.
    box = week_box(window)
    texts = [box.itemText(i) for i in range(box.count())]
    assert texts == [
        f"Week of {NEWEST:%d %b %Y} – {NEWEST + timedelta(days=6):%d %b} · 12 sessions, 12 rated",
        f"Week of {OLDER:%d %b %Y} – {OLDER + timedelta(days=6):%d %b} · 8 sessions, 4 rated",
        f"Week of {OLDEST:%d %b %Y} – {OLDEST + timedelta(days=6):%d %b} · 5 sessions, 0 rated",
    ]
    assert box.currentText() == texts[1]
    # Rating one updates its week's count.
    qtbot.keyClick(reflect, Qt.Key.Key_U)
    qtbot.waitUntil(lambda: box.itemText(1).endswith("8 sessions, 5 rated"))


#: The list's popup grabs the keyboard, which the offscreen platform (no display) cannot do.
@pytest.mark.qt_log_ignore("This plugin does not support grabbing")
def test_choosing_a_week_from_the_list_with_the_keyboard_shows_its_sample(
    qtbot: QtBot, db_path: Path, open_window: OpenWindow,
) -> None:
    ids = old_sessions(db_path)
    window = open_window(db_path)
    window.show_view("reflect")
    reflect = window.reflect_view
    qtbot.waitUntil(lambda: not reflect.busy)
    box = week_box(window)
    qtbot.keyClick(reflect, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    popup = box.view()
    qtbot.waitUntil(popup.isVisible)  # the list is open, on the week shown
    assert popup.currentIndex().row() == box.currentIndex() == 1
    qtbot.keyClick(popup, Qt.Key.Key_Down)  # from the week shown to the one before it
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: reflect.week == OLDEST)
    qtbot.waitUntil(lambda: not reflect.busy)
    assert sorted(reflect.sample) == sorted(ids[OLDEST])
    assert box.currentText().endswith("5 sessions, 0 rated")
    assert not popup.isVisible()
    # The offscreen platform leaves the closed popup the active window; a desktop does not.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    # Back to rating with the keyboard: the letters rate, not search the list.
    focused = QApplication.focusWidget()
    assert focused is not None
    assert focused is not box
    first = reflect.sample[0]
    qtbot.keyClick(focused, Qt.Key.Key_N)
    db = open_db(db_path)
    assert get_rating(db, first).verdict is Verdict.NOT_USEFUL
    db.close()
    # A week without sessions (via the arrows) shows as the list's placeholder.
    reflect.set_week(OLDEST + timedelta(days=7))
    qtbot.waitUntil(lambda: not reflect.busy)
    assert box.currentIndex() == -1
    assert box.placeholderText().endswith("· no sessions")


def test_everything_rated_opens_on_the_last_complete_week(
    qtbot: QtBot, db_path: Path, open_window: OpenWindow,
) -> None:
    ids = old_sessions(db_path)
    db = open_db(db_path)
    for sid in ids[OLDER] + ids[OLDEST]:
        set_rating(db, sid, Rating(verdict=Verdict.USEFUL))
    db.close()
    window = open_window(db_path)
    window.show_view("reflect")
    qtbot.waitUntil(lambda: not window.reflect_view.busy)
    assert window.reflect_view.week == last_complete_week()
    assert window.reflect_view.sample == []


def test_the_week_not_over_yet_is_listed_as_so_far(db_path: Path) -> None:
    db = open_db(db_path)
    start = datetime.combine(date.today(), time(0, 30)).astimezone().astimezone(UTC)
    save_sessions(db, [make_session(0, external_id="today", started_at=start)])
    this_week = period_start(date.today(), "week")
    assert [row.text for row in list_weeks(db)] == [
        f"Week of {this_week:%d %b %Y} – {this_week + timedelta(days=6):%d %b} · "
        "1 session so far, 0 rated"]
    assert list_weeks(db, today=date.today() + timedelta(days=7))[0].partial is False
    # Only this week has a session without a verdict: Reflect opens on it.
    assert opening_week(db) == this_week
    db.close()
