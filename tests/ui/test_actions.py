"""The menus come from one table: every entry is in its menu with its keys, and does its job."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMenu
from pytestqt.qtbot import QtBot

from desktop_app.store import open_db, save_sessions
from desktop_app.ui.actions import ACTIONS, build_actions
from tests.factories import make_session
from tests.ui.conftest import OpenWindow


def test_every_table_entry_is_in_its_menu_with_its_keys(
    qtbot: QtBot, db_path: Path, open_window: OpenWindow
) -> None:
    window = open_window(db_path)
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    assert list(menus) == list(dict.fromkeys(spec.menu for spec in ACTIONS))
    for spec in ACTIONS:
        action = window.menu_actions[spec.name]
        menu = menus[spec.menu]
        assert isinstance(menu, QMenu)
        assert action in menu.actions(), spec.name
        assert action.shortcuts() == [QKeySequence(k) for k in spec.shortcuts], spec.name
    assert len(window.menu_actions) == len(ACTIONS)


def test_actions_call_their_slots_and_follow_the_first_run(
    qtbot: QtBot, db_path: Path, open_window: OpenWindow
) -> None:
    window = open_window(db_path)
    # On the first-run screen there is nothing to rate, find or view.
    assert not window.menu_actions["rate_useful"].isEnabled()
    assert not window.menu_actions["view_value"].isEnabled()
    assert window.menu_actions["import_files"].isEnabled()
    window.close()
    db = open_db(db_path)
    save_sessions(db, [make_session(i) for i in range(3)])
    db.close()
    window = open_window(db_path)
    assert window.menu_actions["view_reflect"].isEnabled()
    window.menu_actions["view_reflect"].trigger()
    assert window.current_view() == "reflect"
    window.menu_actions["find"].trigger()
    assert window.current_view() == "sessions"
    window.menu_actions["rate_useful"].trigger()
    assert window.undo_stack.count() == 1


def test_a_slot_that_does_not_exist_fails_when_the_menus_are_built(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    broken = (replace(ACTIONS[0], slot="no_such_slot"),)
    with pytest.raises(AttributeError):
        build_actions(window, QUndoStack(window), broken)


def test_every_slot_names_something_callable_and_the_menus_build_no_dialogs(
    qtbot: QtBot, db_path: Path, open_window: OpenWindow
) -> None:
    window = open_window(db_path)
    # The controllers of export, sharing, rules, prices and the data panel come with first use.
    lazy = {"data", "share", "rules", "prices", "data_panel"}
    assert lazy.isdisjoint(vars(window))
    for spec in ACTIONS:
        target: object = window
        for part in spec.slot.split(".") if spec.slot else ():
            target = getattr(target, part)  # builds a controller: a typo fails here
        assert callable(target), spec.name
    assert lazy <= set(vars(window))
