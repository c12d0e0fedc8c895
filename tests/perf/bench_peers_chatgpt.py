"""ChatGPT import side by side with its floor and a real peer (not part of the test run).

Run from the repository root, in the test virtualenv::

    .venv/bin/python tests/perf/bench_peers_chatgpt.py [--mb 200] [--runs 3] [--profile]
        [--no-convoviz | --convoviz-runs N] [--no-extra] [--delete] [--before CHECKOUT]

The memory targets at 1 GB and 4 GB: ``--mb 1000 --runs 1 --no-convoviz --no-extra`` (and
``--mb 4000 ... --delete``; check ``df`` first: the 4 GB export is written, then zipped).

Writes a synthetic ChatGPT export of about ``--mb`` MB with ``worthwhile demo-data``
(``conversations.json`` and ``message_feedback.json``, zipped as ChatGPT ships them, deflated)
into ``perf-data/chatgpt-peers-<mb>/`` (kept for the next run; ``--delete`` deletes it after),
then runs, interleaved, ``--runs`` rounds of:

- ours, first import: ``worthwhile import <zip> --json`` into a fresh database;
- the ijson floor: a Python child that stream-parses the same zip member with
  ``ijson.items(f, "item")`` and touches every conversation, nothing else;
- convoviz (PyPI, installed by this script into a temporary venv made with pyenv's Python 3.12+):
  ``convoviz --input <zip> --output <tmp> --outputs markdown --no-interactive``;
- ours again on the same bytes with a new mtime (``touch``): the re-import (a zip whose members
  are unchanged is recognised by its central directory);
- ours, phase 1 only: the first import with the full-text indexing left out (what a two-phase
  import makes the user wait for; the index is built after, in the background);
- the same export as a plain ``conversations.json`` (extracted once): first import, then the
  same bytes with a new mtime, where each conversation is recognised by the hash of its bytes.

``--before CHECKOUT`` runs another checkout's ``desktop_app`` (e.g. ``git archive <commit> | tar -x
-C /tmp/base``) too, interleaved in each round: its first import, phase 1 and plain-JSON
re-import, printed beside ours.

Each child runs alone; its time is wall-clock, its peak RSS the child's own ``ru_maxrss``
(``os.wait4``). Prints one line per figure: our median, theirs, the ratio; and the machine load
(``os.getloadavg``) beside it. ``--profile`` adds a cProfile of one first import, summed by phase.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "perf-data"

TARGET_FLOOR_RATIO = 3.0
TARGET_REIMPORT_SPEEDUP = 10.0
TARGET_RSS_MB = 120.0

#: Our CLI import's first phase alone: sessions stored, the full-text index (its second phase,
#: store/indexing.py) left queued.
PHASE1 = """
import sys
from desktop_app import cli
from desktop_app.ingest import run
if not hasattr(run, "finish_import_index"):
    sys.exit(3)
run.finish_import_index = lambda db, **kw: None
sys.exit(cli.main(sys.argv[1:]))
"""

FLOOR = """
import sys, zipfile, ijson
n = 0
with zipfile.ZipFile(sys.argv[1]) as z, z.open("conversations.json") as f:
    for conv in ijson.items(f, "item", use_float=True):
        n += len(conv)  # touch every conversation
print(n)
"""


def _worthwhile_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "desktop_app", *args]


#: Children may keep their bytecode (as an installed app has it); the shell may say otherwise.
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


#: CPU seconds (user + system) of each child, in the order run (see :func:`_run`).
CPU: list[float] = []


def _run(cmd: list[str], cwd: Path = ROOT, **kwargs: object) -> tuple[float, float, str]:
    """Seconds, peak RSS (MB) and stdout of one child, run alone; its CPU time goes to CPU."""
    kwargs.setdefault("env", ENV)
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, **kwargs)  # type: ignore[call-overload]
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        if child.returncode != 0:
            sys.exit(f"failed ({child.returncode}): {' '.join(cmd)}\n"
                     f"{err.read().decode('utf-8', 'replace')[-3000:]}")
    CPU.append(usage.ru_utime + usage.ru_stime)
    return seconds, usage.ru_maxrss / 1024, stdout  # KB on Linux


def export(mb: int) -> tuple[Path, int]:
    """The zipped export of about ``mb`` MB (written once) and how many conversations it holds."""
    DATA.mkdir(exist_ok=True)
    sample = DATA / "chatgpt-calibrate.json"
    if not sample.exists():
        subprocess.run(_worthwhile_cmd("demo-data", "--source", "chatgpt", "--sessions", "2000",
                                       "--out", str(sample)), cwd=ROOT, check=True)
    per_session = sample.stat().st_size / 2000
    sessions = max(1, round(mb * 1_000_000 / per_session))
    folder = DATA / f"chatgpt-peers-{mb}"
    path = folder / f"chatgpt-{sessions}.zip"
    if not path.exists():
        print(f"writing {path} ({sessions:,} conversations) ...", flush=True)
        started = time.perf_counter()
        folder.mkdir(exist_ok=True)
        plain = folder / "json"
        plain.mkdir(exist_ok=True)
        subprocess.run(_worthwhile_cmd("demo-data", "--source", "chatgpt", "--sessions",
                                       str(sessions), "--out", str(plain / "conversations.json")),
                       cwd=ROOT, check=True)
        partial = path.with_suffix(".part")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
            for member in sorted(plain.iterdir()):
                z.write(member, member.name)
        partial.rename(path)
        shutil.rmtree(plain)
        print(f"  written in {time.perf_counter() - started:.1f} s", flush=True)
    return path, sessions


def convoviz() -> list[str] | None:
    """The convoviz command, installed into a temporary venv (reused) with pyenv's Python."""
    venv = Path(tempfile.gettempdir()) / "worthwhile-bench-convoviz"
    exe = venv / "bin" / "convoviz"
    if exe.exists():
        return [str(exe)]
    try:
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        print("convoviz: no pyenv, skipped")
        return None
    pythons = sorted(p for p in glob.glob(f"{root}/versions/3.1[2-9]*/bin/python")
                     if "-" not in Path(p).parts[-3])
    if not pythons:
        print("convoviz: no Python >= 3.12 in pyenv, skipped")
        return None
    print(f"installing convoviz into {venv} with {pythons[-1]} ...", flush=True)
    subprocess.run([pythons[-1], "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "convoviz"], check=True)
    return [str(exe)]


def _ours(db: Path, path: Path, *, phase1: bool = False,
          repo: Path = ROOT) -> tuple[float, float, dict[str, int]]:
    """One import by the checkout ``repo`` (its ``desktop_app``: the child runs in it)."""
    args = ("--db", str(db), "import", str(path), "--json")
    cmd = [sys.executable, "-c", PHASE1, *args] if phase1 else _worthwhile_cmd(*args)
    seconds, rss, out = _run(cmd, cwd=repo)
    return seconds, rss, json.loads(out)["totals"]


def _fresh(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def profile(path: Path, work: Path) -> None:
    """cProfile of one first import, its time summed by phase (self time of the functions)."""
    import pstats

    db = work / "profile.db"
    _fresh(db)
    prof = work / "import.prof"
    _run([sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "desktop_app", "--db",
          str(db), "import", str(path), "--json"])
    stats = pstats.Stats(str(prof))
    total = stats.total_tt  # type: ignore[attr-defined]
    phases = {  # the first that matches a function's file:name takes its self time
        "json decoding (C)": ("raw_decode", "<orjson.loads>"),
        "raw scan + hashes": ("streams.py", "record_mark", "record_head",
                              "'update' of '_hashlib.HASH'", "'find' of 'bytes'"),
        "zip inflate / read": ("zlib", "zipfile", "crc32", "readinto", "read'"),
        "rows: time formatting": ("utc_iso", "stored_time", "isoformat"),
        "rows: content hash": ("content_hash", "openssl_sha256", "hexdigest"),
        "building sessions": ("importers/chatgpt.py", "importers/values.py", "domain.py",
                              "isinstance", "'get' of 'dict'", "'join' of 'str'"),
        "rows: store Python": ("store/sessions.py",),
        "FTS indexing": ("finish_import_index",),
    }
    sums = dict.fromkeys(phases, 0.0)
    rows = 0.0
    for (filename, _line, func), (_cc, _nc, tt, ct, callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = f"{filename}:{func}"
        if func == "finish_import_index" and "run.py" in filename:
            sums["FTS indexing"] = ct  # its statements included
            continue
        if "sqlite3.Connection" in func and "execute" in func:
            # Statements by caller: the full-text ones are counted with the indexing.
            rows += sum(c[3] for (f, _l, fn), c in callers.items()
                        if fn not in ("index_pending", "index_now"))
            continue
        for phase, marks in phases.items():
            if phase != "FTS indexing" and any(mark in where for mark in marks):
                sums[phase] += tt
                break
    print(f"profile of one first import ({total:.1f} s under cProfile):")
    for phase, seconds in sums.items():
        print(f"  {phase:<26} {seconds:6.2f} s  {100 * seconds / total:4.1f} %")
    print(f"  {'rows: SQL statements':<26} {rows:6.2f} s  {100 * rows / total:4.1f} %")
    stats.sort_stats("tottime").print_stats(18)


def _before_round(repo: Path, db: Path, path: Path, plain_path: Path, sessions: int,
                  figures: dict[str, list[tuple[float, float]]], cpu: dict[str, list[float]],
                  *, extra: bool) -> None:
    """One round of the before checkout: first import, phase 1, plain-JSON first and again."""
    def record(key: str, run: tuple[float, float, dict[str, int]]) -> dict[str, int]:
        figures.setdefault(key, []).append(run[:2])
        cpu.setdefault(key, []).append(CPU[-1])
        return run[2]

    _fresh(db)
    assert record("before first", _ours(db, path, repo=repo))["sessions_new"] == sessions
    _fresh(db)
    if extra:
        record("before phase1", _ours(db, path, phase1=True, repo=repo))
        _fresh(db)
        record("before json-first", _ours(db, plain_path, repo=repo))
        os.utime(plain_path)
        again = record("before json-reimport", _ours(db, plain_path, repo=repo))
        assert again["sessions_unchanged"] == sessions, again
        _fresh(db)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="export size in MB (default 200)")
    parser.add_argument("--runs", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--no-convoviz", action="store_true", help="leave convoviz out")
    parser.add_argument("--convoviz-runs", type=int, default=None,
                        help="run convoviz in the first N rounds only (default: all)")
    parser.add_argument("--profile", action="store_true", help="cProfile one first import")
    parser.add_argument("--no-extra", action="store_true",
                        help="leave out the phase-1 and plain-JSON runs (big sizes: memory)")
    parser.add_argument("--delete", action="store_true",  # e.g. --mb 4000
                        help="delete the generated export afterwards (big sizes)")
    parser.add_argument("--before", type=Path, default=None, metavar="CHECKOUT",
                        help="another checkout's first import, phase 1 and plain-JSON "
                             "re-import, interleaved: the before figures")
    args = parser.parse_args()
    before = args.before.resolve() if args.before is not None else None
    path, sessions = export(args.mb)
    size_mb = path.stat().st_size / 1_000_000
    with zipfile.ZipFile(path) as z:
        inner_mb = z.getinfo("conversations.json").file_size / 1_000_000
    peer = None if args.no_convoviz else convoviz()
    figures: dict[str, list[tuple[float, float]]] = {}
    cpu: dict[str, list[float]] = {}
    loads: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-peers-", dir=DATA) as tmp:
        work = Path(tmp)
        plain = work / "json"
        plain.mkdir()
        if not args.no_extra:
            with zipfile.ZipFile(path) as z:
                for member in ("conversations.json", "message_feedback.json"):
                    if member in z.namelist():
                        z.extract(member, plain)
        plain_path = plain / "conversations.json"
        for round_ in range(args.runs):
            loads.append(os.getloadavg()[0])
            db = work / f"round{round_}.db"
            _fresh(db)
            s, rss, first = _ours(db, path)
            assert first["sessions_new"] == sessions, first
            figures.setdefault("ours", []).append((s, rss))
            cpu.setdefault("ours", []).append(CPU[-1])
            s, rss, _ = _run([sys.executable, "-c", FLOOR, str(path)])
            figures.setdefault("ijson", []).append((s, rss))
            cpu.setdefault("ijson", []).append(CPU[-1])
            if peer is not None and (args.convoviz_runs is None
                                     or round_ < args.convoviz_runs):
                out = work / "convoviz"
                shutil.rmtree(out, ignore_errors=True)
                s, rss, _ = _run([*peer, "--input", str(path), "--output", str(out),
                                  "--outputs", "markdown", "--no-interactive", "--quiet"],
                                 env={**os.environ, "HOME": str(work)})
                written = sum(1 for _ in out.rglob("*.md"))
                assert written >= sessions * 0.9, f"convoviz wrote {written} markdown files"
                figures.setdefault("convoviz", []).append((s, rss))
                cpu.setdefault("convoviz", []).append(CPU[-1])
            os.utime(path)  # the same bytes, a new mtime
            s, rss, again = _ours(db, path)
            assert (again["sessions_new"], again["sessions_updated"],
                    again["sessions_unchanged"]) == (0, 0, sessions), again
            figures.setdefault("reimport", []).append((s, rss))
            cpu.setdefault("reimport", []).append(CPU[-1])
            _fresh(db)
            if not args.no_extra:
                s, rss, first = _ours(db, path, phase1=True)
                assert first["sessions_new"] == sessions, first
                figures.setdefault("phase1", []).append((s, rss))
                cpu.setdefault("phase1", []).append(CPU[-1])
                _fresh(db)
                s, rss, first = _ours(db, plain_path)
                assert first["sessions_new"] == sessions, first
                figures.setdefault("json-first", []).append((s, rss))
                cpu.setdefault("json-first", []).append(CPU[-1])
                os.utime(plain_path)
                s, rss, again = _ours(db, plain_path)
                assert (again["sessions_new"], again["sessions_updated"],
                        again["sessions_unchanged"]) == (0, 0, sessions), again
                figures.setdefault("json-reimport", []).append((s, rss))
                cpu.setdefault("json-reimport", []).append(CPU[-1])
                _fresh(db)
            if before is not None:
                _before_round(before, db, path, plain_path, sessions, figures, cpu,
                              extra=not args.no_extra)
            print(f"  round {round_ + 1}: " + ", ".join(
                f"{k} {v[-1][0]:.2f} s" for k, v in figures.items()), flush=True)
        if args.profile:
            profile(path, work)

    def med(key: str) -> tuple[float, float]:
        runs = figures[key]
        return statistics.median(s for s, _ in runs), max(r for _, r in runs)

    def cpu_med(key: str) -> float:
        return statistics.median(cpu[key])

    ours_s, ours_rss = med("ours")
    floor_s, floor_rss = med("ijson")
    again_s, again_rss = med("reimport")
    load = f"load {min(loads):.1f}-{max(loads):.1f}"
    print(f"export: {path.name}, {size_mb:,.0f} MB zipped, {inner_mb:,.0f} MB of JSON, "
          f"{sessions:,} conversations; {args.runs} interleaved rounds, {load}")
    print(f"first import vs ijson floor: ours {ours_s:.2f} s, ijson {floor_s:.2f} s, "
          f"ratio {ours_s / floor_s:.2f}x (target <= {TARGET_FLOOR_RATIO:.0f}x)")
    if "convoviz" in figures:
        peer_s, peer_rss = med("convoviz")
        print(f"first import vs convoviz:    ours {ours_s:.2f} s, convoviz {peer_s:.2f} s, "
              f"ratio {peer_s / ours_s:.2f}x slower than ours")
        print(f"peak RSS vs convoviz:        ours {ours_rss:.0f} MB, convoviz {peer_rss:.0f} MB")
    print(f"peak RSS vs ijson floor:     ours {ours_rss:.0f} MB (re-import {again_rss:.0f} MB), "
          f"ijson {floor_rss:.0f} MB (target <= {TARGET_RSS_MB:.0f} MB)")
    print(f"re-import, new mtime:        ours {again_s:.2f} s vs first {ours_s:.2f} s, "
          f"{ours_s / again_s:.1f}x faster (target >= {TARGET_REIMPORT_SPEEDUP:.0f}x)")
    if "phase1" in figures:
        p1_s, p1_rss = med("phase1")
        print(f"phase 1 (no FTS) vs ijson:   ours {p1_s:.2f} s, ijson {floor_s:.2f} s, "
              f"ratio {p1_s / floor_s:.2f}x (target <= {TARGET_FLOOR_RATIO:.0f}x); {p1_rss:.0f} MB")
    if "json-reimport" in figures:
        j1_s, j1_rss = med("json-first")
        j2_s, j2_rss = med("json-reimport")
        print(f"plain JSON, new mtime:       ours {j2_s:.2f} s vs first {j1_s:.2f} s, "
              f"{j1_s / j2_s:.1f}x faster (target >= {TARGET_REIMPORT_SPEEDUP:.0f}x); "
              f"{j1_rss:.0f} / {j2_rss:.0f} MB")
    print("CPU seconds (user + system of each child; steadier than wall time on a busy machine):")
    for key in figures:
        wall = statistics.median(seconds for seconds, _ in figures[key])
        line = f"  {key:<21} {cpu_med(key):7.2f} s (wall {wall:5.2f} s)"
        if key not in ("ijson", "json-reimport", "before json-reimport"):
            line += f"  = {cpu_med(key) / cpu_med('ijson'):5.2f}x the ijson floor"
        if key.endswith("json-reimport"):
            first_key = key.replace("reimport", "first")
            line += f", {cpu_med(first_key) / cpu_med(key):5.1f}x faster than its first import"
        elif key == "reimport":
            line += f", {cpu_med('ours') / cpu_med(key):5.1f}x faster than its first import"
        if key.startswith("before "):
            ours_key = {"before first": "ours"}.get(key, key.removeprefix("before "))
            line += f"; ours / before {cpu_med(ours_key) / cpu_med(key):.2f}"
        print(line)
    print(f"1 GB at this speed:          {ours_s * 1000 / inner_mb:.1f} s (target <= 40 s, quiet)")
    if args.delete:
        shutil.rmtree(path.parent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
