"""The generic CSV / JSONL format, one row per message, for tools Worthwhile does not read yet.

Format
------

A UTF-8 file, either **CSV** with a header row (RFC 4180 quoting, so text may hold commas,
quotes and line breaks) or **JSONL** (one JSON object per line). Each row is one message:

=============  ========  ===================================================================
column         needed    meaning
=============  ========  ===================================================================
session_id     yes       any text; rows with the same id form one session
time           no        ISO 8601 (``2026-03-02T09:15:00Z``, an offset, or no zone = UTC)
                         or Unix seconds / milliseconds
role           yes       ``user``, ``assistant``, ``tool`` or ``system``
text           yes       the message text (may be empty for a tool call without output)
title          no        the session's title (the first row that has one wins; otherwise
                         the first user message is the title)
tool           no        the tool's name, e.g. ``Perplexity`` (the first row that has one
                         wins): shown, filtered and grouped by as the session's tool; it
                         is part of the session's identity, so equal ids from files of
                         different tools never collide
model          no        the model that wrote this message; the session's model is the one
                         of most assistant rows
tokens_in      no        input tokens of this message (whole number; blank = not recorded;
                         anything else is listed in the report and left out)
tokens_out     no        output tokens of this message
=============  ========  ===================================================================

Rows of one session need not be next to each other; a session's messages keep the order of
the rows. Unknown columns are ignored. A row that cannot be read (no session id, an unknown
role, a bad time, a line that is not a JSON object) is skipped and listed in the import
report; a file without a single readable row is an error.

CSV example::

    session_id,time,role,text,title,tool,model,tokens_in,tokens_out
    p-1,2026-03-02T09:15:00Z,user,"How do polarized lenses work?",Sunglasses,Perplexity,,,
    p-1,2026-03-02T09:15:20Z,assistant,"They block horizontally polarized light.",,,sonar,31,120

JSONL example::

    {"session_id": "p-1", "time": "2026-03-02T09:15:00Z", "role": "user", "text": "How do polarized lenses work?", "title": "Sunglasses", "tool": "Perplexity"}
    {"session_id": "p-1", "time": "2026-03-02T09:15:20Z", "role": "assistant", "text": "They block horizontally polarized light.", "model": "sonar", "tokens_in": 31, "tokens_out": 120}
"""  # noqa: E501

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from desktop_app.domain import Message, Session
from desktop_app.importers import writing
from desktop_app.importers.contract import (
    FormatError,
    RecordTally,
    Report,
    Skipped,
    SourceSpec,
)
from desktop_app.importers.streams import head_text, read_head
from desktop_app.importers.values import (
    as_int,
    first_user_text,
    main_model,
    parse_time,
    time_span,
    title_from,
)

SOURCE = "generic"
VERSION = "2"  # 2: the tool's own name is kept (Session.tool_name)
FORMAT = "generic CSV or JSONL (session_id, time, role, text, …; see the README)"

COLUMNS = ("session_id", "time", "role", "text", "title", "tool", "model", "tokens_in",
           "tokens_out")
_ROLES = {
    "user": "user", "human": "user", "assistant": "assistant", "ai": "assistant",
    "model": "assistant", "bot": "assistant", "tool": "tool", "function": "tool",
    "system": "system",
}
_JSON_LINE = re.compile(
    r'^\s*\{.*"session_id"\s*:.*"role"\s*:|^\s*\{.*"role"\s*:.*"session_id"\s*:'
)


def _first_line(head: bytes) -> str:
    text = head_text(head)
    return next((line for line in text.splitlines() if line.strip()), "")


def _csv_header(line: str) -> list[str]:
    try:
        row = next(csv.reader([line]))
    except (csv.Error, StopIteration):
        return []
    return [cell.strip().lower() for cell in row]


def sniff(head: bytes, name: str) -> bool:
    """A CSV whose header has session_id, role and text, or JSONL rows with those keys."""
    line = _first_line(head)
    if not line:
        return False
    if line.lstrip().startswith("{"):
        return bool(_JSON_LINE.search(line))
    header = _csv_header(line)
    return {"session_id", "role", "text"} <= set(header)


@dataclass
class _Building:
    key: str
    title: str = ""
    tool: str = ""
    messages: list[Message] = field(default_factory=list)
    tokens_in: int | None = None
    tokens_out: int | None = None


def parse(stream: BinaryIO, name: str, report: Report) -> Iterator[Session]:
    """Read every row, group rows into sessions, yield the sessions in order of first row."""
    head, stream = read_head(stream)
    line = _first_line(head)
    if not line:
        raise FormatError(name, "the file is empty")
    tally = RecordTally(name, "row", report)
    sessions: dict[str, _Building] = {}
    rows = _jsonl_rows(stream, name, tally) if line.lstrip().startswith("{") else \
        _csv_rows(stream, name, tally)
    for where, row in rows:
        _add_row(sessions, where, row, tally)
    tally.finish()
    if tally.read == 0:
        raise FormatError(name, "no rows (only a header)")
    for building in sessions.values():
        messages = building.messages
        title = building.title or title_from(first_user_text(messages)) or "Untitled session"
        start, end = time_span(messages)
        model = main_model(m.model for m in messages if m.role == "assistant")
        external_id = f"{building.tool}/{building.key}" if building.tool else building.key
        yield Session(source=SOURCE, external_id=external_id, title=title, started_at=start,
                      ended_at=end, messages=tuple(messages), model=model,
                      tokens_in=building.tokens_in, tokens_out=building.tokens_out,
                      tool_name=building.tool or None)


def _jsonl_rows(stream: BinaryIO, name: str, tally: RecordTally
                ) -> Iterator[tuple[str, dict[str, Any]]]:
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        where = f"line {number}"
        try:
            value = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            tally.skip(where, "not valid UTF-8")
            continue
        except ValueError as exc:
            tally.skip(where, f"not valid JSON ({exc.args[0] if exc.args else exc})")
            continue
        if not isinstance(value, dict):
            tally.skip(where, "not a JSON object")
            continue
        yield where, value


def _csv_rows(stream: BinaryIO, name: str, tally: RecordTally
              ) -> Iterator[tuple[str, dict[str, Any]]]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    reader = csv.reader(text)
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
        if not {"session_id", "role", "text"} <= set(header):
            raise FormatError(name, "the CSV header needs the columns session_id, role and text",
                              "line 1")
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            where = f"line {reader.line_num}"
            if len(row) > len(header):
                tally.skip(where, f"{len(row)} fields but the header has {len(header)}")
                continue
            yield where, dict(zip(header, row, strict=False))
    except UnicodeDecodeError as exc:
        raise FormatError(name, "not valid UTF-8 text", f"line {reader.line_num + 1}") from exc
    except csv.Error as exc:
        raise FormatError(name, f"not valid CSV ({exc})", f"line {reader.line_num}") from exc


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return str(value)


def _add_row(sessions: dict[str, _Building], where: str, row: dict[str, Any],
             tally: RecordTally) -> None:
    session_id = _text(row.get("session_id"))
    if not session_id:
        tally.skip(where, "no session_id")
        return
    role = _ROLES.get(_text(row.get("role")).lower())
    if role is None:
        tally.skip(where, f"unknown role {_text(row.get('role'))!r} "
                          "(use user, assistant, tool or system)")
        return
    text = row.get("text")
    if not isinstance(text, str):
        if text is None:
            tally.skip(where, "no text")
            return
        text = json.dumps(text, ensure_ascii=False)
    raw_time = row.get("time")
    time = parse_time(raw_time) if raw_time not in (None, "") else None
    if raw_time not in (None, "") and time is None:
        tally.skip(where, f"unreadable time {_text(raw_time)!r}")
        return
    building = sessions.get(session_id)
    if building is None:
        building = sessions[session_id] = _Building(session_id)
    if not building.title:
        building.title = " ".join(_text(row.get("title")).split())
    if not building.tool:
        building.tool = " ".join(_text(row.get("tool")).split())
    model = _text(row.get("model")) or None
    building.messages.append(Message(role, text, time, model))
    for column in ("tokens_in", "tokens_out"):
        raw = _text(row.get(column))
        if raw:
            count = as_int(row.get(column))
            if count is None:  # the message is kept; the count is not, and the report says so
                tally.report(Skipped(f"{where}: {column}", f"{raw[:40]!r} is not a whole "
                                     "number of tokens (the row is imported without it)"))
            else:
                setattr(building, column, (getattr(building, column) or 0) + count)
    tally.ok()



# --- synthetic files (demo-data, the demo, tests) ------------------------------------------------

#: The name ``demo-data`` gives a generic file written into a folder.
FILE_NAME = "history.jsonl"


def write_demo(sessions: Iterable[Session], out: Path) -> Path:
    """Write ``sessions`` in the generic JSONL format, one row per message (streamed).

    An id of the form ``Tool/key`` (how the importer names a session of a tool) is written as
    ``tool`` and ``session_id`` columns, so it reads back the same. The first row carries the
    title; assistant rows carry their model and the session's tokens spread over them (the
    first row when there is no answer). Every role and field round-trips. ``out`` is the file,
    or a folder for it.
    """
    path = writing.file_target(out, FILE_NAME)
    with writing.replacing(path, large=True) as handle:
        for session in sessions:
            for row in _demo_rows(session):
                handle.write(writing.dump(row))
                handle.write("\n")
    return path


def _demo_rows(session: Session) -> Iterator[dict[str, Any]]:
    tool, _, key = session.external_id.partition("/")
    if not tool or not key:
        tool, key = "", session.external_id
    items = writing.timed(session)
    carriers = [t.index for t in items if t.role == "assistant"] or [0]
    tokens_in = dict(zip(carriers, writing.split(session.tokens_in or 0, len(carriers),
                                                 session.id + "/in"), strict=True))
    tokens_out = dict(zip(carriers, writing.split(session.tokens_out or 0, len(carriers),
                                                  session.id + "/out"), strict=True))
    for item in items:
        row: dict[str, Any] = {"session_id": key, "time": writing.iso_z(item.time, 0),
                               "role": item.role, "text": item.text}
        if item.index == 0:
            row["title"] = session.title
            if tool:
                row["tool"] = tool
        if item.role == "assistant":
            row["model"] = writing.model_of(item.message, session)
        if item.index in tokens_in:
            if session.tokens_in is not None:
                row["tokens_in"] = tokens_in[item.index]
            if session.tokens_out is not None:
                row["tokens_out"] = tokens_out[item.index]
        yield row


SPEC = SourceSpec(
    name=SOURCE,
    display_name="Other",
    format=FORMAT,
    version=VERSION,
    sniff=sniff,
    parse=parse,
    writer=write_demo,
)
