"""The window fits the screen it opens on, and the session table shows what matters at a laptop's
width: date, tool, title and verdict without scrolling; other columns are chosen from the header's
context menu and remembered."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from desktop_app.demo.database import DemoDatabase
from desktop_app.ui.main_window import MainWindow, fit_rect, initial_geometry
from desktop_app.ui.session_model import (
    COL_DATE,
    COL_MODEL,
    COL_TITLE,
    COL_TOKENS,
    COL_TOOL,
    COL_VERDICT,
    COLUMNS,
)
from desktop_app.ui.sessions_view import SessionsView
from tests.conftest import AddSession
from tests.ui.conftest import OpenWindow

LAPTOP = QRect(0, 0, 1366, 768)
LAPTOP_FREE = QRect(0, 0, 1366, 728)  # a 40-pixel taskbar at the bottom
DESKTOP = QRect(0, 0, 1920, 1080)


# --- the size a window opens at, for given screens ---------------------------------------------

def test_a_first_window_fits_a_laptop_screen_and_is_centred() -> None:
    rect = initial_geometry(LAPTOP_FREE)
    assert LAPTOP_FREE.contains(rect)
    assert (rect.width(), rect.height()) == (1229, 655)  # 90 % of what the taskbar leaves
    assert rect.center() == LAPTOP_FREE.center()


def test_a_first_window_on_a_big_screen_is_1280_by_800_and_centred() -> None:
    rect = initial_geometry(DESKTOP)
    assert (rect.width(), rect.height()) == (1280, 800)
    assert rect.center() == DESKTOP.center()


def test_a_first_window_on_a_second_screen_opens_on_it() -> None:
    second = QRect(1920, 0, 1366, 768)
    assert second.contains(initial_geometry(second))


@pytest.mark.parametrize("remembered", [
    QRect(100, 100, 1280, 800),     # from a bigger screen: too tall for the laptop
    QRect(1800, 500, 1000, 600),    # from a screen to the right that is gone now
    QRect(-300, -50, 700, 500),     # above and left of the screen
    QRect(0, 0, 3000, 2000),        # bigger than the screen both ways
])
def test_a_remembered_geometry_is_moved_and_shrunk_onto_the_screen(remembered: QRect) -> None:
    fitted = fit_rect(remembered, LAPTOP_FREE)
    assert LAPTOP_FREE.contains(fitted)
    assert fitted.width() == min(remembered.width(), LAPTOP_FREE.width())
    assert fitted.height() == min(remembered.height(), LAPTOP_FREE.height())


def test_a_geometry_that_fits_is_left_alone() -> None:
    rect = QRect(50, 40, 900, 600)
    assert fit_rect(rect, LAPTOP_FREE) == rect


# --- the real window -------------------------------------------------------------------------

@pytest.fixture
def laptop(monkeypatch: pytest.MonkeyPatch) -> QRect:
    """The window sees a 1366×768 laptop screen (the offscreen platform's own is 800×800, and
    the app's minimum width is more than that)."""
    monkeypatch.setattr(MainWindow, "_available_geometry", lambda _self: LAPTOP_FREE)
    return LAPTOP_FREE


def test_the_window_opens_inside_the_screen(open_window: OpenWindow, db_path: Path,
                                            add_session: AddSession, laptop: QRect) -> None:
    add_session("chatgpt", "2026-03-02T10:00:00Z")
    window = open_window(db_path)
    assert laptop.contains(window.frameGeometry())
    assert window.geometry() == initial_geometry(laptop)


def test_a_remembered_geometry_from_a_bigger_screen_is_brought_onto_this_one(
        qtbot: QtBot, open_window: OpenWindow, db_path: Path, add_session: AddSession,
        monkeypatch: pytest.MonkeyPatch) -> None:
    add_session("chatgpt", "2026-03-02T10:00:00Z")
    settings_file = db_path.parent / "settings.ini"
    first = open_window(db_path, settings_file)
    first.setGeometry(0, 0, 1000, 780)  # the whole of the (offscreen) screen
    first.close()

    # The next start is on a smaller screen, its free area beside a dock and under a menu bar.
    small = QRect(60, 30, 980, 620)
    monkeypatch.setattr(MainWindow, "_available_geometry", lambda _self: small)
    window = open_window(db_path, settings_file)
    assert small.contains(window.frameGeometry())
    assert window.frameGeometry().height() == small.height()  # shrunk to fit, not reset to 90 %


def _verdict_is_in_view(view: SessionsView) -> bool:
    header = view.table.horizontalHeader()
    right = header.sectionViewportPosition(COL_VERDICT) + header.sectionSize(COL_VERDICT)
    return (header.sectionViewportPosition(COL_VERDICT) >= 0
            and right <= view.table.viewport().width())


@pytest.mark.parametrize("size", [(1366, 768), (1366, 705), (1229, 655)],
                         ids=["laptop-screen", "laptop-maximised", "laptop-first-window"])
def test_at_laptop_width_date_tool_title_and_verdict_show_without_scrolling(
        qtbot: QtBot, open_window: OpenWindow, db_path: Path, add_session: AddSession,
        size: tuple[int, int]) -> None:
    for n in range(30):
        add_session("claude_code", f"2026-03-02T10:{n:02d}:00Z",
                    verdict="useful" if n % 2 else "not_useful", minutes=10,
                    labels=("code", "research"))
    window = open_window(db_path)
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0])
    view = window.sessions_view
    qtbot.waitUntil(lambda: _verdict_is_in_view(view))
    header = view.table.horizontalHeader()
    shown = view.visible_columns()
    assert shown[:4] == [COL_DATE, COL_TOOL, COL_TITLE, COL_VERDICT]
    assert header.length() <= view.table.viewport().width()
    qtbot.waitUntil(lambda: view.table.horizontalScrollBar().maximum() == 0)
    # The title takes what is left, and that is room enough to read one.
    assert header.sectionSize(COL_TITLE) >= 150
    # What a laptop has no room for is hidden, not squeezed.
    assert header.isSectionHidden(COL_MODEL)
    assert header.isSectionHidden(COL_TOKENS)


# --- choosing columns from the header's context menu ------------------------------------------

#: A popup menu grabs the keyboard, which the offscreen platform (no display) cannot do.
menu_on_offscreen = pytest.mark.qt_log_ignore("This plugin does not support grabbing")


def _column_menu(qtbot: QtBot, view: SessionsView) -> QMenu:
    header = view.table.horizontalHeader()
    pos = QPoint(header.sectionViewportPosition(COL_DATE) + 10, header.height() // 2)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, header.mapToGlobal(pos))
    QApplication.sendEvent(header.viewport(), event)
    qtbot.waitUntil(lambda: view.column_menu is not None and view.column_menu.isVisible())
    assert view.column_menu is not None
    return view.column_menu


def _click_item(qtbot: QtBot, menu: QMenu, text: str) -> None:
    action = next(a for a in menu.actions() if a.text() == text)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton,
                     pos=menu.actionGeometry(action).center())


@menu_on_offscreen
def test_the_header_menu_lists_every_column_with_the_shown_ones_checked(
        qtbot: QtBot, open_window: OpenWindow, db_path: Path, add_session: AddSession) -> None:
    add_session("chatgpt", "2026-03-02T10:00:00Z")
    view = open_window(db_path).sessions_view
    menu = _column_menu(qtbot, view)
    checks = {a.text(): a.isChecked() for a in menu.actions() if a.isCheckable()}
    assert list(checks) == [name for name, _key in COLUMNS]
    assert checks["Verdict"]
    assert checks["Title"]
    assert not checks["Model"]
    title = next(a for a in menu.actions() if a.text() == "Title")
    assert not title.isEnabled()  # the one column a session can't be told apart without


@menu_on_offscreen
def test_the_header_menu_hides_and_shows_columns_and_they_stay_so_after_a_restart(
        qtbot: QtBot, open_window: OpenWindow, db_path: Path, add_session: AddSession) -> None:
    add_session("chatgpt", "2026-03-02T10:00:00Z")
    settings_file = db_path.parent / "settings.ini"
    window = open_window(db_path, settings_file)
    view = window.sessions_view
    header = view.table.horizontalHeader()

    _click_item(qtbot, _column_menu(qtbot, view), "Model")
    assert not header.isSectionHidden(COL_MODEL)
    assert header.sectionSize(COL_MODEL) > 40
    _click_item(qtbot, _column_menu(qtbot, view), "Tool")
    assert header.isSectionHidden(COL_TOOL)
    window.close()

    view = open_window(db_path, settings_file).sessions_view
    header = view.table.horizontalHeader()
    assert not header.isSectionHidden(COL_MODEL)
    assert header.isSectionHidden(COL_TOOL)
    assert COL_MODEL in view.visible_columns()
    assert COL_TOOL not in view.visible_columns()
    header.moveSection(header.visualIndex(COL_VERDICT), 0)  # a column dragged to the front

    _click_item(qtbot, _column_menu(qtbot, view), "Default columns")
    assert header.isSectionHidden(COL_MODEL)
    assert not header.isSectionHidden(COL_TOOL)
    assert view.visible_columns()[:4] == [COL_DATE, COL_TOOL, COL_TITLE, COL_VERDICT]


def test_a_header_state_saved_for_the_old_column_order_is_not_applied(
        open_window: OpenWindow, db_path: Path, add_session: AddSession) -> None:
    add_session("chatgpt", "2026-03-02T10:00:00Z")
    settings_file = db_path.parent / "settings.ini"
    old = QSettings(str(settings_file), QSettings.Format.IniFormat)
    old.setValue("sessions/header", b"not a header state of the new columns")
    old.sync()
    view = open_window(db_path, settings_file).sessions_view
    assert view.visible_columns()[:4] == [COL_DATE, COL_TOOL, COL_TITLE, COL_VERDICT]


# --- screenshots for a person to look at -------------------------------------------------------

@pytest.fixture(scope="module")
def demo_db() -> Iterator[DemoDatabase]:
    with DemoDatabase() as demo:
        yield demo


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["1366x768", "1920x1080"])
def test_sessions_view_screenshots(qtbot: QtBot, tmp_path: Path, demo_db: DemoDatabase,
                                   size: tuple[int, int]) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(demo_db.path, demo=True, settings=settings)
    window.remember_layout = False
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    window.show_view("sessions")
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0])
    qtbot.waitUntil(lambda: _verdict_is_in_view(window.sessions_view))
    qtbot.waitUntil(lambda: window.sessions_view.table.horizontalScrollBar().maximum() == 0)
    folder = Path(os.environ.get("WORTHWHILE_SHOTS", tmp_path))
    out = folder / f"sessions-{size[0]}x{size[1]}.png"
    assert window.grab().save(str(out))
    assert out.stat().st_size > 10_000
