"""Open WebUI chat export: ``chat-export-<ms>.json`` (an array of chats with a message tree)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
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
    as_int,
    as_list,
    as_str,
    child_ids,
    first_user_text,
    main_model,
    parse_time,
    time_span,
    title_from,
)

SOURCE = "open-webui"
VERSION = "2"
FORMAT = "Open WebUI chat export (chat-export-*.json)"

_CHAT = re.compile(r'"chat"\s*:\s*[{"]')
_TREE = re.compile(r'"(history|currentId|childrenIds|parentId)"\s*:')
_ROLES = {"user": "user", "assistant": "assistant", "system": "system", "tool": "tool"}


def sniff(head: bytes, name: str) -> bool:
    """A JSON array of chats, each with a ``chat`` object holding ``history`` or ``messages``."""
    kind, keys = json_top_level(head)
    if kind not in ("array", "object"):
        return False
    text = head_text(head)
    if "chat" in keys and ("user_id" in keys or _TREE.search(text)):
        return True
    return bool(_CHAT.search(text) and _TREE.search(text) and '"mapping"' not in text)


def parse(stream: BinaryIO, name: str, report: Report) -> Iterator[Session]:
    """Stream the chats of one export file."""
    prefix, _keys, stream = array_or_object(stream, name, "chats")
    tally = RecordTally(name, "Open WebUI chat", report)
    for index, item in enumerate(iter_json(stream, name, prefix), start=1):
        row = as_dict(item)
        chat = row.get("chat")
        if isinstance(chat, str):  # database dumps keep the chat as a JSON string
            try:
                chat = json.loads(chat)
            except ValueError:
                chat = None
        chat = as_dict(chat)
        cid = as_str(row.get("id")) or as_str(chat.get("id"))
        what = f"chat {index}" + (f" ({cid})" if cid else "")
        if not cid or not chat:
            if prefix == "":
                raise FormatError(name, "a JSON object of another shape, not an Open WebUI chat")
            tally.skip(what, "no id or no chat: not an Open WebUI chat")
            continue
        session = chat_session(row, chat, cid)
        if not session.messages:
            tally.skip(what, "empty chat (no messages)", unreadable=False)
            continue
        tally.ok()
        yield session
    tally.finish()


def _visible(history: dict[str, Any], current: Any) -> tuple[list[dict[str, Any]], int]:
    nodes = {key: node for key, node in as_dict(history.get("messages")).items()
             if isinstance(node, dict)}
    if not nodes:
        return [], 0
    if not isinstance(current, str) or current not in nodes:
        leaves = [k for k, n in nodes.items() if not child_ids(n, "childrenIds", nodes)]
        current = max(leaves or list(nodes),
                      key=lambda k: (parse_time(nodes[k].get("timestamp")) is not None,
                                     as_int(nodes[k].get("timestamp")) or 0))
    path: list[dict[str, Any]] = []
    seen: set[str] = set()
    key: Any = current
    while isinstance(key, str) and key in nodes and key not in seen:
        seen.add(key)
        path.append(nodes[key])
        key = nodes[key].get("parentId")
    path.reverse()
    branches = sum(max(0, len(child_ids(n, "childrenIds", nodes)) - 1) for n in nodes.values())
    return path, branches


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    pieces = []
    for part in as_list(content):
        part_dict = as_dict(part)
        kind = as_str(part_dict.get("type")) or ""
        if kind == "text":
            pieces.append(as_str(part_dict.get("text")) or "")
        elif kind:
            pieces.append(f"[{kind.replace('_', ' ')}]")
        elif isinstance(part, str):
            pieces.append(part)
    return "\n\n".join(p for p in pieces if p)


def _tokens(usage: dict[str, Any]) -> tuple[int | None, int | None]:
    tokens_in = as_int(usage.get("prompt_tokens"))
    if tokens_in is None:
        tokens_in = as_int(usage.get("input_tokens"))
    if tokens_in is None:
        tokens_in = as_int(usage.get("prompt_eval_count"))
    tokens_out = as_int(usage.get("completion_tokens"))
    if tokens_out is None:
        tokens_out = as_int(usage.get("output_tokens"))
    if tokens_out is None:
        tokens_out = as_int(usage.get("eval_count"))
    return tokens_in, tokens_out


def chat_session(row: dict[str, Any], chat: dict[str, Any], cid: str) -> Session:
    """One exported chat as a session (the thread that ends at ``currentId``)."""
    history = as_dict(chat.get("history"))
    current = history.get("currentId") or row.get("current_message_id")
    thread, branches = _visible(history, current)
    if not thread:
        thread = [as_dict(m) for m in as_list(chat.get("messages")) if isinstance(m, dict)]
    messages: list[Message] = []
    total_in: int | None = None
    total_out: int | None = None
    for node in thread:
        role = _ROLES.get(as_str(node.get("role")) or "")
        if role is None or role == "system":
            continue
        text = _content_text(node.get("content"))
        for file in as_list(node.get("files")):
            file_dict = as_dict(file)
            file_name = as_str(file_dict.get("name")) or as_str(as_dict(
                file_dict.get("file")).get("filename")) or "file"
            text += f"\n\n[attached file: {file_name}]"
        if node.get("error") and not text.strip():
            text = "[error] " + (as_str(as_dict(node.get("error")).get("content")) or "")
        text = text.strip()
        if not text:
            continue
        model = as_str(node.get("model")) if role == "assistant" else None
        messages.append(Message(role, text, parse_time(node.get("timestamp")), model))
        if role == "assistant":
            tokens_in, tokens_out = _tokens(as_dict(node.get("usage")))
            if tokens_in is not None:
                total_in = (total_in or 0) + tokens_in
            if tokens_out is not None:
                total_out = (total_out or 0) + tokens_out
    title = (as_str(row.get("title")) or as_str(chat.get("title")) or "").strip()
    if not title or title == "New Chat":
        title = title_from(first_user_text(messages)) or title or "Untitled chat"
    start, end = time_span(messages, parse_time(row.get("created_at"))
                           or parse_time(chat.get("timestamp")), parse_time(row.get("updated_at")))
    model = main_model(m.model for m in messages if m.role == "assistant")
    if model is None:
        model = next((m for m in as_list(chat.get("models")) if isinstance(m, str) and m), None)
    return Session(source=SOURCE, external_id=cid, title=title, started_at=start, ended_at=end,
                   messages=tuple(messages), model=model, tokens_in=total_in,
                   tokens_out=total_out, hidden_branches=branches,
                   updated_at=parse_time(row.get("updated_at")))



# --- synthetic exports (demo-data, the demo, tests) ----------------------------------------------

#: The name Open WebUI gives an export of all chats (the time is when it was exported).
FILE_NAME = "chat-export-1767225600000.json"


def write_demo(sessions: Iterable[Session], out: Path) -> Path:
    """Write ``sessions`` as an Open WebUI "Export Chats" file (one array, streamed).

    Each chat keeps its thread in ``chat.history`` (nodes linked by ``parentId`` and
    ``childrenIds``, the visible leaf in ``currentId``) and a linear copy in ``chat.messages``;
    a session's ``hidden_branches`` are regenerated answers beside the visible ones. Answers
    carry their model and OpenAI-style ``usage`` (the session's tokens spread over them).
    Open WebUI shows a tool call inside the answer (a ``<details type="tool_calls">`` block), so
    tool messages join the answer after them (else the one before, else an answer of their
    own); system messages are not part of the history. One chat in fifteen keeps the title
    "New Chat". ``out`` is the file, or a folder for it.
    """
    path = writing.file_target(out, FILE_NAME)
    with writing.replacing(path, large=True) as handle:
        writing.write_array(handle, (_demo_chat(s) for s in sessions))
    return path


def _demo_tool_text(tools: list[writing.Timed], key: str) -> str:
    return "".join(
        f'<details type="tool_calls" done="true" id="{writing.stable_hex(key, f"t{t.index}")}" '
        f'name="web_search">\n<summary>Tool Executed</summary>\n{t.text}\n</details>\n'
        for t in tools)


def _demo_thread(session: Session) -> list[dict[str, Any]]:
    """The messages as Open WebUI would keep them (tools folded into answers)."""
    key = session.id
    thread: list[dict[str, Any]] = []
    pending: list[writing.Timed] = []
    last_answer: dict[str, Any] | None = None

    def place_tools() -> None:
        nonlocal last_answer
        if not pending:
            return
        if last_answer is not None:
            last_answer["content"] += "\n" + _demo_tool_text(pending, key)
        else:
            last_answer = {"role": "assistant", "content": _demo_tool_text(pending, key),
                           "time": pending[0].time, "model": session.model}
            thread.append(last_answer)
        pending.clear()

    for item in writing.timed(session):
        if item.role == "user":
            place_tools()
            last_answer = None
            thread.append({"role": "user", "content": item.text, "time": item.time})
        elif item.role == "assistant":
            last_answer = {"role": "assistant",
                           "content": _demo_tool_text(pending, key) + item.text,
                           "time": item.time, "model": writing.model_of(item.message, session)}
            pending.clear()
            thread.append(last_answer)
        elif item.role == "tool":
            pending.append(item)
    place_tools()
    return thread


def _demo_chat(session: Session) -> dict[str, Any]:
    key = session.id
    thread = _demo_thread(session)
    answers = [n for n in thread if n["role"] == "assistant"]
    tokens_in = writing.split(session.tokens_in or 0, len(answers), key + "/in")
    tokens_out = writing.split(session.tokens_out or 0, len(answers), key + "/out")
    nodes: dict[str, dict[str, Any]] = {}
    visible: list[dict[str, Any]] = []
    parent: str | None = None
    answer_no = 0
    for i, item in enumerate(thread):
        mid = writing.stable_uuid(key, f"m{i}")
        node: dict[str, Any] = {"id": mid, "parentId": parent, "childrenIds": [],
                                "role": item["role"], "content": item["content"],
                                "timestamp": int(item["time"].timestamp())}
        if item["role"] == "user":
            node["models"] = [session.model]
        else:
            node.update({"model": item["model"], "modelName": item["model"], "modelIdx": 0,
                         "done": True})
            usage: dict[str, int] = {}
            if session.tokens_in is not None:
                usage["prompt_tokens"] = tokens_in[answer_no]
            if session.tokens_out is not None:
                usage["completion_tokens"] = tokens_out[answer_no]
            if usage:
                usage["total_tokens"] = sum(usage.values())
                node["usage"] = usage
            answer_no += 1
        if parent is not None:
            nodes[parent]["childrenIds"].append(mid)
        nodes[mid] = node
        visible.append(node)
        parent = mid
    places = [i for i, n in enumerate(visible) if n["role"] == "assistant"] or \
        list(range(len(visible)))
    for branch in range(session.hidden_branches if places else 0):
        original = visible[places[(writing.roll(key, "branch", len(places)) + branch)
                                  % len(places)]]
        old_id = writing.stable_uuid(key, f"{original['id']}-earlier-{branch}")
        nodes[old_id] = {**original, "id": old_id, "childrenIds": [],
                         "content": "(an earlier answer) " + original["content"],
                         "timestamp": original["timestamp"] - 30 - branch}
        if original["parentId"] is not None:
            siblings = nodes[original["parentId"]]["childrenIds"]
            siblings.insert(siblings.index(original["id"]), old_id)
    title = "New Chat" if writing.roll(key, "null title", 15) == 0 else session.title
    created = int(writing.start_of(session).timestamp())
    return {
        "id": session.external_id,
        "user_id": "00000000-0000-4000-8000-0000000000a1",
        "title": title,
        "chat": {
            "id": "",
            "title": title,
            "models": [session.model],
            "params": {},
            "history": {"messages": nodes, "currentId": parent},
            "messages": visible,
            "tags": [],
            "timestamp": created * 1000,
            "files": [],
        },
        "updated_at": int(writing.end_of(session).timestamp()),
        "created_at": created,
        "share_id": None,
        "archived": False,
        "pinned": False,
        "meta": {"tags": []},
        "folder_id": None,
    }


SPEC = SourceSpec(
    name=SOURCE,
    display_name="Open WebUI",
    format=FORMAT,
    version=VERSION,
    sniff=sniff,
    parse=parse,
    writer=write_demo,
)
