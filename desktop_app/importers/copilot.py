"""GitHub Copilot Chat in VS Code (Insiders, VSCodium): ``workspaceStorage/<hash>/chatSessions``.

A chat is a snapshot (``<id>.json``, ``version: 3``), an operation log (``<id>.jsonl``: kind 0
sets the whole state, 1 sets the value at a key path, 2 pushes or splices array items, 3 deletes
a key; replayed in order) or a "Chat: Export Chat…" file (the snapshot's shape). When both files
of a chat exist, the operation log wins. The project is the workspace folder named in the
``workspace.json`` beside ``chatSessions``. Changed files are read again in full (a chat is one
file, and the log is compacted by VS Code from time to time).

Older VS Code kept a workspace's chats in its ``state.vscdb`` instead (``ItemTable`` key
``interactive.sessions``: a JSON array of chats in the snapshot's shape, where a request's
``message`` and ``response`` may still be plain strings). Those are read too, except a chat that
also has a file in the ``chatSessions`` folder beside it (read from there).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote, unquote, urlparse

from desktop_app.domain import Message, Session, utc_iso
from desktop_app.importers import writing
from desktop_app.importers.contract import (
    Checkpoints,
    FormatError,
    GroupFile,
    GroupReading,
    GroupSpec,
    RecordTally,
    Report,
    Skipped,
    SourceSpec,
    prefixed,
)
from desktop_app.importers.jsonl import LineReader, head_records
from desktop_app.importers.places import (
    VSCODE_FLAVOURS,
    Found,
    Places,
    found_folder,
)
from desktop_app.importers.sqlitecopy import file_stat as _file_stat
from desktop_app.importers.sqlitecopy import (
    is_sqlite,
    open_copy,
    open_stream_copy,
    tables,
)
from desktop_app.importers.streams import (
    iter_json,
    json_top_level,
    read_head,
)
from desktop_app.importers.values import (
    as_dict,
    as_int,
    as_list,
    as_str,
    from_epoch,
    main_model,
    title_from,
)

SOURCE = "copilot"
FORMAT = ("GitHub Copilot Chat sessions (VS Code chatSessions/*.json, *.jsonl, exported chats, "
          "older chats in a workspace's state.vscdb)")
VERSION = "3"

_SNAPSHOT_KEYS = {"requests"}
_HINT_KEYS = {"version", "sessionId", "requesterUsername", "responderUsername", "creationDate",
              "customTitle", "initialLocation"}


#: The key under which older VS Code kept a workspace's chats in its ``state.vscdb``.
SESSIONS_KEY = "interactive.sessions"
#: Where VS Code keeps chat files now, beside a workspace's (or the global) ``state.vscdb``.
_MOVED_TO = ("chatSessions", "emptyWindowChatSessions")


def _is_vscode_db(head: bytes, name: str) -> bool:
    """An SQLite ``*.vscdb`` in a VS Code folder (Cursor's are Cursor's)."""
    path = name.replace("\\", "/").rsplit("!", 1)[-1]
    return is_sqlite(head) and path.lower().endswith(".vscdb") and \
        bool(set(VSCODE_FLAVOURS) & set(path.split("/")))


def sniff(head: bytes, name: str) -> bool:
    """A chat snapshot or export (``requests`` plus session keys), an operation log, or a VS Code
    ``state.vscdb`` (which may hold older chats)."""
    if _is_log(head) or _is_vscode_db(head, name):
        return True
    kind, keys = json_top_level(head)
    return kind == "object" and bool(_SNAPSHOT_KEYS & set(keys)) and \
        len(_HINT_KEYS & set(keys)) >= 1


def _is_log(head: bytes) -> bool:
    for record in head_records(head, 1):
        value = record.get("v")
        return record.get("kind") == 0 and isinstance(value, dict) and (
            "requests" in value or "sessionId" in value)
    return False


def group_key(path: str) -> str:
    """The folder of the chat file (a workspace's ``chatSessions``)."""
    return os.path.dirname(path)


def file_stat(path: Path) -> tuple[int, int]:
    """A chat file's size and mtime; a ``state.vscdb`` with its ``-wal``."""
    if path.suffix.lower() == ".vscdb":
        return _file_stat(path)
    st = path.stat()
    return st.st_size, st.st_mtime_ns


# --- replaying the operation log -----------------------------------------------------------------


def _walk(state: Any, path: list[Any]) -> Any:
    node = state
    for key in path:
        if isinstance(node, dict) and isinstance(key, str):
            node = node.setdefault(key, {})
        elif isinstance(node, list) and isinstance(key, int) and -len(node) <= key < len(node):
            node = node[key]
        else:
            return None
    return node


def apply_op(state: dict[str, Any], op: dict[str, Any]) -> dict[str, Any]:
    """Apply one operation-log line to the chat state (unknown or impossible ops are ignored)."""
    kind = op.get("kind")
    if kind == 0:
        value = op.get("v")
        return value if isinstance(value, dict) else state
    path = op.get("k")
    if not isinstance(path, list) or not path:
        return state
    parent = _walk(state, path[:-1])
    key = path[-1]
    if kind == 1:
        if isinstance(parent, dict) and isinstance(key, str):  # noqa: SIM114 - mypy needs the two index types apart
            parent[key] = op.get("v")
        elif isinstance(parent, list) and isinstance(key, int) and 0 <= key < len(parent):
            parent[key] = op.get("v")
    elif kind == 2:
        target = _walk(state, path)
        if not isinstance(target, list):
            if isinstance(parent, dict) and isinstance(key, str):
                parent[key] = target = []
            else:
                return state
        index = as_int(op.get("i"))
        if index is not None:
            del target[index:]
        items = op.get("v")
        target.extend(items if isinstance(items, list) else [items])
    elif kind == 3:
        if isinstance(parent, dict) and isinstance(key, str):
            parent.pop(key, None)
        elif isinstance(parent, list) and isinstance(key, int) and 0 <= key < len(parent):
            del parent[key]
    return state


# --- a chat to a session -------------------------------------------------------------------------


def _response_text(parts: Any) -> tuple[str, list[str]]:
    text: list[str] = []
    tools: list[str] = []
    if isinstance(parts, str):  # older chats: the answer as one Markdown string
        parts = [{"value": parts}]
    for part in as_list(parts):
        part = as_dict(part)
        kind = part.get("kind")
        if kind is None and isinstance(part.get("value"), str):
            text.append(part["value"])
        elif kind == "markdownContent":
            text.append(str(as_dict(part.get("content")).get("value") or ""))
        elif kind == "inlineReference":
            ref = as_dict(part.get("inlineReference"))
            where = as_str(ref.get("fsPath")) or as_str(ref.get("path")) or \
                as_str(ref.get("name")) or as_str(as_dict(ref.get("uri")).get("path")) or ""
            text.append(f"`{os.path.basename(where) or where}`")
        elif kind == "toolInvocationSerialized":
            message = part.get("pastTenseMessage") or part.get("invocationMessage")
            shown = as_str(as_dict(message).get("value")) or as_str(message) or \
                as_str(part.get("toolId")) or "tool"
            tools.append(f"[tool] {shown}")
        elif kind == "textEditGroup":
            uri = as_dict(part.get("uri"))
            tools.append(f"[edit] {os.path.basename(str(uri.get('path') or uri.get('fsPath')))}")
        elif kind == "thinking":
            value = part.get("value")
            if isinstance(value, str) and value.strip():
                text.append(f"[thinking] {value.strip()}\n\n")
    return "".join(text).strip(), tools


def _model(request: dict[str, Any]) -> str | None:
    resolved = as_str(as_dict(as_dict(request.get("result")).get("metadata")).get(
        "resolvedModel"))
    if resolved:
        return resolved
    model = as_str(request.get("modelId"))
    if model and "/" in model:
        model = model.split("/", 1)[1]
    return None if model == "auto" else model


def _workspace_folder(path: str) -> str | None:
    folder = Path(path).parent
    if path.lower().endswith(".vscdb"):
        return _workspace_of(folder)
    if folder.name != "chatSessions":
        return None
    return _workspace_of(folder.parent)


def _workspace_of(storage: Path) -> str | None:
    """The folder named in a ``workspaceStorage/<hash>/workspace.json``."""
    try:
        data = json.loads((storage / "workspace.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    uri = as_str(as_dict(data).get("folder")) or as_str(as_dict(data).get("workspace"))
    if not uri:
        return None
    parsed = urlparse(uri)
    if parsed.scheme not in ("file", ""):
        return uri
    local = unquote(parsed.path)
    if len(local) > 2 and local[0] == "/" and local[2] == ":":  # /c:/Users/… on Windows
        local = local[1:]
    return local or None


def chat_session(chat: dict[str, Any], name: str, project: str | None) -> Session | None:
    """The session of one chat state (None for a chat with no requests)."""
    requests = [as_dict(r) for r in as_list(chat.get("requests")) if isinstance(r, dict)]
    messages: list[Message] = []
    models: list[str | None] = []
    tokens_in = tokens_out = 0
    has_tokens = False
    first_prompt: str | None = None
    for request in requests:
        moment = from_epoch(request.get("timestamp"))
        message = request.get("message")
        prompt = (message if isinstance(message, str)  # older chats: the prompt as a string
                  else str(as_dict(message).get("text") or "")).strip()
        if prompt:
            messages.append(Message("user", prompt, moment))
            first_prompt = first_prompt or prompt
        answer, tools = _response_text(request.get("response"))
        if request.get("isCanceled") is True and not answer:
            answer = "[cancelled]"
        model = _model(request)
        body = "\n".join([answer, *tools]).strip()
        if body:
            timings = as_dict(as_dict(request.get("result")).get("timings"))
            elapsed = as_int(timings.get("totalElapsed"))
            asked = as_int(request.get("timestamp"))
            answered = from_epoch(asked + elapsed) if elapsed is not None and asked else moment
            messages.append(Message("assistant", body, answered, model))
            models.append(model)
        metadata = as_dict(as_dict(request.get("result")).get("metadata"))
        prompt_tokens, output_tokens = (as_int(metadata.get("promptTokens")),
                                        as_int(metadata.get("outputTokens")))
        if prompt_tokens is not None or output_tokens is not None:
            has_tokens = True
            tokens_in += prompt_tokens or 0
            tokens_out += output_tokens or 0
    if not messages:
        return None
    external = as_str(chat.get("sessionId"))
    if external is None:  # an exported chat: derived from its first record
        first_time = utc_iso(messages[0].time) or ""
        digest = hashlib.sha256((first_prompt or "").encode()).hexdigest()[:12]
        external = f"{first_time}-{digest}"
    start = from_epoch(chat.get("creationDate")) or messages[0].time
    times = [m.time for m in messages if m.time is not None]
    updated = from_epoch(chat.get("lastMessageDate"))
    end = max([*times, *([updated] if updated else [])], default=None)
    if start is not None and end is not None and end < start:
        start = min(times, default=start)
    title = as_str(chat.get("customTitle")) or title_from(first_prompt) or "Copilot chat"
    return Session(source=SOURCE, external_id=external, title=title, started_at=start,
                   ended_at=end, messages=tuple(messages), model=main_model(models),
                   tokens_in=tokens_in if has_tokens else None,
                   tokens_out=tokens_out if has_tokens else None, project=project,
                   updated_at=end if updated else None)


def _read_chat(stream: BinaryIO, name: str, report: Report) -> dict[str, Any]:
    head, stream = read_head(stream)
    if not head.strip():
        raise FormatError(name, "the file is empty")
    if not _is_log(head):
        values = list(iter_json(stream, name, ""))
        return as_dict(values[0]) if values else {}
    tally = RecordTally(name, "line", report)
    state: dict[str, Any] = {}
    for op in LineReader(stream, name, tally):
        try:
            state = apply_op(state, op)
        except (TypeError, ValueError, IndexError) as exc:
            tally.skip("operation", f"cannot be applied ({exc})")
    tally.finish()
    return state


def _stored_chats(conn: sqlite3.Connection, name: str, report: Report
                  ) -> list[dict[str, Any]]:
    """The chats older VS Code kept under :data:`SESSIONS_KEY` (none when it has no such key)."""
    try:
        if "ItemTable" not in tables(conn):
            return []
        row = conn.execute("SELECT value FROM ItemTable WHERE key = ?",
                           (SESSIONS_KEY,)).fetchone()
    except sqlite3.DatabaseError as exc:
        raise FormatError(name, f"the database cannot be read ({exc})") from exc
    if row is None:
        return []
    value = row[0]
    try:
        data = json.loads(value.decode("utf-8", "replace") if isinstance(value, bytes)
                          else str(value))
    except (ValueError, RecursionError):
        report(Skipped(f"{name}: {SESSIONS_KEY}", "not readable JSON"))
        return []
    chats = list(data.values()) if isinstance(data, dict) else as_list(data)
    return [chat for chat in chats if isinstance(chat, dict)]


def _db_sessions(conn: sqlite3.Connection, name: str, path: str | None, report: Report
                 ) -> Iterator[Session]:
    """The chats of a VS Code ``state.vscdb`` not also kept as files beside it (a workspace's
    ``chatSessions``; ``emptyWindowChatSessions`` beside the global database)."""
    project = _workspace_folder(path) if path else None
    folders = [Path(path).parent / sub for sub in _MOVED_TO] if path else []
    for chat in _stored_chats(conn, name, report):
        sid = as_str(chat.get("sessionId"))
        if sid and any((folder / f"{sid}{ext}").is_file()
                       for folder in folders for ext in (".jsonl", ".json")):
            continue  # VS Code moved it to a chat file: read there, as it is now
        session = chat_session(chat, name, project)
        if session is not None:
            yield session


def parse(stream: BinaryIO, name: str, report: Report) -> Iterator[Session]:
    """One chat file (snapshot, operation log or export), or a VS Code ``state.vscdb``."""
    head, stream = read_head(stream)
    if _is_vscode_db(head, name):
        with open_stream_copy(stream, name) as conn:
            sessions = list(_db_sessions(conn, name, None, report))
        yield from sessions
        return
    chat = _read_chat(stream, name, report)
    session = chat_session(chat, name, _workspace_folder(name) if os.path.isfile(name) else None)
    if session is None:
        report(Skipped(name, "empty chat (no requests)"))
        return
    yield session


def parse_group(files: list[GroupFile], report: Report,
                checkpoints: Checkpoints) -> Iterator[Session]:
    """The changed chats of one folder (read in full; ``.jsonl`` wins over its ``.json``)."""
    logs = {Path(f.path).stem for f in files if f.path.endswith(".jsonl")}
    reading = GroupReading(report)
    wanted = [f for f in files if f.changed]
    for f in wanted:
        f.start = 0
        if f.path.lower().endswith(".vscdb"):
            ok, found = reading.attempt(f.name, partial(_read_db_file, f, report))
            if ok and found is not None:
                f.end = f.size
                f.sessions = {s.id for s in found}
                yield from found
            continue
        if f.path.endswith(".json") and Path(f.path).stem in logs and \
                Path(f.path).parent.name.lower().endswith("chatsessions"):
            f.end = f.size  # the older snapshot of a chat whose log is read instead
            continue
        ok, chat = reading.attempt(f.name, partial(_read_chat_file, f, report))
        if not ok or chat is None:
            continue
        f.end = f.size
        session = chat_session(chat, f.name, _workspace_folder(f.path))
        if session is None:
            continue  # VS Code keeps many empty chats: not worth a line in the report
        f.sessions = {session.id}
        yield session
    reading.check(len(wanted))


def _read_db_file(f: GroupFile, report: Report) -> list[Session]:
    with open_copy(f.path, f.name) as conn:
        return list(_db_sessions(conn, f.name, f.path, report))


def _read_chat_file(f: GroupFile, report: Report) -> Any:
    with open(f.path, "rb") as raw:
        return _read_chat(raw, f.name, prefixed(report, f.name))


def locations(p: Places) -> Iterator[Found]:
    """Each VS Code flavour's ``workspaceStorage`` and global chat folders."""
    def chat_file(name: str, folder: str) -> bool:
        return name.endswith((".json", ".jsonl")) and os.path.basename(folder) in (
            "chatSessions", "emptyWindowChatSessions", "transferredChatSessions")

    for flavour in VSCODE_FLAVOURS:
        user = p.config / flavour / "User"
        for path, depth in ((user / "workspaceStorage", 3),
                            (user / "globalStorage" / "emptyWindowChatSessions", 1),
                            (user / "globalStorage" / "transferredChatSessions", 1)):
            found = found_folder(SOURCE, path, chat_file, depth)
            if found:
                yield found



# --- synthetic chats (demo-data, the demo, tests) ------------------------------------------------

_TOOL_IDS = {"read": "copilot_readFile", "search": "copilot_findTextInFiles",
             "edit": "copilot_replaceString", "run": "run_in_terminal",
             "other": "run_in_terminal"}


def workspace_hash(folder: str) -> str:
    """The ``workspaceStorage`` folder name of a workspace (an MD5 of its folder URI)."""
    return hashlib.md5(_folder_uri(folder).encode(), usedforsecurity=False).hexdigest()


def _folder_uri(folder: str) -> str:
    return "file://" + quote(folder if folder.startswith("/") else "/" + folder)


def write_demo(sessions: Iterable[Session], out: Path) -> Path:
    """Write ``sessions`` as VS Code keeps Copilot chats under ``out`` (its ``User`` folder):
    ``workspaceStorage/<hash>/chatSessions/<id>.json`` with the workspace's ``workspace.json``
    (chats without a project go to ``globalStorage/emptyWindowChatSessions``); returns ``out``.

    A chat is a list of requests: each prompt with its response, in which answers are markdown
    parts and tool messages ``toolInvocationSerialized`` parts (the importer shows one answer per
    request: a format without separate tool entries); the model is the request's ``modelId``,
    the tokens its ``promptTokens``/``outputTokens``. Half the chats are operation logs
    (``.jsonl``: a kind-0 snapshot, then requests pushed, their responses and the title set,
    a key deleted), a third of those beside an older snapshot of the same chat, which the log
    replaces. One chat in eight has no title; one in eight comes with an empty chat beside it
    (VS Code keeps many).
    """
    out.mkdir(parents=True, exist_ok=True)
    for session in sessions:
        _demo_chat_files(session, out)
    return out


def _demo_parts(after: list[writing.Timed], key: str) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    for item in after:
        if item.role != "tool":
            parts.append({"value": item.text, "supportThemeIcons": False,
                          "supportHtml": False})
            continue
        step = writing.tool_step(item.text)
        part: dict[str, Any] = {
            "kind": "toolInvocationSerialized",
            "invocationMessage": {"value": f"Running {_TOOL_IDS[step.kind]}"},
            "pastTenseMessage": {"value": item.text},
            "isConfirmed": {"type": 1}, "isComplete": True,
            "toolCallId": writing.stable_uuid(key, f"call{item.index}"),
            "toolId": _TOOL_IDS[step.kind], "source": {"type": "internal"}}
        if step.kind == "run":
            part["toolSpecificData"] = {"kind": "terminal", "language": "sh",
                                        "commandLine": {"original": step.target}}
        parts.append(part)
    return parts


def _demo_requests(session: Session) -> list[dict[str, Any]]:
    key = session.id
    items = writing.timed(session)
    turns = list(writing.exchanges(items))
    tokens_in = writing.split(session.tokens_in or 0, len(turns), key + "/in")
    tokens_out = writing.split(session.tokens_out or 0, len(turns), key + "/out")
    requests: list[dict[str, Any]] = []
    for n, (prompt, after) in enumerate(turns):
        asked = prompt.time if prompt is not None else after[0].time
        text = prompt.text if prompt is not None else ""
        elapsed = writing.epoch_ms(after[-1].time) - writing.epoch_ms(asked) if after else 0
        answer = next((i for i in after if i.role == "assistant"), None)
        model = writing.model_of(answer.message, session) if answer else session.model
        metadata: dict[str, Any] = {"responseId": writing.stable_uuid(key, f"response{n}"),
                                    "sessionId": session.external_id, "agentId": "agent"}
        if session.tokens_in is not None:
            metadata["promptTokens"] = tokens_in[n]
        if session.tokens_out is not None:
            metadata["outputTokens"] = tokens_out[n]
        requests.append({
            "requestId": "request_" + writing.stable_uuid(key, f"request{n}"),
            "message": {"text": text, "parts": [{
                "range": {"start": 0, "endExclusive": len(text)},
                "editorRange": {"startLineNumber": 1, "startColumn": 1, "endLineNumber": 1,
                                "endColumn": len(text) + 1},
                "text": text, "kind": "text"}]},
            "variableData": {"variables": []},
            "response": _demo_parts(after, key),
            "responseId": "response_" + writing.stable_uuid(key, f"response{n}"),
            "result": {"timings": {"firstProgress": min(elapsed, 800), "totalElapsed": elapsed},
                       "metadata": metadata},
            "followups": [],
            "isCanceled": False,
            "agent": {"id": "github.copilot.editsAgent", "name": "agent",
                      "fullName": "GitHub Copilot", "isDefault": True, "modes": ["agent"]},
            "contentReferences": [],
            "codeCitations": [],
            "timestamp": writing.epoch_ms(asked),
            "modelId": f"copilot/{model}" if model else "copilot/auto",
        })
    return requests


def _demo_state(session: Session, requests: list[dict[str, Any]]) -> dict[str, Any]:
    state: dict[str, Any] = {
        "version": 3, "requesterUsername": "alex", "responderUsername": "GitHub Copilot",
        "initialLocation": "panel", "requests": requests, "sessionId": session.external_id,
        "creationDate": writing.epoch_ms(writing.start_of(session)), "isImported": False,
        "lastMessageDate": writing.epoch_ms(writing.end_of(session))}
    if writing.roll(session.id, "null title", 8) != 0:
        state["customTitle"] = session.title
    return state


def _demo_chat_files(session: Session, out: Path) -> None:
    key = session.id
    if session.project:
        workspace = out / "workspaceStorage" / workspace_hash(session.project)
        folder = workspace / "chatSessions"
        if not (workspace / "workspace.json").exists():
            writing.write_text(workspace / "workspace.json",
                               writing.dump({"folder": _folder_uri(session.project)}))
    else:
        folder = out / "globalStorage" / "emptyWindowChatSessions"
    requests = _demo_requests(session)
    state = _demo_state(session, requests)
    name = session.external_id
    if writing.roll(key, "log", 2) == 0:
        first = {k: v for k, v in state.items() if k != "customTitle"}
        ops: list[dict[str, Any]] = [{"kind": 0, "v": {**first, "requests": []}}]
        for i, request in enumerate(requests):
            ops.append({"kind": 2, "k": ["requests"], "v": [{**request, "response": []}]})
            ops.append({"kind": 1, "k": ["requests", i, "response"], "v": request["response"]})
        if requests:
            ops.append({"kind": 3, "k": ["requests", len(requests) - 1, "followups"]})
            ops.append({"kind": 1, "k": ["requests", len(requests) - 1, "followups"],
                        "v": []})
        if "customTitle" in state:
            ops.append({"kind": 1, "k": ["customTitle"], "v": state["customTitle"]})
        writing.write_jsonl(folder / f"{name}.jsonl", ops)
        if writing.roll(key, "stale", 3) == 0:
            older = {**state, "requests": requests[:-1]}
            writing.write_text(folder / f"{name}.json", writing.dump(older))
    else:
        writing.write_text(folder / f"{name}.json", writing.dump(state))
    if writing.roll(key, "empty", 8) == 0:
        empty = writing.stable_uuid(key, "empty chat")
        writing.write_text(folder / f"{empty}.json", writing.dump({
            **state, "sessionId": empty, "requests": [], "customTitle": ""}))


SPEC = SourceSpec(
    name=SOURCE,
    display_name="Copilot",
    format=FORMAT,
    version=VERSION,
    sniff=sniff,
    parse=parse,
    group=GroupSpec(key=group_key, parse=parse_group, stat=file_stat),
    locations=locations,
    writer=write_demo,
    # Which folder a workspace is; chat editing timelines.
    companion_names=frozenset({"workspace.json", "state.json"}),
)
