"""Codex CLI: current rollouts, the two 2025 formats, tokens, forks, sub-agents, re-reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from desktop_app.domain import Rating, Verdict
from desktop_app.importers import codex
from desktop_app.ingest import import_paths
from desktop_app.store import get_rating, get_transcript, list_sessions, set_rating
from tests.builders import CODEX_SID as SID
from tests.builders import (
    DATA,
    append_jsonl,
    current_rollout,
    line,
    meta,
    parse_bytes,
    tokens,
    write_json,
    write_jsonl,
)

SAMPLES = DATA / "codex"


def rollout_path(root: Path, sid: str = SID, day: str = "23") -> Path:
    return root / "sessions" / "2026" / "02" / day / f"rollout-2026-02-{day}T13-19-38-{sid}.jsonl"


def test_current_format(db: Database, tmp_path: Path) -> None:
    path = write_jsonl(rollout_path(tmp_path), current_rollout())
    report = import_paths(db, [path])
    assert report.ok, report.files[0].error
    [row] = list_sessions(db)
    assert (row.source, row.external_id) == ("codex", SID)
    assert row.title == "Dry-run flag"
    assert row.model == "gpt-5.3-codex"
    assert (row.tokens_in, row.tokens_out) == (40000, 900)  # repeats counted once
    # input_tokens includes cached_input_tokens: the split is uncached + cache read.
    assert (row.tokens_uncached, row.tokens_cache_write, row.tokens_cache_read) == (
        20000, None, 20000)
    assert (row.messages, row.user_messages) == (3, 1)
    transcript = get_transcript(db, row.id)
    assert [m.role for m in transcript] == ["user", "tool", "assistant"]
    assert transcript[1].text == "[tool exec_command] rg -n argparse\n[result] cli.py:12"
    assert row.project == "/home/alice/app"


def test_title_from_first_prompt_without_thread_name() -> None:
    records = current_rollout()[:-1]
    [session], _ = parse_bytes(codex, "\n".join(json.dumps(r) for r in records).encode())
    assert session.title == "add a --dry-run flag"


def test_early_rust_format() -> None:
    records = [
        {"id": "5973b6c0-94b8-487b-a530-2aeb6098ae0e", "timestamp": "2025-08-01T10:00:00.000Z",
         "instructions": None, "git": {"branch": "main"}},
        {"record_type": "state"},
        {"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": "<user_instructions>be brief</user_instructions>"}]},
        {"type": "message", "role": "user", "content": [{"type": "input_text",
                                                          "text": "fix the bug"}]},
        {"type": "reasoning", "summary": []},
        {"type": "function_call", "name": "shell", "arguments": "{\"command\":[\"ls\"]}",
         "call_id": "c1"},
        {"type": "function_call_output", "call_id": "c1", "output": {"output": "a.py"}},
        {"type": "message", "role": "assistant", "content": [{"type": "output_text",
                                                               "text": "Fixed"}]},
        {"record_type": "state"},
    ]
    [session], _ = parse_bytes(codex, "\n".join(json.dumps(r) for r in records).encode())
    assert session.external_id == "5973b6c0-94b8-487b-a530-2aeb6098ae0e"
    assert [m.role for m in session.messages] == ["user", "tool", "assistant"]
    assert session.messages[1].text == "[tool shell] ls\n[result] a.py"
    assert session.title == "fix the bug"
    assert session.tokens_in is None
    assert session.started_at is not None


def test_typescript_cli_json(db: Database, tmp_path: Path) -> None:
    path = write_json(tmp_path / "rollout-2025-04-20-abc.json", {
        "session": {"id": "ts-1", "timestamp": "2025-04-20T08:00:00Z", "instructions": ""},
        "items": [
            {"type": "message", "role": "user", "content": [{"type": "input_text",
                                                              "text": "explain main.py"}]},
            {"type": "message", "role": "assistant",
             "content": [{"type": "output_text", "text": "It parses args"}]},
            7,
        ]})
    report = import_paths(db, [path])
    assert report.ok, report.files[0].error
    [row] = list_sessions(db)
    assert (row.external_id, row.messages, row.user_messages) == ("ts-1", 2, 1)
    assert [s.reason for s in report.files[0].skipped] == ["not a JSON object"]


def test_fork_and_subagent_are_linked_not_duplicated(db: Database, tmp_path: Path) -> None:
    write_jsonl(rollout_path(tmp_path), current_rollout())
    fork_id = "019c8a80-0000-7000-8000-000000000001"
    copied = [r for r in current_rollout() if r["type"] != "session_meta"]
    write_jsonl(rollout_path(tmp_path, fork_id, "24"), [
        meta(fork_id, "2026-02-24T08:00:00.000Z", forked_from_id=SID), *copied,
        line("2026-02-24T08:00:05.000Z", "event_msg", {"type": "user_message",
                                                       "message": "now in French"}),
        line("2026-02-24T08:00:09.000Z", "response_item", {
            "type": "message", "role": "assistant",
            "content": [{"type": "output_text", "text": "Fait"}]}),
        tokens("2026-02-24T08:00:09.500Z", 41000, 950, 1000, 50),
    ])
    sub_id = "019c8a90-0000-7000-8000-000000000002"
    write_jsonl(rollout_path(tmp_path, sub_id, "23"), [
        meta(sub_id, "2026-02-23T12:19:50.000Z",
             source={"subagent": {"thread_spawn": {"parent_thread_id": SID, "depth": 1}}}),
        line("2026-02-23T12:19:51.000Z", "event_msg", {"type": "user_message",
                                                       "message": "look for tests"}),
        tokens("2026-02-23T12:19:55.000Z", 5000, 100, 5000, 100),
    ])
    report = import_paths(db, [tmp_path / "sessions"])
    assert report.ok, report.files[0].error
    rows = {r.external_id: r for r in list_sessions(db)}
    assert set(rows) == {SID, fork_id}  # the sub-agent is not a session of its own
    assert (rows[SID].tokens_in, rows[SID].tokens_out) == (45000, 1000)
    assert rows[SID].user_messages == 1
    fork = rows[fork_id]
    assert (fork.messages, fork.user_messages) == (2, 1)
    assert (fork.tokens_in, fork.tokens_out) == (1000, 50)
    assert fork.title == "now in French"


def test_grown_rollout_is_read_from_where_it_stopped(db: Database, tmp_path: Path) -> None:
    path = write_jsonl(rollout_path(tmp_path), current_rollout())
    import_paths(db, [tmp_path / "sessions"])
    [row] = list_sessions(db)
    set_rating(db, row.id, Rating(Verdict.NOT_USEFUL, labels=("coding",)))
    assert import_paths(db, [tmp_path / "sessions"]).totals["sessions_unchanged"] == 1
    append_jsonl(path, [
        line("2026-02-23T12:30:00.000Z", "event_msg", {"type": "user_message",
                                                       "message": "and a test"}),
        line("2026-02-23T12:30:09.000Z", "response_item", {
            "type": "message", "role": "assistant",
            "content": [{"type": "output_text", "text": "Test added"}]}),
        tokens("2026-02-23T12:30:09.100Z", 60000, 1300, 20000, 400),
        tokens("2026-02-23T12:30:09.200Z", 60000, 1300, 20000, 400),
    ])
    report = import_paths(db, [tmp_path / "sessions"])
    assert report.totals["sessions_updated"] == 1
    [row] = list_sessions(db)
    assert (row.messages, row.user_messages) == (5, 2)
    assert (row.tokens_in, row.tokens_out) == (60000, 1300)
    assert row.title == "Dry-run flag"
    assert get_rating(db, row.id).verdict is Verdict.NOT_USEFUL
    assert get_rating(db, row.id).labels == ("coding",)


@pytest.mark.parametrize(("name", "expected"), [
    ("kenn-io__agentsview__standard_session.jsonl",
     ("abc-123", "Add rate limiting", 2, 1, None, None, None)),
    ("kenn-io__agentsview__blockquotes_session.jsonl",
     ("quote-123", "blablabla?", 2, 1, None, None, None)),
    ("kenn-io__agentsview__fc_args_1.jsonl",
     ("fc-args-1", "inspect files", 2, 1, None, None, None)),
    ("Sinity__polylogue__codex-session.jsonl",
     ("origin-matrix-codex", "Prove the parser claim.", 2, 1, None, None, None)),
    ("ryoppippi__ccusage__session-alpha.jsonl",
     ("session-alpha", "Codex session", 0, 0, "gpt-5.2-codex", 3500, 425)),
])
def test_samples(db: Database, name: str, expected: tuple[Any, ...]) -> None:
    report = import_paths(db, [SAMPLES / name])
    assert report.ok, report.files[0].error
    [row] = list_sessions(db)
    assert (row.external_id.replace("ryoppippi__ccusage__", ""), row.title, row.messages,
            row.user_messages, row.model, row.tokens_in, row.tokens_out) == expected


def test_long_session_meta_line_is_recognised(db: Database, tmp_path: Path) -> None:
    records = current_rollout()
    records[0]["payload"]["base_instructions"] = {"text": "be careful " * 10000}
    path = write_jsonl(rollout_path(tmp_path), records)
    report = import_paths(db, [tmp_path / "sessions"])
    assert report.ok, report.files[0].error
    assert [r.external_id for r in list_sessions(db)] == [SID]
    assert path.stat().st_size > 65536


# --- sub-agents: tokens go to the parent, wherever each rollout is ------------------------------

SUB = "019c8a90-0000-7000-8000-000000000002"


def subagent_rollout(sub_id: str = SUB, parent: str = SID, *, with_tokens: bool = True
                     ) -> list[dict[str, Any]]:
    records = [
        meta(sub_id, "2026-02-23T12:19:50.000Z",
             source={"subagent": {"thread_spawn": {"parent_thread_id": parent, "depth": 1}}}),
        line("2026-02-23T12:19:51.000Z", "event_msg", {"type": "user_message",
                                                       "message": "look for tests"}),
        line("2026-02-23T12:19:54.000Z", "response_item", {
            "type": "message", "role": "assistant",
            "content": [{"type": "output_text", "text": "tests/ has 3 files"}]}),
    ]
    if with_tokens:
        records.append(tokens("2026-02-23T12:19:55.000Z", 5000, 100, 5000, 100))
    return records


def archived_path(root: Path, sid: str) -> Path:
    return root / "archived_sessions" / f"rollout-2026-02-23T13-19-38-{sid}.jsonl"


def test_subagent_without_token_count_leaves_tokens_unknown(db: Database, tmp_path: Path
                                                            ) -> None:
    no_tokens = [r for r in current_rollout() if r["payload"].get("type") != "token_count"]
    write_jsonl(rollout_path(tmp_path), no_tokens)
    write_jsonl(rollout_path(tmp_path, SUB), subagent_rollout(with_tokens=False))
    entry = import_paths(db, [tmp_path / "sessions"]).files[0]
    assert (entry.sessions_new, entry.sessions_unchanged) == (1, 0)
    [row] = list_sessions(db)
    assert (row.tokens_in, row.tokens_out) == (None, None)  # not 0: nothing was recorded


def test_subagent_without_token_count_keeps_the_parents_tokens(db: Database, tmp_path: Path
                                                               ) -> None:
    write_jsonl(rollout_path(tmp_path), current_rollout())
    write_jsonl(rollout_path(tmp_path, SUB), subagent_rollout(with_tokens=False))
    import_paths(db, [tmp_path / "sessions"])
    [row] = list_sessions(db)
    assert (row.tokens_in, row.tokens_out) == (40000, 900)


@pytest.mark.parametrize("archived", ["parent", "sub-agent"])
def test_subagent_and_archived_parent_in_one_import(db: Database, tmp_path: Path,
                                                    archived: str) -> None:
    parent_at = archived_path(tmp_path, SID) if archived == "parent" else rollout_path(tmp_path)
    sub_at = archived_path(tmp_path, SUB) if archived == "sub-agent" else \
        rollout_path(tmp_path, SUB)
    write_jsonl(parent_at, current_rollout())
    write_jsonl(sub_at, subagent_rollout())
    entry = import_paths(db, [tmp_path]).files[0]
    assert entry.error is None, entry.error
    assert (entry.sessions_new, entry.sessions_updated, entry.sessions_unchanged) == (1, 0, 0)
    assert entry.skipped == []
    [row] = list_sessions(db)
    assert (row.external_id, row.tokens_in, row.tokens_out) == (SID, 45000, 1000)
    again = import_paths(db, [tmp_path]).files[0]
    assert (again.sessions_new, again.sessions_updated, again.sessions_unchanged) == (0, 0, 1)


@pytest.mark.parametrize("sub_first", [True, False])
def test_subagent_and_parent_in_two_folders(db: Database, tmp_path: Path,
                                            sub_first: bool) -> None:
    write_jsonl(archived_path(tmp_path, SID), current_rollout())
    write_jsonl(rollout_path(tmp_path, SUB), subagent_rollout())
    folders = [tmp_path / "sessions", tmp_path / "archived_sessions"]
    report = import_paths(db, folders if sub_first else folders[::-1])
    [row] = list_sessions(db)
    assert (row.external_id, row.tokens_in, row.tokens_out) == (SID, 45000, 1000)
    first = report.files[0]
    if sub_first:  # the sub-agent waits for its parent: not a session, and said so
        assert (first.sessions_new, first.sessions_unchanged) == (0, 0)
        assert [s.what for s in first.skipped] == [f"sub-agent session {SUB}"]
        assert "not imported (yet)" in first.skipped[0].reason
        assert report.files[1].sessions_new == 1
    else:  # the parent, then its sub-agent's tokens added to it
        assert first.sessions_new == 1
        assert report.files[1].sessions_updated == 1
    again = import_paths(db, folders)
    assert again.totals["sessions_new"] == again.totals["sessions_updated"] == 0
    assert len(list_sessions(db)) == 1


def test_orphan_subagent_is_not_counted_as_a_session(db: Database, tmp_path: Path) -> None:
    write_jsonl(rollout_path(tmp_path, SUB), subagent_rollout())
    entry = import_paths(db, [tmp_path / "sessions"]).files[0]
    assert entry.error is None
    assert (entry.sessions_new, entry.sessions_unchanged) == (0, 0)
    assert list_sessions(db) == []
    assert len(entry.skipped) == 1
    again = import_paths(db, [tmp_path / "sessions"]).files[0]
    assert (again.sessions_new, again.sessions_unchanged) == (0, 0)
    write_jsonl(rollout_path(tmp_path), current_rollout())  # the parent turns up later
    later = import_paths(db, [tmp_path / "sessions"]).files[0]
    assert (later.sessions_new, later.sessions_unchanged) == (1, 0)
    [row] = list_sessions(db)
    assert (row.tokens_in, row.tokens_out) == (45000, 1000)


# --- reasoning summaries ------------------------------------------------------------------------


def reasoning(ts: str, *texts: str) -> dict[str, Any]:
    return line(ts, "response_item", {
        "type": "reasoning", "content": None, "encrypted_content": "gAAAA",
        "summary": [{"type": "summary_text", "text": t} for t in texts]})


def answer(ts: str, text: str) -> dict[str, Any]:
    return line(ts, "response_item", {"type": "message", "role": "assistant",
                                      "content": [{"type": "output_text", "text": text}]})


def test_reasoning_summaries_are_shown_before_the_answer_of_their_turn(
        db: Database, tmp_path: Path) -> None:
    write_jsonl(rollout_path(tmp_path), current_rollout())  # reasoning, a tool call, the answer
    import_paths(db, [tmp_path / "sessions"])
    [row] = list_sessions(db)
    assert (row.messages, row.user_messages) == (3, 1)  # no entry of its own
    answer_text = get_transcript(db, row.id)[2].text
    assert answer_text.startswith("[thinking] plan\n\n")
    assert answer_text.endswith("Added --dry-run")


def test_reasoning_in_order_and_a_turn_without_answer(tmp_path: Path) -> None:
    records = [
        meta(SID, "2026-02-23T12:00:00.000Z"),
        line("2026-02-23T12:00:01.000Z", "event_msg", {"type": "user_message",
                                                       "message": "first"}),
        reasoning("2026-02-23T12:00:02.000Z", "**Reading**", "**Planning**"),
        reasoning("2026-02-23T12:00:03.000Z", "**Checking**"),
        answer("2026-02-23T12:00:04.000Z", "Done"),
        line("2026-02-23T12:00:05.000Z", "event_msg", {"type": "task_complete"}),
        line("2026-02-23T12:00:06.000Z", "event_msg", {"type": "user_message",
                                                       "message": "second"}),
        reasoning("2026-02-23T12:00:07.000Z", "**Stopped early**"),
        line("2026-02-23T12:00:08.000Z", "event_msg", {"type": "turn_aborted"}),
        line("2026-02-23T12:00:09.000Z", "event_msg", {"type": "user_message",
                                                       "message": "third"}),
        reasoning("2026-02-23T12:00:10.000Z", ""),  # encrypted only: nothing to show
        answer("2026-02-23T12:00:11.000Z", "Plain"),
    ]
    [session], _ = parse_bytes(codex, "\n".join(json.dumps(r) for r in records).encode())
    assert [(m.role, m.text) for m in session.messages] == [
        ("user", "first"),
        ("assistant", "[thinking] **Reading**\n\n[thinking] **Planning**\n\n"
                      "[thinking] **Checking**\n\nDone"),
        ("user", "second"),
        ("assistant", "[thinking] **Stopped early**"),
        ("user", "third"),
        ("assistant", "Plain"),
    ]


def test_reasoning_waits_for_its_answer_across_a_grown_rollout(db: Database, tmp_path: Path
                                                               ) -> None:
    path = write_jsonl(rollout_path(tmp_path), [
        meta(SID, "2026-02-23T12:00:00.000Z"),
        line("2026-02-23T12:00:01.000Z", "event_msg", {"type": "user_message",
                                                       "message": "first"}),
        reasoning("2026-02-23T12:00:02.000Z", "**Thinking it over**"),
    ])
    import_paths(db, [tmp_path / "sessions"])
    append_jsonl(path, [answer("2026-02-23T12:00:04.000Z", "Done")])
    import_paths(db, [tmp_path / "sessions"])
    [row] = list_sessions(db)
    assert [m.text for m in get_transcript(db, row.id)] == [
        "first", "[thinking] **Thinking it over**\n\nDone"]


# --- titles from ~/.codex/history.jsonl ---------------------------------------------------------


def injected_only(sid: str) -> list[dict[str, Any]]:
    """A rollout whose only user message is injected context (no typed prompt, no title)."""
    return [
        meta(sid, "2026-02-23T12:19:38.535Z"),
        line("2026-02-23T12:19:42.560Z", "response_item", {
            "type": "message", "role": "user", "content": [{
                "type": "input_text", "text": "<user_instructions>be brief</user_instructions>"}]}),
        answer("2026-02-23T12:19:45.000Z", "Done"),
        tokens("2026-02-23T12:19:46.000Z", 1000, 10, 1000, 10),
    ]


def history(root: Path, *records: dict[str, Any]) -> Path:
    return write_jsonl(root / "history.jsonl", list(records))


@pytest.mark.parametrize("imported", ["home", "sessions"])
def test_title_from_history_when_no_prompt_is_typed(db: Database, tmp_path: Path,
                                                     imported: str) -> None:
    other = "019c8a99-0000-7000-8000-000000000003"
    write_jsonl(rollout_path(tmp_path), injected_only(SID))
    write_jsonl(rollout_path(tmp_path, other), current_rollout(other)[:-1])  # no thread name
    history(tmp_path,
            {"session_id": other, "ts": 1771849180, "text": "a prompt from the history"},
            {"session_id": SID, "ts": 1771849182, "text": "rename the flag to --check"},
            {"session_id": SID, "ts": 1771849190, "text": "and the docs"})
    entry = import_paths(db, [tmp_path if imported == "home" else tmp_path / "sessions"]).files[0]
    assert entry.error is None, entry.error
    assert entry.skipped == []  # the history file is no unsupported file
    titles = {r.external_id: r.title for r in list_sessions(db)}
    assert titles == {SID: "rename the flag to --check",
                      other: "add a --dry-run flag"}  # a typed prompt comes first


def test_history_by_conversation_id_and_without_history(db: Database, tmp_path: Path) -> None:
    write_jsonl(rollout_path(tmp_path), injected_only(SID))
    import_paths(db, [tmp_path])
    assert [r.title for r in list_sessions(db)] == ["Codex session"]
    home = tmp_path / "second"
    sid = "019c8a99-0000-7000-8000-000000000004"
    write_jsonl(rollout_path(home, sid), injected_only(sid))
    history(home, {"conversation_id": sid, "ts": 1, "text": "  summarise the log  "}, {"x": 1})
    entry = import_paths(db, [home]).files[0]
    assert {r.external_id: r.title for r in list_sessions(db)}[sid] == "summarise the log"
    assert entry.skipped == []


def test_title_from_a_real_history_file(db: Database, tmp_path: Path) -> None:
    """kvsankar/agent-history's fixture of ``~/.codex/history.jsonl`` (MIT)."""
    sid = "telemetry-codex-001"
    write_jsonl(rollout_path(tmp_path, sid), injected_only(sid))
    real = SAMPLES / "kvsankar__agent-history__codex_history.jsonl"
    (tmp_path / "history.jsonl").write_bytes(real.read_bytes())
    entry = import_paths(db, [tmp_path]).files[0]
    assert entry.skipped == []
    assert [r.title for r in list_sessions(db)] == ["list the project structure"]
