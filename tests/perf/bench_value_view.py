"""Benchmark of ValueView.refresh() at 100k sessions (metrics + chart update; not collected).

Run: QT_QPA_PLATFORM=offscreen python tests/perf/bench_value_view.py [--sessions N] [--runs N]
Prints median and p95 of refresh() (the ungrouped statistics and the over-time and
usage-vs-value charts, what blocks after a rating), of the deferred grouped part that follows on
the next event-loop turn (by tool, by label, insights), and of the whole refresh with both.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.perf.bigdb import build  # noqa: E402

TARGET_MS = 50.0


def timed(fn: Callable[[], None], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def report(name: str, ms: list[float]) -> None:
    p95 = sorted(ms)[max(0, int(len(ms) * 0.95) - 1)]
    print(f"{name}: median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms ({len(ms)} runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    path = build(args.sessions)

    from PySide6.QtWidgets import QApplication

    from desktop_app.metrics import value_stats
    from desktop_app.store import open_db
    from desktop_app.store.stats import StatsReader
    from desktop_app.ui.value_view import ValueView

    app = QApplication.instance() or QApplication([])
    db = open_db(path)
    view = ValueView()
    view.resize(1180, 740)
    view.show()
    view.set_db_path(path)
    view.ensure_loaded()
    app.processEvents()
    print(f"database: {path} ({args.sessions:,} sessions)")

    def refresh() -> None:
        view.refresh()

    def refresh_then_groups() -> None:
        view.refresh()
        view.ensure_loaded()

    def metrics_only() -> None:
        value_stats(StatsReader(db), by="week")

    for by in ("week", "month"):
        view.set_by(by)
        view.ensure_loaded()
        print(f"--- per {by} ({len(view.over_time.periods)} periods)")
        report("  value_stats alone (ungrouped)", timed(metrics_only, args.runs))
        report(f"  ValueView.refresh() (target < {TARGET_MS:.0f} ms)",
               timed(refresh, args.runs))
        view.ensure_loaded()
        report("  refresh() + deferred groups and insights",
               timed(refresh_then_groups, args.runs))
        app.processEvents()
    db.close()


if __name__ == "__main__":
    main()
