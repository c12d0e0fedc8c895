"""Evidence beside the verdict, like a user sees it: the window counts commits off the GUI
thread, then the panel shows them for the selected coding session, with its active time."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from desktop_app.domain import Message, Rating, Session, Verdict
from desktop_app.evidence.refresh import refresh_evidence
from desktop_app.store import open_db, save_sessions, update_rating
from desktop_app.store.evidence import SessionEvidence
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.rating_panel import RatingPanel
from desktop_app.ui.value_view import ValueView
from tests.evidence.gitrepo import Repo, at, sample_repo
from tests.ui.conftest import OpenWindow


def _session(n: int, project: str | None, source: str = "claude-code") -> Session:
    start = at("2026-01-10 10:00") - timedelta(days=n)
    gaps = (120, 90, 600, 30)  # 240 s active, a 10-minute pause away
    times = [start]
    for gap in gaps:
        times.append(times[-1] + timedelta(seconds=gap))
    messages = tuple(Message(role="user" if i % 2 == 0 else "assistant", text=f"step {i}",
                             time=t) for i, t in enumerate(times))
    return Session(source=source, external_id=f"s{n}", title=f"Coding session {n}",
                   started_at=start, ended_at=start + timedelta(hours=1), messages=messages,
                   project=project)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return sample_repo(tmp_path / "repo")


@pytest.fixture
def coding_db(db_path: Path, repo: Repo) -> Path:
    db = open_db(db_path)
    save_sessions(db, [_session(0, str(repo.root)), _session(1, None, source="chatgpt")])
    db.close()
    return db_path


def _labels(window: MainWindow) -> tuple[QLabel, QLabel]:
    panel = window.sessions_view.panel
    commits = panel.findChild(QLabel, "commitEvidence")
    active = panel.findChild(QLabel, "activeTime")
    assert commits is not None
    assert active is not None
    return commits, active


def test_the_panel_shows_commits_and_active_time_of_the_selected_session(
        qtbot: QtBot, coding_db: Path, open_window: OpenWindow, tmp_path: Path) -> None:
    window = open_window(coding_db)
    view = window.sessions_view
    commits, active = _labels(window)
    assert view.selected_ids()  # the newest session, the one in the repository
    qtbot.waitUntil(commits.isVisible, timeout=20_000)
    assert commits.text() == "2 commits, +13 \u22123 lines (session + 24 h)"
    assert active.isVisible()
    assert active.text().startswith("\u2248 4 min active")
    window.grab().save(str(tmp_path / "evidence-window.png"))

    # Minutes saved given: net minutes appear beside them.
    view.panel.minutes.setFocus()
    view.panel.minutes.lineEdit().selectAll()
    qtbot.keyClicks(view.panel.minutes, "30")
    qtbot.keyClick(view.panel.minutes, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "net \u2248 +26 min" in active.text())

    # A chat without a repository: no commits shown, its active time still is.
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: not commits.isVisible())
    assert commits.text() == ""
    assert active.text().startswith("\u2248 4 min active")

    # Two selected: no evidence at all.
    view.table.selectAll()
    qtbot.waitUntil(lambda: not active.isVisible())


def test_a_large_database_counts_its_evidence_in_a_process_of_its_own(
        qtbot: QtBot, coding_db: Path, open_window: OpenWindow,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """From PROCESS_FROM sessions on the refresh runs in a spawned process (on a thread its
    Python held the interpreter lock often enough to make typing stutter at 100k sessions):
    the panel shows the same figures, and no process is left behind."""
    import multiprocessing

    from desktop_app.ui import evidence_task

    started: list[str] = []
    real = multiprocessing.get_context("spawn").Process.start

    def counting_start(self: multiprocessing.process.BaseProcess) -> None:
        started.append(self.name)
        real(self)

    monkeypatch.setattr(evidence_task, "PROCESS_FROM", 0)
    monkeypatch.setattr(multiprocessing.get_context("spawn").Process, "start", counting_start)
    window = open_window(coding_db)
    commits, active = _labels(window)
    qtbot.waitUntil(commits.isVisible, timeout=30_000)
    assert "worthwhile-evidence" in started  # counted in a process, not on the worker thread
    assert commits.text() == "2 commits, +13 \u22123 lines (session + 24 h)"
    assert active.text().startswith("\u2248 4 min active")
    qtbot.waitUntil(lambda: not [p for p in multiprocessing.active_children()
                                 if p.name == "worthwhile-evidence"], timeout=10_000)


def test_the_value_view_compares_sessions_followed_by_commits_with_the_others(
        qtbot: QtBot, db_path: Path, repo: Repo, tmp_path: Path) -> None:
    db = open_db(db_path)
    followed = [replace(_session(0, str(repo.root)), external_id=f"f{i}",
                        started_at=at("2026-01-10 10:00") + timedelta(minutes=i))
                for i in range(12)]
    quiet = [replace(_session(200 + i, str(repo.root)), external_id=f"q{i}")
             for i in range(12)]  # months before any commit
    chat = _session(1, None, source="chatgpt")
    save_sessions(db, [*followed, *quiet, chat])
    for i, s in enumerate(followed):
        update_rating(db, s.id, Verdict.USEFUL if i else Verdict.NOT_USEFUL)
    for i, s in enumerate(quiet):
        update_rating(db, s.id, Verdict.NOT_USEFUL if i > 1 else Verdict.USEFUL)
    update_rating(db, chat.id, Verdict.USEFUL)  # no repository: in neither group
    refresh_evidence(db)
    db.close()
    view = ValueView()
    qtbot.addWidget(view)
    view.resize(1180, 740)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.set_db_path(db_path)
    with qtbot.waitExposed(view):
        view.show()
    label = view.findChild(QLabel, "valueCommits")
    assert label is not None
    assert label.isVisible()
    assert label.text() == (
        "Sessions followed by commits were useful more often: 92 % useful vs 17 % without "
        "(the 95 % intervals do not overlap); 12 sessions followed by commits (12 rated), "
        "12 in a repository without (12 rated).")
    view.grab().save(str(tmp_path / "value-commits.png"))


def test_the_value_view_says_nothing_of_commits_without_repositories(
        qtbot: QtBot, db_path: Path) -> None:
    db = open_db(db_path)
    chat = _session(1, None, source="chatgpt")
    save_sessions(db, [chat])
    update_rating(db, chat.id, Verdict.USEFUL)
    refresh_evidence(db)
    db.close()
    view = ValueView()
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.set_db_path(db_path)
    view.show()
    label = view.findChild(QLabel, "valueCommits")
    assert label is not None
    assert not label.isVisible()


def test_less_than_half_a_minute_active_says_so_rather_than_zero(qtbot: QtBot) -> None:
    panel = RatingPanel()
    qtbot.addWidget(panel)
    panel.show_rating(Rating())
    panel.show_evidence(SessionEvidence(active_seconds=20))
    assert panel.active_label.text() == "under a minute active (an estimate)"
    panel.show_evidence(SessionEvidence(active_seconds=150))
    assert panel.active_label.text() == "\u2248 3 min active (an estimate)"
