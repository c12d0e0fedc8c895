"""The app as a process in a terminal: Ctrl+C (SIGINT) closes the window as the user would and
exits 130 without a traceback, and a demo killed outright (SIGKILL) leaves a folder that the next
start removes, while a demo still running keeps its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from desktop_app.demo.database import FOLDER_PREFIX, LOCK_NAME
from desktop_app.ui.interrupt import EXIT_INTERRUPTED, QuitOnInterrupt
from desktop_app.ui.single_instance import ask_first_to_come_forward
from tests.conftest import AddSession

ROOT = Path(__file__).resolve().parents[2]
#: Generous: a loaded 2-core machine starts Qt and builds the demo slowly. Never a figure tested.
DEADLINE_S = 90

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting: {what}")
        time.sleep(0.05)


@pytest.fixture
def temp_root(tmp_path: Path) -> Path:
    """The temporary folder the app processes use (TMPDIR): their demos go there."""
    root = tmp_path / "tmp"
    root.mkdir()
    return root


@pytest.fixture
def start(temp_root: Path) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []

    def starter(*args: str) -> subprocess.Popen[str]:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(temp_root)}
        proc = subprocess.Popen([sys.executable, "-m", "desktop_app", *args], cwd=ROOT,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        started.append(proc)
        return proc

    yield starter
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=DEADLINE_S)


def demo_folders(root: Path) -> set[Path]:
    return {p for p in root.iterdir() if p.name.startswith(FOLDER_PREFIX)}


def claimed_by(root: Path, pid: int) -> Path | None:
    """The demo folder the process ``pid`` claimed (its id written in the lock file)."""
    for folder in demo_folders(root):
        try:
            if (folder / LOCK_NAME).read_text().strip() == str(pid):
                return folder
        except OSError:
            pass
    return None


def test_ctrl_c_closes_the_window_normally_and_exits_130(
        db_path: Path, add_session: AddSession,
        start: Callable[..., subprocess.Popen[str]]) -> None:
    add_session("chatgpt", "2026-03-02T10:00:00Z")  # the sessions view, not the first-run one
    app = start("--db", str(db_path))
    # The window answers a second start only once its event loop runs.
    wait_for(lambda: app.poll() is not None or ask_first_to_come_forward(db_path, 500),
             "the window's event loop")
    assert app.poll() is None
    app.send_signal(signal.SIGINT)
    _out, err = app.communicate(timeout=DEADLINE_S)
    assert app.returncode == EXIT_INTERRUPTED, err
    assert "Traceback" not in err
    assert not db_path.with_name(db_path.name + ".lock").exists()  # the window let go
    # It closed as a user closes it: the layout was remembered on the way out.
    config = Path(os.environ["XDG_CONFIG_HOME"])
    settings = QSettings(str(config / "Worthwhile" / "Worthwhile.conf"),
                         QSettings.Format.IniFormat)
    assert settings.value("window/geometry") is not None


def test_a_killed_demo_is_cleaned_at_the_next_start_and_a_running_one_is_kept(
        tmp_path: Path, temp_root: Path, start: Callable[..., subprocess.Popen[str]]) -> None:
    running = start("--demo")
    killed = start("--demo")
    wait_for(lambda: claimed_by(temp_root, running.pid) is not None, "the first demo")
    wait_for(lambda: claimed_by(temp_root, killed.pid) is not None, "the second demo")
    kept, left = claimed_by(temp_root, running.pid), claimed_by(temp_root, killed.pid)
    assert kept is not None
    assert left is not None
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=DEADLINE_S)
    assert left.exists()  # nothing ran to delete it

    # The next start (here a screenshot of a database of its own) removes what was left.
    shot = tmp_path / "next.png"
    after = start("--db", str(tmp_path / "next.db"), "--screenshot", str(shot))
    _out, err = after.communicate(timeout=DEADLINE_S)
    assert after.returncode == 0, err
    assert not left.exists()
    assert kept.exists()
    assert (kept / "demo.db").exists()
    assert running.poll() is None

    # Ctrl+C ends the running demo cleanly, and its folder goes with it.
    running.send_signal(signal.SIGINT)
    _out, err = running.communicate(timeout=DEADLINE_S)
    assert running.returncode == EXIT_INTERRUPTED, err
    assert "Traceback" not in err
    assert demo_folders(temp_root) == set()


def test_a_window_started_by_hand_cleans_a_killed_demo_soon_after_it_is_up(
        tmp_path: Path, temp_root: Path, start: Callable[..., subprocess.Popen[str]]) -> None:
    killed = start("--demo")
    wait_for(lambda: claimed_by(temp_root, killed.pid) is not None, "the demo")
    left = claimed_by(temp_root, killed.pid)
    assert left is not None
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=DEADLINE_S)
    assert left.exists()

    # Not before the window's first paint (see app.py), but without anyone doing anything.
    app = start("--db", str(tmp_path / "next.db"))
    wait_for(lambda: app.poll() is not None or not left.exists(), "the stale demo's removal")
    assert app.poll() is None
    app.send_signal(signal.SIGINT)
    _out, err = app.communicate(timeout=DEADLINE_S)
    assert app.returncode == EXIT_INTERRUPTED, err


def test_a_ctrl_c_before_the_window_exists_closes_it_once_it_does(qtbot: QtBot) -> None:
    before = signal.getsignal(signal.SIGINT)
    interrupt = QuitOnInterrupt()
    interrupt.install()
    closed: list[bool] = []
    try:
        os.kill(os.getpid(), signal.SIGINT)  # while the window is being built, say
        qtbot.waitUntil(lambda: interrupt.interrupted)
        interrupt.close_on_interrupt(lambda: closed.append(True))
        qtbot.waitUntil(lambda: closed == [True])
    finally:
        interrupt.uninstall()
    assert signal.getsignal(signal.SIGINT) is before
