"""Codex CLI rollouts: ``~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`` (also ``CODEX_HOME``).

One rollout file is one session. Three generations are read: the current ``{timestamp, type,
payload}`` lines; the early Rust JSONL (a first ``{id, timestamp, instructions}`` line, then
bare response items and ``record_type: state`` lines); and the TypeScript CLI's JSON file
(``{session, items}``). The person's prompts come from ``event_msg`` ``user_message`` (the
``response_item`` user messages also carry injected context); when a file has none (older
logs), the user messages not made of injected context are used. Reasoning summaries are shown
in their turn's next answer, before its text (``[thinking] …``, in the rollout's order; a turn
that ends without an answer keeps them as an entry of their own). Tokens come from
``token_count`` events, differencing the cumulative totals so that repeated events count once
(``input_tokens`` already includes cached input). A fork skips the history it copied from its
parent. A sub-agent's rollout adds its tokens to its parent session and no turns, and is no
session of its own; ``sessions`` and ``archived_sessions`` are read as one group, so a
sub-agent finds its parent when either was archived; one read before its parent (imported
later, or never) is listed as skipped and its tokens wait in the parent's state until the
parent comes. A session with no title and no typed prompt is named by its first prompt in
``history.jsonl``, found in the Codex home beside ``sessions/`` (whether the home or its
``sessions`` folder is imported).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path, PurePath
from typing import Any, BinaryIO

from desktop_app.domain import Message, Session, make_session_id
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
)
from desktop_app.importers.streams import json_top_level, read_head
from desktop_app.importers.values import (
    as_dict,
    as_int,
    as_list,
    as_str,
    cut,
    from_iso,
    main_model,
    title_from,
)

SOURCE = "codex"
FORMAT = "Codex CLI sessions (~/.codex/sessions/…/rollout-*.jsonl)"
VERSION = "3"  # 3: cached input tokens (the input split)

ENVELOPE_TYPES = frozenset({"session_meta", "response_item", "event_msg", "turn_context",
                            "compacted"})
ITEM_TYPES = frozenset({"message", "reasoning", "function_call", "function_call_output",
                        "custom_tool_call", "custom_tool_call_output", "local_shell_call",
                        "web_search_call"})
_INJECTED = ("<environment_context>", "<user_instructions>", "# AGENTS.md", "<permissions",
             "<user_shell_command>", "<turn_aborted>")
_UUID = re.compile(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", re.I)


def sniff(head: bytes, name: str) -> bool:
    """Codex rollout lines, an early-2025 rollout, or a TypeScript CLI session file."""
    kind, keys = json_top_level(head)
    if kind == "object" and "session" in keys and "items" in keys:
        return True
    for i, record in enumerate(head_records(head, 10)):
        if record.get("type") in ENVELOPE_TYPES and isinstance(record.get("payload"), dict):
            return True
        if i == 0 and "id" in record and "instructions" in record and "type" not in record:
            return True
    # A first line longer than the head (long base instructions): judged by its start.
    start = head.lstrip()[:200]
    return b"\n" not in head.rstrip(b"\n") and start.startswith(b"{") and \
        re.search(rb'"type":\s*"session_meta"', start) is not None


def codex_home(path: str) -> str | None:
    """The folder holding the ``sessions`` or ``archived_sessions`` folder ``path`` is in."""
    parts = PurePath(path).parts
    for i in range(len(parts) - 2, 0, -1):
        if parts[i] in ("sessions", "archived_sessions"):
            return str(PurePath(*parts[:i]))
    return None


def group_key(path: str) -> str:
    """The Codex home above ``sessions`` and ``archived_sessions``: one group, so that a
    sub-agent finds its parent when either of them is archived."""
    return codex_home(path) or os.path.dirname(path)


# --- one rollout being read ----------------------------------------------------------------------


@dataclass
class _Entry:
    role: str
    text: str
    time: datetime | None
    model: str | None = None
    alt: bool = False  # a response_item user message: kept only if no user_message event


@dataclass
class _Rollout:
    sid: str
    entries: list[_Entry] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)
    primary: bool = False
    model: str | None = None
    title: str | None = None
    cwd: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    #: Input, output and cached input (part of the input) tokens.
    tokens: list[int] = field(default_factory=lambda: [0, 0, 0])
    has_tokens: bool = False
    prev_total: list[int] | None = None
    prev_last: list[int] | None = None
    parent: str | None = None
    forked_after: datetime | None = None
    sub_tokens: dict[str, list[int]] = field(default_factory=dict)
    touched: bool = True
    #: Reasoning summaries (``[thinking] …``) waiting for the answer of their turn.
    thinking: list[str] = field(default_factory=list)
    thinking_at: datetime | None = None
    #: The first prompt ``history.jsonl`` holds for this session (a title when none is typed).
    history: str | None = None

    def at(self, moment: datetime | None) -> None:
        if moment is None:
            return
        if self.start is None or moment < self.start:
            self.start = moment
        if self.end is None or moment > self.end:
            self.end = moment

    def add(self, entry: _Entry) -> None:
        self.entries.append(entry)
        self.at(entry.time)

    def state(self) -> dict[str, Any]:
        # A sub-agent's own text never reaches a session (its tokens count toward its
        # parent), so its state keeps none: no text of a session that an import rule keeps
        # without text is stored through its sub-agents.
        sub = self.parent is not None
        return {
            "calls": self.calls, "primary": self.primary, "model": self.model,
            "title": None if sub else self.title, "cwd": self.cwd,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "tokens": self.tokens, "has_tokens": self.has_tokens,
            "prev_total": self.prev_total, "prev_last": self.prev_last, "parent": self.parent,
            "forked_after": self.forked_after.isoformat() if self.forked_after else None,
            "sub_tokens": self.sub_tokens, "thinking": [] if sub else self.thinking,
            "thinking_at": self.thinking_at.isoformat() if self.thinking_at and not sub
            else None,
            "history": None if sub else self.history,
        }

    @classmethod
    def from_state(cls, sid: str, state: dict[str, Any], messages: list[Message]) -> _Rollout:
        r = cls(sid)
        r.entries = [_Entry(m.role, m.text, m.time, m.model) for m in messages]
        r.calls = {str(k): as_int(v) or 0 for k, v in as_dict(state.get("calls")).items()}
        r.primary = state.get("primary") is True
        r.model, r.title, r.cwd, r.parent = (as_str(state.get(k)) for k in
                                             ("model", "title", "cwd", "parent"))
        r.start, r.end = from_iso(state.get("start")), from_iso(state.get("end"))
        r.forked_after = from_iso(state.get("forked_after"))
        r.tokens = _pair(state.get("tokens")) or [0, 0, 0]
        r.has_tokens = state.get("has_tokens") is True
        r.prev_total = _pair(state.get("prev_total"))
        r.prev_last = _pair(state.get("prev_last"))
        r.sub_tokens = {str(k): p for k, v in as_dict(state.get("sub_tokens")).items()
                        if (p := _pair(v)) is not None}
        r.thinking = [str(t) for t in as_list(state.get("thinking")) if isinstance(t, str)]
        r.thinking_at = from_iso(state.get("thinking_at"))
        r.history = as_str(state.get("history"))
        return r

    def think(self, texts: list[str], moment: datetime | None) -> None:
        """Reasoning summaries: shown in the turn's next answer, before its text."""
        if texts:
            self.thinking += [f"[thinking] {t}" for t in texts]
            self.thinking_at = self.thinking_at or moment

    def answer(self, text: str, moment: datetime | None) -> None:
        """An assistant message, with the reasoning that came before it in its turn."""
        self.add(_Entry("assistant", "\n\n".join([*self.thinking, text]), moment, self.model))
        self.thinking, self.thinking_at = [], None

    def end_turn(self) -> None:
        """A turn over with reasoning and no answer: the reasoning is an entry of its own."""
        if self.thinking:
            moment = self.thinking_at
            self.add(_Entry("assistant", "\n\n".join(self.thinking), moment, self.model))
            self.thinking, self.thinking_at = [], None

    def session(self) -> Session:
        entries = [e for e in self.entries if not (e.alt and self.primary)]
        models = [e.model for e in entries if e.role == "assistant" and e.model]
        model = _main(models) or self.model
        first = next((e.text for e in entries if e.role == "user"), None)
        if first is not None and first.startswith(_INJECTED):
            first = None
        title = self.title or title_from(first) or title_from(self.history) or "Codex session"
        total = _total(self)
        tokens_in, tokens_out, cached = (None, None, None) if total is None else total
        return Session(source=SOURCE, external_id=self.sid, title=title,
                       started_at=self.start, ended_at=self.end,
                       messages=tuple(Message(e.role, e.text, e.time, e.model) for e in entries),
                       model=model, tokens_in=tokens_in, tokens_out=tokens_out,
                       project=self.cwd,
                       tokens_uncached=None if tokens_in is None else tokens_in - (cached or 0),
                       tokens_cache_read=cached)


def _pair(value: Any) -> list[int] | None:
    """Input, output and cached input tokens as a state keeps them."""
    if isinstance(value, list) and len(value) == 3:
        return [as_int(n) or 0 for n in value]
    return None


def _main(models: list[str]) -> str | None:
    return main_model(models)


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    parts = []
    for block in as_list(content):
        block = as_dict(block)
        kind = block.get("type")
        if kind in ("input_text", "output_text", "text"):
            parts.append(str(block.get("text") or ""))
        elif kind in ("input_image", "image"):
            parts.append("[image]")
    return "\n".join(p for p in parts if p).strip()



def _summaries(value: Any) -> list[str]:
    """The texts of a reasoning item's ``summary`` (``summary_text`` parts or strings)."""
    texts = []
    for part in as_list(value):
        text = part if isinstance(part, str) else as_dict(part).get("text")
        if isinstance(text, str) and text.strip():
            texts.append(text.strip())
    return texts


def _args(value: Any) -> str:
    if isinstance(value, str):
        try:  # function arguments are a JSON string
            decoded = json.loads(value)
        except (ValueError, RecursionError):
            decoded = None
        if not isinstance(decoded, dict) or not _args(decoded):
            return cut(value.strip(), 300)
        value = decoded
    data = as_dict(value)
    for key in ("cmd", "command", "patch", "input", "query", "chars"):
        found = data.get(key)
        if isinstance(found, list):
            found = " ".join(str(x) for x in found)
        if isinstance(found, str) and found:
            return cut(found, 300)
    return ""


def _usage(value: Any) -> list[int] | None:
    data = as_dict(value)
    if not data:
        return None
    return [as_int(data.get(k)) or 0
            for k in ("input_tokens", "output_tokens", "cached_input_tokens")]


class _Reader:
    """Applies the records of one rollout file to its session."""

    def __init__(self, rollout: _Rollout) -> None:
        self.r = rollout

    def record(self, record: dict[str, Any], first: bool) -> None:
        kind = record.get("type")
        payload = record.get("payload")
        if kind in ENVELOPE_TYPES and isinstance(payload, dict):
            moment = from_iso(record.get("timestamp")) or from_iso(payload.get("timestamp"))
        elif record.get("record_type") is not None:
            return  # early-2025 state lines
        elif first and "id" in record and "type" not in record:
            kind, payload, moment = "session_meta", record, from_iso(record.get("timestamp"))
        elif kind in ITEM_TYPES:
            kind, payload, moment = "response_item", record, from_iso(record.get("timestamp"))
        else:
            return
        r = self.r
        if kind == "session_meta":
            self.meta(payload, moment)
            return
        if r.forked_after is not None and moment is not None and moment < r.forked_after:
            if kind == "event_msg" and payload.get("type") == "token_count":
                total = _usage(as_dict(payload.get("info")).get("total_token_usage"))
                if total is not None:  # the parent's tokens so far: not this session's
                    r.prev_total = total
            return  # history copied from the session this one was forked from
        r.at(moment)
        if kind == "turn_context":
            r.model = as_str(payload.get("model")) or as_str(
                as_dict(as_dict(payload.get("collaboration_mode")).get("settings")).get("model")
            ) or r.model
            r.cwd = r.cwd or as_str(payload.get("cwd"))
        elif kind == "event_msg":
            self.event(payload, moment)
        elif kind == "response_item":
            self.item(payload, moment or from_iso(payload.get("timestamp")))
        elif kind == "compacted":
            r.end_turn()
            r.add(_Entry("system", "[conversation compacted]", moment))

    def meta(self, payload: dict[str, Any], moment: datetime | None) -> None:
        r = self.r
        r.cwd = r.cwd or as_str(payload.get("cwd"))
        r.at(from_iso(payload.get("timestamp")) or moment)
        spawn = as_dict(as_dict(as_dict(payload.get("source")).get("subagent")).get(
            "thread_spawn"))
        r.parent = as_str(spawn.get("parent_thread_id")) or r.parent
        if as_str(payload.get("forked_from_id")) and r.forked_after is None:
            r.forked_after = from_iso(payload.get("timestamp")) or moment

    def event(self, payload: dict[str, Any], moment: datetime | None) -> None:
        r = self.r
        kind = payload.get("type")
        if kind == "user_message":
            text = str(payload.get("message") or "").strip()
            images = len(as_list(payload.get("images"))) + len(as_list(payload.get(
                "local_images")))
            if images:
                text = (text + "\n" + "[image]" * images).strip()
            if text:
                if not r.primary:
                    r.primary = True
                    r.entries = [e for e in r.entries if not e.alt]
                r.end_turn()
                r.add(_Entry("user", text, moment))
        elif kind == "thread_name_updated":
            r.title = as_str(payload.get("thread_name")) or as_str(payload.get("name")) or \
                r.title
        elif kind == "token_count":
            self.tokens(as_dict(payload.get("info")))
            model = as_str(as_dict(payload.get("info")).get("model"))
            r.model = r.model or model
        elif kind in ("task_started", "task_complete", "turn_started", "turn_complete",
                      "turn_aborted"):
            if kind in ("task_complete", "turn_complete", "turn_aborted"):
                r.end_turn()
            r.at(moment)

    def tokens(self, info: dict[str, Any]) -> None:
        r = self.r
        total = _usage(info.get("total_token_usage"))
        last = _usage(info.get("last_token_usage"))
        if total is not None:
            prev = r.prev_total
            if prev is not None and total == prev:
                return  # the same event again
            if prev is not None and all(t >= p for t, p in zip(total, prev, strict=True)):
                delta = [t - p for t, p in zip(total, prev, strict=True)]
            else:  # the first, or a restarted count after a resume
                delta = total
            r.prev_total = total
        elif last is not None:
            if last == r.prev_last:
                return
            delta = last
            r.prev_last = last
        else:
            return
        r.tokens = [t + d for t, d in zip(r.tokens, delta, strict=True)]
        r.has_tokens = True

    def item(self, payload: dict[str, Any], moment: datetime | None) -> None:
        r = self.r
        kind = payload.get("type")
        if kind == "message" or (kind is None and "role" in payload):
            role = payload.get("role")
            text = _text_of(payload.get("content"))
            if not text:
                return
            if role == "assistant":
                r.answer(text, moment)
            elif role == "user" and not r.primary and not text.startswith(_INJECTED):
                r.end_turn()
                r.add(_Entry("user", text, moment, alt=True))
            return
        if kind == "reasoning":
            r.think(_summaries(payload.get("summary")), moment)
            return
        if kind in ("function_call", "custom_tool_call", "local_shell_call", "web_search_call"):
            name = as_str(payload.get("name")) or str(kind).replace("_call", "")
            detail = _args(payload.get("arguments") if "arguments" in payload else
                           payload.get("input") or payload.get("action"))
            summary = as_str(payload.get("summary"))
            text = f"[tool {name}] {detail or summary or ''}".rstrip()
            call_id = as_str(payload.get("call_id")) or as_str(payload.get("id"))
            if call_id and call_id in r.calls:
                return  # the same call again
            r.add(_Entry("tool", text, moment))
            if call_id:
                r.calls[call_id] = len(r.entries) - 1
            return
        if kind in ("function_call_output", "custom_tool_call_output"):
            output = payload.get("output")
            if isinstance(output, dict):
                output = output.get("output") or output.get("content")
            out_text = cut(str(output).strip()) if output is not None else ""
            call_id = as_str(payload.get("call_id"))
            index = r.calls.get(call_id or "")
            if index is not None and index < len(r.entries) and out_text:
                entry = r.entries[index]
                if "\n[result] " not in entry.text:
                    entry.text = f"{entry.text}\n[result] {out_text}"
                    r.at(moment)
            elif out_text:
                r.add(_Entry("tool", f"[result] {out_text}", moment))


def _session_id(path: str) -> str:
    stem = PurePath(path).stem
    found = _UUID.search(stem)
    return found.group(1) if found else stem


def _peek_id(head: bytes, path: str) -> str:
    for i, record in enumerate(head_records(head, 5)):
        payload = as_dict(record.get("payload"))
        if record.get("type") == "session_meta" and as_str(payload.get("id")):
            return str(payload["id"])
        if i == 0 and "type" not in record and as_str(record.get("id")):
            return str(record["id"])
    return _session_id(path)


def _read_file(stream: BinaryIO, file: GroupFile, rollout: _Rollout, report: Report) -> None:
    tally = RecordTally(file.name, "line", prefixed(report, file.name))
    reader = _Reader(rollout)
    if file.start == 0:
        head, stream = read_head(stream)
        kind, keys = json_top_level(head)
        if kind == "object" and "session" in keys:
            for item in _ts_items(stream, file.name, rollout, tally):
                reader.record(item, False)
            file.end = file.size
            tally.finish()
            return
    lines = LineReader(stream, file.name, tally, file.start)
    for n, record in enumerate(lines):
        reader.record(record, n == 0 and file.start == 0)
    file.end = lines.end
    tally.finish()


def _ts_items(stream: BinaryIO, name: str, rollout: _Rollout, tally: RecordTally
              ) -> Iterator[dict[str, Any]]:
    """The TypeScript CLI's ``{session, items}`` file (session first, as it writes it)."""
    for key, value in _top_items(stream, name):
        if key == "session":
            meta = as_dict(value)
            rollout.at(from_iso(meta.get("timestamp")))
            if as_str(meta.get("id")):
                rollout.sid = str(meta["id"])
        elif isinstance(value, dict):
            tally.ok()
            yield value
        else:
            tally.skip("item", "not a JSON object")


def _top_items(stream: BinaryIO, name: str) -> Iterator[tuple[str, Any]]:
    import ijson

    try:
        for key, value in ijson.kvitems(stream, "", use_float=True):
            if key == "items":
                for item in as_list(value):
                    yield "items", item
            else:
                yield key, value
    except (ijson.JSONError, UnicodeDecodeError, ValueError) as exc:
        raise FormatError(name, f"not valid JSON ({exc})") from exc



def parse_group(files: list[GroupFile], report: Report,
                checkpoints: Checkpoints) -> Iterator[Session]:
    """Read the new or grown rollouts of a Codex home (``sessions`` and ``archived_sessions``;
    grown ones from where they stopped); sub-agents' tokens go to their parents."""
    done: dict[str, _Rollout] = {}
    files_of: dict[str, GroupFile] = {}
    reading = GroupReading(report)
    wanted = [f for f in files if f.changed]
    for f in wanted:
        ok, rollout = reading.attempt(f.name, partial(_read_one, f, report, checkpoints))
        if not ok or rollout is None:
            continue
        done[rollout.sid] = rollout
        files_of[rollout.sid] = f
        checkpoints.file_read(f.size)
    reading.check(len(wanted))
    _reread_parents(files, done, files_of, report, checkpoints)
    _titles_from_history(done, {f.path for f in wanted}, report)
    yield from _finish(done, checkpoints, report, files_of)


def _reread_parents(files: list[GroupFile], done: dict[str, _Rollout],
                    files_of: dict[str, GroupFile], report: Report,
                    checkpoints: Checkpoints) -> None:
    """A sub-agent read again whose parent's rollout is in the group, unchanged, but has no
    saved state (an import rule keeps the parent without text, and so keeps no state of it):
    the parent's rollout is read again in full, so that the sub-agent's tokens reach it."""
    unchanged = {_session_id(f.path): f for f in files if not f.changed}
    for rollout in list(done.values()):
        parent = rollout.parent
        if not parent or parent in done or parent not in unchanged:
            continue
        if checkpoints.load(make_session_id(SOURCE, parent)) is not None:
            continue
        f = unchanged.pop(parent)
        f.start = 0
        reading = GroupReading(report)
        ok, found = reading.attempt(f.name, partial(_read_one, f, report, checkpoints))
        if ok and found is not None:
            done[found.sid] = found
            files_of[found.sid] = f
            checkpoints.file_read(f.size)


HISTORY = "history.jsonl"
_HISTORY_MAX = 64 * 1024 * 1024


def _titles_from_history(done: dict[str, _Rollout], paths: Iterable[str],
                         report: Report) -> None:
    """Give each session without a title or a typed prompt the first prompt that the Codex
    home's ``history.jsonl`` (beside ``sessions/``) holds for it.

    The history is read only when a rollout in ``sessions`` or ``archived_sessions`` lacks a
    title; it is found from the rollouts' paths, whether the Codex home or its ``sessions``
    folder was imported.
    """
    needed = {sid for sid, r in done.items() if not r.title and not r.parent and not any(
        e.role == "user" and not e.text.startswith(_INJECTED) for e in r.entries)}
    if not needed:
        return
    homes = sorted({home for p in paths if (home := codex_home(p)) is not None})
    for home in homes:
        for sid, text in _read_history(Path(home) / HISTORY, needed, report).items():
            done[sid].history = done[sid].history or text


def _read_history(path: Path, needed: set[str], report: Report) -> dict[str, str]:
    """The first prompt of each session of ``needed`` in a ``history.jsonl`` (``{session_id or
    conversation_id, ts, text}`` lines); nothing when the file is missing."""
    found: dict[str, str] = {}
    try:
        if path.is_symlink() or not path.is_file():
            return found
        if path.stat().st_size > _HISTORY_MAX:
            report(Skipped(str(path), "too big for a prompt history; not read for titles"))
            return found
        bad = 0
        with path.open("rb") as stream:
            for raw in stream:
                try:
                    record = json.loads(raw)
                except (ValueError, RecursionError):
                    bad += 1 if raw.strip() else 0
                    continue
                record = as_dict(record)
                sid = as_str(record.get("session_id")) or as_str(record.get("conversation_id"))
                text = as_str(record.get("text"))
                if sid in needed and text and text.strip() and sid not in found:
                    found[sid] = text.strip()
        if bad:
            report(Skipped(str(path), f"{bad} unreadable line(s); the others were used"))
    except OSError as exc:
        report(Skipped(str(path), f"cannot be read ({exc.strerror or exc})"))
    return found


def _saved(checkpoints: Checkpoints, sid: str) -> tuple[dict[str, Any], list[Message]] | None:
    """A session's saved state; None for none, or for sub-agents waiting for it (not stored)."""
    saved = checkpoints.load(make_session_id(SOURCE, sid))
    if saved is None or saved[0].get("waiting") is True:
        return None
    return saved


def _waiting(checkpoints: Checkpoints, sid: str) -> dict[str, list[int]]:
    """The tokens of sub-agents read before their parent ``sid`` (by sub-agent id)."""
    saved = checkpoints.load(make_session_id(SOURCE, sid))
    if saved is None:
        return {}
    return {str(k): p for k, v in as_dict(saved[0].get("sub_tokens")).items()
            if (p := _pair(v)) is not None}


def _read_one(f: GroupFile, report: Report, checkpoints: Checkpoints | None) -> _Rollout:
    with open(f.path, "rb") as raw:
        rollout: _Rollout | None = None
        if f.start and checkpoints is not None:
            head = b""
            with open(f.path, "rb") as peek:
                head = peek.read(65536)
            sid = _peek_id(head, f.path)
            saved = _saved(checkpoints, sid)
            if saved is not None:
                rollout = _Rollout.from_state(sid, *saved)
                raw.seek(f.start)
        if rollout is None:
            f.start = 0
            rollout = _Rollout(_session_id(f.path))
        _read_file(raw, f, rollout, report)
    if f.start == 0 and rollout.sid == _session_id(f.path):
        with open(f.path, "rb") as peek:
            rollout.sid = _peek_id(peek.read(65536), f.path)
    f.sessions = {make_session_id(SOURCE, rollout.parent or rollout.sid)}
    return rollout


def _total(rollout: _Rollout) -> list[int] | None:
    """A rollout's tokens with its sub-agents'; None when no part of it recorded any."""
    if not rollout.has_tokens and not rollout.sub_tokens:
        return None
    return [rollout.tokens[i] + sum(t[i] for t in rollout.sub_tokens.values())
            for i in range(3)]


def _finish(done: dict[str, _Rollout], checkpoints: Checkpoints | None, report: Report,
            files_of: dict[str, GroupFile] | None = None) -> Iterator[Session]:
    """Attach sub-agents to their parents (deepest first), save states, yield the sessions.

    A sub-agent whose parent is not imported (yet) is not a session: its tokens wait in the
    parent's state and count toward the parent when its rollout is read.
    """
    files_of = files_of or {}
    parents: dict[str, _Rollout] = {}
    if checkpoints is not None:
        for rollout in done.values():  # sub-agents read before this parent, or not re-read
            for sub, pair in _waiting(checkpoints, rollout.sid).items():
                rollout.sub_tokens.setdefault(sub, pair)

    def depth(rollout: _Rollout) -> int:
        seen: set[str] = set()
        while rollout.parent and rollout.parent in done and rollout.sid not in seen:
            seen.add(rollout.sid)
            rollout = done[rollout.parent]
        return len(seen)

    for rollout in sorted(done.values(), key=depth, reverse=True):
        if not rollout.parent:
            continue
        if checkpoints is not None:
            checkpoints.save(make_session_id(SOURCE, rollout.sid), rollout.state())
        parent = done.get(rollout.parent) or parents.get(rollout.parent)
        if parent is None and checkpoints is not None:
            saved = _saved(checkpoints, rollout.parent)
            if saved is not None:
                parent = _Rollout.from_state(rollout.parent, *saved)
                parents[rollout.parent] = parent
        total = _total(rollout)
        if parent is not None:
            if total is not None:
                parent.sub_tokens[rollout.sid] = total
            continue
        if checkpoints is None:
            report(Skipped(f"sub-agent session {rollout.sid}",
                           "its parent session was not found: imported on its own"))
            rollout.parent = None
            continue
        subs = _waiting(checkpoints, rollout.parent)
        if total is not None:
            subs[rollout.sid] = total
        checkpoints.save(make_session_id(SOURCE, rollout.parent),
                         {"waiting": True, "sub_tokens": subs})
        report(Skipped(f"sub-agent session {rollout.sid}",
                       f"its parent session {rollout.parent} is not imported (yet): its tokens "
                       "count toward it once it is"))
        if rollout.sid in files_of:
            files_of[rollout.sid].sessions = set()
    for rollout in [*done.values(), *parents.values()]:
        if rollout.parent:
            if checkpoints is not None and rollout.sid in parents:
                checkpoints.save(make_session_id(SOURCE, rollout.sid), rollout.state())
            continue
        if checkpoints is not None:
            checkpoints.save(make_session_id(SOURCE, rollout.sid), rollout.state())
        if not rollout.entries and not rollout.has_tokens and not rollout.sub_tokens:
            report(Skipped(f"session {rollout.sid}", "empty session (no messages)"))
            if rollout.sid in files_of:
                files_of[rollout.sid].sessions = set()
            continue
        if rollout.sid in files_of:  # an orphan read alone is a session of its own
            files_of[rollout.sid].sessions = {make_session_id(SOURCE, rollout.sid)}
        yield rollout.session()


def parse(stream: BinaryIO, name: str, report: Report) -> Iterator[Session]:
    """One rollout read on its own (a zip member or a single stream)."""
    head, stream = read_head(stream)
    if not head.strip():
        raise FormatError(name, "the file is empty")
    rollout = _Rollout(_peek_id(head, name))
    _read_file(stream, GroupFile(path=name, name=name, size=0), rollout, report)
    rollout.parent = None  # read alone: a sub-agent is shown on its own
    yield from _finish({rollout.sid: rollout}, None, report)


def locations(p: Places) -> Iterator[Found]:
    """``~/.codex/sessions`` and ``archived_sessions`` (or under ``$CODEX_HOME``)."""
    configured = p.env.get("CODEX_HOME")
    root = Path(configured).expanduser() if configured else p.home / ".codex"

    def rollout(name: str, _dir: str) -> bool:
        return name.startswith("rollout-") and name.endswith((".jsonl", ".json"))

    for folder in ("sessions", "archived_sessions"):
        found = found_folder(SOURCE, root / folder, rollout)
        if found:
            yield found



# --- synthetic logs (demo-data, the demo, tests) -------------------------------------------------

_CLI_VERSION = "0.104.0"
_CONTEXT_WINDOW = 258_400


def rollout_name(started: datetime, session_id: str) -> str:
    """``YYYY/MM/DD/rollout-YYYY-MM-DDThh-mm-ss-<id>.jsonl`` (local time, as Codex names it)."""
    local = started.astimezone()
    return local.strftime("%Y/%m/%d/rollout-%Y-%m-%dT%H-%M-%S-") + f"{session_id}.jsonl"


def write_demo(sessions: Iterable[Session], out: Path) -> Path:
    """Write ``sessions`` as Codex rollouts, ``sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl``
    under ``out`` (a ``~/.codex`` folder); returns ``out``.

    Each rollout opens with ``session_meta`` and injected ``<environment_context>``; each turn
    has ``task_started``, the typed prompt as an ``event_msg`` ``user_message`` (and again as a
    ``response_item``), a ``turn_context`` naming the model, then answers (some with a
    ``reasoning`` item), tool calls (``exec_command`` function calls, ``apply_patch`` custom tool
    calls for edits) and their outputs joined by ``call_id``, and ``task_complete``. After each
    answer and call a ``token_count`` event carries the cumulative totals (one in four repeated
    unchanged, as Codex does; rate-limit-only events with ``info: null`` too). One session with
    tools in three hands a call to a sub-agent: its own rollout whose ``session_meta`` names the
    parent thread, holding a share of the session's tokens. System messages are compactions.
    Half the sessions get a title by ``thread_name_updated``. ``history.jsonl`` beside
    ``sessions/`` holds every typed prompt (``{session_id, ts, text}``, in time order), as
    Codex keeps it.
    """
    root = out / "sessions"
    root.mkdir(parents=True, exist_ok=True)
    prompts: list[dict[str, Any]] = []
    for session in sessions:
        rollout = _DemoRollout(session)
        rollout.write(root)
        prompts += rollout.prompts
    prompts.sort(key=lambda p: (p["ts"], p["session_id"]))
    writing.write_jsonl(out / HISTORY, prompts)
    return out


class _DemoRollout:
    """The lines of one session's rollout (and its sub-agent's)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.key = session.id
        self.lines: list[dict[str, Any]] = []
        self.tick = 0
        self.at: datetime | None = None
        #: The typed prompts, as ``history.jsonl`` lines.
        self.prompts: list[dict[str, Any]] = []

    def line(self, moment: datetime, kind: str, payload: dict[str, Any],
             into: list[dict[str, Any]] | None = None) -> None:
        # Records of one moment keep their order a few milliseconds apart (never a second).
        self.tick = self.tick + 1 if moment == self.at else 0
        self.at = moment
        stamp = moment + timedelta(milliseconds=min(990, 3 * self.tick))
        (self.lines if into is None else into).append(
            {"timestamp": writing.iso_z(stamp), "type": kind, "payload": payload})

    def meta(self, sid: str, moment: datetime, **extra: Any) -> dict[str, Any]:
        payload: dict[str, Any] = {"id": sid, "timestamp": writing.iso_z(moment)}
        if self.session.project:
            payload["cwd"] = self.session.project
        vscode = writing.roll(self.key, "originator", 4) == 0
        payload.update({"originator": "codex_vscode" if vscode else "codex_cli_rs",
                        "cli_version": _CLI_VERSION, "source": "vscode" if vscode else "cli",
                        "model_provider": "openai", **extra})
        return payload

    def usages(self, count: int) -> list[tuple[int, int]] | None:
        session = self.session
        if session.tokens_in is None and session.tokens_out is None:
            return None
        return list(zip(writing.split(session.tokens_in or 0, count, self.key + "/in"),
                        writing.split(session.tokens_out or 0, count, self.key + "/out"),
                        strict=True))

    def write(self, root: Path) -> None:
        session = self.session
        sid = session.external_id
        items = writing.timed(session)
        start = writing.start_of(session)
        tools = [i for i in items if i.role == "tool"]
        requests = sum(1 for i in items if i.role in ("assistant", "tool"))
        # A sub-agent only where tokens are recorded: it is how its work shows in the parent.
        spawn = None
        if tools and writing.roll(self.key, "subagent", 3) == 0 and self.usages(1):
            spawn = tools[writing.roll(self.key, "spawn", len(tools))].index
        usages = self.usages(requests + (2 if spawn is not None else 0))
        totals = [0, 0]
        git = {"commit_hash": writing.stable_hex(self.key, "commit", 40), "branch": "main"}
        self.line(start, "session_meta", self.meta(sid, start, git=git))
        environment = "<environment_context>\n"
        if session.project:
            environment += f"  <cwd>{session.project}</cwd>\n"
        environment += ("  <approval_policy>on-request</approval_policy>\n"
                        "  <sandbox_mode>workspace-write</sandbox_mode>\n"
                        "  <network_access>restricted</network_access>\n"
                        "  <shell>bash</shell>\n</environment_context>")
        self.line(start, "response_item", {"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": environment}]})
        request = 0
        for turn, (prompt, after) in enumerate(writing.exchanges(items)):
            turn_id = writing.stable_uuid(self.key, f"turn{turn}")
            begin = prompt.time if prompt is not None else after[0].time
            self.line(begin, "event_msg", {"type": "task_started", "turn_id": turn_id,
                                           "model_context_window": _CONTEXT_WINDOW})
            if turn == 0:
                self.line(begin, "event_msg", {"type": "token_count", "info": None,
                                               "rate_limits": self.rate_limits(begin)})
            if prompt is not None:
                self.prompts.append({"session_id": sid, "ts": int(prompt.time.timestamp()),
                                     "text": prompt.text})
                self.line(prompt.time, "event_msg", {
                    "type": "user_message", "message": prompt.text, "images": [],
                    "local_images": [], "text_elements": []})
                self.line(prompt.time, "response_item", {
                    "type": "message", "role": "user",
                    "content": [{"type": "input_text", "text": prompt.text}]})
            answer = next((i for i in after if i.role == "assistant"), None)
            model = writing.model_of(answer.message, session) if answer else session.model
            context: dict[str, Any] = {"turn_id": turn_id}
            if session.project:
                context["cwd"] = session.project
            context.update({"approval_policy": "on-request",
                            "sandbox_policy": {"type": "workspace-write"}, "model": model,
                            "effort": "medium", "summary": "auto"})
            self.line(begin, "turn_context", context)
            last_text = None
            for item in after:
                if item.role == "system":
                    self.line(item.time, "compacted", {"message": item.text,
                                                       "replacement_history": []})
                    self.line(item.time, "event_msg", {"type": "context_compacted"})
                    continue
                if item.role == "assistant":
                    self.answer(item, item is after[-1])
                    last_text = item.text
                else:
                    self.call(item, root, spawn, usages)
                if usages is not None:
                    self.count(item.time, usages[request], totals)
                request += 1
            end = after[-1].time if after else begin
            self.line(end, "event_msg", {"type": "task_complete", "turn_id": turn_id,
                                         "last_agent_message": last_text})
            if turn == 0 and writing.roll(self.key, "thread name", 2) == 0:
                self.line(end, "event_msg", {"type": "thread_name_updated",
                                             "thread_id": sid, "thread_name": session.title})
        writing.write_jsonl(root / rollout_name(start, sid), self.lines)

    def rate_limits(self, moment: datetime) -> dict[str, Any]:
        used = float(writing.roll(self.key, "limits", 40))
        return {"primary": {"used_percent": used, "window_minutes": 300,
                            "resets_at": int(moment.timestamp()) + 9000},
                "secondary": {"used_percent": used / 4, "window_minutes": 10080,
                              "resets_at": int(moment.timestamp()) + 400_000}}

    def count(self, moment: datetime, usage: tuple[int, int], totals: list[int],
              into: list[dict[str, Any]] | None = None) -> None:
        totals[0] += usage[0]
        totals[1] += usage[1]

        def tokens(tokens_in: int, tokens_out: int) -> dict[str, int]:
            return {"input_tokens": tokens_in, "cached_input_tokens": tokens_in * 4 // 5,
                    "output_tokens": tokens_out, "reasoning_output_tokens": tokens_out // 3,
                    "total_tokens": tokens_in + tokens_out}

        payload = {"type": "token_count", "info": {
            "total_token_usage": tokens(*totals), "last_token_usage": tokens(*usage),
            "model_context_window": _CONTEXT_WINDOW}, "rate_limits": self.rate_limits(moment)}
        repeats = 2 if writing.roll(self.key, f"repeat{totals}", 4) == 0 else 1
        for _ in range(repeats):  # Codex often writes the same count twice
            self.line(moment, "event_msg", payload, into)

    def answer(self, item: writing.Timed, final: bool) -> None:
        if writing.roll(self.key, f"reasoning{item.index}", 3) == 0:
            self.line(item.time, "response_item", {
                "type": "reasoning", "summary": [{"type": "summary_text",
                                                  "text": "**Planning the change**"}],
                "content": None,
                "encrypted_content": "gAAAAB" + writing.stable_hex(self.key, f"enc{item.index}",
                                                                   48)})
        self.line(item.time, "response_item", {
            "type": "message", "role": "assistant",
            "content": [{"type": "output_text", "text": item.text}],
            "phase": "final_answer" if final else "commentary"})
        self.line(item.time, "event_msg", {"type": "agent_message", "message": item.text})

    def call(self, item: writing.Timed, root: Path, spawn: int | None,
             usages: list[tuple[int, int]] | None) -> None:
        step = writing.tool_step(item.text)
        call_id = "call_" + writing.stable_hex(self.key, f"call{item.index}", 24)
        if item.index == spawn:
            agent = writing.stable_uuid(self.key, "sub-agent")
            self.line(item.time, "response_item", {
                "type": "function_call", "name": "spawn_agent", "call_id": call_id,
                "arguments": writing.dump({"task": item.text, "agent_role": "explorer"})})
            self.subagent(agent, item, root, usages[-2:] if usages else None)
            self.line(item.time, "response_item", {
                "type": "function_call_output", "call_id": call_id,
                "output": f"Agent {agent} finished: {item.text}"})
            return
        if step.kind == "edit":
            patch = (f"*** Begin Patch\n*** Update File: {step.target}\n@@\n-…\n+…\n"
                     "*** End Patch\n")
            self.line(item.time, "response_item", {
                "type": "custom_tool_call", "status": "completed", "call_id": call_id,
                "name": "apply_patch", "input": patch})
            output = {"output": f"Success. Updated the following files:\nM {step.target}\n",
                      "metadata": {"exit_code": 0, "duration_seconds": 0.1}}
            self.line(item.time, "response_item", {
                "type": "custom_tool_call_output", "call_id": call_id,
                "output": writing.dump(output)})
            return
        command = {"read": f"sed -n '1,200p' {step.target}",
                   "search": f"rg -n '{step.target}'"}.get(step.kind, step.target)
        arguments: dict[str, Any] = {"cmd": command}
        if self.session.project:
            arguments["workdir"] = self.session.project
        self.line(item.time, "response_item", {
            "type": "function_call", "name": "exec_command",
            "arguments": writing.dump(arguments), "call_id": call_id})
        self.line(item.time, "response_item", {
            "type": "function_call_output", "call_id": call_id,
            "output": f"Process exited with code 0\nOutput:\n{step.result}"})

    def subagent(self, agent: str, item: writing.Timed, root: Path,
                 usages: list[tuple[int, int]] | None) -> None:
        """The sub-agent's own rollout (its tokens count toward this session)."""
        lines: list[dict[str, Any]] = []
        begin = item.time - timedelta(seconds=1)
        source = {"subagent": {"thread_spawn": {
            "parent_thread_id": self.session.external_id, "depth": 1}}}
        self.line(begin, "session_meta", {**self.meta(agent, begin), "source": source,
                                          "agent_nickname": "Scout", "agent_role": "explorer"},
                  lines)
        self.line(begin, "turn_context", {"turn_id": writing.stable_uuid(self.key, "subturn"),
                                          "model": self.session.model, "effort": "low"}, lines)
        self.line(begin, "event_msg", {"type": "user_message", "message": item.text,
                                       "images": [], "local_images": [], "text_elements": []},
                  lines)
        step = writing.tool_step(item.text)
        call_id = "call_" + writing.stable_hex(self.key, "subcall", 24)
        self.line(begin, "response_item", {
            "type": "function_call", "name": "exec_command", "call_id": call_id,
            "arguments": writing.dump({"cmd": f"rg -n '{step.target[:40]}'"})}, lines)
        self.line(begin, "response_item", {"type": "function_call_output", "call_id": call_id,
                                           "output": step.result}, lines)
        totals = [0, 0]
        if usages:
            self.count(begin, usages[0], totals, lines)
        self.line(begin, "response_item", {
            "type": "message", "role": "assistant", "phase": "final_answer",
            "content": [{"type": "output_text", "text": item.text}]}, lines)
        if usages:
            self.count(begin, usages[1], totals, lines)
        writing.write_jsonl(root / rollout_name(begin, agent), lines)


SPEC = SourceSpec(
    name=SOURCE,
    display_name="Codex",
    format=FORMAT,
    version=VERSION,
    sniff=sniff,
    parse=parse,
    group=GroupSpec(key=group_key, parse=parse_group),
    locations=locations,
    writer=write_demo,
    companion_names=frozenset({HISTORY}),
)
