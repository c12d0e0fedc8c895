"""What the "Your data" panel's figures cost to read, at 100k sessions / 1M messages (not part
of the test run). They are read off the GUI thread, after each action and when the panel is
brought forward.

Run: .venv/bin/python tests/perf/bench_data_panel.py [--sessions N]
Prints the median and best of 7 readings of ``data_overview`` (sessions and ratings per tool,
tombstones, rules, file sizes, automatic backups) on the benchmark database.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from desktop_app.store import open_db  # noqa: E402
from desktop_app.store.overview import data_overview  # noqa: E402
from tests.perf.bigdb import build  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=100_000)
    args = parser.parse_args()
    path = build(args.sessions)
    db = open_db(path)
    try:
        data_overview(db, path)  # warm: the pages are in the cache, as in a running app
        times = []
        for _ in range(7):
            started = time.perf_counter()
            overview = data_overview(db, path)
            times.append((time.perf_counter() - started) * 1000)
    finally:
        db.close()
    print(f"data_overview at {overview.sessions:,} sessions ({overview.ratings:,} rated, "
          f"{len(overview.by_source)} tools): median {statistics.median(times):.1f} ms, "
          f"best {min(times):.1f} ms")


if __name__ == "__main__":
    main()
