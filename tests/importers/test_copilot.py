"""Copilot Chat in VS Code: snapshots, operation-log replay, workspaces, exports."""

from __future__ import annotations

import json
import sqlite3
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


def workspace(root: Path, folder: str = "file:///home/alice/my%20app",
              items: dict[str, str] | None = None) -> Path:
    """A VS Code ``workspaceStorage/<hash>`` folder (its ``workspace.json`` and a
    ``state.vscdb`` holding ``items``); returns its ``chatSessions`` folder."""
    ws = root / "Code" / "User" / "workspaceStorage" / "0a1b2c3d"
    write_json(ws / "workspace.json", {"folder": folder})
    vscode_state_db(ws / "state.vscdb", {"workbench.panel.chat.numberOfVisibleViews": "1",
                                         **(items or {})})
    return ws / "chatSessions"


def vscode_state_db(path: Path, items: dict[str, str]) -> Path:
    """A VS Code ``state.vscdb``: its one ``ItemTable`` of string values, as VS Code makes it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)")
    conn.executemany("INSERT INTO ItemTable VALUES (?, ?)", list(items.items()))
    conn.commit()
    conn.close()
    return path


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


# --- older VS Code: chats in the workspace's state.vscdb (``interactive.sessions``) ------------

#: Chats as older VS Code serialised them under ``interactive.sessions``: an array of chats in
#: the snapshot's shape, newest first; the oldest ones with a string prompt and answer.
OLD_CHATS: list[dict[str, Any]] = [
    {"version": 2, "sessionId": "9f1e", "creationDate": 1712000000000, "isImported": False,
     "requesterUsername": "alice", "responderUsername": "GitHub Copilot",
     "providerId": "copilot", "welcomeMessage": None,
     "requests": [
         {"message": {"text": "what does parse_args return?",
                      "parts": [{"kind": "text", "text": "what does parse_args return?"}]},
          "variableData": {"variables": []},
          "response": [{"value": "A `Namespace`.", "isTrusted": False}],
          "result": {"metadata": {"modelMessageId": "m1"}}, "followups": [],
          "isCanceled": False, "contentReferences": []}]},
    {"sessionId": "7c2a", "creationDate": 1700000000000, "requesterUsername": "alice",
     "responderUsername": "GitHub Copilot", "providerId": "copilot",
     "requests": [
         {"message": "explain this regex", "response": "It matches a date.",
          "followups": [], "isCanceled": False},
         {"message": "and the anchors?", "response": "They pin it to the line.",
          "followups": [], "isCanceled": False}]},
    {"sessionId": "moved", "creationDate": 1711000000000, "providerId": "copilot",
     "requests": [{"message": "an old copy", "response": "of a moved chat"}]},
    {"sessionId": "nothing", "creationDate": 1711000000000, "providerId": "copilot",
     "requests": []},
]


def test_chats_kept_in_the_workspace_state_db(db: Database, tmp_path: Path) -> None:
    chats = workspace(tmp_path, items={"interactive.sessions": json.dumps(OLD_CHATS)})
    # A chat VS Code later moved to chatSessions/ is read from there, not twice.
    write_json(chats / "moved.json", snapshot("moved", [
        request("r1", "an old copy", 1711000000000, [{"value": "of a moved chat, later"}])]))
    report = import_paths(db, [chats.parent.parent])
    assert report.ok, report.files[0].error
    assert report.files[0].skipped == []
    rows = {r.external_id: r for r in list_sessions(db)}
    assert set(rows) == {"9f1e", "7c2a", "moved"}
    assert {r.source for r in rows.values()} == {"copilot"}
    assert {r.project for r in rows.values()} == {"/home/alice/my app"}
    assert (rows["9f1e"].messages, rows["9f1e"].user_messages) == (2, 1)
    assert [(m.role, m.text) for m in get_transcript(db, rows["7c2a"].id)] == [
        ("user", "explain this regex"), ("assistant", "It matches a date."),
        ("user", "and the anchors?"), ("assistant", "They pin it to the line.")]
    assert rows["7c2a"].title == "explain this regex"
    assert rows["7c2a"].started_at is not None
    assert rows["7c2a"].started_at.year == 2023
    assert get_transcript(db, rows["moved"].id)[-1].text == "of a moved chat, later"
    # Read again unchanged: nothing new, nothing lost.
    again = import_paths(db, [chats.parent.parent])
    assert again.totals["sessions_new"] == 0
    assert len(list_sessions(db)) == 3


def test_state_db_given_directly_and_without_chats(db: Database, tmp_path: Path) -> None:
    chats = workspace(tmp_path, items={"interactive.sessions": json.dumps(OLD_CHATS[:2])})
    report = import_paths(db, [chats.parent / "state.vscdb"])
    assert report.ok, report.files[0].error
    assert report.files[0].source == "copilot"
    assert {r.external_id for r in list_sessions(db)} == {"9f1e", "7c2a"}
    other = workspace(tmp_path / "other")
    report = import_paths(db, [other.parent.parent])
    assert report.ok
    assert report.files[0].skipped == []  # a workspace's database without chats is no history
    assert report.totals["sessions_new"] == 0


def test_state_db_parsed_from_a_stream(tmp_path: Path) -> None:
    path = vscode_state_db(tmp_path / "Code" / "User" / "workspaceStorage" / "ab" / "state.vscdb",
                           {"interactive.sessions": json.dumps(OLD_CHATS)})
    assert copilot.sniff(path.read_bytes()[:4096], str(path))
    sessions, _ = parse_bytes(copilot, path.read_bytes(), str(path))
    assert [s.external_id for s in sessions] == ["9f1e", "7c2a", "moved"]


def test_global_state_db_leaves_chats_moved_to_empty_window_files(db: Database,
                                                                   tmp_path: Path) -> None:
    """A window without a folder kept its chats in the global database; VS Code now keeps them
    in globalStorage/emptyWindowChatSessions, which wins."""
    storage = tmp_path / "Code" / "User" / "globalStorage"
    vscode_state_db(storage / "state.vscdb", {"interactive.sessions": json.dumps(OLD_CHATS)})
    write_json(storage / "emptyWindowChatSessions" / "moved.json", snapshot("moved", [
        request("r1", "an old copy", 1711000000000, [{"value": "of a moved chat, later"}])]))
    report = import_paths(db, [storage])
    assert report.ok, report.files[0].error
    rows = {r.external_id: r for r in list_sessions(db)}
    assert set(rows) == {"9f1e", "7c2a", "moved"}
    assert rows["7c2a"].project is None
    assert report.files[0].skipped == []
    assert report.totals == {"sessions_new": 3, "sessions_updated": 0, "sessions_unchanged": 0,
                             "sessions_deleted_earlier": 0, "sessions_excluded": 0}
    assert get_transcript(db, rows["moved"].id)[-1].text == "of a moved chat, later"
