"""Benchmark of the Claude Code import: first import MB/s and peak RSS, then an unchanged re-scan.

Run from the repository root (not collected by pytest)::

    python tests/perf/bench_claude_code.py [--mb 500] [--files 1000] [--keep]

It writes ~``--mb`` MB of realistic Claude Code JSONL (prompts, responses split over several lines
with repeated usage, tool calls with file-sized results, progress records, subagent files) across
~``--files`` files in ``perf-data/claude-code/projects`` (reused when already there),
then runs ``worthwhile import`` of that folder into a fresh database in a subprocess, twice: the
first import (MB/s, peak RSS of the child from ``ru_maxrss``; split into its first phase, after
which the sessions are browsable, and the search index built after it) and a re-scan with
nothing changed (target < 1 s), and finally one grown file. Targets: >= 30 MB/s, <= 120 MB, < 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "perf-data" / "claude-code" / "projects"  # git-ignored
WORDS = ("the", "parser", "reads", "a", "file", "and", "writes", "rows", "into", "sqlite", "with",
         "tests", "for", "each", "case", "fix", "bug", "when", "flag", "is", "set", "value", "per",
         "use", "session", "import", "folder", "report", "line", "skip", "count", "token")


def _stamp(moment: datetime) -> str:
    """``2026-01-02T03:04:05.553Z``: milliseconds, as Claude Code writes them (JavaScript's
    ``toISOString``). ccusage drops records whose time has microseconds."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{moment.microsecond // 1000:03d}Z"


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _code(rng: random.Random, lines: int) -> str:
    return "\n".join(f"    {rng.choice(WORDS)}_{i} = {rng.choice(WORDS)}({rng.randint(0, 99)})"
                     for i in range(lines))


def _session_lines(rng: random.Random, sid: str, cwd: str, start: datetime, target: int,
                   sidechain: bool = False) -> list[str]:
    """Records of one session file, about ``target`` bytes."""
    out: list[str] = []
    size = 0
    t = start
    parent: str | None = None
    base = {"isSidechain": sidechain, "userType": "external", "cwd": cwd, "sessionId": sid,
            "version": "2.1.38", "gitBranch": "main"}

    def emit(record: dict[str, object]) -> None:
        nonlocal size, parent
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))  # as written
        out.append(line)
        size += len(line) + 1
        parent = str(record.get("uuid") or parent)

    n = 0
    while size < target:
        n += 1
        t += timedelta(seconds=rng.randint(5, 90))
        emit({**base, "type": "user", "uuid": str(uuid.UUID(int=rng.getrandbits(128))),
              "parentUuid": parent, "timestamp": _stamp(t),
              "message": {"role": "user", "content": _text(rng, rng.randint(8, 60))}})
        for _ in range(rng.randint(1, 4)):
            msg = f"msg_{rng.getrandbits(64):016x}"
            req = f"req_{rng.getrandbits(64):016x}"
            usage = {"input_tokens": rng.randint(1, 50), "cache_creation_input_tokens":
                     rng.randint(0, 5000), "cache_read_input_tokens": rng.randint(1000, 90000),
                     "output_tokens": rng.randint(10, 2000), "service_tier": "standard"}
            blocks = [{"type": "thinking", "thinking": _text(rng, 60), "signature": "x" * 200},
                      {"type": "text", "text": _text(rng, rng.randint(20, 200))},
                      {"type": "tool_use", "id": f"toolu_{n}_{rng.getrandbits(32)}",
                       "name": "Read", "input": {"file_path": f"{cwd}/src/mod{n}.py"}}]
            for block in blocks:  # one response, one line per content block
                t += timedelta(milliseconds=rng.randint(100, 3000))
                emit({**base, "type": "assistant", "uuid": str(uuid.UUID(
                    int=rng.getrandbits(128))), "parentUuid": parent, "requestId": req,
                    "timestamp": _stamp(t),
                    "message": {"id": msg, "type": "message", "role": "assistant",
                                "model": rng.choice(("claude-opus-4-6", "claude-sonnet-4-5")),
                                "content": [block], "stop_reason": None, "usage": usage}})
            for _ in range(rng.randint(0, 3)):
                emit({**base, "type": "progress", "uuid": str(uuid.UUID(
                    int=rng.getrandbits(128))), "parentUuid": parent,
                    "timestamp": _stamp(t),
                    "data": {"type": "hook_progress", "hookEvent": "PostToolUse",
                             "command": "echo " + _text(rng, 30)},
                    "parentToolUseID": "x", "toolUseID": "y"})
            code = _code(rng, rng.randint(20, 120))
            emit({**base, "type": "user", "uuid": str(uuid.UUID(int=rng.getrandbits(128))),
                  "parentUuid": parent, "timestamp": _stamp(t),
                  "toolUseResult": {"type": "text", "file": {"filePath": f"{cwd}/src/mod.py",
                                                             "content": code}},
                  "message": {"role": "user", "content": [
                      {"type": "tool_result", "tool_use_id": "toolu", "content": code}]}})
    return out


def generate(folder: Path, mb: int, files: int, seed: int = 2026) -> None:
    """Write the data set (about ``mb`` MB in about ``files`` files)."""
    rng = random.Random(seed)
    wanted = mb * 1_000_000
    done_bytes = 0
    projects = max(1, files // 20)
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    written = 0
    for p in range(projects):
        cwd = f"/home/alice/project{p}"
        project = folder / cwd.replace("/", "-")
        project.mkdir(parents=True, exist_ok=True)
        for _ in range(files // projects):
            if written >= files:
                break
            per_file = (wanted - done_bytes) // max(1, files - written)
            sid = str(uuid.UUID(int=rng.getrandbits(128)))
            t0 = start + timedelta(hours=rng.randint(0, 24 * 120))
            if rng.random() < 0.15:  # a session with a subagent file
                lines = _session_lines(rng, sid, cwd, t0, per_file * 2 // 3)
                sub = project / sid / "subagents" / f"agent-{rng.getrandbits(32):08x}.jsonl"
                sub.parent.mkdir(parents=True, exist_ok=True)
                sub.write_text("\n".join(_session_lines(rng, sid, cwd, t0, per_file // 3,
                                                        sidechain=True)) + "\n")
                done_bytes += sub.stat().st_size
                written += 1
            else:
                lines = _session_lines(rng, sid, cwd, t0, per_file)
            main = project / f"{sid}.jsonl"
            main.write_text("\n".join(lines) + "\n")
            done_bytes += main.stat().st_size
            written += 1


CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from desktop_app.ingest import import_paths
from desktop_app.store import open_db
from desktop_app.store.indexing import finish_index
db = open_db(sys.argv[1])
t1 = time.perf_counter()
report = import_paths(db, [sys.argv[2]], index=False)  # phase 1: sessions browsable
t2 = time.perf_counter()
finish_index(db)  # phase 2: the search index (what import_paths does by default)
t3 = time.perf_counter()
db.close()
print(json.dumps({"seconds": t3 - t1, "phase1": t2 - t1, "index": t3 - t2,
                  "startup": t1 - t0, "ok": report.ok,
                  "error": report.files[0].error, "totals": report.totals,
                  "skipped": len(report.files[0].skipped),
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def run_import(db: Path, folder: Path) -> dict[str, object]:
    """One ``import_paths`` in a fresh interpreter; its time and peak RSS."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, str(db), str(folder)], cwd=ROOT,
                          check=True, capture_output=True, text=True)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started  # with interpreter start and imports
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=500)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    if args.regenerate and DATA.exists():
        shutil.rmtree(DATA)
    if not DATA.exists():
        t = time.perf_counter()
        generate(DATA, args.mb, args.files)
        print(f"generated in {time.perf_counter() - t:.1f} s")
    paths = [p for p in DATA.rglob("*.jsonl")]
    size = sum(p.stat().st_size for p in paths)
    print(f"data: {len(paths)} files, {size / 1e6:.1f} MB in {DATA}")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        first = run_import(db, DATA)
        mbps = size / 1e6 / float(first["seconds"])  # type: ignore[arg-type]
        rss = int(first["maxrss_kb"]) / 1024  # type: ignore[call-overload]
        print(f"first import: {first['seconds']:.1f} s = {mbps:.1f} MB/s (target >= 30), "
              f"peak RSS {rss:.0f} MB (target <= 120); {first['totals']}, "
              f"skipped {first['skipped']}")
        print(f"  phase 1 (sessions browsable): {first['phase1']:.1f} s; search index after: "
              f"{first['index']:.1f} s")
        again = run_import(db, DATA)
        print(f"re-scan, nothing changed: {again['seconds']:.3f} s (target < 1 s; "
              f"{again['wall']:.2f} s with the interpreter start); {again['totals']}")
        grown = max(paths, key=lambda p: p.stat().st_size)
        backup = grown.read_bytes()
        try:
            rng = random.Random(1)
            extra = _session_lines(rng, grown.stem, "/home/alice/project0",
                                   datetime(2026, 6, 1, tzinfo=UTC), 200_000)
            with grown.open("a") as f:
                f.write("\n".join(extra) + "\n")
            third = run_import(db, DATA)
            print(f"re-scan with one grown file (+200 KB): {third['seconds']:.3f} s; "
                  f"{third['totals']}")
        finally:
            grown.write_bytes(backup)
        # A new session in a project folder (and one of its lines in another folder, as a
        # resume from there writes it): the files of those folders are read again.
        sid = str(uuid.UUID(int=random.Random(2).getrandbits(128)))
        folders = sorted(p for p in DATA.iterdir() if p.is_dir())
        new = folders[0] / f"{sid}.jsonl"
        stray = folders[1] / f"{sid}-stray.jsonl"
        try:
            lines = _session_lines(random.Random(3), sid, "/home/alice/project0",
                                   datetime(2026, 6, 2, tzinfo=UTC), 200_000)
            new.write_text("\n".join(lines[:-1]) + "\n")
            stray.write_text(lines[-1] + "\n")
            fourth = run_import(db, DATA)
            print(f"re-scan with a new session file and a stray line of it in another "
                  f"project folder: {fourth['seconds']:.3f} s; {fourth['totals']}")
        finally:
            new.unlink(missing_ok=True)
            stray.unlink(missing_ok=True)
        print(f"database: {db.stat().st_size / 1e6:.0f} MB; parent peak RSS "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        ok = mbps >= 30 and rss <= 120 and float(again["seconds"]) < 1.0  # type: ignore[arg-type]
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
