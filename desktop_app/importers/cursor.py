"""Cursor chats: ``state.vscdb`` (global ``cursorDiskKV`` and older workspace ``ItemTable``).

Composer / Agent chats (late 2024 on) live in the global database: ``composerData:<id>`` holds
a chat (its bubbles inline in ``conversation`` for ``_v`` 1-2, or their order in
``fullConversationHeadersOnly`` from ``_v`` 3, each bubble under ``bubbleId:<id>:<bubble>``;
type 1 is the person, 2 the assistant). The legacy Chat panel (2023-2024) lives in a workspace
database under ``workbench.panel.aichat.view.aichat.chatdata`` (tabs of bubbles). The database
is read from a private copy (with its ``-wal``): a running Cursor is never disturbed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlparse

from desktop_app.domain import Message, Session
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
VERSION = "1"

LEGACY_KEY = "workbench.panel.aichat.view.aichat.chatdata"
_VSCODE_FOLDERS = {"Code", "Code - Insiders", "VSCodium"}


def sniff(head: bytes, name: str) -> bool:
    """An SQLite ``*.vscdb`` that is not VS Code's own (those hold no Cursor chats)."""
    path = name.replace("\\", "/").rsplit("!", 1)[-1]
    if not is_sqlite(head) or not path.lower().endswith(".vscdb"):
        return False
    return not _VSCODE_FOLDERS & set(path.split("/"))


def group_key(path: str) -> str:
    """Each database is read on its own."""
    return path


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



def _bubble_message(bubble: dict[str, Any], fallback_model: str | None
                    ) -> tuple[Message | None, str | None, tuple[int, int]]:
    """A bubble as a transcript entry, its model, and its (input, output) tokens."""
    kind = bubble.get("type")
    moment = parse_time(bubble.get("createdAt")) or parse_time(
        as_dict(bubble.get("timingInfo")).get("clientStartTime"))
    counts = as_dict(bubble.get("tokenCount"))
    tokens = (as_int(counts.get("inputTokens")) or 0, as_int(counts.get("outputTokens")) or 0)
    text = str(bubble.get("text") or bubble.get("rawText") or "").strip()
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


def _composer(conn: sqlite3.Connection, data: dict[str, Any], report: Report
              ) -> Session | None:
    cid = as_str(data.get("composerId"))
    if cid is None:
        return None
    fallback = as_str(as_dict(data.get("modelConfig")).get("modelName"))
    if fallback == "default":
        fallback = None
    bubbles: list[dict[str, Any]] = []
    inline = as_list(data.get("conversation"))
    if inline:
        bubbles = [as_dict(b) for b in inline]
    else:
        for header in as_list(data.get("fullConversationHeadersOnly")):
            bid = as_str(as_dict(header).get("bubbleId"))
            if bid is None:
                continue
            row = conn.execute("SELECT value FROM cursorDiskKV WHERE key = ?",
                               (f"bubbleId:{cid}:{bid}",)).fetchone()
            bubble = _json(row[0]) if row else None
            if isinstance(bubble, dict):
                bubble.setdefault("type", as_dict(header).get("type"))
                bubbles.append(bubble)
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
    end = max([*times, *filter(None, [parse_time(data.get("lastUpdatedAt"))])], default=start)
    first = next((m.text for m in messages if m.role == "user"), None)
    project = as_str(as_dict(as_dict(data.get("workspaceIdentifier")).get("uri")).get("fsPath"))
    has_tokens = bool(t_in or t_out)  # Cursor often writes 0/0: that is "not recorded"
    return Session(source=SOURCE, external_id=cid,
                   title=as_str(data.get("name")) or title_from(first) or "Cursor chat",
                   started_at=start, ended_at=end, messages=tuple(messages),
                   model=main_model(models) or fallback,
                   tokens_in=t_in if has_tokens else None,
                   tokens_out=t_out if has_tokens else None, project=project)


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


def _read(conn: sqlite3.Connection, name: str, project: str | None, report: Report
          ) -> list[Session]:
    try:
        names = tables(conn)
        if "cursorDiskKV" not in names and "ItemTable" not in names:
            raise FormatError(name, "not a Cursor database (no cursorDiskKV or ItemTable)")
        sessions: list[Session] = []
        if "cursorDiskKV" in names:
            rows = conn.execute("SELECT key, value FROM cursorDiskKV "
                                "WHERE key >= 'composerData:' AND key < 'composerData;'")
            for key, value in rows.fetchall():
                data = _json(value)
                if not isinstance(data, dict):
                    report(Skipped(f"{name}: {key}", "not readable JSON"))
                    continue
                data.setdefault("composerId", str(key).split(":", 1)[1])
                session = _composer(conn, data, report)
                if session is not None:
                    sessions.append(session)
        if "ItemTable" in names:
            row = conn.execute("SELECT value FROM ItemTable WHERE key = ?",
                               (LEGACY_KEY,)).fetchone()
            if row is not None:
                sessions.extend(_legacy(_json(row[0]), project))
    except sqlite3.DatabaseError as exc:
        raise FormatError(name, f"the database cannot be read ({exc})") from exc
    return sessions


def parse(stream: BinaryIO, name: str, report: Report) -> Iterator[Session]:
    """A ``state.vscdb`` given as a stream (e.g. inside a zip)."""
    with open_stream_copy(stream, name) as conn:
        sessions = _read(conn, name, None, report)
    yield from sessions


def parse_group(files: list[GroupFile], report: Report,
                checkpoints: Checkpoints) -> Iterator[Session]:
    """A changed ``state.vscdb``, read in full from a private copy."""
    for f in files:
        if not f.changed:
            continue
        with open_copy(f.path, f.name) as conn:
            sessions = _read(conn, f.name, _workspace_folder(f.path), report)
        f.end = f.size
        f.sessions = {s.id for s in sessions}
        yield from sessions


def locations(p: Places) -> Iterator[Found]:
    """Cursor's global ``state.vscdb`` (with its -wal) and its ``workspaceStorage``."""
    user = p.config / "Cursor" / "User"
    db = user / "globalStorage" / "state.vscdb"
    found = found_file(SOURCE, db, [db.with_name("state.vscdb-wal")])
    if found:
        yield found
    workspaces = found_folder(SOURCE, user / "workspaceStorage",
                              lambda name, _dir: name == "state.vscdb", 2)
    if workspaces:
        yield workspaces


SPEC = SourceSpec(
    name=SOURCE,
    display_name="Cursor",
    format=FORMAT,
    version=VERSION,
    sniff=sniff,
    parse=parse,
    group=GroupSpec(key=group_key, parse=parse_group, stat=file_stat),
    locations=locations,
)
