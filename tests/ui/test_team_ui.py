"""The Team view as a lead uses it: File → Open Team Cards…, the Team entry, the charts over the
shown cells, hidden cells and the "fewer than 3 people" sentence, Close Cards; the demo's team."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel
from pytestqt.qtbot import QtBot

from desktop_app.store import open_db, save_sessions
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.team_view import WITHHELD, TeamView
from tests.factories import make_session
from tests.sharing.builders import card, label_row, row, write
from tests.ui.conftest import OpenWindow

WEEKS = ["2026-11-02", "2026-11-09", "2026-11-16"]


def _person(card_id: str, *, cursor: bool = False, middle: bool = True) -> dict[str, Any]:
    tools = []
    for week in WEEKS:
        if week == WEEKS[1] and not middle:
            continue
        tools += [row(week, "ChatGPT", 6, 4, 3, minutes_sum=20, minutes_n=2),
                  row(week, "Claude Code", 8, 6, 5)]
        if cursor:
            tools.append(row(week, "Cursor", 5, 2, 2))
    return card(card_id, tools, [label_row(WEEKS[0], "coding", 9, 6, 5)])


def _window_with_sessions(db_path: Path, open_window: OpenWindow, *,
                          demo: bool = False) -> MainWindow:
    db = open_db(db_path)
    save_sessions(db, [make_session(i) for i in range(3)])
    db.close()
    return open_window(db_path, demo=demo)


def _choose(monkeypatch: pytest.MonkeyPatch, paths: list[Path]) -> None:
    """The file dialog answers with ``paths`` (as if the user picked them)."""
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *args, **kwargs: ([str(p) for p in paths], ""))


def _team_entry_visible(window: MainWindow) -> bool:
    item = window.nav.item(3)
    return item.text() == "Team" and not item.isHidden()


def _loaded(qtbot: QtBot, window: MainWindow) -> TeamView:
    view = window.team_view
    assert view is not None
    qtbot.waitUntil(lambda: not view.busy and view.figures is not None, timeout=10_000)
    return view


def _texts(view: TeamView) -> str:
    return "\n".join(label.text() for label in view.findChildren(QLabel) if label.isVisible())


def test_open_team_cards_shows_the_merged_picture(
        qtbot: QtBot, db_path: Path, open_window: OpenWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, network_events: list[object]) -> None:
    window = _window_with_sessions(db_path, open_window)
    assert not _team_entry_visible(window)  # no cards: no Team entry, Ctrl+4 goes nowhere
    assert not window.menu_actions["view_team"].isVisible()
    window.show_view("team")
    assert window.current_view() == "sessions"
    cards = [write(tmp_path, f"{n}.json", _person(n, cursor=n != "c")) for n in "abc"]
    foreign = write(tmp_path, "notes.json", {"todo": ["buy milk"]})
    _choose(monkeypatch, [*cards, foreign])
    window.menu_actions["open_team_cards"].trigger()
    assert _team_entry_visible(window)
    assert window.current_view() == "team"
    view = _loaded(qtbot, window)
    assert view.isVisible()
    assert view.summary_label.text() == "Team of 3 people: their summary cards · per week"
    # The file that is not a card is named, with why; the others are merged.
    assert view.problems_label.isVisible()
    assert f"{foreign}: not a Worthwhile summary card" in view.problems_label.text()
    assert view.over_time.useful.tolist() == [28.0, 28.0, 28.0]
    # Cursor (two people) is hidden, unnamed; the ChatGPT cells went with it (the smaller one),
    # so no total minus what is shown gives the two people's Cursor figures.
    assert view.by_tool.order == ["Claude Code"]
    assert "Cursor" not in _texts(view)
    assert "Hidden: 6 tool cells" in view.hidden_label.text()
    assert "fewer than 3 people" in view.hidden_label.text()
    # Pointing at a week tells its numbers, as a team's (minutes are each person's own).
    chart = view.over_time
    assert chart.open_hint is None
    qtbot.mouseMove(chart.widget.viewport(), chart.widget.mapFromScene(chart.scene_pos_of(0)))
    qtbot.waitUntil(lambda: view.hover_text is not None)
    assert view.hover_text is not None
    assert view.hover_text.startswith("Week of 02 Nov 2026")
    assert "52 uses" in view.hover_text
    assert "(each person's own estimate)" in view.hover_text
    assert "Click to see" not in view.hover_text
    view.tabs.setCurrentIndex(2)  # By label: only "coding" (three people) in its week
    assert view.by_label.order == ["coding"]
    # Nothing on screen says who sent what: no card id, no accepted file's name.
    shown = _texts(view)
    for secret in ('"a"', "a.json", "b.json", "c.json"):
        assert secret not in shown
    assert network_events == []


def test_close_cards_takes_the_entry_away(qtbot: QtBot, db_path: Path, open_window: OpenWindow,
                                          tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    window = _window_with_sessions(db_path, open_window)
    _choose(monkeypatch, [write(tmp_path, f"{n}.json", _person(n)) for n in "abc"])
    window.menu_actions["open_team_cards"].trigger()
    view = _loaded(qtbot, window)
    qtbot.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
    assert not _team_entry_visible(window)
    assert window.current_view() == "sessions"
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.current_view() == "sessions"
    # Opened again: Ctrl+4 reaches it.
    window.menu_actions["open_team_cards"].trigger()
    window.show_view("sessions")
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.current_view() == "team"


def test_two_cards_show_only_the_sentence(qtbot: QtBot, db_path: Path, open_window: OpenWindow,
                                          tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    window = _window_with_sessions(db_path, open_window)
    _choose(monkeypatch, [write(tmp_path, f"{n}.json", _person(n, cursor=True)) for n in "ab"])
    window.menu_actions["open_team_cards"].trigger()
    view = _loaded(qtbot, window)
    assert view.pages.currentWidget() is view.message_label
    assert "Fewer than 3 people" in view.message_label.text()
    assert "Nothing is shown" in view.message_label.text()
    texts = _texts(view)
    for name in ("ChatGPT", "Claude Code", "Cursor", "Coding"):
        assert name not in texts
    assert not view.tabs.isVisible()


def test_a_week_of_two_people_is_a_gap_that_says_why(
        qtbot: QtBot, db_path: Path, open_window: OpenWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = _window_with_sessions(db_path, open_window)
    people = [_person("a"), _person("b"), _person("c", middle=False)]
    _choose(monkeypatch, [write(tmp_path, f"{i}.json", p) for i, p in enumerate(people)])
    window.menu_actions["open_team_cards"].trigger()
    view = _loaded(qtbot, window)
    chart = view.over_time
    assert chart.useful.tolist() == [24.0, 0.0, 24.0]
    assert not chart.few[1]  # no "too few ratings" mark: it is not shown at all
    assert chart.hover(chart.scene_pos_of(1)) == f"Week of 09 Nov 2026\n{WITHHELD}"
    assert view.hidden_label.text().startswith("Hidden: 1 week, ")


def test_a_lead_without_sessions_of_their_own(qtbot: QtBot, db_path: Path,
                                              open_window: OpenWindow, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(db_path)
    assert window.outer_stack.currentWidget() is window.first_run
    _choose(monkeypatch, [write(tmp_path, f"{n}.json", _person(n)) for n in "abc"])
    window.menu_actions["open_team_cards"].trigger()
    assert window.outer_stack.currentWidget() is window.body
    assert window.current_view() == "team"
    view = _loaded(qtbot, window)
    assert view.by_tool.order == ["Claude Code", "ChatGPT"]
    view.close_button.click()
    assert window.outer_stack.currentWidget() is window.first_run


def test_the_demo_brings_its_team_and_takes_it_away(qtbot: QtBot, db_path: Path,
                                                    open_window: OpenWindow,
                                                    tmp_path: Path) -> None:
    window = _window_with_sessions(db_path, open_window, demo=True)
    assert _team_entry_visible(window)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    view = _loaded(qtbot, window)
    assert view.summary_label.text().startswith("Team of 8 synthetic people")
    tools = set(view.by_tool.order)
    assert {"ChatGPT", "Claude Code", "Copilot"} <= tools
    assert "Cursor" not in tools  # two people use it
    assert "Gemini" not in tools
    assert "tool cells" in view.hidden_label.text()
    # The plain sentences claim only differences the intervals back, by tool and by label.
    assert view.figures is not None
    assert len(view.figures.insights) == 2
    assert all(" more often than " in line for line in view.figures.insights)
    assert view.insights_label.isVisible()
    # The user's own database has no demo team.
    real = tmp_path / "real.db"
    db = open_db(real)
    save_sessions(db, [make_session(i) for i in range(2)])
    db.close()
    assert window.open_database(real, demo=False)
    assert not _team_entry_visible(window)
    assert window.current_view() != "team"


def test_cards_per_week_and_month_say_they_cannot_be_merged(
        qtbot: QtBot, db_path: Path, open_window: OpenWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = _window_with_sessions(db_path, open_window)
    month = card("m", [row("2026-11-01", "ChatGPT", 3)], by="month")
    _choose(monkeypatch, [write(tmp_path, "a.json", _person("a")),
                          write(tmp_path, "m.json", month)])
    window.menu_actions["open_team_cards"].trigger()
    view = _loaded(qtbot, window)
    assert view.summary_label.text() == "These cards cannot be merged."
    assert "some are per week and some per month" in view.message_label.text()


def test_the_card_files_are_left_as_they_were(qtbot: QtBot, db_path: Path,
                                             open_window: OpenWindow, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [write(tmp_path, f"{n}.json", _person(n)) for n in "abc"]
    before = [p.read_bytes() for p in paths]
    window = _window_with_sessions(db_path, open_window)
    _choose(monkeypatch, paths)
    window.menu_actions["open_team_cards"].trigger()
    _loaded(qtbot, window).close_button.click()
    assert [p.read_bytes() for p in paths] == before
    assert json.loads(before[0])["card_id"] == "a"
