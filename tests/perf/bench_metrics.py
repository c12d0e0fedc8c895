"""Benchmark of the dashboard refresh: ``value_stats`` over 100k sessions, about a third rated.

Run from the repository root (not collected by pytest)::

    python tests/perf/bench_metrics.py [--sessions 100000] [--runs 30] [--tz Europe/Berlin]

It builds a temporary database through ``store.open_db`` (real schema and indexes) and fills it
with direct SQL inserts (``save_sessions`` would spend minutes on message text and search
indexes that the metrics never read), then times each refresh on one warm connection, as the
dashboard would, and prints the median and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlite_utils import Database

from desktop_app.domain import DEFAULT_LABELS, make_session_id, utc_iso
from desktop_app.metrics import value_stats
from desktop_app.store import open_db
from desktop_app.store.stats import StatsReader

TARGET_MS = 50.0
SOURCES = ("chatgpt", "claude-ai", "claude-code", "codex", "copilot", "cursor", "gemini", "aider")
WITH_TOKENS = {"claude-code", "codex", "aider"}
END = datetime(2026, 6, 1, tzinfo=UTC)
DAYS = 3 * 365


def build(db: Database, n: int, seed: int = 7) -> tuple[int, int]:
    """Fill ``db`` with ``n`` sessions over three years; about a third rated, most of those
    labelled. Returns (rated, label rows)."""
    rng = random.Random(seed)
    sessions, ratings, labels = [], [], []
    for i in range(n):
        source = rng.choice(SOURCES)
        external = f"bench-{i}"
        sid = make_session_id(source, external)
        # Working hours in Europe, weekdays more than weekends.
        day = END - timedelta(days=rng.randrange(DAYS))
        if day.weekday() >= 5 and rng.random() < 0.6:
            day -= timedelta(days=2)
        started = day.replace(hour=rng.randrange(6, 20), minute=rng.randrange(60),
                              second=rng.randrange(60))
        tokens_in = rng.randrange(500, 200_000) if source in WITH_TOKENS else None
        tokens_out = rng.randrange(50, 20_000) if tokens_in is not None else None
        sessions.append((sid, source, external, f"Session {i}", utc_iso(started),
                         utc_iso(started + timedelta(minutes=rng.randrange(1, 90))),
                         rng.randrange(2, 40), rng.randrange(1, 20), tokens_in, tokens_out))
        if rng.random() < 1 / 3:
            verdict = "useful" if rng.random() < 0.65 else "not_useful"
            minutes = rng.randrange(-15, 60) if rng.random() < 0.4 else None
            ratings.append((sid, verdict, minutes, utc_iso(END)))
            for label in rng.sample(DEFAULT_LABELS, rng.choice((0, 1, 1, 1, 2))):
                labels.append((sid, label))
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO sessions (id, source, external_id, title, started_at, ended_at, "
            "message_count, user_message_count, tokens_in, tokens_out) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            sessions,
        )
        db.conn.executemany(
            "INSERT INTO ratings (session_id, verdict, minutes_saved, rated_at) "
            "VALUES (?, ?, ?, ?)",
            ratings,
        )
        db.conn.executemany(
            "INSERT INTO session_labels (session_id, label) VALUES (?, ?)", labels
        )
    return len(ratings), len(labels)


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and p95 in milliseconds over ``runs`` calls (after two warm-up calls)."""
    fn()
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95


def main() -> int:
    """Build the database, time the refreshes, print a table; exit 1 if a target case misses."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--tz", default="Europe/Berlin", help="TZ for local periods")
    parser.add_argument("--cache-mib", type=int, default=0,
                        help="PRAGMA cache_size for the connection (default: open_db's)")
    args = parser.parse_args()
    os.environ["TZ"] = args.tz
    time.tzset()

    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "bench.db")
        if args.cache_mib:
            db.execute(f"PRAGMA cache_size = -{args.cache_mib * 1024}")
        start = time.perf_counter()
        rated, label_rows = build(db, args.sessions)
        print(f"built {args.sessions} sessions, {rated} rated, {label_rows} label rows "
              f"in {time.perf_counter() - start:.1f} s (TZ={args.tz}, "
              f"cache_size={db.execute('PRAGMA cache_size').fetchone()[0]})")
        last_12_weeks = END.date() - timedelta(weeks=12)
        reader = StatsReader(db)
        # (name, call, counts toward the 50 ms dashboard target)
        cases: list[tuple[str, Callable[[], object], bool]] = [
            ("by=week", lambda: value_stats(reader, "week"), True),
            ("by=month", lambda: value_stats(reader, "month"), True),
            ("by=week group=tool", lambda: value_stats(reader, "week", "tool"), True),
            ("by=month group=tool", lambda: value_stats(reader, "month", "tool"), False),
            ("by=week group=label", lambda: value_stats(reader, "week", "label"), False),
            ("by=week source=codex", lambda: value_stats(reader, "week", source="codex"), False),
            ("by=week label=research",
             lambda: value_stats(reader, "week", label="research"), False),
            ("by=week last 12 weeks", lambda: value_stats(
                reader, "week", date_from=last_12_weeks, date_to=END.date()), False),
            ("by=week group=tool + to_json", lambda: value_stats(reader, "week", "tool").to_json(),
             False),
        ]
        print(f"{'refresh (* = target case)':32} {'median ms':>10} {'p95 ms':>10}")
        missed = []
        for name, fn, target in cases:
            median, p95 = timed(fn, args.runs)
            if target and median >= TARGET_MS:
                missed.append(f"{name} by {median - TARGET_MS:.1f} ms")
            print(f"{('* ' if target else '  ') + name:32} {median:10.1f} {p95:10.1f}")
        print(f"target: median < {TARGET_MS:.0f} ms: "
              + ("met" if not missed else "missed (" + "; ".join(missed) + ")"))
        db.close()
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
