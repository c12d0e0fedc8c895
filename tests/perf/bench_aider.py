"""Benchmark of an Aider history read in full and read again from its last run.

Run from the repository root (not collected by pytest)::

    python -m tests.perf.bench_aider [--runs 20000]

Writes a history of ``--runs`` runs (about 800 bytes each) in a temporary folder and prints the
time of a full read and of the incremental read a grown file gets (from the start of its last
run), which also looks for earlier runs sharing the last run's start second and first prompt.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from desktop_app.importers import aider
from desktop_app.importers.contract import GroupFile


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / aider.FILE_NAME
        answer = "answer line with some words in it\n" * 20
        path.write_text("".join(
            f"\n# aider chat started at 2025-01-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:"
            f"{i * 7 % 60:02d}\n\n> Main model: gpt-4o\n\n#### prompt {i}  \n\n{answer}\n"
            "> Tokens: 1.2k sent, 300 received.\n" for i in range(args.runs)), encoding="utf-8")
        data = path.read_bytes()
        last = data.rfind(b"# aider chat started at")
        for label, start in (("full read", 0), ("from the last run", last)):
            f = GroupFile(path=str(path), name=str(path), size=len(data), start=start,
                          previous=len(data) - 1)
            began = time.perf_counter()
            sessions = aider.parse_group([f], lambda _s: None,
                                         None)  # type: ignore[arg-type]  # Aider keeps no state
            count = len(list(sessions))
            took = time.perf_counter() - began
            print(f"{label}: {count} sessions from {len(data) / 1e6:.1f} MB "
                  f"in {took * 1000:.0f} ms")


if __name__ == "__main__":
    main()
