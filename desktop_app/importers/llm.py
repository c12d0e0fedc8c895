"""Simon Willison's ``llm`` CLI: ``logs.db`` (``llm logs path``), read from a private copy.

Both schema generations are read and merged: ``conversations`` + ``responses`` (llm 0.5-0.31,
kept as read-only history after an upgrade) and ``threads`` + ``turns`` + ``messages`` +
``parts`` (0.32+); a turn with the id of a response is the same exchange, read once. A
conversation (thread) is a session; each response or turn is the prompt and the answer.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
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
    as_int,
    main_model,
    parse_time,
    title_from,
)

SOURCE = "llm"
FORMAT = "llm CLI log database (logs.db)"
VERSION = "1"


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


@dataclass
class _Exchange:
    id: str
    conversation: str
    title: str | None
    time: datetime | None
    prompt: str
    response: str
    model: str | None
    tokens_in: int | None
    tokens_out: int | None
    duration_ms: int | None
    extra: list[Message] = field(default_factory=list)  # tool calls and results of a turn


def _responses(conn: sqlite3.Connection) -> Iterator[_Exchange]:
    cols = columns(conn, "responses")
    have_conv = "conversations" in tables(conn)

    def col(name: str) -> str:
        return f"r.{name}" if name in cols else "NULL"

    join = " LEFT JOIN conversations c ON c.id = r.conversation_id" if have_conv and \
        "conversation_id" in cols else ""
    title = "c.name" if join else "NULL"
    model = f"COALESCE({col('resolved_model')}, {col('model')})"
    sql = (f"SELECT r.id, {col('conversation_id')}, {title}, {col('datetime_utc')}, "
           f"{col('prompt')}, {col('response')}, {model}, {col('input_tokens')}, "
           f"{col('output_tokens')}, {col('duration_ms')} FROM responses r{join}")
    for rid, conv, name, when, prompt, response, mdl, t_in, t_out, dur in conn.execute(sql):
        yield _Exchange(str(rid), str(conv or rid), name, parse_time(when), str(prompt or ""),
                        str(response or ""), mdl, as_int(t_in), as_int(t_out), as_int(dur))


def _turns(conn: sqlite3.Connection) -> Iterator[_Exchange]:
    names = tables(conn)
    threads = {}
    if "threads" in names:
        threads = {str(tid): name for tid, name in conn.execute("SELECT id, name FROM threads")}
    tcols = columns(conn, "turns")

    def col(name: str) -> str:
        return name if name in tcols else "NULL"

    sql = (f"SELECT id, {col('thread_id')}, {col('parent_message_hash')}, "
           f"{col('tip_message_hash')}, COALESCE({col('resolved_model')}, {col('model')}), "
           f"{col('input_tokens')}, {col('output_tokens')}, {col('duration_ms')}, "
           f"{col('datetime_utc')} FROM turns")
    have_messages = {"messages", "parts"} <= names
    for tid, thread, parent, tip, mdl, t_in, t_out, dur, when in conn.execute(sql).fetchall():
        chain = _chain(conn, tip, parent) if have_messages else []
        prompt = "\n\n".join(text for role, text in chain if role == "user")
        answers = [text for role, text in chain if role == "assistant"]
        extra = [Message("tool", text) for role, text in chain if role == "tool" and text]
        yield _Exchange(str(tid), str(thread or tid), threads.get(str(thread)),
                        parse_time(when), prompt, "\n\n".join(answers), mdl, as_int(t_in),
                        as_int(t_out), as_int(dur), extra)


def _chain(conn: sqlite3.Connection, tip: Any, stop: Any) -> list[tuple[str, str]]:
    """The (role, text) messages from after ``stop`` up to ``tip``, oldest first."""
    out: list[tuple[str, str]] = []
    current = tip
    seen: set[Any] = set()
    while current and current != stop and current not in seen and len(seen) < 10_000:
        seen.add(current)
        row = conn.execute("SELECT parent_hash, role FROM messages WHERE hash = ?",
                           (current,)).fetchone()
        if row is None:
            break
        parts = conn.execute(
            "SELECT type, tool_name, text FROM parts WHERE message_hash = ? ORDER BY position",
            (current,)).fetchall()
        texts = []
        for kind, tool, text in parts:
            if tool and kind != "text":
                texts.append(f"[tool {tool}] {text or ''}".rstrip())
            elif text:
                texts.append(str(text))
        out.append((str(row[1] or ""), "\n".join(texts).strip()))
        current = row[0]
    out.reverse()
    return out


def _read(conn: sqlite3.Connection, name: str, report: Report) -> Iterator[Session]:
    names = tables(conn)
    if "responses" not in names and "turns" not in names:
        raise FormatError(name, "no llm logs in this database (no responses or turns table)")
    exchanges: dict[str, _Exchange] = {}
    try:
        if "responses" in names:
            for ex in _responses(conn):
                exchanges[ex.id] = ex
        if "turns" in names:
            for ex in _turns(conn):
                exchanges.setdefault(ex.id, ex)  # a turn that is also a response: once
    except sqlite3.DatabaseError as exc:
        raise FormatError(name, f"the database cannot be read ({exc})") from exc
    by_conv: dict[str, list[_Exchange]] = {}
    for ex in exchanges.values():
        by_conv.setdefault(ex.conversation, []).append(ex)
    for conv, items in by_conv.items():
        items.sort(key=lambda e: (e.time is None, e.time or datetime.min, e.id))
        messages: list[Message] = []
        models: list[str | None] = []
        t_in = t_out = 0
        has_tokens = False
        for ex in items:
            if ex.prompt.strip():
                messages.append(Message("user", ex.prompt.strip(), ex.time))
            messages.extend(ex.extra)
            if ex.response.strip():
                answered = ex.time + timedelta(milliseconds=ex.duration_ms) \
                    if ex.time and ex.duration_ms else ex.time
                messages.append(Message("assistant", ex.response.strip(), answered, ex.model))
                models.append(ex.model)
            if ex.tokens_in is not None or ex.tokens_out is not None:
                has_tokens = True
                t_in += ex.tokens_in or 0
                t_out += ex.tokens_out or 0
        if not messages:
            report(Skipped(f"conversation {conv}", "empty conversation (no prompts)"))
            continue
        times = [m.time for m in messages if m.time]
        first_prompt = next((m.text for m in messages if m.role == "user"), "")
        title = next((e.title for e in items if e.title), None) or title_from(first_prompt) \
            or "llm conversation"
        yield Session(source=SOURCE, external_id=conv, title=title,
                      started_at=min(times, default=None), ended_at=max(times, default=None),
                      messages=tuple(messages), model=main_model(models),
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
#: The migrations llm 0.26-0.31 has applied to a ``logs.db`` (``_llm_migrations``).
_MIGRATIONS = (
    "m001_initial", "m002_id_primary_key", "m003_chat_id_foreign_key", "m004_column_order",
    "m004_drop_provider", "m005_debug", "m006_new_logs_table", "m007_finish_logs_table",
    "m008_reply_to_id_foreign_key", "m008_fix_column_order_in_logs",
    "m009_delete_logs_table_if_empty", "m010_create_new_log_tables", "m011_fts_for_responses",
    "m012_attachments_tables", "m013_usage", "m014_schemas", "m015_fragments_tables",
    "m016_fragments_table_pks", "m017_tools_tables", "m017_tools_plugin",
    "m018_tool_instances", "m019_resolved_model", "m020_tool_results_attachments",
    "m021_tool_results_exception",
)
_SCHEMA = """
CREATE TABLE [_llm_migrations] ([name] TEXT PRIMARY KEY, [applied_at] TEXT);
CREATE TABLE [conversations] ([id] TEXT PRIMARY KEY, [name] TEXT, [model] TEXT);
CREATE TABLE [schemas] ([id] TEXT PRIMARY KEY, [content] TEXT);
CREATE TABLE "responses" (
   [id] TEXT PRIMARY KEY, [model] TEXT, [prompt] TEXT, [system] TEXT, [prompt_json] TEXT,
   [options_json] TEXT, [response] TEXT, [response_json] TEXT,
   [conversation_id] TEXT REFERENCES [conversations]([id]), [duration_ms] INTEGER,
   [datetime_utc] TEXT, [input_tokens] INTEGER, [output_tokens] INTEGER,
   [token_details] TEXT, [schema_id] TEXT REFERENCES [schemas]([id]), [resolved_model] TEXT);
CREATE VIRTUAL TABLE [responses_fts] USING FTS5 ([prompt], [response],
   content=[responses]);
CREATE TRIGGER [responses_ai] AFTER INSERT ON [responses] BEGIN
  INSERT INTO [responses_fts] (rowid, [prompt], [response])
  VALUES (new.rowid, new.[prompt], new.[response]);
END;
CREATE TRIGGER [responses_ad] AFTER DELETE ON [responses] BEGIN
  INSERT INTO [responses_fts] ([responses_fts], rowid, [prompt], [response])
  VALUES('delete', old.rowid, old.[prompt], old.[response]);
END;
CREATE TABLE [attachments] ([id] TEXT PRIMARY KEY, [type] TEXT, [path] TEXT, [url] TEXT,
   [content] BLOB);
CREATE TABLE [prompt_attachments] ([response_id] TEXT REFERENCES [responses]([id]),
   [attachment_id] TEXT REFERENCES [attachments]([id]), [order] INTEGER,
   PRIMARY KEY ([response_id], [attachment_id]));
CREATE TABLE [tools] ([id] INTEGER PRIMARY KEY, [hash] TEXT, [name] TEXT,
   [description] TEXT, [input_schema] TEXT, [plugin] TEXT);
CREATE UNIQUE INDEX [idx_tools_hash] ON [tools] ([hash]);
CREATE TABLE [tool_responses] ([tool_id] INTEGER REFERENCES [tools]([id]),
   [response_id] TEXT REFERENCES [responses]([id]), PRIMARY KEY ([tool_id], [response_id]));
CREATE TABLE [tool_calls] ([id] INTEGER PRIMARY KEY,
   [response_id] TEXT REFERENCES [responses]([id]), [tool_id] INTEGER REFERENCES [tools]([id]),
   [name] TEXT, [arguments] TEXT, [tool_call_id] TEXT);
CREATE TABLE [tool_results] ([id] INTEGER PRIMARY KEY,
   [response_id] TEXT REFERENCES [responses]([id]), [tool_id] INTEGER REFERENCES [tools]([id]),
   [name] TEXT, [output] TEXT, [tool_call_id] TEXT, [instance_id] INTEGER, [exception] TEXT);
"""
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid(moment: datetime, key: str, serial: int) -> str:
    """A ULID as llm makes them (milliseconds, then randomness: here ``serial`` and a hash, so
    the responses of one conversation sort in order)."""
    value = (writing.epoch_ms(moment) << 80) | (serial << 64) | \
        int.from_bytes(writing.digest(key, str(serial), size=8), "big")
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def write_demo(sessions: Iterable[Session], out: Path) -> Path:
    """Write ``sessions`` as llm's ``logs.db``: a real SQLite database with the schema of llm
    0.26-0.31 (``_llm_migrations``, ``conversations``, ``responses`` with its FTS index, the
    tool tables).

    A session is a conversation (named by the session's title); each prompt and the answer to
    it is a ``responses`` row with its model, duration and tokens (the session's spread over the
    rows); an answer that follows another answer or a tool call is a row of its own with no
    prompt, as llm logs a tool chain. Tool messages are ``tool_calls`` and ``tool_results``
    rows, which the importer does not show; system messages are the next row's ``system``
    prompt, not shown either. ``out`` is the ``logs.db`` file, or a folder to write it in.
    """
    path = writing.file_target(out, FILE_NAME, fits=FILE_NAME)
    partial = writing.partial_path(path)
    partial.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(partial)
        try:
            conn.executescript(_SCHEMA)
            conn.executemany("INSERT INTO _llm_migrations VALUES (?, ?)",
                             [(name, "2025-06-01 09:00:00.000000+00:00")
                              for name in _MIGRATIONS])
            tools: dict[str, int] = {}
            for n, session in enumerate(sessions, 1):
                _demo_conversation(conn, session, tools)
                if n % _BATCH == 0:
                    conn.commit()
            conn.commit()
        finally:
            conn.close()
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


@dataclass
class _DemoRow:
    time: datetime
    prompt: str | None = None
    response: str | None = None
    answered: datetime | None = None
    model: str | None = None
    system: str | None = None
    tools: list[writing.Timed] = field(default_factory=list)


def _demo_rows(session: Session) -> list[_DemoRow]:
    rows: list[_DemoRow] = []
    system: str | None = None
    for item in writing.timed(session):
        current = rows[-1] if rows else None
        if item.role == "user":
            rows.append(_DemoRow(item.time, prompt=item.text, system=system))
            system = None
        elif item.role == "assistant":
            if current is None or current.response is not None or current.tools:
                current = _DemoRow(item.time, system=system)
                system = None
                rows.append(current)
            current.response = item.text
            current.answered = item.time
            current.model = writing.model_of(item.message, session)
        elif item.role == "tool":
            if current is None:
                current = _DemoRow(item.time, system=system)
                system = None
                rows.append(current)
            current.tools.append(item)
        else:
            system = item.text
    return rows


def _demo_conversation(conn: sqlite3.Connection, session: Session, tools: dict[str, int]
                       ) -> None:
    key = session.id
    cid = session.external_id
    conn.execute("INSERT OR REPLACE INTO conversations VALUES (?, ?, ?)",
                 (cid, session.title, session.model))
    rows = _demo_rows(session)
    tokens_in = writing.split(session.tokens_in or 0, len(rows), key + "/in")
    tokens_out = writing.split(session.tokens_out or 0, len(rows), key + "/out")
    for n, row in enumerate(rows):
        rid = ulid(row.time, key, n)
        duration = writing.epoch_ms(row.answered) - writing.epoch_ms(row.time) \
            if row.answered else 0
        model = row.model or session.model
        conn.execute(
            "INSERT INTO responses (id, model, prompt, system, prompt_json, options_json, "
            "response, response_json, conversation_id, duration_ms, datetime_utc, "
            "input_tokens, output_tokens) VALUES (?, ?, ?, ?, NULL, '{}', ?, NULL, ?, ?, ?, "
            "?, ?)",
            (rid, model, row.prompt or "", row.system, row.response or "", cid, duration,
             row.time.astimezone(UTC).isoformat(timespec="microseconds"),
             tokens_in[n] if session.tokens_in is not None else None,
             tokens_out[n] if session.tokens_out is not None else None))
        for item in row.tools:
            step = writing.tool_step(item.text)
            name = {"read": "read_file", "search": "search_docs", "edit": "edit_file",
                    "run": "run_command"}.get(step.kind, "run_command")
            tool_id = tools.get(name)
            if tool_id is None:
                tool_id = tools[name] = len(tools) + 1
                conn.execute("INSERT INTO tools VALUES (?, ?, ?, ?, ?, ?)",
                             (tool_id, writing.stable_hex(name, "tool", 64), name,
                              f"The {name.replace('_', ' ')} tool.", "{}", "llm_tools"))
            conn.execute("INSERT OR IGNORE INTO tool_responses VALUES (?, ?)", (tool_id, rid))
            call = "call_" + writing.stable_hex(key, f"call{item.index}", 24)
            conn.execute("INSERT INTO tool_calls (response_id, tool_id, name, arguments, "
                         "tool_call_id) VALUES (?, ?, ?, ?, ?)",
                         (rid, tool_id, name, writing.dump({"query": step.target}), call))
            conn.execute("INSERT INTO tool_results (response_id, tool_id, name, output, "
                         "tool_call_id) VALUES (?, ?, ?, ?, ?)",
                         (rid, tool_id, name, step.result, call))


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
