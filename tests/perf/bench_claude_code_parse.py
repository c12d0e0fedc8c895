"""Benchmark of the Claude Code parser's reading, as a worker process does it: CPU seconds.

Run from the repository root (not collected by pytest)::

    python tests/perf/bench_claude_code_parse.py [FOLDER] [--runs 5] [--before PATH]

``FOLDER`` is a Claude Code projects folder (default: the peers benchmark's, under
``perf-data/claude-code-peers/projects`` of this checkout or of /work/main). Its files are split
into parts as an import splits them, then four figures are timed (process CPU time, one process):

- read: ``_read_part_whole`` of every part (what a worker process does);
- pickle: the parts' results pickled as the worker hands them back (size in MB beside it);
- unpickle: the same, read back (what the importing process does);
- session: ``_Building.session()`` of every session read.

Each run is a fresh interpreter; the figures are the medians of ``--runs``. ``--before PATH``
times another checkout too (e.g. a ``git archive`` of the start commit), interleaved run by run,
and prints the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ("read", "pickle", "unpickle", "session")


def _default_folder() -> Path:
    for root in (ROOT, Path("/work/main")):
        folder = root / "perf-data" / "claude-code-peers" / "projects"
        if folder.is_dir():
            return folder
    return ROOT / "perf-data" / "claude-code-peers" / "projects"


def _measure(folder: Path) -> dict[str, float]:
    """The four figures of one run, in this process (imports the checkout in the cwd)."""
    sys.path.insert(0, os.getcwd())  # that checkout's desktop_app, not the installed one
    from desktop_app.importers import claude_code as cc
    from desktop_app.importers.contract import GroupFile

    paths = sorted(str(p) for p in folder.rglob("*.jsonl"))
    files = [GroupFile(p, os.path.relpath(p, folder), os.path.getsize(p)) for p in paths]
    parts = cc._parts(files)
    clock = time.process_time
    t = clock()
    results = [cc._read_part_whole(part) for part in parts]
    read = clock() - t
    t = clock()
    blobs = [pickle.dumps(r, pickle.HIGHEST_PROTOCOL) for r in results]
    dumped = clock() - t
    del results
    t = clock()
    back = [pickle.loads(b) for b in blobs]
    loaded = clock() - t
    t = clock()
    sessions = [b.session() for r in back for b in r.sessions.values()]
    built = clock() - t
    return {"read": read, "pickle": dumped, "unpickle": loaded, "session": built,
            "mb": sum(map(len, blobs)) / 1e6, "parts": len(parts), "sessions": len(sessions),
            "messages": sum(len(s.messages) for s in sessions)}


def _run(checkout: Path, folder: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), str(folder), "--inner"],
        cwd=checkout, check=True, capture_output=True, text=True).stdout
    figures: dict[str, float] = json.loads(out.splitlines()[-1])
    return figures


def _line(name: str, runs: list[dict[str, float]]) -> dict[str, float]:
    med = {k: statistics.median(r[k] for r in runs) for k in (*FIGURES, "mb")}
    total = sum(med[k] for k in FIGURES)
    first = runs[0]
    print(f"{name}: read {med['read']:.3f} s, pickle {med['pickle']:.3f} s "
          f"({med['mb']:.0f} MB), unpickle {med['unpickle']:.3f} s, session() "
          f"{med['session']:.3f} s; total {total:.3f} s CPU "
          f"({first['parts']:.0f} parts, {first['sessions']:.0f} sessions, "
          f"{first['messages']:.0f} messages; median of {len(runs)})")
    return {**med, "total": total}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", type=Path, default=None,
                        help="another checkout, timed interleaved with this one")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    folder = (args.folder or _default_folder()).resolve()
    if args.inner:
        print(json.dumps(_measure(folder)))
        return
    if not folder.is_dir():
        sys.exit(f"no such folder: {folder}")
    print(f"folder: {folder}; load: {os.getloadavg()[0]:.2f}")
    ours: list[dict[str, float]] = []
    before: list[dict[str, float]] = []
    for _ in range(args.runs):
        if args.before is not None:
            before.append(_run(args.before.resolve(), folder))
        ours.append(_run(ROOT, folder))
    now = _line(f"this checkout ({ROOT})", ours)
    if before:
        then = _line(f"before ({args.before})", before)
        print("ratios (before / now): " + ", ".join(
            f"{k} {then[k] / now[k]:.2f}×" for k in (*FIGURES, "total") if now[k]))
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
