"""Gemini CLI chats: ``~/.gemini/tmp/<project hash>/chats/session-*.json`` (one per session).

A session file is rewritten as the chat goes on, so a changed file is read again in full.
``user`` messages are the person's, ``gemini`` ones the model's (its ``thoughts`` and text in one
entry, each tool call a ``tool`` entry), ``info``/``error`` ones are shown as system notes.
Tokens: ``input`` (which includes ``cached`` input, kept as the cache-read part) in, ``output`` out.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from datetime import UTC
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from desktop_app.domain import Message, Session
from desktop_app.importers import writing
from desktop_app.importers.contract import (
    Checkpoints,
    FormatError,
    GroupFile,
    GroupReading,
    GroupSpec,
    Report,
    Skipped,
    SourceSpec,
)
from desktop_app.importers.places import (
    Found,
    Places,
    found_folder,
)
from desktop_app.importers.streams import (
    iter_json,
    json_top_level,
    read_head,
)
from desktop_app.importers.values import (
    TOOL_TEXT,
    as_dict,
    as_int,
    as_list,
    as_str,
    cut,
    from_iso,
    main_model,
    title_from,
)

SOURCE = "gemini-cli"
FORMAT = "Gemini CLI sessions (~/.gemini/tmp/…/chats/session-*.json)"
VERSION = "3"  # 3: cached input tokens (the input split)


def sniff(head: bytes, name: str) -> bool:
    """A JSON object with ``sessionId``, ``messages`` and ``projectHash`` or ``startTime``."""
    kind, keys = json_top_level(head)
    return kind == "object" and "sessionId" in keys and (
        "projectHash" in keys or "startTime" in keys) and (
        "messages" in keys or "lastUpdated" in keys)


def group_key(path: str) -> str:
    """The ``chats`` folder."""
    return os.path.dirname(path)


def _content(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    parts = []
    for part in as_list(value):
        if isinstance(part, str):
            parts.append(part)
        else:
            parts.append(str(as_dict(part).get("text") or ""))
    return "\n".join(p for p in parts if p).strip()


def _result(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    text = _content(value) if isinstance(value, list) else ""
    return text or json.dumps(value, ensure_ascii=False, default=str)[: TOOL_TEXT + 1]



def _session(data: dict[str, Any], name: str) -> Session | None:
    sid = as_str(data.get("sessionId"))
    if sid is None:
        raise FormatError(name, "no sessionId: not a Gemini CLI session")
    messages: list[Message] = []
    models: list[str | None] = []
    t_in = t_out = t_cached = 0
    has_tokens = False
    for raw in as_list(data.get("messages")):
        m = as_dict(raw)
        kind = m.get("type")
        moment = from_iso(m.get("timestamp"))
        text = _content(m.get("content"))
        if kind == "user":
            if text:
                messages.append(Message("user", text, moment))
            continue
        if kind in ("info", "error", "warning"):
            if text:
                messages.append(Message("system", f"[{kind}] {text}", moment))
            continue
        if kind not in ("gemini", "model", "assistant"):
            continue
        tokens = as_dict(m.get("tokens"))
        if tokens:
            has_tokens = True
            t_in += as_int(tokens.get("input")) or 0
            t_out += as_int(tokens.get("output")) or 0
            t_cached += as_int(tokens.get("cached")) or 0
        thoughts = [f"[thinking] {as_str(as_dict(t).get('subject')) or ''}: "
                    f"{as_str(as_dict(t).get('description')) or ''}".rstrip(": ")
                    for t in as_list(m.get("thoughts"))]
        body = "\n\n".join([*thoughts, text]).strip()
        model = as_str(m.get("model"))
        if body:
            messages.append(Message("assistant", body, moment, model))
            models.append(model)
        for call in as_list(m.get("toolCalls")):
            call = as_dict(call)
            name_ = as_str(call.get("displayName")) or as_str(call.get("name")) or "tool"
            args = json.dumps(call.get("args"), ensure_ascii=False)[:300] \
                if call.get("args") is not None else ""
            result_text = cut(_result(call.get("result")))
            line = f"[tool {name_}] {args}".rstrip()
            if result_text:
                line += f"\n[result] {result_text}"
            messages.append(Message("tool", line, from_iso(call.get("timestamp")) or moment))
    if not messages:
        return None
    times = [t for t in (m.time for m in messages) if t is not None]
    start = from_iso(data.get("startTime")) or min(times, default=None)
    updated = from_iso(data.get("lastUpdated"))
    end = max([*times, *filter(None, [updated])], default=start)
    first = next((m.text for m in messages if m.role == "user"), None)
    return Session(source=SOURCE, external_id=sid,
                   title=as_str(data.get("summary")) or title_from(first) or "Gemini CLI session",
                   started_at=start, ended_at=end, messages=tuple(messages),
                   model=main_model(models), tokens_in=t_in if has_tokens else None,
                   tokens_out=t_out if has_tokens else None,
                   updated_at=end if updated else None,
                   tokens_uncached=t_in - t_cached if has_tokens else None,
                   tokens_cache_read=t_cached if has_tokens else None)


def _read(stream: BinaryIO, name: str) -> dict[str, Any]:
    head, stream = read_head(stream)
    if not head.strip():
        raise FormatError(name, "the file is empty")
    values = list(iter_json(stream, name, ""))
    data = values[0] if values else None
    if not isinstance(data, dict):
        raise FormatError(name, "not a Gemini CLI session (not a JSON object)")
    return data


def parse(stream: BinaryIO, name: str, report: Report) -> Iterator[Session]:
    """One session file."""
    session = _session(_read(stream, name), name)
    if session is None:
        report(Skipped(name, "empty session (no messages)"))
        return
    yield session


def parse_group(files: list[GroupFile], report: Report,
                checkpoints: Checkpoints) -> Iterator[Session]:
    """The changed session files of a ``chats`` folder, each read in full."""
    reading = GroupReading(report)
    wanted = [f for f in files if f.changed]
    for f in wanted:
        f.start = 0
        ok, session = reading.attempt(f.name, partial(_session_of_file, f))
        if not ok:
            continue
        f.end = f.size
        if session is None:
            continue
        f.sessions = {session.id}
        yield session
    reading.check(len(wanted))


def _session_of_file(f: GroupFile) -> Session | None:
    with open(f.path, "rb") as raw:
        return _session(_read(raw, f.name), f.name)


def locations(p: Places) -> Iterator[Found]:
    """``~/.gemini/tmp`` (or under ``$GEMINI_DATA_DIR``), where each project keeps chats."""
    configured = p.env.get("GEMINI_DATA_DIR")
    root = Path(configured).expanduser() if configured else p.home / ".gemini"
    found = found_folder(SOURCE, root / "tmp",
                         lambda name, folder: name.endswith(".json") and
                         os.path.basename(folder) == "chats", 3)
    if found:
        yield found



# --- synthetic chats (demo-data, the demo, tests) ------------------------------------------------

_TOOLS = {"read": ("read_file", "ReadFile", "absolute_path"),
          "search": ("search_file_content", "SearchText", "pattern"),
          "edit": ("replace", "Edit", "file_path"),
          "run": ("run_shell_command", "Shell", "command"),
          "other": ("run_shell_command", "Shell", "command")}


def project_hash(project: str | None) -> str:
    """The ``tmp/<hash>`` folder of a project: the SHA-256 of its root path."""
    return hashlib.sha256((project or "").encode()).hexdigest()


def write_demo(sessions: Iterable[Session], out: Path) -> Path:
    """Write ``sessions`` as Gemini CLI keeps them under ``out`` (a ``~/.gemini`` folder):
    ``tmp/<project hash>/chats/session-<time>-<id>.json``, one JSON document per session;
    returns ``out``.

    ``user`` messages are the prompts; a ``gemini`` message holds an answer, its tokens
    (``input`` with ``cached``, ``output``, ``thoughts``, ``tool``, ``total``; the session's
    spread over the answers), its model, ``thoughts`` now and then, and the tool calls made after
    it (with their results); a tool run with no answer before it is a ``gemini`` message with no
    text. System messages are ``info`` messages. Two sessions in three carry a ``summary``
    (their title). The project is only the folder's hash, so it does not read back.
    """
    root = out / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    for session in sessions:
        start = writing.start_of(session)
        name = f"session-{start.astimezone(UTC):%Y-%m-%dT%H-%M}-{session.external_id[:8]}.json"
        path = root / project_hash(session.project) / "chats" / name
        writing.write_text(path, writing.dump(_demo_document(session)))
    return out


def _demo_call(item: writing.Timed, key: str) -> dict[str, Any]:
    step = writing.tool_step(item.text)
    name, display, argument = _TOOLS[step.kind]
    call_id = f"{name}-{writing.epoch_ms(item.time)}-{writing.stable_hex(key, str(item.index), 8)}"
    return {"id": call_id, "name": name, "args": {argument: step.target},
            "result": [{"functionResponse": {"id": call_id, "name": name,
                                             "response": {"output": item.text}}}],
            "status": "success", "timestamp": writing.iso_z(item.time),
            "displayName": display, "description": "", "renderOutputAsMarkdown": True}


def _demo_document(session: Session) -> dict[str, Any]:
    key = session.id
    messages: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    answers: list[dict[str, Any]] = []
    for item in writing.timed(session):
        base = {"id": writing.stable_uuid(key, f"m{item.index}"),
                "timestamp": writing.iso_z(item.time)}
        if item.role == "user":
            messages.append({**base, "type": "user", "content": item.text})
            current = None
        elif item.role == "system":
            messages.append({**base, "type": "info", "content": item.text})
            current = None
        elif item.role == "assistant" or current is None:
            text = item.text if item.role == "assistant" else ""
            model = writing.model_of(item.message, session) if item.role == "assistant" \
                else session.model
            current = {**base, "type": "gemini", "content": text, "model": model}
            if text and writing.roll(key, f"thoughts{item.index}", 3) == 0:
                current["thoughts"] = [{"subject": "Planning the change",
                                        "description": "I will look at the code first.",
                                        "timestamp": writing.iso_z(item.time)}]
            messages.append(current)
            answers.append(current)
            if item.role == "tool":
                current["toolCalls"] = [_demo_call(item, key)]
        else:
            current.setdefault("toolCalls", []).append(_demo_call(item, key))
    if session.tokens_in is not None or session.tokens_out is not None:
        ins = writing.split(session.tokens_in or 0, len(answers), key + "/in")
        outs = writing.split(session.tokens_out or 0, len(answers), key + "/out")
        for answer, tokens_in, tokens_out in zip(answers, ins, outs, strict=True):
            thoughts = tokens_out // 4
            answer["tokens"] = {"input": tokens_in, "output": tokens_out,
                                "cached": tokens_in * 3 // 4, "thoughts": thoughts, "tool": 0,
                                "total": tokens_in + tokens_out + thoughts}
    document: dict[str, Any] = {
        "sessionId": session.external_id, "projectHash": project_hash(session.project),
        "startTime": writing.iso_z(writing.start_of(session)),
        "lastUpdated": writing.iso_z(writing.end_of(session)), "kind": "main"}
    if writing.roll(key, "summary", 3) != 0:
        document["summary"] = session.title
    document["messages"] = messages
    return document


SPEC = SourceSpec(
    name=SOURCE,
    display_name="Gemini CLI",
    format=FORMAT,
    version=VERSION,
    sniff=sniff,
    parse=parse,
    group=GroupSpec(key=group_key, parse=parse_group),
    locations=locations,
    writer=write_demo,
    # The per-project prompt log beside the chats (the chats hold the same prompts).
    companion_names=frozenset({"logs.json"}),
)
