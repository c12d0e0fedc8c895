"""What sharing the database costs the window, at 100k sessions (not part of the test run).

Run: QT_QPA_PLATFORM=offscreen python tests/perf/bench_watch.py [--sessions N] [--runs N]

Prints, on a copy of the benchmark database:
- one poll of ``PRAGMA data_version`` (what the window does every 2 s and on activation), in µs;
- the window's whole answer to a commit by another connection (the Sessions table re-read with
  its selection and scroll kept, counts, the Value view marked stale), in ms;
- one retry of a waiting change while the lock is still taken (``write_lock(db, 0)``), in µs;
- the GUI thread's wait on a rating that finds the lock taken (bounded by ``GUI_WAIT_MS``), in ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.perf.bigdb import build  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from desktop_app.domain import Verdict
    from desktop_app.store import open_db
    from desktop_app.store.locking import DatabaseBusyError, data_version, write_lock
    from desktop_app.store.ratings import add_reason
    from desktop_app.ui.main_window import MainWindow
    from tests.locks import LockHolder

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "worthwhile.db"
        shutil.copy(build(args.sessions), db_path)
        window = MainWindow(db_path, settings=QSettings(str(Path(tmp) / "s.ini"),
                                                        QSettings.Format.IniFormat))
        window.show()
        app.processEvents()
        window.watch._timer.stop()  # measured by hand below
        db = window.db
        assert db is not None
        window.sessions_view.select_row(500)

        n = 20_000
        started = time.perf_counter()
        for _ in range(n):
            data_version(db)
        poll_us = (time.perf_counter() - started) / n * 1e6

        answers = []
        other = open_db(db_path)
        for i in range(args.runs):
            add_reason(other, f"bench reason {i}")  # a commit by another connection
            started = time.perf_counter()
            assert window.watch.check()
            answers.append((time.perf_counter() - started) * 1000)
        other.close()

        with LockHolder(db_path):
            retries = []
            for _ in range(200):
                started = time.perf_counter()
                try:
                    with write_lock(db, 0):
                        pass
                except DatabaseBusyError:
                    pass
                retries.append((time.perf_counter() - started) * 1e6)
            started = time.perf_counter()
            window.sessions_view.table.setFocus()
            window.rate(Verdict.USEFUL)
            first_wait_ms = (time.perf_counter() - started) * 1000
            assert window.controller.writes.pending == 1
        while window.controller.writes.pending:
            app.processEvents()
        window.close()

    print(f"sessions: {args.sessions:,}")
    print(f"poll (PRAGMA data_version):        {poll_us:8.1f} µs")
    print(f"answer to another's commit:        {statistics.median(answers):8.1f} ms median, "
          f"{max(answers):.1f} ms max over {args.runs}")
    print(f"retry while the lock is taken:     {statistics.median(retries):8.1f} µs median")
    print(f"rating that finds the lock taken:  {first_wait_ms:8.1f} ms on the GUI thread")


if __name__ == "__main__":
    main()
