"""Benchmark of export, restore and backup at 100k sessions / 1M messages (a third rated).

Run from the repository root (not collected by pytest)::

    python tests/perf/bench_export.py [--sessions 100000]

Each step runs in its own process, so its peak RSS is its own: CSV and JSON exports with and
without transcripts, importing the JSON export with transcripts into an empty database, and a
backup. The database is built once into ``perf-data/`` (see ``bigdb.py``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.perf.bigdb import build  # noqa: E402

_CHILD = ("import resource, sys\n"
          "from desktop_app.cli import main\n"
          "code = main(sys.argv[1:])\n"
          "sys.stderr.write(f'MAXRSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}')\n"
          "sys.exit(code)\n")


def step(label: str, *args: str) -> float:
    """Run ``worthwhile ARGS`` in a fresh process; print its time and peak RSS."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CHILD, *args], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode:
        print(done.stdout, done.stderr)
        raise SystemExit(f"{label} failed")
    peak_kib = int(done.stderr.rsplit("MAXRSS ", 1)[1])
    print(f"{label:<34} {seconds:6.1f} s   peak RSS {peak_kib / 1024:4.0f} MB   "
          f"{done.stdout.strip().splitlines()[-1][-70:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=100_000)
    args = parser.parse_args()
    db = build(args.sessions, 10)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        step("export csv", "--db", str(db), "export", "--format", "csv",
             "--out", str(out / "e.csv"))
        step("export json", "--db", str(db), "export", "--format", "json",
             "--out", str(out / "e.json"))
        step("export csv --transcripts", "--db", str(db), "export", "--format", "csv",
             "--out", str(out / "t.csv"), "--transcripts")
        step("export json --transcripts", "--db", str(db), "export", "--format", "json",
             "--out", str(out / "t.json"), "--transcripts")
        size = (out / "t.json").stat().st_size
        seconds = step("import it into an empty database", "--db", str(out / "new.db"),
                       "import", str(out / "t.json"))
        print(f"{'':<34} {size / 1e6 / seconds:6.1f} MB/s of export JSON")
        step("backup", "--db", str(db), "backup", "--out", str(out / "b.db"))


if __name__ == "__main__":
    main()
