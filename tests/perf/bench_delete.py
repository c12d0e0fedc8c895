"""Deleting at scale: one session, 500, a tool's sessions and everything, on a copy of the
benchmark database (100k sessions / 1M messages by default). Each deletion merges the search
indexes and truncates the WAL, so its cost grows with the index, not with what is deleted.

Run: ``.venv/bin/python -m tests.perf.bench_delete [--sessions N]``
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from desktop_app.store import open_db
from desktop_app.store.deletion import (
    DeletionResult,
    count_all_to_delete,
    count_source_to_delete,
    delete_all,
    delete_sessions,
    delete_source,
)
from tests.perf.bigdb import build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--per-session", type=int, default=10)
    args = parser.parse_args()
    source = build(args.sessions, args.per_session)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "bench.db"
        shutil.copyfile(source, copy)
        db = open_db(copy)
        try:
            ids = [row[0] for row in db.conn.execute("SELECT id FROM sessions ORDER BY key "
                                                     "LIMIT 501")]
            runs: list[tuple[str, Callable[[], DeletionResult]]] = [
                ("one session", lambda: delete_sessions(db, ids[:1])),
                ("500 sessions", lambda: delete_sessions(db, ids[1:501])),
                ("every codex session", lambda: delete_source(db, "codex")),
                ("everything left", lambda: delete_all(db)),
            ]
            print(f"database: {args.sessions:,} sessions, "
                  f"{args.sessions * args.per_session:,} messages")
            # What the confirmation counts first, on the window's GUI thread.
            counts: list[tuple[str, Callable[[], object]]] = [
                ("count everything", lambda: count_all_to_delete(db)),
                ("count a tool", lambda: count_source_to_delete(db, "codex")),
            ]
            for label, count in counts:
                times: list[float] = []
                for _ in range(7):
                    started = time.perf_counter()
                    count()
                    times.append(time.perf_counter() - started)
                print(f"{label} (GUI thread): {statistics.median(times) * 1000:.1f} ms median of 7")
            for label, run in runs:
                started = time.perf_counter()
                result = run()
                elapsed = time.perf_counter() - started
                print(f"{label}: {elapsed:.2f} s ({result.sessions:,} sessions, "
                      f"{result.ratings:,} ratings, WAL cleared: {result.wal_cleared})")
        finally:
            db.close()


if __name__ == "__main__":
    main()
