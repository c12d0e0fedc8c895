"""Benchmark of a ChatGPT import end to end (not part of the test run).

Run: .venv/bin/python tests/perf/bench_import.py [--mb 1024]
Writes a synthetic ChatGPT export of about ``--mb`` MB with ``worthwhile demo-data`` into
``perf-data/`` (kept for the next run), imports it into a fresh database with ``worthwhile
import`` (search index included) in a child process, then imports it again unchanged.
Prints MB/s, seconds, peak RSS of the child (``getrusage(RUSAGE_CHILDREN)``) and the
re-import speed-up, against the targets of PRODUCT.md. Then imports it once more into another
fresh database in two timed phases: the first (sessions stored, browsable and rateable) and the
search index built after it (what ``worthwhile import`` does before it exits).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "perf-data"

TARGET_MB_S = 30.0
TARGET_GB_SECONDS = 40.0
TARGET_RSS_MB = 120.0
TARGET_REIMPORT_SPEEDUP = 5.0


def _worthwhile(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop_app", *args], cwd=ROOT,
                          capture_output=True, text=True, check=False)


def _export(mb: int) -> tuple[Path, int]:
    """The export of about ``mb`` MB (written once), and how many sessions it holds."""
    DATA.mkdir(exist_ok=True)
    sample = DATA / "chatgpt-calibrate.json"
    if not sample.exists():
        _worthwhile("demo-data", "--source", "chatgpt", "--sessions", "2000", "--out",
                    str(sample)).check_returncode()
    per_session = sample.stat().st_size / 2000
    sessions = max(1, round(mb * 1_000_000 / per_session))
    path = DATA / f"chatgpt-{sessions}.json"
    if not path.exists():
        print(f"writing {path.name} ({sessions:,} conversations) ...", flush=True)
        started = time.perf_counter()
        _worthwhile("demo-data", "--source", "chatgpt", "--sessions", str(sessions), "--out",
                    str(path)).check_returncode()
        print(f"  written in {time.perf_counter() - started:.1f} s", flush=True)
    return path, sessions


def _import(db: Path, path: Path) -> tuple[float, float, dict[str, int]]:
    """Seconds, peak RSS (MB) so far of any child, and the totals of one CLI import."""
    started = time.perf_counter()
    done = _worthwhile("--db", str(db), "import", str(path), "--json")
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"import failed ({done.returncode}): {done.stderr or done.stdout[:2000]}")
    totals = json.loads(done.stdout)["totals"]
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KB on Linux
    return seconds, rss_mb, totals


PHASES = """
import json, sys, time
from desktop_app.ingest import import_paths
from desktop_app.store import open_db
from desktop_app.store.indexing import finish_index
db = open_db(sys.argv[1])
t0 = time.perf_counter()
import_paths(db, [sys.argv[2]], index=False)
t1 = time.perf_counter()
finish_index(db)
t2 = time.perf_counter()
db.close()
print(json.dumps({"phase1": t1 - t0, "index": t2 - t1}))
"""


def _phases(db: Path, path: Path) -> dict[str, float]:
    """Seconds of an import's first phase and of its search index, into a fresh database."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    done = subprocess.run([sys.executable, "-c", PHASES, str(db), str(path)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=1024, help="export size in MB (default 1024)")
    args = parser.parse_args()
    path, sessions = _export(args.mb)
    size_mb = path.stat().st_size / 1_000_000
    db = DATA / "bench-import.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)

    first_s, first_rss, first = _import(db, path)
    assert first["sessions_new"] == sessions, first
    again_s, again_rss, again = _import(db, path)
    counted = ("sessions_new", "sessions_updated", "sessions_unchanged")
    assert {key: again[key] for key in counted} == {
        "sessions_new": 0, "sessions_updated": 0, "sessions_unchanged": sessions}, again

    mb_s = size_mb / first_s
    speedup = first_s / again_s
    gb_seconds = first_s * 1000 / size_mb
    print(f"export:      {path.name}, {size_mb:,.0f} MB, {sessions:,} conversations")
    print(f"first import: {first_s:.1f} s = {mb_s:.1f} MB/s (target >= {TARGET_MB_S:.0f}); "
          f"1 GB would take {gb_seconds:.1f} s (target <= {TARGET_GB_SECONDS:.0f})")
    print(f"peak RSS:     {max(first_rss, again_rss):.0f} MB (target <= {TARGET_RSS_MB:.0f})")
    print(f"re-import:    {again_s:.1f} s, {speedup:.1f}x faster (target >= "
          f"{TARGET_REIMPORT_SPEEDUP:.0f}x), 0 new rows")
    phases = _phases(DATA / "bench-import-phases.db", path)
    print(f"two phases:   {phases['phase1']:.1f} s until the sessions are browsable "
          f"({phases['phase1'] / first_s:.0%} of the whole import), then the search index "
          f"{phases['index']:.1f} s")
    misses = []
    if mb_s < TARGET_MB_S:
        misses.append(f"throughput {100 * (1 - mb_s / TARGET_MB_S):.0f} % under target")
    if max(first_rss, again_rss) > TARGET_RSS_MB:
        misses.append("memory over target")
    if speedup < TARGET_REIMPORT_SPEEDUP:
        misses.append(f"re-import speed-up {speedup:.1f}x < {TARGET_REIMPORT_SPEEDUP:.0f}x")
    print("all targets met" if not misses else "MISSED: " + "; ".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
