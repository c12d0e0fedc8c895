"""Claude.ai data export: ``conversations.json`` (in one or several batch zips), streamed."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from desktop_app.domain import Message, Session
from desktop_app.importers import writing
from desktop_app.importers.contract import (
    FormatError,
    RecordTally,
    Report,
    SourceSpec,
)
from desktop_app.importers.streams import (
    array_or_object,
    head_text,
    iter_json,
    json_top_level,
)
from desktop_app.importers.values import (
    as_dict,
    as_list,
    as_str,
    cut,
    first_user_text,
    from_iso,
    size_text,
    time_span,
    title_from,
)

SOURCE = "claude-ai"
VERSION = "2"  # 2: blanked messages are kept (still uses); the update time is stored
FORMAT = "Claude.ai export (conversations.json, in its batch zips or not)"

_CHAT_MESSAGES = re.compile(r'"chat_messages"\s*:')
_ROLES = {"human": "user", "user": "user", "assistant": "assistant"}
#: How much of a tool's input or result is kept in the transcript.


def sniff(head: bytes, name: str) -> bool:
    """A JSON array of conversations that have ``chat_messages``."""
    kind, keys = json_top_level(head)
    if kind != "array" and not (kind == "object" and "chat_messages" in keys):
        return False
    return "chat_messages" in keys or bool(_CHAT_MESSAGES.search(head_text(head)))


def parse(stream: BinaryIO, name: str, report: Report) -> Iterator[Session]:
    """Stream the conversations of a ``conversations.json``, one at a time."""
    prefix, _keys, stream = array_or_object(stream, name, "conversations")
    tally = RecordTally(name, "Claude.ai conversation", report)
    for index, item in enumerate(iter_json(stream, name, prefix), start=1):
        conv = as_dict(item)
        what = f"conversation {index}"
        uuid = as_str(conv.get("uuid"))
        if uuid:
            what = f"conversation {index} ({uuid})"
        if not uuid or not isinstance(conv.get("chat_messages"), list):
            if prefix == "":
                raise FormatError(name, "a JSON object of another shape, not a Claude.ai "
                                        "conversation")
            tally.skip(what, "no uuid or no chat_messages: not a Claude.ai conversation")
            continue
        session = conversation_session(conv, uuid)
        if not session.messages:
            tally.skip(what, "empty conversation (no messages)", unreadable=False)
            continue
        tally.ok()
        yield session
    tally.finish()


def conversation_session(conv: dict[str, Any], uuid: str) -> Session:
    """One conversation as a session; with ``parent_message_uuid``, the newest branch only."""
    raw = [as_dict(m) for m in as_list(conv.get("chat_messages")) if isinstance(m, dict)]
    thread, branches = _visible_thread(raw)
    messages = [m for m in (_message(item) for item in thread) if m is not None]
    title = (as_str(conv.get("name")) or "").strip()
    if not title:
        title = title_from(first_user_text(messages)) or "Untitled conversation"
    start, end = time_span(messages, from_iso(conv.get("created_at")),
                           from_iso(conv.get("updated_at")))
    model = as_str(conv.get("model"))  # absent in today's exports; kept if it ever appears
    return Session(source=SOURCE, external_id=uuid, title=title, started_at=start, ended_at=end,
                   messages=tuple(messages), model=model, hidden_branches=branches,
                   updated_at=from_iso(conv.get("updated_at")))


def _sort_key(item: tuple[int, dict[str, Any]]) -> tuple[float, int]:
    index, message = item
    moment = from_iso(message.get("created_at"))
    return (moment.timestamp() if moment else float("-inf"), index)


def _visible_thread(raw: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """The messages of the visible thread in order, and how many other branches there are."""
    ordered = [m for _i, m in sorted(enumerate(raw), key=_sort_key)]
    by_id = {uuid: m for m in ordered if (uuid := as_str(m.get("uuid")))}
    has_parents = any(as_str(m.get("parent_message_uuid")) in by_id for m in ordered)
    if not has_parents:
        return ordered, 0
    children: dict[str, int] = {}
    for m in ordered:
        parent = as_str(m.get("parent_message_uuid"))
        if parent in by_id:
            children[parent] = children.get(parent, 0) + 1
    leaves = [m for m in ordered if children.get(as_str(m.get("uuid")) or "", 0) == 0]
    if not leaves:  # every message has a child: the parent links form a loop; keep the order
        return ordered, 0
    leaf = leaves[-1]  # the newest leaf: no current leaf is recorded in the export
    path: list[dict[str, Any]] = []
    seen: set[int] = set()
    node: dict[str, Any] | None = leaf
    while node is not None and id(node) not in seen:
        seen.add(id(node))
        path.append(node)
        node = by_id.get(as_str(node.get("parent_message_uuid")) or "")
    path.reverse()
    return path, len(leaves) - 1



def _block_text(block: dict[str, Any]) -> str:
    kind = as_str(block.get("type")) or "text"
    if kind == "text":
        return as_str(block.get("text")) or ""
    if kind == "thinking":
        thinking = as_str(block.get("thinking")) or ""
        if not thinking:
            summaries = [as_str(as_dict(s).get("summary")) for s in as_list(block.get("summaries"))]
            thinking = "; ".join(s for s in summaries if s)
        return f"[thinking] {thinking}" if thinking else ""
    if kind == "tool_use":
        name = as_str(block.get("name")) or "tool"
        tool_input = as_dict(block.get("input"))
        if name == "artifacts":
            title = as_str(tool_input.get("title")) or as_str(tool_input.get("id")) or ""
            command = as_str(tool_input.get("command")) or "create"
            body = as_str(tool_input.get("content")) or as_str(tool_input.get("new_str")) or ""
            return cut(f"[artifact {command}: {title}]\n{body}".rstrip())
        if tool_input:
            detail = json.dumps(tool_input, ensure_ascii=False)
        else:
            detail = as_str(block.get("message")) or ""
        return cut(f"[tool {name}] {detail}".rstrip())
    if kind == "tool_result":
        name = as_str(block.get("name")) or "tool"
        pieces = []
        for part in as_list(block.get("content")):
            part_dict = as_dict(part)
            text = as_str(part_dict.get("text")) or as_str(part_dict.get("title"))
            if text:
                pieces.append(text)
            elif isinstance(part, str) and part:
                pieces.append(part)
        if isinstance(block.get("content"), str):
            pieces.append(block["content"])
        error = " (error)" if block.get("is_error") else ""
        return cut(f"[{name} result{error}] " + "\n".join(pieces)).rstrip()
    text = as_str(block.get("text"))
    return text or f"[{kind.replace('_', ' ')}]"


def _message(item: dict[str, Any]) -> Message | None:
    role = _ROLES.get(as_str(item.get("sender")) or "")
    if role is None:
        return None
    blocks = [as_dict(b) for b in as_list(item.get("content")) if isinstance(b, dict)]
    text = "\n\n".join(t for t in (_block_text(b) for b in blocks) if t)
    if not text.strip():
        text = as_str(item.get("text")) or ""
    notes = []
    for attachment in (as_dict(a) for a in as_list(item.get("attachments"))):
        name = as_str(attachment.get("file_name")) or "attachment"
        size = size_text(attachment.get("file_size"))
        notes.append(f"[attached file: {name}{', ' + size if size else ''}]")
    for file in (as_dict(f) for f in as_list(item.get("files"))):
        name = as_str(file.get("file_name")) or as_str(file.get("file_uuid")) or "file"
        notes.append(f"[file: {name}]")
    if notes:
        text = "\n\n".join([text, *notes]) if text else "\n".join(notes)
    # A message whose text the export left blank was still said: it stays an entry (empty
    # text), so the conversation keeps its message count and counts as a use.
    return Message(role, text if text.strip() else "", from_iso(item.get("created_at")), None)



# --- synthetic exports (demo-data, the demo, tests) ----------------------------------------------

#: The file of conversations in an export.
FILE_NAME = "conversations.json"
_ROOT_PARENT = "00000000-0000-4000-8000-000000000000"


def write_demo(sessions: Iterable[Session], out: Path) -> Path:
    """Write ``sessions`` as an export's ``conversations.json`` (one array, streamed).

    Messages carry typed ``content`` blocks and the flattened ``text``; one session in four
    starts its first answer with a ``thinking`` block. Messages are chained by
    ``parent_message_uuid``; a session's ``hidden_branches`` are older sibling answers (the
    export marks no current leaf: the importer takes the newest). Tool messages become
    ``tool_use``/``tool_result`` blocks of the answer that follows them in the exchange (else
    the one before, else an answer of their own); system messages and models are not in
    Claude.ai exports, nor are tokens. One name in twelve is empty, as Claude.ai leaves many.
    ``out`` is the file, or a folder to write it in; returns the file.
    """
    path = writing.file_target(out, FILE_NAME)
    with writing.replacing(path, large=True) as handle:
        writing.write_array(handle, (_demo_conversation(s) for s in sessions))
    return path


def _demo_block(kind: str, moment: datetime, **fields: Any) -> dict[str, Any]:
    stamp = writing.iso_z(moment, 6)
    return {"start_timestamp": stamp, "stop_timestamp": stamp, "flags": None, "type": kind,
            **fields, "citations": []}


def _demo_tool_blocks(tools: list[tuple[Message, datetime]]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for message, moment in tools:
        blocks.append(_demo_block("tool_use", moment, name="web_search",
                                  input={"query": cut(message.text, 200)}, message="Searching"))
        blocks.append(_demo_block("tool_result", moment, name="web_search",
                                  content=[{"type": "text", "text": message.text}],
                                  is_error=False))
    return blocks


def _demo_text(blocks: list[dict[str, Any]]) -> str:
    return "".join(str(b.get("thinking") or b.get("text") or "") for b in blocks
                   if b["type"] in ("thinking", "text"))


def _demo_conversation(session: Session) -> dict[str, Any]:
    key = session.id
    chat: list[dict[str, Any]] = []
    pending: list[tuple[Message, datetime]] = []
    last_answer: dict[str, Any] | None = None

    def add(sender: str, blocks: list[dict[str, Any]], moment: datetime) -> dict[str, Any]:
        stamp = writing.iso_z(moment, 6)
        item = {"uuid": writing.stable_uuid(key, f"m{len(chat)}"), "text": _demo_text(blocks),
                "content": blocks, "sender": sender, "created_at": stamp,
                "updated_at": stamp, "attachments": [], "files": [],
                "parent_message_uuid": chat[-1]["uuid"] if chat else _ROOT_PARENT}
        chat.append(item)
        return item

    def place_tools() -> None:
        nonlocal last_answer
        if not pending:
            return
        if last_answer is not None:
            last_answer["content"].extend(_demo_tool_blocks(pending))
        else:
            last_answer = add("assistant", _demo_tool_blocks(pending), pending[0][1])
        pending.clear()

    thinking = writing.roll(key, "thinking", 4) == 0
    for message, moment in zip(session.messages, writing.message_times(session), strict=True):
        if message.role == "user":
            place_tools()
            last_answer = None
            add("human", [_demo_block("text", moment, text=message.text)], moment)
        elif message.role == "assistant":
            blocks = _demo_tool_blocks(pending)
            pending.clear()
            if thinking:
                prompt = next((c["text"] for c in reversed(chat) if c["sender"] == "human"), "")
                blocks.append(_demo_block(
                    "thinking", moment, thinking=f"The person asks: {cut(prompt, 160)} "
                    "I should answer directly and keep it short.",
                    summaries=[{"summary": "Considering the request"}], cut_off=False))
                thinking = False
            blocks.append(_demo_block("text", moment, text=message.text))
            last_answer = add("assistant", blocks, moment)
        elif message.role == "tool":
            pending.append((message, moment))
    place_tools()
    answers = [i for i, c in enumerate(chat) if c["sender"] == "assistant"] or \
        list(range(len(chat)))
    for branch in range(session.hidden_branches if answers else 0):
        i = answers[(writing.roll(key, "branch", len(answers)) + branch) % len(answers)]
        original = chat[i]
        moment = datetime.fromisoformat(original["created_at"].replace("Z", "+00:00")) \
            - timedelta(seconds=30 + branch)
        text = "(an earlier answer) " + original["text"]
        stamp = writing.iso_z(moment, 6)
        chat.insert(i, {**original, "uuid": writing.stable_uuid(key, f"m{i}-earlier-{branch}"),
                        "text": text, "content": [_demo_block("text", moment, text=text)],
                        "created_at": stamp, "updated_at": stamp})
        answers = [a + 1 if a >= i else a for a in answers]
    return {
        "uuid": session.external_id,
        "name": "" if writing.roll(key, "null title", 12) == 0 else session.title,
        "summary": "",
        "created_at": writing.iso_z(writing.start_of(session), 6),
        "updated_at": writing.iso_z(writing.end_of(session), 6),
        "account": {"uuid": "00000000-0000-4000-8000-00000000acc1"},
        "chat_messages": chat,
    }


SPEC = SourceSpec(
    name=SOURCE,
    display_name="Claude.ai",  # not "Claude": beside "Claude Code" that reads as the same tool
    format=FORMAT,
    version=VERSION,
    sniff=sniff,
    parse=parse,
    writer=write_demo,
    # The rest of a Claude.ai export: account, projects, memories.
    companion_names=frozenset({"users.json", "projects.json", "memories.json"}),
)
