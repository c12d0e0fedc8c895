"""Benchmark: the window's background indexing against a user's ratings (not part of the test run).

Run: .venv/bin/python tests/perf/bench_index_yield.py [--sessions 20000]

Stores ``--sessions`` synthetic sessions (ten messages each) without their search index (an
import's first phase), then builds the index as the window does (``ui/indexing.build_index`` on a
thread, its own connection) while the main thread rates a session every 150 ms the way the
window does (``write_lock`` with the window's wait). Prints how long each rating waited for the
write lock (median, max: the target is about 100 ms at most), the indexing time paced so, and
the time of building the same index in one go (``finish_index``, what the command line does).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from desktop_app.domain import Message, Rating, Session, Verdict  # noqa: E402
from desktop_app.store import open_db, save_sessions  # noqa: E402
from desktop_app.store.indexing import finish_index, index_complete  # noqa: E402
from desktop_app.store.locking import GUI_WAIT_MS, DatabaseBusyError, write_lock  # noqa: E402
from desktop_app.store.ratings import set_rating  # noqa: E402
from desktop_app.ui.indexing import build_index  # noqa: E402

WORDS = ("parser", "reads", "file", "writes", "rows", "sqlite", "tests", "case", "fix", "bug",
         "flag", "value", "session", "import", "folder", "report", "line", "count", "token")


def _sessions(n: int) -> list[Session]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        t = start + timedelta(minutes=i)
        text = " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(60))
        messages = tuple(Message("user" if j % 2 == 0 else "assistant", f"{text} {i} {j}",
                                 t + timedelta(seconds=j)) for j in range(10))
        out.append(Session(source="chatgpt", external_id=f"c{i}", title=f"Session {i}",
                           started_at=t, ended_at=t, messages=messages))
    return out


class _Context:
    """What ``build_index`` needs of a task context, without Qt."""

    def __init__(self, db_path: Path) -> None:
        self.db = open_db(db_path)
        self.cancelled = False

    def progress(self, _value: object) -> None:
        pass

    def check_cancelled(self) -> None:
        pass


def _fill(path: Path, sessions: list[Session]) -> None:
    db = open_db(path)
    for start in range(0, len(sessions), 500):
        save_sessions(db, sessions[start:start + 500], index=False)
    db.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20_000)
    args = parser.parse_args()
    sessions = _sessions(args.sessions)
    with tempfile.TemporaryDirectory() as tmp:
        paced, whole = Path(tmp) / "paced.db", Path(tmp) / "whole.db"
        _fill(paced, sessions)
        _fill(whole, sessions)

        took: list[float] = []

        def work() -> None:
            context = _Context(paced)  # a connection belongs to its thread
            started = time.perf_counter()
            build_index(context)  # type: ignore[arg-type]
            took.append(time.perf_counter() - started)
            context.db.close()

        worker = threading.Thread(target=work)
        worker.start()
        gui = open_db(paced)
        waits: list[float] = []
        queued = 0
        i = 0
        while worker.is_alive():
            time.sleep(0.15)
            sid = sessions[i % len(sessions)].id
            i += 1
            asked = time.perf_counter()
            try:
                with write_lock(gui, GUI_WAIT_MS):
                    set_rating(gui, sid, Rating(Verdict.USEFUL))
            except DatabaseBusyError:  # the window would queue it (ui/write_queue.py)
                queued += 1
            waits.append((time.perf_counter() - asked) * 1000)
        worker.join()
        assert index_complete(gui)
        gui.close()

        db = open_db(whole)
        t0 = time.perf_counter()
        finish_index(db)
        in_one_go = time.perf_counter() - t0
        db.close()
    print(f"{args.sessions:,} sessions, {args.sessions * 10:,} messages")
    print(f"ratings while indexing: {len(waits)}, waited median {statistics.median(waits):.1f} "
          f"ms, max {max(waits):.1f} ms (target about 100 ms at most); {queued} found the "
          f"lock taken for {GUI_WAIT_MS} ms")
    print(f"index built in the background, paced: {took[0]:.1f} s; in one go (command line): "
          f"{in_one_go:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
