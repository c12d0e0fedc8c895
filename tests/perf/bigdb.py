"""Builds (once, cached) a large database for benchmarks: 100k sessions / 1M messages by default."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from desktop_app.domain import make_session_id, utc_iso
from desktop_app.store import open_db

CACHE = Path(__file__).resolve().parents[2] / "perf-data"
SOURCES = ("chatgpt", "claude-ai", "claude-code", "codex", "copilot", "cursor")
COMMON = ("the", "and", "to", "of", "a", "in", "is", "for", "that", "with", "it", "on", "this",
          "be", "as", "you", "are", "can", "not", "use", "file", "code", "function", "error",
          "test", "data", "value", "list", "table", "query", "build", "run", "change", "fix",
          "add", "python", "script", "class", "method", "return", "type", "string", "number",
          "line", "output", "input")


def rare_word(i: int) -> str:
    """A made-up word; word i occurs about (i % 50 + 1) * 10 times in the corpus."""
    return f"zq{i:05d}x"


def build(sessions: int = 100_000, per_session: int = 10, path: Path | None = None,
          seed: int = 7) -> Path:
    """Create the database if it is not cached yet; returns its path."""
    path = path or CACHE / f"bench-{sessions}-{per_session}.db"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    for leftover in path.parent.glob(tmp.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    rng = random.Random(seed)
    db = open_db(tmp)
    conn = db.conn
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    now = datetime(2026, 11, 20, tzinfo=UTC)
    n_rare = sessions // 20
    conn.execute("BEGIN")
    session_rows = []
    message_rows = []
    for i in range(sessions):
        key = i + 1
        source = SOURCES[i % len(SOURCES)]
        start = now - timedelta(minutes=rng.randrange(0, 60 * 24 * 400))
        end = start + timedelta(minutes=rng.randrange(1, 90))
        title_words = [*rng.sample(COMMON, 4), rare_word(rng.randrange(n_rare))]
        session_rows.append((key, make_session_id(source, f"ext-{i}"), source, f"ext-{i}",
                             " ".join(title_words).capitalize(), utc_iso(start), utc_iso(end),
                             per_session, per_session // 2, "model-x",
                             rng.randrange(1000, 500_000) if i % 2 else None,
                             rng.randrange(100, 20_000) if i % 2 else None))
        for seq in range(per_session):
            words = rng.choices(COMMON, k=14)
            if rng.random() < 0.05:
                words.append(rare_word(rng.randrange(n_rare)))
            message_rows.append((key, seq, "user" if seq % 2 == 0 else "assistant",
                                 utc_iso(start + timedelta(seconds=seq * 30)), " ".join(words)))
        if len(message_rows) >= 200_000:
            _flush(conn, session_rows, message_rows)
    _flush(conn, session_rows, message_rows)
    conn.execute("COMMIT")
    conn.execute("INSERT INTO sessions_fts (sessions_fts) VALUES ('rebuild')")
    conn.execute("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')")
    conn.execute("INSERT INTO messages_fts (messages_fts) VALUES ('optimize')")
    # About a third rated, like a real user after a while.
    conn.execute(
        "INSERT INTO ratings (session_id, verdict, minutes_saved, rated_at) "
        "SELECT id, CASE WHEN key % 5 < 3 THEN 'useful' ELSE 'not_useful' END, key % 30, "
        "started_at FROM sessions WHERE key % 3 = 0"
    )
    conn.commit()
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("ANALYZE")
    db.close()
    tmp.rename(path)
    print(f"built {path} ({sessions:,} sessions, {sessions * per_session:,} messages) in "
          f"{time.perf_counter() - started:.0f} s")
    return path


def _flush(conn: object, session_rows: list[tuple[Any, ...]],
           message_rows: list[tuple[Any, ...]]) -> None:
    import sqlite3

    assert isinstance(conn, sqlite3.Connection)
    conn.executemany(
        "INSERT INTO sessions (key, id, source, external_id, title, started_at, ended_at, "
        "message_count, user_message_count, model, tokens_in, tokens_out) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", session_rows)
    conn.executemany(
        "INSERT INTO messages (session_key, seq, role, time, text) VALUES (?, ?, ?, ?, ?)",
        message_rows)
    session_rows.clear()
    message_rows.clear()


if __name__ == "__main__":
    build()
