"""Cursor: composer chats in cursorDiskKV (inline and v3 bubbles), the legacy chat panel."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from desktop_app.importers import cursor
from desktop_app.importers.places import places
from desktop_app.ingest import import_paths
from desktop_app.store import get_transcript, list_sessions
from tests.builders import (
    cursor_agent_store,
    cursor_state_db,
    cursor_transcript,
    parse_bytes,
    write_json,
)

CID = "7f1c0000-aaaa-bbbb-cccc-000000000001"


def composer_v3() -> dict[str, Any]:
    return {
        f"composerData:{CID}": {
            "composerId": CID, "name": "Refactor auth", "_v": 3, "createdAt": 1754300000000,
            "lastUpdatedAt": 1754300600000, "unifiedMode": "agent",
            "modelConfig": {"modelName": "claude-4-sonnet", "maxMode": False},
            "workspaceIdentifier": {"id": "a1b2", "uri": {"fsPath": "/home/alice/app"}},
            "fullConversationHeadersOnly": [
                {"bubbleId": "b1", "type": 1}, {"bubbleId": "b2", "type": 2},
                {"bubbleId": "b3", "type": 2}, {"bubbleId": "b4", "type": 2},
                {"bubbleId": "missing", "type": 2}]},
        f"bubbleId:{CID}:b1": {"_v": 3, "type": 1, "bubbleId": "b1", "text": "Move token checks",
                               "createdAt": "2025-08-04T09:33:20.000Z"},
        f"bubbleId:{CID}:b3": {"_v": 3, "type": 2, "bubbleId": "b3", "capabilityType": 15,
                               "toolFormerData": {"name": "read_file",
                                                  "rawArgs": "{\"path\": \"auth.py\"}",
                                                  "result": "def check(): ..."},
                               "createdAt": "2025-08-04T09:33:30.000Z"},
        f"bubbleId:{CID}:b2": {"_v": 3, "type": 2, "bubbleId": "b2", "text": "Reading auth.py",
                               "thinking": {"text": "find the checks"},
                               "modelInfo": {"modelName": "claude-4-sonnet"},
                               "tokenCount": {"inputTokens": 1200, "outputTokens": 380},
                               "createdAt": "2025-08-04T09:33:25.000Z"},
        f"bubbleId:{CID}:b4": {"_v": 3, "type": 2, "bubbleId": "b4",
                               "text": "I moved token checks into middleware.",
                               "modelInfo": {"modelName": "claude-4-sonnet"},
                               "tokenCount": {"inputTokens": 0, "outputTokens": 0},
                               "createdAt": 1754300031500},
        "composerData:empty": {"composerId": "empty", "_v": 3,
                               "fullConversationHeadersOnly": []},
        "messageRequestContext:x:y": {"ignored": True},
    }


def test_composer_v3_bubbles(db: Database, tmp_path: Path) -> None:
    path = cursor_state_db(tmp_path / "Cursor" / "User" / "globalStorage" / "state.vscdb",
                   composer_v3(), blob=True)
    report = import_paths(db, [path])
    assert report.ok, report.files[0].error
    [row] = list_sessions(db)
    assert (row.source, row.external_id, row.title) == ("cursor", CID, "Refactor auth")
    assert row.project == "/home/alice/app"
    assert row.model == "claude-4-sonnet"
    assert (row.tokens_in, row.tokens_out) == (1200, 380)
    assert (row.messages, row.user_messages) == (4, 1)
    transcript = get_transcript(db, row.id)
    assert [m.role for m in transcript] == ["user", "assistant", "tool", "assistant"]
    assert transcript[1].text == "[thinking] find the checks\n\nReading auth.py"
    assert transcript[2].text.startswith('[tool read_file] {"path": "auth.py"}')
    assert row.started_at is not None
    assert row.started_at.year == 2025


def test_inline_conversation_and_zero_tokens(tmp_path: Path) -> None:
    path = cursor_state_db(tmp_path / "state.vscdb", {"composerData:c1": {
        "composerId": "c1", "_v": 1, "createdAt": 1754300000000, "conversation": [
            {"type": 1, "bubbleId": "u", "text": "Explain this regex"},
            {"type": 2, "bubbleId": "a", "text": "It matches digits",
             "tokenCount": {"inputTokens": 0, "outputTokens": 0}}]}})
    [session], _ = parse_bytes(cursor, path.read_bytes(), "state.vscdb")
    assert session.title == "Explain this regex"
    assert session.tokens_in is None  # 0/0 means Cursor did not record them
    assert session.model is None


def test_legacy_chat_panel_in_a_workspace(db: Database, tmp_path: Path) -> None:
    ws = tmp_path / "Cursor" / "User" / "workspaceStorage" / "abc123"
    write_json(ws / "workspace.json", {"folder": "file:///home/alice/old%20app"})
    cursor_state_db(ws / "state.vscdb", items={cursor.LEGACY_KEY: {"tabs": [
        {"tabId": "tab-1", "chatTitle": "Fix the build", "lastSendTime": 1700000000000,
         "bubbles": [{"type": "user", "text": "Why does the build fail?"},
                     {"type": "ai", "rawText": "A missing import.", "modelType": "gpt-4"}]},
        {"tabId": "tab-2", "bubbles": []}]}, "other.key": "x"})
    cursor_state_db(ws.parent / "def456" / "state.vscdb", items={"nothing": "here"})
    report = import_paths(db, [ws.parent])
    assert report.ok, report.files[0].error
    [row] = list_sessions(db)
    assert (row.external_id, row.title, row.model) == ("tab-1", "Fix the build", "gpt-4")
    assert row.project == "/home/alice/old app"
    assert (row.messages, row.user_messages) == (2, 1)
    again = import_paths(db, [ws.parent])
    assert again.totals == {"sessions_new": 0, "sessions_updated": 0, "sessions_unchanged": 1,
                            "sessions_deleted_earlier": 0, "sessions_excluded": 0}


def test_vscode_databases_are_not_cursor() -> None:
    head = b"SQLite format 3\x00"
    assert cursor.sniff(head, "/home/a/.config/Cursor/User/globalStorage/state.vscdb")
    assert not cursor.sniff(head, "/home/a/.config/Code/User/globalStorage/state.vscdb")


def composer_2024(cid: str, name: str, turns: list[tuple[int, str]], updated: int
                  ) -> dict[str, Any]:
    """An ``allComposers`` entry as Cursor 0.4x wrote it: the bubbles inline, no ``_v``."""
    rich = {"root": {"children": [{"children": [{"text": turns[0][1], "type": "text"}],
                                   "type": "paragraph"}], "type": "root"}}
    return {"composerId": cid, "name": name, "createdAt": updated - 60_000,
            "lastUpdatedAt": updated, "status": "completed", "text": "", "richText": "",
            "context": {"fileSelections": [], "selections": []}, "hasLoaded": True,
            "conversation": [
                {"type": kind, "bubbleId": f"{cid}-{n}", "text": text if n else "",
                 "richText": json.dumps(rich) if kind == 1 else "",
                 "context": {"fileSelections": []}, "codeBlocks": []}
                for n, (kind, text) in enumerate(turns)]}


def test_workspace_composer_sessions_inline(db: Database, tmp_path: Path) -> None:
    """A 2024 workspace keeps its Composer chats inline in ``composer.composerData`` beside its
    chat tabs: both are imported, and an index-only entry (its chat in the global database)
    is not a session of its own."""
    ws = tmp_path / "Cursor" / "User" / "workspaceStorage" / "abc123"
    write_json(ws / "workspace.json", {"folder": "file:///home/alice/app"})
    composers = [composer_2024(f"comp-{n}", f"Composer {n}",
                               [(1, f"Prompt {n}"), (2, f"Answer {n}"), (1, "And then?"),
                                (2, "Done.")], 1_730_000_000_000 + n * 3_600_000)
                 for n in range(3)]
    index_only = {"composerId": CID, "name": "Refactor auth", "createdAt": 1754300000000,
                  "lastUpdatedAt": 1754300600000, "unifiedMode": "agent"}
    cursor_state_db(ws / "state.vscdb", items={
        cursor.LEGACY_KEY: {"tabs": [{"tabId": "tab-1", "chatTitle": "Fix the build",
                                      "bubbles": [{"type": "user", "text": "Why?"},
                                                  {"type": "ai", "rawText": "An import."}]}]},
        cursor.COMPOSERS_KEY: {"allComposers": [*composers, index_only],
                               "selectedComposerId": "comp-2", "composerDataVersion": 1}})
    global_db = cursor_state_db(tmp_path / "Cursor" / "User" / "globalStorage" / "state.vscdb",
                                composer_v3())
    report = import_paths(db, [tmp_path / "Cursor" / "User"])
    assert report.ok, [f.error for f in report.files]
    rows = {row.external_id: row for row in list_sessions(db)}
    assert sorted(rows) == sorted(["tab-1", CID, "comp-0", "comp-1", "comp-2"])
    row = rows["comp-1"]
    assert (row.title, row.project) == ("Composer 1", "/home/alice/app")
    assert (row.messages, row.user_messages) == (4, 2)
    assert row.started_at is not None
    assert row.started_at.year == 2024
    transcript = get_transcript(db, row.id)
    assert [m.text for m in transcript] == ["Prompt 1", "Answer 1", "And then?", "Done."]
    assert rows[CID].messages == 4  # the global chat, not shadowed by its index entry
    again = import_paths(db, [tmp_path / "Cursor" / "User", global_db])
    assert again.totals["sessions_new"] == again.totals["sessions_updated"] == 0


def test_older_bubble_key_shapes(tmp_path: Path) -> None:
    """Chats whose composerData lists no headers, single-segment ``bubbleId:<bubble>`` keys
    naming their chat in ``conversationId``, and bubbles left without a composerData row are
    all read, each chat's bubbles in time order whatever the key order."""
    kv: dict[str, Any] = {
        # no headers: its bubbles are found under its key prefix, sorted by their times
        "composerData:c-old": {"composerId": "c-old", "_v": 1, "name": "Old chat",
                               "createdAt": 1730000000000},
        "bubbleId:c-old:zz": {"type": 2, "bubbleId": "zz", "text": "First answer",
                              "createdAt": "2024-10-27T03:33:25.000Z"},
        "bubbleId:c-old:aa": {"type": 1, "bubbleId": "aa", "text": "First prompt",
                              "createdAt": "2024-10-27T03:33:21.000Z"},
        "bubbleId:c-old:mm": {"type": 1, "bubbleId": "mm", "text": "Second prompt",
                              "createdAt": 1730000100000},
        # headers that point at single-segment keys
        "composerData:c-single": {"composerId": "c-single", "_v": 2, "createdAt": 1730000000000,
                                  "fullConversationHeadersOnly": [
                                      {"bubbleId": "s2", "type": 1},
                                      {"bubbleId": "s1", "type": 2}]},
        "bubbleId:s1": {"bubbleId": "s1", "conversationId": "c-single", "text": "Answer"},
        "bubbleId:s2": {"bubbleId": "s2", "conversationId": "c-single", "text": "Question"},
        # no composerData at all, in either key shape
        "bubbleId:o1": {"type": 1, "conversationId": "c-lone", "text": "Lone prompt",
                        "createdAt": "2024-10-01T10:00:00Z"},
        "bubbleId:o2": {"type": 2, "conversationId": "c-lone", "text": "Lone answer",
                        "createdAt": "2024-10-01T10:00:09Z"},
        "bubbleId:c-left:b": {"type": 2, "text": "Left answer",
                              "createdAt": "2024-09-01T10:00:09Z"},
        "bubbleId:c-left:a": {"type": 1, "text": "Left prompt",
                              "createdAt": "2024-09-01T10:00:00Z"},
    }
    path = cursor_state_db(tmp_path / "state.vscdb", kv, blob=True)
    sessions, _ = parse_bytes(cursor, path.read_bytes(), "state.vscdb")
    got = {s.external_id: [(m.role, m.text) for m in s.messages] for s in sessions}
    assert got == {
        "c-old": [("user", "First prompt"), ("assistant", "First answer"),
                  ("user", "Second prompt")],
        "c-single": [("user", "Question"), ("assistant", "Answer")],
        "c-lone": [("user", "Lone prompt"), ("assistant", "Lone answer")],
        "c-left": [("user", "Left prompt"), ("assistant", "Left answer")],
    }
    titles = {s.external_id: s.title for s in sessions}
    assert (titles["c-old"], titles["c-lone"]) == ("Old chat", "Lone prompt")


AGENT = "b172f4ff-d714-4b6d-9caf-a3f2a12a0188"


def test_cursor_agent_store(db: Database, tmp_path: Path) -> None:
    """The cursor-agent CLI's ``store.db``: the chat is the blob tree from the latest root, the
    person's words inside ``<user_query>``, context-only messages and the system prompt left
    out, a tool call and its result one entry."""
    store = tmp_path / ".cursor" / "chats" / ("c" * 32) / AGENT / "store.db"
    cursor_agent_store(store, {
        "agentId": AGENT, "name": "New Agent", "mode": "default",
        "createdAt": 1773719337438, "lastUsedModel": "claude-4-sonnet"}, [
        {"role": "system", "content": "You are a coding agent."},
        {"role": "user", "content": [{"type": "text",
                                      "text": "<user_info>OS: linux</user_info>"}]},
        {"role": "user", "content": [{"type": "text", "text":
                                      "<user_query>\nList the files\n</user_query>"}],
         "providerOptions": {}, "requestId": "r1"},
        {"role": "assistant", "id": "1", "content": [
            {"type": "reasoning", "text": "Use ls.", "signature": ""},
            {"type": "text", "text": "Listing them."},
            {"type": "tool-call", "toolCallId": "t1", "toolName": "Shell",
             "args": {"command": "ls"}}]},
        {"role": "tool", "id": "1", "content": [
            {"type": "tool-result", "toolCallId": "t1", "toolName": "Shell",
             "result": [{"type": "text", "text": "a.py\nb.py"}]}]},
        {"role": "assistant", "id": "1", "content": [{"type": "text", "text": "Two files."}]},
    ], extra_blobs={"f" * 64: b'{"role": "user", "content": "an older root\'s message"}'})
    report = import_paths(db, [tmp_path / ".cursor" / "chats"])
    assert report.ok, [f.error for f in report.files]
    [row] = list_sessions(db)
    assert (row.source, row.external_id, row.title) == ("cursor", AGENT, "List the files")
    assert (row.model, row.messages, row.user_messages) == ("claude-4-sonnet", 4, 1)
    assert row.started_at is not None
    assert row.started_at.year == 2026
    assert [(m.role, m.text) for m in get_transcript(db, row.id)] == [
        ("user", "List the files"),
        ("assistant", "[thinking] Use ls.\n\nListing them."),
        ("tool", '[tool Shell] {"command": "ls"}\n[result] a.py\nb.py'),
        ("assistant", "Two files.")]
    again = import_paths(db, [store])
    assert again.totals == {"sessions_new": 0, "sessions_updated": 0, "sessions_unchanged": 1,
                            "sessions_deleted_earlier": 0, "sessions_excluded": 0}


def test_store_db_of_another_tool_is_not_cursor() -> None:
    head = b"SQLite format 3\x00"
    assert cursor.sniff(head, f"/home/a/.cursor/chats/{'0' * 32}/{AGENT}/store.db")
    assert not cursor.sniff(head, "/home/a/project/data/store.db")


def test_cursor_agent_chats_are_a_default_location(tmp_path: Path) -> None:
    store = cursor_agent_store(tmp_path / ".cursor" / "chats" / ("a" * 32) / AGENT / "store.db",
                               {"agentId": AGENT}, [])
    found = list(cursor.locations(places({}, tmp_path, "linux")))
    assert [(f.path, f.files) for f in found] == [(tmp_path / ".cursor" / "chats", 1)]
    moved = list(cursor.locations(places({"CURSOR_CONFIG_DIR": str(store.parents[3])},
                                         tmp_path / "elsewhere", "linux")))
    assert [f.path for f in moved] == [tmp_path / ".cursor" / "chats"]


def test_agent_transcripts_are_a_default_location(tmp_path: Path) -> None:
    folder = tmp_path / ".cursor" / "projects" / "home-a-app" / "agent-transcripts"
    (folder / f"{AGENT}").mkdir(parents=True)
    (folder / f"{AGENT}.txt").write_text("user:\n<user_query>hi</user_query>\n", encoding="utf-8")
    (folder / AGENT / f"{AGENT}.jsonl").write_text('{"role": "user"}\n', encoding="utf-8")
    (folder / AGENT / "subagents").mkdir()
    (folder / AGENT / "subagents" / "x.jsonl").write_text('{"role": "user"}\n', encoding="utf-8")
    (folder.parent / "terminals").mkdir()
    (folder.parent / "terminals" / "1.txt").write_text("$ ls\n", encoding="utf-8")
    found = list(cursor.locations(places({}, tmp_path, "linux")))
    assert [(f.path, f.files) for f in found] == [(folder, 2)]


def test_empty_agent_chat_is_reported(db: Database, tmp_path: Path) -> None:
    store = cursor_agent_store(tmp_path / "chats" / ("a" * 32) / AGENT / "store.db",
                               {"agentId": AGENT}, [{"role": "system", "content": "Be brief."}])
    report = import_paths(db, [store])
    assert report.ok
    assert [s.reason for s in report.files[0].skipped] == ["empty agent chat (no messages)"]
    assert list_sessions(db) == []


# --- agent transcripts ---------------------------------------------------------------------------

TXT = """user:
<user_query>
Why does the login test fail?
</user_query>

assistant:
[Thinking] Look at the test first.

I'll read the test.

[Tool call] Read
  path: tests/test_login.py

[Tool result] Read
def test_login(): assert login("a") is True

assistant:
The test expects `True` but `login` returns None.

user:
<user_query>
Fix it
</user_query>

assistant:
[Tool call] StrReplace
  path: app/login.py
  old_string: return
  new_string: return True

[Tool result] StrReplace

assistant:
Done: `login` now returns True.
"""


def jsonl_chat() -> list[dict[str, Any]]:
    def user(text: str) -> dict[str, Any]:
        return {"role": "user", "message": {"content": [
            {"type": "text", "text": f"<user_query>\n{text}\n</user_query>"}]}}

    return [
        user("List the routes"),
        {"role": "assistant", "message": {"content": [
            {"type": "text", "text": "Reading the router."},
            {"type": "tool_use", "name": "Grep", "input": {"pattern": "@app.route"}}]}},
        {"role": "assistant", "message": {"content": [
            {"type": "text", "text": "There are two routes: / and /login."}]}},
        {"type": "turn_ended", "status": "success"},
        user("Add /logout"),
        {"role": "assistant", "message": {"content": [
            {"type": "text", "text": "Added."}]}},
        {"type": "turn_ended", "status": "success"},
    ]


def test_agent_transcripts_txt_and_jsonl(db: Database, tmp_path: Path) -> None:
    """Both transcript layouts are read: the person's words inside ``<user_query>``, a tool
    call with its arguments and result one entry, thinking shown in its answer, turn_ended
    lines passed over. Transcripts record no times: the file's last change stands in."""
    projects = tmp_path / "projects"
    txt = cursor_transcript(projects, "home-alice-app", "11111111-aaaa-4bbb-8ccc-000000000001",
                            TXT)
    cursor_transcript(projects, "home-alice-api", "22222222-aaaa-4bbb-8ccc-000000000002",
                      jsonl_chat())
    assert cursor.sniff(txt.read_bytes()[:100], str(txt))
    report = import_paths(db, [projects])
    assert report.ok, [f.error for f in report.files]
    assert report.totals["sessions_new"] == 2
    assert report.files[0].skipped == []
    rows = {row.external_id: row for row in list_sessions(db)}
    old = rows["11111111-aaaa-4bbb-8ccc-000000000001"]
    assert (old.source, old.title) == ("cursor", "Why does the login test fail?")
    assert (old.messages, old.user_messages, old.model, old.tokens_in) == (7, 2, None, None)
    assert old.started_at is not None
    assert [(m.role, m.text) for m in get_transcript(db, old.id)] == [
        ("user", "Why does the login test fail?"),
        ("assistant", "[thinking] Look at the test first.\n\nI'll read the test."),
        ("tool", "[tool Read] path: tests/test_login.py\n"
                 "[result] def test_login(): assert login(\"a\") is True"),
        ("assistant", "The test expects `True` but `login` returns None."),
        ("user", "Fix it"),
        ("tool", "[tool StrReplace] path: app/login.py; old_string: return; "
                 "new_string: return True"),
        ("assistant", "Done: `login` now returns True.")]
    new = rows["22222222-aaaa-4bbb-8ccc-000000000002"]
    assert (new.title, new.messages, new.user_messages) == ("List the routes", 6, 2)
    assert [(m.role, m.text) for m in get_transcript(db, new.id)] == [
        ("user", "List the routes"), ("assistant", "Reading the router."),
        ("tool", '[tool Grep] {"pattern": "@app.route"}'),
        ("assistant", "There are two routes: / and /login."),
        ("user", "Add /logout"), ("assistant", "Added.")]
    again = import_paths(db, [projects])
    assert again.totals == {"sessions_new": 0, "sessions_updated": 0, "sessions_unchanged": 2,
                            "sessions_deleted_earlier": 0, "sessions_excluded": 0}


SHADOWED = "agent transcript of a chat read from state.vscdb"
OTHER = "33333333-aaaa-4bbb-8ccc-000000000003"


def test_transcript_of_a_chat_in_the_same_import_is_skipped(db: Database,
                                                             tmp_path: Path) -> None:
    """A transcript named by a chat the imported state.vscdb holds is not a second copy: the
    database's chat (times, tokens, model) is kept and the transcript listed as skipped, even
    where the transcripts' folder comes first in the walk; another chat's transcript is
    imported."""
    root = tmp_path / "backup"
    cursor_state_db(root / "Library" / "Application Support" / "Cursor" / "User" /
                    "globalStorage" / "state.vscdb", composer_v3())
    projects = root / "Cursor projects"  # sorts before "Library"
    shadowed = cursor_transcript(projects, "home-alice-app", CID, TXT)
    cursor_transcript(projects, "home-alice-app", OTHER, jsonl_chat())
    report = import_paths(db, [root])
    assert report.ok, [f.error for f in report.files]
    assert report.totals["sessions_new"] == 2
    assert [(s.what, s.reason) for s in report.files[0].skipped] == [(str(shadowed), SHADOWED)]
    rows = {row.external_id: row for row in list_sessions(db)}
    assert sorted(rows) == sorted([CID, OTHER])
    assert (rows[CID].title, rows[CID].tokens_in, rows[CID].messages) == (
        "Refactor auth", 1200, 4)
    again = import_paths(db, [root])
    assert again.totals == {"sessions_new": 0, "sessions_updated": 0, "sessions_unchanged": 2,
                            "sessions_deleted_earlier": 0, "sessions_excluded": 0}


def test_transcript_of_a_stored_chat_is_skipped(db: Database, tmp_path: Path) -> None:
    """A chat stored from state.vscdb by an earlier import keeps its copy when its transcript
    is imported later (or grows); a transcript imported first gives way to the database's
    richer copy when that comes."""
    global_db = cursor_state_db(tmp_path / "Cursor" / "User" / "globalStorage" /
                                "state.vscdb", composer_v3())
    assert import_paths(db, [global_db]).totals["sessions_new"] == 1
    projects = tmp_path / "projects"
    path = cursor_transcript(projects, "home-alice-app", CID, TXT)
    report = import_paths(db, [projects])
    assert report.totals == {"sessions_new": 0, "sessions_updated": 0, "sessions_unchanged": 0,
                             "sessions_deleted_earlier": 0, "sessions_excluded": 0}
    assert [s.reason for s in report.files[0].skipped] == [SHADOWED]
    with path.open("a", encoding="utf-8") as out:
        out.write("\nuser:\n<user_query>\nAnd the docs?\n</user_query>\n")
    grown = import_paths(db, [path])
    assert grown.totals["sessions_updated"] == 0
    assert [s.reason for s in grown.files[0].skipped] == [SHADOWED]
    [row] = list_sessions(db)
    assert (row.title, row.tokens_in, row.messages) == ("Refactor auth", 1200, 4)


def test_database_copy_replaces_a_transcript_imported_first(db: Database,
                                                            tmp_path: Path) -> None:
    projects = tmp_path / "projects"
    cursor_transcript(projects, "home-alice-app", CID, TXT)
    assert import_paths(db, [projects]).totals["sessions_new"] == 1
    global_db = cursor_state_db(tmp_path / "state.vscdb", composer_v3())
    assert import_paths(db, [global_db]).totals["sessions_updated"] == 1
    [row] = list_sessions(db)
    assert (row.title, row.tokens_in, row.messages) == ("Refactor auth", 1200, 4)
    report = import_paths(db, [projects / "home-alice-app"])
    assert report.totals["sessions_updated"] == 0


def test_transcript_paths_and_heads() -> None:
    base = "/home/a/.cursor/projects/home-a-app/agent-transcripts"
    assert cursor.sniff(b"user:\n<user_query>\nhi\n", f"{base}/{CID}.txt")
    assert cursor.sniff(b'{"role":"user","message":{}}\n', f"{base}/{CID}/{CID}.jsonl")
    assert not cursor.sniff(b'{"role":"user","message":{}}\n',
                            f"{base}/{CID}/subagents/{OTHER}.jsonl")
    assert not cursor.sniff(b"user:\nhi\n", "/home/a/notes/chat.txt")
    assert not cursor.sniff(b"Some notes\n", f"{base}/{CID}.txt")
    assert cursor.group_key(f"{base}/{CID}/{CID}.jsonl") == \
        cursor.group_key(f"{base}/{OTHER}.txt") == f"~ agent transcripts in {base}"
