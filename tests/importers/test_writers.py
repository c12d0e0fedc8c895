"""Every source's synthetic writer: one spec per source, files that import back as written.

What a format cannot carry, per source (the rest round-trips: the thread's roles, the person's
prompts, model, tokens, the tool's id, the project where the tool records one, the start):

- ``chatgpt``: no tokens; system messages are hidden.
- ``claude-ai``: no model, no tokens, no system messages; tool calls are blocks of an answer.
- ``gemini``: no model, no tokens, no tool or system messages, nothing before the first prompt,
  one answer per prompt; a session written without a chat link gets an id derived from its
  first record.
- ``open-webui``: tool calls are shown inside an answer; no system messages.
- ``claude-code``: a tool call needs an answer to make it: a tool run with none before it gets
  one (shown as an answer).
- ``copilot``: one answer per request: tool calls are parts of it.
- ``cursor``: no system messages.
- ``aider``: no message times, no id (derived from the run), the project is the file's folder;
  no system messages; consecutive messages of one role are one block; output before the first
  message is the run's banner.
- ``llm``: one system prompt, the chain's first message: later system messages are not kept.
- ``generic``, ``codex``, ``gemini-cli``: everything.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from desktop_app.demo.exports import sessions_for
from desktop_app.demo.story import demo_sessions
from desktop_app.domain import Session, utc_iso
from desktop_app.importers import aider, registry
from desktop_app.importers.contract import SourceSpec
from desktop_app.importers.values import title_from
from desktop_app.ingest import import_paths
from desktop_app.store import get_transcript, list_sessions
from desktop_app.store.imports import session_extras

SOURCES = registry.SOURCES
NO_MODEL = frozenset({"claude-ai", "gemini"})
NO_TOKENS = frozenset({"chatgpt", "claude-ai", "gemini"})
#: Sources whose project is what the tool recorded (Aider's is the history file's folder).
PROJECT = frozenset({"claude-code", "codex", "copilot", "cursor"})
BRANCHES = frozenset({"chatgpt", "claude-ai", "open-webui"})


# --- the thread each format gives back -----------------------------------------------------------


def _exchanges(roles: list[str]) -> Iterator[tuple[bool, list[str]]]:
    prompt, started = False, False
    after: list[str] = []
    for role in roles:
        if role == "user":
            if started:
                yield prompt, after
            prompt, after, started = True, [], True
        else:
            after.append(role)
            started = True
    if started:
        yield prompt, after


def _answers_absorb_tools(roles: list[str]) -> list[str]:
    out: list[str] = []
    for prompt, after in _exchanges(roles):
        out += ["user"] * prompt
        answers = after.count("assistant")
        out += ["assistant"] * (answers or int("tool" in after))
    return out


def _one_answer_per_prompt(roles: list[str], *, leading: bool) -> list[str]:
    out: list[str] = []
    for prompt, after in _exchanges(roles):
        if prompt or leading:
            out += ["user"] * prompt + ["assistant"] * int(bool(after))
    return out


def _gemini(roles: list[str]) -> list[str]:
    return _one_answer_per_prompt([r for r in roles if r in ("user", "assistant")],
                                  leading=False)


def _claude_code(roles: list[str]) -> list[str]:
    out: list[str] = []
    answering = False  # a response is open: tool calls join it
    for role in roles:
        if role == "tool":
            if not answering:
                out.append("assistant")  # the response that makes the call
                answering = True
        else:
            answering = role == "assistant"
        out.append(role)
    return out


def _aider(roles: list[str]) -> list[str]:
    out: list[str] = []
    for role in roles:
        if role == "system" or (role == "tool" and not out):
            continue
        if not out or out[-1] != role:
            out.append(role)
    return out


SHAPES: dict[str, Callable[[list[str]], list[str]]] = {
    "chatgpt": lambda roles: [r for r in roles if r != "system"],
    "claude-ai": _answers_absorb_tools,
    "open-webui": _answers_absorb_tools,
    "gemini": _gemini,
    "claude-code": _claude_code,
    "copilot": lambda roles: _one_answer_per_prompt(roles, leading=True),
    "cursor": lambda roles: [r for r in roles if r != "system"],
    "aider": _aider,
    "llm": lambda roles: [r for i, r in enumerate(roles) if r != "system" or i == 0],
}


def expected_roles(source: str, session: Session) -> list[str]:
    """The roles of the transcript the importer gives for ``session`` written by ``source``."""
    roles = [m.role for m in session.messages]
    shape = SHAPES.get(source)
    return roles if shape is None else shape(roles)


# --- helpers -------------------------------------------------------------------------------------


def _import(db: Database, path: Path, count: int) -> None:
    report = import_paths(db, [path])
    entry = report.files[0]
    assert entry.error is None, entry.error
    assert entry.skipped == []
    assert (entry.sessions_new, entry.sessions_updated) == (count, 0)


def _round_trip(db: Database, spec: SourceSpec, written: list[Session], out: Path, *,
                project: bool) -> None:
    assert spec.writer is not None
    by_start = {utc_iso(s.started_at): s for s in written}
    assert len(by_start) == len(written), "the sessions start at distinct times"
    path = spec.writer(iter(written), out)
    _import(db, path, len(written))
    rows = list_sessions(db)
    assert len(rows) == len(written)
    for row in rows:
        assert row.source == spec.name
        session = by_start[utc_iso(row.started_at)]
        roles = [m.role for m in get_transcript(db, row.id)]
        expected = expected_roles(spec.name, session)
        assert roles == expected, (session.external_id, [m.role for m in session.messages])
        assert (row.messages, row.user_messages) == (len(expected), expected.count("user"))
        assert row.model == (None if spec.name in NO_MODEL else session.model)
        tokens = (None, None) if spec.name in NO_TOKENS else \
            (session.tokens_in, session.tokens_out)
        if spec.name == "aider" and sum(m.role == "assistant" for m in session.messages) < 2:
            tokens = (_as_aider_prints(session.tokens_in), _as_aider_prints(session.tokens_out))
        assert (row.tokens_in, row.tokens_out) == tokens
        first_prompt = next((m.text for m in session.messages if m.role == "user"), "")
        assert row.title in (session.title, title_from(first_prompt))
        if spec.name == "aider":
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ-[0-9a-f]{12}", row.external_id)
        elif spec.name == "gemini" and row.external_id != session.external_id:
            assert row.external_id.startswith(utc_iso(session.started_at) or "-")  # unlinked
        else:
            assert row.external_id == session.external_id
        if project:
            if spec.name in PROJECT:
                assert row.project == session.project
            elif spec.name == "aider":
                assert row.project is not None
                assert Path(row.project).parent == out
            else:
                assert row.project is None
        if spec.name in BRANCHES:
            assert session_extras(db, row.id)[0] == session.hidden_branches
    again = import_paths(db, [path]).files[0]
    assert (again.sessions_new, again.sessions_updated) == (0, 0)
    assert again.sessions_unchanged == len(written)
    assert again.skipped == []


def _as_aider_prints(count: int | None) -> int | None:
    """A count as it reads back from Aider's ``4.5k`` (a session with one answer)."""
    if count is None:
        return None
    text = aider.tokens_text(count)
    return round(float(text[:-1]) * 1000) if text.endswith("k") else int(text)


def _tree(root: Path) -> dict[str, bytes]:
    if root.is_file():
        return {"": root.read_bytes()}
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


SPECS = pytest.mark.parametrize("spec", registry.SPECS, ids=lambda spec: spec.name)


# --- (a) one spec per source ---------------------------------------------------------------------


def test_each_source_is_one_spec_with_a_parser_and_a_writer() -> None:
    names = [spec.name for spec in registry.SPECS]
    for name in registry.SOURCES:
        specs = [spec for spec in registry.SPECS if spec.name == name]
        assert len(specs) == 1, name
        spec = specs[0]
        assert callable(spec.sniff)
        assert callable(spec.parse)
        assert spec.writer is not None, f"{name} has no synthetic writer"
        # The writer lives with its parser, in the source's own module.
        assert spec.writer.__module__ == spec.parse.__module__
    assert sorted(names) == sorted(registry.SOURCES)
    assert sorted(s.name for s in registry.DETECTION_ORDER) == sorted(names)


# --- (b) what is written imports back as written -------------------------------------------------


@SPECS
def test_generated_sessions_round_trip(db: Database, tmp_path: Path, spec: SourceSpec) -> None:
    written = list(sessions_for(spec.name, 20))
    _round_trip(db, spec, written, tmp_path / "out", project=True)


@pytest.fixture(scope="module")
def foreign() -> list[Session]:
    """Sessions of other tools (the --demo data): tools before answers, missing tokens, …"""
    picked: list[Session] = []
    wanted = {"chatgpt": 3, "claude-ai": 2, "claude-code": 5, "codex": 4, "copilot": 4}
    for session, _rating in demo_sessions(date(2026, 3, 1)):
        if wanted.get(session.source, 0):
            wanted[session.source] -= 1
            picked.append(session)
    return picked


@SPECS
def test_any_sessions_round_trip_as_far_as_the_format_goes(
        db: Database, tmp_path: Path, spec: SourceSpec, foreign: list[Session]) -> None:
    assert any(m.role == "tool" for s in foreign for m in s.messages)
    assert any(s.tokens_in is None for s in foreign)
    _round_trip(db, spec, foreign, tmp_path / "out", project=False)


def test_codex_subagent_is_not_counted_as_a_session(db: Database, tmp_path: Path) -> None:
    spec = registry.spec("codex")
    assert spec.writer is not None
    written = list(sessions_for("codex", 20))
    path = spec.writer(written, tmp_path)
    assert len(list(tmp_path.rglob("*.jsonl"))) > 20  # sub-agents' rollouts too
    entry = import_paths(db, [path]).files[0]
    assert (entry.sessions_new, entry.sessions_unchanged) == (20, 0)
    assert len(list_sessions(db)) == 20
    again = import_paths(db, [path]).files[0]
    assert (again.sessions_new, again.sessions_updated, again.sessions_unchanged) == (0, 0, 20)


@SPECS
def test_same_sessions_same_bytes(tmp_path: Path, spec: SourceSpec) -> None:
    assert spec.writer is not None
    written = list(sessions_for(spec.name, 20))
    first = _tree(spec.writer(iter(written), tmp_path / "a"))
    second = _tree(spec.writer(iter(written), tmp_path / "b"))
    assert first == second
    assert not [name for name in first if name.endswith((".partial", ".spool"))]


# --- (c) the hard parts of each format are in the files ------------------------------------------


#: Sessions written to look for each format's hard parts: enough for the rarest variant to turn up
#: (one ChatGPT title in twenty is null).
HARD_PARTS_SESSIONS = 40


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _has_chatgpt_parts(root: Path) -> None:
    conversations = json.loads(root.read_text(encoding="utf-8"))
    assert any(len(node["children"]) > 1 for c in conversations for node in c["mapping"].values())
    assert any(c["title"] is None for c in conversations)
    assert any(node["message"] and node["message"]["author"]["role"] == "tool"
               for c in conversations for node in c["mapping"].values())
    assert json.loads((root.parent / "message_feedback.json").read_text(encoding="utf-8"))


def _has_claude_ai_parts(root: Path) -> None:
    conversations = json.loads(root.read_text(encoding="utf-8"))
    parents = [m["parent_message_uuid"] for c in conversations for m in c["chat_messages"]]
    assert len(parents) > len(set(parents)), "a regenerated answer shares its parent"
    blocks = {b["type"] for c in conversations for m in c["chat_messages"] for b in m["content"]}
    assert {"text", "thinking"} <= blocks
    assert any(c["name"] == "" for c in conversations)


def _has_gemini_parts(root: Path) -> None:
    records = json.loads(root.read_text(encoding="utf-8"))
    times = [r["time"] for r in records]
    assert times == sorted(times, reverse=True), "Takeout lists the newest first"
    assert any("details" not in r for r in records), "some sessions have no chat link"
    assert any("safeHtmlItem" not in r for r in records), "some prompts have no answer"
    assert any(len(r.get("safeHtmlItem", [])) > 1 for r in records)


def _has_open_webui_parts(root: Path) -> None:
    chats = json.loads(root.read_text(encoding="utf-8"))
    nodes = [n for c in chats for n in c["chat"]["history"]["messages"].values()]
    assert any(len(n["childrenIds"]) > 1 for n in nodes), "a regenerated answer"
    assert any("usage" in n for n in nodes)
    assert any(c["title"] == "New Chat" for c in chats)


def _has_generic_parts(root: Path) -> None:
    rows = _jsonl(root)
    assert {"tool", "title", "tokens_in", "tokens_out", "model"} <= {k for r in rows for k in r}


def _has_claude_code_parts(root: Path) -> None:
    mains = [p for p in (root / "projects").glob("*/*.jsonl")]
    subagents = list((root / "projects").glob("*/*/subagents/agent-*.jsonl"))
    assert mains
    assert subagents
    records = [r for p in mains for r in _jsonl(p)]
    ids = [r["message"]["id"] for r in records if r.get("type") == "assistant"]
    assert len(ids) > len(set(ids)), "a response split over several lines"
    assert any(r.get("type") == "progress" for r in records), "a subagent's mirrored response"
    text = "\n".join(p.read_text(encoding="utf-8") for p in mains)
    for part in ('"type":"tool_use"', '"type":"tool_result"', '"cache_read_input_tokens":',
                 '"type":"summary"', '"isMeta":true', '"name":"Task"'):
        assert part in text, part
    assert all(r.get("isSidechain") is True for p in subagents for r in _jsonl(p))
    # A fork (--fork-session) starts with copies of its source's records, usage included.
    by_file = {p.stem: _jsonl(p) for p in mains}
    forks = {sid: [r for r in rs if "forkedFrom" in r] for sid, rs in by_file.items()}
    forks = {sid: copies for sid, copies in forks.items() if copies}
    assert forks, "a resumed (forked) session"
    for sid, copies in forks.items():
        source = {r["uuid"]: r for r in by_file[copies[0]["forkedFrom"]["sessionId"]]
                  if "uuid" in r}
        assert all(r["sessionId"] == sid and r["forkedFrom"]["messageUuid"] == r["uuid"]
                   and source[r["uuid"]]["timestamp"] == r["timestamp"] for r in copies)
        assert any("usage" in r.get("message", {}) for r in copies)
        assert by_file[sid][:len(copies)] == copies, "the copies come first"


def _has_codex_parts(root: Path) -> None:
    files = sorted((root / "sessions").rglob("rollout-*.jsonl"))
    assert all(re.fullmatch(r"\d{4}/\d\d/\d\d/rollout-.*\.jsonl",
                            str(p.relative_to(root / "sessions"))) for p in files)
    metas = [_jsonl(p)[0]["payload"] for p in files]
    assert any("subagent" in str(m.get("source")) for m in metas)
    text = "\n".join(p.read_text(encoding="utf-8") for p in files)
    for part in ('"type":"function_call"', '"type":"function_call_output"',
                 '"type":"custom_tool_call"', '"type":"user_message"', '"type":"turn_context"',
                 '"info":null', '"type":"thread_name_updated"'):
        assert part in text, part
    for path in files:
        counts = [r["payload"]["info"]["total_token_usage"]["input_tokens"]
                  for r in _jsonl(path) if r["type"] == "event_msg"
                  and r["payload"]["type"] == "token_count"
                  and r["payload"]["info"]]
        assert counts == sorted(counts), "cumulative totals"
    assert any(len(c) > len(set(c)) for c in ([
        json.dumps(r["payload"]) for r in _jsonl(p) if r["type"] == "event_msg"
        and r["payload"]["type"] == "token_count"] for p in files)), "a repeated count"
    history = _jsonl(root / "history.jsonl")
    assert history
    assert [h["ts"] for h in history] == sorted(h["ts"] for h in history)
    assert {h["session_id"] for h in history} <= {m["id"] for m in metas}


def _has_copilot_parts(root: Path) -> None:
    workspaces = list((root / "workspaceStorage").iterdir())
    assert workspaces
    assert all((w / "workspace.json").is_file() for w in workspaces)
    logs = list(root.rglob("chatSessions/*.jsonl"))
    kinds = {op["kind"] for p in logs for op in _jsonl(p)}
    assert kinds == {0, 1, 2, 3}
    assert any(p.with_suffix(".json").exists() for p in logs), "an older snapshot beside a log"
    text = "\n".join(p.read_text(encoding="utf-8") for p in root.rglob("chatSessions/*"))
    assert '"kind":"toolInvocationSerialized"' in text
    assert '"promptTokens":' in text


def _has_cursor_parts(root: Path) -> None:
    with sqlite3.connect(root) as conn:
        keys = [k for (k,) in conn.execute("SELECT key FROM cursorDiskKV")]
        bubbles = [json.loads(v) for (v,) in conn.execute(
            "SELECT value FROM cursorDiskKV WHERE key LIKE 'bubbleId:%'")]
        composers = [json.loads(v) for (v,) in conn.execute(
            "SELECT value FROM cursorDiskKV WHERE key LIKE 'composerData:%'")]
    assert any(k.startswith("bubbleId:") for k in keys)
    assert {c["_v"] for c in composers} == {2, 3}
    assert any("toolFormerData" in b for b in bubbles)
    assert any(b["tokenCount"]["outputTokens"] for b in bubbles)


def _has_llm_parts(root: Path) -> None:
    assert root.name == "logs.db"
    with sqlite3.connect(root) as conn:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        assert {"_llm_migrations", "threads", "turns", "messages", "parts", "turn_search_fts",
                "conversations", "responses", "message_tree"} <= tables
        assert ("m027_turns_response_json",) in conn.execute("SELECT name FROM _llm_migrations")
        kinds = {kind for (kind,) in conn.execute("SELECT type FROM parts")}
        assert {"text", "tool_call", "tool_result"} <= kinds
        # A call's results are the next turn's input: a turn whose parent is a tool message.
        assert conn.execute("SELECT count(*) FROM turns t JOIN messages m "
                            "ON m.hash = t.parent_message_hash WHERE m.role = 'tool'"
                            ).fetchone()[0]
        # A prompt quoted from a fragment (-f), stored by reference.
        assert conn.execute("SELECT count(*) FROM parts WHERE text IS NULL "
                            "AND payload LIKE '%text_ref%'").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM turn_fragments").fetchone()[0]
        # A conversation begun under llm 0.31 and continued (-c) as a thread of the same id.
        assert conn.execute("SELECT count(*) FROM responses r JOIN threads t "
                            "ON t.id = r.conversation_id").fetchone()[0]
        assert conn.execute("SELECT sum(input_tokens) FROM turns").fetchone()[0]


def _has_aider_parts(root: Path) -> None:
    files = list(root.glob("*/.aider.chat.history.md"))
    assert len(files) > 1, "one history per repository"
    text = "\n".join(p.read_text(encoding="utf-8") for p in files)
    assert text.count("# aider chat started at") == HARD_PARTS_SESSIONS
    assert re.search(r"> Tokens: [\d.]+k sent, \d+ received\. Cost: \$", text)
    assert "#### /ask " in text
    assert "> Commit " in text


def _has_gemini_cli_parts(root: Path) -> None:
    files = list((root / "tmp").glob("*/chats/session-*.json"))
    documents = [json.loads(p.read_text(encoding="utf-8")) for p in files]
    messages = [m for d in documents for m in d["messages"]]
    assert any(m.get("toolCalls") for m in messages)
    assert any(m.get("thoughts") for m in messages)
    assert any(m.get("tokens") for m in messages)
    assert any(m["type"] == "gemini" and not m["content"] for m in messages)
    assert any("summary" not in d for d in documents)


HARD_PARTS: dict[str, Callable[[Path], None]] = {
    "chatgpt": _has_chatgpt_parts,
    "claude-ai": _has_claude_ai_parts,
    "gemini": _has_gemini_parts,
    "open-webui": _has_open_webui_parts,
    "generic": _has_generic_parts,
    "claude-code": _has_claude_code_parts,
    "codex": _has_codex_parts,
    "copilot": _has_copilot_parts,
    "cursor": _has_cursor_parts,
    "aider": _has_aider_parts,
    "llm": _has_llm_parts,
    "gemini-cli": _has_gemini_cli_parts,
}


@SPECS
def test_the_formats_hard_parts_are_written(tmp_path: Path, spec: SourceSpec) -> None:
    assert spec.writer is not None
    path = spec.writer(sessions_for(spec.name, HARD_PARTS_SESSIONS), tmp_path / "out")
    HARD_PARTS[spec.name](path)


def test_claude_code_forks_count_their_copies_once(db: Database, tmp_path: Path) -> None:
    """Each session's tokens as written, though a fork's file repeats its source's usage."""
    spec = registry.spec("claude-code")
    assert spec.writer is not None
    written = list(sessions_for("claude-code", 20))
    path = spec.writer(written, tmp_path)
    copied = {(r["message"]["id"], r["requestId"]): r["message"]["usage"]["output_tokens"]
              for main in (path / "projects").glob("*/*.jsonl") for r in _jsonl(main)
              if r.get("type") == "assistant" and "forkedFrom" in r}
    assert sum(copied.values()) > 0
    _import(db, path, len(written))
    rows = list_sessions(db)
    assert sum(r.tokens_out or 0 for r in rows) == sum(s.tokens_out or 0 for s in written)
    assert sum(r.tokens_in or 0 for r in rows) == sum(s.tokens_in or 0 for s in written)
    assert sum(r.messages for r in rows) == sum(
        len(expected_roles("claude-code", s)) for s in written)
