"""Tools by the names people know: a generic row's own tool in the table, the transcript, the
tool filter and the by-tool chart (and "Claude.ai", never a bare "Claude")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QComboBox
from pytestqt.qtbot import QtBot

from desktop_app.domain import Message, Session, Verdict
from desktop_app.metrics import value_stats
from desktop_app.store import SessionQuery, open_db, save_sessions, update_rating
from desktop_app.store.stats import StatsReader
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.session_model import COL_TITLE, COL_TOOL
from tests.ui.conftest import OpenWindow

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _session(n: int, source: str, external_id: str, tool_name: str | None = None,
             text: str = "a question") -> Session:
    start = START + timedelta(hours=n)
    return Session(source=source, external_id=external_id, title=f"{external_id} chat",
                   started_at=start, ended_at=start + timedelta(minutes=2),
                   messages=(Message("user", text, start), Message("assistant", "ok", start)),
                   tool_name=tool_name)


def _fill(db_path: Path) -> dict[str, str]:
    """Six Perplexity chats (five rated), one Poe, one "le Chat", one generic row without a
    tool, one Claude.ai conversation whose text the export blanked, one Claude Code session."""
    db = open_db(db_path)
    sessions = [_session(i, "generic", f"Perplexity/p-{i}", "Perplexity") for i in range(6)]
    sessions += [_session(10, "generic", "Poe/c-1", "Poe"),
                 _session(11, "generic", "le Chat/l-1", "le Chat"),
                 _session(12, "generic", "x-1"),
                 _session(13, "claude-ai", "blank", text=""),
                 _session(14, "claude-code", "cc-1")]
    save_sessions(db, sessions)
    for s, verdict in zip(sessions[:5], [Verdict.USEFUL] * 4 + [Verdict.NOT_USEFUL],
                          strict=True):
        update_rating(db, s.id, verdict)
    db.close()
    return {s.external_id: s.id for s in sessions}


def _tool_column(window: MainWindow) -> dict[str, str]:
    model = window.sessions_view.model
    assert model is not None
    return {model.index(r, COL_TITLE).data(): model.index(r, COL_TOOL).data()
            for r in range(model.rowCount())}


def test_table_transcript_and_filter_name_each_tool(qtbot: QtBot, db_path: Path,
                                                    open_window: OpenWindow) -> None:
    _fill(db_path)
    window = open_window(db_path)
    shown = _tool_column(window)
    assert shown["Perplexity/p-0 chat"] == "Perplexity"
    assert shown["le Chat/l-1 chat"] == "le Chat"  # as the file wrote it
    assert shown["x-1 chat"] == "Other"
    assert shown["blank chat"] == "Claude.ai"
    assert shown["cc-1 chat"] == "Claude Code"
    # The newest is selected on open: Claude Code; the user clicks the Poe row.
    model = window.sessions_view.model
    assert model is not None
    table = window.sessions_view.table
    row = next(r for r in range(model.rowCount()) if model.index(r, COL_TITLE).data()
               == "Poe/c-1 chat")
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(model.index(row, COL_TITLE)).center())
    transcript = window.sessions_view.transcript
    qtbot.waitUntil(lambda: "Poe/c-1 chat" in transcript.plain_text())
    header = transcript.plain_text().split("\n")[1]
    assert header.startswith("Poe")
    # The blanked Claude.ai conversation still shows its two messages, and says why no text.
    row = next(r for r in range(model.rowCount()) if model.index(r, COL_TITLE).data()
               == "blank chat")
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(model.index(row, COL_TITLE)).center())
    qtbot.waitUntil(lambda: "blank chat" in transcript.plain_text())
    assert "Claude.ai" in transcript.plain_text()
    assert "No text in the history file." in transcript.plain_text()

    # The tool filter lists each tool by name, most sessions first.
    combo = window.findChild(QComboBox, "toolFilter")
    assert combo is not None
    items = [combo.itemText(i) for i in range(combo.count())]
    assert items[:2] == ["All tools", "Perplexity"]
    assert sorted(items[2:]) == ["Claude Code", "Claude.ai", "Other", "Poe", "le Chat"]
    # A user picks Perplexity from the list by typing its name.
    combo.setFocus()
    qtbot.keyClicks(combo, "Perp")
    assert combo.currentText() == "Perplexity"
    qtbot.waitUntil(lambda: set(_tool_column(window).values()) == {"Perplexity"})
    assert len(_tool_column(window)) == 6
    qtbot.wait(QApplication.keyboardInputInterval() + 50)  # a new search, not "PerpOther"
    qtbot.keyClicks(combo, "Other")
    qtbot.waitUntil(lambda: list(_tool_column(window)) == ["x-1 chat"])


def test_by_tool_chart_groups_by_the_tools_own_name(qtbot: QtBot, db_path: Path,
                                                    open_window: OpenWindow) -> None:
    _fill(db_path)
    window = open_window(db_path)
    window.show_view("value")
    view = window.value_view
    assert view is not None
    qtbot.waitUntil(lambda: view.tool_stats is not None, timeout=10_000)
    chart = view.by_tool
    assert sorted(chart.order) == ["Perplexity", "Poe", "claude-ai", "claude-code", "generic",
                                   "le Chat"]
    ticks = dict(chart.value_plot.getAxis("left")._tickLevels[0])
    assert sorted(ticks.values()) == ["Claude Code", "Claude.ai", "Other", "Perplexity", "Poe",
                                      "le Chat"]
    # The tool menu offers Perplexity; its figures are Perplexity's alone.
    items = [view.tool_box.itemText(i) for i in range(view.tool_box.count())]
    assert "Perplexity" in items
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.tool_box.setCurrentIndex(items.index("Perplexity"))
    assert view.stats is not None
    assert (view.stats.totals.uses, view.stats.totals.rated) == (6, 5)
    db = open_db(db_path)
    assert view.stats.totals == value_stats(StatsReader(db, tools=True),
                                            source="Perplexity").totals
    db.close()
    assert "Perplexity only" in view.basis_label.text()
    # Clicking a tool's bar lists that tool's sessions.
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.tool_box.setCurrentIndex(0)
    view.tabs.setCurrentWidget(chart.widget)
    index = chart.order.index("Poe")
    pos = chart.widget.mapFromScene(chart.scene_pos_of(index))
    with qtbot.waitSignal(view.sessions_requested) as blocker:
        qtbot.mouseClick(chart.widget.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(pos.x(), pos.y()))
    assert blocker.args[0] == SessionQuery(tool="Poe")
    qtbot.waitUntil(lambda: list(_tool_column(window).values()) == ["Poe"])
    combo = window.findChild(QComboBox, "toolFilter")
    assert combo is not None
    assert combo.currentText() == "Poe"
