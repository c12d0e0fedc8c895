"""Longest GUI-thread stall while using the Value view at 100k sessions (not part of the test run).

Run: QT_QPA_PLATFORM=offscreen python tests/perf/bench_gui_stall.py [--sessions N] [--runs N]

A precise 5 ms QTimer ticks on the GUI thread; the longest gap between two ticks while an action
runs (and until the view has settled: its figures shown) is that action's stall: the time the
window could not answer a click or paint. Each run opens a fresh main window on the same database
and does, in order: open the Value view, refresh it (as after a rating), switch to month and back
to week, choose a tool and then all tools, and show the by-tool and by-label tabs. Prints the
median over the runs of each action's longest stall, and of each run's longest stall overall
(target < 50 ms). The Reflect week switch and building the demo database are measured too.
The first run's "open" also imports pyqtgraph (once per process); it is printed apart.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.perf.bigdb import build  # noqa: E402

TARGET_MS = 50.0
#: Keep measuring at least this long after an action (work done on later loop turns counts).
MIN_SETTLE_S = 0.3
TIMEOUT_S = 30.0


class StallMeter:
    """Ticks every 5 ms on the GUI thread and keeps the longest gap between two ticks."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.longest = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def measure(self, action: Callable[[], None], settled: Callable[[], bool]) -> float:
        """Run ``action`` from the event loop; the longest gap (ms) until ``settled()``."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        started = [0.0]

        def start() -> None:
            self.last = started[0] = time.perf_counter()
            self.longest = 0.0
            self.timer.start()
            action()

        def poll() -> None:
            if not started[0]:
                return
            elapsed = time.perf_counter() - started[0]
            if (elapsed >= MIN_SETTLE_S and settled()) or elapsed > TIMEOUT_S:
                loop.quit()

        poller = QTimer()
        poller.setInterval(5)
        poller.timeout.connect(poll)
        poller.start()
        QTimer.singleShot(0, start)
        loop.exec()
        poller.stop()
        self.timer.stop()
        self._tick()  # the gap up to the end, should settling itself have blocked
        return self.longest * 1000


def _busy(widget: Any) -> bool:
    """True while a view still waits for its figures (views without the notion: never)."""
    return bool(getattr(widget, "busy", False))


def one_run(db_path: Path, meter: StallMeter, settings_file: Path) -> dict[str, float]:
    from PySide6.QtCore import QSettings

    from desktop_app.ui.main_window import MainWindow

    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    settings.clear()
    window = MainWindow(db_path, settings=settings)
    window.remember_layout = False
    window.resize(1280, 800)
    window.show()
    stalls: dict[str, float] = {}

    def view() -> Any:
        return window.value_view

    def settled() -> bool:
        return view() is not None and not _busy(view())

    def run(name: str, action: Callable[[], None]) -> None:
        stalls[name] = meter.measure(action, settled)

    meter.measure(lambda: window.show_view("sessions"), lambda: True)
    run("open Value view", lambda: window.show_view("value"))
    run("refresh", lambda: view().refresh())
    run("week -> month", lambda: view().set_by("month"))
    run("month -> week", lambda: view().set_by("week"))
    run("choose a tool", lambda: view().tool_box.setCurrentIndex(1))
    run("all tools", lambda: view().tool_box.setCurrentIndex(0))
    run("tab: by tool", lambda: view().tabs.setCurrentWidget(view().by_tool.widget))
    run("tab: by label", lambda: view().tabs.setCurrentWidget(view().by_label.widget))
    run("tab: over time", lambda: view().tabs.setCurrentIndex(0))

    reflect = window.reflect_view
    stalls["reflect: open"] = meter.measure(lambda: window.show_view("reflect"),
                                            lambda: not _busy(reflect))
    stalls["reflect: previous week"] = meter.measure(
        lambda: reflect.set_week(reflect.week - timedelta(days=7)), lambda: not _busy(reflect))
    window.close()
    window.deleteLater()
    return stalls


def demo_run(meter: StallMeter, folder: Path, i: int) -> float:
    from PySide6.QtCore import QSettings

    from desktop_app.ui.main_window import MainWindow

    settings = QSettings(str(folder / f"demo-{i}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(folder / f"empty-{i}.db", settings=settings)
    window.remember_layout = False
    window.show()
    stall = meter.measure(window.first_run.demo_button.click,
                          lambda: window.is_demo and not _busy(window))
    window.close()
    window.deleteLater()
    return stall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    path = build(args.sessions)

    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    def quiet(_mode: object, _context: object, message: str) -> None:
        if "propagateSizeHints" not in message:  # the offscreen platform's own limits
            print(message, file=sys.stderr)

    qInstallMessageHandler(quiet)
    app = QApplication.instance() or QApplication([])
    meter = StallMeter()
    print(f"database: {path} ({args.sessions:,} sessions); longest GUI-thread stall per action, "
          f"median of {args.runs} runs (5 ms tick; target < {TARGET_MS:.0f} ms)")
    runs: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for _ in range(args.runs):
            runs.append(one_run(path, meter, folder / "settings.ini"))
            app.processEvents()
        demo = [demo_run(meter, folder, i) for i in range(args.runs)]
    value_actions = [k for k in runs[0] if not k.startswith("reflect")]
    width = max(len(k) for k in runs[0]) + 2
    for name in runs[0]:
        ms = [r[name] for r in runs]
        print(f"  {name:<{width}} median {statistics.median(ms):7.1f} ms   "
              f"max {max(ms):7.1f} ms")
    first = runs[0]["open Value view"]
    print(f"  {'(first open incl. pyqtgraph import)':<{width}} {first:7.1f} ms")
    overall = [max(r[k] for k in value_actions) for r in runs]
    print(f"  {'Value view overall':<{width}} median {statistics.median(overall):7.1f} ms   "
          f"(each run's longest; per run: {', '.join(f'{v:.0f}' for v in overall)})")
    print(f"  {'try demo data (build)':<{width}} median {statistics.median(demo):7.1f} ms   "
          f"max {max(demo):7.1f} ms")


if __name__ == "__main__":
    main()
