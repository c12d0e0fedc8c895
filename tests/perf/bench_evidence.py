"""Benchmark of the evidence cache: commits in coding sessions' repositories, active time.

Run from the repository root (not collected by pytest)::

    python tests/perf/bench_evidence.py [--db perf-data/bench-100000-10.db] [--commits 20000]
                                        [--repos 4] [--runs 5]

It copies the benchmark database (never writes the original), makes ``--repos`` git
repositories with ``--commits`` commits in all (``git fast-import``; two branches each, committer
times spread over the sessions' year) under a temporary folder, points the Claude Code and Codex
sessions' projects at them, and times:

- the first refresh (active time of every session, one ``git log`` per repository, bucketing,
  writing the cache);
- a refresh with nothing changed (no subprocess, nothing written: what ``sessions --json`` pays
  on every call);
- a refresh after one new commit in one repository (one ``git log`` again);
- reading the whole cache (``all_evidence``), as ``sessions --json`` does.

Prints medians with the machine load (``os.getloadavg``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop_app.evidence.refresh import RefreshReport, refresh_evidence
from desktop_app.store import open_db
from desktop_app.store.evidence import all_evidence

START = 1_760_572_800  # 2025-10-16 UTC, the benchmark database's first coding session
SPAN = 400 * 86400


def make_repo(root: Path, commits: int, seed: int) -> None:
    """A repository with ``commits`` commits on two branches, one file touched per commit."""
    root.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    lines: list[bytes] = []
    step = SPAN // max(1, commits)
    for i in range(commits):
        branch = "main" if i % 3 else "feature"
        body = "".join(f"line {i} {j}\n" for j in range(1 + (i * seed) % 9)).encode()
        when = START + i * step
        lines.append(f"commit refs/heads/{branch}\nmark :{i + 1}\n".encode())
        lines.append(f"committer Bench <b@example.org> {when} +0000\n".encode())
        lines.append(b"data 2\nc\n")
        if i >= 3:
            lines.append(f"from :{i - 2}\n".encode())  # every third commit continues a line
        lines.append(f"M 644 inline f{i % 50}.txt\ndata {len(body)}\n".encode() + body + b"\n")
    subprocess.run(["git", "-C", str(root), "fast-import", "--quiet"], input=b"".join(lines),
                   check=True)


def timed(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=Path("perf-data/bench-100000-10.db"))
    parser.add_argument("--commits", type=int, default=20_000)
    parser.add_argument("--repos", type=int, default=4)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db} not found: build it with tests/perf/bench_ui.py first")
    with tempfile.TemporaryDirectory(prefix="bench-evidence-") as tmp_name:
        tmp = Path(tmp_name)
        copy = tmp / "bench.db"
        shutil.copyfile(args.db, copy)
        repos = [tmp / f"repo{r}" for r in range(args.repos)]
        began = time.perf_counter()
        for r, root in enumerate(repos):
            make_repo(root, args.commits // args.repos, seed=r + 2)
        print(f"{args.repos} repositories, {args.commits:,} commits built in "
              f"{time.perf_counter() - began:.1f} s")
        db = open_db(copy)
        cases = " ".join(f"WHEN {r} THEN ?" for r in range(args.repos))
        db.execute(f"UPDATE sessions SET project = CASE key % {args.repos} {cases} END "
                   "WHERE source IN ('claude-code', 'codex')", [str(p) for p in repos])
        db.conn.commit()
        coding = db.execute("SELECT count(*) FROM sessions WHERE project IS NOT NULL"
                            ).fetchone()[0]
        total = db.execute("SELECT count(*) FROM sessions").fetchone()[0]
        messages = db.execute("SELECT count(*) FROM messages").fetchone()[0]
        print(f"{total:,} sessions ({coding:,} in a repository), {messages:,} messages")

        began = time.perf_counter()
        first: RefreshReport = refresh_evidence(db)
        print(f"first refresh: {time.perf_counter() - began:.2f} s "
              f"({first.git_runs} git runs, {first.sessions_counted:,} sessions counted, "
              f"{first.activity_computed:,} active times, {first.rows_written:,} rows)")
        still, report = timed(lambda: refresh_evidence(db), args.runs)
        assert isinstance(report, RefreshReport)
        print(f"refresh, nothing changed: {still * 1000:.0f} ms median "
              f"({report.git_runs} git runs, {report.rows_written} rows written)")

        def one_commit() -> RefreshReport:
            subprocess.run(["git", "-C", str(repos[0]), "commit", "-q", "--allow-empty",
                            "-m", "more"], check=True, capture_output=True,
                           env={**os.environ, "GIT_AUTHOR_NAME": "B", "GIT_AUTHOR_EMAIL": "b@x",
                                "GIT_COMMITTER_NAME": "B", "GIT_COMMITTER_EMAIL": "b@x"})
            began = time.perf_counter()
            out = refresh_evidence(db)
            out.seconds = time.perf_counter() - began
            return out

        moved = [one_commit() for _ in range(args.runs)]
        print(f"refresh after one new commit: "
              f"{statistics.median(m.seconds for m in moved) * 1000:.0f} ms median "
              f"({moved[-1].git_runs} git run, {moved[-1].sessions_counted:,} sessions counted)")
        read, found = timed(lambda: all_evidence(db), args.runs)
        assert isinstance(found, dict)
        print(f"all_evidence (sessions --json's read): {read * 1000:.0f} ms median, "
              f"{len(found):,} sessions")
        db.close()
    print("load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
