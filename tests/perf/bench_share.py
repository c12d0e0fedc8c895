"""Benchmark of summary cards at 100k sessions: counting (the command line's and the preview's
per-tool counts), and what the preview does on the GUI thread when a box is ticked.

Run from the repository root (not collected by pytest)::

    QT_QPA_PLATFORM=offscreen python tests/perf/bench_share.py [--db perf-data/bench-100000-10.db]

The database is copied into a temporary folder first (never changed; opening the copy may
migrate it). ``--label`` (default 0.8) labels that share of the copy's rated sessions (one
label, a quarter of them two) where it has no labels, as people do, so label counting is
measured too. Prints the median and worst of ``--runs`` runs in milliseconds.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from desktop_app.metrics import By  # noqa: E402
from desktop_app.sharing.summary import card_text, count_card  # noqa: E402
from desktop_app.store import open_db  # noqa: E402


def label_copy(path: Path, share: float) -> int:
    """Label ``share`` of the rated sessions of the database at ``path`` (if it has no labels)."""
    conn = sqlite3.connect(path)
    try:
        if conn.execute("SELECT count(*) FROM session_labels").fetchone()[0]:
            return 0
        rng = random.Random(3)
        labels = [r[0] for r in conn.execute("SELECT name FROM labels")]
        rows = []
        for (sid,) in conn.execute("SELECT session_id FROM ratings WHERE verdict IS NOT NULL"):
            if rng.random() < share:
                rows += [(sid, label) for label in rng.sample(labels, rng.choice((1, 1, 1, 2)))]
        conn.executemany("INSERT OR IGNORE INTO session_labels VALUES (?, ?)", rows)
        conn.commit()
        return len(rows)
    finally:
        conn.close()


def timed(label: str, runs: int, fn: Callable[[], object]) -> None:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    print(f"{label:<46} median {statistics.median(times):7.1f} ms   worst {max(times):7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=ROOT / "perf-data" / "bench-100000-10.db")
    parser.add_argument("--label", type=float, default=0.8)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        shutil.copyfile(args.db, path)
        db = open_db(path)  # migrates the copy first
        db.close()
        added = label_copy(path, args.label)
        db = open_db(path)
        sessions = db.execute("SELECT count(*) FROM sessions").fetchone()[0]
        labelled = db.execute("SELECT count(*) FROM session_labels").fetchone()[0]
        print(f"{sessions:,} sessions, {labelled:,} label rows ({added:,} added to the copy)")
        periods: tuple[By, ...] = ("week", "month")
        for by in periods:
            timed(f"summary counts --by {by}", args.runs, partial(count_card, db, by=by))
            timed(f"summary counts --by {by} --no-labels", args.runs,
                  partial(count_card, db, by=by, labels=False))
            timed(f"preview counts per tool --by {by} (off GUI)", args.runs,
                  partial(count_card, db, by=by, per_tool=True))
        counts = count_card(db, per_tool=True)
        db.close()
        card = counts.card()
        print(f"card: {len(card.tools):,} tool rows, {len(card.labels):,} label rows, "
              f"{len(card_text(card.to_json())):,} bytes")
        timed("card from counts + JSON text (a tick)", args.runs * 4,
              lambda: card_text(counts.card(drop_tools={counts.tools[0]}).to_json()))

        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication

        from desktop_app.ui.share_dialog import ShareDialog
        from desktop_app.ui.tasks import TaskRunner

        app = QApplication.instance() or QApplication([])
        runner = TaskRunner()
        dialog = ShareDialog(runner, path)
        dialog.show()
        deadline = time.monotonic() + 60
        while dialog.counts is None and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.005)
        item = dialog.tools.list.item(0)
        for tab, name in ((0, "table"), (1, "JSON")):
            dialog.tabs.setCurrentIndex(tab)

            def tick() -> None:
                checked = item.checkState() == Qt.CheckState.Checked
                item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
                app.processEvents()

            timed(f"GUI thread: tick a tool, {name} tab shown", args.runs * 4, tick)
        dialog.reject()
        runner.stop_all()


if __name__ == "__main__":
    main()
