"""Benchmark of import rules (not part of the test run).

Run: .venv/bin/python tests/perf/bench_rules.py [--sessions 20000]
Writes a synthetic Claude Code projects folder with ``worthwhile demo-data`` into
``perf-data/`` (kept for the next run) and imports it into fresh databases: without rules,
with three rules that match nothing (the cost of checking), and with a no-text rule over one
project folder and a skip rule over another. Then applies a no-text rule to the sessions
stored without rules (text overwritten, indexes merged, WAL truncated). Prints seconds and
sessions per second for each.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "perf-data"


def _worthwhile(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "desktop_app", *args], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"worthwhile {' '.join(args)} failed: {done.stderr or done.stdout[:2000]}")
    return done


def _logs(sessions: int) -> Path:
    DATA.mkdir(exist_ok=True)
    path = DATA / f"claude-code-rules-{sessions}"
    if not path.exists():
        print(f"writing {path.name} ...", flush=True)
        _worthwhile("demo-data", "--source", "claude-code", "--sessions", str(sessions),
                    "--out", str(path))
    return path


def _timed_import(db: Path, logs: Path, rules: list[list[str]]) -> tuple[float, dict[str, int]]:
    for suffix in ("", "-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    for rule in rules:
        _worthwhile("--db", str(db), "rules", "add", *rule)
    started = time.perf_counter()
    done = _worthwhile("--db", str(db), "import", str(logs), "--json")
    seconds = time.perf_counter() - started
    return seconds, json.loads(done.stdout)["totals"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=20_000)
    args = parser.parse_args()
    logs = _logs(args.sessions)
    db = DATA / "rules-bench.db"
    cases = {
        "no rules": [],
        "3 rules matching nothing": [["skip", "--project", "*/nowhere/*"],
                                     ["no-text", "--title", "*zzqx*"],
                                     ["skip", "--source", "codex"]],
        "no-text */work/*, skip *billing*": [["no-text", "--project", "*/work/*"],
                                             ["skip", "--project", "*billing*"]],
    }
    for name, rules in cases.items():
        seconds, totals = _timed_import(db, logs, rules)
        stored = totals["sessions_new"]
        print(f"{name:<36} {seconds:6.2f} s  {args.sessions / seconds:8,.0f} sessions/s  "
              f"stored {stored:,}, excluded {totals['sessions_excluded']:,}")
    _timed_import(db, logs, [])
    started = time.perf_counter()
    done = _worthwhile("--db", str(db), "rules", "add", "no-text", "--project", "*/work/*",
                       "--apply-now")
    print(f"{'apply no-text */work/* to stored':<36} {time.perf_counter() - started:6.2f} s  "
          f"({done.stdout.strip().splitlines()[-1]})")


if __name__ == "__main__":
    main()
