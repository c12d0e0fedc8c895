"""Cursor chats: ``state.vscdb`` (global ``cursorDiskKV`` and older workspace ``ItemTable``).

Composer / Agent chats (late 2024 on) live in the global database: ``composerData:<id>`` holds
a chat (its bubbles inline in ``conversation`` for ``_v`` 1-2, or their order in
``fullConversationHeadersOnly`` from ``_v`` 3, each bubble under ``bubbleId:<id>:<bubble>``;
type 1 is the person, 2 the assistant). The legacy Chat panel (2023-2024) lives in a workspace
database under ``workbench.panel.aichat.view.aichat.chatdata`` (tabs of bubbles). The database
is read from a private copy (with its ``-wal``): a running Cursor is never disturbed.

Cursor also writes each agent chat as a plain transcript under
``~/.cursor/projects/<project slug>/agent-transcripts/``: ``<chat id>.txt`` (older builds) or
``<chat id>/<chat id>.jsonl``. It is named by the chat's composer id and holds less than the
database (no times, tokens or model), so it is imported only for a chat no Cursor database
holds (see :func:`parse_group`).
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlparse

from desktop_app.domain import Message, Session, make_session_id
from desktop_app.importers import writing
from desktop_app.importers.contract import (
    Checkpoints,
    FormatError,
    GroupFile,
    GroupSpec,
    Report,
    Skipped,
    SourceSpec,
)
from desktop_app.importers.places import (
    Found,
    Places,
    found_file,
    found_folder,
)
from desktop_app.importers.sqlitecopy import file_stat as _file_stat
from desktop_app.importers.sqlitecopy import (
    is_sqlite,
    open_copy,
    open_stream_copy,
    tables,
)
from desktop_app.importers.values import (
    as_dict,
    as_int,
    as_list,
    as_str,
    cut,
    main_model,
    parse_time,
    title_from,
)

SOURCE = "cursor"
FORMAT = "Cursor chat database (state.vscdb)"
VERSION = "4"

LEGACY_KEY = "workbench.panel.aichat.view.aichat.chatdata"
#: A workspace's Composer index; in 2024 versions each chat's bubbles are inline here.
COMPOSERS_KEY = "composer.composerData"
#: The cursor-agent CLI's database of one chat, under ``~/.cursor/chats/<md5>/<chat id>/``.
AGENT_STORE = "store.db"
#: The folder of a project's agent transcripts, under ``~/.cursor/projects/<slug>/``.
TRANSCRIPTS = "agent-transcripts"
#: Why a transcript is not imported, by the kind of database its chat was read from.
_SHADOWED = {"state.vscdb": "agent transcript of a chat read from state.vscdb",
             "store.db": "agent transcript of a chat read from the cursor-agent store"}
_VSCODE_FOLDERS = {"Code", "Code - Insiders", "VSCodium"}


def sniff(head: bytes, name: str) -> bool:
    """An SQLite ``*.vscdb`` that is not VS Code's own (those hold no Cursor chats), a
    cursor-agent ``store.db`` (``chats/<project md5>/<chat id>/store.db``), or an agent
    transcript (``agent-transcripts/<chat id>.txt`` or ``<chat id>/<chat id>.jsonl``)."""
    path = name.replace("\\", "/").rsplit("!", 1)[-1]
    if _transcript_id(path) is not None:
        return _transcript_head(head, path)
    if not is_sqlite(head):
        return False
    parts = path.split("/")
    if parts[-1] == AGENT_STORE:
        return len(parts) >= 3 and (parts[-4:-3] == ["chats"]
                                    or re.fullmatch(r"[0-9a-f]{32}", parts[-3]) is not None)
    if not path.lower().endswith(".vscdb"):
        return False
    return not _VSCODE_FOLDERS & set(parts)


def group_key(path: str) -> str:
    """Each database is read on its own; a project's agent transcripts together, after every
    database of the same import (groups are read in key order, and ``~`` sorts after any
    absolute path), so a transcript is checked against the chats those databases hold."""
    if _transcript_id(path.replace("\\", "/")) is None:
        return path
    folder = Path(path).parent
    if folder.name != TRANSCRIPTS:
        folder = folder.parent
    return f"~ agent transcripts in {folder}"


def file_stat(path: Path) -> tuple[int, int]:
    """The database and its ``-wal`` together."""
    return _file_stat(path)


def _json(value: Any) -> Any:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        return None



def _rich_text(value: Any) -> str:
    """The plain text of a Lexical ``richText`` (a JSON string of nested nodes), when a bubble
    keeps its words only there."""
    root = _json(value) if isinstance(value, str | bytes) else value
    words: list[str] = []

    def walk(node: Any) -> None:
        node = as_dict(node)
        if isinstance(node.get("text"), str):
            words.append(node["text"])
        children = as_list(node.get("children"))
        for child in children:
            walk(child)
        if node.get("type") == "paragraph" and children:
            words.append("\n")

    walk(as_dict(root).get("root"))
    return "".join(words).strip()


def _bubble_message(bubble: dict[str, Any], fallback_model: str | None
                    ) -> tuple[Message | None, str | None, tuple[int, int]]:
    """A bubble as a transcript entry, its model, and its (input, output) tokens."""
    kind = bubble.get("type")
    moment = _moment(bubble)
    counts = as_dict(bubble.get("tokenCount"))
    tokens = (as_int(counts.get("inputTokens")) or 0, as_int(counts.get("outputTokens")) or 0)
    text = str(bubble.get("text") or bubble.get("rawText") or "").strip() or \
        _rich_text(bubble.get("richText"))
    tool = as_dict(bubble.get("toolFormerData"))
    if kind in (1, "user"):
        return (Message("user", text, moment) if text else None), None, tokens
    model = as_str(as_dict(bubble.get("modelInfo")).get("modelName")) or \
        as_str(bubble.get("modelType")) or fallback_model
    if tool:
        name = as_str(tool.get("name")) or as_str(tool.get("tool")) or "tool"
        params = as_str(tool.get("rawArgs")) or json.dumps(tool.get("params"))[:300]
        result = cut(str(tool.get("result") or "").strip())
        body = f"[tool {name}] {cut(params, 300)}".rstrip()
        if result:
            body += f"\n[result] {result}"
        if text:
            body = f"{text}\n{body}"
        return Message("tool", body, moment), None, tokens
    thinking = str(as_dict(bubble.get("thinking")).get("text") or "").strip()
    if thinking:
        text = f"[thinking] {thinking}\n\n{text}".strip()
    if not text:
        return None, None, tokens
    return Message("assistant", text, moment, model), model, tokens


class _Bubbles:
    """The bubbles of a global database under each key shape Cursor has used:
    ``bubbleId:<chat>:<bubble>`` and the older ``bubbleId:<bubble>`` whose value names its
    chat in ``conversationId``. Keys are looked up through the key index; values are read only
    for the bubbles wanted."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._single: dict[str, list[tuple[float, int, dict[str, Any]]]] | None = None
        self._by_id: dict[tuple[str, str | None], dict[str, Any]] | None = None

    def _value(self, key: str) -> tuple[int, dict[str, Any]] | None:
        row = self.conn.execute("SELECT rowid, value FROM cursorDiskKV WHERE key = ?",
                                (key,)).fetchone()
        bubble = _json(row[1]) if row else None
        return (row[0], bubble) if isinstance(bubble, dict) else None

    def single(self) -> dict[str, list[tuple[float, int, dict[str, Any]]]]:
        """The single-segment bubbles by chat id (each with its time and row, to sort by)."""
        if self._single is None:
            self._single = {}
            keys = [k for (k,) in self.conn.execute(
                "SELECT key FROM cursorDiskKV WHERE key >= 'bubbleId:' AND key < 'bubbleId;' "
                "AND instr(substr(key, 10), ':') = 0").fetchall()]
            for key in keys:
                found = self._value(key)
                if found is None:
                    continue
                rowid, bubble = found
                bubble.setdefault("bubbleId", key.split(":", 1)[1])
                chat = as_str(bubble.get("conversationId")) or as_str(bubble.get("composerId"))
                if chat is not None:
                    self._single.setdefault(chat, []).append((_when(bubble), rowid, bubble))
        return self._single

    def of_header(self, cid: str, bid: str) -> dict[str, Any] | None:
        found = self._value(f"bubbleId:{cid}:{bid}")
        if found is not None:
            return found[1]
        if self._by_id is None:
            self._by_id = {(chat, as_str(b.get("bubbleId"))): b
                           for chat, found in self.single().items() for _t, _r, b in found}
        return self._by_id.get((cid, bid))

    def of_chat(self, cid: str) -> list[dict[str, Any]]:
        """A chat's bubbles when no header lists them: every key of the chat, in time order."""
        found = list(self.single().get(cid, ()))
        rows = self.conn.execute("SELECT rowid, value FROM cursorDiskKV WHERE key >= ? AND "
                                 "key < ?", (f"bubbleId:{cid}:", f"bubbleId:{cid};"))
        for rowid, value in rows.fetchall():
            bubble = _json(value)
            if isinstance(bubble, dict):
                found.append((_when(bubble), rowid, bubble))
        return [b for _t, _r, b in sorted(found, key=lambda f: (f[0], f[1]))]

    def chats(self) -> list[str]:
        """Every chat id that has bubbles, by skipping through the key index chat by chat."""
        ids: list[str] = []
        low = "bubbleId:"
        while True:
            row = self.conn.execute("SELECT key FROM cursorDiskKV WHERE key >= ? AND "
                                    "key < 'bubbleId;' AND instr(substr(key, 10), ':') > 0 "
                                    "ORDER BY key LIMIT 1", (low,)).fetchone()
            if row is None:
                break
            cid = str(row[0])[len("bubbleId:"):].split(":", 1)[0]
            ids.append(cid)
            low = f"bubbleId:{cid};"
        seen = set(ids)
        return ids + [c for c in self.single() if c not in seen]


def _moment(bubble: dict[str, Any]) -> datetime | None:
    return parse_time(bubble.get("createdAt")) or parse_time(bubble.get("timestamp")) or \
        parse_time(as_dict(bubble.get("timingInfo")).get("clientStartTime"))


def _when(bubble: dict[str, Any]) -> float:
    """A bubble's time as a sort key (bubbles without one go last, in row order)."""
    moment = _moment(bubble)
    return moment.timestamp() if moment else float("inf")


def _composer(store: _Bubbles | None, data: dict[str, Any], report: Report,
              project: str | None = None) -> Session | None:
    cid = as_str(data.get("composerId"))
    if cid is None:
        return None
    fallback = as_str(as_dict(data.get("modelConfig")).get("modelName"))
    if fallback == "default":
        fallback = None
    bubbles: list[dict[str, Any]] = []
    inline = as_list(data.get("conversation"))
    headers = as_list(data.get("fullConversationHeadersOnly"))
    if inline:
        bubbles = [as_dict(b) for b in inline]
    elif store is not None and headers:
        for header in headers:
            bid = as_str(as_dict(header).get("bubbleId"))
            bubble = store.of_header(cid, bid) if bid is not None else None
            if bubble is not None:
                bubble.setdefault("type", as_dict(header).get("type"))
                bubbles.append(bubble)
    elif store is not None:
        bubbles = store.of_chat(cid)
    messages: list[Message] = []
    models: list[str | None] = []
    t_in = t_out = 0
    for bubble in bubbles:
        message, model, (b_in, b_out) = _bubble_message(bubble, fallback)
        t_in += b_in
        t_out += b_out
        if message is not None:
            messages.append(message)
            if message.role == "assistant":
                models.append(model)
    if not messages:
        return None
    times = [m.time for m in messages if m.time is not None]
    start = parse_time(data.get("createdAt")) or min(times, default=None)
    updated = parse_time(data.get("lastUpdatedAt"))
    end = max([*times, *filter(None, [updated])], default=start)
    first = next((m.text for m in messages if m.role == "user"), None)
    project = as_str(as_dict(as_dict(data.get("workspaceIdentifier")).get("uri")).get(
        "fsPath")) or project
    has_tokens = bool(t_in or t_out)  # Cursor often writes 0/0: that is "not recorded"
    return Session(source=SOURCE, external_id=cid,
                   title=as_str(data.get("name")) or title_from(first) or "Cursor chat",
                   started_at=start, ended_at=end, messages=tuple(messages),
                   model=main_model(models) or fallback,
                   tokens_in=t_in if has_tokens else None,
                   tokens_out=t_out if has_tokens else None, project=project,
                   updated_at=end if updated else None)


def _legacy(data: Any, project: str | None) -> Iterator[Session]:
    for tab in as_list(as_dict(data).get("tabs")):
        tab = as_dict(tab)
        tid = as_str(tab.get("tabId"))
        if tid is None:
            continue
        messages: list[Message] = []
        models: list[str | None] = []
        for bubble in as_list(tab.get("bubbles")):
            bubble = as_dict(bubble)
            message, model, _tokens = _bubble_message(bubble, None)
            if message is not None:
                messages.append(message)
                if message.role == "assistant":
                    models.append(model)
        if not messages:
            continue
        first = next((m.text for m in messages if m.role == "user"), None)
        moment = parse_time(tab.get("lastSendTime"))
        times = [m.time for m in messages if m.time is not None]
        yield Session(source=SOURCE, external_id=tid,
                      title=as_str(tab.get("chatTitle")) or title_from(first) or "Cursor chat",
                      started_at=min(times, default=moment), ended_at=max(times, default=moment),
                      messages=tuple(messages), model=main_model(models), project=project)


def _workspace_composers(index: Any, project: str | None, name: str, report: Report
                         ) -> Iterator[Session]:
    """A workspace's ``composer.composerData``: in 2024 versions each of ``allComposers`` holds
    its bubbles inline in ``conversation``; later ones keep only the index (the chats are in
    the global database, read there), so an entry without bubbles is passed over."""
    for entry in as_list(as_dict(index).get("allComposers")):
        entry = as_dict(entry)
        if not as_list(entry.get("conversation")):
            continue
        if as_str(entry.get("composerId")) is None:
            report(Skipped(f"{name}: {COMPOSERS_KEY}", "a Composer chat without an id"))
            continue
        session = _composer(None, entry, report, project)
        if session is not None:
            yield session


# --- the cursor-agent CLI store ------------------------------------------------------------------


def _agent_store(conn: sqlite3.Connection, name: str, path: str | None, report: Report
                 ) -> list[Session]:
    """A cursor-agent ``store.db``: ``meta`` key ``0`` holds the chat's metadata as hex-encoded
    JSON (``agentId``, ``name``, ``createdAt`` ms, ``lastUsedModel``, ``latestRootBlobId``);
    ``blobs`` is a Merkle tree keyed by SHA-256: a message is a JSON blob (``role``,
    ``content`` blocks ``text`` / ``reasoning`` / ``tool-call`` / ``tool-result``), a node a
    protobuf-like list of its children's 32-byte hashes. The chat is the tree's messages in
    order from the latest root. Messages carry no times: the chat spans ``createdAt`` to the
    file's last change."""
    row = conn.execute("SELECT value FROM meta WHERE key = '0'").fetchone()
    meta = as_dict(_hex_json(row[0]) if row else None)
    agent = as_str(meta.get("agentId"))
    if agent is None and path is not None:
        agent = Path(path).parent.name or None
    if agent is None:
        raise FormatError(name, "a cursor-agent store without an agentId")
    model = as_str(meta.get("lastUsedModel"))
    if model in ("default", "auto"):
        model = None
    blobs = {str(k): bytes(v) if isinstance(v, bytes | memoryview) else str(v or "").encode()
             for k, v in conn.execute("SELECT id, data FROM blobs").fetchall()}
    messages = _agent_messages(_walk_blobs(blobs, as_str(meta.get("latestRootBlobId"))), model)
    if not messages:
        report(Skipped(name, "empty agent chat (no messages)"))
        return []
    start = parse_time(meta.get("createdAt"))
    end = start
    if path is not None:
        with contextlib.suppress(OSError):
            end = max(filter(None, [start, datetime.fromtimestamp(
                _file_stat(Path(path))[1] / 1e9, UTC)]))
    first = next((m.text for m in messages if m.role == "user"), None)
    title = as_str(meta.get("name"))
    if title in (None, "New Agent", "New Chat"):
        title = None
    return [Session(source=SOURCE, external_id=agent,
                    title=title or title_from(first) or "Cursor agent chat",
                    started_at=start, ended_at=end, messages=tuple(messages),
                    model=model if any(m.role == "assistant" for m in messages) else None)]


def _hex_json(value: Any) -> Any:
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else str(value or "")
    try:
        return json.loads(bytes.fromhex(text.strip()).decode("utf-8", "replace"))
    except ValueError:
        return _json(value)  # a plain JSON value, should a build store one


def _walk_blobs(blobs: dict[str, bytes], root: str | None) -> Iterator[dict[str, Any]]:
    """The JSON messages under ``root``, depth first in the order the nodes list them."""
    if root is None:
        return
    stack = [root]
    seen: set[str] = set()
    while stack:
        key = stack.pop()
        if key in seen or key not in blobs:
            continue
        seen.add(key)
        data = blobs[key]
        if data[:1] == b"{":
            message = _json(data)
            if isinstance(message, dict):
                yield message
            continue
        stack.extend(reversed(_children(data)))


def _children(data: bytes) -> list[str]:
    """The 32-byte hashes a node lists (protobuf field 1, length-delimited), as hex ids."""
    found: list[str] = []
    at = 0

    def varint() -> int:
        nonlocal at
        shift = value = 0
        while at < len(data):
            byte = data[at]
            at += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7
        raise ValueError("cut varint")

    try:
        while at < len(data):
            tag = varint()
            field, wire = tag >> 3, tag & 7
            if wire == 2:
                size = varint()
                chunk = data[at:at + size]
                at += size
                if field == 1 and size == 32:
                    found.append(chunk.hex())
            elif wire == 0:
                varint()
            elif wire in (1, 5):
                at += 8 if wire == 1 else 4
            else:
                break
    except ValueError:
        pass
    return found


_USER_QUERY = re.compile(r"<user_query>\s*(.*?)\s*</user_query>", re.S)


def _agent_messages(records: Iterable[dict[str, Any]], model: str | None) -> list[Message]:
    out: list[Message] = []
    calls: dict[str, int] = {}  # tool call id → its entry in ``out``
    for record in records:
        role = record.get("role")
        content = record.get("content")
        blocks = [as_dict(b) for b in as_list(content)] if not isinstance(content, str) else \
            [{"type": "text", "text": content}]
        if role == "user":
            text = "\n".join(str(b.get("text") or "") for b in blocks
                             if b.get("type") == "text").strip()
            queries = _USER_QUERY.findall(text)
            if queries:
                text = "\n\n".join(q.strip() for q in queries)
            elif text.startswith("<") and text.endswith(">"):
                continue  # context the agent sends (user_info, rules), not a prompt
            if text:
                out.append(Message("user", text))
        elif role == "assistant":
            thinking = "\n".join(str(b.get("text") or "") for b in blocks
                                 if b.get("type") == "reasoning").strip()
            text = "\n".join(str(b.get("text") or "") for b in blocks
                             if b.get("type") == "text").strip()
            if thinking:
                text = f"[thinking] {thinking}\n\n{text}".strip()
            if text:
                out.append(Message("assistant", text, None, model))
            for block in blocks:
                if block.get("type") == "tool-call":
                    tool = as_str(block.get("toolName")) or "tool"
                    args = block.get("args")
                    shown = args if isinstance(args, str) else json.dumps(args)
                    calls[str(block.get("toolCallId"))] = len(out)
                    out.append(Message("tool", f"[tool {tool}] {cut(shown, 300)}".rstrip()))
        elif role == "tool":
            for block in blocks:
                if block.get("type") != "tool-result":
                    continue
                result = block.get("result")
                if isinstance(result, list):
                    result = "\n".join(str(as_dict(r).get("text") or "") for r in result)
                shown = cut(str(result or "").strip())
                index = calls.pop(str(block.get("toolCallId")), None)
                if index is None:
                    out.append(Message("tool", f"[result] {shown}"))
                else:
                    call = out[index]
                    out[index] = Message("tool", f"{call.text}\n[result] {shown}", call.time)
    return out


# --- agent transcripts (~/.cursor/projects/<slug>/agent-transcripts/) ----------------------------


def _transcript_id(path: str) -> str | None:
    """The chat id an agent transcript is named by (``agent-transcripts/<id>.txt``,
    ``<id>.jsonl`` or ``<id>/<id>.jsonl``), or None for any other path (``/``-separated)."""
    parts = path.split("/")
    stem, dot, ext = parts[-1].rpartition(".")
    if not (dot and stem and ext in ("txt", "jsonl")):
        return None
    if parts[-2:-1] == [TRANSCRIPTS]:
        return stem
    if ext == "jsonl" and parts[-3:-2] == [TRANSCRIPTS] and parts[-2] == stem:
        return stem
    return None


def _transcript_head(head: bytes, path: str) -> bool:
    """A transcript's first line: ``user:`` (text) or a ``role`` record (JSONL)."""
    text = head.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    if path.endswith(".txt"):
        return text.split("\n", 1)[0].rstrip() in ("user:", "assistant:")
    return text.startswith("{") and '"role"' in text.split("\n", 1)[0]


_TIMESTAMP = re.compile(r"<timestamp>\s*(.*?)\s*</timestamp>", re.S)
#: A line that starts a turn of a text transcript.
_TURN = re.compile(r"^(user|assistant):[ \t]*$", re.M)
#: A line that starts a step of an answer in a text transcript.
_STEP = re.compile(r"^\[(Thinking|Tool call|Tool result)\][ \t]*(.*)$")


def _text_records(text: str) -> list[dict[str, Any]]:
    """A ``.txt`` transcript as agent records (see :func:`_agent_messages`): a ``user:`` or
    ``assistant:`` line starts a turn (see :func:`_answer_records` for an answer's steps)."""
    records: list[dict[str, Any]] = []
    turns = _TURN.split(text)
    calls = [0]
    for role, body in zip(turns[1::2], turns[2::2], strict=True):
        if role == "user":
            records.append({"role": "user", "content": [{"type": "text", "text": body.strip()}]})
        else:
            records.extend(_answer_records(body, calls))
    return records


def _answer_records(body: str, calls: list[int]) -> list[dict[str, Any]]:
    """An answer of a ``.txt`` transcript: ``[Thinking] …`` (to the next blank line) is
    reasoning; ``[Tool call] <name>`` starts a call whose indented ``arg: value`` lines follow;
    ``[Tool result] <name>`` the result of the last call of that name, up to the next step or
    the end of the answer (the format marks no end of a result). Other lines are its text.
    ``calls`` counts the calls of the transcript (their ids)."""
    records: list[dict[str, Any]] = []
    blocks: list[dict[str, Any]] = []
    open_calls: dict[str, str] = {}  # tool name → id of its last call
    step: dict[str, Any] | None = None  # the step the lines go to (None: the text)
    lines: list[str] = []

    def emit(role: str, content: list[dict[str, Any]]) -> None:
        if content:
            records.append({"role": role, "content": content})

    def close() -> None:
        nonlocal blocks, step
        words = "\n".join(lines).strip()
        lines.clear()
        if step is None:
            if words:
                if any(b["type"] == "tool-call" for b in blocks):
                    emit("assistant", blocks)  # text after a call: the next message
                    blocks = []
                blocks.append({"type": "text", "text": words})
        elif step["type"] == "tool-result" and words:
            step["result"] = words
            emit("assistant", blocks)
            blocks = []
            emit("tool", [step])
        step = None

    for line in body.split("\n"):
        found = _STEP.match(line)
        if found is None:
            if step is not None and step["type"] == "tool-call" and \
                    line[:1] in (" ", "\t") and line.strip():
                step["args"] = "; ".join(filter(None, [step["args"], line.strip()]))
                continue
            if step is not None and step["type"] == "reasoning":
                if line.strip():
                    step["text"] = "\n".join(filter(None, [step["text"], line.strip()]))
                    continue
                step = None
                continue
            if step is not None and step["type"] == "tool-call":
                step = None
            lines.append(line)
            continue
        close()
        kind, rest = found.group(1), found.group(2).strip()
        if kind == "Thinking":
            if any(b["type"] != "reasoning" for b in blocks):
                emit("assistant", blocks)
                blocks = []
            step = {"type": "reasoning", "text": rest}
            blocks.append(step)
        elif kind == "Tool call":
            calls[0] += 1
            open_calls[rest] = f"call{calls[0]}"
            step = {"type": "tool-call", "toolName": rest or "tool",
                    "toolCallId": f"call{calls[0]}", "args": ""}
            blocks.append(step)
        else:
            step = {"type": "tool-result", "toolName": rest,
                    "toolCallId": open_calls.pop(rest, "")}
    close()
    emit("assistant", blocks)
    return records


def _jsonl_records(stream: BinaryIO, name: str, report: Report) -> list[dict[str, Any]]:
    """A ``.jsonl`` transcript as agent records: each line ``{"role", "message": {"content":
    [text / tool_use / thinking blocks]}}`` (Anthropic's blocks); ``turn_ended`` lines and
    lines of other kinds say nothing of the chat."""
    records: list[dict[str, Any]] = []
    unreadable = 0
    for n, raw in enumerate(stream.read().splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            unreadable += 1
            report(Skipped(f"{name}: line {n}", "not readable JSON"))
            continue
        record = as_dict(record)
        role = record.get("role")
        if role not in ("user", "assistant", "tool"):
            continue
        content = as_dict(record.get("message")).get("content")
        blocks: list[dict[str, Any]] = []
        for block in ([{"type": "text", "text": content}] if isinstance(content, str)
                      else [as_dict(b) for b in as_list(content)]):
            kind = block.get("type")
            if kind == "text":
                blocks.append({"type": "text", "text": str(block.get("text") or "")})
            elif kind in ("thinking", "reasoning"):
                words = str(block.get("thinking") or block.get("text") or "").strip()
                if words and words != "[REDACTED]":
                    blocks.append({"type": "reasoning", "text": words})
            elif kind == "tool_use":
                blocks.append({"type": "tool-call", "toolName": block.get("name"),
                               "toolCallId": block.get("id") or f"line{n}",
                               "args": block.get("input")})
            elif kind == "tool_result":
                blocks.append({"type": "tool-result", "toolCallId": block.get("tool_use_id"),
                               "result": block.get("content")})
        records.append({"role": role, "content": blocks})
    if not records and unreadable:
        raise FormatError(name, f"no readable transcript line ({unreadable} unreadable)")
    return records


def _transcript(stream: BinaryIO, name: str, chat: str, report: Report,
                modified: datetime | None = None) -> Session | None:
    """An agent transcript as a session (None when it holds no message). It records no times
    but the person's ``<timestamp>`` tags, where a build writes them; otherwise the chat is
    placed at the file's last change (``modified``)."""
    if name.endswith(".txt"):
        records = _text_records(stream.read().decode("utf-8", "replace").lstrip("\ufeff"))
    else:
        records = _jsonl_records(stream, name, report)
    times: list[datetime] = []
    for record in records:
        if record["role"] != "user":
            continue
        for block in record["content"]:
            if block["type"] == "text":
                times.extend(filter(None, (parse_time(t)
                                           for t in _TIMESTAMP.findall(block["text"]))))
    messages = _agent_messages(records, None)
    if not messages:
        report(Skipped(name, "empty agent transcript (no messages)"))
        return None
    first = next((m.text for m in messages if m.role == "user"), None)
    start = min(times, default=modified)
    end = max([*times, *filter(None, [modified])], default=None)
    return Session(source=SOURCE, external_id=chat,
                   title=title_from(first) or "Cursor agent chat",
                   started_at=start, ended_at=end, messages=tuple(messages))


def _read_transcript(f: GroupFile, report: Report, checkpoints: Checkpoints) -> list[Session]:
    """One transcript file, unless a Cursor database holds its chat: the state saved for the
    chat when a database was read (in this import or an earlier one) says so."""
    chat = _transcript_id(f.path.replace("\\", "/"))
    assert chat is not None, f.path
    stored = checkpoints.load(make_session_id(SOURCE, chat))
    origin = as_str(stored[0].get("read_from")) if stored is not None else None
    if origin in _SHADOWED:
        report(Skipped(f.name, _SHADOWED[origin]))
        return []
    modified = None
    with contextlib.suppress(OSError):
        modified = datetime.fromtimestamp(Path(f.path).stat().st_mtime, UTC)
    with open(f.path, "rb") as stream:
        session = _transcript(stream, f.name, chat, report, modified)
    return [session] if session is not None else []


def _workspace_folder(path: str) -> str | None:
    try:
        data = json.loads((Path(path).parent / "workspace.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    uri = as_str(as_dict(data).get("folder"))
    if not uri:
        return None
    local = unquote(urlparse(uri).path)
    if len(local) > 2 and local[0] == "/" and local[2] == ":":
        local = local[1:]
    return local or None


def _read(conn: sqlite3.Connection, name: str, project: str | None, report: Report,
          path: str | None = None) -> list[Session]:
    try:
        names = tables(conn)
        if {"meta", "blobs"} <= names and "ItemTable" not in names:
            return _agent_store(conn, name, path, report)
        if "cursorDiskKV" not in names and "ItemTable" not in names:
            raise FormatError(name, "not a Cursor database (no cursorDiskKV or ItemTable)")
        sessions: list[Session] = []
        if "cursorDiskKV" in names:
            rows = conn.execute("SELECT key, value FROM cursorDiskKV "
                                "WHERE key >= 'composerData:' AND key < 'composerData;'")
            store = _Bubbles(conn)
            known: set[str] = set()
            for key, value in rows.fetchall():
                known.add(str(key).split(":", 1)[1])
                data = _json(value)
                if not isinstance(data, dict):
                    report(Skipped(f"{name}: {key}", "not readable JSON"))
                    continue
                data.setdefault("composerId", str(key).split(":", 1)[1])
                session = _composer(store, data, report)
                if session is not None:
                    sessions.append(session)
            for cid in store.chats():
                if cid not in known:  # bubbles kept without their composerData (older builds)
                    session = _composer(store, {"composerId": cid}, report)
                    if session is not None:
                        sessions.append(session)
        if "ItemTable" in names:
            row = conn.execute("SELECT value FROM ItemTable WHERE key = ?",
                               (LEGACY_KEY,)).fetchone()
            if row is not None:
                sessions.extend(_legacy(_json(row[0]), project))
            row = conn.execute("SELECT value FROM ItemTable WHERE key = ?",
                               (COMPOSERS_KEY,)).fetchone()
            if row is not None:
                sessions.extend(_workspace_composers(_json(row[0]), project, name, report))
    except sqlite3.DatabaseError as exc:
        raise FormatError(name, f"the database cannot be read ({exc})") from exc
    return sessions


def parse(stream: BinaryIO, name: str, report: Report) -> Iterator[Session]:
    """A ``state.vscdb`` or an agent transcript given as a stream (e.g. inside a zip, where
    a transcript is read as it is: nothing tells which chats the zip's databases hold)."""
    chat = _transcript_id(name.replace("\\", "/").rsplit("!", 1)[-1])
    if chat is not None:
        session = _transcript(stream, name, chat, report)
        if session is not None:
            yield session
        return
    with open_stream_copy(stream, name) as conn:
        sessions = _read(conn, name, None, report)
    yield from sessions


def parse_group(files: list[GroupFile], report: Report,
                checkpoints: Checkpoints) -> Iterator[Session]:
    """A changed ``state.vscdb`` or ``store.db``, read in full from a private copy; or a
    project's changed agent transcripts.

    A transcript is named by its chat's composer id and holds less of it than a database
    (no times, tokens or model), so it is imported only when no Cursor database holds that
    chat: each chat read from a database is remembered (a saved state naming the kind of
    database, through ``checkpoints``), and a transcript whose chat has one is listed as
    skipped. A database and a transcript are never in one group; the databases of an import
    are read before its transcripts (see :func:`group_key`), and those of earlier imports
    left their states. Chats stored by parser version 3 or older have none: their databases
    are read again (a new version), and until then a transcript may stand for the chat; the
    database's copy replaces it when read.
    """
    for f in files:
        if not f.changed or _transcript_id(f.path.replace("\\", "/")) is not None:
            continue
        with open_copy(f.path, f.name) as conn:
            sessions = _read(conn, f.name, _workspace_folder(f.path), report, f.path)
        f.end = f.size
        f.sessions = {s.id for s in sessions}
        kind = "store.db" if Path(f.path).name == AGENT_STORE else "state.vscdb"
        for session in sessions:
            checkpoints.save(session.id, {"read_from": kind}, holds_text=False)
        yield from sessions
    for f in files:
        if not f.changed or _transcript_id(f.path.replace("\\", "/")) is None:
            continue
        sessions = _read_transcript(f, report, checkpoints)
        f.end = f.size
        f.sessions = {s.id for s in sessions}
        yield from sessions


def locations(p: Places) -> Iterator[Found]:
    """Cursor's global ``state.vscdb`` (with its -wal), its ``workspaceStorage``, the
    cursor-agent CLI's chats (``~/.cursor/chats``, or under ``CURSOR_CONFIG_DIR``) and each
    project's agent transcripts (``~/.cursor/projects/<project>/agent-transcripts``)."""
    user = p.config / "Cursor" / "User"
    db = user / "globalStorage" / "state.vscdb"
    found = found_file(SOURCE, db, [db.with_name("state.vscdb-wal")])
    if found:
        yield found
    workspaces = found_folder(SOURCE, user / "workspaceStorage",
                              lambda name, _dir: name == "state.vscdb", 2)
    if workspaces:
        yield workspaces
    agent = Path(p.env["CURSOR_CONFIG_DIR"]) if p.env.get("CURSOR_CONFIG_DIR") else \
        p.home / ".cursor"
    chats = found_folder(SOURCE, agent / "chats", lambda name, _dir: name == AGENT_STORE, 3)
    if chats:
        yield chats
    # Agent transcripts, one folder per project (importing ``projects`` itself would also walk
    # the terminals and tool outputs kept beside them).
    projects = agent / "projects"
    if projects.is_dir():
        for folder in sorted(projects.glob(f"*/{TRANSCRIPTS}")):
            transcripts = found_folder(
                SOURCE, folder,
                lambda name, where: _transcript_id(f"{where}/{name}".replace("\\", "/"))
                is not None, 2)
            if transcripts:
                yield transcripts



# --- synthetic databases (demo-data, the demo, tests) --------------------------------------------

#: Where Cursor keeps its global database, under its ``User`` folder.
FILE_NAME = "globalStorage/state.vscdb"
_TOOLS = {"read": (5, "read_file", "target_file"), "search": (3, "grep_search", "query"),
          "edit": (7, "edit_file", "target_file"), "run": (15, "run_terminal_cmd", "command"),
          "other": (15, "run_terminal_cmd", "command")}
#: Sessions written between commits (the file is built in a few transactions, not one per row).
_BATCH = 200


def write_demo(sessions: Iterable[Session], out: Path) -> Path:
    """Write ``sessions`` as Cursor's global ``state.vscdb``: a real SQLite database with
    VS Code's ``ItemTable`` and Cursor's ``cursorDiskKV`` tables.

    Each chat is a ``composerData:<id>`` row (``_v`` 3, its bubble order in
    ``fullConversationHeadersOnly``, the project in ``workspaceIdentifier``) and one
    ``bubbleId:<chat>:<bubble>`` row per message: type 1 the person, type 2 the assistant (with
    ``modelInfo``, ``timingInfo``, a ``thinking`` block now and then) and tool calls (type 2
    with ``capabilityType`` 15 and ``toolFormerData``). One chat in four is an older ``_v`` 2
    chat with its bubbles inline; of the others, one in eight keeps its bubbles under the older
    single-segment ``bubbleId:<bubble>`` keys, naming its chat in ``conversationId``. Tokens
    are the answers' ``tokenCount``; the person's and the tools' bubbles carry ``0/0`` as Cursor
    writes them. Cursor has no system messages. ``out`` is the ``.vscdb`` file, or Cursor's
    ``User`` folder to write ``globalStorage/state.vscdb`` in.
    """
    path = writing.file_target(out, FILE_NAME, fits=".vscdb")
    with writing.replacing_database(path) as conn:
        conn.execute("CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, "
                     "value BLOB)")
        conn.execute("CREATE TABLE cursorDiskKV (key TEXT UNIQUE ON CONFLICT REPLACE, "
                     "value BLOB)")
        for session in writing.committing(conn, sessions, _BATCH):
            conn.executemany("INSERT INTO cursorDiskKV (key, value) VALUES (?, ?)",
                             _demo_rows(session))
    return path


def _demo_bubbles(session: Session) -> list[dict[str, Any]]:
    key = session.id
    items = [i for i in writing.timed(session) if i.role != "system"]
    answers = [i.index for i in items if i.role == "assistant"] or [i.index for i in items[:1]]
    tokens_in = dict(zip(answers, writing.split(session.tokens_in or 0, len(answers),
                                                key + "/in"), strict=True))
    tokens_out = dict(zip(answers, writing.split(session.tokens_out or 0, len(answers),
                                                 key + "/out"), strict=True))
    bubbles: list[dict[str, Any]] = []
    for item in items:
        bubble: dict[str, Any] = {
            "_v": 3, "type": 1 if item.role == "user" else 2,
            "bubbleId": writing.stable_uuid(key, f"bubble{item.index}"),
            "text": item.text if item.role != "tool" else "",
            "createdAt": writing.iso_z(item.time),
            "tokenCount": {"inputTokens": tokens_in.get(item.index, 0),
                           "outputTokens": tokens_out.get(item.index, 0)},
            "codeBlocks": []}
        if item.role == "assistant":
            start = writing.epoch_ms(item.time) - 4000
            bubble.update({
                "modelInfo": {"modelName": writing.model_of(item.message, session)},
                "timingInfo": {"clientStartTime": start + 0.4, "clientRpcSendTime": start + 31.7,
                               "clientSettleTime": start + 3990.2,
                               "clientEndTime": start + 4000.9},
                "unifiedMode": 2})
            if writing.roll(key, f"thinking{item.index}", 4) == 0:
                bubble["thinking"] = {"text": "Checking the code before I answer.",
                                      "signature": ""}
        elif item.role == "tool":
            step = writing.tool_step(item.text)
            number, name, argument = _TOOLS[step.kind]
            params = writing.dump({argument: step.target})
            bubble.update({"capabilityType": 15, "toolFormerData": {
                "tool": number, "toolCallId": "toolu_" + writing.stable_hex(key, f"t{item.index}",
                                                                            24),
                "status": "completed", "name": name, "rawArgs": params, "params": params,
                "result": writing.dump({"output": item.text}), "userDecision": "accepted"}})
        bubbles.append(bubble)
    return bubbles


def _demo_rows(session: Session) -> list[tuple[str, str]]:
    key = session.id
    cid = session.external_id
    bubbles = _demo_bubbles(session)
    inline = writing.roll(key, "inline", 4) == 0
    data: dict[str, Any] = {
        "_v": 2 if inline else 3, "composerId": cid,
        "name": "" if writing.roll(key, "null title", 10) == 0 else session.title,
        "createdAt": writing.epoch_ms(writing.start_of(session)),
        "lastUpdatedAt": writing.epoch_ms(writing.end_of(session)),
        "status": "completed", "unifiedMode": "agent", "forceMode": "edit",
        "modelConfig": {"modelName": session.model or "default", "maxMode": False},
        "usageData": {}, "hasLoaded": True, "text": "", "richText": ""}
    if session.project:
        data["workspaceIdentifier"] = {
            "id": writing.stable_hex(session.project, "workspace", 32),
            "uri": {"$mid": 1, "fsPath": session.project, "path": session.project,
                    "scheme": "file"}}
    if inline:
        data["conversation"] = bubbles
        return [(f"composerData:{cid}", writing.dump(data))]
    data["fullConversationHeadersOnly"] = [{"bubbleId": b["bubbleId"], "type": b["type"]}
                                           for b in bubbles]
    data["conversation"] = []
    rows = [(f"composerData:{cid}", writing.dump(data))]
    if writing.roll(key, "single-segment keys", 8) == 0:  # older builds: bubbleId:<bubble>
        rows.extend((f"bubbleId:{b['bubbleId']}", writing.dump({**b, "conversationId": cid}))
                    for b in bubbles)
    else:
        rows.extend((f"bubbleId:{cid}:{b['bubbleId']}", writing.dump(b)) for b in bubbles)
    return rows


SPEC = SourceSpec(
    name=SOURCE,
    display_name="Cursor",
    format=FORMAT,
    version=VERSION,
    sniff=sniff,
    parse=parse,
    group=GroupSpec(key=group_key, parse=parse_group, stat=file_stat),
    locations=locations,
    writer=write_demo,
    # Which folder a workspace is.
    companion_names=frozenset({"workspace.json"}),
)
