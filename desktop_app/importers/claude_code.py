"""Claude Code transcripts: ``~/.claude/projects/<slug>/<session>.jsonl`` and their subagents.

The files of an import are read as one group, because sessions span files: subagent files
(``<session>/subagents/agent-*.jsonl``, or ``agent-*.jsonl`` beside the session in 2.0.x) add
their tokens to the parent session but no turns; a resumed or forked session replays earlier
records (same ``uuid``) into a new file under its new session id: a replayed record belongs to
the session that first had it (the one its ``forkedFrom`` names, in 2.1.x forks; else files are
read oldest first), its tokens counted there once; and one session id can have lines in the
files of several project folders (a resume from another folder, a stray copy): they make one
session. The group is read in parts: the files of a project folder, joined with those of every
other folder that shares a session id with it (found by a quick scan of the bytes to read). A
part whose files only grew is read from where the last import stopped; a part with a new file
is read again whole; a part with no change is not read at all.

One API response is written as several lines that share ``message.id`` and ``requestId``, also
around the results of its own tool calls (parallel calls): one transcript entry, its usage
counted once (the largest ``output_tokens``). A prompt typed while Claude is busy is written as
a ``queue-operation`` enqueue record; it is the person's prompt, shown where it was typed,
unless the same text is sent later as an ordinary prompt record (then that one stands for it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from desktop_app.domain import Message, Session, StoredForm, make_session_id, utc_iso
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
    Found,
    Places,
    found_folder,
    jsonl_file,
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
    as_str,
    cut,
    from_iso,
    title_from,
)

SOURCE = "claude-code"
FORMAT = "Claude Code transcripts (~/.claude/projects/…/*.jsonl, or a project folder)"
VERSION = "4"  # 4: the input token split (uncached, cache write, cache read)

#: Record types of Claude Code transcripts (``sniff`` looks for one with a ``sessionId``).
RECORD_TYPES = frozenset({
    "user", "assistant", "system", "summary", "progress", "file-history-snapshot",
    "queue-operation", "attachment", "custom-title", "ai-title",
})

_NOT_PROMPTS = (
    "<command-name>", "<command-message>", "<command-args>", "<local-command-stdout>",
    "<local-command-stderr>", "<local-command-caveat>", "<bash-input>", "<bash-stdout>",
    "<bash-stderr>", "[Request interrupted by user", "Caveat: The messages below were generated",
    "<task-notification>", "[SYSTEM NOTIFICATION",  # the harness: a background task ended
)
_HIDDEN = ("<system-reminder>", "<ide_opened_file>", "<ide_selection>", "<environment_context>",
           "<user-prompt-submit-hook>")


def sniff(head: bytes, name: str) -> bool:
    """JSONL whose records carry a Claude Code ``sessionId`` and record ``type`` (or a Claude
    Code web session: ``{"loglines": [...]}``)."""
    if _is_loglines(head):
        return True
    for record in head_records(head):
        kind = record.get("type")
        message = record.get("message")
        has_session = isinstance(record.get("sessionId"), str)
        if kind in RECORD_TYPES and has_session and (
                "uuid" in record or "message" in record or kind in ("custom-title", "ai-title")):
            return True
        if kind == "summary" and "leafUuid" in record:
            return True
        if not isinstance(message, dict):
            continue
        # Minimal shapes of other tools' fixtures: no ids, or usage-only records (ccusage).
        if kind in ("user", "assistant") and ("content" in message or "usage" in message):
            return True
        if kind is None and has_session and message.get("role") in ("user", "assistant") \
                and "requestId" in record:
            return True
    return _long_first_line(head)


_TYPE_KEY = re.compile(rb'"type":\s*"(user|assistant|progress|system|summary)"')


def _long_first_line(head: bytes) -> bool:
    """A first line longer than the head (a big pasted prompt or tool result): judged by keys."""
    if b"\n" in head.rstrip(b"\n") or not head.lstrip().startswith(b"{"):
        return False
    return b'"sessionId":' in head and b'"uuid":' in head and bool(_TYPE_KEY.search(head))


def _is_loglines(head: bytes) -> bool:
    if not head.lstrip().startswith(b"{"):
        return False
    kind, keys = json_top_level(head)
    return kind == "object" and keys[:1] == ["loglines"]


def _loglines(stream: BinaryIO, name: str, tally: RecordTally) -> Iterator[dict[str, Any]]:
    for n, record in enumerate(iter_json(stream, name, "loglines.item"), 1):
        if isinstance(record, dict):
            tally.ok()
            yield record
        else:
            tally.skip(f"log line {n}", "not a JSON object")


def group_key(path: str) -> str:
    """One group for all the Claude Code files of an import, whatever their folder: a session
    id can have lines in the files of several project folders (or of two copies of
    ``~/.claude``), and they make one session. The group is read in parts (see
    :func:`parse_group`)."""
    del path
    return "Claude Code transcripts"


def project_of(path: str) -> str:
    """The project folder: ``<slug>`` for ``<slug>/<id>.jsonl`` and ``<slug>/<id>/subagents/*``."""
    parent = os.path.dirname(path)
    if os.path.basename(parent) == "subagents":
        return os.path.dirname(os.path.dirname(parent))
    return parent


def _is_subagent_file(path: str) -> bool:
    return os.path.basename(os.path.dirname(path)) == "subagents" or \
        os.path.basename(path).startswith("agent-")


# --- one session being built ---------------------------------------------------------------------


#: One entry of a session's thread: role, text, time, model. The time may be the record's
#: ``timestamp`` string as read (see :func:`_read_time`), made a time again when the session is
#: handed on: a worker's result pickles strings several times faster than times.
_Entry = tuple[str, str, "datetime | str | None", "str | None"]

_fromisoformat = datetime.fromisoformat


def _read_time(value: Any) -> tuple[datetime | None, datetime | str | None]:
    """A record's time (:func:`from_iso`), and what an entry keeps of it: the string itself
    when ``datetime.fromisoformat`` reads it as that time (the usual ``…T…Z``), else the time."""
    if type(value) is str and value[10:11] == "T":  # as from_iso's first try
        try:
            moment = _fromisoformat(value)
        except ValueError:
            pass
        else:
            if moment.tzinfo is UTC:  # what from_iso gives for it too
                return moment, value
    other = from_iso(value)
    return other, other


def _when(time: datetime | str | None) -> datetime | None:
    """The time of an entry."""
    return _fromisoformat(time) if type(time) is str else time  # type: ignore[return-value]


#: Responses whose entry a later line can still add to (a response goes on around the results of
#: its own tool calls, never after the next one has started; a few are kept to be safe).
_OPEN_RESPONSES = 8
#: Queued prompts remembered until their fate is known (sent as a record, or delivered).
_QUEUE_KEPT = 20


@dataclass
class _Building:
    sid: str
    entries: list[_Entry] = field(default_factory=list)
    #: response key -> index of its entry, for the latest responses
    open: dict[str, int] = field(default_factory=dict)
    #: prompts typed while Claude was busy: [text, time, "open" | "sent"]; an open one is
    #: replaced by the ordinary prompt record that may follow (the same text)
    queued: list[list[str]] = field(default_factory=list)
    usage: dict[str, list[int]] = field(default_factory=dict)
    models: dict[str, list[int]] = field(default_factory=dict)
    custom: str | None = None
    ai: str | None = None
    summary: str | None = None
    first_prompt: str | None = None
    cwd: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    touched: bool = False
    #: the ``uuid`` of each record this session has (a replay of one later is not read again)
    uuids: list[str] = field(default_factory=list)

    #: the entries as columns (roles, texts, times, models), once the session has been read in
    #: a worker process (pickled and unpickled faster than a tuple each); then only
    #: :meth:`session` reads them
    packed: tuple[tuple[Any, ...], ...] | None = None
    #: The session's stored form, worked out in the worker process that read it (so that the
    #: writing process need not): see :class:`~desktop_app.domain.StoredForm`
    stored_form: StoredForm | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["packed"] = tuple(zip(*self.entries, strict=True)) if self.entries else None
        state["entries"] = []
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def has_entries(self) -> bool:
        return bool(self.entries or self.packed)

    def at(self, moment: datetime | None) -> None:
        if moment is None:
            return
        if self.start is None or moment < self.start:
            self.start = moment
        if self.end is None or moment > self.end:
            self.end = moment

    def add_usage(self, key: str, tokens_in: int, tokens_out: int, cache_write: int = 0,
                  cache_read: int = 0) -> None:
        seen = self.usage.get(key)
        if seen is None:
            self.usage[key] = [tokens_in, tokens_out, cache_write, cache_read]
        else:  # a later line of the same response: the final count is the largest
            for i, n in enumerate((tokens_in, tokens_out, cache_write, cache_read)):
                seen[i] = max(seen[i], n)

    def remove_entry(self, index: int) -> None:
        del self.entries[index]
        self.open = {k: i - (i > index) for k, i in self.open.items() if i != index}

    def queue(self, text: str, moment: datetime | None) -> None:
        """A prompt typed while Claude was busy: an entry now, maybe replaced later."""
        self.entries.append(("user", text, moment, None))
        self.queued.append([text, utc_iso(moment) or "", "open"])
        del self.queued[:-_QUEUE_KEPT]
        if self.first_prompt is None:
            self.first_prompt = _visible_rest(text) or text

    def unqueue(self, text: str) -> bool:
        """An ordinary prompt record with the text of an open queued prompt: that prompt was
        sent now, so its entry goes (True when there was one)."""
        for n, (queued, stamp, status) in enumerate(self.queued):
            if status == "open" and queued == text:
                del self.queued[n]
                self._drop_queued_entry(queued, stamp)
                return True
        return False

    def _drop_queued_entry(self, text: str, stamp: str) -> None:
        for index in range(len(self.entries) - 1, -1, -1):
            role, entry_text, time, _model = self.entries[index]
            if role == "user" and entry_text == text and \
                    (utc_iso(_when(time)) or "") == stamp:  # as stored: whole seconds
                self.remove_entry(index)
                return

    def queue_sent(self, text: str | None) -> None:
        """A queued prompt handed to Claude mid-turn (``remove``): no prompt record follows."""
        for item in self.queued:
            if item[2] == "open" and (text is None or item[0] == text):
                item[2] = "sent"
                return

    def queue_taken_back(self) -> None:
        """The queued prompts went back into the input box (``popAll``): not sent as typed."""
        for text, stamp, status in self.queued:
            if status == "open":
                self._drop_queued_entry(text, stamp)
        self.queued = [q for q in self.queued if q[2] != "open"]

    def delivered(self, text: str) -> bool:
        """A ``queued_command`` attachment: True when it is a prompt queued here already."""
        for n, (queued, _stamp, _status) in enumerate(self.queued):
            if queued == text:
                del self.queued[n]
                return True
        return False

    def merge_usage(self, other: _Building) -> None:
        for key, counts in other.usage.items():
            self.add_usage(key, *counts)

    def state(self) -> dict[str, Any]:
        return {
            "usage": self.usage, "models": self.models, "open": self.open,
            "queued": self.queued, "custom": self.custom, "ai": self.ai,
            "summary": self.summary, "first_prompt": self.first_prompt, "cwd": self.cwd,
            "start": utc_iso_ms(self.start), "end": utc_iso_ms(self.end),
            "uuids": self.uuids,
        }

    @classmethod
    def from_state(cls, sid: str, state: dict[str, Any], messages: list[Message]) -> _Building:
        b = cls(sid)
        usage = as_dict(state.get("usage"))
        b.usage = {str(k): [as_int(n) or 0 for n in v] for k, v in usage.items()
                   if isinstance(v, list) and len(v) == 4}
        models = as_dict(state.get("models"))
        b.models = {str(k): [as_int(v[0]) or 0, as_int(v[1]) or 0] for k, v in models.items()
                    if isinstance(v, list) and len(v) == 2}
        b.open = {str(k): i for k, v in as_dict(state.get("open")).items()
                  if (i := as_int(v)) is not None}
        queued = state.get("queued")
        b.queued = [[str(x) for x in q] for q in queued if isinstance(q, list) and len(q) == 3] \
            if isinstance(queued, list) else []
        for attr in ("custom", "ai", "summary", "first_prompt", "cwd"):
            setattr(b, attr, as_str(state.get(attr)))
        uuids = state.get("uuids")
        b.uuids = [u for u in uuids if isinstance(u, str)] if isinstance(uuids, list) else []
        b.start = from_iso(state.get("start"))
        b.end = from_iso(state.get("end"))
        b.entries = [(m.role, m.text, m.time, m.model) for m in messages]
        return b

    def _columns(self) -> tuple[tuple[Any, ...], ...]:
        """The entries as columns: roles, texts, times (see :data:`_Entry`), models."""
        return self.packed or (tuple(zip(*self.entries, strict=True)) or ((), (), (), ()))

    def _session(self, messages: tuple[Message, ...]) -> Session:
        title = self.custom or self.ai or self.summary or title_from(self.first_prompt) or \
            "Claude Code session"
        model = None
        if self.models:  # most entries; ties go to the one used latest
            model = max(self.models.items(), key=lambda kv: (kv[1][0], kv[1][1]))[0]
        tokens_in = tokens_out = write = read = None
        if self.usage:  # the four counts of every response, added up column by column
            tokens_in, tokens_out, write, read = map(sum, zip(*self.usage.values(), strict=True))
        uncached = None if tokens_in is None else tokens_in - (write or 0) - (read or 0)
        return Session(source=SOURCE, external_id=self.sid, title=title, started_at=self.start,
                       ended_at=self.end, messages=messages, model=model, tokens_in=tokens_in,
                       tokens_out=tokens_out, project=self.cwd, tokens_uncached=uncached,
                       tokens_cache_write=write, tokens_cache_read=read,
                       stored_form=self.stored_form)

    def session(self) -> Session:
        roles, texts, times, models = self._columns()
        moments = [_fromisoformat(t) if type(t) is str else t for t in times]  # _read_time
        return self._session(tuple(map(Message, roles, texts, moments, models)))

    def work_out_stored_form(self, parser_version: str) -> StoredForm:
        """The stored form of :meth:`session` (message times as stored, content hash), worked
        out from the columns without making the messages (in the worker that read them)."""
        roles, texts, times, models = self._columns()
        stored = tuple(map(_stored_time, times))
        header = self._session(())
        return StoredForm(parser_version, stored, header.content_hash(
            parser_version, stored, columns=(roles, texts, models)))


#: A record time whose first 19 characters are what the store keeps of it (``utc_iso``):
#: seconds, a fraction datetime reads exactly, UTC.
_STORED_AS_IS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|\+00:00)")


def _stored_time(when: datetime | str | None) -> str | None:
    """An entry's time as the store keeps it (``utc_iso``), from what the entry kept."""
    if isinstance(when, str):
        if _STORED_AS_IS.fullmatch(when):
            return when[:19] + "Z"
        return utc_iso(_fromisoformat(when))
    return utc_iso(when)


def utc_iso_ms(moment: datetime | None) -> str | None:
    """A time for a saved state (microseconds kept, unlike :func:`utc_iso`)."""
    return None if moment is None else moment.isoformat()


# --- reading records -----------------------------------------------------------------------------


def _block_text(block: Any) -> str:
    if not isinstance(block, dict):
        return block if isinstance(block, str) else ""
    kind = block.get("type")
    if kind == "text":
        return str(block.get("text") or "")
    if kind == "thinking":
        thinking = str(block.get("thinking") or "").strip()
        return f"[thinking] {thinking}" if thinking else ""
    if kind == "redacted_thinking":
        return "[thinking]"
    if kind == "tool_use":
        return f"[tool {block.get('name') or 'tool'}] {_tool_input(block.get('input'))}".rstrip()
    if kind == "tool_result":
        return _tool_result(block)
    if kind == "image":
        return "[image]"
    if kind == "document":
        return "[document]"
    return f"[{kind}]" if isinstance(kind, str) and kind else ""


_TOOL_INPUT_KEYS = ("command", "file_path", "path", "pattern", "url", "query", "description",
                    "prompt")


def _tool_input(value: Any) -> str:
    if isinstance(value, dict):
        for key in _TOOL_INPUT_KEYS:
            text = value.get(key)
            if text and isinstance(text, str):
                return text if len(text) <= 200 else cut(text, 200)
    return ""


def _tool_result(block: dict[str, Any]) -> str:
    content = block.get("content")
    if isinstance(content, list):
        text = "\n".join(_block_text(b) for b in content)
    else:
        text = str(content) if content is not None else ""
    prefix = "[tool error] " if block.get("is_error") is True else "[tool result] "
    return prefix + cut(text.strip(), TOOL_TEXT)



class _Group:
    """The sessions of one part of a projects folder while its files are read."""

    def __init__(self, name: str, report: Report, checkpoints: Checkpoints | None) -> None:
        self.name = name
        self.report = report
        self.checkpoints = checkpoints
        self.sessions: dict[str, _Building] = {}
        self.uuids: dict[str, str] = {}  # uuid -> session that first had it
        self.owned: dict[str, list[str]] = {}  # session -> the uuids it had first, in order
        self.usage_owner: dict[str, str] = {}  # response key -> session it counts toward
        self.summaries: list[tuple[str, str, str]] = []  # leafUuid, text, session of the file
        self.subagent_only: set[str] = set()
        self.mentions: dict[str, set[str]] = {}  # file path -> the session ids its lines name
        self.names: dict[str, str] = {}  # model names, one string each
        self.resume = False

    def building(self, sid: str) -> _Building:
        found = self.sessions.get(sid)
        if found is None:
            if self.resume:
                saved = self.checkpoints.load(make_session_id(SOURCE, sid)) \
                    if self.checkpoints else None
                if saved is None:
                    raise _NeedFullReadError
                found = _Building.from_state(sid, *saved)
                for uuid in found.uuids:
                    if uuid not in self.uuids:
                        self.own(uuid, sid)
            else:
                found = _Building(sid)
            self.sessions[sid] = found
        found.touched = True
        return found

    def known(self, sid: str) -> _Building | None:
        """The session if it has records already (read here, or saved by an earlier import)."""
        if sid in self.sessions or self.resume:
            return self.building(sid)
        return None

    def read(self, stream: BinaryIO, file: GroupFile, sidechain_file: bool) -> None:
        if file.start == 0:
            head, stream = read_head(stream)
            if _is_loglines(head):  # a Claude Code web session: one JSON document
                tally = RecordTally(file.name, "log line", prefixed(self.report, file.name))
                self.records(_loglines(stream, file.name, tally), file, False)
                file.end = file.size
                tally.finish()
                return
        tally = RecordTally(file.name, "line", prefixed(self.report, file.name))
        reader = LineReader(stream, file.name, tally, file.start)
        self.records(reader, file, sidechain_file)
        file.end = reader.end
        tally.finish()

    def records(self, records: Iterable[dict[str, Any]], file: GroupFile,
                sidechain_file: bool) -> None:
        default_sid = _default_session(file.path)
        first = len(self.summaries)
        file_sid = ""
        mention = self.mentions.setdefault(file.path, set()).add
        assistant = self.assistant
        user = self.user
        progress = self.progress
        other = self.other
        last = None
        for record in records:
            named = record.get("sessionId")
            if not isinstance(named, str):
                named = None
            # A fork's copy of an earlier record belongs to the session it was copied from.
            sid = ("forkedFrom" in record and _copied_from(record)) or named or default_sid
            kind = record.get("type")
            if kind == "assistant":
                sid = assistant(record, sid, sidechain_file)
            elif kind == "user":
                sid = user(record, sid, sidechain_file)
            elif kind == "progress":
                sid = progress(record, sid)
            else:
                sid = other(record, kind, sid, default_sid, sidechain_file)
            if named and named != last:
                mention(named)  # a replayed or stray line too: it ties files together
                last = named
            if sid:
                if not file_sid and _copied_from(record) is None:
                    file_sid = sid
                if sid is not named:
                    mention(sid)
        if file_sid:  # summaries whose leaf is unknown name the file's own session
            self.summaries[first:] = [(leaf, text, file_sid)
                                      for leaf, text, _ in self.summaries[first:]]

    def other(self, record: dict[str, Any], kind: Any, sid: str, default_sid: str,
              sidechain_file: bool) -> str:
        """A record other than a prompt or a response (see :meth:`message`)."""
        if kind == "summary":
            text = as_str(record.get("summary"))
            if text:
                self.summaries.append((str(record.get("leafUuid") or ""), text, default_sid))
            return ""
        if kind in ("custom-title", "ai-title"):
            title = as_str(record.get("customTitle")) or as_str(record.get("aiTitle")) or \
                as_str(record.get("title"))
            if title:
                b = self.building(sid)
                if kind == "custom-title":
                    b.custom = title
                else:
                    b.ai = title
                return sid
            return ""
        if kind == "progress":
            return self.progress(record, sid)
        if kind in ("queue-operation", "attachment"):
            if sidechain_file or record.get("isSidechain") is True:
                return ""  # a subagent's queue: not the person's
            if kind == "attachment":
                return "" if self.replayed(record, sid) else self.attachment(record, sid)
            return self.queue_operation(record, sid)
        message = record.get("message")
        if kind is None and isinstance(message, dict):
            kind = message.get("role")  # usage-only records of old versions have no type
        if kind not in ("user", "assistant"):
            return ""
        return self.message(record, kind, sid, sidechain_file)

    def message(self, record: dict[str, Any], kind: str, sid: str, sidechain_file: bool) -> str:
        """A prompt, a tool result or a response (``kind`` "user" or "assistant")."""
        if kind == "assistant":
            return self.assistant(record, sid, sidechain_file)
        return self.user(record, sid, sidechain_file)

    def replayed(self, record: dict[str, Any], sid: str) -> bool:
        """A record read before (same ``uuid``): replayed by a resume or fork, or written
        again after a compaction; the session that first had it keeps it."""
        return self.take(record, sid)[0]

    def take(self, record: dict[str, Any], sid: str) -> tuple[bool, str | None]:
        """Whether a record was read before (see :meth:`replayed`), and its ``uuid`` (None
        without one); a record not read before is session ``sid``'s from now on."""
        uuid = record.get("uuid")
        if not isinstance(uuid, str) or not uuid:
            return False, None
        if self.resume:
            self.known(sid)  # the uuids it had when last read
        if uuid in self.uuids:
            return True, uuid
        self.own(uuid, sid)
        return False, uuid

    def own(self, uuid: str, sid: str) -> None:
        """Session ``sid`` is the first to have record ``uuid``."""
        self.uuids[uuid] = sid
        owned = self.owned.get(sid)
        if owned is None:
            self.owned[sid] = [uuid]
        else:
            owned.append(uuid)

    def queue_operation(self, record: dict[str, Any], sid: str) -> str:
        """A prompt typed while Claude is busy, and what became of it.

        ``enqueue`` holds the prompt: an entry where it was typed. ``dequeue``: it is sent
        as an ordinary prompt record next (that record replaces the entry). ``remove``: it was
        handed to Claude mid-turn (no prompt record follows). ``popAll``: it went back into the
        input box (the entry goes; what is sent comes as a prompt record).
        """
        operation = record.get("operation")
        if operation == "enqueue" or (operation is None and "content" in record):
            text = _queued_prompt(record.get("content"))
            if text is not None:
                b = self.building(sid)
                moment = from_iso(record.get("timestamp"))
                b.at(moment)
                b.queue(text, moment)
            return sid
        known = self.known(sid) if operation in ("remove", "popAll") else None
        if known is not None and operation == "remove":
            known.queue_sent(_queued_prompt(record.get("content"))
                             if "content" in record else None)
        elif known is not None:
            known.queue_taken_back()
        return sid

    def attachment(self, record: dict[str, Any], sid: str) -> str:
        """A ``queued_command`` attachment: a queued prompt handed to Claude mid-turn."""
        data = as_dict(record.get("attachment"))
        if data.get("type") != "queued_command":
            return ""
        kind = as_dict(data.get("origin")).get("kind")
        text = _queued_prompt(data.get("prompt"))
        if text is None or kind not in (None, "human"):
            return ""  # harness text, or queued by a program
        b = self.building(sid)
        if b.delivered(text):
            return sid  # its enqueue record made the entry
        moment = from_iso(record.get("timestamp")) or from_iso(data.get("timestamp"))
        b.at(moment)
        b.entries.append(("user", text, moment, None))
        if b.first_prompt is None:
            b.first_prompt = _visible_rest(text) or text
        return sid

    def progress(self, record: dict[str, Any], sid: str) -> str:
        """A subagent's response mirrored into the parent's file: its usage only.

        It carries the same ``message.id`` and ``requestId`` as the line in the subagent's own
        file, so whichever is read first counts and the other is the same response again.
        """
        data = record.get("data")
        if not isinstance(data, dict) or data.get("type") != "agent_progress":
            return ""
        inner = as_dict(data.get("message"))
        message = as_dict(inner.get("message"))
        usage = message.get("usage")
        msg_id = as_str(message.get("id"))
        if inner.get("type") != "assistant" or not isinstance(usage, dict) or not msg_id:
            return ""
        self.add_usage(sid, f"{msg_id}|{as_str(inner.get('requestId')) or ''}", usage)
        return sid

    def add_usage(self, sid: str, key: str, usage: dict[str, Any],
                  b: _Building | None = None) -> None:
        """A response's usage, counted toward the session that first had the response
        (``b``: session ``sid``, when the caller has it already)."""
        fresh = _tokens(usage.get("input_tokens"))
        write = _tokens(usage.get("cache_creation_input_tokens"))
        read = _tokens(usage.get("cache_read_input_tokens"))
        tokens_out = _tokens(usage.get("output_tokens"))
        tokens_in = fresh + write + read
        owner = self.usage_owner.setdefault(key, sid)
        counted = (b if b is not None and owner == sid else self.building(owner)).usage
        seen = counted.get(key)
        if seen is None:
            counted[key] = [tokens_in, tokens_out, write, read]
        else:  # a later line of the same response: the final count is the largest
            if tokens_in > seen[0]:
                seen[0] = tokens_in
            if tokens_out > seen[1]:
                seen[1] = tokens_out
            if write > seen[2]:
                seen[2] = write
            if read > seen[3]:
                seen[3] = read

    def assistant(self, record: dict[str, Any], sid: str, sidechain_file: bool) -> str:
        """A line of a response (an API response is written as several lines)."""
        message = record.get("message")
        if not isinstance(message, dict):
            return ""
        replayed, uuid = self.take(record, sid)
        if replayed:
            return ""
        sidechain = sidechain_file or record.get("isSidechain") is True
        msg_id = message.get("id")
        if isinstance(msg_id, str) and msg_id:
            request = record.get("requestId")
            key = f"{msg_id}|{request}" if isinstance(request, str) else f"{msg_id}|"
        else:  # without a message id, a line is a response of its own (of this session only)
            key = f"u|{uuid}" if uuid else f"t|{sid}|{record.get('timestamp')}"
        b = self.sessions.get(sid)
        if b is None:
            if sidechain:
                self.subagent_only.add(sid)
            b = self.building(sid)
        else:
            b.touched = True  # as :meth:`building` does
        usage = message.get("usage")
        if isinstance(usage, dict):
            self.add_usage(sid, key, usage, b)
        if sidechain:
            return sid
        moment, when = _read_time(record.get("timestamp"))
        if moment is not None:
            if b.start is None or moment < b.start:
                b.start = moment
            if b.end is None or moment > b.end:
                b.end = moment
        if b.cwd is None:
            b.cwd = as_str(record.get("cwd"))
        content = message.get("content")
        if type(content) is not list:
            text = _block_text(content).strip()
        elif len(content) == 1:
            text = _block_text(content[0]).strip()
        else:
            text = "\n\n".join(t for t in (_block_text(x).strip() for x in content) if t)
        if not text and "content" not in message:
            return sid  # a usage-only record: counted above, nothing to show
        entries = b.entries
        index = b.open.get(key)
        if index is not None and index < len(entries):
            role, before, time, model = entries[index]
            if role == "assistant":  # a later line of a response: also after its tools' results
                if text:
                    entries[index] = (role, f"{before}\n\n{text}" if before else text, time,
                                      model)
                return sid
        model = message.get("model")
        if not isinstance(model, str) or not model or model == "<synthetic>":
            model = None
        else:
            model = self.names.setdefault(model, model)  # one string each (pickled once)
        entries.append(("assistant", text, when, model))
        opened = b.open  # the last entry is the response key's, while it is one of the latest
        opened[key] = len(entries) - 1
        while len(opened) > _OPEN_RESPONSES:
            del opened[next(iter(opened))]
        if model:
            count = b.models.get(model)
            if count is None:
                b.models[model] = [1, len(entries)]
            else:
                count[0] += 1
                count[1] = len(entries)
        return sid

    def user(self, record: dict[str, Any], sid: str, sidechain_file: bool) -> str:
        """A prompt, a tool's result, or the harness's text."""
        message = record.get("message")
        if not isinstance(message, dict):
            return ""
        if self.take(record, sid)[0]:
            return ""
        if sidechain_file or record.get("isSidechain") is True or record.get("isMeta") is True:
            return sid
        content = message.get("content")
        if type(content) is list and len(content) != 1:
            has_result = any(as_dict(x).get("type") == "tool_result" for x in content)
            text = _joined(content)
        else:
            block = content[0] if type(content) is list else content
            has_result = type(block) is dict and block.get("type") == "tool_result"
            text = _block_text(block).strip()
        if not text:
            return sid
        b = self.sessions.get(sid)
        if b is None:
            b = self.building(sid)
        else:
            b.touched = True  # as :meth:`building` does
        moment, when = _read_time(record.get("timestamp"))
        if moment is not None:
            if b.start is None or moment < b.start:
                b.start = moment
            if b.end is None or moment > b.end:
                b.end = moment
        if b.cwd is None:
            b.cwd = as_str(record.get("cwd"))
        if has_result:
            role = "tool"
        elif record.get("isCompactSummary") is True:
            role, text = "system", f"[compaction summary] {text}"
        elif text.startswith(_HIDDEN) and not _visible_rest(text):
            return sid
        elif text.startswith(_NOT_PROMPTS) or record.get("promptSource") == "system":
            role = "system"  # the harness's, not the person's
        else:
            role = "user"
            b.unqueue(text)  # typed while Claude was busy and sent now: this record stands
            b.open.clear()  # a new turn: earlier responses are complete
            if b.first_prompt is None:
                b.first_prompt = _visible_rest(text) or text
        b.entries.append((role, text, when, None))
        return sid

    def finish(self) -> None:
        for leaf, text, file_sid in self.summaries:
            sid = self.uuids.get(leaf) or file_sid
            if sid in self.sessions or not self.resume:
                b = self.sessions.get(sid)
                if b is not None:
                    b.summary = text
                    b.touched = True


_MAX_TOKENS = 10**15


def _tokens(value: Any) -> int:
    """A token count (0 when missing or not a count)."""
    if type(value) is int and 0 <= value <= _MAX_TOKENS:
        return value  # the usual case, without as_int's conversions
    return as_int(value) or 0


class _NeedFullReadError(Exception):
    """A grown file touches a session with no saved state: read its part whole again."""


def _copied_from(record: dict[str, Any]) -> str | None:
    """The session a record was copied from, for the copies that start a fork (2.1.x
    ``--fork-session`` and ``/branch``: ``forkedFrom: {sessionId, messageUuid}``)."""
    forked = record.get("forkedFrom")
    if not isinstance(forked, dict):
        return None
    source = as_str(forked.get("sessionId"))
    return source if source and source != record.get("sessionId") else None


def _joined(blocks: list[Any]) -> str:
    """The text of a user record's content blocks."""
    return "\n".join(t for t in (_block_text(x).strip() for x in blocks) if t).strip()


_SLASH_COMMAND = re.compile(r"/[A-Za-z][\w.:-]*(?:\s|$)")


def _queued_prompt(content: Any) -> str | None:
    """The text of a queued prompt, or None when it is not the person's prompt: empty, a
    slash command (written as a command record when it runs), or the harness's own text
    (``<task-notification>`` when a background task ends, reminders)."""
    text = _joined(content if isinstance(content, list) else [content])
    if not text or _SLASH_COMMAND.match(text) or text.startswith(_NOT_PROMPTS):
        return None
    if text.startswith(_HIDDEN) and not _visible_rest(text):
        return None
    return text


def _visible_rest(text: str) -> str:
    """The text outside injected ``<system-reminder>``-style blocks."""
    rest = text
    for tag in ("system-reminder", "ide_opened_file", "ide_selection", "environment_context",
                "user-prompt-submit-hook"):
        while f"<{tag}>" in rest:
            before, _, after = rest.partition(f"<{tag}>")
            _, _, after = after.partition(f"</{tag}>")
            rest = before + after
    return rest.strip()


def _default_session(path: str) -> str:
    p = Path(path)
    if p.parent.name == "subagents":
        return p.parent.parent.name
    return p.stem


def _first_time(path: str) -> str:
    """The first timestamp in a file's head (files are read oldest first)."""
    try:
        with open(path, "rb") as raw:
            head = raw.read(16384)
    except OSError:
        return ""
    for record in head_records(head):
        stamp = as_str(record.get("timestamp"))
        if stamp:
            return stamp
    return ""


def _order(files: list[GroupFile]) -> list[GroupFile]:
    """Oldest first: by first time, then last written; a resume's file starts with the times
    of the file it resumes and holds more (the smaller goes first when both were written
    together, as after a restore from a backup)."""
    def key(f: GroupFile) -> tuple[bool, str, float, int, str]:
        try:
            mtime = os.stat(f.path).st_mtime
        except OSError:
            mtime = 0.0
        return (_is_subagent_file(f.path), _first_time(f.path), mtime, f.size, f.path)
    return sorted(files, key=key)


# --- a projects folder in parts ------------------------------------------------------------------

_SESSION_ID = re.compile(rb'"sessionId"\s*:\s*"([^"\\]*)"')
_SCAN_CHUNK = 1 << 20


def _scan_sessions(where: tuple[str, int]) -> set[str]:
    """The session ids named in a file from byte ``start`` (a quick look at the bytes, without
    parsing them; an escaped id inside a quoted text does not match)."""
    path, start = where
    found: set[bytes] = set()
    try:
        with open(path, "rb") as raw:
            raw.seek(start)
            rest = b""
            while chunk := raw.read(_SCAN_CHUNK):
                data = rest + chunk
                cut = data.rfind(b"\n") + 1
                found.update(_SESSION_ID.findall(data, 0, cut))
                rest = data[cut:]
            found.update(_SESSION_ID.findall(rest))
    except OSError:
        pass  # reading it reports the error
    return {raw_id.decode("utf-8", "replace") for raw_id in found}


def _sessions_named(f: GroupFile, ids: set[str]) -> set[str]:
    """The (stored) ids of the sessions a file has lines of: as remembered, plus those named
    in the bytes still to read (``ids``: :func:`_scan_sessions` of them)."""
    named = set(f.sessions)
    if f.changed:
        ids = set(ids)
        ids.add(_default_session(f.path))  # lines without a session id belong to this one
        named.update(make_session_id(SOURCE, sid) for sid in ids)
    return named


def _parts(files: list[GroupFile]) -> list[list[GroupFile]]:
    """A projects folder's files in parts read together: the files of one project folder,
    joined with those of every other folder that has lines of one of its sessions."""
    by_folder: dict[str, list[GroupFile]] = {}
    for f in files:
        by_folder.setdefault(project_of(f.path), []).append(f)
    if len(by_folder) == 1:
        return [files]
    leader = {folder: folder for folder in by_folder}

    def find(folder: str) -> str:
        while leader[folder] != folder:
            leader[folder] = leader[leader[folder]]
            folder = leader[folder]
        return folder

    # The files' first look is shared with the workers started for reading (when there are).
    from desktop_app.importers import workers

    ordered = [f for folder in sorted(by_folder) for f in by_folder[folder]]
    scans = workers.shared(_scan_sessions, [(f.path, f.start) for f in ordered if f.changed])
    named = iter(scans)
    found = {f.path: next(named) if f.changed else set() for f in ordered}
    first_folder: dict[str, str] = {}  # session id -> the first folder found with it
    for folder in sorted(by_folder):
        for f in by_folder[folder]:
            for sid in _sessions_named(f, found[f.path]):
                other = find(first_folder.setdefault(sid, folder))
                mine = find(folder)
                if other != mine:
                    leader[max(other, mine)] = min(other, mine)
    parts: dict[str, list[GroupFile]] = {}
    for folder in sorted(by_folder):
        parts.setdefault(find(folder), []).extend(by_folder[folder])
    return list(parts.values())


@dataclass
class _PartRead:
    """How reading one part went: files wanted, and the errors of those that failed."""

    wanted: int = 0
    failed: list[FormatError] = field(default_factory=list)
    #: bytes of the files read (progress, for a part read in a worker process)
    nbytes: int = 0


def _read_files(group: _Group, files: list[GroupFile]) -> _PartRead:
    reading = GroupReading(group.report)
    wanted = [f for f in _order(files) if f.changed or not group.resume]
    done = _PartRead(len(wanted), reading.failed)
    for f in wanted:

        def read_one(f: GroupFile = f) -> None:
            with open(f.path, "rb") as raw:
                raw.seek(f.start)
                group.read(raw, f, _is_subagent_file(f.path))
            done.nbytes += f.size - f.start
            if group.checkpoints is not None:
                group.checkpoints.file_read(f.size - f.start)

        reading.attempt(f.name, read_one)
    return done


def parse_group(files: list[GroupFile], report: Report,
                checkpoints: Checkpoints) -> Iterator[Session]:
    """Read a projects folder in parts (see :func:`_parts`): only the parts with a changed
    file; files that only grew from where they stopped, if possible. An unreadable file is
    listed as skipped; when every file read failed, the first error stands for the group.

    Parts read whole (no file of them read before) are independent of each other and of the
    database: when there is enough of them to read, worker processes read them (see
    :mod:`~desktop_app.importers.workers`) while this one hands on the sessions of the parts
    read so far, in the same order and with the same reports as when read here.
    """
    # Loaded here, not with the module: multiprocessing would cost every start of the window
    # and of every command (the registry imports each parser).
    from desktop_app.importers import workers

    wanted = 0
    failed: list[FormatError] = []
    parts = [part for part in _parts(files) if any(f.changed for f in part)]
    whole = [part for part in parts if not _resumable(part)]
    results = workers.ordered_map(_read_part_whole, whole) \
        if sum(f.size for part in whole for f in part) >= WORKER_BYTES and len(whole) > 1 \
        else None
    try:
        for part in parts:
            if results is not None and not _resumable(part):
                done = yield from _emit_part_read(part, next(results), report, checkpoints)
            else:
                done = yield from _parse_part(part, report, checkpoints)
            wanted += done.wanted
            failed += done.failed
    finally:
        if results is not None:
            results.close()  # a cancel or an error: the workers stop
    if failed and len(failed) == wanted:
        raise failed[0]


#: Parts read whole go to worker processes when they hold at least this many bytes together
#: (a worker's start costs about 0.1 s of one core).
WORKER_BYTES = 24 << 20


def _resumable(files: list[GroupFile]) -> bool:
    return all(f.previous is not None for f in files)


def _part_name(files: list[GroupFile]) -> str:
    return files[0].name if len(files) == 1 else project_of(files[0].path)


def _parse_part(files: list[GroupFile], report: Report, checkpoints: Checkpoints
                ) -> Generator[Session, None, _PartRead]:
    name = _part_name(files)
    resumable = _resumable(files)
    group = _Group(name, report, checkpoints)
    done = _PartRead()
    if resumable:
        group.resume = True
        try:
            done = _read_files(group, files)
        except _NeedFullReadError:
            resumable = False
    if not resumable:
        for f in files:
            f.start, f.end, f.sessions = 0, 0, set()
        group = _Group(name, report, checkpoints)
        done = _read_files(group, files)
    if done.failed and len(done.failed) == done.wanted:
        return done  # nothing of this part could be read
    group.finish()
    yield from _emit(group, checkpoints, report, files)
    return done


@dataclass
class _PartResult:
    """A part read whole in a worker process: what its group found, for :func:`_emit`."""

    done: _PartRead
    skipped: list[Skipped]
    ends: list[int]  # how far each file was read (the part's order)
    sessions: dict[str, _Building]
    owned: dict[str, list[str]]  # see _Group.owned
    subagent_only: set[str]
    mentions: dict[str, set[str]]

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)  # a session's uuids as one string: pickled at once
        state["owned"] = {sid: joined if joined.count("\n") == len(uuids) - 1 else uuids
                          for sid, uuids in self.owned.items()
                          for joined in ("\n".join(uuids),)}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state["owned"] = {sid: uuids.split("\n") if type(uuids) is str else uuids
                          for sid, uuids in state["owned"].items()}
        self.__dict__.update(state)


def _read_part_whole(files: list[GroupFile]) -> _PartResult:
    """Read a part whole, on its own (in a worker process: no database, reports kept)."""
    skipped: list[Skipped] = []
    for f in files:
        f.start, f.end, f.sessions = 0, 0, set()
    group = _Group(_part_name(files), skipped.append, None)
    done = _read_files(group, files)
    if not (done.failed and len(done.failed) == done.wanted):
        group.finish()
        version = SPEC.parser_version
        for b in group.sessions.values():
            if b.touched and b.has_entries():
                b.stored_form = b.work_out_stored_form(version)
    return _PartResult(done, skipped, [f.end for f in files], group.sessions, group.owned,
                       group.subagent_only, group.mentions)


def _emit_part_read(files: list[GroupFile], result: _PartResult, report: Report,
                    checkpoints: Checkpoints) -> Generator[Session, None, _PartRead]:
    """The sessions of a part a worker read, as :func:`_parse_part` hands them on."""
    for item in result.skipped:
        report(item)
    for f, end in zip(files, result.ends, strict=True):
        f.start, f.end, f.sessions = 0, end, set()
    checkpoints.file_read(result.done.nbytes)
    done = result.done
    if done.failed and len(done.failed) == done.wanted:
        return done
    group = _Group(_part_name(files), report, checkpoints)
    group.sessions = result.sessions
    group.owned = result.owned
    group.subagent_only = result.subagent_only
    group.mentions = result.mentions
    yield from _emit(group, checkpoints, report, files)
    return done


def _emit(group: _Group, checkpoints: Checkpoints | None, report: Report,
          files: list[GroupFile]) -> Iterator[Session]:
    emitted: set[str] = set()
    for sid, b in group.sessions.items():
        if not b.touched:
            continue
        if not b.has_entries() and (sid in group.subagent_only or not b.usage):
            found = _with_parent(b, checkpoints) if sid in group.subagent_only else None
            if found is None:
                report(Skipped(f"session {sid}", _nothing_to_store(sid in group.subagent_only)))
                continue
            b = found
        if checkpoints is not None:
            owned = group.owned.get(sid, ())
            # (a session's own uuids are unique: only those of a saved state can repeat them)
            b.uuids = list(dict.fromkeys([*b.uuids, *owned])) if b.uuids else list(owned)
            checkpoints.save(make_session_id(SOURCE, sid), b.state())
        emitted.add(sid)
        yield b.session()
    for f in files:  # a file names the sessions it is stored in (the next import joins them)
        f.sessions.update(make_session_id(SOURCE, sid)
                          for sid in group.mentions.get(f.path, ()) if sid in emitted)


def _with_parent(subagent: _Building, checkpoints: Checkpoints | None) -> _Building | None:
    """A subagent's session imported before (its parent's file was read then): that session
    with the subagent's tokens; None when it is not known."""
    saved = checkpoints.load(make_session_id(SOURCE, subagent.sid)) if checkpoints else None
    if saved is None:
        return None
    parent = _Building.from_state(subagent.sid, *saved)
    parent.merge_usage(subagent)
    return parent


def _nothing_to_store(subagent: bool) -> str:
    if subagent:
        return ("only subagent records, and their session is not imported: import the "
                "project folder to read them with it")
    return "no messages and no token usage"


def parse(stream: BinaryIO, name: str, report: Report) -> Iterator[Session]:
    """One transcript read on its own (from a zip, or a single stream)."""
    head, stream = read_head(stream)
    if not head.strip():
        raise FormatError(name, "the file is empty")
    file = GroupFile(path=name, name=name, size=0)
    group = _Group(name, report, None)
    group.read(stream, file, _is_subagent_file(name))
    group.finish()
    yield from _emit(group, None, report, [file])


def locations(p: Places) -> Iterator[Found]:
    """``~/.claude/projects`` (and ``~/.config/claude``), or ``$CLAUDE_CONFIG_DIR`` (a list)."""
    configured = p.env.get("CLAUDE_CONFIG_DIR", "")
    roots = [Path(r.strip()).expanduser() for r in configured.split(",") if r.strip()]
    if not roots:
        roots = [p.home / ".claude"]
        xdg = p.env.get("XDG_CONFIG_HOME")
        roots.append((Path(xdg) if xdg else p.home / ".config") / "claude")
    for root in roots:
        found = found_folder(SOURCE, root / "projects", jsonl_file)
        if found:
            yield found



# --- synthetic logs (demo-data, the demo, tests) -------------------------------------------------

_CLI_VERSION = "2.1.38"
_SUBAGENT_MODEL = "claude-haiku-4-5"
_TOOL_NAMES = {"read": "Read", "search": "Grep", "edit": "Edit", "run": "Bash", "other": "Bash"}


def project_folder(cwd: str) -> str:
    """The folder Claude Code keeps a project's transcripts in: the path with every character
    outside ``[A-Za-z0-9-]`` replaced by ``-``."""
    return re.sub(r"[^A-Za-z0-9-]", "-", cwd)


def write_demo(sessions: Iterable[Session], out: Path) -> Path:
    """Write ``sessions`` as Claude Code's ``projects/<project-folder>/<session>.jsonl`` under
    ``out`` (a ``~/.claude`` folder); returns ``out``.

    An API response is written as Claude Code streams it: one line per content block
    (thinking, text, each ``tool_use``), sharing ``message.id`` and ``requestId``, each
    repeating ``usage`` with a partial ``output_tokens`` until the last. Tool messages are the
    ``tool_use`` blocks of the answer before them and ``tool_result`` user records after it
    (after each call's own line when the calls run in parallel, so the response goes on
    around its results); a tool run with no answer before it gets a response holding only
    its calls (the importer shows that as an answer). A follow-up prompt may be typed while
    Claude is busy: ``queue-operation`` records, with or without the prompt record. One
    session with tools in three hands one of them to a subagent (a ``Task`` call):
    ``<session>/subagents/agent-<id>.jsonl`` with its own responses, mirrored into the main
    file as ``agent_progress`` records. The session's tokens are spread over every response,
    subagents included, as uncached input, cache writes and cache reads. System messages are
    compaction summaries. Also: ``isMeta`` caveats, ``turn_duration`` records, and
    a ``summary`` title for two sessions in three (the others are titled by their first prompt).

    About one session in six that starts after the previous one of its project ended is a
    fork of it (2.1.x ``--fork-session``): its file starts with a copy of each of that
    session's transcript records (same ``uuid``, time and usage, the new ``sessionId``, and
    ``forkedFrom`` naming the source), then goes on with its own. The copies stay the source's:
    each session imports with the messages and tokens it was given.
    """
    root = out / "projects"
    root.mkdir(parents=True, exist_ok=True)
    latest: dict[str, _DemoLog] = {}  # project folder -> the log written last there
    for session in sessions:
        log = _DemoLog(session)
        folder = project_folder(session.project or "/")
        source = latest.get(folder)
        if source is not None and writing.roll(log.key, "fork", 6) == 0 and \
                source.last_time() < writing.iso_z(writing.start_of(session)):
            log.fork_of(source)
        log.write(root)
        latest[folder] = log
    return out


@dataclass
class _DemoResponse:
    text: writing.Timed | None
    time: datetime
    model: str | None
    tools: list[writing.Timed] = field(default_factory=list)


class _DemoLog:
    """The records of one session's files."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.key = session.id
        self.sid = session.external_id
        self.records: list[dict[str, Any]] = []
        self.sub_records: list[dict[str, Any]] = []
        self.last_uuid: str | None = None
        self.leaf: str | None = None  # the last message record (a summary names it)
        self.serial = 0
        self.agent = writing.stable_hex(self.key, "agent", 17)

    def uid(self, label: str) -> str:
        self.serial += 1
        return writing.stable_uuid(self.key, f"{label}{self.serial}")

    def last_time(self) -> str:
        """The time of the last record written (``iso_z``; "" before any)."""
        return max((str(r["timestamp"]) for r in self.records if "timestamp" in r), default="")

    def fork_of(self, source: _DemoLog) -> None:
        """Start as a fork of ``source``: a copy of its transcript records, as 2.1.x writes
        them (``user``, ``assistant``, ``attachment`` and ``system`` records of the main
        thread, re-chained, under this session's id, each naming what it copies)."""
        for record in source.records:
            if record.get("type") not in ("user", "assistant", "attachment", "system") or \
                    record.get("isSidechain") is True:
                continue
            self.records.append({**record, "parentUuid": self.last_uuid, "sessionId": self.sid,
                                 "forkedFrom": {"sessionId": source.sid,
                                                "messageUuid": record["uuid"]}})
            self.last_uuid = record["uuid"]

    def envelope(self, kind: str, moment: datetime, **fields: Any) -> dict[str, Any]:
        uuid = self.uid("r")
        record: dict[str, Any] = {"parentUuid": self.last_uuid, "isSidechain": False,
                                  "userType": "external"}
        if self.session.project:
            record["cwd"] = self.session.project
        record.update({"sessionId": self.sid, "version": _CLI_VERSION, "gitBranch": "main",
                       "type": kind, **fields, "uuid": uuid,
                       "timestamp": writing.iso_z(moment)})
        self.last_uuid = uuid
        self.records.append(record)
        return record

    def plan(self) -> list[tuple[str, Any]]:
        """The thread as steps: prompts, responses (with their tool calls), results, notes."""
        steps: list[tuple[str, Any]] = []
        current: _DemoResponse | None = None
        for item in writing.timed(self.session):
            if item.role == "tool":
                if current is None:
                    following = next((m for m in self.session.messages[item.index:]
                                      if m.role == "assistant"), None)
                    model = writing.model_of(following, self.session) if following else \
                        self.session.model
                    current = _DemoResponse(None, item.time, model)
                    steps.append(("response", current))
                current.tools.append(item)
                steps.append(("result", item))
            elif item.role == "assistant":
                current = _DemoResponse(item, item.time, writing.model_of(item.message,
                                                                          self.session))
                steps.append(("response", current))
            else:
                current = None
                steps.append((item.role, item))
        # A response is written whole (all its calls) before the results that follow it.
        return steps

    def write(self, root: Path) -> None:
        steps = self.plan()
        responses = [r for kind, r in steps if kind == "response"]
        tools = [t for r in responses for t in r.tools]
        task = None
        if tools and writing.roll(self.key, "subagent", 3) == 0:
            task = tools[writing.roll(self.key, "task", len(tools))].index
        usage = self.usages(len(responses) + (2 if task is not None else 0))
        if writing.roll(self.key, "caveat", 5) == 0 and steps:
            self.envelope("user", self.session.messages[0].time or writing.start_of(
                self.session), isMeta=True, message={
                "role": "user", "content": "<local-command-caveat>Caveat: The messages below "
                "were generated by the user while running local commands. DO NOT respond to "
                "these messages or otherwise consider them in your response unless the user "
                "explicitly asks you to.</local-command-caveat>"})
        tool_ids: dict[int, tuple[str, str]] = {}
        written: set[int] = set()  # results written between the lines of their response
        previous = ""
        for kind, step in steps:
            if kind == "user":
                self.prompt(step, busy=previous in ("response", "result"))
            elif kind == "system":
                self.envelope("system", step.time, subtype="compact_boundary",
                              content="Conversation compacted", isMeta=False, level="info",
                              compactMetadata={"trigger": "auto", "preTokens": 150_000})
                self.envelope("user", step.time, isCompactSummary=True,
                              isVisibleInTranscriptOnly=True,
                              message={"role": "user", "content": step.text})
            elif kind == "response":
                self.response(step, usage.pop(0), tool_ids, task, written)
            elif kind == "result" and step.index not in written:
                self.result(step, tool_ids, task, usage)
            previous = kind
        if steps:
            last = steps[-1][1]
            self.envelope("system", last.time, subtype="turn_duration", isMeta=False,
                          durationMs=int((last.time - writing.start_of(self.session))
                                         .total_seconds() * 1000))
        if writing.roll(self.key, "summary", 3) != 0 and self.leaf:
            self.records.append({"type": "summary", "summary": self.session.title,
                                 "leafUuid": self.leaf})
        folder = root / project_folder(self.session.project or "/")
        writing.write_jsonl(folder / f"{self.sid}.jsonl", self.records)
        if self.sub_records:
            subagents = folder / self.sid / "subagents"
            writing.write_jsonl(subagents / f"agent-{self.agent}.jsonl", self.sub_records)
            writing.write_text(subagents / f"agent-{self.agent}.meta.json",
                               writing.dump({"agentType": "general-purpose"}))

    def usages(self, count: int) -> list[dict[str, Any] | None]:
        """The usage of each response (None when the session records no tokens)."""
        session = self.session
        if session.tokens_in is None and session.tokens_out is None:
            return [None] * count
        ins = writing.split(session.tokens_in or 0, count, self.key + "/in")
        outs = writing.split(session.tokens_out or 0, count, self.key + "/out")
        usages: list[dict[str, Any] | None] = []
        for n, (tokens_in, tokens_out) in enumerate(zip(ins, outs, strict=True)):
            fresh = min(tokens_in, 3 + writing.roll(self.key, f"fresh{n}", 20))
            share = 60 if n == 0 else 2 + writing.roll(self.key, f"write{n}", 15)
            write = (tokens_in - fresh) * share // 100
            usages.append({
                "input_tokens": fresh, "cache_creation_input_tokens": write,
                "cache_read_input_tokens": tokens_in - fresh - write,
                "cache_creation": {"ephemeral_5m_input_tokens": write,
                                   "ephemeral_1h_input_tokens": 0},
                "output_tokens": tokens_out, "service_tier": "standard"})
        return usages

    def tool_block(self, item: writing.Timed, task: int | None) -> dict[str, Any]:
        step = writing.tool_step(item.text)
        if item.index == task:
            return {"type": "tool_use", "name": "Task", "input": {
                "description": writing.cut_words(item.text, 5),
                "prompt": f"Look into this and report back briefly: {item.text}",
                "subagent_type": "general-purpose"}}
        tool_input: dict[str, Any]
        if step.kind in ("read", "edit"):
            tool_input = {"file_path": step.target}
            if step.kind == "edit":
                tool_input.update({"old_string": "…", "new_string": "…"})
        elif step.kind == "search":
            tool_input = {"pattern": step.target, "output_mode": "content"}
        else:
            tool_input = {"command": step.target, "description": writing.cut_words(
                step.target, 6)}
        return {"type": "tool_use", "name": _TOOL_NAMES[step.kind], "input": tool_input}

    def prompt(self, step: writing.Timed, *, busy: bool) -> None:
        """A prompt: typed at the prompt, or (two follow-up prompts in three) typed while
        Claude is busy: a ``queue-operation`` enqueue record, then either handed to Claude
        between two tool calls (``remove`` and a ``queued_command`` attachment: no prompt
        record) or sent when the turn ends (``dequeue`` and the prompt record)."""
        queued = writing.roll(self.key, f"queued{step.index}", 3) if busy else 2
        if queued < 2:
            self.queue_operation("enqueue", step.time, content=step.text)
        if queued == 0:
            self.queue_operation("remove", step.time)
            self.envelope("attachment", step.time, attachment={
                "type": "queued_command", "prompt": step.text, "commandMode": "prompt"})
            return
        if queued == 1:
            self.queue_operation("dequeue", step.time)
        content: Any = step.text
        if writing.roll(self.key, f"blocks{step.index}", 4) == 0:
            content = [{"type": "text", "text": step.text}]
        self.leaf = self.envelope("user", step.time,
                                  message={"role": "user", "content": content})["uuid"]

    def queue_operation(self, operation: str, moment: datetime, **fields: Any) -> None:
        self.records.append({"type": "queue-operation", "operation": operation,
                             "timestamp": writing.iso_z(moment), "sessionId": self.sid,
                             **fields})

    def response(self, response: _DemoResponse, usage: dict[str, Any] | None,
                 tool_ids: dict[int, tuple[str, str]], task: int | None,
                 written: set[int]) -> None:
        """One API response, a line per content block. Parallel tool calls (one response in
        two with several calls, none a subagent's): each call's result is written before the
        next call's line, as Claude Code runs a call as soon as its block is complete."""
        n = len(self.records)
        calls = {t.index for t in response.tools}
        parallel = len(calls) > 1 and task not in calls and \
            writing.roll(self.key, f"parallel{n}", 2) == 0
        lines: list[tuple[dict[str, Any], writing.Timed | None]] = []
        if response.text is not None:
            if writing.roll(self.key, f"thinking{n}", 4) == 0:
                lines.append(({"type": "thinking", "thinking": "Let me work out what is asked "
                               "and check the code before answering.",
                               "signature": writing.stable_hex(self.key, f"sig{n}", 64)}, None))
            lines.append(({"type": "text", "text": response.text.text}, None))
        for call in response.tools:
            block = self.tool_block(call, task)
            block["id"] = "toolu_01" + writing.stable_hex(self.key, f"toolu{call.index}", 22)
            lines.append((block, call))
        message_id = "msg_01" + writing.stable_hex(self.key, f"msg{n}", 22)
        request = "req_011" + writing.stable_hex(self.key, f"req{n}", 21)
        for i, (block, tool) in enumerate(lines):
            final = i == len(lines) - 1
            message: dict[str, Any] = {
                "id": message_id, "type": "message", "role": "assistant",
                "model": response.model, "content": [block],
                "stop_reason": ("tool_use" if response.tools else "end_turn") if final else None,
                "stop_sequence": None}
            if usage is not None:
                partial = min(usage["output_tokens"], 1 + writing.roll(self.key, f"p{n}{i}", 9))
                message["usage"] = usage if final else {**usage, "output_tokens": partial}
            moment = response.time + timedelta(milliseconds=7 * i)
            if parallel and written & calls:
                moment = max(moment, max(t.time for t in response.tools if t.index in written))
            record = self.envelope("assistant", moment, requestId=request, message=message)
            self.leaf = record["uuid"]
            if tool is not None:
                tool_ids[tool.index] = (block["id"], record["uuid"])
                if parallel:
                    self.result(tool, tool_ids, task, [])
                    written.add(tool.index)

    def result(self, item: writing.Timed, tool_ids: dict[int, tuple[str, str]],
               task: int | None, usage: list[dict[str, Any] | None]) -> None:
        tool_id, source_uuid = tool_ids[item.index]
        step = writing.tool_step(item.text)
        extra: dict[str, Any] = {"toolUseResult": {"stdout": step.result, "stderr": "",
                                                   "interrupted": False}}
        if item.index == task:
            self.subagent(item, tool_id, usage.pop(0), usage.pop(0))
            extra = {"toolUseResult": {"status": "completed", "agentId": self.agent,
                                       "content": [{"type": "text", "text": item.text}],
                                       "totalToolUseCount": 1}}
        self.envelope("user", item.time, sourceToolAssistantUUID=source_uuid, **extra,
                      message={"role": "user", "content": [
                          {"tool_use_id": tool_id, "type": "tool_result",
                           "content": step.result if item.index != task else item.text,
                           "is_error": False}]})

    def subagent(self, item: writing.Timed, tool_id: str, first: dict[str, Any] | None,
                 second: dict[str, Any] | None) -> None:
        """The subagent's own file, and its responses mirrored into the main file."""
        moment = item.time
        prompt = f"Look into this and report back briefly: {item.text}"
        step = writing.tool_step(item.text)
        base = {"isSidechain": True, "userType": "external", "sessionId": self.sid,
                "version": _CLI_VERSION, "gitBranch": "main", "agentId": self.agent}
        if self.session.project:
            base["cwd"] = self.session.project
        parent: str | None = None
        search_id = "toolu_01" + writing.stable_hex(self.key, "subtool", 22)
        lines: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = [
            ("user", {"role": "user", "content": prompt}, None),
            ("assistant", {"content": [{"type": "tool_use", "id": search_id, "name": "Grep",
                                        "input": {"pattern": step.target[:40]}}],
                           "stop_reason": "tool_use"}, first),
            ("user", {"role": "user", "content": [{"tool_use_id": search_id,
                                                   "type": "tool_result",
                                                   "content": step.result}]}, None),
            ("assistant", {"content": [{"type": "text", "text": item.text}],
                           "stop_reason": "end_turn"}, second),
        ]
        for n, (kind, message, usage) in enumerate(lines):
            uuid = writing.stable_uuid(self.key, f"sub{n}")
            stamp = writing.iso_z(moment - timedelta(milliseconds=400 - 90 * n))
            record: dict[str, Any] = {"parentUuid": parent, **base, "type": kind,
                                      "uuid": uuid, "timestamp": stamp}
            if kind == "assistant":
                request = "req_011" + writing.stable_hex(self.key, f"subreq{n}", 21)
                full = {"id": "msg_01" + writing.stable_hex(self.key, f"submsg{n}", 22),
                        "type": "message", "role": "assistant", "model": _SUBAGENT_MODEL,
                        **message, "stop_sequence": None}
                if usage is not None:
                    full["usage"] = usage
                record.update({"requestId": request, "message": full})
                mirror = dict(full)
                if usage is not None:
                    mirror["usage"] = {**usage, "output_tokens": min(usage["output_tokens"], 5)}
                self.envelope("progress", moment - timedelta(milliseconds=300 - 90 * n),
                              toolUseID=f"agent_msg_{uuid[:8]}", parentToolUseID=tool_id,
                              data={"type": "agent_progress", "agentId": self.agent,
                                    "prompt": prompt, "message": {
                                        "type": "assistant", "requestId": request,
                                        "uuid": uuid, "timestamp": stamp,
                                        "message": mirror}})
            else:
                record["message"] = message
            self.sub_records.append(record)
            parent = uuid


SPEC = SourceSpec(
    name=SOURCE,
    display_name="Claude Code",
    format=FORMAT,
    version=VERSION,
    sniff=sniff,
    parse=parse,
    group=GroupSpec(key=group_key, parse=parse_group, workers_from=WORKER_BYTES),
    locations=locations,
    writer=write_demo,
)
