"""Simon Willison's ``llm`` CLI: ``logs.db`` (``llm logs path``), read from a private copy.

Both schema generations are read and merged, as ``llm logs`` merges them:

- llm 0.5-0.31 logged each model call as a ``responses`` row (its prompt, system prompt and
  answer), with ``conversations`` naming them and tables of their own for fragments,
  attachments, tool calls and tool results. After an upgrade these rows stay, read-only.
- llm 0.32 and later log ``turns`` (one model call each) of ``threads``, over a content-addressed
  tree of ``messages`` whose ``parts`` hold text, reasoning, tool calls, tool results and
  attachments. Text that quotes a fragment stores the fragment's id (``text_ref``) and an
  attachment part its id: both are resolved here. A turn's input is, as llm defines it, the
  trailing run of user and tool messages that ends at its parent message; its output is the
  messages from there to its tip; the system prompt is the chain's first message. A ``-c``
  continuation of an old conversation is a thread with the conversation's id, so one session.

A conversation (thread) is a session: its system prompt (where it is set or changes), each
prompt with its fragments and attachments, each answer (reasoning first), and each tool call as
a ``tool`` entry with its result. A turn with the id of a response is the same call, read once
(from the turn, the richer record, as llm does).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from desktop_app.domain import Message, Session
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
)
from desktop_app.importers.sqlitecopy import (
    columns,
    is_sqlite,
    open_copy,
    open_stream_copy,
    tables,
)
from desktop_app.importers.sqlitecopy import file_stat as _file_stat
from desktop_app.importers.values import (
    as_dict,
    as_int,
    as_list,
    as_str,
    cut,
    main_model,
    parse_time,
    size_text,
    title_from,
)

SOURCE = "llm"
FORMAT = "llm CLI log database (logs.db)"
VERSION = "2"

#: A fragment quoted in a prompt is shown up to this many characters (``-f`` may quote a book).
FRAGMENT_TEXT = 10_000
#: A tool call's arguments are shown up to this many characters.
_ARGS_TEXT = 300
#: Values bound in one ``IN (…)`` query.
_CHUNK = 500


def sniff(head: bytes, name: str) -> bool:
    """An SQLite file called ``logs.db``."""
    base = os.path.basename(name.replace("\\", "/").rsplit("!", 1)[-1]).lower()
    return is_sqlite(head) and base.endswith("logs.db")


def group_key(path: str) -> str:
    """Each database is read on its own."""
    return path


def file_stat(path: Path) -> tuple[int, int]:
    """The database and its ``-wal`` (where recent rows are) together."""
    return _file_stat(path)


# --- what one model call gave and was given ------------------------------------------------------


@dataclass
class _Call:
    """A tool call the model made: shown as ``[tool name] arguments``."""

    call_id: str | None
    name: str
    text: str


@dataclass
class _Result:
    """A tool's result (or error), shown under its call."""

    call_id: str | None
    name: str
    text: str


@dataclass
class _Exchange:
    """One model call: a ``responses`` row or a turn."""

    id: str
    conversation: str
    time: datetime | None
    model: str | None
    tokens_in: int | None
    tokens_out: int | None
    duration_ms: int | None
    system: str | None = None
    #: The call's new input in order: the person's prompts (text) and tool results.
    inputs: list[str | _Result] = field(default_factory=list)
    answer: str = ""
    calls: list[_Call] = field(default_factory=list)
    #: Results of tools the provider ran during the answer (server-side tools).
    results: list[_Result] = field(default_factory=list)


def _combine_system(system: str | None, fragments: Sequence[str]) -> str:
    """The system prompt as llm sends it: its fragments, then the typed text."""
    return "\n\n".join(bit.strip() for bit in [*fragments, system or ""] if bit.strip())


def _args_text(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            return cut(value.strip(), _ARGS_TEXT)
    if value in (None, {}, []):
        return ""
    return cut(json.dumps(value, ensure_ascii=False), _ARGS_TEXT)


def _call(call_id: Any, name: Any, arguments: Any) -> _Call:
    tool = as_str(name) or "tool"
    return _Call(as_str(call_id), tool, f"[tool {tool}] {_args_text(arguments)}".rstrip())


def _result(call_id: Any, name: Any, output: Any, exception: Any = None,
            notes: Sequence[str] = ()) -> _Result:
    text = cut(str(output).strip()) if output is not None else ""
    if as_str(exception):
        text = f"{text}\n[error] {cut(str(exception).strip())}".strip()
    if notes:
        text = "\n".join([text, *notes]).strip()
    return _Result(as_str(call_id), as_str(name) or "tool", text)


def _attachment_note(kind: Any, path: Any, url: Any, size: Any) -> str:
    name = os.path.basename(str(path)) if path else as_str(url) or as_str(kind) or "file"
    detail = size_text(size)
    return f"[attached file: {name}{', ' + detail if detail else ''}]"


def _with_notes(text: str, notes: Sequence[str]) -> str:
    return "\n\n".join(part for part in [text, "\n".join(notes)] if part.strip()).strip()


def _in_chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    items = list(values)
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def _placeholders(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


# --- llm 0.5-0.31: responses ---------------------------------------------------------------------


def _by_response(conn: sqlite3.Connection, sql: str) -> dict[str, list[tuple[Any, ...]]]:
    """Rows of ``sql`` (whose first column is a response id), grouped by it in order."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for row in conn.execute(sql):
        out.setdefault(str(row[0]), []).append(tuple(row[1:]))
    return out


def _responses(conn: sqlite3.Connection, names: set[str], skip: set[str]
               ) -> Iterator[_Exchange]:
    cols = columns(conn, "responses")

    def col(name: str) -> str:
        return f"r.{name}" if name in cols else "NULL"

    model = f"COALESCE({col('resolved_model')}, {col('model')})"
    sql = (f"SELECT r.id, {col('conversation_id')}, {col('datetime_utc')}, {col('prompt')}, "
           f"{col('system')}, {col('response')}, {col('reasoning')}, {model}, "
           f"{col('input_tokens')}, {col('output_tokens')}, {col('duration_ms')} "
           f"FROM responses r")
    fragment = f"substr(f.content, 1, {FRAGMENT_TEXT + 1})"
    none: dict[str, list[tuple[Any, ...]]] = {}
    prompt_fragments = system_fragments = attachments = calls = results = none
    if {"prompt_fragments", "fragments"} <= names:
        prompt_fragments = _by_response(conn, (
            f"SELECT x.response_id, {fragment} FROM prompt_fragments x "
            "JOIN fragments f ON f.id = x.fragment_id ORDER BY x.response_id, x.[order]"))
    if {"system_fragments", "fragments"} <= names:
        system_fragments = _by_response(conn, (
            f"SELECT x.response_id, {fragment} FROM system_fragments x "
            "JOIN fragments f ON f.id = x.fragment_id ORDER BY x.response_id, x.[order]"))
    if {"prompt_attachments", "attachments"} <= names:
        attachments = _by_response(conn, (
            "SELECT x.response_id, a.type, a.path, a.url, length(a.content) "
            "FROM prompt_attachments x JOIN attachments a ON a.id = x.attachment_id "
            "ORDER BY x.response_id, x.[order]"))
    if "tool_calls" in names:
        calls = _by_response(conn, "SELECT response_id, tool_call_id, name, arguments "
                                   "FROM tool_calls ORDER BY id")
    if "tool_results" in names:
        error = "exception" if "exception" in columns(conn, "tool_results") else "NULL"
        results = _by_response(conn, f"SELECT response_id, tool_call_id, name, output, {error} "
                                     "FROM tool_results ORDER BY id")
    for (rid, conv, when, prompt, system, response, reasoning, mdl, t_in, t_out,
         dur) in conn.execute(sql):
        rid = str(rid)
        if rid in skip:
            continue
        quoted = [cut(str(text), FRAGMENT_TEXT) for (text,) in prompt_fragments.get(rid, [])]
        typed = str(prompt or "")
        text = "\n".join([*quoted, typed] if typed else quoted)  # as llm builds the prompt
        notes = [_attachment_note(*row) for row in attachments.get(rid, [])]
        ex = _Exchange(rid, str(conv or rid), parse_time(when), as_str(mdl), as_int(t_in),
                       as_int(t_out), as_int(dur))
        ex.system = _combine_system(
            as_str(system), [str(t) for (t,) in system_fragments.get(rid, [])]) or None
        ex.inputs.extend(_result(*row) for row in results.get(rid, []))
        prompt_text = _with_notes(text, notes)
        if prompt_text:
            ex.inputs.append(prompt_text)
        ex.answer = _answer([str(reasoning or "")], [str(response or "")])
        ex.calls = [_call(*row) for row in calls.get(rid, [])]
        yield ex


def _answer(reasoning: Sequence[str], texts: Sequence[str]) -> str:
    """An answer's entry: its reasoning (``[thinking] …``) first, then its text."""
    blocks = [f"[thinking] {r.strip()}" for r in reasoning if r.strip()]
    blocks += [t.strip() for t in texts if t.strip()]
    return "\n\n".join(blocks)


# --- llm 0.32+: threads, turns, messages, parts --------------------------------------------------


@dataclass
class _Part:
    kind: str  # text, reasoning, call, result, attachment
    text: str = ""
    call: _Call | None = None
    result: _Result | None = None


class _Parts:
    """The parts of messages, with fragment and attachment references resolved."""

    def __init__(self, conn: sqlite3.Connection, names: set[str]) -> None:
        self.conn = conn
        self.has_fragments = "fragments" in names
        self.has_attachments = "attachments" in names

    def load(self, hashes: Iterable[str]) -> dict[str, list[_Part]]:
        rows: list[tuple[str, int, str, Any, Any, dict[str, Any]]] = []
        for chunk in _in_chunks(sorted(hashes)):
            for mh, position, kind, tool, text, payload in self.conn.execute(
                    "SELECT message_hash, position, type, tool_name, text, payload FROM parts "
                    f"WHERE message_hash IN ({_placeholders(chunk)})", chunk):
                rows.append((str(mh), as_int(position) or 0, str(kind or ""), tool, text,
                             _payload(payload)))
        rows.sort(key=lambda r: (r[0], r[1]))
        fragments = self._fragments({piece for r in rows for piece in _fragment_ids(r[5])})
        attachments = self._attachments({a for r in rows for a in _attachment_ids(r[5])})
        out: dict[str, list[_Part]] = {}
        for mh, _position, kind, tool, text, payload in rows:
            out.setdefault(mh, []).append(
                _part(kind, tool, text, payload, fragments, attachments))
        return out

    def _fragments(self, ids: set[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        if not self.has_fragments:
            return found
        for chunk in _in_chunks(sorted(ids)):
            for fid, content in self.conn.execute(
                    f"SELECT id, substr(content, 1, {FRAGMENT_TEXT + 1}) FROM fragments "
                    f"WHERE id IN ({_placeholders(chunk)})", chunk):
                found[int(fid)] = cut(str(content or ""), FRAGMENT_TEXT)
        return found

    def _attachments(self, ids: set[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        if not self.has_attachments:
            return found
        for chunk in _in_chunks(sorted(ids)):
            for aid, kind, path, url, size in self.conn.execute(
                    "SELECT id, type, path, url, length(content) FROM attachments "
                    f"WHERE id IN ({_placeholders(chunk)})", chunk):
                found[str(aid)] = _attachment_note(kind, path, url, size)
        return found


def _payload(value: Any) -> dict[str, Any]:
    if not value:
        return {}
    try:
        return as_dict(json.loads(value))
    except (ValueError, TypeError, RecursionError):
        return {}


def _fragment_ids(payload: dict[str, Any]) -> list[int]:
    ids = [as_int(as_dict(piece).get("fragment")) for piece in as_list(payload.get("text_ref"))]
    return [i for i in ids if i is not None]


def _attachment_ids(payload: dict[str, Any]) -> list[str]:
    refs = [as_dict(payload.get("attachment")), *map(as_dict, as_list(payload.get("attachments")))]
    return [ref["id"] for ref in refs if isinstance(ref.get("id"), str)]


def _part(kind: str, tool: Any, text: Any, payload: dict[str, Any], fragments: dict[int, str],
          attachments: dict[str, str]) -> _Part:
    if text is None:
        if "text_ref" in payload:  # literal text and fragments, in order
            pieces = [as_dict(p) for p in as_list(payload.get("text_ref"))]
            text = "".join(str(p["literal"]) if "literal" in p else
                           fragments.get(as_int(p.get("fragment")) or -1, "") for p in pieces)
        else:
            text = payload.get("text")
    body = text if isinstance(text, str) else ""
    name = payload.get("name", tool)
    if kind == "tool_call":
        return _Part("call", call=_call(payload.get("tool_call_id"), name,
                                        payload.get("arguments")))
    if kind == "tool_result":
        notes = [attachments[a] for a in _attachment_ids(payload) if a in attachments]
        return _Part("result", result=_result(payload.get("tool_call_id"), name,
                                              payload.get("output"), payload.get("exception"),
                                              notes))
    if kind == "attachment":
        ids = _attachment_ids(payload)
        attached = as_dict(payload.get("attachment"))
        note = attachments.get(ids[0]) if ids else None
        return _Part("attachment", note or _attachment_note(
            attached.get("type"), attached.get("path"), attached.get("url"), None))
    return _Part("reasoning" if kind == "reasoning" else "text", body)


def _turns(conn: sqlite3.Connection, names: set[str]) -> Iterator[_Exchange]:
    tcols = columns(conn, "turns")

    def col(name: str) -> str:
        return name if name in tcols else "NULL"

    sql = (f"SELECT id, {col('thread_id')}, {col('parent_message_hash')}, "
           f"{col('tip_message_hash')}, COALESCE({col('resolved_model')}, {col('model')}), "
           f"{col('input_tokens')}, {col('output_tokens')}, {col('duration_ms')}, "
           f"{col('datetime_utc')} FROM turns")
    by_thread: dict[str, list[tuple[Any, ...]]] = {}
    for row in conn.execute(sql):
        by_thread.setdefault(str(row[1] or row[0]), []).append(tuple(row))
    tree: dict[str, tuple[str | None, str]] = {}
    if {"messages", "parts"} <= names:
        tree = {str(h): (as_str(parent), str(role or ""))
                for h, parent, role in conn.execute("SELECT hash, parent_hash, role FROM messages")}
    chain = _Chain(tree)
    parts = _Parts(conn, names)
    for thread, rows in by_thread.items():
        plans = []
        for tid, _thread, parent, tip, mdl, t_in, t_out, dur, when in rows:
            parent, tip = as_str(parent), as_str(tip)
            root = chain.root(parent)
            system = root if root and tree[root][1] == "system" else None
            plans.append((tid, mdl, t_in, t_out, dur, when, system, chain.input_run(parent),
                          chain.between(tip, parent)))
        loaded = parts.load({h for plan in plans for h in [*plan[7], *plan[8]]} |
                            {plan[6] for plan in plans if plan[6]})
        for tid, mdl, t_in, t_out, dur, when, system, inputs, outputs in plans:
            ex = _Exchange(str(tid), thread, parse_time(when), as_str(mdl), as_int(t_in),
                           as_int(t_out), as_int(dur))
            if system:
                ex.system = "".join(p.text for p in loaded.get(system, [])
                                    if p.kind == "text").strip() or None
            for h in inputs:
                _take_input(ex, tree[h][1], loaded.get(h, []))
            reasoning: list[str] = []
            texts: list[str] = []
            for h in outputs:
                found = loaded.get(h, [])
                if tree[h][1] == "user":  # llm never logs one as output: kept, not lost
                    _take_input(ex, "user", found)
                    continue
                reasoning += [p.text for p in found if p.kind == "reasoning"]
                texts.append("".join(p.text for p in found if p.kind == "text"))
                ex.calls += [p.call for p in found if p.call]
                ex.results += [p.result for p in found if p.result]
            ex.answer = _answer(reasoning, texts)
            yield ex


def _take_input(ex: _Exchange, role: str, found: list[_Part]) -> None:
    """One message of a turn's input: a prompt (with its attachments) or tool results."""
    ex.inputs += [p.result for p in found if p.result]
    if role == "user":
        text = "".join(p.text for p in found if p.kind == "text")
        prompt = _with_notes(text, [p.text for p in found if p.kind == "attachment"])
        if prompt:
            ex.inputs.append(prompt)


class _Chain:
    """Walks of the message tree (hash → parent, role), each message read once."""

    def __init__(self, tree: dict[str, tuple[str | None, str]]) -> None:
        self.tree = tree
        self.roots: dict[str, str] = {}

    def root(self, start: str | None) -> str | None:
        """The first message of the chain that ends at ``start``."""
        path: list[str] = []
        seen: set[str] = set()
        current = start
        while current is not None and current in self.tree and current not in self.roots \
                and current not in seen:
            seen.add(current)
            path.append(current)
            current = self.tree[current][0]
        if current is not None and current in self.roots:
            top = self.roots[current]
        elif path:
            top = path[-1]
        else:
            return None
        for h in path:
            self.roots[h] = top
        return top

    def input_run(self, parent: str | None) -> list[str]:
        """llm's input of a turn: the trailing run of user and tool messages up to ``parent``."""
        run: list[str] = []
        current = parent
        while current is not None and current in self.tree \
                and self.tree[current][1] in ("user", "tool") and current not in run:
            run.append(current)
            current = self.tree[current][0]
        run.reverse()
        return run

    def between(self, tip: str | None, parent: str | None) -> list[str]:
        """A turn's output: the messages after ``parent`` up to ``tip``, oldest first."""
        out: list[str] = []
        seen: set[str] = set()
        current = tip
        while current is not None and current in self.tree and current != parent \
                and current not in seen:
            seen.add(current)
            out.append(current)
            current = self.tree[current][0]
        out.reverse()
        return out


# --- sessions ------------------------------------------------------------------------------------


def _read(conn: sqlite3.Connection, name: str, report: Report) -> Iterator[Session]:
    names = tables(conn)
    if "responses" not in names and "turns" not in names:
        raise FormatError(name, "no llm logs in this database (no responses or turns table)")
    try:
        exchanges = list(_turns(conn, names)) if "turns" in names else []
        seen = {ex.id for ex in exchanges}
        if "responses" in names:
            exchanges += _responses(conn, names, seen)
        titles: dict[str, str] = {}
        for table in ("threads", "conversations"):  # an old conversation keeps its name
            if table in names:
                titles.update((str(cid), str(title)) for cid, title in
                              conn.execute(f"SELECT id, name FROM {table}") if title)
    except sqlite3.DatabaseError as exc:
        raise FormatError(name, f"the database cannot be read ({exc})") from exc
    by_conv: dict[str, list[_Exchange]] = {}
    for ex in exchanges:
        by_conv.setdefault(ex.conversation, []).append(ex)
    for conv, items in by_conv.items():
        items.sort(key=lambda e: (e.time is None, e.time or datetime.min, e.id))
        session = _session(conv, items, titles.get(conv))
        if session is None:
            report(Skipped(f"conversation {conv}", "empty conversation (no prompts)"))
        else:
            yield session


def _session(conv: str, items: list[_Exchange], title: str | None) -> Session | None:
    messages: list[Message] = []
    waiting: list[tuple[int, _Call]] = []  # tool calls not yet given their result
    models: list[str | None] = []
    system: str | None = None
    t_in = t_out = 0
    has_tokens = False

    def attach(result: _Result, moment: datetime | None) -> None:
        match = next((w for w in waiting if result.call_id and w[1].call_id == result.call_id),
                     None) or next((w for w in waiting if w[1].name == result.name and
                                    not (result.call_id and w[1].call_id)), None)
        if match is None:
            messages.append(Message("tool", f"[tool {result.name}]\n[result] {result.text}"
                                    .rstrip(), moment))
            return
        waiting.remove(match)
        index = match[0]
        if result.text:
            messages[index] = replace(messages[index],
                                      text=f"{messages[index].text}\n[result] {result.text}")

    for ex in items:
        answered = ex.time + timedelta(milliseconds=ex.duration_ms) \
            if ex.time and ex.duration_ms else ex.time
        if ex.system and ex.system != system:
            messages.append(Message("system", ex.system, ex.time))
        system = ex.system or system
        for item in ex.inputs:
            if isinstance(item, str):
                messages.append(Message("user", item, ex.time))
            else:
                attach(item, ex.time)
        if ex.answer:
            messages.append(Message("assistant", ex.answer, answered, ex.model))
            models.append(ex.model)
        for call in ex.calls:
            messages.append(Message("tool", call.text, answered))
            waiting.append((len(messages) - 1, call))
        for result in ex.results:
            attach(result, answered)
        if ex.tokens_in is not None or ex.tokens_out is not None:
            has_tokens = True
            t_in += ex.tokens_in or 0
            t_out += ex.tokens_out or 0
    if not any(m.role in ("user", "assistant", "tool") for m in messages):
        return None
    times = [m.time for m in messages if m.time]
    first_prompt = next((m.text for m in messages if m.role == "user"), "")
    return Session(source=SOURCE, external_id=conv,
                   title=title or title_from(first_prompt) or "llm conversation",
                   started_at=min(times, default=None), ended_at=max(times, default=None),
                   messages=tuple(messages),
                   model=main_model(models) or main_model(ex.model for ex in items),
                   tokens_in=t_in if has_tokens else None,
                   tokens_out=t_out if has_tokens else None)


def parse(stream: BinaryIO, name: str, report: Report) -> Iterator[Session]:
    """A ``logs.db`` given as a stream (e.g. inside a zip)."""
    with open_stream_copy(stream, name) as conn:
        sessions = list(_read(conn, name, report))
    yield from sessions


def parse_group(files: list[GroupFile], report: Report,
                checkpoints: Checkpoints) -> Iterator[Session]:
    """A changed ``logs.db``, read in full from a private copy."""
    for f in files:
        if not f.changed:
            continue
        with open_copy(f.path, f.name) as conn:
            sessions = list(_read(conn, f.name, report))
        f.end = f.size
        f.sessions = {s.id for s in sessions}
        yield from sessions


def locations(p: Places) -> Iterator[Found]:
    """``logs.db`` in llm's folder (or ``$LLM_USER_PATH``), with its -wal."""
    configured = p.env.get("LLM_USER_PATH")
    folder = Path(configured).expanduser() if configured else p.config / "io.datasette.llm"
    db = folder / "logs.db"
    found = found_file(SOURCE, db, [db.with_name("logs.db-wal")])
    if found:
        yield found



# --- synthetic databases (demo-data, the demo, tests) --------------------------------------------

#: The database file (``llm logs path``).
FILE_NAME = "logs.db"
_BATCH = 200
#: The migrations llm 0.32-0.36 has applied to a ``logs.db`` (``_llm_migrations``).
_MIGRATIONS = (
    "m001_initial", "m002_id_primary_key", "m003_chat_id_foreign_key", "m004_column_order",
    "m004_drop_provider", "m005_debug", "m006_new_logs_table", "m007_finish_logs_table",
    "m008_reply_to_id_foreign_key", "m008_fix_column_order_in_logs",
    "m009_delete_logs_table_if_empty", "m010_create_new_log_tables", "m011_fts_for_responses",
    "m012_attachments_tables", "m013_usage", "m014_schemas", "m015_fragments_tables",
    "m016_fragments_table_pks", "m017_tools_tables", "m017_tools_plugin",
    "m018_tool_instances", "m019_resolved_model", "m020_tool_results_attachments",
    "m021_tool_results_exception", "m022_response_reasoning", "m023_message_store",
    "m024_tool_instance_references", "m025_turn_tools_instance_backfill",
    "m026_message_tree_view", "m027_turns_response_json",
)
#: The schema llm 0.36's migrations leave (``sqlite3 logs.db .schema``, FTS shadow tables left
#: to SQLite).
_SCHEMA = """
CREATE TABLE "_llm_migrations" ("name" TEXT PRIMARY KEY, "applied_at" TEXT);
CREATE TABLE "conversations" ("id" TEXT PRIMARY KEY, "name" TEXT, "model" TEXT);
CREATE TABLE "attachments" ("id" TEXT PRIMARY KEY, "type" TEXT, "path" TEXT, "url" TEXT,
   "content" BLOB);
CREATE TABLE "prompt_attachments" ("response_id" TEXT REFERENCES "responses"("id"),
   "attachment_id" TEXT REFERENCES "attachments"("id"), "order" INTEGER,
   PRIMARY KEY ("response_id", "attachment_id"));
CREATE TABLE "schemas" ("id" TEXT PRIMARY KEY, "content" TEXT);
CREATE TABLE "responses" ("id" TEXT PRIMARY KEY, "model" TEXT, "prompt" TEXT, "system" TEXT,
   "prompt_json" TEXT, "options_json" TEXT, "response" TEXT, "response_json" TEXT,
   "conversation_id" TEXT REFERENCES "conversations"("id"), "duration_ms" INTEGER,
   "datetime_utc" TEXT, "input_tokens" INTEGER, "output_tokens" INTEGER, "token_details" TEXT,
   "schema_id" TEXT REFERENCES "schemas"("id"), "resolved_model" TEXT, "reasoning" TEXT);
CREATE TABLE "fragments" ("id" INTEGER PRIMARY KEY, "hash" TEXT, "content" TEXT,
   "datetime_utc" TEXT, "source" TEXT);
CREATE TABLE "fragment_aliases" ("alias" TEXT PRIMARY KEY,
   "fragment_id" INTEGER REFERENCES "fragments"("id"));
CREATE TABLE "prompt_fragments" ("response_id" TEXT REFERENCES "responses"("id"),
   "fragment_id" INTEGER REFERENCES "fragments"("id"), "order" INTEGER,
   PRIMARY KEY ("response_id", "fragment_id", "order"));
CREATE TABLE "system_fragments" ("response_id" TEXT REFERENCES "responses"("id"),
   "fragment_id" INTEGER REFERENCES "fragments"("id"), "order" INTEGER,
   PRIMARY KEY ("response_id", "fragment_id", "order"));
CREATE TABLE "tools" ("id" INTEGER PRIMARY KEY, "hash" TEXT, "name" TEXT, "description" TEXT,
   "input_schema" TEXT, "plugin" TEXT);
CREATE TABLE "tool_responses" ("tool_id" INTEGER REFERENCES "tools"("id"),
   "response_id" TEXT REFERENCES "responses"("id"), PRIMARY KEY ("tool_id", "response_id"));
CREATE TABLE "tool_calls" ("id" INTEGER PRIMARY KEY,
   "response_id" TEXT REFERENCES "responses"("id"), "tool_id" INTEGER REFERENCES "tools"("id"),
   "name" TEXT, "arguments" TEXT, "tool_call_id" TEXT);
CREATE TABLE "tool_instances" ("id" INTEGER PRIMARY KEY, "plugin" TEXT, "name" TEXT,
   "arguments" TEXT);
CREATE TABLE "tool_results" ("id" INTEGER PRIMARY KEY,
   "response_id" TEXT REFERENCES "responses"("id"), "tool_id" INTEGER REFERENCES "tools"("id"),
   "name" TEXT, "output" TEXT, "tool_call_id" TEXT,
   "instance_id" INTEGER REFERENCES "tool_instances"("id"), "exception" TEXT);
CREATE TABLE "tool_results_attachments" (
   "tool_result_id" INTEGER REFERENCES "tool_results"("id"),
   "attachment_id" TEXT REFERENCES "attachments"("id"), "order" INTEGER,
   PRIMARY KEY ("tool_result_id", "attachment_id"));
CREATE TABLE "messages" ("hash" TEXT PRIMARY KEY,
   "parent_hash" TEXT REFERENCES "messages"("hash"), "role" TEXT, "provider_metadata" TEXT);
CREATE TABLE "parts" ("id" INTEGER PRIMARY KEY,
   "message_hash" TEXT REFERENCES "messages"("hash"), "position" INTEGER, "type" TEXT,
   "tool_name" TEXT, "text" TEXT, "payload" TEXT);
CREATE TABLE "part_attachments" ("part_id" INTEGER REFERENCES "parts"("id"),
   "attachment_id" TEXT REFERENCES "attachments"("id"), "order" INTEGER,
   PRIMARY KEY ("part_id", "attachment_id", "order"));
CREATE TABLE "part_fragments" ("part_id" INTEGER REFERENCES "parts"("id"),
   "fragment_id" INTEGER REFERENCES "fragments"("id"), "order" INTEGER,
   PRIMARY KEY ("part_id", "fragment_id", "order"));
CREATE TABLE "threads" ("id" TEXT PRIMARY KEY, "name" TEXT,
   "tip_message_hash" TEXT REFERENCES "messages"("hash"),
   "forked_from" TEXT REFERENCES "threads"("id"), "datetime_utc" TEXT);
CREATE TABLE "turns" ("id" TEXT PRIMARY KEY, "thread_id" TEXT REFERENCES "threads"("id"),
   "parent_message_hash" TEXT REFERENCES "messages"("hash"),
   "tip_message_hash" TEXT REFERENCES "messages"("hash"), "model" TEXT,
   "resolved_model" TEXT, "options_json" TEXT, "schema_id" TEXT REFERENCES "schemas"("id"),
   "input_tokens" INTEGER, "output_tokens" INTEGER, "token_details" TEXT,
   "duration_ms" INTEGER, "datetime_utc" TEXT, "response_json" TEXT);
CREATE TABLE "turn_fragments" ("turn_id" TEXT REFERENCES "turns"("id"),
   "fragment_id" INTEGER REFERENCES "fragments"("id"), "order" INTEGER, "kind" TEXT,
   PRIMARY KEY ("turn_id", "fragment_id", "kind", "order"));
CREATE TABLE "turn_search" ("id" INTEGER PRIMARY KEY,
   "turn_id" TEXT REFERENCES "turns"("id"), "prompt" TEXT, "response" TEXT);
CREATE TABLE "turn_tools" ("turn_id" TEXT REFERENCES "turns"("id"),
   "tool_id" INTEGER REFERENCES "tools"("id"),
   "instance_id" INTEGER REFERENCES "tool_instances"("id"), PRIMARY KEY ("turn_id", "tool_id"));
CREATE TABLE "tool_instantiations" ("turn_id" TEXT REFERENCES "turns"("id"),
   "tool_call_id" TEXT, "instance_id" INTEGER REFERENCES "tool_instances"("id"),
   PRIMARY KEY ("turn_id", "tool_call_id"));
CREATE UNIQUE INDEX "idx_fragments_hash" ON "fragments" ("hash");
CREATE UNIQUE INDEX "idx_tools_hash" ON "tools" ("hash");
CREATE INDEX "idx_messages_parent_hash" ON "messages" ("parent_hash");
CREATE UNIQUE INDEX "idx_parts_message_hash_position" ON "parts" ("message_hash", "position");
CREATE INDEX "idx_part_fragments_fragment_id" ON "part_fragments" ("fragment_id");
CREATE INDEX "idx_turns_thread_id" ON "turns" ("thread_id");
CREATE INDEX "idx_turn_fragments_fragment_id" ON "turn_fragments" ("fragment_id");
CREATE UNIQUE INDEX "idx_turn_search_turn_id" ON "turn_search" ("turn_id");
CREATE VIRTUAL TABLE "responses_fts" USING FTS5 ("prompt", "response", content="responses");
CREATE TRIGGER "responses_ai" AFTER INSERT ON "responses" BEGIN
  INSERT INTO "responses_fts" (rowid, "prompt", "response")
  VALUES (new.rowid, new."prompt", new."response");
END;
CREATE TRIGGER "responses_ad" AFTER DELETE ON "responses" BEGIN
  INSERT INTO "responses_fts" ("responses_fts", rowid, "prompt", "response")
  VALUES('delete', old.rowid, old."prompt", old."response");
END;
CREATE TRIGGER "responses_au" AFTER UPDATE ON "responses" BEGIN
  INSERT INTO "responses_fts" ("responses_fts", rowid, "prompt", "response")
  VALUES('delete', old.rowid, old."prompt", old."response");
  INSERT INTO "responses_fts" (rowid, "prompt", "response")
  VALUES (new.rowid, new."prompt", new."response");
END;
CREATE VIRTUAL TABLE "turn_search_fts" USING FTS5 ("prompt", "response",
   content="turn_search");
CREATE TRIGGER "turn_search_ai" AFTER INSERT ON "turn_search" BEGIN
  INSERT INTO "turn_search_fts" (rowid, "prompt", "response")
  VALUES (new.rowid, new."prompt", new."response");
END;
CREATE TRIGGER "turn_search_ad" AFTER DELETE ON "turn_search" BEGIN
  INSERT INTO "turn_search_fts" ("turn_search_fts", rowid, "prompt", "response")
  VALUES('delete', old.rowid, old."prompt", old."response");
END;
CREATE TRIGGER "turn_search_au" AFTER UPDATE ON "turn_search" BEGIN
  INSERT INTO "turn_search_fts" ("turn_search_fts", rowid, "prompt", "response")
  VALUES('delete', old.rowid, old."prompt", old."response");
  INSERT INTO "turn_search_fts" (rowid, "prompt", "response")
  VALUES (new.rowid, new."prompt", new."response");
END;
"""
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
#: The tools the demo's tool messages stand for, and the argument each takes.
_TOOLS = {"read": ("read_file", "path"), "search": ("search_docs", "query"),
          "edit": ("edit_file", "path"), "run": ("run_command", "command"),
          "other": ("lookup", "input")}


def ulid(moment: datetime, key: str, serial: int) -> str:
    """A ULID as llm makes them, lower-case (milliseconds, then randomness: here ``serial`` and
    a hash, so the calls of one conversation sort in order)."""
    value = (writing.epoch_ms(moment) << 80) | (serial << 64) | \
        int.from_bytes(writing.digest(key, str(serial), size=8), "big")
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def message_hash(parent: str | None, role: str, parts: Sequence[dict[str, Any]]) -> str:
    """llm's id of a message: ``b2:`` and a 128-bit BLAKE2b of the canonical JSON of the
    message (its parts as the model saw them, fragments resolved) and its parent's id."""
    canonical = json.dumps({"parent": parent, "message": {"role": role, "parts": list(parts)}},
                           sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "b2:" + hashlib.blake2b(canonical.encode("utf-8"), digest_size=16).hexdigest()


def write_demo(sessions: Iterable[Session], out: Path) -> Path:
    """Write ``sessions`` as llm's ``logs.db``: a real SQLite database in the schema of llm
    0.32-0.36 (all its migrations applied), as llm itself writes it.

    A session is a thread (named by the session's title) over content-addressed ``messages``
    with their ``parts``, and one ``turns`` row per model call: an answer, or the tool calls the
    model made (``tool_call`` parts of an assistant message), whose results (``tool_result``
    parts of a tool message) are the next call's input with any prompt that followed. A leading
    system message is the chain's first message. Message ids are llm's own hashes, so llm's
    ``LogStore.verify()`` accepts them. Some sessions quote their first prompt from a fragment
    (``-f``: stored by reference); some began under llm 0.31 (their first exchange a
    ``responses`` row, named in ``conversations``) and were continued with ``-c``, as llm does:
    the old exchange rebuilt as messages, the thread named after the new prompt. Tokens are the
    session's, spread over the calls. ``out`` is the ``logs.db`` file, or a folder for it.
    """
    path = writing.file_target(out, FILE_NAME, fits=FILE_NAME)
    with writing.replacing_database(path) as conn:
        conn.executescript(_SCHEMA)
        conn.execute(f'CREATE VIEW "message_tree" AS {_MESSAGE_TREE}')
        conn.executemany("INSERT INTO _llm_migrations VALUES (?, ?)",
                         [(name, "2026-06-01 09:00:00.000000+00:00") for name in _MIGRATIONS])
        log = _DemoLog(conn)
        for session in writing.committing(conn, sessions, _BATCH):
            log.session(session)
    return path


_MESSAGE_TREE = """with recursive msg as (
  select m.hash, m.parent_hash, m.role, m.rowid as rid,
    replace(coalesce(
      nullif(p.text, ''),
      (select f.content from part_fragments pf
       join fragments f on f.id = pf.fragment_id
       where pf.part_id = p.id
       order by pf."order" limit 1),
      '[' || coalesce(p.type, 'empty') || ']'
    ), char(10), ' ') as text,
    (select group_concat(p2.tool_name, ', ') from parts p2
     where p2.message_hash = m.hash and p2.type = 'tool_result'
       and p2.tool_name is not null) as tools
  from messages m
  left join parts p on p.message_hash = m.hash and p.position = 0
),
tree as (
  select hash, text, tools, 0 as depth,
    printf('%012d', rid) as path, hash as root_hash
  from msg where parent_hash is null
  union all
  select msg.hash, msg.text, msg.tools, t.depth + 1,
    t.path || '/' || printf('%012d', msg.rid),
    t.root_hash
  from msg join tree t on msg.parent_hash = t.hash
),
turn_chain as (
  select t.id as turn_id, t.datetime_utc, m.hash, m.parent_hash
  from turns t join messages m on m.hash = t.tip_message_hash
  union all
  select tc.turn_id, tc.datetime_utc, m.hash, m.parent_hash
  from turn_chain tc join messages m on m.hash = tc.parent_hash
)
select
  t.root_hash,
  strftime('%Y-%m-%d %H:%M:%S',
    (select min(tc.datetime_utc) from turn_chain tc where tc.hash = t.hash)
  ) as datetime,
  replace(hex(zeroblob(t.depth)), '00', '    ') || substr(t.text, 1, 60)
    as message,
  coalesce(t.tools, '') as tools,
  t.hash as message_hash,
  t.path
from tree t
order by t.path"""


@dataclass
class _DemoTurn:
    """One model call of a demo session: its new input (prompts, and results of the calls
    before it), then its answer and the tools it called."""

    time: datetime
    inputs: list[writing.Timed]
    answer: writing.Timed | None = None
    tools: list[writing.Timed] = field(default_factory=list)

    @property
    def answered(self) -> datetime:
        done = self.answer or (self.tools[0] if self.tools else None)
        return max(done.time, self.time) if done else self.time


def _demo_turns(session: Session) -> tuple[writing.Timed | None, list[_DemoTurn]]:
    """The session's system message (when it leads) and its model calls."""
    items = writing.timed(session)
    system = items[0] if items and items[0].role == "system" else None
    turns: list[_DemoTurn] = []
    pending: list[writing.Timed] = []  # the next call's input
    current: _DemoTurn | None = None
    for item in items:
        if item.role == "user":
            if current is not None:
                turns.append(current)
                current = None
            pending.append(item)
        elif item.role == "assistant":
            if current is not None:
                turns.append(current)
            current = _DemoTurn(pending[0].time if pending else item.time, pending, item)
            pending = []
        elif item.role == "tool":
            if current is None:
                current = _DemoTurn(pending[0].time if pending else item.time, pending)
                pending = []
            current.tools.append(item)
            pending.append(item)  # its result goes back to the model with the next call
    if current is not None:
        turns.append(current)
    if any(item.role == "user" for item in pending):  # a last prompt with no answer logged
        turns.append(_DemoTurn(pending[0].time, pending))
    if system is not None and turns:
        turns[0].time = min(turns[0].time, system.time)
    return system, turns


def _tool_parts(item: writing.Timed, key: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``tool_call`` and ``tool_result`` parts of a demo tool message."""
    step = writing.tool_step(item.text)
    name, argument = _TOOLS.get(step.kind, _TOOLS["other"])
    call_id = "call_" + writing.stable_hex(key, f"call{item.index}", 24)
    return ({"type": "tool_call", "name": name, "arguments": {argument: step.target},
             "tool_call_id": call_id},
            {"type": "tool_result", "name": name, "output": step.result, "tool_call_id": call_id})


def _thread_time(moment: datetime) -> str:
    return str(moment.astimezone(UTC))


def _turn_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _conversation_name(text: str) -> str:
    """llm's name for a new conversation: the prompt on one line, cut to 30 characters."""
    line = " ".join(text.split())
    return line if len(line) <= 30 else line[:29] + "…"


class _DemoLog:
    """Writes sessions into a ``logs.db`` as llm logs them."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.tools: dict[str, int] = {}

    def message(self, parent: str | None, role: str, parts: Sequence[dict[str, Any]],
                fragment: tuple[int, str] | None = None) -> str:
        """Store a message once (content-addressed) and return its hash; ``fragment`` is the
        id of the fragment its text starts with and the text typed after it."""
        digest = message_hash(parent, role, parts)
        if not self.conn.execute("INSERT OR IGNORE INTO messages VALUES (?, ?, ?, NULL)",
                                 (digest, parent, role)).rowcount:
            return digest
        for position, part in enumerate(parts):
            payload = dict(part)
            kind = payload.pop("type")
            text = None
            if fragment is not None and kind == "text":
                del payload["text"]
                payload["text_ref"] = [{"fragment": fragment[0]}] + \
                    ([{"literal": fragment[1]}] if fragment[1] else [])
            elif kind in ("text", "reasoning"):
                text = payload.pop("text")
            part_id = self.conn.execute(
                "INSERT INTO parts (message_hash, position, type, tool_name, text, payload) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (digest, position, kind, payload.get("name"), text,
                 json.dumps(payload) if payload else None)).lastrowid
            if fragment is not None and kind == "text":
                self.conn.execute("INSERT INTO part_fragments VALUES (?, ?, 0)",
                                  (part_id, fragment[0]))
        return digest

    def fragment(self, content: str, moment: datetime) -> int:
        """The id of a fragment (``-f notes.md``), stored once."""
        sha = hashlib.sha256(content.encode("utf-8")).hexdigest()
        self.conn.execute(
            "INSERT INTO fragments (hash, content, datetime_utc, source) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(hash) DO NOTHING",
            (sha, content, moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"), "notes.md"))
        row = self.conn.execute("SELECT id FROM fragments WHERE hash = ?", (sha,)).fetchone()
        return int(row[0])

    def tool(self, name: str, argument: str) -> int:
        """The id of a tool (``llm --functions``), stored once."""
        if name not in self.tools:
            schema = {"properties": {argument: {"type": "string"}}, "required": [argument],
                      "type": "object"}
            definition = {"name": name, "description": None, "input_schema": schema}
            self.tools[name] = int(self.conn.execute(
                "INSERT INTO tools (hash, name, description, input_schema, plugin) "
                "VALUES (?, ?, NULL, ?, NULL)",
                (hashlib.sha256(json.dumps(definition).encode()).hexdigest(), name,
                 json.dumps(schema))).lastrowid or 0)
        return self.tools[name]

    def session(self, session: Session) -> None:
        key = session.id
        system, turns = _demo_turns(session)
        if not turns:
            return
        first = turns[0]
        legacy = (writing.roll(key, "legacy", 4) == 0 and len(turns) > 1 and
                  first.answer is not None and not first.tools and
                  [i.role for i in first.inputs] == ["user"])
        quoted = not legacy and writing.roll(key, "fragment", 4) == 0
        tokens_in = writing.split(session.tokens_in or 0, len(turns), key + "/in")
        tokens_out = writing.split(session.tokens_out or 0, len(turns), key + "/out")
        tool_ids = sorted({self.tool(*_TOOLS.get(writing.tool_step(t.text).kind, _TOOLS["other"]))
                           for turn in turns for t in turn.tools})
        tip: str | None = None
        for n, turn in enumerate(turns):
            rid = ulid(turn.time, key, n)
            model = writing.model_of(turn.answer.message, session) if turn.answer \
                else session.model
            parent = tip
            if n == 0 and system is not None:
                parent = self.message(parent, "system", [{"type": "text", "text": system.text}])
            results = [_tool_parts(i, key)[1] for i in turn.inputs if i.role == "tool"]
            if results:
                parent = self.message(parent, "tool", results)
            fragment_id: int | None = None
            typed = ""
            for item in (i for i in turn.inputs if i.role == "user"):
                fragment = None
                if quoted and n == 0 and fragment_id is None:
                    content, _, rest = item.text.partition("\n")
                    fragment_id = self.fragment(content, turn.time)
                    fragment = (fragment_id, "\n" + rest if rest else "")
                    typed = fragment[1]
                else:
                    typed = item.text
                parent = self.message(parent, "user", [{"type": "text", "text": item.text}],
                                      fragment)
            output = [{"type": "text", "text": turn.answer.text}] if turn.answer else []
            output += [_tool_parts(t, key)[0] for t in turn.tools]
            tip = self.message(parent, "assistant", output) if output else parent
            duration = max(0, writing.epoch_ms(turn.answered) - writing.epoch_ms(turn.time))
            tokens = (tokens_in[n] if session.tokens_in is not None else None,
                      tokens_out[n] if session.tokens_out is not None else None)
            if legacy and n == 0:  # logged by llm 0.31, before the upgrade
                self.conn.execute("INSERT INTO conversations VALUES (?, ?, ?)",
                                  (session.external_id, session.title, model))
                self.conn.execute(
                    "INSERT INTO responses (id, model, prompt, system, options_json, response, "
                    "conversation_id, duration_ms, datetime_utc, input_tokens, output_tokens) "
                    "VALUES (?, ?, ?, ?, '{}', ?, ?, ?, ?, ?, ?)",
                    (rid, model, turn.inputs[0].text, system.text if system else None,
                     turn.answer.text if turn.answer else "", session.external_id, duration,
                     _turn_time(turn.time), *tokens))
                continue
            if n == int(legacy):
                name = _conversation_name(typed) if legacy else session.title
                self.conn.execute("INSERT INTO threads VALUES (?, ?, NULL, NULL, ?)",
                                  (session.external_id, name, _thread_time(turn.answered)))
            self.conn.execute(
                "INSERT INTO turns (id, thread_id, parent_message_hash, tip_message_hash, model, "
                "input_tokens, output_tokens, duration_ms, datetime_utc) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (rid, session.external_id, parent, tip, model, *tokens, duration,
                 _turn_time(turn.time)))
            self.conn.executemany("INSERT INTO turn_tools VALUES (?, ?, NULL)",
                                  [(rid, tool_id) for tool_id in tool_ids])
            if fragment_id is not None:
                self.conn.execute("INSERT INTO turn_fragments VALUES (?, ?, 0, 'prompt')",
                                  (rid, fragment_id))
            last_input = turn.inputs[-1] if turn.inputs else None
            prompt = typed if last_input is not None and last_input.role == "user" else ""
            answer = turn.answer.text if turn.answer else ""
            if prompt or answer:
                self.conn.execute("INSERT INTO turn_search (turn_id, prompt, response) "
                                  "VALUES (?, ?, ?)", (rid, prompt, answer))
        self.conn.execute("UPDATE threads SET tip_message_hash = ? WHERE id = ?",
                          (tip, session.external_id))


SPEC = SourceSpec(
    name=SOURCE,
    display_name="llm",
    format=FORMAT,
    version=VERSION,
    sniff=sniff,
    parse=parse,
    group=GroupSpec(key=group_key, parse=parse_group, stat=file_stat),
    locations=locations,
    writer=write_demo,
)
