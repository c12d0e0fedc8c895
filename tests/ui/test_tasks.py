"""ui/tasks.py: off the GUI thread, own connection; stale results dropped; cancel; errors."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.store import count_sessions, open_db, save_sessions
from desktop_app.ui.tasks import TaskContext, TaskRunner
from tests.factories import make_session


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    tasks.stop_all()


def test_work_runs_on_another_thread_with_its_own_connection(
    qtbot: QtBot, runner: TaskRunner, db_path: Path
) -> None:
    db = open_db(db_path)
    save_sessions(db, [make_session(i) for i in range(3)])

    def work(context: TaskContext) -> tuple[int, int]:
        return threading.get_ident(), count_sessions(context.db)

    task = runner.start("count", work, db_path=db_path)
    with qtbot.waitSignal(task.finished, timeout=10_000) as blocker:
        pass
    thread, count = blocker.args[0]
    assert thread != threading.get_ident()
    assert count == 3
    assert not runner.busy()
    db.close()


def test_a_stale_result_is_dropped(qtbot: QtBot, runner: TaskRunner) -> None:
    started, release = threading.Event(), threading.Event()
    results: list[str] = []

    def slow(_context: TaskContext) -> str:
        started.set()
        release.wait(10)
        return "old"

    first = runner.start("figures", slow)
    first.finished.connect(results.append)
    assert started.wait(10)  # the first request is under way when the second comes
    second = runner.start("figures", lambda _context: "new")
    second.finished.connect(results.append)
    with qtbot.waitSignal(second.finished, timeout=10_000):
        pass
    assert first.cancel_requested  # the newer request asked the older one to stop
    release.set()  # the first request finishes last ...
    qtbot.waitUntil(lambda: not runner.busy(), timeout=10_000)
    qtbot.wait(20)
    assert results == ["new"]  # ... and is ignored


def test_other_keys_are_not_made_stale(qtbot: QtBot, runner: TaskRunner) -> None:
    a = runner.start("a", lambda _context: 1)
    b = runner.start("b", lambda _context: 2)
    with qtbot.waitSignals([a.finished, b.finished], timeout=10_000):
        pass


def test_a_failing_task_reports_its_error_and_the_app_goes_on(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    def broken(_context: TaskContext) -> None:
        raise ValueError("boom in the worker")

    task = runner.start("broken", broken)
    with qtbot.waitSignal(task.failed, timeout=10_000) as blocker:
        pass
    detail = blocker.args[0]
    assert "Traceback" in detail
    assert "ValueError: boom in the worker" in detail
    after = runner.start("broken", lambda _context: "fine")
    with qtbot.waitSignal(after.finished, timeout=10_000) as blocker:
        pass
    assert blocker.args == ["fine"]


def test_cancel_stops_the_work_and_says_so(qtbot: QtBot, runner: TaskRunner) -> None:
    started = threading.Event()
    seen: list[object] = []

    def endless(context: TaskContext) -> None:
        context.progress("started")
        started.set()
        while True:
            context.check_cancelled()
            time.sleep(0.005)

    task = runner.start("endless", endless)
    task.progressed.connect(seen.append)
    task.finished.connect(lambda _result: seen.append("finished"))
    assert started.wait(10)
    with qtbot.waitSignal(task.cancelled, timeout=10_000):
        task.cancel()
    assert seen == ["started"]
    assert not runner.busy()


def test_cancelled_work_may_still_return_what_it_did(qtbot: QtBot, runner: TaskRunner) -> None:
    started = threading.Event()

    def partial(context: TaskContext) -> int:
        done = 0
        while not context.cancelled:
            done += 1
            started.set()
            time.sleep(0.002)
        return done

    task = runner.start("partial", partial)
    assert started.wait(10)
    with qtbot.waitSignal(task.finished, timeout=10_000) as blocker:
        task.cancel()
    assert blocker.args[0] > 0


def test_stop_all_waits_and_drops_results_and_frees_them(qtbot: QtBot,
                                                          runner: TaskRunner) -> None:
    started, release = threading.Event(), threading.Event()
    discarded: list[str] = []
    results: list[str] = []

    def slow(_context: TaskContext) -> str:
        started.set()
        release.wait(10)
        return "resource"

    task = runner.start("demo", slow, discard=discarded.append)
    task.finished.connect(results.append)
    assert started.wait(10)
    threading.Timer(0.05, release.set).start()
    assert runner.stop_all()
    assert discarded == ["resource"]
    qtbot.wait(20)
    assert results == []
    assert not runner.busy()
    again = runner.start("demo", lambda _context: "next")  # the runner can be used again
    with qtbot.waitSignal(again.finished, timeout=10_000):
        pass
