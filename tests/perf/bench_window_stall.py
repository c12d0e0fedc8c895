"""Longest GUI-thread stall while a script uses the Sessions view at 100k sessions / 1M messages.

Run: QT_QPA_PLATFORM=offscreen python tests/perf/bench_window_stall.py [--db PATH] [--runs N]
     [--word WORD] [--sessions N]

A precise 5 ms QTimer ticks on the GUI thread; every gap between two ticks longer than the tick
is time the window could not answer a key or paint. The script acts like a user, with real key
presses (QTest) at a human pace, and after each action keeps measuring until the window has
settled (its search and its views' figures shown). Per action it prints the longest gap and the
95th percentile of the gaps (median over the runs; target: no gap over 50 ms):

- type a common word into the search box letter by letter (``--word``; ~96 % of the sessions
  of the benchmark database match it), then wait for the results;
- scroll the session table to its end, as dragging the scroll bar does, and press Ctrl+End;
- rate 20 sessions with the keyboard (U, then Down to the next one), from the top;
- switch through every view with Ctrl+1… (Reflect, Value, Sessions; the Team view with the demo
  team's cards), the first Value view loading the chart library.

Before the first action the window stays idle for ``--idle`` seconds (3), as a user reads it:
the window loads the charts' modules then, off the GUI thread (``--idle 0``: it cannot).

The database is copied into a temporary folder first (the window migrates and rates: the
original is never written). Without ``--db`` it is ``tests/perf/bigdb.py``'s database.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TARGET_MS = 50.0
TICK_MS = 5
#: Keep measuring at least this long after an action's last step.
MIN_SETTLE_S = 0.3
TIMEOUT_S = 60.0
TYPE_MS = 150  # between two letters: a quick typist
KEY_MS = 60  # between two keys of the rating script
SCROLL_STEPS = 60
SCROLL_MS = 16  # a drag of the scroll bar: a step a frame
IDLE_S = 3.0


class StallSampler:
    """BENCH_STACKS=1: a thread that, while the GUI thread has not ticked for 30 ms, samples
    the GUI thread's Python stack (and the other threads', one of which may hold the interpreter
    lock); prints the innermost lines seen in long stalls."""

    def __init__(self, beat: Heartbeat) -> None:
        import threading

        self.beat = beat
        self.main = threading.main_thread().ident
        self.seen: dict[str, int] = {}
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        import traceback

        while self.running:
            time.sleep(0.005)
            if not self.beat.timer.isActive() or time.perf_counter() - self.beat.last < 0.03:
                continue
            frames = sys._current_frames()
            frame = frames.get(self.main or 0)
            if frame is None:
                continue
            lines = [f"{Path(f.filename).name}:{f.lineno} {f.name}"
                     for f in traceback.extract_stack(frame) if "desktop_app" in f.filename
                     or "pyqtgraph" in f.filename]
            key = " < ".join(reversed(lines[-4:])) or "(Qt, no Python frame)"
            self.seen[key] = self.seen.get(key, 0) + 5
            # What the other threads run meanwhile (one may hold the interpreter lock).
            for ident, other in frames.items():
                if ident in (self.main, self.thread.ident):
                    continue
                inner = [f"{Path(f.filename).name}:{f.lineno} {f.name}"
                         for f in traceback.extract_stack(other)][-3:]
                key = "  other thread: " + " < ".join(reversed(inner))
                self.seen[key] = self.seen.get(key, 0) + 5

    def report(self) -> None:
        self.running = False
        print("GUI thread in long stalls (ms sampled, where):", file=sys.stderr)
        for key, ms in sorted(self.seen.items(), key=lambda kv: -kv[1])[:25]:
            print(f"  {ms:5d}  {key}", file=sys.stderr)


class Heartbeat:
    """Ticks every 5 ms on the GUI thread and keeps the gaps between ticks."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.gaps: list[float] = []

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self.last) * 1000)
        self.last = now

    def measure(self, steps: list[tuple[int, Callable[[], None]]],
                settled: Callable[[], bool]) -> list[float]:
        """Run each step ``delay_ms`` after the previous one, from the event loop; return the
        gaps (ms) from the first step until ``settled()`` after the last."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        state = {"done": 0.0, "started": 0.0}
        profile = None
        if os.environ.get("BENCH_PROFILE"):  # e.g. BENCH_PROFILE=1: where the time goes
            import cProfile

            profile = cProfile.Profile()
            profile.enable()
        pending = list(steps)

        def next_step() -> None:
            _delay, step = pending.pop(0)
            step()
            if pending:
                QTimer.singleShot(pending[0][0], next_step)
            else:
                state["done"] = time.perf_counter()

        def start() -> None:
            self.last = state["started"] = time.perf_counter()
            self.gaps = []
            self.timer.start()
            next_step()

        def poll() -> None:
            if not state["done"]:
                if state["started"] and time.perf_counter() - state["started"] > TIMEOUT_S:
                    loop.quit()
                return
            elapsed = time.perf_counter() - state["done"]
            if (elapsed >= MIN_SETTLE_S and settled()) or elapsed > TIMEOUT_S:
                loop.quit()

        poller = QTimer()
        poller.setInterval(TICK_MS)
        poller.timeout.connect(poll)
        poller.start()
        QTimer.singleShot(0, start)
        loop.exec()
        poller.stop()
        self.timer.stop()
        self._tick()  # the gap up to the end, should settling itself have blocked
        if profile is not None:
            import pstats

            profile.disable()
            print(f"--- longest gap {max(self.gaps):.0f} ms", file=sys.stderr)
            pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
        return self.gaps


def _busy(widget: Any) -> bool:
    """True while a view still waits for its figures or results (views without it: never)."""
    return widget is not None and bool(getattr(widget, "busy", False))


def p95(gaps: list[float]) -> float:
    ordered = sorted(gaps)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)] if ordered else 0.0


def one_run(db_path: Path, beat: Heartbeat, settings_file: Path,
            word: str, idle_s: float = IDLE_S) -> dict[str, list[float]]:
    from PySide6.QtCore import QPoint, QSettings, Qt
    from PySide6.QtTest import QTest

    from desktop_app.ui.main_window import MainWindow

    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    settings.clear()
    window = MainWindow(db_path, settings=settings)
    window.remember_layout = False
    window.resize(1280, 800)
    window.show()
    QTest.qWaitForWindowExposed(window)
    QTest.qWait(int(idle_s * 1000))
    view = window.sessions_view
    table = view.table
    gaps: dict[str, list[float]] = {}

    def settled() -> bool:
        return not any(_busy(w) for w in (view, window.value_view, window.team_view,
                                          window.reflect_view, window))

    def key(widget_of: Callable[[], Any], k: Qt.Key,
            mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> Callable[[], None]:
        return lambda: QTest.keyClick(widget_of(), k, mod)

    def focused() -> Any:
        return window.focusWidget() or window

    beat.measure([(0, lambda: window.show_view("sessions"))], lambda: True)

    view.filters.focus_search()
    typing: list[tuple[int, Callable[[], None]]] = [
        (TYPE_MS, partial(QTest.keyClick, view.filters.search, c)) for c in word]
    gaps[f"type '{word}'"] = beat.measure(
        typing, lambda: settled() and view.model is not None
        and view.model.query().search == word)  # the debounce may not have fired yet
    assert view.model is not None
    assert view.model.query().search == word, "the search never ran"

    bar = table.verticalScrollBar()

    def scroll_to(i: int) -> Callable[[], None]:
        def step() -> None:  # the mouse drags the handle: it moves, the table follows
            QTest.mouseMove(bar, QPoint(bar.width() // 2, bar.height() * i // SCROLL_STEPS))
            bar.setValue(bar.maximum() * i // SCROLL_STEPS)

        return step

    table.setFocus()
    scrolling = [(SCROLL_MS, scroll_to(i)) for i in range(1, SCROLL_STEPS + 1)]
    scrolling.append((SCROLL_MS, key(lambda: table, Qt.Key.Key_End,
                                     Qt.KeyboardModifier.ControlModifier)))
    gaps["scroll to the end"] = beat.measure(scrolling, settled)

    view.select_row(0)
    table.setFocus()
    rating: list[tuple[int, Callable[[], None]]] = []
    for _ in range(20):
        rating.append((KEY_MS, key(focused, Qt.Key.Key_U)))
        rating.append((KEY_MS, key(focused, Qt.Key.Key_Down)))
    gaps["rate 20 (U, Down)"] = beat.measure(rating, settled)

    for name, k in (("Reflect", Qt.Key.Key_2), ("Value", Qt.Key.Key_3),
                    ("Sessions", Qt.Key.Key_1), ("Value again", Qt.Key.Key_3),
                    ("Sessions again", Qt.Key.Key_1)):
        gaps[f"view: {name}"] = beat.measure(
            [(0, key(focused, k, Qt.KeyboardModifier.ControlModifier))], settled)

    from desktop_app.ui.team_view import CardSet

    gaps["view: Team (demo cards)"] = beat.measure(
        [(0, lambda: window.show_team(CardSet(demo=True)))], settled)
    gaps["view: Sessions from Team"] = beat.measure(
        [(0, key(focused, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier))], settled)
    window.close()
    window.deleteLater()
    return gaps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help="database to copy and use (default: bigdb's)")
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--word", default="function")
    parser.add_argument("--idle", type=float, default=IDLE_S,
                        help="seconds the window is left alone before the first action")
    args = parser.parse_args()
    if args.db is None:
        from tests.perf.bigdb import build

        args.db = build(args.sessions)

    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    def quiet(_mode: object, _context: object, message: str) -> None:
        if "propagateSizeHints" not in message:  # the offscreen platform's own limits
            print(message, file=sys.stderr)

    qInstallMessageHandler(quiet)
    app = QApplication.instance() or QApplication([])
    beat = Heartbeat()
    sampler = StallSampler(beat) if os.environ.get("BENCH_STACKS") else None
    runs: list[dict[str, list[float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db_path = folder / "bench.db"
        shutil.copyfile(args.db, db_path)
        print(f"database: copy of {args.db}; load {os.getloadavg()[0]:.2f}; "
              f"gaps of a {TICK_MS} ms GUI-thread tick per action, median of {args.runs} runs "
              f"(target: none over {TARGET_MS:.0f} ms)")
        for i in range(args.runs):
            # A fresh copy per run: a worker process still reading when a window closes is
            # ended, and its -wal/-shm must not meet a database copied over the old one.
            fresh = folder / f"bench-{i}.db"
            shutil.copyfile(db_path, fresh)
            runs.append(one_run(fresh, beat, folder / "settings.ini", args.word, args.idle))
            app.processEvents()
    width = max(len(k) for k in runs[0]) + 2
    for name in runs[0]:
        longest = [max(r[name]) for r in runs]
        tail = [p95(r[name]) for r in runs]
        print(f"  {name:<{width}} max {statistics.median(longest):7.1f} ms   "
              f"p95 {statistics.median(tail):6.1f} ms   "
              f"(max per run: {', '.join(f'{v:.0f}' for v in longest)})")
    print(f"load after: {os.getloadavg()[0]:.2f}")
    if sampler is not None:
        sampler.report()


if __name__ == "__main__":
    main()
