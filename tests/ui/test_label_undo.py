"""Renaming, removing and adding labels are steps on the undo stack, like rating is."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QInputDialog, QListWidget, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from desktop_app.domain import Verdict
from desktop_app.store import get_rating, list_labels, list_reasons, open_db, save_sessions
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.session_model import COL_LABELS
from tests.factories import make_session
from tests.ui.conftest import OpenWindow


@pytest.fixture
def two_sessions(db_path: Path) -> Path:
    db = open_db(db_path)
    save_sessions(db, [make_session(1), make_session(2)])
    db.close()
    return db_path


def in_lists_dialog(qtbot: QtBot, window: MainWindow,
                    act: Callable[[QDialog], None]) -> None:
    """Open Edit → Labels and Reasons…, do ``act`` in it, and close it."""
    done: list[bool] = []

    def drive() -> None:
        dialog = window.findChild(QDialog, "listsDialog")
        assert dialog is not None
        try:
            act(dialog)
            done.append(True)
        finally:
            dialog.accept()

    QTimer.singleShot(0, drive)
    window.menu_actions["lists"].trigger()
    assert done == [True]
    window.activateWindow()  # the keys that follow go to the window again, as after a real close
    qtbot.waitUntil(window.isActiveWindow)


def pick(dialog: QDialog, page: str, name: str) -> None:
    """Select ``name`` in the dialog's labels or reasons list."""
    box = dialog.findChild(QListWidget, f"{page}List")
    assert box is not None
    box.setCurrentItem(box.findItems(name, Qt.MatchFlag.MatchExactly)[0])


def click(dialog: QDialog, page: str, text: str) -> None:
    """Click the button ``text`` beside the labels or reasons list."""
    box = dialog.findChild(QListWidget, f"{page}List")
    assert box is not None
    page_widget = box.parentWidget()
    assert page_widget is not None
    buttons = [b for b in page_widget.findChildren(QPushButton) if b.text() == text]
    assert len(buttons) == 1, text
    buttons[0].click()


def test_rate_with_coding_rename_it_then_undo_and_redo(
    qtbot: QtBot, two_sessions: Path, open_window: OpenWindow,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_window(two_sessions)
    db = window.db
    assert db is not None
    view = window.sessions_view
    assert view.model is not None
    table = view.table
    table.setFocus()
    sid = view.selected_ids()[0]
    position = list_labels(db).index("coding")

    # Tick "coding", then press U: two rating steps.
    view.panel.labels.toggle("coding")
    qtbot.keyClick(table, Qt.Key.Key_U)
    assert get_rating(db, sid).labels == ("coding",)
    assert get_rating(db, sid).verdict is Verdict.USEFUL

    # Rename it "code" in the lists dialog.
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("code", True))

    def rename(dialog: QDialog) -> None:
        pick(dialog, "labels", "coding")
        click(dialog, "labels", "Re&name…")

    in_lists_dialog(qtbot, window, rename)
    assert get_rating(db, sid).labels == ("code",)
    assert list_labels(db).index("code") == position
    assert "coding" not in list_labels(db)
    assert view.model.index(0, COL_LABELS).data() == "code"
    assert view.panel.labels.checked() == ["code"]

    # Ctrl+Z takes back the rename, not the rating; the label keeps its place.
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    rating = get_rating(db, sid)
    assert (rating.verdict, rating.labels) == (Verdict.USEFUL, ("coding",))
    assert list_labels(db).index("coding") == position
    assert "code" not in list_labels(db)
    assert view.model.index(0, COL_LABELS).data() == "coding"
    assert view.panel.labels.checked() == ["coding"]
    assert window.menu_actions["redo"].text() == "&Redo Rename label “coding” to “code”"

    # Ctrl+Z again: the verdict goes, the label stays (only what that step changed).
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    rating = get_rating(db, sid)
    assert (rating.verdict, rating.labels) == (Verdict.UNRATED, ("coding",))

    # Redo twice: useful again, then renamed again.
    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(table, Qt.Key.Key_Z, redo)
    rating = get_rating(db, sid)
    assert (rating.verdict, rating.labels) == (Verdict.USEFUL, ("coding",))
    qtbot.keyClick(table, Qt.Key.Key_Z, redo)
    rating = get_rating(db, sid)
    assert (rating.verdict, rating.labels) == (Verdict.USEFUL, ("code",))
    assert "coding" not in list_labels(db)
    assert list_labels(db).index("code") == position
    assert window.menu_actions["undo"].text() == "&Undo Rename label “coding” to “code”"

    # And all the way back: nothing of it is left.
    for _ in range(3):
        window.menu_actions["undo"].trigger()
    assert get_rating(db, sid).is_empty
    assert list_labels(db).index("coding") == position
    assert "code" not in list_labels(db)


def test_remove_a_label_in_use_then_undo(
    qtbot: QtBot, two_sessions: Path, open_window: OpenWindow,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_window(two_sessions)
    db = window.db
    assert db is not None
    view = window.sessions_view
    table = view.table
    table.setFocus()
    first = view.selected_ids()[0]
    view.panel.labels.toggle("writing")
    qtbot.keyClick(table, Qt.Key.Key_J)
    second = view.selected_ids()[0]
    view.panel.labels.toggle("writing")
    view.panel.labels.toggle("coding")
    before = list_labels(db)

    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)

    def remove(dialog: QDialog) -> None:
        pick(dialog, "labels", "writing")
        click(dialog, "labels", "&Remove")

    in_lists_dialog(qtbot, window, remove)
    assert "writing" not in list_labels(db)
    assert get_rating(db, first).labels == ()
    assert get_rating(db, second).labels == ("coding",)
    assert window.menu_actions["undo"].text() == "&Undo Remove label “writing” from the list"

    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert list_labels(db) == before
    assert get_rating(db, first).labels == ("writing",)
    assert get_rating(db, second).labels == ("coding", "writing")
    assert view.panel.labels.checked() == ["coding", "writing"]  # the second is shown

    # Undoing the label ticks themselves still works after the round trip.
    window.menu_actions["undo"].trigger()
    assert get_rating(db, second).labels == ("writing",)


def test_add_a_label_from_the_panel_and_undo(
    qtbot: QtBot, two_sessions: Path, open_window: OpenWindow,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_window(two_sessions)
    db = window.db
    assert db is not None
    before = list_labels(db)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("  planning ", True))
    window.sessions_view.panel.add_label_button.click()
    assert list_labels(db) == [*before, "planning"]
    assert "planning" in [window.sessions_view.panel.labels.item(i).text()
                          for i in range(window.sessions_view.panel.labels.count())]
    assert window.menu_actions["undo"].text() == "&Undo Add label “planning” to the list"
    window.menu_actions["undo"].trigger()
    assert list_labels(db) == before
    assert "planning" not in [window.sessions_view.panel.labels.item(i).text()
                              for i in range(window.sessions_view.panel.labels.count())]
    window.menu_actions["redo"].trigger()
    assert list_labels(db) == [*before, "planning"]


def test_reasons_edited_in_the_dialog_are_undone_one_step_at_a_time(
    qtbot: QtBot, two_sessions: Path, open_window: OpenWindow,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_window(two_sessions)
    db = window.db
    assert db is not None
    before = list_reasons(db)
    answers = iter([("out of date", True), ("stale", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: next(answers))

    def edit(dialog: QDialog) -> None:
        click(dialog, "reasons", "&Add…")
        pick(dialog, "reasons", "out of date")
        click(dialog, "reasons", "Re&name…")
        pick(dialog, "reasons", before[0])
        click(dialog, "reasons", "&Remove")

    in_lists_dialog(qtbot, window, edit)
    assert list_reasons(db) == [*before[1:], "stale"]
    assert window.menu_actions["undo"].text() == f"&Undo Remove reason “{before[0]}”"
    window.menu_actions["undo"].trigger()
    assert list_reasons(db) == [*before, "stale"]
    assert window.menu_actions["undo"].text() == "&Undo Rename reason “out of date” to “stale”"
    window.menu_actions["undo"].trigger()
    assert list_reasons(db) == [*before, "out of date"]
    window.menu_actions["undo"].trigger()
    assert list_reasons(db) == before


def test_the_label_picker_keeps_its_ticks_when_the_list_changes(qtbot: QtBot) -> None:
    """The Reflect panel is not re-shown after a list change: its ticks must survive it."""
    from desktop_app.ui.rating_panel import LabelPicker

    picker = LabelPicker()
    qtbot.addWidget(picker)
    picker.set_labels(["coding", "writing"])
    picker.set_checked(("writing",))
    picker.set_labels(["coding", "writing", "planning"])
    assert picker.checked() == ["writing"]
