"""Gemini CLI chats: ``~/.gemini/tmp/<project hash>/chats/session-*.json`` (one per session).

A session file is rewritten as the chat goes on, so a changed file is read again in full.
``user`` messages are the person's, ``gemini`` ones the model's (its ``thoughts`` and text in one
entry, each tool call a ``tool`` entry), ``info``/``error`` ones are shown as system notes.
Tokens: ``input`` (which includes cached input) in, ``output`` out.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from desktop_app.domain import Message, Session
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
VERSION = "1"


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
    t_in = t_out = 0
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
    end = max([*times, *filter(None, [from_iso(data.get("lastUpdated"))])], default=start)
    first = next((m.text for m in messages if m.role == "user"), None)
    return Session(source=SOURCE, external_id=sid,
                   title=as_str(data.get("summary")) or title_from(first) or "Gemini CLI session",
                   started_at=start, ended_at=end, messages=tuple(messages),
                   model=main_model(models), tokens_in=t_in if has_tokens else None,
                   tokens_out=t_out if has_tokens else None)


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


SPEC = SourceSpec(
    name=SOURCE,
    display_name="Gemini CLI",
    format=FORMAT,
    version=VERSION,
    sniff=sniff,
    parse=parse,
    group=GroupSpec(key=group_key, parse=parse_group),
    locations=locations,
)
