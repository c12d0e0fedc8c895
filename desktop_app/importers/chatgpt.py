"""ChatGPT data export: ``conversations.json`` or ``conversations-NNN.json`` shards (streamed)."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from desktop_app.domain import Message, Session, make_session_id
from desktop_app.importers import writing
from desktop_app.importers.contract import (
    Companion,
    FormatError,
    KnownRecords,
    RecordTally,
    Report,
    Skipped,
    SourceSpec,
    Unchanged,
)
from desktop_app.importers.streams import (
    ITEM_HEAD,
    RawItem,
    Recognise,
    Take,
    array_or_object,
    head_text,
    iter_json,
    iter_raw_items,
    json_top_level,
    read_head,
)
from desktop_app.importers.values import (
    as_dict,
    as_list,
    as_str,
    child_ids,
    first_user_text,
    from_epoch,
    main_model,
    size_text,
    time_span,
    title_from,
)

SOURCE = "chatgpt"
VERSION = "3"
FORMAT = "ChatGPT export (conversations.json or conversations-NNN.json, in its zip or not)"

_MAPPING = re.compile(r'"mapping"\s*:\s*\{')
_CONV_KEYS = re.compile(r'"(current_node|create_time|conversation_id)"\s*:')

#: Content types that are the user's custom instructions or the model's memory: never turns.
_CONTEXT_TYPES = frozenset({"user_editable_context", "model_editable_context"})
_THINKING_TYPES = frozenset({"thoughts", "reasoning_recap"})
#: The Unix seconds :func:`~desktop_app.importers.values.from_epoch` reads as they are.
_MIN_SECONDS, _MAX_SECONDS = 0.0, 32503680000.0


def sniff(head: bytes, name: str) -> bool:
    """A JSON array (or object) of conversations with a ``mapping`` tree."""
    kind, keys = json_top_level(head)
    if not kind:
        return False
    if "mapping" in keys:
        return True
    text = head_text(head)
    return bool(_MAPPING.search(text) and _CONV_KEYS.search(text))


def parse(stream: BinaryIO, name: str, report: Report) -> Iterator[Session]:
    """Stream the conversations of one export file, one at a time (bounded memory)."""
    for item in parse_known(stream, name, report):
        if isinstance(item, Session):  # nothing is known, so every item is a session
            yield item


def parse_known(stream: BinaryIO, name: str, report: Report, *,
                known: KnownRecords | None = None,
                companion: Mapping[str, str] | None = None) -> Iterator[Session | Unchanged]:
    """Like :func:`parse`, but a conversation whose bytes are exactly as stored (see
    :func:`record_mark`; ``known`` maps :func:`record_head` to what is stored) is not even
    decoded: an :class:`Unchanged` stands for it. ``companion`` maps conversation ids to the
    thumbs of ``message_feedback.json`` (see :func:`read_feedback`).
    """
    feedback = companion or {}
    prefix, keys, stream = array_or_object(stream, name, "conversations")
    if prefix == "" and "conversations" in keys:
        prefix = "conversations.item"  # {"conversations": [...]}; else one on its own
    tally = RecordTally(name, "ChatGPT conversation", report)
    if prefix == "item":
        items: Iterator[RawItem[str]] = iter_raw_items(stream, name,
                                                       _recogniser(known, feedback))
    else:  # the standard library's decoder is faster than ijson's events for whole items
        items = (RawItem(value=value) for value in iter_json(stream, name, prefix))
    for index, raw_item in enumerate(items, start=1):
        if raw_item.token is not None:
            tally.ok()
            yield Unchanged(raw_item.token)
            continue
        conv = as_dict(raw_item.value)
        what = f"conversation {index}"
        if not conv:
            tally.skip(what, "not a JSON object")
            continue
        cid = as_str(conv.get("id")) or as_str(conv.get("conversation_id"))
        if cid:
            what = f"conversation {index} ({cid})"
        mapping = conv.get("mapping")
        if not cid or not isinstance(mapping, dict):
            if prefix == "":
                raise FormatError(name, "a JSON object of another shape, not a ChatGPT "
                                        "conversation (no id or mapping)")
            tally.skip(what, "no id or no mapping: not a ChatGPT conversation")
            continue
        thumbs = feedback.get(cid)
        raw = raw_item.raw
        if raw is None:
            session = conversation_session(conv, cid, mapping, thumbs)
        else:
            args = (thumbs, record_mark(raw, thumbs), record_head(raw), len(raw))
            try:
                session = conversation_session(conv, cid, mapping, *args, raw_item.exact)
            except _RoundedError:
                conv = _exact_decode(raw, name, index)
                session = conversation_session(conv, cid, conv["mapping"], *args)
        if not session.messages:
            tally.skip(what, "no visible messages", unreadable=False)
            continue
        tally.ok()
        yield session
    tally.finish()


class _RoundedError(Exception):
    """A conversation decoded by orjson shows a number it may have rounded (an integer beyond
    64 bits, see ``streams.RawItem.exact``): it is decoded again with the standard library."""


def _exact_decode(raw: bytes, name: str, index: int) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except RecursionError as exc:  # as streams._RawScanner.decode says it
        raise FormatError(name, "not valid JSON (nested too deeply)", f"item {index}") from exc
    return as_dict(value)  # a conversation: the same bytes orjson read as one


#: A float this large (or this far below zero) may be how orjson read an integer beyond 64 bits.
_ROUNDED_FROM, _ROUNDED_BELOW = 2.0 ** 64, -(2.0 ** 63)


def _maybe_rounded(value: Any) -> bool:
    """True if ``value`` (the parts of a message) holds a float orjson may have rounded from
    an integer that :func:`render_content` shows whole (an image's size, ``json.dumps``)."""
    if isinstance(value, float):
        return value >= _ROUNDED_FROM or value <= _ROUNDED_BELOW
    try:
        if isinstance(value, list):
            return any(_maybe_rounded(item) for item in value)
        if isinstance(value, dict):
            return any(_maybe_rounded(item) for item in value.values())
    except RecursionError:
        return True  # decoded again: the standard decoder says how deep is too deep
    return False


def record_head(raw: bytes) -> int:
    """The key of a conversation's first bytes, by which a re-import finds its stored record."""
    return zlib.crc32(raw[:ITEM_HEAD])  # a locator only: a record is checked by its mark


@functools.lru_cache(maxsize=16)
def _mark_prefix(version: str, thumbs: str | None) -> bytes:
    return f"{version}\x00{thumbs or ''}\x00".encode()


def record_mark(raw: bytes, thumbs: str | None) -> int:
    """A 64-bit hash of a conversation's exact bytes in the export, of its thumbs in
    ``message_feedback.json`` and of the parser version (a better parser re-reads everything).

    Equal bytes are the same conversation read the same way: a re-import recognises it by this
    mark without decoding it.
    """
    digest = hashlib.sha256(_mark_prefix(SPEC.version, thumbs))
    digest.update(raw)
    return int.from_bytes(digest.digest()[:8], "big", signed=True)


#: How many stored records with the same head a conversation is compared with.
_MAX_CANDIDATES = 16


def _recogniser(known: KnownRecords | None, feedback: Mapping[str, str]) -> Recognise[str] | None:
    """Finds a conversation stored with these exact bytes (and thumbs) by its head: its
    session id."""
    if not known:
        return None
    thumbs = {make_session_id(SOURCE, cid): value for cid, value in feedback.items()}

    def recognise(head: bytes, take: Take) -> tuple[int, str] | None:
        # Real conversations start with their title and time, so a head is nearly always one
        # conversation's; a file of look-alikes is decoded rather than hashed over and over.
        candidates = known.get(record_head(head))
        if candidates is None:
            return None
        for size, mark, sid in candidates[:_MAX_CANDIDATES]:
            raw = take(size)
            if raw is not None and record_mark(raw, thumbs.get(sid)) == mark:
                return size, sid
        return None

    return recognise


def conversation_session(conv: dict[str, Any], cid: str, mapping: dict[str, Any],
                         thumbs: str | None = None, mark: int | None = None,
                         head: int | None = None, size: int | None = None,
                         exact: bool = True) -> Session:
    """One conversation object as a session: the visible thread from ``current_node`` up.
    ``mark``, ``head`` and ``size`` describe its record in the export (see
    :func:`record_mark`). ``exact`` False: ``conv`` was decoded by orjson, and
    :class:`_RoundedError` is raised where a number it may have rounded would be shown."""
    nodes = {key: node for key, node in mapping.items() if isinstance(node, dict)}
    thread = _visible_path(nodes, conv.get("current_node"))
    messages = _thread_messages(thread, exact)
    title = (as_str(conv.get("title")) or "").strip()
    if not title:
        title = title_from(first_user_text(messages)) or "Untitled conversation"
    updated = from_epoch(conv.get("update_time"))
    start, end = time_span(messages, from_epoch(conv.get("create_time")), updated)
    models = [m.model for m in messages if m.role == "assistant" and m.model]
    # One model throughout is the usual case; main_model settles mixes (and ties).
    model = models[0] if models and models.count(models[0]) == len(models) else main_model(models)
    if model is None:
        model = as_str(conv.get("default_model_slug"))
    branches = 0
    # Most nodes have one child: only forks are looked into.
    for node in [n for n in nodes.values()
                 if isinstance(kids := n.get("children"), list) and len(kids) > 1]:
        branches += max(0, len(child_ids(node, "children", nodes)) - 1)
    return Session(
        source=SOURCE, external_id=cid, title=title, started_at=start, ended_at=end,
        messages=tuple(messages), model=model, hidden_branches=branches,
        tool_feedback=thumbs, fingerprint=mark, updated_at=updated,
        record_head=head, record_size=size,
    )


def _created(node: dict[str, Any]) -> float:
    value = as_dict(node.get("message")).get("create_time")
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else -1.0


def _visible_path(nodes: dict[str, dict[str, Any]], current: Any) -> list[dict[str, Any]]:
    """Nodes from the root to the visible leaf (``current_node``, else the newest leaf)."""
    if not isinstance(current, str) or current not in nodes:
        leaves = [key for key, node in nodes.items() if not child_ids(node, "children", nodes)]
        if not leaves:
            return []
        current = max(leaves, key=lambda key: _created(nodes[key]))
    path: list[dict[str, Any]] = []
    seen: set[str] = set()
    key: Any = current
    while isinstance(key, str) and key in nodes and key not in seen:
        seen.add(key)
        node = nodes[key]
        path.append(node)
        key = node.get("parent")
    path.reverse()
    return path


def _thread_messages(thread: list[dict[str, Any]], exact: bool = True) -> list[Message]:
    """The visible thread as entries. Reasoning (``thoughts``, ``reasoning_recap``) is shown as
    ``[thinking] …`` at the head of the assistant message it precedes, be that an answer or a
    call to a tool, so it keeps the source's order and adds no entry; reasoning followed by no
    assistant message (the person spoke next, or the thread ends there) is an entry of its own.
    """
    messages: list[Message] = []
    thinking: list[str] = []
    thinking_time: datetime | None = None

    def with_thinking(text: str) -> str:
        if not thinking:
            return text
        joined = "\n\n".join([*thinking, text])
        thinking.clear()
        return joined

    def thinking_alone() -> None:
        if thinking:
            messages.append(Message("assistant", with_thinking("").rstrip(), thinking_time, None))

    for node in thread:
        message = node.get("message")
        if not message or not isinstance(message, dict):
            continue
        # as_dict / as_str inlined: this runs once per node of every conversation.
        author = message.get("author")
        if not isinstance(author, dict):
            author = {}
        role = author.get("role")
        if not isinstance(role, str) or not role:
            role = "assistant"
        content = message.get("content")
        if not isinstance(content, dict):
            content = {}
        content_type = content.get("content_type")
        if not isinstance(content_type, str) or not content_type:
            content_type = "text"
        metadata = message.get("metadata")
        if not isinstance(metadata, dict):
            metadata = {}
        # Hidden: system prompts, custom instructions and memory are not part of the thread.
        if (metadata.get("is_visually_hidden_from_conversation") or role == "system"
                or content_type in _CONTEXT_TYPES):
            continue
        parts = content.get("parts")
        if (content_type == "text" and type(parts) is list and len(parts) == 1
                and type(parts[0]) is str):
            text = parts[0]  # what render_content makes of the usual message
        else:
            if not exact and _maybe_rounded(parts):
                raise _RoundedError  # only parts hold numbers shown as they are written
            text = render_content(content)
        if "attachments" in metadata:
            attachments = _attachments(metadata)
            if attachments:
                text = f"{text}\n\n{attachments}" if text else attachments
        moment = message.get("create_time")
        if type(moment) is float and _MIN_SECONDS < moment < _MAX_SECONDS:
            time: datetime | None = datetime.fromtimestamp(moment, UTC)  # from_epoch's usual case
        else:
            time = from_epoch(moment)
        model = metadata.get("model_slug")
        if not isinstance(model, str) or not model:
            model = None
        recipient = message.get("recipient")
        if not isinstance(recipient, str) or not recipient:
            recipient = "all"
        if role == "assistant" and content_type in _THINKING_TYPES:
            stripped = text.strip()
            if stripped:
                if not thinking:
                    thinking_time = time
                thinking.append(f"[thinking] {stripped}")
            continue
        if not text or text.isspace():
            continue  # an empty placeholder (e.g. the blank message under the root)
        if role == "assistant" and recipient != "all":
            text = with_thinking(f"[call {recipient}] {text}")
            messages.append(Message("tool", text, time, model))
        elif role == "tool":
            tool = author.get("name")
            if not isinstance(tool, str) or not tool:
                tool = "tool"
            messages.append(Message("tool", f"[{tool}] {text}", time, None))
        elif role == "user":
            thinking_alone()
            messages.append(Message("user", text, time, None))
        else:
            messages.append(Message("assistant", with_thinking(text), time, model))
    thinking_alone()
    return messages


def _attachments(metadata: dict[str, Any]) -> str:
    notes = []
    for item in as_list(metadata.get("attachments")):
        attachment = as_dict(item)
        name = as_str(attachment.get("name")) or as_str(attachment.get("id")) or "file"
        size = size_text(attachment.get("size"))
        notes.append(f"[attached file: {name}{', ' + size if size else ''}]")
    return "\n".join(notes)


def _describe_part(part: dict[str, Any]) -> str:
    kind = as_str(part.get("content_type")) or "object"
    if kind == "image_asset_pointer":
        width, height = part.get("width"), part.get("height")
        dims = f" {width}×{height}" if isinstance(width, int) and isinstance(height, int) else ""
        prompt = as_str(as_dict(as_dict(part.get("metadata")).get("dalle")).get("prompt"))
        return f"[image{dims}: {prompt}]" if prompt else f"[image{dims}]"
    if kind == "audio_transcription":
        return f"[voice] {as_str(part.get('text')) or ''}".rstrip()
    if kind in ("audio_asset_pointer", "real_time_user_audio_video_asset_pointer"):
        seconds = as_dict(part.get("metadata")).get("end")
        label = "audio" if kind == "audio_asset_pointer" else "audio/video"
        if isinstance(seconds, int | float) and not isinstance(seconds, bool):
            return f"[{label} {seconds:.0f} s]"
        return f"[{label}]"
    text = as_str(part.get("text"))
    if text:
        return text
    return f"[{kind.replace('_', ' ')}]"


def _parts(content: dict[str, Any]) -> str:
    pieces: list[str] = []
    for part in as_list(content.get("parts")):
        if isinstance(part, str):
            if part:
                pieces.append(part)
        elif isinstance(part, dict):
            pieces.append(_describe_part(part))
        elif part is not None:
            pieces.append(json.dumps(part, ensure_ascii=False))
    return "\n\n".join(pieces)


def render_content(content: dict[str, Any]) -> str:
    """Readable text for any ``content_type``: text shown, media described, nothing dropped."""
    kind = as_str(content.get("content_type")) or "text"
    if kind in ("text", "multimodal_text"):
        return _parts(content)
    if kind == "code":
        code = as_str(content.get("text")) or ""
        language = as_str(content.get("language")) or ""
        language = "" if language == "unknown" else language
        return f"```{language}\n{code}\n```" if code else ""
    if kind == "execution_output":
        return as_str(content.get("text")) or "[no output]"
    if kind == "tether_browsing_display":
        return (as_str(content.get("result")) or as_str(content.get("summary"))
                or "[browsing result]")
    if kind == "tether_quote":
        title = as_str(content.get("title")) or as_str(content.get("domain")) or ""
        url = as_str(content.get("url")) or ""
        quote = as_str(content.get("text")) or ""
        header = f"[quote: {title} {url}]".replace("  ", " ").replace(" ]", "]")
        return f"{header}\n{quote}" if quote else header
    if kind == "system_error":
        error = as_str(content.get("name")) or "error"
        return f"[{error}] {as_str(content.get('text')) or ''}".rstrip()
    if kind == "thoughts":
        thoughts = [as_dict(t) for t in as_list(content.get("thoughts"))]
        lines = []
        for thought in thoughts:
            summary = as_str(thought.get("summary"))
            body = as_str(thought.get("content"))
            lines.append("\n".join(x for x in (summary, body) if x))
        text = "\n\n".join(x for x in lines if x)
        return text or _parts(content)
    if kind == "reasoning_recap":
        return as_str(content.get("content")) or _parts(content)
    if kind in _CONTEXT_TYPES:
        return "\n".join(x for x in (as_str(content.get("user_profile")),
                                     as_str(content.get("user_instructions"))) if x)
    # sonic_webpage, computer_output and types this parser does not know yet.
    text = _parts(content)
    if not text:
        for key in ("text", "result", "summary", "content", "title", "url"):
            value = as_str(content.get(key))
            if value:
                text = value
                break
    label = kind.replace("_", " ")
    if kind == "computer_output":
        return f"[screenshot] {text}".rstrip()
    return text if text else f"[{label}]"


# --- message_feedback.json ------------------------------------------------------------------------

#: The name of the file of thumbs in a ChatGPT export.
FEEDBACK_FILE = "message_feedback.json"
_UP = frozenset({"thumbsup", "thumbs_up", "up", "positive", "good", "like", "1"})
_DOWN = frozenset({"thumbsdown", "thumbs_down", "down", "negative", "bad", "dislike", "-1"})


def read_feedback(stream: BinaryIO, name: str, report: Report) -> dict[str, str]:
    """The thumbs of ``message_feedback.json`` per conversation: ``"up"``, ``"down"`` or
    ``"mixed"`` (both on different answers).

    These are what the person told ChatGPT, kept as the tool's own feedback and never as
    Worthwhile's verdict. A file that cannot be read is reported and gives no thumbs; it never
    stops the conversations from importing.
    """
    seen: dict[str, set[str]] = {}
    try:
        head, stream = read_head(stream)
        if not head.strip():
            return {}
        for index, item in enumerate(iter_json(stream, name, "item"), start=1):
            record = as_dict(item)
            cid = as_str(record.get("conversation_id")) or as_str(record.get("conversationId"))
            rating = record.get("rating")
            text = str(rating).strip().lower().replace(" ", "") if rating is not None else ""
            thumb = "up" if text in _UP else "down" if text in _DOWN else None
            if cid is None or thumb is None:
                report(Skipped(f"{name}: record {index}",
                               "not a thumbs-up or thumbs-down on a conversation"))
                continue
            seen.setdefault(cid, set()).add(thumb)
    except FormatError as exc:
        report(Skipped(name, f"the tool's feedback could not be read: {exc.reason}"))
        return {}
    return {cid: thumbs.pop() if len(thumbs) == 1 else "mixed" for cid, thumbs in seen.items()}



# --- synthetic exports (demo-data, the demo, tests) ----------------------------------------------

#: The file of conversations in an export.
FILE_NAME = "conversations.json"
_THUMBS = {"up": ("thumbsUp",), "down": ("thumbsDown",), "mixed": ("thumbsUp", "thumbsDown")}


def write_demo(sessions: Iterable[Session], out: Path) -> Path:
    """Write ``sessions`` as an export's ``conversations.json`` (one array, streamed).

    Each conversation is a ``mapping`` tree: the ``client-created-root``, a hidden system node,
    then the thread; a session's ``hidden_branches`` are regenerated answers kept as older
    siblings off the visible thread. One title in twenty is null (ChatGPT has those; the
    importer uses the first prompt). Tool messages are ``tool`` messages (``python`` output);
    system messages are hidden, as ChatGPT keeps them. The export records no tokens. Sessions
    with ``tool_feedback`` get their thumbs in a ``message_feedback.json`` beside the file.
    ``out`` is the file, or a folder to write it in; returns the file.
    """
    path = writing.file_target(out, FILE_NAME)
    feedback: list[dict[str, Any]] = []
    with writing.replacing(path, large=True) as handle:
        writing.write_array(handle, (_demo_conversation(s, feedback) for s in sessions))
    if feedback:
        writing.write_text(path.with_name(FEEDBACK_FILE), writing.dump(feedback))
    return path


def _demo_message(mid: str, message: Message, t: float | None, model: str | None
                  ) -> dict[str, Any]:
    role = message.role
    content: dict[str, Any] = {"content_type": "text", "parts": [message.text]}
    author: dict[str, Any] = {"role": role, "name": None, "metadata": {}}
    metadata: dict[str, Any] = {}
    if role == "assistant":
        metadata = {"finish_details": {"type": "stop", "stop_tokens": [200002]},
                    "is_complete": True, "model_slug": model, "default_model_slug": model,
                    "parent_id": None, "request_id": mid[:8] + "-req", "timestamp_": "absolute"}
    elif role == "user":
        metadata = {"request_id": mid[:8] + "-req", "timestamp_": "absolute",
                    "message_type": None}
    elif role == "tool":
        author["name"] = "python"
        content = {"content_type": "execution_output", "text": message.text}
        metadata = {"is_complete": True, "timestamp_": "absolute"}
    else:  # system text is never shown by ChatGPT
        metadata = {"is_visually_hidden_from_conversation": True}
    return {
        "id": mid,
        "author": author,
        "create_time": t,
        "update_time": None,
        "content": content,
        "status": "finished_successfully",
        "end_turn": True if role == "assistant" else None,
        "weight": 0.0 if role == "system" else 1.0,
        "metadata": metadata,
        "recipient": "all",
        "channel": None,
    }


def _demo_conversation(session: Session, feedback: list[dict[str, Any]]) -> dict[str, Any]:
    key = session.id
    root = "client-created-root"
    system_id = writing.stable_uuid(key, "system")
    hidden = _demo_message(system_id, Message("system", ""), None, None)
    mapping: dict[str, dict[str, Any]] = {
        root: {"id": root, "message": None, "parent": None, "children": [system_id]},
        system_id: {"id": system_id, "parent": root, "children": [], "message": hidden},
    }
    parents: list[str] = []
    ids: list[str] = []
    times = writing.message_times(session)
    parent = system_id
    for i, (message, moment) in enumerate(zip(session.messages, times, strict=True)):
        node_id = writing.stable_uuid(key, f"m{i}")
        model = writing.model_of(message, session) if message.role == "assistant" else None
        mapping[node_id] = {"id": node_id, "parent": parent, "children": [],
                            "message": _demo_message(node_id, message, moment.timestamp(), model)}
        mapping[parent]["children"].append(node_id)
        parents.append(parent)
        ids.append(node_id)
        parent = node_id
    answers = [i for i, m in enumerate(session.messages) if m.role == "assistant"] or \
        list(range(len(session.messages)))
    for branch in range(session.hidden_branches if answers else 0):
        i = answers[(writing.roll(key, "branch", len(answers)) + branch) % len(answers)]
        message = session.messages[i]
        old_id = writing.stable_uuid(key, f"m{i}-earlier-{branch}")
        earlier = Message(message.role, "(an earlier answer) " + message.text)
        model = writing.model_of(message, session) if message.role == "assistant" else None
        mapping[old_id] = {"id": old_id, "parent": parents[i], "children": [],
                           "message": _demo_message(old_id, earlier,
                                                    times[i].timestamp() - 30 - branch, model)}
        siblings = mapping[parents[i]]["children"]
        siblings.insert(siblings.index(ids[i]), old_id)
    thumbs = _THUMBS.get(session.tool_feedback or "", ())
    answer_id = next((ids[i] for i in reversed(answers) if i < len(ids)), None)
    for n, rating in enumerate(thumbs):
        feedback.append({"id": writing.stable_uuid(key, f"feedback{n}"),
                         "conversation_id": session.external_id, "message_id": answer_id,
                         "user_id": "user-demo", "rating": rating,
                         "create_time": writing.iso_z(writing.end_of(session), 6),
                         "content": "{}"})
    title: str | None = session.title
    if writing.roll(key, "null title", 20) == 0:
        title = None
    return {
        "title": title,
        "create_time": writing.start_of(session).timestamp(),
        "update_time": writing.end_of(session).timestamp() + 0.6,
        "mapping": mapping,
        "moderation_results": [],
        "current_node": parent,
        "plugin_ids": None,
        "conversation_id": session.external_id,
        "conversation_template_id": None,
        "gizmo_id": None,
        "gizmo_type": None,
        "is_archived": writing.roll(key, "archived", 10) == 0,
        "is_starred": None,
        "safe_urls": [],
        "blocked_urls": [],
        "default_model_slug": session.model,
        "conversation_origin": None,
        "voice": None,
        "async_status": None,
        "disabled_tool_ids": [],
        "is_do_not_remember": False,
        "memory_scope": "global_enabled",
        "id": session.external_id,
    }


SPEC = SourceSpec(
    name=SOURCE,
    display_name="ChatGPT",
    format=FORMAT,
    version=VERSION,
    sniff=sniff,
    parse=parse,
    parse_known=parse_known,
    companion=Companion(FEEDBACK_FILE, read_feedback),
    writer=write_demo,
    # The rest of a ChatGPT export: account, settings, shares, the offline viewer.
    companion_names=frozenset({
        "user.json", "export_manifest.json", "shared_conversations.json", "model_comparisons.json",
        "user_settings.json", "group_chats.json", "shopping.json", "sora.json", "chat.html"}),
)
