"""Deleting like a user: the Delete key, the table's context menu, Edit → Delete…, the
confirmation, what the window shows afterwards, undo, and forgetting deleted sessions."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QRadioButton
from pytestqt.qtbot import QtBot

from desktop_app.domain import Rating, Verdict
from desktop_app.store import get_rating, list_sessions, open_db, save_sessions, set_rating
from desktop_app.store.deletion import count_tombstones, delete_sessions
from desktop_app.ui.delete_dialog import FORGET_WAITS, DeleteChoiceDialog
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.write_queue import RETRY_MS
from tests.builders import simple_gpt, write_json
from tests.factories import make_session
from tests.locks import LockHolder
from tests.ui.conftest import OpenWindow

DETAILS = (
    "Their text, ratings, labels, reasons and notes are removed from the database for good. "
    "This cannot be undone.\n\n"
    "Importing the same files again will not bring them back. Edit → Forget Deleted "
    "Sessions… lets them be imported again.\n\n"
    "Backups you made of the database are your own copies: they are not touched.")


@pytest.fixture
def filled_db(db_path: Path) -> Path:
    """Six ChatGPT sessions (two rated) and two Claude Code ones (one rated), newest first:
    cc1, cc0, gpt5 … gpt0."""
    db = open_db(db_path)
    gpt = [make_session(i) for i in range(6)]
    cc = [make_session(10 + i, source="claude-code", external_id=f"cc-{i}") for i in range(2)]
    save_sessions(db, gpt + cc)
    set_rating(db, gpt[5].id, Rating(Verdict.USEFUL))
    set_rating(db, gpt[4].id, Rating(Verdict.NOT_USEFUL, note="private note"))
    set_rating(db, cc[0].id, Rating(labels=("coding",)))
    db.close()
    return db_path


def stored_ids(path: Path) -> list[str]:
    db = open_db(path)
    try:
        return [r.id for r in list_sessions(db)]
    finally:
        db.close()


def tombstones(path: Path) -> int:
    db = open_db(path)
    try:
        return count_tombstones(db)
    finally:
        db.close()


def confirmation(window: MainWindow, qtbot: QtBot) -> QMessageBox:
    qtbot.waitUntil(lambda: window.deletion.confirmation is not None)
    box = window.deletion.confirmation
    assert box is not None
    qtbot.waitExposed(box)
    return box


def click_delete(window: MainWindow, qtbot: QtBot, box: QMessageBox) -> None:
    button = box.findChild(QPushButton, "confirmDelete")
    assert button is not None
    with qtbot.waitSignal(window.deletion.deleted, timeout=10_000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    window.activateWindow()  # offscreen, closing a dialog leaves no window active
    qtbot.waitUntil(window.isActiveWindow)


def click_radio(qtbot: QtBot, button: QRadioButton) -> None:
    """Click a radio button on its circle (its middle may be past its text, where it does not
    take clicks)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


def click_row(qtbot: QtBot, window: MainWindow, row: int,
              modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    table = window.sessions_view.table
    assert window.sessions_view.model is not None
    rect = table.visualRect(window.sessions_view.model.index(row, 2))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def test_delete_key_asks_then_deletes_the_selected_session(
        qtbot: QtBot, filled_db: Path, open_window: OpenWindow) -> None:
    window = open_window(filled_db)
    view = window.sessions_view
    before = stored_ids(filled_db)
    click_row(qtbot, window, 3)  # gpt5: rated useful
    victim = view.selected_ids()[0]
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    box = confirmation(window, qtbot)
    assert box.text() == "Delete this session: 1 session and 1 rating?"
    assert box.informativeText() == DETAILS
    assert box.defaultButton() is not box.findChild(QPushButton, "confirmDelete")
    click_delete(window, qtbot, box)
    assert stored_ids(filled_db) == [sid for sid in before if sid != victim]
    assert view.model is not None
    assert view.model.rowCount() == len(before) - 1
    assert view.model.row_of(victim) == -1
    # The selection moves to the session that took its place, and shows it.
    assert view.selected_ids() == [before[3 + 1]]
    assert window.statusBar().currentMessage() == (
        "Deleted 1 session and 1 rating. Importing the same files again will not bring them "
        "back.")
    assert "7 sessions · 1 rated" in window.status_label.text()


def test_cancel_deletes_nothing(qtbot: QtBot, filled_db: Path,
                                open_window: OpenWindow) -> None:
    window = open_window(filled_db)
    before = stored_ids(filled_db)
    click_row(qtbot, window, 0)
    qtbot.keyClick(window.sessions_view.table, Qt.Key.Key_Delete)
    box = confirmation(window, qtbot)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.deletion.confirmation is None)
    assert stored_ids(filled_db) == before
    assert not window.deletion.running


@pytest.mark.qt_log_ignore("This plugin does not support grabbing", "does not support raise")
def test_context_menu_deletes_a_selection(qtbot: QtBot, filled_db: Path,
                                          open_window: OpenWindow) -> None:
    window = open_window(filled_db)
    view = window.sessions_view
    before = stored_ids(filled_db)
    click_row(qtbot, window, 2)
    click_row(qtbot, window, 4, Qt.KeyboardModifier.ShiftModifier)
    assert len(view.selected_ids()) == 3  # gpt5, gpt4, gpt3: two of them rated
    pos = view.table.visualRect(view.model.index(3, 2)).center()  # type: ignore[union-attr]
    QApplication.sendEvent(view.table.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, pos, view.table.viewport().mapToGlobal(pos)))
    menu = view.row_menu
    assert menu is not None
    qtbot.waitExposed(menu)
    [action] = menu.actions()
    assert action.text() == "&Delete 3 Sessions…"
    action.trigger()
    menu.close()
    box = confirmation(window, qtbot)
    assert box.text() == "Delete these sessions: 3 sessions and 2 ratings?"
    click_delete(window, qtbot, box)
    assert stored_ids(filled_db) == before[:2] + before[5:]
    assert view.selected_ids() == [before[5]]


def test_delete_in_the_search_box_edits_the_search(qtbot: QtBot, filled_db: Path,
                                                   open_window: OpenWindow) -> None:
    window = open_window(filled_db)
    search = window.sessions_view.filters.search
    search.setFocus()
    qtbot.keyClicks(search, "sorting")
    search.setCursorPosition(0)
    qtbot.keyClick(search, Qt.Key.Key_Delete)
    assert search.text() == "orting"
    assert window.deletion.confirmation is None


def _choose(window: MainWindow, qtbot: QtBot) -> DeleteChoiceDialog:
    window.menu_actions["delete"].trigger()
    dialog = window.deletion.choice_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_edit_delete_all_sessions_of_one_tool(qtbot: QtBot, filled_db: Path,
                                              open_window: OpenWindow) -> None:
    window = open_window(filled_db)
    filters = window.sessions_view.filters
    filters.tool.setCurrentIndex(filters.tool.findData("claude-code"))  # looking at them
    qtbot.waitUntil(lambda: window.sessions_view.model is not None
                    and window.sessions_view.model.rowCount() == 2)
    dialog = _choose(window, qtbot)
    assert dialog.selected_choice.isChecked()  # the selection comes first
    click_radio(qtbot, dialog.tool_choice)
    assert dialog.tool_box.isEnabled()
    assert [dialog.tool_box.itemText(i) for i in range(dialog.tool_box.count())] == [
        "ChatGPT (6 sessions)", "Claude Code (2 sessions)"]
    dialog.tool_box.setCurrentIndex(1)
    qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    box = confirmation(window, qtbot)
    assert box.text() == "Delete all Claude Code sessions: 2 sessions and 1 rating?"
    click_delete(window, qtbot, box)
    db = open_db(filled_db)
    assert {r.source for r in list_sessions(db)} == {"chatgpt"}
    db.close()
    # The tool is gone from the filter, which shows every tool again, and so does the table.
    assert filters.tool.findData("claude-code") == -1
    assert filters.tool.currentData() == ""
    assert window.sessions_view.model is not None
    assert window.sessions_view.model.rowCount() == 6
    assert not window.filter_status.isVisible()


def test_edit_delete_everything_shows_the_first_run_screen(
        qtbot: QtBot, filled_db: Path, open_window: OpenWindow) -> None:
    window = open_window(filled_db)
    dialog = _choose(window, qtbot)
    everything = dialog.findChild(QRadioButton, "deleteEverything")
    assert everything is not None
    assert everything.text() == "Everything (8 sessions)"
    click_radio(qtbot, everything)
    qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    box = confirmation(window, qtbot)
    assert box.text() == "Delete every session: 8 sessions and 3 ratings?"
    click_delete(window, qtbot, box)
    assert stored_ids(filled_db) == []
    assert window.outer_stack.currentWidget() is window.first_run
    assert not window.menu_actions["delete"].isEnabled()
    assert window.menu_actions["forget_deleted"].isEnabled()


def test_no_undo_step_can_bring_a_deleted_rating_back(qtbot: QtBot, filled_db: Path,
                                                       open_window: OpenWindow) -> None:
    window = open_window(filled_db)
    view = window.sessions_view
    click_row(qtbot, window, 0)
    victim = view.selected_ids()[0]
    qtbot.keyClick(view.table, Qt.Key.Key_U)
    qtbot.keyClick(view.table, Qt.Key.Key_0)  # undoing this would write "useful" back
    qtbot.keyClick(view.table, Qt.Key.Key_J)
    qtbot.keyClick(view.table, Qt.Key.Key_N)
    assert window.undo_stack.count() == 3
    click_row(qtbot, window, 0)
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    click_delete(window, qtbot, confirmation(window, qtbot))
    assert window.undo_stack.count() == 0
    assert not window.menu_actions["undo"].isEnabled()
    for _ in range(2):
        qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    db = open_db(filled_db)
    try:
        assert db.conn.execute("SELECT count(*) FROM ratings WHERE session_id = ?",
                               (victim,)).fetchone()[0] == 0
        assert get_rating(db, victim) == Rating()
    finally:
        db.close()


def test_deleted_stays_deleted_on_import_and_forgetting_lets_it_back(
        qtbot: QtBot, db_path: Path, tmp_path: Path, open_window: OpenWindow) -> None:
    export = write_json(tmp_path / "conversations.json", [simple_gpt("c1"), simple_gpt("c2")])
    window = open_window(db_path)
    assert window.imports.start([str(export)])
    qtbot.waitUntil(lambda: window.imports.last_report is not None, timeout=10_000)
    window.imports.last_report.accept()  # type: ignore[union-attr]
    window.activateWindow()  # the report was the active window
    qtbot.waitUntil(window.isActiveWindow)
    click_row(qtbot, window, 0)
    qtbot.keyClick(window.sessions_view.table, Qt.Key.Key_Delete)
    click_delete(window, qtbot, confirmation(window, qtbot))

    window.imports.last_report = None
    assert window.imports.start([str(export)])
    qtbot.waitUntil(lambda: window.imports.last_report is not None, timeout=10_000)
    report = window.imports.last_report
    assert report is not None
    assert report.summary.text() == (
        "Imported: 0 new, 0 updated, 1 unchanged, deleted earlier: 1.")
    row = report.tree.topLevelItem(0)
    assert row is not None
    assert report.tree.headerItem().text(5) == "Deleted earlier"
    assert row.text(5) == "1"
    report.accept()
    assert window.sessions_view.model is not None
    assert window.sessions_view.model.rowCount() == 1

    window.menu_actions["forget_deleted"].trigger()
    box = window.deletion.confirmation
    assert box is not None
    qtbot.waitExposed(box)
    assert box.text() == "Forget 1 deleted session?"
    assert "without the ratings that were deleted with them" in box.informativeText()
    forget = box.findChild(QPushButton, "confirmForget")
    assert forget is not None
    with qtbot.waitSignal(window.deletion.forgotten):
        qtbot.mouseClick(forget, Qt.MouseButton.LeftButton)
    db = open_db(db_path)
    assert count_tombstones(db) == 0
    db.close()

    window.imports.last_report = None
    assert window.imports.start([str(export)])
    qtbot.waitUntil(lambda: window.imports.last_report is not None, timeout=10_000)
    assert window.imports.last_report is not None
    assert window.imports.last_report.summary.text() == (
        "Imported: 1 new, 0 updated, 1 unchanged.")
    assert window.sessions_view.model.rowCount() == 2


def test_forget_with_nothing_remembered_says_so(qtbot: QtBot, filled_db: Path,
                                                open_window: OpenWindow) -> None:
    window = open_window(filled_db)
    window.menu_actions["forget_deleted"].trigger()
    box = window.deletion.confirmation
    assert box is not None
    assert box.text() == "No deleted sessions are remembered."
    assert box.findChild(QPushButton, "confirmForget") is None
    qtbot.keyClick(box, Qt.Key.Key_Escape)


def test_forgetting_while_another_worthwhile_writes_waits_says_so_and_then_forgets(
        qtbot: QtBot, filled_db: Path, open_window: OpenWindow,
        monkeypatch: pytest.MonkeyPatch) -> None:
    db = open_db(filled_db)
    delete_sessions(db, [list_sessions(db)[0].id])
    db.close()
    errors: list[str] = []
    monkeypatch.setattr("desktop_app.ui.delete_dialog.show_error",
                        lambda _parent, text, detail=None: errors.append(text))
    window = open_window(filled_db)
    with LockHolder(filled_db):
        window.menu_actions["forget_deleted"].trigger()
        box = window.deletion.confirmation
        assert box is not None
        qtbot.waitExposed(box)
        forget = box.findChild(QPushButton, "confirmForget")
        assert forget is not None
        qtbot.mouseClick(forget, Qt.MouseButton.LeftButton)  # returns: the window stays usable
        assert window.statusBar().currentMessage() == FORGET_WAITS
        assert window.writes_waiting.isVisible()
        assert window.controller.writes.pending == 1
        qtbot.wait(3 * RETRY_MS)  # the window keeps trying meanwhile
        assert window.controller.writes.pending == 1
        assert tombstones(filled_db) == 1
    with qtbot.waitSignal(window.deletion.forgotten, timeout=10_000) as forgotten:
        pass
    assert forgotten.args == [1]
    assert not window.writes_waiting.isVisible()
    assert window.statusBar().currentMessage() == "Your changes are saved."
    assert tombstones(filled_db) == 0
    assert errors == []


def test_no_delete_while_an_import_runs(qtbot: QtBot, filled_db: Path,
                                        open_window: OpenWindow,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(filled_db)
    monkeypatch.setattr(type(window.imports), "running", property(lambda self: True))
    click_row(qtbot, window, 0)
    qtbot.keyClick(window.sessions_view.table, Qt.Key.Key_Delete)
    assert window.deletion.confirmation is None
    assert "import is running" in window.statusBar().currentMessage()


def test_the_dialogs_look_right(qtbot: QtBot, filled_db: Path, open_window: OpenWindow,
                                tmp_path: Path) -> None:
    window = open_window(filled_db)
    click_row(qtbot, window, 1)
    dialog = _choose(window, qtbot)
    assert not dialog.grab().isNull()
    dialog.grab().save(str(tmp_path / "choice.png"))
    qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    box = confirmation(window, qtbot)
    box.grab().save(str(tmp_path / "confirm.png"))
    assert box.width() > 300
    qtbot.keyClick(box, Qt.Key.Key_Escape)
