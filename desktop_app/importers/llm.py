"""Simon Willison's ``llm`` CLI: ``logs.db`` (``llm logs path``), read from a private copy.

Both schema generations are read and merged: ``conversations`` + ``responses`` (llm 0.5-0.31,
kept as read-only history after an upgrade) and ``threads`` + ``turns`` + ``messages`` +
``parts`` (0.32+); a turn with the id of a response is the same exchange, read once. A
conversation (thread) is a session; each response or turn is the prompt and the answer.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

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


SPEC = SourceSpec(
    name=SOURCE,
    display_name="llm",
    format=FORMAT,
    version=VERSION,
    sniff=sniff,
    parse=parse,
    group=GroupSpec(key=group_key, parse=parse_group, stat=file_stat),
    locations=locations,
)
