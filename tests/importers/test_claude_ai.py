"""Claude.ai export: flat text, content blocks, attachments, branches, batch zips."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from desktop_app.importers import claude_ai
from desktop_app.importers.contract import FormatError
from desktop_app.ingest import import_paths
from desktop_app.store import get_transcript, list_sessions
from desktop_app.store.imports import session_extras
from tests.builders import (
    claude_conversation,
    claude_message,
    parse_bytes,
    simple_claude,
    write_zip,
)

ROOT = "00000000-0000-4000-8000-000000000000"


def test_documented_example_with_content_blocks(db: Database, tmp_path: Path) -> None:
    conv = claude_conversation("0b6d0c4e", [
        claude_message("m-1", "human", "Explain ROW_NUMBER vs RANK",
                       "2025-07-06T03:10:13.609691Z", parent=ROOT,
                       content=[{"type": "text", "text": "Explain ROW_NUMBER vs RANK",
                                 "citations": [], "start_timestamp": "2025-07-06T03:10:13.60Z"}]),
        claude_message("m-2", "assistant", "<thinking text><answer text>",
                       "2025-07-06T03:10:24.798798+00:00", parent="m-1", content=[
                           {"type": "thinking", "thinking": "User wants a comparison",
                            "summaries": [{"summary": "Comparing"}], "cut_off": False},
                           {"type": "text", "text": "ROW_NUMBER always increments; RANK leaves "
                                                    "gaps", "citations": []}]),
    ], name="SQL window functions")
    path = write_zip(tmp_path / "data-org-batch-0000.zip", {"conversations.json": [conv]})
    report = import_paths(db, [path])
    assert report.ok, report.files[0].error
    [row] = list_sessions(db)
    assert row.source == "claude-ai"
    assert row.external_id == "0b6d0c4e"
    assert row.title == "SQL window functions"
    assert row.model is None
    assert (row.messages, row.user_messages) == (2, 1)
    assert row.started_at == datetime(2025, 7, 6, 3, 10, 13, tzinfo=UTC)
    assert row.ended_at == datetime(2025, 7, 6, 3, 10, 24, tzinfo=UTC)
    user, answer = get_transcript(db, row.id)
    assert (user.role, answer.role) == ("user", "assistant")
    assert "[thinking] User wants a comparison" in answer.text
    assert answer.text.endswith("RANK leaves gaps")
    assert "<answer text>" not in answer.text  # content[] preferred over the flat text


def test_flat_text_only_unsorted_and_empty_name() -> None:
    conv = claude_conversation("k1", [
        claude_message("b", "assistant", "second", "2024-03-01T10:00:05Z"),
        claude_message("a", "human", "first prompt here", "2024-03-01T10:00:00+00:00"),
    ], name="")
    [session], _ = parse_bytes(claude_ai, json.dumps([conv]).encode())
    assert [m.text for m in session.messages] == ["first prompt here", "second"]
    assert session.title == "first prompt here"
    assert session.hidden_branches == 0


def test_tool_use_results_and_attachments_in_one_entry() -> None:
    conv = claude_conversation("k1", [
        claude_message("h", "human", "", "2025-01-01T00:00:00Z",
                       content=[{"type": "text", "text": ""}],
                       attachments=[{"file_name": "notes.txt", "file_size": 2048,
                                     "file_type": "txt", "extracted_content": "secret"}],
                       files=[{"file_name": "photo.png"}]),
        claude_message("a", "assistant", "", "2025-01-01T00:00:09Z", content=[
            {"type": "tool_use", "name": "web_search", "input": {"query": "weather"}},
            {"type": "tool_result", "name": "web_search", "is_error": False,
             "content": [{"type": "knowledge", "title": "Forecast", "text": "sunny"}]},
            {"type": "tool_use", "name": "artifacts",
             "input": {"id": "a1", "type": "text/markdown", "command": "create",
                       "title": "Plan", "content": "# Plan"}},
            {"type": "text", "text": "Here you go"},
            {"type": "mystery_block"},
        ]),
    ])
    [session], _ = parse_bytes(claude_ai, json.dumps([conv]).encode())
    user, answer = session.messages
    assert user.role == "user"
    assert "[attached file: notes.txt, 2.0 KB]" in user.text
    assert "[file: photo.png]" in user.text
    assert "secret" not in user.text
    assert session.user_message_count == 1
    assert '[tool web_search] {"query": "weather"}' in answer.text
    assert "[web_search result] sunny" in answer.text
    assert "[artifact create: Plan]" in answer.text
    assert "Here you go" in answer.text
    assert "[mystery block]" in answer.text
    assert session.title == "A chat"


def test_branches_keep_the_newest_leaf() -> None:
    conv = claude_conversation("k1", [
        claude_message("h1", "human", "question", "2025-01-01T00:00:00Z", parent=ROOT),
        claude_message("a1", "assistant", "old answer", "2025-01-01T00:00:05Z", parent="h1"),
        claude_message("a2", "assistant", "retried answer", "2025-01-01T00:01:00Z",
                       parent="h1"),
        claude_message("h2", "human", "follow up", "2025-01-01T00:02:00Z", parent="a2"),
        claude_message("a3", "assistant", "final", "2025-01-01T00:02:10Z", parent="h2"),
    ])
    [session], _ = parse_bytes(claude_ai, json.dumps([conv]).encode())
    assert [m.text for m in session.messages] == ["question", "retried answer", "follow up",
                                                  "final"]
    assert session.hidden_branches == 1


def test_parent_links_in_a_loop_keep_the_order() -> None:
    # Found by hypothesis: a message that is its own parent leaves no leaf to start from.
    conv = claude_conversation("k1", [
        claude_message("h1", "human", "question", "2025-01-01T00:00:00Z", parent="h1"),
        claude_message("a1", "assistant", "answer", "2025-01-01T00:00:05Z", parent="h1"),
        claude_message("h2", "human", "loop", "2025-01-01T00:00:09Z", parent="a1"),
    ])
    conv["chat_messages"][0]["parent_message_uuid"] = "h2"
    [session], _ = parse_bytes(claude_ai, json.dumps([conv]).encode())
    assert [m.text for m in session.messages] == ["question", "answer", "loop"]


def test_several_batches_merge_and_dedupe(db: Database, tmp_path: Path) -> None:
    one = write_zip(tmp_path / "data-x-batch-0000.zip", {
        "conversations.json": [simple_claude("k1"), simple_claude("k2", 2)],
        "users.json": [{"uuid": "u"}],
    })
    two = write_zip(tmp_path / "data-x-batch-0001.zip", {
        "conversations.json": [simple_claude("k3"), claude_conversation("empty", [])],
        "projects.json": [],
    })
    report = import_paths(db, [one, two])
    assert report.ok
    assert [f.sessions_new for f in report.files] == [2, 1]
    assert [s.reason for s in report.files[1].skipped] == ["empty conversation (no messages)"]
    k2 = next(s for s in list_sessions(db) if s.external_id == "k2")
    assert (k2.messages, k2.user_messages) == (4, 2)
    assert session_extras(db, k2.id) == (0, None)


def test_not_claude_shapes_are_errors() -> None:
    with pytest.raises(FormatError):
        parse_bytes(claude_ai, b'{"uuid": "x"}')
    with pytest.raises(FormatError, match="no readable"):
        parse_bytes(claude_ai, json.dumps([{"chat_messages": []}, 5]).encode())


def test_conversations_whose_text_the_export_blanked_are_still_uses(db: Database,
                                                                     tmp_path: Path) -> None:
    # An export can leave every message's text empty: content blocks without text, or none.
    blank = claude_conversation("blank", [
        claude_message("h1", "human", "", "2025-01-01T00:00:00Z", parent=ROOT,
                       content=[{"type": "text", "text": ""}]),
        claude_message("a1", "assistant", "", "2025-01-01T00:00:05Z", parent="h1",
                       content=[]),
        claude_message("h2", "human", "  ", "2025-01-01T00:01:00Z", parent="a1"),
        claude_message("a2", "assistant", "", "2025-01-01T00:01:09Z", parent="h2"),
    ], name="", created="2025-01-01T00:00:00Z")
    half = claude_conversation("half", [
        claude_message("q", "human", "a real question", "2025-01-02T00:00:00Z"),
        claude_message("r", "assistant", "", "2025-01-02T00:00:04Z"),
    ])
    empty = claude_conversation("empty", [])
    path = write_zip(tmp_path / "data-x-batch-0000.zip",
                     {"conversations.json": [blank, half, empty]})
    report = import_paths(db, [path])
    entry = report.files[0]
    assert entry.error is None
    # Only the conversation without a single message is skipped as empty.
    assert [(s.what, s.reason) for s in entry.skipped] == [
        (f"{path}!conversations.json: conversation 3 (empty)",
         "empty conversation (no messages)")]
    rows = {r.external_id: r for r in list_sessions(db)}
    assert entry.sessions_new == len(rows) == 2
    assert entry.messages == 6
    assert (rows["blank"].messages, rows["blank"].user_messages) == (4, 2)
    assert rows["blank"].title == "Untitled conversation"
    assert rows["blank"].ended_at == datetime(2025, 1, 1, 0, 1, 9, tzinfo=UTC)
    assert [(m.role, m.text) for m in get_transcript(db, rows["blank"].id)] == [
        ("user", ""), ("assistant", ""), ("user", ""), ("assistant", "")]
    assert (rows["half"].messages, rows["half"].user_messages) == (2, 1)
