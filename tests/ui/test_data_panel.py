"""Help → Your Data… used as a person would: what it says of the file and what it holds, each of
its buttons, deleting the automatic backups, the demo, and keeping its figures current."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.demo.database import generate_demo
from desktop_app.domain import Rating, Verdict
from desktop_app.importers.registry import display_name
from desktop_app.importers.values import size_text
from desktop_app.store import open_db, save_sessions, set_rating
from desktop_app.store.db import backup_database
from desktop_app.store.deletion import count_tombstones, counts_by_source, delete_sessions
from desktop_app.store.overview import automatic_backups
from desktop_app.store.rules import add_rule, list_rules
from desktop_app.ui.data_panel import PROMISE, DataPanel
from desktop_app.ui.evidence_task import EVIDENCE_TASK
from desktop_app.ui.main_window import MainWindow
from tests.factories import make_session
from tests.store.test_upgrades import NAMES, build_at_step
from tests.ui.conftest import OpenWindow


@pytest.fixture
def filled_db(db_path: Path) -> Path:
    """Five ChatGPT sessions (two rated, one of them deleted: a tombstone), three Claude Code
    sessions (one rated), one import rule."""
    db = open_db(db_path)
    gpt = [make_session(i) for i in range(6)]
    cc = [make_session(10 + i, source="claude-code", external_id=f"cc-{i}") for i in range(3)]
    save_sessions(db, gpt + cc)
    set_rating(db, gpt[0].id, Rating(Verdict.USEFUL))
    set_rating(db, gpt[1].id, Rating(Verdict.NOT_USEFUL, note="meh"))
    set_rating(db, cc[0].id, Rating(labels=("coding",)))
    delete_sessions(db, [gpt[5].id])
    add_rule(db, "skip", "project", "*acme*")
    db.close()
    return db_path


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def open_panel(qtbot: QtBot, window: MainWindow) -> DataPanel:
    """Help → Your Data…, and wait for its figures."""
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert isinstance(help_menu, QMenu)
    action = window.menu_actions["your_data"]
    assert action in help_menu.actions()
    assert action.text() == "Your &Data…"
    action.trigger()
    panel = window.data_panel.panel
    assert panel is not None
    qtbot.waitExposed(panel)
    qtbot.waitUntil(lambda: panel.overview is not None, timeout=10_000)
    return panel


def refreshed(qtbot: QtBot, panel: DataPanel) -> Any:
    return qtbot.waitSignal(panel.refreshed, timeout=10_000)


def tool_rows(panel: DataPanel) -> list[tuple[str, str, str]]:
    rows = []
    for i in range(panel.tools.topLevelItemCount()):
        item = panel.tools.topLevelItem(i)
        assert item is not None
        rows.append((item.text(0), item.text(1), item.text(2)))
    return rows


def test_it_opens_from_the_help_menu_and_its_figures_match_the_database(
        qtbot: QtBot, filled_db: Path, open_window: OpenWindow) -> None:
    window = open_window(filled_db)
    # On opening, a worker caches each session's active time: the file's size settles after it.
    qtbot.waitUntil(lambda: not window.tasks.busy(EVIDENCE_TASK))
    panel = open_panel(qtbot, window)
    assert panel.windowTitle() == "Your data"
    assert panel.promise.text() == PROMISE
    assert PROMISE == ("Everything stays in this one file on this computer; Worthwhile never "
                       "opens a network connection.")
    assert not panel.demo_note.isVisible()
    assert panel.path_field.text() == str(filled_db)
    db = open_db(filled_db)
    try:
        expected = [(display_name(source), f"{c.sessions:,}", f"{c.ratings:,}")
                    for source, c in counts_by_source(db).items()]
        tombstones = count_tombstones(db)
        rules = len(list_rules(db))
    finally:
        db.close()
    assert tool_rows(panel) == expected == [("ChatGPT", "5", "2"), ("Claude Code", "3", "1")]
    assert panel.totals_label.text() == "8 sessions, 3 ratings"
    assert tombstones == 1
    assert panel.tombstones_label.text() == (
        "1 deleted session remembered: importing its files again does not bring it back.")
    assert rules == 1
    assert panel.rules_label.text() == "1 import rule applied to every import."
    wal = filled_db.with_name(filled_db.name + "-wal")
    size = filled_db.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    assert panel.size_label.text().startswith(size_text(size))
    assert panel.no_backups.text() == "None beside this database."
    assert not panel.backups.isVisible()
    assert not panel.delete_backups_button.isEnabled()
    assert panel.forget_button.isEnabled()
    # Once open, the menu brings the same panel forward.
    window.menu_actions["your_data"].trigger()
    assert window.data_panel.panel is panel


def test_show_in_folder_and_copy_path(qtbot: QtBot, filled_db: Path, open_window: OpenWindow,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    panel = open_panel(qtbot, open_window(filled_db))
    click(qtbot, panel.show_folder_button)
    assert [u.toLocalFile() for u in opened] == [str(filled_db.parent)]
    assert opened[0].isLocalFile()
    click(qtbot, panel.copy_path_button)
    assert QGuiApplication.clipboard().text() == str(filled_db)
    assert panel.status.text() == "The path is copied."
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda _url: False)
    click(qtbot, panel.show_folder_button)
    assert panel.status.text() == f"No file manager opened the folder; it is {filled_db.parent}"


def test_export_and_back_up_open_what_the_file_menu_opens(
        qtbot: QtBot, filled_db: Path, open_window: OpenWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(filled_db)
    panel = open_panel(qtbot, window)
    click(qtbot, panel.export_button)
    dialog = window.data.export_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.reject()

    target = tmp_path / "copy.db"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *_args, **_kwargs: (str(target), ""))
    with refreshed(qtbot, panel):
        click(qtbot, panel.backup_button)
    assert target.is_file()
    assert window.data.last_message.startswith(f"Backed up to {target}")
    assert automatic_backups(filled_db) == ()  # the person's own backup is not listed


def test_import_rules_opens_the_rules_dialog_and_the_count_follows(
        qtbot: QtBot, filled_db: Path, open_window: OpenWindow) -> None:
    window = open_window(filled_db)
    panel = open_panel(qtbot, window)
    click(qtbot, panel.rules_button)
    dialog = window.rules.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.pattern_edit, "*secret*")
    with refreshed(qtbot, panel):
        click(qtbot, dialog.add_button)
    assert panel.rules_label.text() == "2 import rules applied to every import."
    box = dialog.confirmation
    if box is not None:  # asked about stored sessions only if one matches
        box.reject()
    dialog.reject()


def test_forget_deleted_sessions(qtbot: QtBot, filled_db: Path,
                                 open_window: OpenWindow) -> None:
    window = open_window(filled_db)
    panel = open_panel(qtbot, window)
    click(qtbot, panel.forget_button)
    box = window.deletion.confirmation
    assert box is not None
    qtbot.waitExposed(box)
    assert box.text() == "Forget 1 deleted session?"
    forget = box.findChild(QPushButton, "confirmForget")
    assert forget is not None
    with refreshed(qtbot, panel):
        click(qtbot, forget)
    assert panel.tombstones_label.text() == "No deleted sessions remembered."
    assert not panel.forget_button.isEnabled()
    db = open_db(filled_db)
    assert count_tombstones(db) == 0
    db.close()


def test_delete_a_tools_sessions_starts_on_the_tool_selected(
        qtbot: QtBot, filled_db: Path, open_window: OpenWindow) -> None:
    window = open_window(filled_db)
    panel = open_panel(qtbot, window)
    second = panel.tools.topLevelItem(1)
    assert second is not None
    assert second.text(0) == "Claude Code"
    rect = panel.tools.visualItemRect(second)
    qtbot.mouseClick(panel.tools.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.selected_source() == "claude-code"
    click(qtbot, panel.delete_tool_button)
    dialog = window.deletion.choice_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.tool_choice.isChecked()
    assert dialog.tool_box.currentData() == "claude-code"
    click(qtbot, dialog.continue_button)
    qtbot.waitUntil(lambda: window.deletion.confirmation is not None)
    box = window.deletion.confirmation
    assert box is not None
    assert box.text() == "Delete all Claude Code sessions: 3 sessions and 1 rating?"
    confirm = box.findChild(QPushButton, "confirmDelete")
    assert confirm is not None
    with refreshed(qtbot, panel):
        click(qtbot, confirm)
    assert tool_rows(panel) == [("ChatGPT", "5", "2")]
    assert panel.tombstones_label.text().startswith("4 deleted sessions remembered")


def test_delete_everything_asks_first(qtbot: QtBot, filled_db: Path,
                                      open_window: OpenWindow) -> None:
    window = open_window(filled_db)
    panel = open_panel(qtbot, window)
    click(qtbot, panel.delete_all_button)
    box = window.deletion.confirmation
    assert box is not None
    qtbot.waitExposed(box)
    assert box.text() == "Delete every session: 8 sessions and 3 ratings?"
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Cancel: nothing goes
    assert tool_rows(panel) == [("ChatGPT", "5", "2"), ("Claude Code", "3", "1")]

    click(qtbot, panel.delete_all_button)
    box = window.deletion.confirmation
    assert box is not None
    confirm = box.findChild(QPushButton, "confirmDelete")
    assert confirm is not None
    with refreshed(qtbot, panel):
        click(qtbot, confirm)
    assert tool_rows(panel) == []
    assert panel.totals_label.text() == "No sessions."
    for button in (panel.export_button, panel.backup_button, panel.delete_tool_button,
                   panel.delete_all_button):
        assert not button.isEnabled()
    assert window.outer_stack.currentWidget() is window.first_run


@pytest.fixture
def upgraded_db(tmp_path: Path) -> Path:
    """A database upgraded by this Worthwhile (one automatic copy beside it), with a second
    copy, another database's copy and a backup of the person's own in the same folder."""
    path = tmp_path / "data" / "worthwhile.db"
    path.parent.mkdir()
    build_at_step(path, len(NAMES) - 1)
    db = open_db(path)  # the upgrade copies it first
    backup_database(db, path, "before-0010_tombstones")
    db.close()
    (path.parent / "other.db.before-0011_rules-20260302T091500Z.bak").write_bytes(b"other")
    (path.parent / "worthwhile-backup.db").write_bytes(b"mine")
    return path


def test_the_automatic_backups_are_listed_and_deleted_after_asking(
        qtbot: QtBot, upgraded_db: Path, open_window: OpenWindow) -> None:
    folder = upgraded_db.parent
    copies = sorted(p.name for p in folder.glob("worthwhile.db.before-*.bak"))
    assert len(copies) == 2
    window = open_window(upgraded_db)
    panel = open_panel(qtbot, window)
    assert panel.backups.isVisible()
    assert panel.backups.topLevelItemCount() == 2
    befores = {panel.backups.topLevelItem(i).text(1)  # type: ignore[union-attr]
               for i in range(2)}
    assert befores == {NAMES[-1].replace("_", " "), "0010 tombstones"}
    total = sum((folder / name).stat().st_size for name in copies)
    assert panel.no_backups.text() == f"2 in all, {size_text(total)}."
    assert panel.delete_backups_button.isEnabled()

    click(qtbot, panel.delete_backups_button)
    box = panel.confirmation
    assert isinstance(box, QMessageBox)
    qtbot.waitExposed(box)
    assert box.text() == f"Delete 2 automatic backups ({size_text(total)})?"
    assert "may still hold the text of sessions you deleted later" in box.informativeText()
    assert "backups you made are not touched" in box.informativeText()
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Cancel is the default: nothing goes
    assert sorted(p.name for p in folder.glob("worthwhile.db.before-*.bak")) == copies

    click(qtbot, panel.delete_backups_button)
    box = panel.confirmation
    assert box is not None
    confirm = box.findChild(QPushButton, "confirmDeleteBackups")
    assert confirm is not None
    with refreshed(qtbot, panel):
        click(qtbot, confirm)
    assert list(folder.glob("worthwhile.db.before-*.bak")) == []
    assert (folder / "other.db.before-0011_rules-20260302T091500Z.bak").read_bytes() == b"other"
    assert (folder / "worthwhile-backup.db").read_bytes() == b"mine"
    assert upgraded_db.is_file()
    assert panel.status.text() == "Deleted 2 automatic backups."
    assert not panel.backups.isVisible()
    assert not panel.delete_backups_button.isEnabled()
    assert window.sessions_view.model is not None  # the database itself works on
    assert window.sessions_view.model.rowCount() == 3


def test_on_the_demo_it_says_it_is_the_demos_throwaway_file(
        qtbot: QtBot, tmp_path: Path, open_window: OpenWindow) -> None:
    path = tmp_path / "demo" / "demo.db"
    path.parent.mkdir()
    db = open_db(path)
    generate_demo(db)
    expected = [(display_name(s), f"{c.sessions:,}", f"{c.ratings:,}")
                for s, c in counts_by_source(db).items()]
    db.close()
    window = open_window(path, demo=True)
    panel = open_panel(qtbot, window)
    assert panel.demo_note.isVisible()
    assert "demo's throwaway file" in panel.demo_note.text()
    assert panel.path_field.text() == str(path)
    assert tool_rows(panel) == expected
    assert len(expected) > 2


def test_what_changes_elsewhere_shows(qtbot: QtBot, filled_db: Path,
                                      open_window: OpenWindow) -> None:
    """A rating made in the window and sessions another Worthwhile adds meanwhile."""
    window = open_window(filled_db)
    panel = open_panel(qtbot, window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    table = window.sessions_view.table
    table.setFocus()
    with refreshed(qtbot, panel):
        qtbot.keyClick(table, Qt.Key.Key_U)  # rates the selected (newest, unrated) session
    assert panel.totals_label.text() == "8 sessions, 4 ratings"
    other = open_db(filled_db)
    save_sessions(other, [make_session(50, source="codex", external_id="x")])
    other.close()
    with refreshed(qtbot, panel):
        assert window.watch.check()
    assert ("Codex", "1", "0") in tool_rows(panel)
