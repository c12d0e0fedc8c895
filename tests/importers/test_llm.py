"""llm logs.db: both schema generations, merged; a private copy with the -wal."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from desktop_app.importers import llm
from desktop_app.ingest import import_paths
from desktop_app.store import get_transcript, list_sessions
from tests.builders import parse_bytes

OLD_SCHEMA = """
CREATE TABLE _llm_migrations (name TEXT PRIMARY KEY, applied_at TEXT);
CREATE TABLE conversations (id TEXT PRIMARY KEY, name TEXT, model TEXT);
CREATE TABLE responses (
  id TEXT PRIMARY KEY, model TEXT, prompt TEXT, system TEXT, prompt_json TEXT,
  options_json TEXT, response TEXT, response_json TEXT,
  conversation_id TEXT REFERENCES conversations(id), duration_ms INTEGER, datetime_utc TEXT,
  input_tokens INTEGER, output_tokens INTEGER, token_details TEXT, schema_id TEXT,
  resolved_model TEXT);
"""

NEW_SCHEMA = """
CREATE TABLE threads (id TEXT PRIMARY KEY, name TEXT, tip_message_hash TEXT, forked_from TEXT,
  datetime_utc TEXT);
CREATE TABLE turns (id TEXT PRIMARY KEY, thread_id TEXT, parent_message_hash TEXT,
  tip_message_hash TEXT, model TEXT, resolved_model TEXT, options_json TEXT,
  input_tokens INTEGER, output_tokens INTEGER, token_details TEXT, duration_ms INTEGER,
  datetime_utc TEXT, response_json TEXT);
CREATE TABLE messages (hash TEXT PRIMARY KEY, parent_hash TEXT, role TEXT,
  provider_metadata TEXT);
CREATE TABLE parts (message_hash TEXT, position INTEGER, type TEXT, tool_name TEXT, text TEXT,
  payload TEXT);
"""

C1 = "01j0000000000000000000conv"


def old_db(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(OLD_SCHEMA)
    conn.execute("INSERT INTO conversations VALUES (?, ?, ?)",
                 (C1, "What is a ULID", "gpt-4o-mini"))
    conn.executemany(
        "INSERT INTO responses (id, model, prompt, system, response, conversation_id, "
        "duration_ms, datetime_utc, input_tokens, output_tokens, resolved_model) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            ("01r1", "gpt-4o-mini", "What is a ULID?", "be brief", "A sortable id.", C1, 1500,
             "2025-02-16T22:34:30.374882+00:00", 12, 8, "gpt-4o-mini-2024-07-18"),
            ("01r2", "gpt-4o-mini", "And a UUIDv7?", None, "Also sortable.", C1, 900,
             "2025-02-16T22:35:10.000000+00:00", 30, 5, None),
            ("01r3", "echo", "hi", None, "hi", None, 1, "2025-02-17T08:00:00+00:00", None,
             None, None),
        ])
    conn.commit()
    conn.close()
    return path


def test_old_schema(db: Database, tmp_path: Path) -> None:
    path = old_db(tmp_path / "io.datasette.llm" / "logs.db")
    report = import_paths(db, [path])
    assert report.ok, report.files[0].error
    rows = {r.external_id: r for r in list_sessions(db)}
    conv = rows[C1]
    assert conv.title == "What is a ULID"
    assert (conv.messages, conv.user_messages) == (4, 2)
    assert (conv.tokens_in, conv.tokens_out) == (42, 13)
    assert conv.model == "gpt-4o-mini"  # one each: the latest wins the tie
    assert [m.text for m in get_transcript(db, conv.id)] == [
        "What is a ULID?", "A sortable id.", "And a UUIDv7?", "Also sortable."]
    lone = rows["01r3"]  # no conversation id: a session of its own
    assert (lone.messages, lone.tokens_in, lone.title) == (2, None, "hi")


def test_both_schemas_merged_from_the_wal(db: Database, tmp_path: Path) -> None:
    path = old_db(tmp_path / "logs.db")
    # A running llm: WAL mode, its new rows still in logs.db-wal while it is open.
    running = sqlite3.connect(path)
    running.execute("PRAGMA journal_mode=WAL")
    running.execute("PRAGMA wal_autocheckpoint=0")
    running.executescript(NEW_SCHEMA)
    add_new_schema_rows(running)
    assert (tmp_path / "logs.db-wal").stat().st_size > 0
    before = sorted(p.name for p in tmp_path.iterdir())
    try:
        report = import_paths(db, [tmp_path])
        assert sorted(p.name for p in tmp_path.iterdir()) == before  # the original untouched
    finally:
        running.close()
    assert report.ok, report.files[0].error
    conv = next(r for r in list_sessions(db) if r.external_id == C1)
    assert (conv.messages, conv.user_messages) == (7, 3)  # 01r2 read once
    assert (conv.tokens_in, conv.tokens_out) == (92, 33)
    assert [m.role for m in get_transcript(db, conv.id)][-3:] == ["user", "tool", "assistant"]
    assert get_transcript(db, conv.id)[-3].text == "Which is faster\nto generate?"
    again = import_paths(db, [tmp_path])
    assert again.totals == {"sessions_new": 0, "sessions_updated": 0, "sessions_unchanged": 2}


def add_new_schema_rows(conn: sqlite3.Connection) -> None:
    """The 0.32+ rows: 01r2 copied from responses as a turn, and a new turn with a tool."""
    conn.execute("INSERT INTO threads VALUES (?, ?, ?, ?, ?)",
                 (C1, "What is a ULID", "b2:m6", None, "2025-02-16T22:34:30+00:00"))
    conn.executemany("INSERT INTO messages VALUES (?, ?, ?, ?)", [
        ("b2:m3", None, "user", None), ("b2:m4", "b2:m3", "assistant", None),
        ("b2:m5", "b2:m4", "user", None), ("b2:m5t", "b2:m5", "tool", None),
        ("b2:m6", "b2:m5t", "assistant", None)])
    conn.executemany("INSERT INTO parts VALUES (?, ?, ?, ?, ?, ?)", [
        ("b2:m3", 0, "text", None, "And a UUIDv7?", None),
        ("b2:m4", 0, "text", None, "Also sortable.", None),
        ("b2:m5", 0, "text", None, "Which is faster", None),
        ("b2:m5", 1, "text", None, "to generate?", None),
        ("b2:m5t", 0, "tool_result", "timer", "ulid 1.2us", None),
        ("b2:m6", 0, "text", None, "About the same.", None)])
    conn.executemany(
        "INSERT INTO turns (id, thread_id, parent_message_hash, tip_message_hash, model, "
        "resolved_model, input_tokens, output_tokens, duration_ms, datetime_utc) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            ("01r2", C1, None, "b2:m4", "gpt-4o-mini", None, 30, 5, 900,
             "2025-02-16T22:35:10+00:00"),
            ("01t3", C1, "b2:m4", "b2:m6", "claude-3-haiku", "claude-3-haiku-20240307", 50,
             20, 2000, "2026-08-20T10:00:00+00:00")])
    conn.commit()


def test_new_schema_only(tmp_path: Path) -> None:
    path = tmp_path / "logs.db"
    conn = sqlite3.connect(path)
    conn.executescript(NEW_SCHEMA)
    add_new_schema_rows(conn)
    conn.close()
    [session], _ = parse_bytes(llm, path.read_bytes(), "logs.db")
    assert session.title == "What is a ULID"
    assert session.model == "claude-3-haiku-20240307"
    assert session.user_message_count == 2


def test_not_an_llm_database(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "logs.db"
    sqlite3.connect(path).execute("CREATE TABLE x (a)").connection.close()
    report = import_paths(db, [path])
    assert report.files[0].error is not None
    assert "no llm logs" in report.files[0].error


def test_sniff_needs_the_name_and_header() -> None:
    assert llm.sniff(b"SQLite format 3\x00", "/x/logs.db")
    assert not llm.sniff(b"SQLite format 3\x00", "/x/other.db")
    assert not llm.sniff(b"{}", "logs.db")
