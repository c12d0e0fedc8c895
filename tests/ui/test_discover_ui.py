"""'Find histories on this computer' from the first-run screen, against a fake HOME."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.store import count_sessions, open_db
from desktop_app.ui.discover_dialog import DiscoverDialog
from tests.ui.conftest import OpenWindow

SAMPLES = Path(__file__).resolve().parents[1] / "data"  # copies of ../shared/samples


def fake_claude_home(home: Path) -> Path:
    project = home / ".claude" / "projects" / "-home-me-src-app"
    project.mkdir(parents=True)
    shutil.copy(SAMPLES / "claude-code" / "marot__spotter__short.jsonl",
                project / "0b9a6f7e-1111-4222-8333-944455556666.jsonl")
    return project


def test_find_and_import_from_first_run(
    qtbot: QtBot, db_path: Path, open_window: OpenWindow
) -> None:
    fake_claude_home(Path(os.environ["HOME"]))  # the fake HOME every test gets
    window = open_window(db_path)
    window.first_run.discover_button.click()
    dialog = window.imports.discover_dialog
    assert isinstance(dialog, DiscoverDialog)
    qtbot.waitUntil(lambda: dialog.task is None and dialog.tree.topLevelItemCount() > 0,
                    timeout=10_000)
    sources = [f.source for f in dialog.found]
    assert "claude-code" in sources
    assert dialog.import_button.isEnabled()
    # Untick everything: nothing to import.
    for i in range(dialog.tree.topLevelItemCount()):
        item = dialog.tree.topLevelItem(i)
        assert item is not None
        item.setCheckState(0, Qt.CheckState.Unchecked)
    assert not dialog.import_button.isEnabled()
    item = dialog.tree.topLevelItem(sources.index("claude-code"))
    assert item is not None
    item.setCheckState(0, Qt.CheckState.Checked)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: window.imports.last_report is not None, timeout=20_000)
    db = open_db(db_path)
    assert count_sessions(db) >= 1
    db.close()
    assert window.outer_stack.currentWidget() is window.body


def test_nothing_found_says_so_and_folders_are_remembered(
    qtbot: QtBot, db_path: Path, open_window: OpenWindow, tmp_path: Path
) -> None:
    window = open_window(db_path)
    window.menu_actions["discover"].trigger()
    dialog = window.imports.discover_dialog
    assert isinstance(dialog, DiscoverDialog)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=10_000)
    assert "No AI histories" in dialog.status.text()
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".aider.chat.history.md").write_text(
        "\n# aider chat started at 2026-11-20 10:00:00\n\n#### fix the bug\n\nDone.\n")
    dialog.add_search_folder(repo)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=10_000)
    assert window.settings.search_folders == [str(repo)]
    assert json.dumps([f.to_json() for f in dialog.found])  # serialisable for scan --json
