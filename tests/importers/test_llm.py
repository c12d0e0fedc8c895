"""llm logs.db: both schema generations, merged; a private copy with the -wal.

The databases here are written by hand in llm's own schemas (``llm/migrations.py``: 0.31 for
``responses``, 0.32-0.36 for ``threads``/``turns``/``messages``/``parts``); test_llm_real.py
has the real program write them.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

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
CREATE TABLE attachments (id TEXT PRIMARY KEY, type TEXT, path TEXT, url TEXT, content BLOB);
CREATE TABLE prompt_attachments (response_id TEXT, attachment_id TEXT, [order] INTEGER,
  PRIMARY KEY (response_id, attachment_id));
CREATE TABLE fragments (id INTEGER PRIMARY KEY, hash TEXT, content TEXT, datetime_utc TEXT,
  source TEXT);
CREATE TABLE prompt_fragments (response_id TEXT, fragment_id INTEGER, [order] INTEGER,
  PRIMARY KEY (response_id, fragment_id, [order]));
CREATE TABLE system_fragments (response_id TEXT, fragment_id INTEGER, [order] INTEGER,
  PRIMARY KEY (response_id, fragment_id, [order]));
CREATE TABLE tools (id INTEGER PRIMARY KEY, hash TEXT, name TEXT, description TEXT,
  input_schema TEXT, plugin TEXT);
CREATE TABLE tool_calls (id INTEGER PRIMARY KEY, response_id TEXT, tool_id INTEGER, name TEXT,
  arguments TEXT, tool_call_id TEXT);
CREATE TABLE tool_results (id INTEGER PRIMARY KEY, response_id TEXT, tool_id INTEGER,
  name TEXT, output TEXT, tool_call_id TEXT, instance_id INTEGER, exception TEXT);
"""

#: What migration m023_message_store (llm 0.32) adds; m027 adds turns.response_json.
NEW_SCHEMA = """
CREATE TABLE messages (hash TEXT PRIMARY KEY, parent_hash TEXT REFERENCES messages(hash),
  role TEXT, provider_metadata TEXT);
CREATE TABLE parts (id INTEGER PRIMARY KEY, message_hash TEXT REFERENCES messages(hash),
  position INTEGER, type TEXT, tool_name TEXT, text TEXT, payload TEXT);
CREATE UNIQUE INDEX idx_parts_message_hash_position ON parts (message_hash, position);
CREATE TABLE part_attachments (part_id INTEGER, attachment_id TEXT, [order] INTEGER,
  PRIMARY KEY (part_id, attachment_id, [order]));
CREATE TABLE part_fragments (part_id INTEGER, fragment_id INTEGER, [order] INTEGER,
  PRIMARY KEY (part_id, fragment_id, [order]));
CREATE TABLE threads (id TEXT PRIMARY KEY, name TEXT, tip_message_hash TEXT, forked_from TEXT,
  datetime_utc TEXT);
CREATE TABLE turns (id TEXT PRIMARY KEY, thread_id TEXT, parent_message_hash TEXT,
  tip_message_hash TEXT, model TEXT, resolved_model TEXT, options_json TEXT, schema_id TEXT,
  input_tokens INTEGER, output_tokens INTEGER, token_details TEXT, duration_ms INTEGER,
  datetime_utc TEXT, response_json TEXT);
CREATE TABLE turn_fragments (turn_id TEXT, fragment_id INTEGER, [order] INTEGER, kind TEXT,
  PRIMARY KEY (turn_id, fragment_id, kind, [order]));
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
    assert (conv.messages, conv.user_messages) == (5, 2)
    assert (conv.tokens_in, conv.tokens_out) == (42, 13)
    assert conv.model == "gpt-4o-mini"  # one each: the latest wins the tie
    assert [(m.role, m.text) for m in get_transcript(db, conv.id)] == [
        ("system", "be brief"), ("user", "What is a ULID?"), ("assistant", "A sortable id."),
        ("user", "And a UUIDv7?"), ("assistant", "Also sortable.")]
    lone = rows["01r3"]  # no conversation id: a session of its own
    assert (lone.messages, lone.tokens_in, lone.title) == (2, None, "hi")


def test_old_schema_fragments_attachments_and_tools(tmp_path: Path) -> None:
    """llm 0.31 kept a prompt's fragments, attachments and tool calls in tables of their own."""
    path = tmp_path / "logs.db"
    conn = sqlite3.connect(path)
    conn.executescript(OLD_SCHEMA)
    conn.executemany("INSERT INTO fragments (id, hash, content) VALUES (?, ?, ?)", [
        (1, "h1", "Notes: the build is slow.\n"), (2, "h2", "Answer in English.\n")])
    conn.executemany(
        "INSERT INTO responses (id, model, prompt, system, response, conversation_id, "
        "datetime_utc, input_tokens, output_tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            ("01a", "gpt-4o", "Summarise", None, "It is slow.", "c", "2025-05-01T10:00:00", 9,
             3),
            ("01b", "gpt-4o", "", None, "Calling the timer.", "c", "2025-05-01T10:01:00", 5, 2),
            ("01c", "gpt-4o", "", None, "It took 3 s.", "c", "2025-05-01T10:01:01", 7, 4)])
    conn.execute("INSERT INTO prompt_fragments VALUES ('01a', 1, 0)")
    conn.execute("INSERT INTO system_fragments VALUES ('01a', 2, 0)")
    conn.execute("INSERT INTO attachments VALUES ('a1', 'image/png', NULL, NULL, ?)",
                 (b"x" * 2048,))
    conn.execute("INSERT INTO prompt_attachments VALUES ('01a', 'a1', 0)")
    conn.execute("INSERT INTO tool_calls VALUES (1, '01b', 1, 'timer', '{\"run\": \"make\"}', "
                 "'tc1')")
    conn.execute("INSERT INTO tool_results VALUES (1, '01c', 1, 'timer', '3 s', 'tc1', NULL, "
                 "NULL)")
    conn.commit()
    conn.close()
    [session], _ = parse_bytes(llm, path.read_bytes(), "logs.db")
    assert [(m.role, m.text) for m in session.messages] == [
        ("system", "Answer in English."),
        ("user", "Notes: the build is slow.\n\nSummarise\n\n[attached file: image/png, 2.0 KB]"),
        ("assistant", "It is slow."),
        ("assistant", "Calling the timer."),
        ("tool", '[tool timer] {"run": "make"}\n[result] 3 s'),
        ("assistant", "It took 3 s.")]
    assert (session.tokens_in, session.tokens_out) == (21, 9)


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
    assert conv.title == "What is a ULID"  # the conversation's name, not the thread's
    assert (conv.messages, conv.user_messages) == (8, 3)  # 01r2 read once
    assert (conv.tokens_in, conv.tokens_out) == (92, 33)
    transcript = get_transcript(db, conv.id)
    assert [(m.role, m.text) for m in transcript][-3:] == [
        ("user", "Which is faster to generate?"), ("tool", "[tool timer]\n[result] ulid 1.2us"),
        ("assistant", "About the same.")]
    again = import_paths(db, [tmp_path])
    assert again.totals == {"sessions_new": 0, "sessions_updated": 0, "sessions_unchanged": 2,
                            "sessions_deleted_earlier": 0, "sessions_excluded": 0}


def message(conn: sqlite3.Connection, digest: str, parent: str | None, role: str,
            *parts: tuple[str, str | None, dict[str, Any]]) -> str:
    """A ``messages`` row and its ``parts`` as llm's LogStore writes them: text in the text
    column unless it borrows a fragment, the rest of the part as JSON."""
    conn.execute("INSERT INTO messages VALUES (?, ?, ?, NULL)", (digest, parent, role))
    for position, (kind, text, payload) in enumerate(parts):
        conn.execute("INSERT INTO parts (message_hash, position, type, tool_name, text, "
                     "payload) VALUES (?, ?, ?, ?, ?, ?)",
                     (digest, position, kind, payload.get("name"), text,
                      json.dumps(payload) if payload else None))
    return digest


def text(value: str) -> tuple[str, str | None, dict[str, Any]]:
    return ("text", value, {})


def add_new_schema_rows(conn: sqlite3.Connection) -> None:
    """The 0.32+ rows of a ``-c`` continuation: the old exchanges rebuilt as messages, 01r2 also
    as a turn (a backfilled response), and a new turn given a prompt and a tool's result."""
    conn.execute("INSERT INTO threads VALUES (?, ?, ?, ?, ?)",
                 (C1, "Which is faster to generate?", "b2:m6", None,
                  "2026-08-20 10:00:02+00:00"))
    message(conn, "b2:m0", None, "system", text("be brief"))
    message(conn, "b2:m1", "b2:m0", "user", text("What is a ULID?"))
    message(conn, "b2:m2", "b2:m1", "assistant", text("A sortable id."))
    message(conn, "b2:m3", "b2:m2", "user", text("And a UUIDv7?"))
    message(conn, "b2:m4", "b2:m3", "assistant", text("Also sortable."))
    message(conn, "b2:m5", "b2:m4", "user", text("Which is faster "), text("to generate?"))
    message(conn, "b2:m5t", "b2:m5", "tool",
            ("tool_result", None, {"name": "timer", "output": "ulid 1.2us"}))
    message(conn, "b2:m6", "b2:m5t", "assistant", text("About the same."))
    conn.executemany(
        "INSERT INTO turns (id, thread_id, parent_message_hash, tip_message_hash, model, "
        "resolved_model, input_tokens, output_tokens, duration_ms, datetime_utc) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            ("01r2", C1, "b2:m3", "b2:m4", "gpt-4o-mini", None, 30, 5, 900,
             "2025-02-16T22:35:10+00:00"),
            ("01t3", C1, "b2:m5t", "b2:m6", "claude-3-haiku", "claude-3-haiku-20240307", 50,
             20, 2000, "2026-08-20T10:00:00+00:00")])
    conn.commit()


def new_db(path: Path) -> Path:
    """A database of llm 0.32+ only: everything a turn can hold."""
    conn = sqlite3.connect(path)
    conn.executescript(NEW_SCHEMA)
    conn.execute("CREATE TABLE fragments (id INTEGER PRIMARY KEY, hash TEXT, content TEXT, "
                 "datetime_utc TEXT, source TEXT)")
    conn.execute("CREATE TABLE attachments (id TEXT PRIMARY KEY, type TEXT, path TEXT, url TEXT, "
                 "content BLOB)")
    conn.execute("INSERT INTO fragments (id, hash, content) VALUES (7, 'h', ?)",
                 ("def slow():\n    time.sleep(3)\n",))
    conn.execute("INSERT INTO attachments VALUES ('att1', 'image/jpeg', '/home/me/shot.jpg', "
                 "NULL, NULL)")
    conn.execute("INSERT INTO threads VALUES ('t1', 'Why is it slow', 'b2:a3', NULL, NULL)")
    conn.execute("INSERT INTO threads VALUES ('t2', NULL, 'b2:f1', 't1', NULL)")
    message(conn, "b2:s", None, "system", text("You review Python."))
    message(conn, "b2:u1", "b2:s", "user",
            ("text", None, {"text_ref": [{"fragment": 7}, {"literal": "\nWhy is it slow?"}]}),
            ("attachment", None, {"attachment": {"id": "att1"}}))
    message(conn, "b2:a1", "b2:u1", "assistant",
            ("reasoning", "It sleeps.", {}), text("It sleeps for 3 s."),
            ("tool_call", None, {"name": "profile", "arguments": {"target": "slow"},
                                 "tool_call_id": "c1"}))
    message(conn, "b2:r1", "b2:a1", "tool",
            ("tool_result", None, {"name": "profile", "output": "3.0 s in sleep",
                                   "tool_call_id": "c1"}))
    message(conn, "b2:u2", "b2:r1", "user", text("And without the sleep?"))
    message(conn, "b2:a2", "b2:u2", "assistant",
            ("tool_call", None, {"name": "web_search", "arguments": {"q": "sleep"},
                                 "tool_call_id": "s1", "server_executed": True}),
            ("tool_result", None, {"name": "web_search", "output": "2 pages",
                                   "tool_call_id": "s1", "server_executed": True}),
            text("Instant."))
    message(conn, "b2:u3", "b2:a2", "user", text("Thanks"))
    message(conn, "b2:a3", "b2:u3", "assistant", ("reasoning", "", {"redacted": True}),
            text("You're welcome."))
    message(conn, "b2:f0", "b2:a2", "user", text("Try asyncio instead"))  # the fork
    message(conn, "b2:f1", "b2:f0", "assistant", text("Use asyncio.sleep."))
    conn.executemany(
        "INSERT INTO turns (id, thread_id, parent_message_hash, tip_message_hash, model, "
        "input_tokens, output_tokens, duration_ms, datetime_utc) VALUES (?, ?, ?, ?, ?, ?, ?, "
        "?, ?)", [
            ("01t1", "t1", "b2:u1", "b2:a1", "o3", 100, 10, 4000, "2026-01-05T09:00:00+00:00"),
            ("01t2", "t1", "b2:u2", "b2:a2", "o3", 200, 20, 1000, "2026-01-05T09:00:05+00:00"),
            ("01t3", "t1", "b2:u3", "b2:a3", "o3", 300, 30, 500, "2026-01-05T09:01:00+00:00"),
            ("01t4", "t2", "b2:f0", "b2:f1", "o3", 250, 25, 700, "2026-01-06T09:00:00+00:00")])
    conn.commit()
    conn.close()
    return path


def test_new_schema_every_part(tmp_path: Path) -> None:
    sessions, skipped = parse_bytes(llm, new_db(tmp_path / "logs.db").read_bytes(), "logs.db")
    assert skipped == []
    by_id = {s.external_id: s for s in sessions}
    main, fork = by_id["t1"], by_id["t2"]
    assert [(m.role, m.text) for m in main.messages] == [
        ("system", "You review Python."),
        ("user", "def slow():\n    time.sleep(3)\n\nWhy is it slow?\n\n"
                 "[attached file: shot.jpg]"),
        ("assistant", "[thinking] It sleeps.\n\nIt sleeps for 3 s."),
        ("tool", '[tool profile] {"target": "slow"}\n[result] 3.0 s in sleep'),
        ("user", "And without the sleep?"),
        ("assistant", "Instant."),
        ("tool", '[tool web_search] {"q": "sleep"}\n[result] 2 pages'),
        ("user", "Thanks"),
        ("assistant", "You're welcome.")]
    assert (main.user_message_count, main.tokens_in, main.tokens_out) == (3, 600, 60)
    assert main.title == "Why is it slow"
    asked, answered = main.messages[1].time, main.messages[2].time
    assert asked is not None
    assert answered is not None
    assert (answered - asked).total_seconds() == 4  # the turn's duration
    # A fork is a thread of its own: only its own turn, titled by its prompt.
    assert [(m.role, m.text) for m in fork.messages] == [
        ("system", "You review Python."), ("user", "Try asyncio instead"),
        ("assistant", "Use asyncio.sleep.")]
    assert fork.title == "Try asyncio instead"


def test_new_schema_only(tmp_path: Path) -> None:
    path = tmp_path / "logs.db"
    conn = sqlite3.connect(path)
    conn.executescript(NEW_SCHEMA)
    add_new_schema_rows(conn)
    conn.close()
    [session], _ = parse_bytes(llm, path.read_bytes(), "logs.db")
    assert session.title == "Which is faster to generate?"  # the thread's name
    assert session.model == "claude-3-haiku-20240307"
    assert session.user_message_count == 2
    assert session.messages[0].text == "be brief"  # the chain's first message


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
