"""Copilot Chat in VS Code: snapshots, operation-log replay, workspaces, exports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from desktop_app.importers import copilot
from desktop_app.ingest import import_paths
from desktop_app.store import get_transcript, list_sessions
from tests.builders import (
    DATA,
    append_jsonl,
    parse_bytes,
    request,
    snapshot,
    write_json,
    write_jsonl,
)

SAMPLES = DATA / "copilot"


ANSWER: list[dict[str, Any]] = [
    {"value": "Looking at ", "supportThemeIcons": False},
    {"kind": "inlineReference", "inlineReference": {"fsPath": "/home/alice/app/test_login.py",
                                                     "scheme": "file"}},
    {"kind": "toolInvocationSerialized", "toolId": "copilot_readFile", "toolCallId": "tc1",
     "isConfirmed": {"type": 1}, "isComplete": True,
     "pastTenseMessage": {"value": "Read test_login.py, lines 1 to 50"}},
    {"value": " — the fixture depends on wall-clock time."},
]


def workspace(root: Path, folder: str = "file:///home/alice/my%20app") -> Path:
    ws = root / "Code" / "User" / "workspaceStorage" / "0a1b2c3d"
    write_json(ws / "workspace.json", {"folder": folder})
    (ws / "state.vscdb").write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    return ws / "chatSessions"


def test_snapshot_in_a_workspace(db: Database, tmp_path: Path) -> None:
    chats = workspace(tmp_path)
    write_json(chats / "5d3c.json", snapshot("5d3c", [
        request("r1", "Why does test_login fail on CI?", 1755347728047, ANSWER,
                tokens=(18233, 410), resolved="gpt-5-2025-08-07"),
        request("r2", "Fix it", 1755347800000, [{"value": "Done."}], tokens=(19000, 90)),
    ], title="Fix flaky test"))
    write_json(chats / "empty.json", snapshot("empty", []))
    report = import_paths(db, [chats.parent.parent])
    assert report.ok, report.files[0].error
    assert report.files[0].skipped == []  # workspace.json and state.vscdb are not histories
    [row] = list_sessions(db)
    assert (row.source, row.external_id, row.title) == ("copilot", "5d3c", "Fix flaky test")
    assert row.project == "/home/alice/my app"
    assert (row.messages, row.user_messages) == (4, 2)
    assert (row.tokens_in, row.tokens_out) == (18233 + 19000, 410 + 90)
    assert row.model == "gpt-5"  # one each: the latest wins the tie
    answer = get_transcript(db, row.id)[1]
    assert answer.text == ("Looking at `test_login.py` — the fixture depends on wall-clock "
                           "time.\n[tool] Read test_login.py, lines 1 to 50")
    assert answer.model == "gpt-5-2025-08-07"


def test_operation_log_replay_and_log_wins(db: Database, tmp_path: Path) -> None:
    chats = workspace(tmp_path)
    write_json(chats / "s1.json", snapshot("s1", [request("old", "stale", 1, [])]))
    log = write_jsonl(chats / "s1.jsonl", [
        {"kind": 0, "v": snapshot("s1", [])},
        {"kind": 1, "k": ["customTitle"], "v": "Renamed"},
        {"kind": 2, "k": ["requests"], "v": [request("r1", "first question", 1755347728047,
                                                     [])]},
        {"kind": 1, "k": ["requests", 0, "response"], "v": [{"value": "first answer"}]},
        {"kind": 2, "k": ["requests"], "v": [request("r2", "second", 1755347730000,
                                                     [{"value": "x"}])]},
        {"kind": 2, "k": ["requests"], "i": 1, "v": [request("r2b", "second, edited",
                                                             1755347731000,
                                                             [{"value": "y"}])]},
        {"kind": 3, "k": ["requests", 1, "result"]},
        {"kind": 1, "k": ["nope", 5, "deep"], "v": 1},
        "not json",
    ])
    report = import_paths(db, [chats.parent.parent])
    assert report.ok, report.files[0].error
    assert [s.reason for s in report.files[0].skipped] == ["not valid JSON"]
    [row] = list_sessions(db)
    assert row.title == "Renamed"
    assert [m.text for m in get_transcript(db, row.id)] == [
        "first question", "first answer", "second, edited", "y"]
    # The log grows: the chat is read again and updated.
    append_jsonl(log, [{"kind": 1, "k": ["customTitle"], "v": "Final"}])
    again = import_paths(db, [chats.parent.parent])
    assert again.totals["sessions_updated"] == 1
    assert list_sessions(db)[0].title == "Final"


def test_exported_chat_without_session_id(tmp_path: Path) -> None:
    chat = {"requesterUsername": "alice", "responderUsername": "GitHub Copilot",
            "requests": [request("r1", "Explain this regex", 1755347728047,
                                 [{"value": "It matches digits"}])]}
    [one], _ = parse_bytes(copilot, json.dumps(chat).encode(), "export.json")
    [two], _ = parse_bytes(copilot, json.dumps(chat).encode(), "copy.json")
    assert one.external_id == two.external_id
    assert one.external_id.startswith("2025-08-16T12:35:28Z-")
    assert one.title == "Explain this regex"


@pytest.mark.parametrize(("name", "expected"), [
    ("kenn-io__agentsview__jsonl-ops-minimal.jsonl",
     ("jsonl-001", "Test JSONL Session", 2, 1, "gpt-4o")),
    ("kenn-io__agentsview__single-turn-session.json",
     ("test-123", "Test session", 2, 1, "gpt-5")),
])
def test_samples(db: Database, name: str, expected: tuple[Any, ...]) -> None:
    report = import_paths(db, [SAMPLES / name])
    assert report.ok, report.files[0].error
    [row] = list_sessions(db)
    assert (row.external_id, row.title, row.messages, row.user_messages, row.model) == expected
    assert row.tokens_in is None
