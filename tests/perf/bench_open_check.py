"""What checking a database for damage at opening costs, at 100k sessions / 1M messages
(not part of the test run).

Run: .venv/bin/python tests/perf/bench_open_check.py [--sessions N | --db PATH]
Works on a copy of the benchmark database or of PATH (the original is never opened). Prints,
cold (the file's pages evicted from the OS cache) and warm: the check open_db makes
(check_file), open_db as a whole, and what a full check would cost (PRAGMA quick_check,
integrity_check, and quick_check of the tables holding the user's own data).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from desktop_app.store import open_db  # noqa: E402
from desktop_app.store.db import check_file  # noqa: E402
from tests.perf.bigdb import build  # noqa: E402


def evict(path: Path) -> None:
    """Drop the file's pages from the OS cache (Linux; elsewhere the figures are warm)."""
    if not hasattr(os, "posix_fadvise"):
        return
    for suffix in ("", "-wal", "-shm"):
        file = path.with_name(path.name + suffix)
        if file.exists():
            fd = os.open(file, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def timed(path: Path, work: Callable[[], object], *, cold: bool, runs: int) -> float:
    samples = []
    for _ in range(runs):
        if cold:
            evict(path)
        started = time.perf_counter()
        work()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def pragma(path: Path, sql: str) -> Callable[[], object]:
    def work() -> object:
        conn = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True)
        try:
            result = conn.execute(sql).fetchall()
            assert result == [("ok",)], result
            return result
        finally:
            conn.close()

    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--per-session", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, help="copy this database instead (kept unchanged)")
    args = parser.parse_args()
    original = args.db or build(args.sessions, args.per_session)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "worthwhile.db"
        shutil.copyfile(original, path)
        open_db(path).close()  # migrated once, so that the figures below are of opening only
        print(f"database: copy of {original.name} ({path.stat().st_size / 1e6:.0f} MB)")
        user_tables = "PRAGMA quick_check(T), T = ratings, session_labels, labels, reasons"

        def user_check() -> None:
            for table in ("ratings", "session_labels", "labels", "reasons"):
                pragma(path, f"PRAGMA quick_check({table})")()

        cases: list[tuple[str, Callable[[], object]]] = [
            ("check_file (what open_db checks)", lambda: check_file(path)),
            ("open_db (check, WAL, migrations)", lambda: open_db(path).close()),
            ("PRAGMA quick_check", pragma(path, "PRAGMA quick_check")),
            ("PRAGMA integrity_check", pragma(path, "PRAGMA integrity_check")),
            (user_tables, user_check),
        ]
        for name, work in cases:
            runs = 1 if "integrity" in name else args.runs
            cold = timed(path, work, cold=True, runs=runs)
            warm = timed(path, work, cold=False, runs=runs)
            print(f"{name}: cold {cold:.1f} ms, warm {warm:.1f} ms (median of {runs})")


if __name__ == "__main__":
    main()
