"""One window per database: the lock beside it, a second start that calls the first forward
(without any socket), locks left by a crash, and the runs that need no lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.cli import main
from desktop_app.ui.single_instance import (
    InstanceLock,
    ask_first_to_come_forward,
    lock_path,
    raise_path,
)
from tests.ui.conftest import OpenWindow

ROOT = Path(__file__).resolve().parents[2]
#: A second start must end well within this (it waits ~3 s for an answer at most).
SUBPROCESS_TIMEOUT_S = 60


def socket_fds() -> set[str]:
    """The sockets this process has open (Linux: /proc/self/fd)."""
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:"):
            found.add(target)
    return found


def second_start(db_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", "--db", str(db_path), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT_S)


def test_a_second_lock_on_the_same_database_is_refused(qtbot: QtBot, db_path: Path) -> None:
    first = InstanceLock(db_path)
    assert first.acquire()
    assert lock_path(db_path).exists()
    second = InstanceLock(db_path)
    assert not second.acquire()
    assert second.owner_pid() == os.getpid()
    # Another database is another matter.
    elsewhere = InstanceLock(db_path.with_name("other.db"))
    assert elsewhere.acquire()
    elsewhere.release()
    first.release()
    assert not lock_path(db_path).exists()
    assert not raise_path(db_path).exists()
    assert second.acquire()
    second.release()


def test_a_second_start_calls_the_first_forward_through_a_file(
        qtbot: QtBot, db_path: Path, network_events: list[tuple[str, Any]]) -> None:
    has_proc = Path("/proc/self/fd").is_dir()
    sockets_before = socket_fds() if has_proc else set()
    first = InstanceLock(db_path)
    assert first.acquire()
    answered: list[bool] = []
    with qtbot.waitSignal(first.raise_requested, timeout=5000):
        # The second start polls without an event loop; the first answers from its own.
        asker = threading.Thread(target=lambda: answered.append(
            ask_first_to_come_forward(db_path)))
        asker.start()
    qtbot.waitUntil(lambda: bool(answered), timeout=5000)
    asker.join()
    assert answered == [True]
    first.release()
    assert network_events == []
    if has_proc:
        assert socket_fds() <= sockets_before  # not even a local (AF_UNIX) socket


def test_nobody_answering_ends_the_wait(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    assert not ask_first_to_come_forward(db_path, wait_ms=200)


def test_a_lock_left_by_a_crashed_window_is_taken_over(qtbot: QtBot, db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    code = ("import os, signal, sys\n"
            "from pathlib import Path\n"
            "from desktop_app.ui.single_instance import InstanceLock\n"
            f"lock = InstanceLock(Path({str(db_path)!r}))\n"
            "assert lock.acquire()\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n")
    crashed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                             text=True, timeout=SUBPROCESS_TIMEOUT_S)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    assert lock_path(db_path).exists()  # left behind
    lock = InstanceLock(db_path)
    assert lock.acquire()
    assert lock.owner_pid() is None or lock.owner_pid() == os.getpid()
    lock.release()


def test_the_raise_request_brings_a_minimized_window_forward(
        qtbot: QtBot, db_path: Path, open_window: OpenWindow) -> None:
    window = open_window(db_path)
    lock = InstanceLock(db_path)
    assert lock.acquire()
    lock.raise_requested.connect(window.bring_to_front)
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    asker = threading.Thread(target=ask_first_to_come_forward, args=(db_path,))
    asker.start()
    qtbot.waitUntil(lambda: not window.isMinimized() and window.isActiveWindow(), timeout=5000)
    asker.join()
    lock.release()


def test_a_second_app_start_says_so_asks_the_first_and_exits_0(
        qtbot: QtBot, db_path: Path) -> None:
    first = InstanceLock(db_path)
    assert first.acquire()
    asked: list[bool] = []
    first.raise_requested.connect(lambda: asked.append(True))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, "-m", "desktop_app", "--db", str(db_path)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        # Our event loop runs meanwhile, so this "first window" answers.
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=SUBPROCESS_TIMEOUT_S * 1000)
    finally:
        if proc.poll() is None:
            proc.kill()
    _out, err = proc.communicate(timeout=SUBPROCESS_TIMEOUT_S)
    first.release()
    assert proc.returncode == 0, err
    assert "Worthwhile is already open on this database" in err
    assert "brought forward" in err
    assert asked == [True]
    assert not db_path.exists()  # the second start never opened the database


def test_a_second_start_whose_first_window_does_not_answer_still_ends(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    # A lock held by this test process, with nobody listening for the request.
    code = ("import sys, time\n"
            "from pathlib import Path\n"
            "from PySide6.QtCore import QLockFile\n"
            f"lock = QLockFile({str(lock_path(db_path))!r}); lock.setStaleLockTime(0)\n"
            "assert lock.tryLock(0)\n"
            "print('held', flush=True)\n"
            "sys.stdin.readline()\n")
    with subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as holder:
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline().strip() == "held"
            result = second_start(db_path)
        finally:
            holder.communicate("\n", timeout=SUBPROCESS_TIMEOUT_S)
    assert result.returncode == 0, result.stderr
    assert "Worthwhile is already open on this database" in result.stderr
    assert "did not answer" in result.stderr


def test_demo_and_screenshot_runs_are_not_kept_out(qtbot: QtBot, db_path: Path,
                                                   tmp_path: Path) -> None:
    first = InstanceLock(db_path)
    assert first.acquire()
    try:
        shot = tmp_path / "shot.png"
        assert main(["--db", str(db_path), "--screenshot", str(shot)]) == 0
        assert shot.exists()
        assert main(["--demo", "--screenshot", str(tmp_path / "demo.png")]) == 0
    finally:
        first.release()


def test_the_command_line_is_not_kept_out(qtbot: QtBot, db_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    first = InstanceLock(db_path)
    assert first.acquire()
    try:
        data = Path(__file__).resolve().parents[1] / "data" / "aider"
        assert main(["--db", str(db_path), "import", str(data)]) == 0
    finally:
        first.release()
    assert "Total:" in capsys.readouterr().out


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_lock_makes_missing_folders_private_as_the_database_would(tmp_path: Path) -> None:
    db_path = tmp_path / "a" / "b" / "worthwhile.db"
    lock = InstanceLock(db_path)
    assert lock.acquire()
    lock.release()
    for folder in (tmp_path / "a", tmp_path / "a" / "b"):
        assert folder.stat().st_mode & 0o777 == 0o700
