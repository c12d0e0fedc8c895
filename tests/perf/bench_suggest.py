"""Benchmark of suggested verdicts at 100k sessions with ~2k ratings: reading the features,
cross-validating and training, and suggesting for every unrated session (all off the GUI thread
in the window); and what accepting every suggestion reads on the GUI thread.

Run from the repository root (not collected by pytest)::

    python tests/perf/bench_suggest.py [--runs 3]

It copies the cached 100k-session benchmark database (``tests/perf/bigdb.py``, built once into
``perf-data/``) to a temporary folder, replaces its ratings with 2,000 whose verdict follows the
tool (one in ten flipped), and prints medians in seconds with the machine's load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop_app.metrics.suggest import suggest
from desktop_app.store import open_db
from desktop_app.store.features import feature_rows
from desktop_app.store.suggested import accept_verdicts, revert_accepted
from tests.perf.bigdb import build

GOOD = ("claude-code", "claude-ai", "codex")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    source = build()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        shutil.copyfile(source, path)
        db = open_db(path)
        with db.atomic():
            db.execute("DELETE FROM ratings")
            db.execute(
                "INSERT INTO ratings (session_id, verdict, rated_at) SELECT id, "
                f"CASE WHEN (source IN {GOOD!r}) <> (key % 97 < 10) THEN 'useful' "
                "ELSE 'not_useful' END, started_at FROM sessions WHERE key % 50 = 0")
        read, model = [], []
        result = None
        for _ in range(args.runs):
            started = time.perf_counter()
            rated, unrated = feature_rows(db)
            read.append(time.perf_counter() - started)
            started = time.perf_counter()
            result = suggest(rated, unrated)
            model.append(time.perf_counter() - started)
        assert result is not None
        report = result.report
        # Accepting every suggestion (Edit → Accept Suggestions…): the undo step's write and
        # its undo, on the GUI thread.
        verdicts = {sid: sug.verdict for sid, sug in result.suggestions.items()}
        started = time.perf_counter()
        done = accept_verdicts(db, verdicts, datetime.now(UTC))
        accept_write = time.perf_counter() - started
        started = time.perf_counter()
        revert_accepted(db, done)
        accept_undo = time.perf_counter() - started
        db.close()
    load = os.getloadavg()[0]
    print(f"{len(rated):,} ratings, {len(unrated):,} unrated; accuracy "
          f"{report.accuracy:.3f} against baseline {report.baseline:.3f}; "
          f"{len(result.suggestions):,} suggestions")
    print(f"read features: {statistics.median(read):.2f} s median; "
          f"5-fold CV + train + suggest: {statistics.median(model):.2f} s median "
          f"({args.runs} runs, load {load:.1f})")
    print(f"accept all {len(done.verdicts):,}: {accept_write:.2f} s, undo {accept_undo:.2f} s "
          "(on the GUI thread)")


if __name__ == "__main__":
    main()
