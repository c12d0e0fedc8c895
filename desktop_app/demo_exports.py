"""Synthetic export files in each chat tool's real format, written as a stream (``demo-data``).

The content comes from :mod:`desktop_app.demo`'s generator (the same tasks, follow-ups and
models), laid out as each tool writes its export: a ChatGPT ``conversations.json`` with its
``mapping`` tree (a regenerated answer now and then), a Claude.ai ``conversations.json``, a
Google Takeout ``MyActivity.json``, an Open WebUI ``chat-export-*.json`` and the generic JSONL
format. The same arguments always give the same bytes. One conversation is held in memory at
a time, so a file of any size can be written; importing it gives exactly the sessions asked for.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any

from desktop_app import demo

#: Files are anchored to this day unless another is given, so that they never depend on the clock.
DEFAULT_END = date(2026, 3, 1)
DEFAULT_SEED = 2026

_MODELS: dict[str, tuple[str, ...]] = {
    "chatgpt": ("gpt-4o", "gpt-4o", "gpt-5", "gpt-5", "o3", "gpt-4.1", "gpt-4o-mini"),
    "claude-ai": (),  # the export records no model
    "gemini": (),
    "open-webui": ("llama3.1:8b", "qwen2.5:14b", "mistral-nemo:12b", "gpt-4o-mini"),
    "generic": ("sonar", "sonar-pro", "mistral-large", "deepseek-chat"),
}
_GENERIC_TOOLS = ("Perplexity", "Le Chat", "DeepSeek", "Poe")
#: Sentences that lengthen answers to a realistic size (real answers run to a few paragraphs).
_ELABORATION = (
    "The short version is above; the details below matter once the first step works.",
    "One caveat: this depends on the version you run, so check the changelog before relying on "
    "it.",
    "If the data is large, do the filtering before the join rather than after it; the result "
    "is the same and it uses a fraction of the memory.",
    "A common mistake here is to handle the happy path only; add a case for empty input and one "
    "for a value that is far too large.",
    "You can verify this quickly: run it on a small sample first and compare the output by "
    "hand.",
    "There is a trade-off between simplicity and flexibility; for a team of your size the "
    "simpler option usually wins.",
    "Keep the change small enough to review in one sitting, and write down why you made it.",
    "If that does not match what you see, paste the exact output and I will look again.",
    "Most of the cost is in the first setup; after that the maintenance is light.",
    "Here is an example you can adapt:\n\n```python\nfor item in items:\n    if not item:\n"
    "        continue\n    process(item)\n```",
    "Note that the numbers are estimates; treat them as an order of magnitude, not a quote.",
    "In practice, teams that tried both report that the second option needs more tuning.",
)


@dataclass(frozen=True, slots=True)
class Turn:
    """One message of a synthetic conversation."""

    role: str  # "user" or "assistant"
    text: str
    time: datetime
    model: str | None


@dataclass(frozen=True, slots=True)
class Conversation:
    """One synthetic conversation, before it is laid out in a tool's format."""

    index: int
    external_id: str
    title: str
    turns: tuple[Turn, ...]
    model: str | None
    rng_value: float  # a die roll for format variants (branches, null titles, …)

    @property
    def started(self) -> datetime:
        """When the first message was written."""
        return self.turns[0].time

    @property
    def ended(self) -> datetime:
        """When the last message was written."""
        return self.turns[-1].time


def conversations(source: str, count: int, *, seed: int = DEFAULT_SEED,
                  end: date = DEFAULT_END, newest_first: bool = False) -> Iterator[Conversation]:
    """``count`` conversations for ``source`` spread over the time before ``end``.

    Oldest first, or newest first when asked. Deterministic: the same arguments give the same
    conversations, ids included.
    """
    rng = random.Random(f"worthwhile-demo-data/{source}/{seed}/{end.isoformat()}")
    finish = datetime.combine(end, time(0, 0, tzinfo=UTC))
    # About a year of history; bigger exports get longer, like a heavy user's would.
    span = timedelta(days=max(365.0, count * 12 / (24 * 60)))
    slot = span / count
    start = finish - span
    models = _MODELS.get(source, ())
    kinds = demo._KINDS_BY_TOOL["chatgpt"]
    order = range(count - 1, -1, -1) if newest_first else range(count)
    for index in order:
        started = start + slot * index + slot * rng.random() * 0.5
        kind = demo._weighted(rng, kinds)
        slots = demo._slots(rng, None)
        task = demo._pick(rng, demo._TASKS[kind])
        model = demo._pick(rng, models) if models else None
        entries = demo._chat_messages(rng, kind, slots, task, model or "")
        turns: list[Turn] = []
        moment = started
        max_step = max(2, int(slot.total_seconds() / 2 / max(1, len(entries))))
        for role, text, _model in entries:
            if role == "assistant":
                extra = rng.sample(_ELABORATION, rng.randint(2, 6))
                text = text + "\n\n" + " ".join(extra[:2]) + "\n\n" + " ".join(extra[2:])
                text = text.rstrip()
            turns.append(Turn(role, text, moment, model if role == "assistant" else None))
            moment += timedelta(seconds=rng.randint(1, min(240, max_step)))
        yield Conversation(
            index=index,
            external_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            title=demo._fill(task[0], slots),
            turns=tuple(turns),
            model=model,
            rng_value=rng.random(),
        )


def _uid(conv: Conversation, label: str) -> str:
    """A stable uuid for a node of a conversation."""
    digest = hashlib.blake2b(f"{conv.external_id}/{label}".encode(), digest_size=16).digest()
    return str(uuid.UUID(bytes=digest, version=4))


def _iso(moment: datetime, fraction: bool = True) -> str:
    if fraction:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# --- ChatGPT --------------------------------------------------------------------------------------


def _gpt_message(mid: str, role: str, text: str, t: float | None, model: str | None, *,
                 hidden: bool = False) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    if role == "assistant":
        metadata = {"finish_details": {"type": "stop", "stop_tokens": [200002]},
                    "is_complete": True, "model_slug": model, "default_model_slug": model,
                    "parent_id": None, "request_id": mid[:8] + "-req", "timestamp_": "absolute"}
    elif role == "user":
        metadata = {"request_id": mid[:8] + "-req", "timestamp_": "absolute",
                    "message_type": None}
    if hidden:
        metadata = {"is_visually_hidden_from_conversation": True}
    return {
        "id": mid,
        "author": {"role": role, "name": None, "metadata": {}},
        "create_time": t,
        "update_time": None,
        "content": {"content_type": "text", "parts": [text]},
        "status": "finished_successfully",
        "end_turn": True if role == "assistant" else None,
        "weight": 0.0 if hidden else 1.0,
        "metadata": metadata,
        "recipient": "all",
        "channel": None,
    }


def chatgpt_conversation(conv: Conversation) -> dict[str, Any]:
    """One conversation as a ChatGPT export object (``mapping`` tree, ``current_node``).

    About one in eight has a regenerated answer: an older sibling of the visible one, kept in
    the tree but not on the visible thread.
    """
    root = "client-created-root"
    system_id = _uid(conv, "system")
    mapping: dict[str, dict[str, Any]] = {
        root: {"id": root, "message": None, "parent": None, "children": [system_id]},
        system_id: {"id": system_id, "parent": root, "children": [],
                    "message": _gpt_message(system_id, "system", "", None, None, hidden=True)},
    }
    parent = system_id
    regenerate_at = -1
    if conv.rng_value < 0.125:
        answers = [i for i, turn in enumerate(conv.turns) if turn.role == "assistant"]
        regenerate_at = answers[int(conv.rng_value * 8 * len(answers)) % len(answers)]
    for i, turn in enumerate(conv.turns):
        node_id = _uid(conv, f"m{i}")
        t = turn.time.timestamp()
        if i == regenerate_at:
            old_id = _uid(conv, f"m{i}-first")
            mapping[old_id] = {"id": old_id, "parent": parent, "children": [],
                               "message": _gpt_message(old_id, turn.role,
                                                       "(an earlier answer) " + turn.text,
                                                       t - 30, turn.model)}
            mapping[parent]["children"].append(old_id)
        mapping[node_id] = {"id": node_id, "parent": parent, "children": [],
                            "message": _gpt_message(node_id, turn.role, turn.text, t,
                                                    turn.model)}
        mapping[parent]["children"].append(node_id)
        parent = node_id
    title: str | None = conv.title
    if conv.rng_value > 0.95:
        title = None  # happens in real exports; the importer uses the first prompt
    return {
        "title": title,
        "create_time": conv.started.timestamp() - 0.4,
        "update_time": conv.ended.timestamp() + 0.6,
        "mapping": mapping,
        "moderation_results": [],
        "current_node": parent,
        "plugin_ids": None,
        "conversation_id": conv.external_id,
        "conversation_template_id": None,
        "gizmo_id": None,
        "gizmo_type": None,
        "is_archived": conv.rng_value > 0.9,
        "is_starred": None,
        "safe_urls": [],
        "blocked_urls": [],
        "default_model_slug": conv.model,
        "conversation_origin": None,
        "voice": None,
        "async_status": None,
        "disabled_tool_ids": [],
        "is_do_not_remember": False,
        "memory_scope": "global_enabled",
        "id": conv.external_id,
    }


# --- Claude.ai ------------------------------------------------------------------------------------


def claude_conversation(conv: Conversation) -> dict[str, Any]:
    """One conversation as a Claude.ai export object (``chat_messages`` with content blocks)."""
    messages: list[dict[str, Any]] = []
    parent = "00000000-0000-4000-8000-000000000000"
    for i, turn in enumerate(conv.turns):
        mid = _uid(conv, f"m{i}")
        stamp = _iso(turn.time)
        block: dict[str, Any] = {"start_timestamp": stamp, "stop_timestamp": stamp,
                                 "flags": None, "type": "text", "text": turn.text,
                                 "citations": []}
        messages.append({
            "uuid": mid,
            "text": turn.text,
            "content": [block],
            "sender": "human" if turn.role == "user" else "assistant",
            "created_at": stamp,
            "updated_at": stamp,
            "attachments": [],
            "files": [],
            "parent_message_uuid": parent,
        })
        parent = mid
    return {
        "uuid": conv.external_id,
        "name": conv.title,
        "summary": "",
        "created_at": _iso(conv.started),
        "updated_at": _iso(conv.ended),
        "account": {"uuid": "00000000-0000-4000-8000-00000000acc1"},
        "chat_messages": messages,
    }


# --- Gemini (Google Takeout) ----------------------------------------------------------------------


def gemini_records(conv: Conversation) -> list[dict[str, Any]]:
    """One conversation as Takeout activity records, newest first (one record per prompt).

    Three in four carry the chat link in ``details`` (as 2026 exports do); the others are
    grouped by the importer by time, so they are written at least 30 minutes apart.
    """
    chat_id = hashlib.blake2b(conv.external_id.encode(), digest_size=8).hexdigest()
    linked = conv.index % 4 != 3
    records: list[dict[str, Any]] = []
    turns = list(conv.turns)
    for i in range(0, len(turns), 2):
        prompt = turns[i]
        answer = turns[i + 1] if i + 1 < len(turns) else None
        record: dict[str, Any] = {
            "header": "Gemini Apps",
            "title": f"Prompted {prompt.text}",
            "time": prompt.time.strftime("%Y-%m-%dT%H:%M:%S.")
            + f"{prompt.time.microsecond // 1000:03d}Z",
            "products": ["Gemini Apps"],
            "activityControls": ["Gemini Apps Activity"],
        }
        if linked:
            url = f"https://gemini.google.com/app/{chat_id}"
            record["details"] = [{"name": url, "url": url}]
        if answer is not None:
            paragraphs = "".join(f"<p>{_html_escape(p)}</p>" for p in answer.text.split("\n\n"))
            record["safeHtmlItem"] = [{"html": paragraphs}]
        records.append(record)
    records.reverse()
    return records


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- Open WebUI -----------------------------------------------------------------------------------


def open_webui_chat(conv: Conversation) -> dict[str, Any]:
    """One conversation as an Open WebUI export row (``chat.history`` tree with ``currentId``)."""
    nodes: dict[str, dict[str, Any]] = {}
    thread: list[dict[str, Any]] = []
    parent: str | None = None
    for i, turn in enumerate(conv.turns):
        mid = _uid(conv, f"m{i}")
        node: dict[str, Any] = {"id": mid, "parentId": parent, "childrenIds": [],
                                "role": turn.role, "content": turn.text,
                                "timestamp": int(turn.time.timestamp())}
        if turn.role == "user":
            node["models"] = [conv.model]
        else:
            node.update({"model": conv.model, "modelName": conv.model, "modelIdx": 0,
                         "done": True,
                         "usage": {"prompt_tokens": 40 + 3 * len(thread),
                                   "completion_tokens": max(1, len(turn.text) // 4)}})
        if parent is not None:
            nodes[parent]["childrenIds"].append(mid)
        nodes[mid] = node
        thread.append(node)
        parent = mid
    created = int(conv.started.timestamp())
    return {
        "id": conv.external_id,
        "user_id": "00000000-0000-4000-8000-0000000000a1",
        "title": conv.title,
        "chat": {
            "id": "",
            "title": conv.title,
            "models": [conv.model],
            "params": {},
            "history": {"messages": nodes, "currentId": parent},
            "messages": thread,
            "tags": [],
            "timestamp": created * 1000,
            "files": [],
        },
        "updated_at": int(conv.ended.timestamp()),
        "created_at": created,
        "share_id": None,
        "archived": False,
        "pinned": False,
        "meta": {"tags": []},
        "folder_id": None,
    }


# --- writers --------------------------------------------------------------------------------------


def _write_array(out: IO[str], items: Iterator[Any]) -> None:
    out.write("[")
    first = True
    for item in items:
        if not first:
            out.write(",")
        out.write(_dump(item))
        first = False
    out.write("]")


def _write_chatgpt(out: IO[str], convs: Iterator[Conversation]) -> None:
    _write_array(out, (chatgpt_conversation(c) for c in convs))


def _write_claude(out: IO[str], convs: Iterator[Conversation]) -> None:
    _write_array(out, (claude_conversation(c) for c in convs))


def _write_open_webui(out: IO[str], convs: Iterator[Conversation]) -> None:
    _write_array(out, (open_webui_chat(c) for c in convs))


def _write_gemini(out: IO[str], convs: Iterator[Conversation]) -> None:
    # Takeout lists activity newest first: the conversations arrive newest first (see
    # NEWEST_FIRST) and each one's records are newest first too.
    _write_array(out, (record for c in convs for record in gemini_records(c)))


def _write_generic(out: IO[str], convs: Iterator[Conversation]) -> None:
    for conv in convs:
        tool = _GENERIC_TOOLS[conv.index % len(_GENERIC_TOOLS)]
        for i, turn in enumerate(conv.turns):
            row: dict[str, Any] = {"session_id": conv.external_id, "time": _iso(turn.time, False),
                                   "role": turn.role, "text": turn.text}
            if i == 0:
                row.update({"title": conv.title, "tool": tool})
            if turn.role == "assistant":
                row.update({"model": turn.model, "tokens_in": 30 + 5 * i,
                            "tokens_out": max(1, len(turn.text) // 4)})
            out.write(_dump(row))
            out.write("\n")


Writer = Callable[[IO[str], Iterator[Conversation]], None]

#: The formats ``demo-data`` can write, by source name (other sources may add theirs here).
WRITERS: dict[str, Writer] = {
    "chatgpt": _write_chatgpt,
    "claude-ai": _write_claude,
    "gemini": _write_gemini,
    "open-webui": _write_open_webui,
    "generic": _write_generic,
}
#: Formats whose files list the newest activity first.
NEWEST_FIRST = frozenset({"gemini"})

#: The file name each tool gives its export (used when ``--out`` is a folder).
FILE_NAMES: dict[str, str] = {
    "chatgpt": "conversations.json",
    "claude-ai": "conversations.json",
    "gemini": "MyActivity.json",
    "open-webui": "chat-export-1767225600000.json",
    "generic": "history.jsonl",
}


def write_export(source: str, count: int, out: str | Path, *, seed: int = DEFAULT_SEED,
                 end: date = DEFAULT_END) -> Path:
    """Write ``count`` synthetic sessions of ``source`` to ``out`` in the tool's own format.

    ``out`` may be an existing folder (the tool's usual file name is used then). The file is
    written under a temporary name and renamed at the end, so a half-written file never
    looks complete. Returns the file written. Raises :class:`KeyError` for a source without
    a writer and :class:`ValueError` for a count below 1.
    """
    if count < 1:
        raise ValueError("the number of sessions must be at least 1")
    writer = WRITERS[source]
    path = Path(out)
    if path.is_dir():
        path = path / FILE_NAMES.get(source, f"{source}.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    convs = conversations(source, count, seed=seed, end=end,
                          newest_first=source in NEWEST_FIRST)
    partial = path.with_name(path.name + ".partial")
    try:
        with open(partial, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as handle:
            writer(handle, convs)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path
