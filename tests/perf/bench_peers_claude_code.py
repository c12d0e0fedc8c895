"""Claude Code first import side by side with ccusage, the peer that reads the same folder.

Run from the repository root (not collected by pytest; needs ``npm`` and the npm registry)::

    python -m tests.perf.bench_peers_claude_code [--runs 5] [--mb 300] [--files 500]

It installs ``ccusage`` (20.0.24: 20.0.26's native package is missing from some mirrors) with
``npm install --prefix`` into a temporary folder, writes ~``--mb`` MB of Claude Code logs in
~``--files`` files into ``perf-data/claude-code-peers/projects`` (git-ignored; reused when
there, ``--regenerate`` writes it again), then runs, interleaved and each as a whole process:

- ours: ``python -m desktop_app --db TMP import FOLDER`` into a fresh database (the first import),
  then the same command again (a re-scan with nothing changed);
- ours again with the full-text index left out (an estimate of the first phase of a two-phase
  import; the CLI's second phase, ``finish_import_index``, left out);
- theirs: ``ccusage daily --json --offline`` with ``CLAUDE_CONFIG_DIR`` naming the folder
  (``--offline``: its bundled prices, no network; it keeps nothing, so every run reads it all).

It prints one line per figure (medians of ``--runs`` runs after a warm-up; wall seconds, and the
CPU seconds the process and its children used), the ratio ours / theirs (the median of the
ratios of runs side by side), the machine's load,
and checks that the tokens we stored (``sessions --json``: tokens_in + tokens_out) equal
ccusage's totals (input + output + cache creation + cache read). Exit status 1 when they differ.
``--repo PATH`` times another checkout's ``desktop_app``; ``--before PATH`` times a second
checkout's first import too, interleaved with the others (e.g. main: the before figure).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.perf.bench_claude_code import generate  # noqa: E402

DATA = ROOT / "perf-data" / "claude-code-peers"  # CLAUDE_CONFIG_DIR; the logs in projects/
CCUSAGE = "ccusage@20.0.24"


#: Our import with the full-text index left out (what the first phase of a two-phase import,
#: facts, tokens and messages, costs), as long as store/sessions.py indexes in that function.
PHASE_ONE = """
import sys, time
from desktop_app import cli
from desktop_app.ingest import run
if not hasattr(run, "finish_import_index"):
    sys.exit(3)
def committed(db, **kw):
    print(f"first phase committed at {time.time()!r}", file=sys.stderr)
run.finish_import_index = committed
if __name__ == "__main__":
    sys.exit(cli.main(sys.argv[1:]))
"""

#: What the script above prints when the first phase is committed: the sessions can be
#: browsed from then on (the process still closes the database after it).
COMMITTED = "first phase committed at "


def timed_phase(command: list[str], *, cwd: Path, env: dict[str, str]
                ) -> tuple[float, float, float]:
    """Wall and CPU seconds of the first-phase process, and the wall seconds from its start
    to the moment its first phase was committed."""
    cpu = _children_cpu()
    started_epoch = time.time()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    marks = [float(line[len(COMMITTED):]) for line in done.stderr.splitlines()
             if line.startswith(COMMITTED)]
    committed = marks[-1] - started_epoch if marks else wall
    return wall, _children_cpu() - cpu, committed


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], *, cwd: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """Wall and CPU seconds of one whole process (its children included), and its stdout."""
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return wall, _children_cpu() - cpu, done.stdout


def install_ccusage(prefix: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is not installed: it installs ccusage for this benchmark")
    subprocess.run([npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund",
                    "--loglevel=error", CCUSAGE], check=True, capture_output=True)
    return prefix / "node_modules" / ".bin" / "ccusage"


def fresh(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def our_tokens(repo: Path, db: Path, env: dict[str, str]) -> int:
    _, _, out = timed([sys.executable, "-m", "desktop_app", "--db", str(db), "sessions",
                       "--json"], cwd=repo, env=env)
    return sum((s.get("tokens_in") or 0) + (s.get("tokens_out") or 0) for s in json.loads(out))


def their_tokens(out: str) -> int:
    totals = json.loads(out)["totals"]
    return int(sum(totals[k] for k in ("inputTokens", "outputTokens", "cacheCreationTokens",
                                       "cacheReadTokens")))


def median(values: list[float]) -> float:
    return statistics.median(values)


def paired(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> float:
    """The median of the run-by-run ratios of wall times (runs next to each other compare
    fairly while the machine's load drifts)."""
    return median([x[0] / y[0] for x, y in zip(a, b, strict=True)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mb", type=int, default=300)
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--repo", type=Path, default=ROOT,
                        help="the checkout whose desktop_app is timed (default: this one)")
    parser.add_argument("--before", type=Path, default=None,
                        help="another checkout (e.g. main) whose first import is timed too, "
                             "interleaved: the before figure")
    args = parser.parse_args()
    projects = DATA / "projects"
    if args.regenerate and DATA.exists():
        shutil.rmtree(DATA)
    if not projects.exists():
        started = time.perf_counter()
        generate(projects, args.mb, args.files)
        print(f"generated in {time.perf_counter() - started:.1f} s")
    files = list(projects.rglob("*.jsonl"))
    size = sum(p.stat().st_size for p in files)
    print(f"data: {len(files)} files, {size / 1e6:.0f} MB in {projects}")
    repo = args.repo.resolve()
    with tempfile.TemporaryDirectory(prefix="bench-peers-") as tmp:
        ccusage = install_ccusage(Path(tmp) / "npm")
        db = Path(tmp) / "worthwhile.db"
        env = {k: v for k, v in os.environ.items() if not k.startswith("WORTHWHILE")}
        ours_cmd = [sys.executable, "-m", "desktop_app", "--db", str(db), "import",
                    str(projects)]
        their_cmd = [str(ccusage), "daily", "--json", "--offline"]
        their_env = {**env, "CLAUDE_CONFIG_DIR": str(DATA)}
        version = timed([str(ccusage), "--version"], cwd=ROOT, env=their_env)[2].strip()
        print(f"ours: {repo}; theirs: {version}; {args.runs} runs each after a "
              f"warm-up, interleaved")
        phase_cmd = [sys.executable, "-c", PHASE_ONE, "--db", str(db), "import", str(projects)]
        phase_one = subprocess.run([*phase_cmd[:-2], "stats"], cwd=repo, env=env,
                                   capture_output=True, check=False).returncode != 3
        phase: list[tuple[float, float]] = []
        browsable: list[tuple[float, float]] = []
        before: list[tuple[float, float]] = []
        first: list[tuple[float, float]] = []
        rescan: list[tuple[float, float]] = []
        theirs: list[tuple[float, float]] = []
        their_out = ""
        for n in range(args.runs + 1):  # run 0 warms the page cache and is not counted
            if phase_one:
                fresh(db)
                phase_wall, phase_cpu, phase_committed = timed_phase(phase_cmd, cwd=repo, env=env)
                if n:
                    phase.append((phase_wall, phase_cpu))
                    browsable.append((phase_committed, phase_cpu))
            if args.before is not None:
                fresh(db)
                before_run = timed(ours_cmd, cwd=args.before.resolve(), env=env)[:2]
                if n:
                    before.append(before_run)
            fresh(db)
            wall, cpu, _ = timed(ours_cmd, cwd=repo, env=env)
            again = timed(ours_cmd, cwd=repo, env=env)[:2]
            their_wall, their_cpu, their_out = timed(their_cmd, cwd=ROOT, env=their_env)
            if n:
                first.append((wall, cpu))
                rescan.append(again)
                theirs.append((their_wall, their_cpu))
        load = os.getloadavg()
        ours_wall = median([w for w, _ in first])
        their_wall = median([w for w, _ in theirs])
        rescan_wall = median([w for w, _ in rescan])
        print(f"first import: ours {ours_wall:.2f} s (cpu {median([c for _, c in first]):.2f} s)"
              f", ccusage daily --json {their_wall:.2f} s (cpu "
              f"{median([c for _, c in theirs]):.2f} s), ratio {paired(first, theirs):.2f}×"
              f" (goal <= 2×)")
        if phase:
            wall = median([w for w, _ in phase])
            print(f"first import without the search index (phase 1 alone): ours {wall:.2f} s "
                  f"(cpu {median([c for _, c in phase]):.2f} s), ratio "
                  f"{paired(phase, theirs):.2f}×")
            wall = median([w for w, _ in browsable])
            print(f"first phase committed (sessions browsable; the process then closes the "
                  f"database): ours {wall:.2f} s, ratio {paired(browsable, theirs):.2f}×")
        if before:
            wall = median([w for w, _ in before])
            print(f"first import before ({args.before}): {wall:.2f} s (cpu "
                  f"{median([c for _, c in before]):.2f} s), ratio {paired(before, theirs):.2f}×; "
                  f"ours / before {paired(first, before):.2f}×")
        print(f"re-scan, nothing changed: ours {rescan_wall:.2f} s (cpu "
              f"{median([c for _, c in rescan]):.2f} s), ccusage (reads it all every time) "
              f"{their_wall:.2f} s, ratio {rescan_wall / their_wall:.2f}×")
        print(f"first import throughput: ours {size / 1e6 / ours_wall:.0f} MB/s, ccusage "
              f"{size / 1e6 / their_wall:.0f} MB/s")
        print(f"load average during the runs: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
              f"({os.cpu_count()} cores)")
        ours_tokens = our_tokens(repo, db, env)
        theirs_tokens = their_tokens(their_out)
        same = ours_tokens == theirs_tokens
        print(f"tokens: ours {ours_tokens:,}, ccusage {theirs_tokens:,}: "
              f"{'equal' if same else 'DIFFERENT'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
