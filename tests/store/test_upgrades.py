"""Upgrades keep everything: a database made at every schema step (migrations 1..k only),
filled as that schema allows, is migrated by ``open_db`` as the app does; every value
survives, and the backup taken before holds the database exactly as it was.

The steps are counted from ``store/migrations.py``, so a migration added later is tested here
at once. The data is written with raw SQL, each row holding every column any schema had: a
row is written with the columns its table has at that step. A new column needs a value in
these rows (``test_the_rows_fill_every_column_of_the_current_schema`` says which).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from desktop_app.domain import Rating, Verdict
from desktop_app.store import (
    SessionQuery,
    get_rating,
    get_session,
    get_transcript,
    list_labels,
    list_reasons,
    list_sessions,
    open_db,
    schema_version,
)
from desktop_app.store.migrations import MIGRATIONS
from desktop_app.store.reflect import stored_sample

NAMES = [m.name for m in MIGRATIONS._migrations]
STEPS = range(1, len(NAMES) + 1)

T1 = "2026-03-02T09:15:00Z"
T2 = "2026-03-09T18:40:05Z"
LONG = "A long answer that spills over a page. " * 400  # overflow pages

#: The tables filled, in an order the foreign keys accept; each row holds every column any
#: schema had (a column a later migration added is left out at the steps before it).
ROWS: dict[str, list[dict[str, Any]]] = {
    "imports": [
        {"id": 1, "path": "/home/me/Downloads/chatgpt-export.zip", "source": "chatgpt",
         "started_at": T1, "finished_at": T2, "sessions_new": 2, "sessions_updated": 1,
         "sessions_unchanged": 7, "messages": 5, "skipped": 1, "error": None},
        {"id": 2, "path": "C:\\Users\\me\\notes.csv", "source": None, "started_at": T2,
         "finished_at": None, "sessions_new": 0, "sessions_updated": 0,
         "sessions_unchanged": 0, "messages": 0, "skipped": 0, "error": "not a chat export"},
    ],
    "sessions": [
        {"key": 1, "id": "chatgpt-3f9a2c", "source": "chatgpt", "external_id": "conv-0001",
         "title": "Naïve Bayes, «explained» 🧠 zebrafinch", "started_at": T1,
         "ended_at": "2026-03-02T09:47:00Z", "message_count": 3, "user_message_count": 2,
         "model": "gpt-4o", "tokens_in": 1200, "tokens_out": 3400, "cost": 0.0125,
         "project": None, "content_hash": "5d41402abc4b2a76", "import_id": 1,
         "hidden_branches": 2, "tool_thumbs": "up", "fingerprint": -9_223_372_036_854_775_807,
         "updated_at": "2026-03-02T10:00:00.000001Z", "parser_version": "3", "tool_name": None,
         "no_text": 0, "tokens_uncached": 200, "tokens_cache_write": None,
         "tokens_cache_read": 1000, "record_head": -4_611_686_018_427_387_904,
         "record_size": 81_234},
        {"key": 2, "id": "claude-code-8e1b77", "source": "claude-code",
         "external_id": "0b1e-session", "title": "Fix the flaky 'test_sync' test",
         "started_at": T2, "ended_at": None, "message_count": 2, "user_message_count": 1,
         "model": "claude-sonnet-4", "tokens_in": None, "tokens_out": None, "cost": None,
         "project": "/home/me/src/wörk", "content_hash": "7d793037a0760186",
         "import_id": None, "hidden_branches": 0, "tool_thumbs": None, "fingerprint": None,
         "updated_at": None, "parser_version": "2", "tool_name": None, "no_text": 0,
         "tokens_uncached": None, "tokens_cache_write": None, "tokens_cache_read": None,
         "record_head": None, "record_size": None},
        {"key": 3, "id": "generic-55aa01", "source": "generic", "external_id": "Perplexity/p-1",
         "title": "", "started_at": None, "ended_at": None, "message_count": 0,
         "user_message_count": 0, "model": None, "tokens_in": 7, "tokens_out": 0,
         "cost": 0.0, "project": None, "content_hash": None, "import_id": 1,
         "hidden_branches": 0, "tool_thumbs": "mixed", "fingerprint": 42,
         "updated_at": "2026-03-01T00:00:00.000000Z", "parser_version": None,
         "tool_name": "Perplexity", "no_text": 0, "tokens_uncached": 3,
         "tokens_cache_write": 2, "tokens_cache_read": 2, "record_head": None,
         "record_size": None},
    ],
    "messages": [
        {"id": 1, "session_key": 1, "seq": 0, "role": "user", "time": T1,
         "text": "How does naïve Bayes work?\nExplain like I'm five.", "model": None},
        {"id": 2, "session_key": 1, "seq": 1, "role": "assistant", "time": T1,
         "text": LONG + "quetzalcoatl", "model": "gpt-4o"},
        {"id": 3, "session_key": 1, "seq": 2, "role": "user", "time": None, "text": "",
         "model": None},
        {"id": 4, "session_key": 2, "seq": 0, "role": "user", "time": T2,
         "text": 'Why does "test_sync" fail on CI only? 🤔', "model": None},
        {"id": 5, "session_key": 2, "seq": 1, "role": "tool", "time": T2,
         "text": "$ pytest -k sync\n1 failed", "model": "claude-sonnet-4"},
    ],
    "ratings": [
        {"session_id": "chatgpt-3f9a2c", "verdict": "useful", "minutes_saved": 25,
         "reason": None, "note": 'Saved an afternoon.\nSecond line, "quoted" — ok',
         "rated_at": "2026-03-03T08:00:00Z"},
        {"session_id": "claude-code-8e1b77", "verdict": "not_useful", "minutes_saved": -10,
         "reason": "had to redo it", "note": None, "rated_at": "2026-03-10T07:30:00Z"},
        {"session_id": "generic-55aa01", "verdict": None, "minutes_saved": 5, "reason": None,
         "note": "", "rated_at": "2026-03-11T12:00:00Z"},
        # A rating whose session is not (or no longer) stored: it is the user's, it stays.
        {"session_id": "codex-0000aa", "verdict": "useful", "minutes_saved": 600,
         "reason": None, "note": "rated before its session was deleted",
         "rated_at": "2026-02-01T00:00:00Z"},
    ],
    "labels": [
        {"name": "Ünïcode label", "position": 7},
        {"name": "client: ACME", "position": 8},
    ],
    "reasons": [{"name": "ran out of context", "position": 5}],
    "session_labels": [
        {"session_id": "chatgpt-3f9a2c", "label": "coding"},
        {"session_id": "chatgpt-3f9a2c", "label": "Ünïcode label"},
        {"session_id": "claude-code-8e1b77", "label": "debugging"},
        {"session_id": "generic-55aa01", "label": "client: ACME"},
        {"session_id": "codex-0000aa", "label": "no longer in the list"},
    ],
    "reflect_samples": [
        {"week_start": "2026-03-02", "size": 5, "position": 0, "session_id": "chatgpt-3f9a2c",
         "drawn_at": T2},
        {"week_start": "2026-03-02", "size": 5, "position": 1,
         "session_id": "claude-code-8e1b77", "drawn_at": T2},
    ],
    "file_states": [
        {"path": "/home/me/.claude/projects/wörk/0b1e.jsonl", "source": "claude-code",
         "parser_version": "2", "size": 123_456, "mtime_ns": 1_772_000_000_123_456_789,
         "offset": 120_000, "sessions": '["claude-code-8e1b77"]', "imported_at": T2,
         "content_crc": 3_735_928_559},
    ],
    "session_states": [
        {"session_id": "claude-code-8e1b77", "parser_version": "2",
         "state": '{"cwd": "/home/me/src/wörk", "open": [1, 2]}'},
    ],
    "tombstones": [
        {"session_id": "chatgpt-dead01", "source": "chatgpt", "deleted_at": T2},
    ],
    "rules": [
        {"id": 1, "action": "no-text", "selector": "project", "pattern": "~/work/acme*",
         "created_at": T2},
        {"id": 2, "action": "skip", "selector": "source", "pattern": "gemini",
         "created_at": T2},
    ],
}

#: Columns not written by the rows: kept by triggers from the session (checked on their own).
DERIVED = {"ratings": {"started_at", "source", "tokens_in", "tokens_out"}}

#: What the app reads back (labels in the order of the label list, then by name).
RATINGS = {
    "chatgpt-3f9a2c": Rating(Verdict.USEFUL, 25, ("coding", "Ünïcode label"), None,
                             'Saved an afternoon.\nSecond line, "quoted" — ok',
                             datetime(2026, 3, 3, 8, tzinfo=UTC)),
    "claude-code-8e1b77": Rating(Verdict.NOT_USEFUL, -10, ("debugging",), "had to redo it",
                                 None, datetime(2026, 3, 10, 7, 30, tzinfo=UTC)),
    "generic-55aa01": Rating(Verdict.UNRATED, 5, ("client: ACME",), None, "",
                             datetime(2026, 3, 11, 12, tzinfo=UTC)),
    "codex-0000aa": Rating(Verdict.USEFUL, 600, ("no longer in the list",), None,
                           "rated before its session was deleted",
                           datetime(2026, 2, 1, tzinfo=UTC)),
}


def build_at_step(path: Path, k: int) -> None:
    """A database as the Worthwhile of schema step ``k`` left it, filled as it allows."""
    db = Database(path)
    db.execute("PRAGMA journal_mode = WAL")
    MIGRATIONS.apply(db, stop_before=NAMES[k] if k < len(NAMES) else None)
    with db.atomic():
        for table, rows in ROWS.items():
            if not db[table].exists():
                continue
            columns = set(db[table].columns_dict)
            for row in rows:
                kept = {c: v for c, v in row.items() if c in columns}
                marks = ", ".join(f":{c}" for c in kept)
                db.conn.execute(f"INSERT INTO {table} ({', '.join(kept)}) VALUES ({marks})",
                                kept)
        # The full-text indexes, as an import writes them.
        db.conn.execute("INSERT INTO sessions_fts (rowid, title) SELECT key, title FROM sessions")
        db.conn.execute("INSERT INTO messages_fts (rowid, text) SELECT id, text FROM messages")
    db.close()


def _row_order(row: tuple[Any, ...]) -> list[tuple[bool, str, Any]]:
    """Sort rows by value (numbers as numbers), whatever mix of types and NULLs a column holds."""
    return [(v is None, type(v).__name__, 0 if v is None else v) for v in row]


def snapshot(conn: sqlite3.Connection) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Every ordinary table (full-text shadow tables included): its columns and sorted rows."""
    tables = [name for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
        if not sql.upper().startswith("CREATE VIRTUAL")]
    result = {}
    for table in tables:
        cursor = conn.execute(f'SELECT * FROM "{table}"')
        columns = [d[0] for d in cursor.description]
        result[table] = (columns, sorted(cursor.fetchall(), key=_row_order))
    return result


def schema(conn: sqlite3.Connection) -> set[tuple[str, str, str]]:
    return set(conn.execute("SELECT type, name, sql FROM sqlite_master"))


def read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True)


def test_the_rows_fill_every_column_of_the_current_schema(db_path: Path) -> None:
    db = open_db(db_path)
    for table, rows in ROWS.items():
        columns = set(db[table].columns_dict) - DERIVED.get(table, set())
        for row in rows:
            assert set(row) == columns, (
                f"{table}: give the rows of this test a value for every column "
                f"(missing {sorted(columns - set(row))}, unknown {sorted(set(row) - columns)})")
    db.close()


@pytest.mark.parametrize("k", STEPS, ids=lambda k: NAMES[k - 1])
def test_every_value_survives_the_upgrade_from_each_schema_step(
        k: int, db_path: Path, tmp_path: Path) -> None:
    db_path.parent.mkdir()
    build_at_step(db_path, k)
    old = read_only(db_path)
    before = snapshot(old)
    old.close()
    assert sorted(r[0] for r in before["_sqlite_migrations"][1]) == list(range(1, k + 1))

    db = open_db(db_path)  # what the app and every command do

    # The whole schema, as a new database has it.
    assert schema_version(db) == NAMES
    fresh = open_db(tmp_path / "fresh.db")
    assert schema(db.conn) == schema(fresh.conn)
    fresh.close()
    assert db.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    for index in ("sessions_fts", "messages_fts"):  # the indexes match their tables
        db.execute(f"INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', 1)")

    # Every value of every row written before is still there, nothing was added or lost
    # (the migrations table gains the steps applied; the full-text indexes were checked).
    after = snapshot(db.conn)
    for table, (columns, rows) in before.items():
        if table == "_sqlite_migrations" or table.endswith(
                ("_fts_data", "_fts_idx", "_fts_docsize", "_fts_config")):
            continue
        new_columns, new_rows = after[table]
        picked = [new_columns.index(c) for c in columns]
        assert Counter(tuple(r[i] for i in picked) for r in new_rows) == Counter(rows), table
    applied = after["_sqlite_migrations"][1]
    assert sorted(applied)[:k] == before["_sqlite_migrations"][1]

    # The same, read as the app reads it.
    for row in ROWS["sessions"]:
        stored = get_session(db, row["id"])
        assert (stored.title, stored.source, stored.model, stored.project, stored.tokens_in,
                stored.messages) == (row["title"], row["source"], row["model"], row["project"],
                                     row["tokens_in"], row["message_count"])
        texts = [m["text"] for m in ROWS["messages"] if m["session_key"] == row["key"]]
        assert [m.text for m in get_transcript(db, row["id"])] == texts
    for session_id, rating in RATINGS.items():
        assert get_rating(db, session_id) == rating
    assert list_labels(db)[-2:] == ["Ünïcode label", "client: ACME"]
    assert list_reasons(db)[-1] == "ran out of context"
    for word in ("zebrafinch", "quetzalcoatl", "naïve"):
        assert [s.id for s in list_sessions(db, SessionQuery(search=word))] == [
            "chatgpt-3f9a2c"]
    if k >= 2:
        assert stored_sample(db, "2026-03-02", 5) == ["chatgpt-3f9a2c", "claude-code-8e1b77"]
    # Each rating carries its session's facts (migration 0003), or none without a session.
    facts = db.execute(
        "SELECT r.session_id, r.started_at IS s.started_at AND r.source IS s.source "
        "AND r.tokens_in IS s.tokens_in AND r.tokens_out IS s.tokens_out "
        "FROM ratings r LEFT JOIN sessions s ON s.id = r.session_id").fetchall()
    assert facts == [(session_id, 1) for session_id in RATINGS]
    db.close()

    # The backup taken before migrating opens and holds the database exactly as it was.
    backups = sorted(db_path.parent.glob("worthwhile.db.*.bak"))
    if k == len(NAMES):
        assert backups == []  # nothing to migrate, nothing copied
        return
    assert backups == list(db_path.parent.glob(f"worthwhile.db.before-{NAMES[k]}-*Z.bak"))
    assert len(backups) == 1
    backup = read_only(backups[0])
    assert backup.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    assert snapshot(backup) == before
    backup.close()
