"""Suggested verdicts in the window, used like a person would: seen faintly, accepted one at a
time with A or all at once from the Edit menu (asked first, one undo step), never by themselves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from desktop_app.cli import main
from desktop_app.domain import Verdict
from desktop_app.store import get_rating, open_db
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.session_model import COL_VERDICT, SESSION_ID_ROLE
from tests.suggest_data import fill
from tests.ui.conftest import OpenWindow


def _filled(db_path: Path, **kwargs: object) -> dict[str, Verdict]:
    db = open_db(db_path)
    try:
        return fill(db, **kwargs)  # type: ignore[arg-type]
    finally:
        db.close()


def verdicts(path: Path, ids: list[str]) -> dict[str, Verdict]:
    db = open_db(path)
    try:
        return {sid: get_rating(db, sid).verdict for sid in ids}
    finally:
        db.close()


def stats_json(path: Path, capsys: pytest.CaptureFixture[str]) -> object:
    capsys.readouterr()
    assert main(["--db", str(path), "stats", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def wait_for_suggestions(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.suggestions.report is not None
                    and not window.suggestions.busy, timeout=20_000)


def row_of(window: MainWindow, session_id: str) -> int:
    model = window.sessions_view.model
    assert model is not None
    return model.row_of(session_id)


def test_sessions_show_suggestions_and_a_accepts_one(
        qtbot: QtBot, db_path: Path, open_window: OpenWindow,
        capsys: pytest.CaptureFixture[str]) -> None:
    expected = _filled(db_path)
    before = stats_json(db_path, capsys)
    window = open_window(db_path)
    wait_for_suggestions(qtbot, window)
    report = window.suggestions.report
    assert report is not None
    assert report.qualified
    view = window.sessions_view
    model = view.model
    assert model is not None
    for sid, verdict in expected.items():
        cell = model.index(row_of(window, sid), COL_VERDICT)
        what = "useful" if verdict is Verdict.USEFUL else "not useful"
        assert cell.data() == f"{what}?"
        assert f"likely {what} (" in str(cell.data(Qt.ItemDataRole.ToolTipRole))
        assert cell.data(Qt.ItemDataRole.FontRole).italic()
    # Seen, not rated: the figures are those of the ratings alone.
    assert stats_json(db_path, capsys) == before
    assert set(verdicts(db_path, list(expected)).values()) == {Verdict.UNRATED}

    sid = next(iter(expected))
    view.select_row(row_of(window, sid))
    panel = view.panel
    assert panel.suggestion_label.isVisible()
    assert "Suggested: likely " in panel.suggestion_label.text()
    assert panel.accept_button.isVisible()
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_A)
    assert verdicts(db_path, [sid])[sid] is expected[sid]
    assert model.index(row_of(window, sid), COL_VERDICT).data() in ("Useful", "Not useful")
    assert not panel.suggestion_label.isVisible()
    assert window.menu_actions["undo"].text() == "&Undo Accept suggested verdict"
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert verdicts(db_path, [sid])[sid] is Verdict.UNRATED
    assert panel.suggestion_label.isVisible()  # it is suggested again, not rated

    # The panel's Accept button does the same.
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    assert verdicts(db_path, [sid])[sid] is expected[sid]
    assert stats_json(db_path, capsys) != before  # accepted: now it counts


def test_accepting_all_asks_first_and_is_one_undo_step(
        qtbot: QtBot, db_path: Path, open_window: OpenWindow) -> None:
    expected = _filled(db_path)
    window = open_window(db_path)
    wait_for_suggestions(qtbot, window)
    steps = window.undo_stack.count()
    window.menu_actions["accept_suggestions"].trigger()
    box = window.suggestions.confirmation
    assert isinstance(box, QMessageBox)
    qtbot.waitExposed(box)
    assert box.text() == f"Accept {len(expected)} suggested verdicts?"
    assert "Ctrl+Z" in box.informativeText()
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Cancel is the default: nothing is rated
    assert set(verdicts(db_path, list(expected)).values()) == {Verdict.UNRATED}

    window.menu_actions["accept_suggestions"].trigger()
    box = window.suggestions.confirmation
    assert box is not None
    confirm = box.findChild(QPushButton, "confirmAcceptSuggestions")
    assert confirm is not None
    qtbot.mouseClick(confirm, Qt.MouseButton.LeftButton)
    assert verdicts(db_path, list(expected)) == expected
    assert window.undo_stack.count() == steps + 1
    qtbot.keyClick(window.sessions_view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert set(verdicts(db_path, list(expected)).values()) == {Verdict.UNRATED}


def test_random_verdicts_show_no_suggestions_and_say_why(
        qtbot: QtBot, db_path: Path, open_window: OpenWindow) -> None:
    expected = _filled(db_path, rated=200, follow=False, seed=4)
    window = open_window(db_path)
    wait_for_suggestions(qtbot, window)
    model = window.sessions_view.model
    assert model is not None
    sid = next(iter(expected))
    assert model.index(row_of(window, sid), COL_VERDICT).data() == ""
    window.sessions_view.select_row(row_of(window, sid))
    assert not window.sessions_view.panel.suggestion_label.isVisible()
    qtbot.keyClick(window.sessions_view.table, Qt.Key.Key_A)
    assert "guessing" in window.statusBar().currentMessage()
    assert verdicts(db_path, [sid])[sid] is Verdict.UNRATED
    window.menu_actions["accept_suggestions"].trigger()
    box = window.suggestions.confirmation
    assert isinstance(box, QMessageBox)
    assert box.objectName() == "noSuggestionsBox"
    assert "guessing" in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Escape)


def test_reflect_shows_the_suggestion_and_a_accepts_it(
        qtbot: QtBot, db_path: Path, open_window: OpenWindow) -> None:
    expected = _filled(db_path)
    window = open_window(db_path)
    window.show_view("reflect")
    view = window.reflect_view
    qtbot.waitUntil(lambda: not view.busy and bool(view.sample), timeout=10_000)
    wait_for_suggestions(qtbot, window)
    sid = view.sample[view.position]
    assert sid in expected
    assert view.panel.suggestion_label.isVisible()
    what = "useful" if expected[sid] is Verdict.USEFUL else "not useful"
    assert f"likely {what} (" in view.panel.suggestion_label.text()
    qtbot.keyClick(view, Qt.Key.Key_A)
    assert verdicts(db_path, [sid])[sid] is expected[sid]
    assert not view.panel.suggestion_label.isVisible()


def test_the_table_model_passes_the_model_tester(
        qtbot: QtBot, db_path: Path, open_window: OpenWindow, qtmodeltester: object) -> None:
    _filled(db_path, rated=40, unrated=5)
    window = open_window(db_path)
    wait_for_suggestions(qtbot, window)
    model = window.sessions_view.model
    assert model is not None
    assert model.index(0, COL_VERDICT).data(SESSION_ID_ROLE)
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_suggestions_follow_new_ratings(qtbot: QtBot, db_path: Path,
                                        open_window: OpenWindow) -> None:
    expected = _filled(db_path, rated=29, unrated=6)
    window = open_window(db_path)
    wait_for_suggestions(qtbot, window)
    report = window.suggestions.report
    assert report is not None
    assert report.reason_code == "too_few_ratings"
    assert "29 so far" in window.suggestions.why_none()
    # The 30th rating, by hand: the model is trained again once the ratings pause.
    sid = next(iter(expected))
    window.sessions_view.select_row(row_of(window, sid))
    qtbot.keyClick(window.sessions_view.table,
                   Qt.Key.Key_U if expected[sid] is Verdict.USEFUL else Qt.Key.Key_N)
    assert window.suggestions.busy
    wait_for_suggestions(qtbot, window)
    report = window.suggestions.report
    assert report is not None
    assert report.ratings == 30
    assert report.qualified, report.reason
    assert sid not in window.suggestions.suggestions
    assert set(window.suggestions.suggestions) == set(expected) - {sid}


def test_a_large_database_trains_in_a_process_of_its_own(
        qtbot: QtBot, db_path: Path, open_window: OpenWindow,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """From PROCESS_FROM sessions on, training runs in a spawned process (on a thread it held
    the interpreter lock long enough to stall the window): the same suggestions arrive, and
    no process is left behind."""
    import multiprocessing

    from desktop_app.ui import suggestions as suggestions_module

    expected = _filled(db_path)
    started: list[int] = []
    real = multiprocessing.get_context("spawn").Process.start

    def counting_start(self: multiprocessing.process.BaseProcess) -> None:
        started.append(1)
        real(self)

    monkeypatch.setattr(suggestions_module, "PROCESS_FROM", 0)
    monkeypatch.setattr(multiprocessing.get_context("spawn").Process, "start", counting_start)
    window = open_window(db_path)
    window.suggestions.refresh_now()
    wait_for_suggestions(qtbot, window)
    assert started  # computed in a process, not on the worker thread
    report = window.suggestions.report
    assert report is not None
    assert report.qualified
    for sid, verdict in expected.items():
        suggestion = window.suggestions.suggestion(sid)
        assert suggestion is not None
        assert suggestion.verdict is verdict
    qtbot.waitUntil(lambda: not multiprocessing.active_children(), timeout=10_000)
