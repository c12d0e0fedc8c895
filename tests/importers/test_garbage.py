"""Every parser in the registry takes any input: it yields sessions or raises FormatError,
never another exception.

Each source has an entry in ``GARBAGE``: the file name its parser is given, the near-misses of
its format tried with random bytes (a valid head with random bytes after it, its record lines in
any order), and, where it reads JSON, any JSON shape made of its own keys put where its records
go (structure random bytes seldom reach; a test of its own). A source added to the registry
without an entry fails until it has one.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.domain import Session
from desktop_app.importers import cursor, registry
from desktop_app.importers.contract import FormatError, Skipped, SourceSpec
from tests.builders import cursor_state_db, parse_bytes

Bytes = st.SearchStrategy[bytes]
SQLITE_HEADER = b"SQLite format 3\x00"


def after(head: bytes, *, max_size: int = 300) -> Bytes:
    """A valid head of the format followed by random bytes."""
    return st.binary(max_size=max_size).map(lambda tail: head + tail)


def text_after(head: str, *, max_size: int = 200) -> Bytes:
    """A valid head followed by random text (UTF-8, unlike :func:`after`)."""
    return st.text(max_size=max_size).map(lambda tail: (head + tail).encode())


def lines_of(pieces: Sequence[bytes], *, first: bytes = b"", min_size: int = 0) -> Bytes:
    """Up to eight of the given lines in any order and number, after ``first``."""
    return st.lists(st.sampled_from(pieces), min_size=min_size, max_size=8).map(
        lambda lines: first + b"\n".join(lines))


@dataclass(frozen=True)
class Shapes:
    """Any JSON shape (lists, objects keyed by the format's own ``keys``, scalars), put where the
    format expects its records by ``wrap``. Hypothesis shows the value, not the bytes, when a
    test fails."""

    keys: tuple[str, ...]
    wrap: Callable[[Any], bytes]
    floats: bool = False

    def values(self) -> st.SearchStrategy[Any]:
        """The JSON values to wrap."""
        scalars: st.SearchStrategy[Any] = (st.none() | st.booleans() | st.integers()
                                           | st.text(max_size=5))
        if self.floats:
            scalars = scalars | st.floats(allow_nan=False)
        return st.recursive(
            scalars,
            lambda children: st.lists(children, max_size=4)
            | st.dictionaries(st.sampled_from(self.keys), children, max_size=5),
            max_leaves=30,
        )


def shapes(keys: Sequence[str], wrap: Callable[[Any], bytes], *, floats: bool = False) -> Shapes:
    """See :class:`Shapes`."""
    return Shapes(tuple(keys), wrap, floats)


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


def _cursor_db(value: Any) -> bytes:
    """A Cursor ``state.vscdb`` whose composer, bubble and legacy chat entries are ``value``."""
    with tempfile.TemporaryDirectory() as folder:
        path = cursor_state_db(
            Path(folder) / "state.vscdb",
            {"composerData:x": value if isinstance(value, dict) else {"conversation": value},
             "bubbleId:x:y": value},
            items={cursor.LEGACY_KEY: {"tabs": [value]}})
        return path.read_bytes()


@dataclass(frozen=True)
class Garbage:
    """What to feed one source's parser besides random bytes."""

    #: The file name the parser is given (some parsers look at it).
    name: str
    #: Near-misses of the format, tried with random bytes.
    pieces: tuple[Bytes, ...]
    #: Any JSON shape of the format's keys where its records go (see :func:`shapes`), if it
    #: reads JSON.
    shapes: Shapes | None = None
    #: Hypothesis examples of each kind (Cursor builds a database per example: fewer).
    examples: int = 150
    shape_examples: int = 100


GARBAGE: dict[str, Garbage] = {
    "chatgpt": Garbage(
        "file.json",
        (after(b'[{"id": "x", "mapping": {'), text_after('{"conversations": [')),
        shapes=shapes(["id", "mapping", "message", "parent", "children", "content", "parts",
                       "author", "role", "current_node", "create_time", "title", "content_type",
                       "metadata"],
                      lambda v: _json([v, {"id": "c", "mapping": v}]), floats=True),
    ),
    "claude-ai": Garbage(
        "file.json",
        (after(b'[{"uuid": "x", "chat_messages": ['),),
        shapes=shapes(["uuid", "sender", "text", "content", "type", "parent_message_uuid",
                       "created_at", "attachments", "files", "name", "input", "thinking"],
                      lambda v: _json([{"uuid": "c", "chat_messages": [v, v]}, v])),
    ),
    "gemini": Garbage(
        "MyActivity.json",
        (after(b'[{"header": "Gemini Apps", "title": '),
         text_after('<div class="outer-cell">Gemini ', max_size=300)),
    ),
    "open-webui": Garbage(
        "file.json",
        (after(b'[{"id": "x", "chat": {"history": '),),
        shapes=shapes(["id", "chat", "history", "messages", "currentId", "parentId",
                       "childrenIds", "role", "content", "timestamp", "usage", "files", "model",
                       "error"],
                      lambda v: _json([{"id": "c", "chat": {
                          "history": {"messages": {"a": v}, "currentId": "a"},
                          "messages": [v]}}, v])),
    ),
    "generic": Garbage(
        "x.csv",
        (after(b"session_id,time,role,text\n"), after(b'{"session_id": 1, "role": "user"}\n')),
    ),
    "claude-code": Garbage("x.jsonl", (
        after(b'{"type":"user","sessionId":"s","uuid":"u",'),
        lines_of([
            b'{"type":"user","sessionId":"s","message":{"content":[{"type":"tool_result"}]}}',
            b'{"type":"assistant","sessionId":"s","message":{"id":1,"usage":{"input_tokens":"x"}}}',
            b'{"type":"assistant","message":{"content":[null, 3, {"type":null}]}}',
            b'{"type":"summary","leafUuid":null,"summary":5}', b'{"type":"custom-title"}',
            b'{"type":"user","message":{"content":{"a":1}},"timestamp":12}', b"[]", b"{", b"",
        ]),
    )),
    "codex": Garbage("x.jsonl", (
        after(b'{"type":"session_meta","payload":{'),
        after(b'{"session":{"id":"x"},"items":['),
        lines_of([
            b'{"type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":5}}}',
            b'{"type":"event_msg","payload":{"type":"user_message","message":null,"images":3}}',
            b'{"type":"response_item","payload":{"type":"function_call_output","output":[1]}}',
            b'{"type":"response_item","payload":{"type":"message","content":{"a":1}}}',
            b'{"type":"turn_context","payload":{"model":5,"collaboration_mode":[]}}',
            b'{"type":"session_meta","payload":{"source":{"subagent":"x"},"forked_from_id":1}}',
            b'{"id":1,"instructions":2}', b'{"record_type":"state"}', b"[]", b"{", b"",
        ]),
    )),
    "copilot": Garbage("x.jsonl", (
        after(b'{"version":3,"sessionId":"x","requests":['),
        # The operation log: a first snapshot, then patches of every kind, valid or not.
        lines_of([
            b'{"kind":0,"v":{"sessionId":"s","requests":[{"message":5,"response":{"a":1}}]}}',
            b'{"kind":1,"k":["requests",0,"response"],"v":[{"kind":"inlineReference"}]}',
            b'{"kind":2,"k":["requests"],"i":-3,"v":7}', b'{"kind":2,"k":[],"v":[]}',
            b'{"kind":3,"k":["requests",99]}', b'{"kind":1,"k":[0,"x"],"v":null}',
            b'{"kind":2,"k":["requests"],"v":[{"timestamp":"x","result":{"metadata":[]}}]}',
            b"[]", b"{", b"",
        ], first=b'{"kind":0,"v":{"requests":[]}}\n', min_size=1),
    )),
    "cursor": Garbage(
        "state.vscdb",
        (after(SQLITE_HEADER, max_size=2000),),
        # A real SQLite database whose entries are any JSON of Cursor's keys.
        shapes=shapes(["composerId", "conversation", "type", "text",
                       "fullConversationHeadersOnly", "bubbleId", "toolFormerData", "tokenCount",
                       "createdAt", "thinking", "modelInfo"], _cursor_db),
        examples=60, shape_examples=40,
    ),
    "aider": Garbage(".aider.chat.history.md", (
        lines_of([
            b"# aider chat started at 2025-10-23 17:04:56",
            b"# aider chat started at 2025-99-99 99:00:00",
            b"#### hi", b"####", b"> Tokens: 1,2k sent, 3M received. Cost: $1 message, $2 session.",
            b"> Main model: x", b"```", b">", b"text", b"", b"\xff\xfe",
        ]),
    )),
    "llm": Garbage(
        "logs.db",
        (after(SQLITE_HEADER, max_size=3000), st.binary(max_size=3000)),
        examples=120,
    ),
    "gemini-cli": Garbage(
        "session.json",
        (after(b'{"sessionId":"s","startTime":"x","messages":['),),
        shapes=shapes(["type", "content", "text", "tokens", "input", "thoughts", "toolCalls",
                       "result", "args", "timestamp", "model"],
                      lambda v: _json({"sessionId": "s", "startTime": "x", "messages": [v, v]})),
    ),
}

#: The sources whose parsers read JSON (or, for Cursor, JSON inside SQLite).
JSON_SPECS = [spec for spec in registry.SPECS
              if spec.name in GARBAGE and GARBAGE[spec.name].shapes is not None]


def test_every_entry_is_a_source_in_the_registry() -> None:
    assert sorted(GARBAGE) == sorted(registry.SOURCES)


@pytest.mark.parametrize("spec", registry.SPECS, ids=lambda spec: spec.name)
def test_garbage_gives_sessions_or_format_error_only(spec: SourceSpec) -> None:
    assert spec.name in GARBAGE, f"add {spec.name!r} to GARBAGE in {__name__}"
    garbage = GARBAGE[spec.name]

    @settings(max_examples=garbage.examples, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(st.one_of(st.binary(max_size=400), *garbage.pieces))
    def parse_any(data: bytes) -> None:
        _parses_or_format_error(spec, data, garbage.name)

    parse_any()


@pytest.mark.parametrize("spec", JSON_SPECS, ids=lambda spec: spec.name)
def test_any_json_shape_gives_sessions_or_format_error_only(spec: SourceSpec) -> None:
    garbage = GARBAGE[spec.name]
    shapes = garbage.shapes
    assert shapes is not None

    @settings(max_examples=garbage.shape_examples, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(shapes.values())
    def parse_any(value: Any) -> None:
        _parses_or_format_error(spec, shapes.wrap(value), garbage.name)

    parse_any()


def _parses_or_format_error(spec: SourceSpec, data: bytes, name: str) -> None:
    try:
        sessions, skipped = parse_bytes(spec, data, name)
    except FormatError:
        return
    assert all(isinstance(s, Session) for s in sessions)
    assert all(isinstance(s, Skipped) for s in skipped)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=500))
def test_every_sniff_takes_any_bytes(data: bytes) -> None:
    for spec in registry.SPECS:
        assert spec.sniff(data, "conversations.json") in (True, False)
