"""What the sources' synthetic writers (each module's ``write_demo``) share.

A writer lays :class:`~desktop_app.domain.Session` objects out in its tool's own format (used by
``demo-data``, the demo and tests). Everything a format needs beyond the session (message ids,
request ids, which session gets a subagent or a regenerated answer, how a token total is spread
over responses) is derived from a hash of the session's id, so the same sessions always give
the same bytes. Files are written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, TypeVar

from desktop_app.domain import Message, Session

_T = TypeVar("_T")

#: The time of a message that has none and no earlier one to follow (sessions always have one
#: in practice; this keeps a writer total).
FALLBACK_TIME = datetime(2026, 1, 1, tzinfo=UTC)


# --- stable variants ----------------------------------------------------------------------------


def digest(*parts: str, size: int = 16) -> bytes:
    """A hash of ``parts`` (the base of every derived id and variant)."""
    return hashlib.blake2b("\x00".join(parts).encode("utf-8", "surrogatepass"),
                           digest_size=size).digest()


def roll(key: str, label: str, sides: int) -> int:
    """A stable die roll in ``range(sides)`` for ``key`` (a session id) and ``label``."""
    return int.from_bytes(digest(key, label, size=8), "big") % sides


def stable_uuid(key: str, label: str) -> str:
    """A stable version-4 UUID for ``key`` and ``label``."""
    return str(uuid.UUID(bytes=digest(key, label), version=4))


def stable_hex(key: str, label: str, length: int = 16) -> str:
    """A stable lower-case hex string of ``length`` characters."""
    return digest(key, label, size=max(1, (length + 1) // 2)).hex()[:length]


def split(total: int, parts: int, key: str) -> list[int]:
    """``total`` spread over ``parts`` whole numbers (uneven, stable for ``key``), summing to it."""
    if parts <= 0:
        return []
    weights: list[int] = []
    block = 0
    while len(weights) < parts:
        weights.extend(1 + b for b in digest(key, "split", str(block), size=64))
        block += 1
    weights = weights[:parts]
    whole = sum(weights)
    shares = [total * w // whole for w in weights]
    for i in range(total - sum(shares)):
        shares[i % parts] += 1
    return shares


# --- times ---------------------------------------------------------------------------------------


def message_times(session: Session) -> list[datetime]:
    """Each message's time; one without a time takes the one before it (or the start)."""
    last = session.started_at or next((m.time for m in session.messages if m.time), None) \
        or FALLBACK_TIME
    times: list[datetime] = []
    for message in session.messages:
        last = message.time or last
        times.append(last)
    return times


def start_of(session: Session) -> datetime:
    """When the session started (its first message when it has no start)."""
    return session.started_at or next((m.time for m in session.messages if m.time), None) \
        or FALLBACK_TIME


def end_of(session: Session) -> datetime:
    """When the session ended (its last message, else its start)."""
    times = [m.time for m in session.messages if m.time]
    return session.ended_at or (max(times) if times else start_of(session))


def iso_z(moment: datetime, digits: int = 3) -> str:
    """``2026-02-12T21:03:11.512Z`` (``digits`` of the fraction: 0, 3 or 6)."""
    moment = moment.astimezone(UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        text += f".{moment.microsecond:06d}"[: digits + 1]
    return text + "Z"


def epoch_ms(moment: datetime) -> int:
    """Unix milliseconds."""
    return round(moment.timestamp() * 1000)


# --- the thread ----------------------------------------------------------------------------------


def model_of(message: Message, session: Session) -> str | None:
    """The model that wrote an assistant message (the session's when the message names none)."""
    return message.model or session.model


@dataclass(frozen=True, slots=True)
class Timed:
    """A message of a session with the time a writer gives it (see :func:`message_times`)."""

    message: Message
    time: datetime
    index: int

    @property
    def role(self) -> str:
        """The message's role."""
        return self.message.role

    @property
    def text(self) -> str:
        """The message's text."""
        return self.message.text


def timed(session: Session) -> list[Timed]:
    """The session's messages with their times and positions."""
    return [Timed(m, t, i) for i, (m, t) in
            enumerate(zip(session.messages, message_times(session), strict=True))]


def exchanges(items: Sequence[Timed]) -> Iterator[tuple[Timed | None, list[Timed]]]:
    """The thread as (prompt, what followed it until the next prompt); the first prompt is None
    when the thread starts with something else."""
    prompt: Timed | None = None
    after: list[Timed] = []
    started = False
    for item in items:
        if item.role == "user":
            if started:
                yield prompt, after
            prompt, after, started = item, [], True
        else:
            after.append(item)
            started = True
    if started:
        yield prompt, after


@dataclass(frozen=True, slots=True)
class ToolStep:
    """A tool message read as what a coding agent did: read, search, edit, run (or other)."""

    kind: str
    target: str
    result: str


_READ = re.compile(r"^Read (\S+)$")
_SEARCH = re.compile(r'^Searched for "([^"]*)".*?(?:\((\d+) match(?:es)?\))?$')
_EDIT = re.compile(r"^(?:Edited|Applied patch to) (\S+)(?: \((.*)\))?$")
_RUN = re.compile(r"^Ran ([^:]+): (.*)$", re.DOTALL)


def tool_step(text: str) -> ToolStep:
    """What a tool message describes (the demo's wording; anything else is ``other``)."""
    text = text.strip()
    if found := _READ.match(text):
        return ToolStep("read", found[1], f"(the {len(found[1]) * 7} lines of {found[1]})")
    if found := _SEARCH.match(text):
        matches = found[2] or "0"
        return ToolStep("search", found[1], f"Found {matches} matches")
    if found := _EDIT.match(text):
        return ToolStep("edit", found[1], f"Updated {found[1]} ({found[2] or 'changed'})")
    if found := _RUN.match(text):
        return ToolStep("run", found[1].strip(), found[2].strip())
    return ToolStep("other", text, text)


# --- files ---------------------------------------------------------------------------------------


def dump(value: Any) -> str:
    """Compact JSON, as the tools write it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def file_target(out: Path, name: str, fits: str | None = None) -> Path:
    """Where a one-file format goes: ``out`` itself, or ``out/name`` when ``out`` is a folder
    (or does not end with ``fits``, for formats recognised by their file name)."""
    if out.is_dir() or (fits is not None and not out.name.lower().endswith(fits)):
        path = out / name
    else:
        path = out
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def partial_path(path: Path) -> Path:
    """The temporary name a file is written under until it is complete."""
    return path.with_name(path.name + ".partial")


@contextlib.contextmanager
def replacing(path: Path, *, large: bool = False) -> Iterator[IO[str]]:
    """Write a text file under a temporary name; it takes ``path``'s place when complete.

    ``large``: a file streamed session after session (a bigger write buffer)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_path(path)
    try:
        with open(partial, "w", encoding="utf-8", newline="\n",
                  buffering=1 << 20 if large else -1) as handle:
            yield handle
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


@contextlib.contextmanager
def replacing_database(path: Path) -> Iterator[sqlite3.Connection]:
    """Build an SQLite file under a temporary name; it takes ``path``'s place when complete
    (committed and closed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_path(path)
    partial.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(partial)
        try:
            yield conn
            conn.commit()
        finally:
            conn.close()
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def committing(conn: sqlite3.Connection, items: Iterable[_T], every: int = 200) -> Iterator[_T]:
    """``items``, committing ``conn`` after every ``every`` of them (a big file is built in a
    few transactions, not one per row and not one in all)."""
    for n, item in enumerate(items, 1):
        yield item
        if n % every == 0:
            conn.commit()


def write_text(path: Path, text: str) -> None:
    """Write a whole small file at once (under a temporary name first)."""
    with replacing(path) as handle:
        handle.write(text)


def write_jsonl(path: Path, records: Sequence[dict[str, Any]]) -> None:
    """Write one JSON object per line."""
    with replacing(path) as handle:
        for record in records:
            handle.write(dump(record))
            handle.write("\n")


def write_array(out: IO[str], items: Iterator[Any]) -> None:
    """Stream a JSON array, one item at a time."""
    out.write("[")
    for i, item in enumerate(items):
        if i:
            out.write(",")
        out.write(dump(item))
    out.write("]")


def html_escape(text: str) -> str:
    """Text as HTML character data."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut_words(text: str, words: int) -> str:
    """The first ``words`` words of a one-line text."""
    return " ".join(text.split()[:words])
