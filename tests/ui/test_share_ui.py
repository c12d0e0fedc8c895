"""File → Share Summary…, used as a person would: look at the card, leave things out, save it."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QListWidgetItem, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.domain import Rating, Verdict
from desktop_app.sharing.summary import WHO_CAN_READ, count_card
from desktop_app.store import open_db, save_sessions, set_rating
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.share_dialog import CardRowsModel, ShareDialog
from tests.factories import make_session
from tests.ui.conftest import OpenWindow

MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def window(db_path: Path, open_window: OpenWindow) -> MainWindow:
    """Three tools over four weeks; some sessions rated and labelled."""
    db = open_db(db_path)
    sessions = []
    for n in range(24):
        source = ("chatgpt", "claude-code", "codex")[n % 3]
        sessions.append(make_session(n, source=source, external_id=f"s-{n}",
                                     started_at=MONDAY + timedelta(days=n)))
    save_sessions(db, sessions)
    for n, session in enumerate(sessions):
        if n % 2 == 0:
            labels = ("coding",) if n % 4 == 0 else ("research", "writing")
            set_rating(db, session.id, Rating(
                verdict=Verdict.USEFUL if n % 3 else Verdict.NOT_USEFUL,
                minutes_saved=10, labels=labels, note="a private note"))
    db.close()
    return open_window(db_path)


def open_share(qtbot: QtBot, window: MainWindow) -> ShareDialog:
    window.menu_actions["share"].trigger()
    dialog = window.share.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.counts is not None, timeout=10_000)
    return dialog


def toggle(qtbot: QtBot, item: QListWidgetItem) -> None:
    """Tick or untick an entry as a keyboard user does: make it current, press Space."""
    lst = item.listWidget()
    lst.setFocus()
    lst.setCurrentItem(item)
    qtbot.keyClick(lst, Qt.Key.Key_Space)


def shown_json(dialog: ShareDialog, qtbot: QtBot) -> dict[str, Any]:
    qtbot.mouseClick(dialog.tabs.tabBar(), Qt.MouseButton.LeftButton,
                     pos=dialog.tabs.tabBar().tabRect(1).center())
    assert dialog.tabs.currentWidget() is dialog.json_view
    card: dict[str, Any] = json.loads(dialog.json_view.toPlainText())
    return card


def table_rows(model: CardRowsModel) -> list[list[str]]:
    return [[str(model.data(model.index(r, c))) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_the_preview_shows_exactly_the_card(qtbot: QtBot, window: MainWindow,
                                            db_path: Path,
                                            network_events: list[object]) -> None:
    assert window.menu_actions["share"].text() == "&Share Summary…"
    dialog = open_share(qtbot, window)
    # The honest sentence, visible.
    who = dialog.findChild(QLabel, "shareWhoCanRead")
    assert who is not None
    assert who.isVisible()
    assert who.text() == WHO_CAN_READ == ("Whoever receives this file can read these counts. "
                                          "It holds no titles, text, projects or names.")
    db = open_db(db_path)
    try:
        expected = count_card(db).card().to_json()
    finally:
        db.close()
    card = shown_json(dialog, qtbot)
    assert card | {"created_at": None} == expected | {"created_at": None}
    assert "private note" not in dialog.json_view.toPlainText()
    # The table holds the same rows, readable.
    rows = table_rows(dialog.tool_model)
    assert len(rows) == len(card["tools"])
    assert rows[0] == ["2 Mar 2026", "ChatGPT", "3", "2", "0", "2", "20", "2"]
    assert dialog.tool_model.headerData(0, Qt.Orientation.Horizontal) == "Week"
    assert len(table_rows(dialog.label_model)) == len(card["labels"])
    assert {r[1] for r in table_rows(dialog.label_model)} == {
        "coding", "research", "writing", "(no label)"}
    assert "24 uses in 4 weeks, 2 Mar 2026 to 25 Mar 2026" in dialog.summary.text()
    assert dialog.save_button.isEnabled()
    assert network_events == []


def test_leaving_out_a_tool_a_label_and_a_week_updates_the_json_live(
        qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_share(qtbot, window)
    before = shown_json(dialog, qtbot)
    labelled_before = sum(r["uses"] for r in before["labels"] if r["label"] == "coding")

    toggle(qtbot, dialog.tools.item("Codex"))
    card = json.loads(dialog.json_view.toPlainText())  # updated while shown, no click needed
    assert {r["tool"] for r in card["tools"]} == {"ChatGPT", "Claude Code"}
    # Codex's sessions are gone from the label rows too.
    assert sum(r["uses"] for r in card["labels"]) < sum(r["uses"] for r in before["labels"])
    assert sum(r["uses"] for r in card["labels"] if r["label"] == "coding") < labelled_before

    toggle(qtbot, dialog.labels.item("research"))
    card = json.loads(dialog.json_view.toPlainText())
    assert "research" not in {r["label"] for r in card["labels"]}

    first_week = dialog.periods.list.item(0)
    assert first_week.text().startswith("2 Mar 2026")
    toggle(qtbot, first_week)
    card = json.loads(dialog.json_view.toPlainText())
    assert "2026-03-02" not in {r["period"] for r in card["tools"] + card["labels"]}
    assert card["from"] == "2026-03-09"  # moved past the week left out
    assert dialog.tool_model.rowCount() == len(card["tools"])

    # Ticking it again brings it back.
    toggle(qtbot, dialog.tools.item("Codex"))
    card = json.loads(dialog.json_view.toPlainText())
    assert "Codex" in {r["tool"] for r in card["tools"]}


def test_none_leaves_nothing_to_save_and_all_brings_it_back(qtbot: QtBot,
                                                            window: MainWindow) -> None:
    dialog = open_share(qtbot, window)
    qtbot.mouseClick(dialog.periods.none_button, Qt.MouseButton.LeftButton)
    assert not dialog.save_button.isEnabled()
    assert "Nothing left to share" in dialog.summary.text()
    assert shown_json(dialog, qtbot)["tools"] == []
    toggle(qtbot, dialog.periods.list.item(3))
    card = json.loads(dialog.json_view.toPlainText())
    assert {r["period"] for r in card["tools"]} == {"2026-03-23"}
    assert (card["from"], card["to"]) == ("2026-03-23", "2026-03-25")
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.periods.all_button, Qt.MouseButton.LeftButton)
    assert len({r["period"] for r in json.loads(dialog.json_view.toPlainText())["tools"]}) == 4


def test_per_month_counts_again_and_keeps_what_was_left_out(qtbot: QtBot,
                                                            window: MainWindow) -> None:
    dialog = open_share(qtbot, window)
    toggle(qtbot, dialog.tools.item("ChatGPT"))
    with qtbot.waitSignal(dialog.counted, timeout=10_000):
        dialog.by_box.setFocus()
        qtbot.keyClick(dialog.by_box, Qt.Key.Key_Down)
    assert dialog.by == "month"
    assert dialog.periods.title() == "&Months"
    assert dialog.tool_model.headerData(0, Qt.Orientation.Horizontal) == "Month"
    card = shown_json(dialog, qtbot)
    assert card["by"] == "month"
    assert {r["period"] for r in card["tools"]} == {"2026-03-01"}
    assert "ChatGPT" not in {r["tool"] for r in card["tools"]}
    assert dialog.tools.item("ChatGPT").checkState() == Qt.CheckState.Unchecked


def test_save_writes_what_the_preview_shows(qtbot: QtBot, window: MainWindow, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "cards" / "mine"
    target.parent.mkdir()
    asked: list[tuple[Any, ...]] = []

    def chooser(*args: Any, **_kwargs: Any) -> tuple[str, str]:
        asked.append(args)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", chooser)
    dialog = open_share(qtbot, window)
    toggle(qtbot, dialog.labels.item("writing"))
    shown = dialog.json_text()
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert Path(asked[0][2]).name == f"worthwhile-card-{datetime.now().date().isoformat()}.json"
    assert "*.json" in asked[0][3]
    saved = target.with_suffix(".json")
    assert saved.read_text(encoding="utf-8") == shown
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert "writing" not in {r["label"] for r in json.loads(shown)["labels"]}
    qtbot.waitUntil(lambda: window.share.dialog is None)
    assert window.statusBar().currentMessage().startswith(f"Saved the summary card to {saved}")


def test_a_file_that_cannot_be_written_is_said_and_the_preview_stays(
        qtbot: QtBot, window: MainWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "no-such-folder" / "card.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog = open_share(qtbot, window)
    texts: list[str] = []

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "errorBox":
            texts.append(box.text())
            box.accept()
        else:
            QTimer.singleShot(20, close_box)

    QTimer.singleShot(0, close_box)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(texts), timeout=10_000)
    assert texts[0].startswith("The card was not saved. Cannot write")
    assert not target.exists()
    assert window.share.dialog is dialog
    assert dialog.isVisible()
    qtbot.waitUntil(dialog.save_button.isEnabled)


def test_share_needs_sessions(qtbot: QtBot, db_path: Path, open_window: OpenWindow) -> None:
    window = open_window(db_path)
    assert not window.menu_actions["share"].isEnabled()


def test_the_rows_model_passes_modeltester(qtmodeltester, window: MainWindow,  # type: ignore[no-untyped-def]
                                           db_path: Path) -> None:
    db = open_db(db_path)
    try:
        card = count_card(db).card()
    finally:
        db.close()
    model = CardRowsModel("Tool")
    qtmodeltester.check(model)
    model.set_rows(card.tools, "week")
    qtmodeltester.check(model)
