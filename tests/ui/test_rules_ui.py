"""Import rules like a user: Edit → Import Rules…, writing a rule with its live count, the
question about stored sessions, what the window shows afterwards (transcript, search, import
report), undo emptied, removing a rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from desktop_app.domain import Rating, Verdict
from desktop_app.store import get_rating, list_sessions, open_db, save_sessions, set_rating
from desktop_app.store.rules import add_rule, list_rules
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.rules_dialog import RulesDialog
from tests.builders import simple_gpt, write_json
from tests.factories import make_messages, make_session
from tests.ui.conftest import OpenWindow

SECRET = "Marzipanheliotrope"


@pytest.fixture
def filled_db(db_path: Path) -> Path:
    """Three ChatGPT sessions and two Claude Code sessions of a client (one rated), newest
    first: cc1, cc0, gpt2, gpt1, gpt0."""
    db = open_db(db_path)
    gpt = [make_session(i) for i in range(3)]
    cc = [make_session(10 + i, source="claude-code", external_id=f"cc-{i}",
                       project="/home/me/work/acme", title=f"{SECRET} plan {i}",
                       messages=make_messages(f"the {SECRET} key", "rotated"))
          for i in range(2)]
    save_sessions(db, gpt + cc)
    set_rating(db, cc[0].id, Rating(Verdict.USEFUL, note="mine"))
    db.close()
    return db_path


def rules_dialog(window: MainWindow, qtbot: QtBot) -> RulesDialog:
    window.menu_actions["rules"].trigger()
    dialog = window.rules.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def write_rule(qtbot: QtBot, dialog: RulesDialog, pattern: str, *, action: int = 0,
               selector: int = 0) -> None:
    """Choose in the combo boxes with the keyboard and type the pattern."""
    dialog.selector_box.setFocus()
    for _ in range(selector):
        qtbot.keyClick(dialog.selector_box, Qt.Key.Key_Down)
    dialog.action_box.setFocus()
    for _ in range(action):
        qtbot.keyClick(dialog.action_box, Qt.Key.Key_Down)
    qtbot.keyClicks(dialog.pattern_edit, pattern)


def confirmation(dialog: RulesDialog, qtbot: QtBot) -> QMessageBox:
    qtbot.waitUntil(lambda: dialog.confirmation is not None, timeout=10_000)
    box = dialog.confirmation
    assert box is not None
    qtbot.waitExposed(box)
    return box


def click(qtbot: QtBot, box: QMessageBox, name: str) -> None:
    button = box.findChild(QPushButton, name)
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_no_text_rule_applied_to_stored_sessions(qtbot: QtBot, filled_db: Path,
                                                   open_window: OpenWindow) -> None:
    window = open_window(filled_db)
    view = window.sessions_view
    qtbot.keyClick(view.table, Qt.Key.Key_U)  # something on the undo stack
    assert window.undo_stack.count() == 1
    dialog = rules_dialog(window, qtbot)
    assert dialog.empty_note.isVisible()
    assert dialog.match_label.text() == "Type a pattern."
    assert not dialog.add_button.isEnabled()

    with qtbot.waitSignal(dialog.counted, timeout=10_000) as counted:
        write_rule(qtbot, dialog, "*/WORK/*", action=1)  # keep without text, by project
    assert counted.args == [2]
    assert dialog.match_label.text() == "2 stored sessions match"
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    box = confirmation(dialog, qtbot)
    assert box.text() == "2 stored sessions match this rule. Remove their text and titles?"
    assert "removed from the database for good" in box.informativeText()
    assert "your ratings stay" in box.informativeText()
    assert box.defaultButton() is box.findChild(QPushButton, "futureOnly")
    with qtbot.waitSignal(dialog.applied, timeout=10_000):
        click(qtbot, box, "confirmApply")
    assert dialog.status.text() == "Removed the text of 2 sessions for good."
    assert [dialog.rule_list.topLevelItem(0).text(0)] == [  # type: ignore[union-attr]
        "Keep sessions whose project matches */WORK/* without text"]
    assert not dialog.empty_note.isVisible()

    # Applying cannot be undone: the undo stack is empty, as after a deletion.
    assert window.undo_stack.count() == 0
    assert not window.menu_actions["undo"].isEnabled()
    db = open_db(filled_db)
    try:
        rows = {r.external_id: r for r in list_sessions(db)}
        assert (rows["cc-0"].no_text, rows["cc-0"].title) == (True, "Claude Code session")
        assert get_rating(db, rows["cc-0"].id).note == "mine"
        assert not rows["conv-0002"].no_text
    finally:
        db.close()
    dialog.reject()
    qtbot.waitUntil(lambda: window.rules.dialog is None)

    # The window shows it: its transcript says why there is no text, roles and times stay.
    assert view.model is not None
    assert view.model.session_at(1) is not None
    view.select_row(1)  # cc0
    text = view.transcript.plain_text()
    assert text.startswith("Claude Code session")
    assert "Kept without text by an import rule" in text
    assert SECRET not in text
    assert text.count("(no text kept)") == 2
    assert "You" in text
    assert "Assistant" in text

    # Searching says what it cannot search.
    view.filters.focus_search()
    qtbot.keyClicks(view.filters.search, SECRET)
    qtbot.waitUntil(lambda: view.unsearchable_note.isVisible())
    assert view.unsearchable_note.text() == (
        "2 sessions are kept without text and cannot be searched.")
    view.filters.clear_filters()
    qtbot.waitUntil(lambda: not view.unsearchable_note.isVisible())


def test_a_skip_rule_for_future_imports_only_then_applied_from_the_list(
        qtbot: QtBot, filled_db: Path, open_window: OpenWindow) -> None:
    window = open_window(filled_db)
    dialog = rules_dialog(window, qtbot)
    with qtbot.waitSignal(dialog.counted, timeout=10_000) as counted:
        write_rule(qtbot, dialog, "*plan 1", selector=1)  # skip, by title
    assert counted.args == [1]
    qtbot.keyClick(dialog.pattern_edit, Qt.Key.Key_Return)  # Enter adds it too
    box = confirmation(dialog, qtbot)
    assert box.text() == "1 stored session matches this rule. Delete it (1 session and 0 " \
                         "ratings)?"
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # the default: future imports only
    qtbot.waitUntil(lambda: dialog.confirmation is None)
    assert dialog.status.text() == ("The rule applies to future imports only: the 1 stored "
                                    "session it matches is left as it is.")
    db = open_db(filled_db)
    assert len(list_sessions(db)) == 5
    db.close()

    # Later, from the list: Apply to Stored Sessions…
    item = dialog.rule_list.topLevelItem(0)
    assert item is not None
    assert item.text(0) == "Skip sessions whose title matches *plan 1"
    dialog.rule_list.setCurrentItem(item)
    assert dialog.apply_button.isEnabled()
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    box = confirmation(dialog, qtbot)
    with qtbot.waitSignal(dialog.applied, timeout=10_000):
        click(qtbot, box, "confirmApply")
    assert dialog.status.text() == "Deleted 1 session and 0 ratings that the rule matches."
    assert window.sessions_view.model is not None
    assert window.sessions_view.model.rowCount() == 4
    assert "4 sessions" in window.status_label.text()

    # Removed: the list is empty again, and the dialog says what that does.
    dialog.rule_list.setCurrentItem(item)
    with qtbot.waitSignal(dialog.rules_changed):
        qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert dialog.rule_list.topLevelItemCount() == 0
    assert dialog.status.text().startswith("Removed: Skip sessions whose title matches *plan 1."
                                           " The next import reads the files")
    db = open_db(filled_db)
    assert list_rules(db) == []
    db.close()


def test_a_tool_rule_and_no_match(qtbot: QtBot, filled_db: Path,
                                  open_window: OpenWindow) -> None:
    window = open_window(filled_db)
    dialog = rules_dialog(window, qtbot)
    dialog.selector_box.setFocus()
    with qtbot.waitSignal(dialog.counted, timeout=10_000) as counted:
        for _ in range(2):  # Tool: a list of tools instead of a pattern
            qtbot.keyClick(dialog.selector_box, Qt.Key.Key_Down)
    assert dialog.pattern_stack.currentWidget() is dialog.tool_box
    assert dialog.tool_box.currentData() == "chatgpt"
    assert counted.args == [3]
    dialog.tool_box.setFocus()
    with qtbot.waitSignal(dialog.counted, timeout=10_000) as counted:
        qtbot.keyClick(dialog.tool_box, Qt.Key.Key_Down)  # Claude.ai: none stored
    assert counted.args == [0]
    assert dialog.match_label.text() == "No stored session matches"
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "no stored session matches it" in dialog.status.text(),
                    timeout=10_000)
    assert dialog.confirmation is None  # nothing to ask
    db = open_db(filled_db)
    assert [(r.action.value, r.selector.value, r.pattern) for r in list_rules(db)] == [
        ("skip", "source", "claude-ai")]
    db.close()


def test_the_import_report_counts_excluded_sessions(qtbot: QtBot, db_path: Path,
                                                    tmp_path: Path,
                                                    open_window: OpenWindow) -> None:
    db = open_db(db_path)
    add_rule(db, "skip", "title", "*diary*")
    db.close()
    export = write_json(tmp_path / "conversations.json",
                        [simple_gpt("c1"), simple_gpt("c2", title="My diary")])
    window = open_window(db_path)
    assert window.imports.start([str(export)])
    qtbot.waitUntil(lambda: window.imports.last_report is not None, timeout=10_000)
    report = window.imports.last_report
    assert report is not None
    assert report.summary.text() == "Imported: 1 new, 0 updated, 0 unchanged, excluded by " \
                                    "rule: 1."
    row = report.tree.topLevelItem(0)
    assert row is not None
    assert report.tree.headerItem().text(6) == "Excluded by rule"
    assert row.text(6) == "1"
    report.accept()
