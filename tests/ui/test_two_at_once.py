"""The window and the command line on one database: ratings wait for another writer and land
in order, and what the command line adds shows up in the window by itself."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlite_utils import Database

from desktop_app.cli import main
from desktop_app.domain import SessionRow, Verdict
from desktop_app.store import count_sessions, get_rating, list_labels, open_db, save_sessions
from desktop_app.store.ratings import RatingEdit, edit_ratings
from desktop_app.ui.evidence_task import EVIDENCE_TASK
from desktop_app.ui.session_model import COL_VERDICT
from desktop_app.ui.write_queue import RETRY_MS
from tests.factories import make_session
from tests.locks import LockHolder
from tests.ui.conftest import OpenWindow

DATA = Path(__file__).resolve().parents[1] / "data"
WAITING = "Waiting for another Worthwhile import to finish… your rating will be saved"


@pytest.fixture
def filled_db(db_path: Path) -> Path:
    db = open_db(db_path)
    save_sessions(db, [make_session(i) for i in range(20)])
    db.close()
    return db_path


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every message box the window tries to show (none should appear)."""
    shown: list[str] = []

    def record(box: QMessageBox) -> int:
        shown.append(box.text())
        return int(QMessageBox.StandardButton.Ok)

    monkeypatch.setattr(QMessageBox, "exec", record)
    return shown


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """Every rating edit the window writes to the database, in order."""
    written: list[dict[str, object]] = []

    def counting(db: Database, edits: Mapping[str, RatingEdit]) -> None:
        edit_ratings(db, edits)
        written.append(dict(edits))

    monkeypatch.setattr("desktop_app.ui.rating.edit_ratings", counting)
    return written


def verdict_in_db(path: Path, session_id: str) -> Verdict:
    db = open_db(path)
    try:
        return get_rating(db, session_id).verdict
    finally:
        db.close()


def test_rating_while_another_import_writes_lands_once_in_order_after_it(
        qtbot: QtBot, filled_db: Path, open_window: OpenWindow, dialogs: list[str],
        writes: list[dict[str, object]]) -> None:
    window = open_window(filled_db)
    view = window.sessions_view
    table = view.table
    assert view.model is not None
    table.setFocus()
    first = view.selected_ids()[0]
    with LockHolder(filled_db):
        qtbot.keyClick(table, Qt.Key.Key_U)
        assert window.writes_waiting.isVisible()
        assert window.writes_waiting.text() == WAITING
        qtbot.keyClick(table, Qt.Key.Key_J)
        second = view.selected_ids()[0]
        qtbot.keyClick(table, Qt.Key.Key_N)
        qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the N
        qtbot.wait(3 * RETRY_MS)  # the window keeps trying meanwhile, and stays usable
        assert writes == []
        assert verdict_in_db(filled_db, first) is Verdict.UNRATED
        assert window.controller.writes.pending == 3
    qtbot.waitUntil(lambda: not window.writes_waiting.isVisible(), timeout=5000)
    assert len(writes) == 3  # U, N and the undo of N: each written once
    assert verdict_in_db(filled_db, first) is Verdict.USEFUL
    assert verdict_in_db(filled_db, second) is Verdict.UNRATED
    assert view.model.index(0, COL_VERDICT).data() == "Useful"
    assert window.statusBar().currentMessage() == "Your changes are saved."
    # Undo and redo go on from there, one step per key.
    assert window.menu_actions["redo"].text() == "&Redo Mark not useful"
    qtbot.keyClick(table, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert verdict_in_db(filled_db, second) is Verdict.NOT_USEFUL
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert verdict_in_db(filled_db, second) is Verdict.UNRATED
    assert verdict_in_db(filled_db, first) is Verdict.USEFUL
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert verdict_in_db(filled_db, first) is Verdict.UNRATED
    assert len(writes) == 6
    assert dialogs == []


def test_a_change_made_while_waiting_applies_to_what_the_waiting_one_wrote(
        qtbot: QtBot, filled_db: Path, open_window: OpenWindow, dialogs: list[str]) -> None:
    window = open_window(filled_db)
    view = window.sessions_view
    view.table.setFocus()
    sid = view.selected_ids()[0]
    with LockHolder(filled_db):
        qtbot.keyClick(view.table, Qt.Key.Key_U)
        window.controller.add_label("Waited")
        window.controller.set_label([sid], "Waited", True)
        qtbot.keyClick(view.table, Qt.Key.Key_N)  # changes the verdict, keeps the label
    qtbot.waitUntil(lambda: window.controller.writes.pending == 0, timeout=5000)
    db = open_db(filled_db)
    try:
        rating = get_rating(db, sid)
        assert "Waited" in list_labels(db)
    finally:
        db.close()
    assert (rating.verdict, rating.labels) == (Verdict.NOT_USEFUL, ("Waited",))
    assert window.undo_stack.count() == 4
    for _ in range(4):
        window.menu_actions["undo"].trigger()
    db = open_db(filled_db)
    try:
        assert get_rating(db, sid).is_empty
        assert "Waited" not in list_labels(db)
    finally:
        db.close()
    assert dialogs == []


def test_closing_while_a_rating_waits_closes_once_it_is_saved(
        qtbot: QtBot, filled_db: Path, open_window: OpenWindow, dialogs: list[str]) -> None:
    window = open_window(filled_db)
    window.sessions_view.table.setFocus()
    sid = window.sessions_view.selected_ids()[0]
    with LockHolder(filled_db):
        qtbot.keyClick(window.sessions_view.table, Qt.Key.Key_U)
        assert not window.close()  # not yet: the rating would be lost
        assert window.isVisible()
        assert "closes once it is saved" in window.writes_waiting.text()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    assert verdict_in_db(filled_db, sid) is Verdict.USEFUL
    assert dialogs == []


def test_closing_twice_while_waiting_asks_before_dropping_the_rating(
        qtbot: QtBot, filled_db: Path, open_window: OpenWindow,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(filled_db)
    window.sessions_view.table.setFocus()
    sid = window.sessions_view.selected_ids()[0]
    asked: list[str] = []

    def answer(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    with LockHolder(filled_db):
        qtbot.keyClick(window.sessions_view.table, Qt.Key.Key_U)
        assert not window.close()
        assert asked == []
        assert window.close()  # the second time asks, and the user chose to quit
    assert len(asked) == 1
    assert "1 change you made" in asked[0]
    assert verdict_in_db(filled_db, sid) is Verdict.UNRATED


def test_an_import_in_the_window_waits_for_one_from_the_command_line(
        qtbot: QtBot, filled_db: Path, open_window: OpenWindow, dialogs: list[str]) -> None:
    window = open_window(filled_db)
    with LockHolder(filled_db):
        assert window.imports.start([str(DATA / "codex")])
        dialog = window.imports.progress_dialog
        assert dialog is not None
        qtbot.waitUntil(lambda: "Waiting for another Worthwhile import" in dialog.labelText(),
                        timeout=5000)
    qtbot.waitUntil(lambda: window.imports.last_report is not None, timeout=20_000)
    report = window.imports.last_report
    assert report is not None
    assert "could not" not in report.summary.text()
    assert window.sessions_view.model is not None
    assert window.sessions_view.model.rowCount() > 20
    report.accept()
    assert dialogs == []


# --- what the command line adds shows up ---------------------------------------------------


def test_sessions_imported_by_the_command_line_appear_and_the_selection_stays(
        qtbot: QtBot, filled_db: Path, open_window: OpenWindow,
        capsys: pytest.CaptureFixture[str]) -> None:
    window = open_window(filled_db)
    view = window.sessions_view
    model = view.model
    assert model is not None
    view.select_row(4)
    chosen = view.selected_ids()
    before = model.rowCount()
    assert main(["--db", str(filled_db), "import", str(DATA / "codex")]) == 0
    capsys.readouterr()
    # No click, no key: the window notices within a poll.
    qtbot.waitUntil(lambda: model.rowCount() > before, timeout=10_000)
    assert view.selected_ids() == chosen
    db = open_db(filled_db)
    try:
        total = count_sessions(db)
    finally:
        db.close()
    assert model.rowCount() == total
    assert window.status_label.text().startswith(f"{total:,} sessions")


def test_a_rating_from_the_command_line_shows_in_the_panel(
        qtbot: QtBot, filled_db: Path, open_window: OpenWindow,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(filled_db)
    view = window.sessions_view
    sid = view.selected_ids()[0]
    shown_sessions: list[str] = []
    real_show = view.transcript.show_session

    def show_session(row: SessionRow, *args: Any, **kwargs: Any) -> None:
        shown_sessions.append(row.id)
        real_show(row, *args, **kwargs)

    monkeypatch.setattr(view.transcript, "show_session", show_session)
    assert main(["--db", str(filled_db), "rate", sid, "useful", "--label", "From the shell"]) == 0
    capsys.readouterr()
    window.watch.check()
    assert view.panel.useful_button.isChecked()
    assert view.panel.labels.checked() == ["From the shell"]
    assert view.model is not None
    assert view.model.index(0, COL_VERDICT).data() == "Useful"
    assert view.selected_ids() == [sid]
    assert shown_sessions == []  # the transcript being read was left alone


def test_activating_the_window_looks_for_changes(
        qtbot: QtBot, filled_db: Path, open_window: OpenWindow,
        capsys: pytest.CaptureFixture[str]) -> None:
    window = open_window(filled_db)
    window.watch._timer.stop()  # only the activation is left
    model = window.sessions_view.model
    assert model is not None
    assert main(["--db", str(filled_db), "import", str(DATA / "aider")]) == 0
    capsys.readouterr()
    qtbot.wait(50)
    assert model.rowCount() == 20
    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))
    assert model.rowCount() > 20


def test_scrolled_down_the_table_stays_put_when_sessions_arrive(
        qtbot: QtBot, db_path: Path, open_window: OpenWindow) -> None:
    db = open_db(db_path)
    save_sessions(db, [make_session(i) for i in range(300)])
    db.close()
    window = open_window(db_path)
    view = window.sessions_view
    model = view.model
    assert model is not None
    view.select_row(150)
    top_before = model.session_at(view.table.rowAt(0))
    assert top_before is not None
    other = open_db(db_path)
    try:  # newer sessions: they sort above everything shown
        save_sessions(other, [make_session(1000 + i) for i in range(5)])
    finally:
        other.close()
    assert window.watch.check()
    assert model.rowCount() == 305
    top_after = model.session_at(view.table.rowAt(0))
    assert top_after is not None
    assert top_after.id == top_before.id
    assert view.selected_ids()[0] == model.session_at(155).id  # type: ignore[union-attr]


def test_at_the_top_new_sessions_come_into_view(qtbot: QtBot, filled_db: Path,
                                                open_window: OpenWindow) -> None:
    window = open_window(filled_db)
    view = window.sessions_view
    assert view.model is not None
    chosen = view.selected_ids()
    other = open_db(filled_db)
    try:
        save_sessions(other, [make_session(500, title="Arrived from elsewhere")])
    finally:
        other.close()
    assert window.watch.check()
    assert view.table.verticalScrollBar().value() == 0
    assert view.model.index(0, 2).data() == "Arrived from elsewhere"
    assert view.selected_ids() == chosen


def test_the_first_run_screen_gives_way_when_the_command_line_imports(
        qtbot: QtBot, db_path: Path, open_window: OpenWindow,
        capsys: pytest.CaptureFixture[str]) -> None:
    window = open_window(db_path)
    assert window.outer_stack.currentWidget() is window.first_run
    assert main(["--db", str(db_path), "import", str(DATA / "codex")]) == 0
    capsys.readouterr()
    qtbot.waitUntil(lambda: window.outer_stack.currentWidget() is window.body, timeout=10_000)
    assert window.sessions_view.model is not None
    assert window.sessions_view.model.rowCount() > 0


def test_nothing_changed_means_nothing_is_read_again(qtbot: QtBot, filled_db: Path,
                                                    open_window: OpenWindow) -> None:
    window = open_window(filled_db)
    # On opening, a worker caches each session's active time (a write of the window's own
    # worker, seen once like another's); then the window is quiet.
    qtbot.waitUntil(lambda: not window.tasks.busy(EVIDENCE_TASK))
    window.watch.check()
    qtbot.waitUntil(lambda: not window.tasks.busy(EVIDENCE_TASK))
    view = window.sessions_view
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_U)  # the window's own write is not "another's"
    assert not window.watch.check()
