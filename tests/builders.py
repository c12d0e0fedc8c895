"""Builders shared by the importer, ingest and demo tests: export writers in each tool's format,
a parser runner and a database dump. (Fixtures live in ``tests/conftest.py``.)"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import time
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlite_utils import Database

from desktop_app.domain import Session
from desktop_app.importers.contract import Skipped, SourceSpec

DATA = Path(__file__).resolve().parent / "data"


def dump(db: Database) -> list[str]:
    """Every row of every table as SQL text, to compare a database before and after."""
    return list(db.conn.iterdump())


def parse_bytes(parser: ModuleType | SourceSpec, data: bytes, name: str = "file.json"
                ) -> tuple[list[Session], list[Skipped]]:
    """Run one parser (a source module or its spec) over bytes; return its sessions and what
    it skipped."""
    skipped: list[Skipped] = []
    sessions = list(parser.parse(io.BytesIO(data), name, skipped.append))
    return sessions, skipped


def write_json(path: Path, value: Any) -> Path:
    """Write ``value`` as compact JSON (as the exports are) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, separators=(",", ":")), encoding="utf-8")
    return path


def write_zip(path: Path, members: dict[str, bytes | str | Any]) -> Path:
    """A zip with the given members (bytes and str as they are; anything else as JSON)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            if isinstance(content, bytes):
                zf.writestr(name, content)
            elif isinstance(content, str):
                zf.writestr(name, content.encode())
            else:
                zf.writestr(name, json.dumps(content))
    return path


def write_jsonl(path: Path, records: list[Any]) -> Path:
    """Write records one per line (strings are written as they are: bad lines)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def append_jsonl(path: Path, records: list[Any]) -> None:
    """Append records one per line (as :func:`write_jsonl`)."""
    with path.open("a", encoding="utf-8") as f:
        for r in records:
            f.write((r if isinstance(r, str) else json.dumps(r)) + "\n")


# --- ChatGPT --------------------------------------------------------------------------------------


def gpt_message(mid: str, role: str, text: str | None, t: float | None, *,
                model: str | None = None, content: dict[str, Any] | None = None,
                recipient: str = "all", name: str | None = None,
                metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    """One ChatGPT message object."""
    meta = dict(metadata or {})
    if model:
        meta["model_slug"] = model
    return {
        "id": mid,
        "author": {"role": role, "name": name, "metadata": {}},
        "create_time": t,
        "update_time": None,
        "content": content or {"content_type": "text", "parts": [text or ""]},
        "status": "finished_successfully",
        "weight": 1.0,
        "metadata": meta,
        "recipient": recipient,
    }


def gpt_conversation(cid: str, turns: list[dict[str, Any]], *, title: str | None = "A chat",
                     start: float = 1_737_552_322.0, current: str | None = "last",
                     extra_nodes: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """A linear ChatGPT conversation (root → hidden system → ``turns``), plus extra nodes."""
    mapping: dict[str, dict[str, Any]] = {
        "client-created-root": {"id": "client-created-root", "message": None, "parent": None,
                                "children": ["sys"]},
        "sys": {"id": "sys", "parent": "client-created-root", "children": [],
                "message": gpt_message("sys", "system", "", None)},
    }
    parent = "sys"
    last = "sys"
    for i, message in enumerate(turns):
        node_id = f"n{i}"
        mapping[node_id] = {"id": node_id, "parent": parent, "children": [],
                            "message": message}
        mapping[parent]["children"].append(node_id)
        parent = last = node_id
    for node_id, node in (extra_nodes or {}).items():
        mapping[node_id] = node
        if node.get("parent") in mapping:
            mapping[node["parent"]]["children"].append(node_id)
    return {
        "id": cid,
        "conversation_id": cid,
        "title": title,
        "create_time": start,
        "update_time": start + 600,
        "current_node": last if current == "last" else current,
        "default_model_slug": "gpt-4o",
        "mapping": mapping,
    }


def simple_gpt(cid: str, n_pairs: int = 1, *, start: float = 1_737_552_322.0,
               title: str | None = "A chat", model: str = "gpt-4o") -> dict[str, Any]:
    """A conversation of ``n_pairs`` user/assistant exchanges."""
    turns = []
    for i in range(n_pairs):
        turns.append(gpt_message(f"u{i}", "user", f"question {i} of {cid}", start + 10 * i))
        turns.append(gpt_message(f"a{i}", "assistant", f"answer {i} of {cid}", start + 10 * i + 5,
                                 model=model))
    return gpt_conversation(cid, turns, title=title, start=start)


# --- Claude.ai ------------------------------------------------------------------------------------


def claude_message(uuid: str, sender: str, text: str, created: str, *,
                   parent: str | None = None, content: list[dict[str, Any]] | None = None,
                   attachments: list[dict[str, Any]] | None = None,
                   files: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One Claude.ai chat message (``content`` blocks when given, else the flat text only)."""
    message: dict[str, Any] = {
        "uuid": uuid, "sender": sender, "text": text, "created_at": created,
        "updated_at": created, "attachments": attachments or [], "files": files or [],
    }
    if content is not None:
        message["content"] = content
    if parent is not None:
        message["parent_message_uuid"] = parent
    return message


def claude_conversation(uuid: str, messages: list[dict[str, Any]], *, name: str = "A chat",
                        created: str = "2025-07-06T03:10:13.076141Z") -> dict[str, Any]:
    """One Claude.ai conversation."""
    return {
        "uuid": uuid, "name": name, "summary": "", "created_at": created,
        "updated_at": created, "account": {"uuid": "acc-1"}, "chat_messages": messages,
    }


def simple_claude(uuid: str, n_pairs: int = 1, *, day: int = 6) -> dict[str, Any]:
    """A flat-text Claude.ai conversation of ``n_pairs`` exchanges."""
    messages = []
    for i in range(n_pairs):
        messages.append(claude_message(f"{uuid}-h{i}", "human", f"ask {i} in {uuid}",
                                       f"2025-07-{day:02d}T03:{10 + i:02d}:13.609691Z"))
        messages.append(claude_message(f"{uuid}-a{i}", "assistant", f"reply {i} in {uuid}",
                                       f"2025-07-{day:02d}T03:{10 + i:02d}:24.798798+00:00"))
    return claude_conversation(uuid, messages, created=f"2025-07-{day:02d}T03:10:13.076141Z")


# --- Claude Code ----------------------------------------------------------------------------------

#: The working folder the Claude Code records name.
CWD = "/home/alice/app"


def user(uuid: str, sid: str, content: Any, ts: str, **extra: Any) -> dict[str, Any]:
    """One user record."""
    return {"type": "user", "uuid": uuid, "parentUuid": None, "isSidechain": False,
            "userType": "external", "cwd": CWD, "sessionId": sid, "version": "2.1.38",
            "timestamp": ts, "message": {"role": "user", "content": content}, **extra}


def assistant(uuid: str, sid: str, blocks: list[dict[str, Any]], ts: str, *, msg: str,
              req: str, out: int = 10, inp: int = 3, cache_w: int = 100, cache_r: int = 1000,
              model: str = "claude-opus-4-6", **extra: Any) -> dict[str, Any]:
    """One assistant line (one content block of a response, with its usage)."""
    return {"type": "assistant", "uuid": uuid, "isSidechain": False, "cwd": CWD,
            "sessionId": sid, "timestamp": ts, "requestId": req,
            "message": {"id": msg, "type": "message", "role": "assistant", "model": model,
                        "content": blocks,
                        "usage": {"input_tokens": inp, "output_tokens": out,
                                  "cache_creation_input_tokens": cache_w,
                                  "cache_read_input_tokens": cache_r}}, **extra}


def text(t: str) -> dict[str, Any]:
    """A text content block."""
    return {"type": "text", "text": t}


S1 = "11111111-1111-4111-8111-111111111111"
S2 = "22222222-2222-4222-8222-222222222222"


def session_one() -> list[Any]:
    """A session with noise, a streaming split response, a tool round and a summary."""
    return [
        {"type": "file-history-snapshot", "messageId": "x", "snapshot": {}},
        user("u0", S1, "<command-name>/clear</command-name>", "2026-02-12T21:03:00.000Z"),
        user("u0m", S1, "Caveat: hidden", "2026-02-12T21:03:00.500Z", isMeta=True),
        user("u1", S1, "Add a --dry-run flag", "2026-02-12T21:03:11.512Z"),
        # One response over three lines: usage repeated, output grows; then a tool result.
        assistant("a1", S1, [{"type": "thinking", "thinking": "plan", "signature": "s"}],
                  "2026-02-12T21:03:15.020Z", msg="msg_1", req="req_1", out=5),
        assistant("a2", S1, [text("I will edit cli.py")], "2026-02-12T21:03:15.500Z",
                  msg="msg_1", req="req_1", out=200),
        assistant("a3", S1, [{"type": "tool_use", "id": "t1", "name": "Edit",
                              "input": {"file_path": "/home/alice/app/cli.py"}}],
                  "2026-02-12T21:03:16.300Z", msg="msg_1", req="req_1", out=412),
        user("u2", S1, [{"type": "tool_result", "tool_use_id": "t1", "content": "updated"}],
             "2026-02-12T21:03:16.900Z", toolUseResult={"filePath": "cli.py"}),
        # Out of order on purpose: this one is earlier than the lines above.
        user("u3", S1, [text("[Request interrupted by user]")], "2026-02-12T21:02:59.000Z"),
        user("u4", S1, "<system-reminder>context</system-reminder>", "2026-02-12T21:03:17Z"),
        assistant("a4", S1, [text("Done.")], "2026-02-12T21:03:30.000Z", msg="msg_2",
                  req="req_2", out=20, model="claude-sonnet-4-5"),
        {"type": "system", "subtype": "turn_duration", "uuid": "s1", "sessionId": S1,
         "timestamp": "2026-02-12T21:03:31.000Z"},
        {"type": "summary", "summary": "Add dry-run flag to CLI", "leafUuid": "a4"},
    ]


def project_with_subagent_and_fork(root: Path) -> Path:
    """A Claude Code project folder: session S1 with a subagent file, and S2 resuming S1."""
    project = root / "projects" / "-home-alice-app"
    first = session_one()[:-1]
    # The parent's file mirrors the subagent's response (same message id and request id).
    mirror = assistant("sa-a", S1, [text("Found")], "2026-02-12T21:03:24Z", msg="msg_sub",
                       req="req_sub", out=40, model="claude-haiku-4-5")
    first.append({"type": "progress", "uuid": "p1", "sessionId": S1, "cwd": CWD,
                  "timestamp": "2026-02-12T21:03:24Z",
                  "data": {"type": "agent_progress", "agentId": "abc123", "prompt": "Find",
                           "message": {"type": "assistant", "requestId": "req_sub",
                                       "uuid": "sa-a", "message": mirror["message"]}}})
    write_jsonl(project / f"{S1}.jsonl", first)
    # 2.1.x subagent file: tokens count toward S1, turns don't.
    write_jsonl(project / S1 / "subagents" / "agent-abc123.jsonl", [
        user("sa-u", S1, "Find the argparse setup", "2026-02-12T21:03:20Z", isSidechain=True,
             agentId="abc123"),
        assistant("sa-a", S1, [text("Found it in cli.py")], "2026-02-12T21:03:25Z",
                  msg="msg_sub", req="req_sub", out=50, isSidechain=True,
                  model="claude-haiku-4-5"),
    ])
    (project / S1 / "subagents" / "agent-abc123.meta.json").write_text("{}")
    # A resumed session replays S1's records (same uuids, new sessionId) and goes on.
    replay = [dict(r, sessionId=S2) for r in first if isinstance(r, dict) and "uuid" in r]
    write_jsonl(project / f"{S2}.jsonl", [*replay,
        user("b1", S2, "Now add tests", "2026-02-13T09:00:00Z"),
        assistant("b2", S2, [text("Added tests")], "2026-02-13T09:00:10Z", msg="msg_3",
                  req="req_3", out=30)])
    os.utime(project / f"{S2}.jsonl", (time.time() + 5, time.time() + 5))
    return project


# --- Codex ----------------------------------------------------------------------------------------


#: The session id of :func:`current_rollout`.
CODEX_SID = "019c8a70-dda7-7f33-98ea-f30553347322"


def line(ts: str, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """One Codex rollout line."""
    return {"timestamp": ts, "type": kind, "payload": payload}


def tokens(ts: str, inp: int, out: int, last_in: int, last_out: int) -> dict[str, Any]:
    """A ``token_count`` event: totals so far and the last turn's."""
    return line(ts, "event_msg", {"type": "token_count", "info": {
        "total_token_usage": {"input_tokens": inp, "cached_input_tokens": inp // 2,
                              "output_tokens": out, "reasoning_output_tokens": out // 3,
                              "total_tokens": inp + out},
        "last_token_usage": {"input_tokens": last_in, "cached_input_tokens": 0,
                             "output_tokens": last_out, "reasoning_output_tokens": 0,
                             "total_tokens": last_in + last_out},
        "model_context_window": 258400}, "rate_limits": {}})


def meta(sid: str, ts: str, **extra: Any) -> dict[str, Any]:
    """The ``session_meta`` line that starts a rollout."""
    return line(ts, "session_meta", {"id": sid, "timestamp": ts, "cwd": "/home/alice/app",
                                     "originator": "codex_cli_rs", "cli_version": "0.104.0",
                                     "source": "cli", **extra})


def current_rollout(sid: str = CODEX_SID) -> list[dict[str, Any]]:
    """A rollout in the current (Rust CLI) format: one prompt, a tool call, an answer."""
    return [
        meta(sid, "2026-02-23T12:19:38.535Z"),
        line("2026-02-23T12:19:42.560Z", "response_item", {
            "type": "message", "role": "user",
            "content": [{"type": "input_text", "text": "<environment_context>cwd</environment_"
                                                       "context>"}]}),
        line("2026-02-23T12:19:42.561Z", "response_item", {
            "type": "message", "role": "user",
            "content": [{"type": "input_text", "text": "add a --dry-run flag"}]}),
        line("2026-02-23T12:19:42.562Z", "event_msg", {"type": "task_started", "turn_id": "t1"}),
        line("2026-02-23T12:19:42.563Z", "event_msg", {
            "type": "user_message", "message": "add a --dry-run flag", "images": []}),
        line("2026-02-23T12:19:42.586Z", "turn_context", {
            "turn_id": "t1", "cwd": "/home/alice/app", "model": "gpt-5.3-codex"}),
        line("2026-02-23T12:19:47.001Z", "response_item", {
            "type": "reasoning", "summary": [{"type": "summary_text", "text": "plan"}]}),
        line("2026-02-23T12:19:48.100Z", "response_item", {
            "type": "function_call", "name": "exec_command",
            "arguments": "{\"cmd\":\"rg -n argparse\"}", "call_id": "call_abc"}),
        line("2026-02-23T12:19:48.900Z", "response_item", {
            "type": "function_call_output", "call_id": "call_abc", "output": "cli.py:12"}),
        line("2026-02-23T12:19:49.000Z", "event_msg", {"type": "token_count", "info": None}),
        tokens("2026-02-23T12:19:49.100Z", 17203, 358, 17203, 358),
        tokens("2026-02-23T12:19:49.200Z", 17203, 358, 17203, 358),  # repeated event
        line("2026-02-23T12:20:10.000Z", "event_msg", {
            "type": "agent_message", "message": "Added --dry-run"}),
        line("2026-02-23T12:20:10.000Z", "response_item", {
            "type": "message", "role": "assistant",
            "content": [{"type": "output_text", "text": "Added --dry-run"}]}),
        tokens("2026-02-23T12:20:10.100Z", 40000, 900, 22797, 542),
        line("2026-02-23T12:20:11.000Z", "event_msg", {
            "type": "thread_name_updated", "thread_name": "Dry-run flag"}),
    ]


# --- Copilot --------------------------------------------------------------------------------------


def request(rid: str, text: str, ts: int, answer: list[dict[str, Any]], *,
            model: str = "copilot/gpt-5", tokens: tuple[int, int] | None = None,
            resolved: str | None = None) -> dict[str, Any]:
    """One Copilot Chat request with its answer parts."""
    metadata: dict[str, Any] = {}
    if tokens:
        metadata.update(promptTokens=tokens[0], outputTokens=tokens[1])
    if resolved:
        metadata["resolvedModel"] = resolved
    return {"requestId": rid, "timestamp": ts, "modelId": model,
            "message": {"text": text, "parts": [{"kind": "text", "text": text}]},
            "variableData": {"variables": []}, "response": answer,
            "result": {"timings": {"firstProgress": 800, "totalElapsed": 9000},
                       "metadata": metadata}}


def snapshot(sid: str, requests: list[dict[str, Any]], title: str = "") -> dict[str, Any]:
    """A chat session snapshot (``chatSessions/<id>.json``) of the given requests."""
    return {"version": 3, "sessionId": sid, "creationDate": 1755347684754,
            "lastMessageDate": 1755347728048, "customTitle": title, "initialLocation": "panel",
            "requesterUsername": "alice", "responderUsername": "GitHub Copilot",
            "requests": requests}


# --- Cursor ---------------------------------------------------------------------------------------


def cursor_state_db(path: Path, kv: dict[str, Any] | None = None,
                    items: dict[str, Any] | None = None, *, blob: bool = False) -> Path:
    """A state.vscdb with the two key-value tables Cursor uses."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)")
    conn.execute("CREATE TABLE cursorDiskKV (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)")
    for table, values in (("cursorDiskKV", kv or {}), ("ItemTable", items or {})):
        for key, value in values.items():
            text = value if isinstance(value, str) else json.dumps(value)
            conn.execute(f"INSERT INTO {table} VALUES (?, ?)",
                         (key, text.encode() if blob else text))
    conn.commit()
    conn.close()
    return path


def cursor_transcript(projects: Path, slug: str, chat: str,
                      lines: list[dict[str, Any]] | str) -> Path:
    """An agent transcript as Cursor writes it under ``~/.cursor/projects/<slug>/``: the text
    of a ``<chat>.txt`` (older builds), or the records of ``<chat>/<chat>.jsonl`` (compact
    JSON, one a line)."""
    folder = projects / slug / "agent-transcripts"
    if isinstance(lines, str):
        path = folder / f"{chat}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(lines, encoding="utf-8")
        return path
    path = folder / chat / f"{chat}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, separators=(",", ":")) + "\n" for r in lines),
                    encoding="utf-8")
    return path


def cursor_agent_store(path: Path, meta: dict[str, Any], messages: list[dict[str, Any]],
                       *, extra_blobs: dict[str, bytes] | None = None) -> Path:
    """A cursor-agent ``store.db`` as the CLI writes it: ``meta`` key ``0`` = hex of the JSON
    metadata; ``blobs`` keyed by SHA-256, each message a JSON blob, the root a protobuf node
    listing its children (field 1, 32-byte hashes): the first two messages under a node of
    their own, as turns nest. ``latestRootBlobId`` is set here."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE blobs (id TEXT PRIMARY KEY, data BLOB)")
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")

    def put(data: bytes) -> bytes:
        digest = hashlib.sha256(data).digest()
        conn.execute("INSERT OR REPLACE INTO blobs VALUES (?, ?)", (digest.hex(), data))
        return digest

    ids = [put(json.dumps(m).encode()) for m in messages]
    first = put(b"".join(b"\x0a\x20" + d for d in ids[:2]))
    root = b"".join(b"\x0a\x20" + d for d in [first, *ids[2:]])
    root += b"\x12\x04mode\x18\x01"  # fields the reader passes over
    root_id = hashlib.sha256(root).hexdigest()
    conn.execute("INSERT OR REPLACE INTO blobs VALUES (?, ?)", (root_id, root))
    for key, data in (extra_blobs or {}).items():
        conn.execute("INSERT INTO blobs VALUES (?, ?)", (key, data))
    full = {**meta, "latestRootBlobId": root_id}
    conn.execute("INSERT INTO meta VALUES ('0', ?)", (json.dumps(full).encode().hex(),))
    conn.commit()
    conn.close()
    return path


class Terminal(io.StringIO):
    """Standard input as a person at a terminal: it answers what it was given."""

    def isatty(self) -> bool:
        return True


class Pipe(io.StringIO):
    """Standard input from a pipe or a script: nobody there to answer."""

    def isatty(self) -> bool:
        return False
