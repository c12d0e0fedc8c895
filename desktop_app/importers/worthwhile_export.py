"""Worthwhile's own JSON export read back: a *format*, not a source.

``worthwhile export --format json`` writes ``{"format": "worthwhile-export", "version": 1,
"labels": [...], "reasons": [...], "sessions": [...]}``, one ``sessions --json`` object per
session (with ``"transcript"`` when exported with transcripts). Reading it gives
:class:`~desktop_app.domain.RestoredSession` objects: each session keeps the source, external id
and id it was exported with, and carries its rating. The file is streamed (one session in
memory at a time, whatever its size); keys may come in any order, so the version, labels and
reasons are taken as they pass by and checked again at the end. Not listed in the registry:
it is no source, and sessions restored from it keep their own.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any, BinaryIO

import ijson

from desktop_app.domain import (
    ROLES,
    Message,
    Rating,
    RestoredSession,
    Session,
    Verdict,
    make_session_id,
    parse_utc,
)
from desktop_app.importers.contract import FormatError, RecordTally, Report
from desktop_app.importers.registry import SOURCES
from desktop_app.importers.streams import json_reason, json_top_level, read_head

#: The value of the export's ``"format"`` key.
FORMAT = "worthwhile-export"
#: The newest export version this Worthwhile writes and reads.
VERSION = 1
#: What the import report calls it ("Recognised as").
DISPLAY_NAME = "Worthwhile export"
#: What the file is, for "supported formats" messages.
FORMAT_TEXT = "Worthwhile's own JSON export (restores sessions and ratings)"
#: Stored as the parser version of restored sessions: a later import of the tool's own file
#: (another parser) replaces them, unless the restored copy is newer by the tool's update time.
PARSER_VERSION = f"{FORMAT}-{VERSION}"

_MARK = f'"{FORMAT}"'.encode()
_LISTS = ("labels", "reasons")


def sniff(head: bytes, name: str) -> bool:
    """True for a JSON object whose ``"format"`` is ``"worthwhile-export"`` (any version)."""
    if _MARK not in head:
        return False
    kind, keys = json_top_level(head)
    return kind == "object" and "format" in keys and _head_format(head) == FORMAT


def _head_format(head: bytes) -> str | None:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    try:
        for prefix, event, value in ijson.parse(io.BytesIO(text)):
            if prefix == "format":
                return str(value) if event == "string" else None
    except Exception:  # a probe of a cut-off head: no format seen before the cut
        return None
    return None


class _BadRecordError(Exception):
    """One session object that cannot be restored (the reason is shown in the report)."""


class ExportReader:
    """Streams the sessions of an export file; iterate it once.

    ``labels`` and ``reasons`` (the person's lists, in their order) and ``version`` are filled
    in as the file is read; after the iteration they are complete. A newer version, a file
    that is no export or invalid JSON raise :class:`FormatError`; a session object that cannot
    be restored is reported as skipped (and when none can, that is an error too).
    """

    def __init__(self, stream: BinaryIO, name: str, report: Report) -> None:
        self.stream = stream
        self.name = name
        self.report = report
        self.version: int | None = None
        self.labels: list[str] = []
        self.reasons: list[str] = []
        self._saw_sessions = False
        self._format: str | None = None

    def __iter__(self) -> Iterator[RestoredSession]:
        tally = RecordTally(self.name, "sessions", self.report)
        count = 0
        head, stream = read_head(self.stream)
        if self._header_in(head):
            # Our own files: everything but the sessions comes first. The sessions are then
            # read by ijson's C code alone, about four times faster than through _watch.
            items = ijson.items(stream, "sessions.item", use_float=True)
        else:
            items = ijson.items(self._watch(ijson.parse(stream, use_float=True)),
                                "sessions.item")
        try:
            for obj in items:
                count += 1
                try:
                    item = restored_session(obj)
                except _BadRecordError as exc:
                    tally.skip(_what(obj, count), str(exc))
                    continue
                tally.ok()
                yield item
        except (ijson.JSONError, UnicodeDecodeError, ValueError, OverflowError) as exc:
            raise FormatError(self.name, json_reason(exc), f"session {count + 1}") from exc
        if self._format != FORMAT:
            raise FormatError(self.name, f'not a Worthwhile export (no "format": "{FORMAT}")')
        if self.version is None:
            raise FormatError(self.name, 'not a Worthwhile export: it has no "version"')
        if not self._saw_sessions:
            raise FormatError(self.name, 'not a Worthwhile export: it has no "sessions" list')
        tally.finish()

    def _header_in(self, head: bytes) -> bool:
        """Read the keys before ``"sessions"`` from the head; True when the sessions list
        begins in it (and the format, version and lists came before it)."""
        try:
            for prefix, event, _value in self._watch(ijson.parse(io.BytesIO(head))):
                if prefix == "sessions":
                    return event == "start_array" and self._format is not None and (
                        self.version is not None)
        except (ijson.JSONError, ValueError):  # cut by the end of the head, or invalid
            return False
        return False

    def _watch(self, events: Iterator[tuple[str, str, Any]]
               ) -> Iterator[tuple[str, str, Any]]:
        """Pass the events of ``"sessions"`` on; read the other top-level keys on the way."""
        builder: ijson.ObjectBuilder | None = None
        for prefix, event, value in events:
            if prefix == "sessions" or prefix.startswith("sessions."):
                if prefix == "sessions" and event == "start_array":
                    self._saw_sessions = True
                yield prefix, event, value
                continue
            if prefix == "":
                if event == "start_array":
                    raise FormatError(self.name, "not a Worthwhile export (a JSON array, "
                                                 "not an object)")
                continue
            top = prefix.split(".", 1)[0]
            if top == "version":
                self._set_version(value)
            elif top == "format":
                self._format = value if event == "string" else None
            elif top in _LISTS:
                builder = builder or ijson.ObjectBuilder()
                builder.event(event, value)
                if prefix == top and event not in ("start_array", "start_map"):
                    names = _names(builder.value)
                    setattr(self, top, names)
                    builder = None

    def _set_version(self, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise FormatError(self.name, f"not a Worthwhile export version: {value!r}")
        if value > VERSION:
            raise FormatError(
                self.name, f"written by a newer version of Worthwhile (export version {value}; "
                           f"this one reads version {VERSION}): update Worthwhile to import it")
        self.version = value


def _names(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return list(dict.fromkeys(v.strip() for v in value if isinstance(v, str) and v.strip()))


def _what(obj: Any, count: int) -> str:
    sid = obj.get("id") if isinstance(obj, dict) else None
    return f"session {count} ({sid})" if isinstance(sid, str) and sid else f"session {count}"


# --- one session object ------------------------------------------------------------------------


def _text(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        raise _BadRecordError(f'"{key}" is missing or not text')
    return value


def _opt_text(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    raise _BadRecordError(f'"{key}" is not text')


def _opt_int(obj: dict[str, Any], key: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _BadRecordError(f'"{key}" is not a whole number')
    return value


def _count(obj: dict[str, Any], key: str) -> int:
    value = _opt_int(obj, key) or 0
    if value < 0:
        raise _BadRecordError(f'"{key}" is negative')
    return value


def _opt_number(obj: dict[str, Any], key: str) -> float | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _BadRecordError(f'"{key}" is not a number')
    return float(value)


def _time(obj: dict[str, Any], key: str) -> datetime | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _BadRecordError(f'"{key}" is not a time')
    try:
        return parse_utc(value)
    except ValueError:
        raise _BadRecordError(f'"{key}" is not an ISO 8601 time: {value[:40]!r}') from None


def _message(entry: Any) -> Message:
    if not isinstance(entry, dict):
        raise _BadRecordError("a transcript entry is not a JSON object")
    role = entry.get("role")
    if role not in ROLES:
        raise _BadRecordError(f"a transcript entry has an unknown role: {role!r}")
    text = _opt_text(entry, "text")
    return Message(role=str(role), text=text or "", time=_time(entry, "time"),
                   model=_opt_text(entry, "model"))


def _rating(obj: dict[str, Any]) -> Rating:
    verdict = obj.get("verdict")
    if verdict not in (None, Verdict.USEFUL.value, Verdict.NOT_USEFUL.value):
        raise _BadRecordError(f'"verdict" is not "useful", "not_useful" or null: {verdict!r}')
    labels = obj.get("labels") or []
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise _BadRecordError('"labels" is not a list of text')
    return Rating(
        verdict=Verdict(verdict) if verdict else Verdict.UNRATED,
        minutes_saved=_opt_int(obj, "minutes_saved"),
        labels=tuple(dict.fromkeys(x.strip() for x in labels if x.strip())),
        reason=_opt_text(obj, "reason") or None,
        note=_opt_text(obj, "note") or None,
        rated_at=_time(obj, "rated_at"),
    )


def restored_session(obj: Any) -> RestoredSession:
    """One exported session object as a session and its rating (raises ``_BadRecordError``)."""
    if not isinstance(obj, dict):
        raise _BadRecordError("not a JSON object")
    source = _text(obj, "source")
    if source not in SOURCES:
        raise _BadRecordError(f"unknown source {source!r} (exported by a newer Worthwhile?)")
    external_id = _text(obj, "external_id")
    if make_session_id(source, external_id) != obj.get("id"):
        raise _BadRecordError('its "id" does not belong to its source and external_id')
    transcript = obj.get("transcript")
    if transcript is not None and not isinstance(transcript, list):
        raise _BadRecordError('"transcript" is not a list')
    messages = tuple(_message(m) for m in transcript or ())
    session = Session(
        source=source,
        external_id=external_id,
        title=_opt_text(obj, "title") or "",
        started_at=_time(obj, "started_at"),
        ended_at=_time(obj, "ended_at"),
        messages=messages,
        model=_opt_text(obj, "model"),
        tokens_in=_opt_int(obj, "tokens_in"),
        tokens_out=_opt_int(obj, "tokens_out"),
        # "cost" is the price table's; the cost the session was stored with (a tool's own,
        # Aider's) is "stored_cost" in exports that have it.
        cost=_opt_number(obj, "stored_cost" if "stored_cost" in obj else "cost"),
        project=_opt_text(obj, "project"),
        hidden_branches=_count(obj, "hidden_branches"),
        tool_feedback=_opt_text(obj, "tool_feedback"),
        tool_name=_opt_text(obj, "tool_name"),
        updated_at=_time(obj, "updated_at"),
        tokens_uncached=_opt_int(obj, "tokens_uncached"),
        tokens_cache_write=_opt_int(obj, "tokens_cache_write"),
        tokens_cache_read=_opt_int(obj, "tokens_cache_read"),
    )
    no_text = obj.get("no_text") is True
    if transcript is not None:
        return RestoredSession(session, _rating(obj), True, len(messages),
                               session.user_message_count, no_text)
    return RestoredSession(session, _rating(obj), False, _count(obj, "messages"),
                           _count(obj, "user_messages"), no_text)
