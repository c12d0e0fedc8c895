"""Claude Code: samples, streaming splits, subagents, resumed sessions, incremental re-reads."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from desktop_app.domain import Message, Rating, Session, Verdict
from desktop_app.importers import claude_code
from desktop_app.importers.contract import FormatError
from desktop_app.importers.jsonl import LineReader
from desktop_app.ingest import import_paths
from desktop_app.store import get_rating, get_transcript, list_sessions, set_rating
from tests.builders import (
    CWD,
    DATA,
    S1,
    S2,
    append_jsonl,
    assistant,
    parse_bytes,
    project_with_subagent_and_fork,
    session_one,
    text,
    user,
    write_jsonl,
)

SAMPLES = DATA / "claude-code"


def test_one_session_split_responses_noise_and_summary(db: Database, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "projects" / "-home-alice-app" / f"{S1}.jsonl", session_one())
    report = import_paths(db, [path])
    assert report.ok, report.files[0].error
    assert report.files[0].source == "claude-code"
    [row] = list_sessions(db)
    assert row.external_id == S1
    assert row.title == "Add dry-run flag to CLI"
    assert row.project == CWD
    # command (system), prompt, one assistant entry for msg_1, tool, interrupt, final answer
    roles = [m.role for m in get_transcript(db, row.id)]
    assert roles == ["system", "user", "assistant", "tool", "system", "assistant"]
    assert (row.messages, row.user_messages) == (6, 1)
    entry = get_transcript(db, row.id)[2]
    assert "[thinking] plan" in entry.text
    assert "I will edit cli.py" in entry.text
    assert "[tool Edit] /home/alice/app/cli.py" in entry.text
    # msg_1 counted once with its final output; cache write + read are input.
    assert row.tokens_in == 2 * (3 + 100 + 1000)
    assert row.tokens_out == 412 + 20
    # The split the usage records: uncached input, cache write, cache read.
    assert (row.tokens_uncached, row.tokens_cache_write, row.tokens_cache_read) == (
        2 * 3, 2 * 100, 2 * 1000)
    assert row.model == "claude-sonnet-4-5"  # one entry each: the latest wins the tie
    assert row.started_at is not None
    assert row.started_at.second == 59
    assert row.ended_at is not None
    assert row.ended_at.second == 30


def test_title_falls_back_to_first_real_prompt() -> None:
    records = session_one()[:-1]
    [session], _ = parse_bytes(claude_code, "\n".join(json.dumps(r) for r in records).encode(),
                               "x.jsonl")
    assert session.title == "Add a --dry-run flag"
    records.append({"type": "custom-title", "customTitle": "My title", "sessionId": S1})
    [session], _ = parse_bytes(claude_code, "\n".join(json.dumps(r) for r in records).encode(),
                               "x.jsonl")
    assert session.title == "My title"


def test_folder_subagents_and_resumed_session(db: Database, tmp_path: Path) -> None:
    project = project_with_subagent_and_fork(tmp_path)
    report = import_paths(db, [project.parent])
    assert report.ok, report.files[0].error
    assert report.files[0].sessions_new == 2
    assert report.files[0].skipped == []  # .meta.json is ignored
    rows = {r.external_id: r for r in list_sessions(db)}
    one, two = rows[S1], rows[S2]
    assert (one.messages, one.user_messages) == (6, 1)
    assert one.tokens_out == 412 + 20 + 50  # the subagent's tokens count toward its parent
    assert one.tokens_in == 3 * 1103
    assert one.model == "claude-sonnet-4-5"  # subagent turns are not entries
    # The replayed records stay with S1; S2 has only its own turns.
    assert (two.messages, two.user_messages) == (2, 1)
    assert two.title == "Now add tests"
    assert (two.tokens_in, two.tokens_out) == (1103, 30)


def test_main_file_alone_counts_mirrored_subagent_usage(tmp_path: Path) -> None:
    project = project_with_subagent_and_fork(tmp_path)
    path = project / f"{S1}.jsonl"
    [session], _ = parse_bytes(claude_code, path.read_bytes(), str(path))
    assert session.tokens_out == 412 + 20 + 40  # the subagent's file would give its final 50
    assert session.tokens_in == 3 * 1103


def test_subagent_file_alone_is_not_a_session(tmp_path: Path) -> None:
    project = project_with_subagent_and_fork(tmp_path)
    path = project / S1 / "subagents" / "agent-abc123.jsonl"
    sessions, skipped = parse_bytes(claude_code, path.read_bytes(), str(path))
    assert sessions == []
    assert "subagent" in skipped[0].reason


def test_bad_lines_are_skipped_and_counted(db: Database, tmp_path: Path) -> None:
    records: list[Any] = session_one()
    records.insert(3, "{not json")
    records.insert(5, "[1, 2]")
    path = write_jsonl(tmp_path / "s.jsonl", records)
    report = import_paths(db, [path])
    assert report.ok
    assert [s.reason for s in report.files[0].skipped] == ["not valid JSON", "not a JSON object"]
    assert "line 4" in report.files[0].skipped[0].what
    assert report.files[0].sessions_new == 1


def test_file_with_no_readable_line_is_an_error(db: Database, tmp_path: Path) -> None:
    data = b'{"type": "user", "sessionId": "s", "message": {"content": "hi"\n{oops\n'
    path = tmp_path / "bad.jsonl"
    path.write_bytes(data)
    with pytest.raises(FormatError, match="no readable"):
        parse_bytes(claude_code, data, "bad.jsonl")
    report = import_paths(db, [path])
    assert report.files[0].error is not None


# --- incremental ----------------------------------------------------------------------------------


def test_grown_file_is_read_from_where_it_stopped(db: Database, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    project = project_with_subagent_and_fork(tmp_path)
    root = project.parent
    first = import_paths(db, [root])
    assert first.files[0].sessions_new == 2
    sid = next(r.id for r in list_sessions(db) if r.external_id == S1)
    set_rating(db, sid, Rating(Verdict.USEFUL, minutes_saved=5))

    # Nothing changed: no file is opened, nothing is written.
    opened: list[str] = []
    real_open = open

    def spy(file: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy)
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: spy(self, *a, **k))
    again = import_paths(db, [root])
    assert again.ok
    assert again.totals == {"sessions_new": 0, "sessions_updated": 0, "sessions_unchanged": 2,
                            "sessions_deleted_earlier": 0, "sessions_excluded": 0}
    assert [p for p in opened if p.endswith(".jsonl")] == []
    monkeypatch.undo()

    # The session goes on: the continuation of the last response and a new turn.
    path = project / f"{S1}.jsonl"
    size = path.stat().st_size
    append_jsonl(path, [
        assistant("a5", S1, [text("And the README.")], "2026-02-12T21:03:40Z", msg="msg_2",
                  req="req_2", out=25, model="claude-sonnet-4-5"),
        user("u9", S1, "Thanks, now the docs", "2026-02-12T21:05:00Z"),
        assistant("a9", S1, [text("Docs updated")], "2026-02-12T21:05:09Z", msg="msg_9",
                  req="req_9", out=7),
    ])
    reads: list[int] = []
    real_seek = LineReader.__init__

    def record_start(self: Any, stream: Any, name: str, tally: Any, start: int = 0) -> None:
        reads.append(start)
        real_seek(self, stream, name, tally, start)

    monkeypatch.setattr(LineReader, "__init__", record_start)
    third = import_paths(db, [root])
    assert third.ok, third.files[0].error
    assert reads == [size]  # only the grown file, only its new bytes
    assert third.totals == {"sessions_new": 0, "sessions_updated": 1, "sessions_unchanged": 1,
                            "sessions_deleted_earlier": 0, "sessions_excluded": 0}
    row = next(r for r in list_sessions(db) if r.external_id == S1)
    assert (row.messages, row.user_messages) == (8, 2)
    transcript = get_transcript(db, row.id)
    assert transcript[5].text == "Done.\n\nAnd the README."  # the same response, one entry
    assert row.tokens_out == 412 + 25 + 50 + 7
    assert row.tokens_in == 4 * 1103
    assert row.ended_at is not None
    assert row.ended_at.minute == 5
    assert get_rating(db, row.id).verdict is Verdict.USEFUL
    assert get_rating(db, row.id).minutes_saved == 5


def test_incremental_equals_full_read(db: Database, db_path: Path, tmp_path: Path) -> None:
    project = project_with_subagent_and_fork(tmp_path)
    import_paths(db, [project.parent])
    append_jsonl(project / f"{S2}.jsonl", [
        user("b9", S2, "More", "2026-02-13T09:10:00Z"),
        assistant("b10", S2, [text("Sure")], "2026-02-13T09:10:05Z", msg="msg_b10",
                  req="req_b10", out=3)])
    import_paths(db, [project.parent])
    incremental = {(r.external_id, r.messages, r.user_messages, r.tokens_in, r.tokens_out,
                    r.title, r.started_at, r.ended_at, r.model) for r in list_sessions(db)}
    fresh_path = tmp_path / "fresh.db"
    from desktop_app.store import open_db
    fresh = open_db(fresh_path)
    import_paths(fresh, [project.parent])
    full = {(r.external_id, r.messages, r.user_messages, r.tokens_in, r.tokens_out, r.title,
             r.started_at, r.ended_at, r.model) for r in list_sessions(fresh)}
    fresh.close()
    assert incremental == full


def test_new_file_in_a_known_project_rereads_the_project(db: Database, tmp_path: Path) -> None:
    project = project_with_subagent_and_fork(tmp_path)
    s2 = project / f"{S2}.jsonl"
    moved = tmp_path / "later.jsonl"
    shutil.move(s2, moved)
    import_paths(db, [project.parent])
    shutil.move(moved, s2)
    report = import_paths(db, [project.parent])
    assert report.ok
    assert report.totals["sessions_new"] == 1
    rows = {r.external_id: r for r in list_sessions(db)}
    assert rows[S2].messages == 2  # replayed records still belong to S1
    assert rows[S1].messages == 6


def test_incomplete_last_line_is_read_when_complete(db: Database, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "p" / f"{S1}.jsonl", session_one())
    line = json.dumps(user("late", S1, "a late prompt", "2026-02-12T21:10:00Z"))
    with path.open("a") as f:
        f.write(line[:30])
    report = import_paths(db, [tmp_path / "p"])
    assert [s.reason for s in report.files[0].skipped] == [
        "incomplete last line (read again next time)"]
    with path.open("a") as f:
        f.write(line[30:] + "\n")
    report = import_paths(db, [tmp_path / "p"])
    assert report.ok
    assert report.files[0].skipped == []
    [row] = list_sessions(db)
    assert row.user_messages == 2


# --- samples --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("marot__spotter__short.jsonl",
     ("mix phx.server doesnt seem to start", 5, 1, "claude-opus-4-6", 25353, 13)),
    ("marot__spotter__tool_heavy.jsonl",
     ("start phoenix in background", 16, 2, "claude-opus-4-6", 105981, 212)),
    ("marot__spotter__subagent.jsonl",  # with the subagent usage mirrored in progress records
     ("create the beads", 31, 1, "claude-opus-4-6", 564356, 1593)),
    ("daaain__claude-code-log__representative_messages.jsonl",
     ("User learned about Python decorators, including basic decorators and parameterized "
      "decorators. Created and ran examples showing how decorators work with functions. User "
      "is now ready to implement their own timing decorator.", 11, 4,
      "claude-3-sonnet-20240229", 218, 445)),
    ("kenn-io__agentsview__valid_session.jsonl",
     ("Fix the login bug", 4, 2, "claude-sonnet-4-20250514", 1250, 125)),
    ("simonw__claude-code-transcripts__sample_session.jsonl",
     ("Test session for JSONL parsing", 7, 2, None, None, None)),
    ("simonw__claude-code-transcripts__sample_session.json",
     ("Create a simple Python function to add two numbers", 33, 5, None, None, None)),
])
def test_samples(db: Database, name: str, expected: tuple[Any, ...]) -> None:
    report = import_paths(db, [SAMPLES / name])
    assert report.ok, report.files[0].error
    [row] = list_sessions(db)
    assert (row.title, row.messages, row.user_messages, row.model, row.tokens_in,
            row.tokens_out) == expected


def test_sample_folder_imports_every_file(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "samples"
    shutil.copytree(SAMPLES, folder)
    report = import_paths(db, [folder])
    assert report.ok, report.files[0].error
    rows = list_sessions(db)
    assert report.files[0].sessions_new == len(rows)
    by_id = {r.external_id: r for r in rows}
    assert by_id["edge_cases"].user_messages == 3
    assert by_id["session-alpha"].tokens_in == 745  # usage-only records (ccusage)
    assert by_id["session-alpha"].messages == 0
    main = by_id["claude-normalization-main"]
    assert (main.messages, main.user_messages) == (7, 1)
    # Lines without message ids: each its own response, never another file's.
    assert by_id["kenn-io__agentsview__valid_session"].tokens_in == 1250
    assert by_id["kenn-io__agentsview__truncated"].tokens_out == 5
    todo = by_id["todowrite_session"]  # its file, and a stray copy of a line in edge_cases
    assert (todo.messages, todo.tokens_in, todo.tokens_out) == (11, 883, 328)
    reasons = {s.reason for s in report.files[0].skipped}
    assert "not valid JSON" in reasons  # agentsview's deliberately truncated line
    assert any("subagent" in r for r in reasons)  # polylogue's lone subagent compaction run
    assert "claude-lineage-parent" not in by_id
    # Nothing changed: nothing is read again.
    again = import_paths(db, [folder])
    assert again.totals["sessions_new"] == again.totals["sessions_updated"] == 0
    assert again.totals["sessions_unchanged"] == len(rows)


def test_first_line_longer_than_the_head_is_recognised(db: Database, tmp_path: Path) -> None:
    big = "pasted " * 20000  # ~140 KB: the first line does not fit in the 64 KB head
    records = [user("u-big", S1, big, "2026-02-12T21:00:00Z"), *session_one()]
    path = write_jsonl(tmp_path / "p" / f"{S1}.jsonl", records)
    report = import_paths(db, [path.parent])
    assert report.ok, report.files[0].error
    [row] = list_sessions(db)
    assert row.user_messages == 2


# --- prompts typed while Claude is busy (queue-operation records) ---------------------------------


def _records(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (SAMPLES / name).read_text().splitlines()]


def _only_row(db: Database, path: Path) -> tuple[Any, list[Any]]:
    report = import_paths(db, [path])
    assert report.ok, report.files[0].error
    [row] = list_sessions(db)
    return row, get_transcript(db, row.id)


def _queue(operation: str, ts: str, sid: str = S1, **fields: Any) -> dict[str, Any]:
    return {"type": "queue-operation", "operation": operation, "timestamp": ts,
            "sessionId": sid, **fields}


def test_a_queued_slash_command_is_only_its_command_record(db: Database) -> None:
    # Real: "/mcp" typed while a tool ran is an enqueue record (then "remove"); it ran as a
    # command once the turn was interrupted, written as a <command-name> record.
    records = _records("marot__spotter__tool_heavy.jsonl")
    assert [r.get("content") for r in records if r["type"] == "queue-operation"] == ["/mcp", None]
    row, transcript = _only_row(db, SAMPLES / "marot__spotter__tool_heavy.jsonl")
    assert row.user_messages == 2
    assert [m.role for m in transcript if "/mcp" in m.text] == ["system"]


def test_a_prompt_typed_while_busy_is_a_prompt_where_it_was_typed(db: Database,
                                                                   tmp_path: Path) -> None:
    # The same real session, had the person typed a prompt instead: it exists only as the
    # enqueue record (it was handed to Claude mid-turn: "remove"; no prompt record follows).
    records = _records("marot__spotter__tool_heavy.jsonl")
    for record in records:
        if record.get("operation") == "enqueue":
            record["content"] = "and show me the server log"
    path = write_jsonl(tmp_path / "p" / "s.jsonl", records)
    row, transcript = _only_row(db, path)
    assert (row.messages, row.user_messages) == (17, 3)
    assert [m.role for m in transcript[:4]] == ["user", "assistant", "user", "tool"]
    assert transcript[2].text == "and show me the server log"
    assert transcript[2].time is not None
    assert transcript[2].time.second == 58  # typed while the Bash call ran, before its result


def _busy_session() -> list[Any]:
    """A prompt typed while a tool runs, sent as an ordinary prompt when the turn ends."""
    tool = {"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": "make"}}
    return [
        user("u1", S1, "Build it", "2026-02-12T21:00:00Z"),
        assistant("a1", S1, [tool], "2026-02-12T21:00:05Z", msg="msg_1", req="req_1"),
        _queue("enqueue", "2026-02-12T21:00:07Z", content="then run the tests"),
        user("u2", S1, [{"type": "tool_result", "tool_use_id": "t1", "content": "ok"}],
             "2026-02-12T21:00:09Z"),
        assistant("a2", S1, [text("Built.")], "2026-02-12T21:00:12Z", msg="msg_2", req="req_2"),
        _queue("dequeue", "2026-02-12T21:00:13Z"),
        user("u3", S1, "then run the tests", "2026-02-12T21:00:13Z"),
        assistant("a3", S1, [text("All pass.")], "2026-02-12T21:00:20Z", msg="msg_3",
                  req="req_3"),
    ]


def test_a_queued_prompt_sent_later_is_counted_once(db: Database, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "p" / f"{S1}.jsonl", _busy_session())
    row, transcript = _only_row(db, path)
    assert [m.role for m in transcript] == ["user", "assistant", "tool", "assistant", "user",
                                           "assistant"]
    assert (row.messages, row.user_messages) == (6, 2)
    assert transcript[4].text == "then run the tests"
    assert transcript[4].time is not None
    assert transcript[4].time.second == 13  # where it was sent


def test_a_queued_prompt_sent_after_the_next_import_is_counted_once(db: Database,
                                                                    tmp_path: Path) -> None:
    records = _busy_session()
    path = write_jsonl(tmp_path / "p" / f"{S1}.jsonl", records[:5])
    row, transcript = _only_row(db, path.parent)
    assert [m.role for m in transcript] == ["user", "assistant", "user", "tool", "assistant"]
    assert row.user_messages == 2  # so far only the enqueue record says it
    append_jsonl(path, records[5:])
    report = import_paths(db, [path.parent])
    assert report.totals["sessions_updated"] == 1
    [row] = list_sessions(db)
    assert [m.role for m in get_transcript(db, row.id)] == [
        "user", "assistant", "tool", "assistant", "user", "assistant"]
    assert (row.messages, row.user_messages) == (6, 2)


def test_queued_prompts_handed_over_taken_back_and_harness_text(db: Database,
                                                                tmp_path: Path) -> None:
    def attachment(ts: str, prompt: str, **extra: Any) -> dict[str, Any]:
        return {"type": "attachment", "sessionId": S1, "timestamp": ts,
                "attachment": {"type": "queued_command", "prompt": prompt,
                               "commandMode": "prompt", **extra}}

    notification = "<task-notification>\n<task-id>b1</task-id>\n<status>completed</status>\n" \
                   "</task-notification>"
    records = [
        user("u1", S1, "Refactor the parser", "2026-02-12T21:00:00Z"),
        assistant("a1", S1, [text("On it.")], "2026-02-12T21:00:05Z", msg="msg_1", req="req_1"),
        # Handed to Claude mid-turn: enqueue, remove, and (newer versions) an attachment.
        _queue("enqueue", "2026-02-12T21:00:06Z", content="keep the old names"),
        _queue("remove", "2026-02-12T21:00:07Z", content="keep the old names"),
        attachment("2026-02-12T21:00:07Z", "keep the old names", origin={"kind": "human"}),
        # Only the attachment (no enqueue record kept): still the person's prompt.
        attachment("2026-02-12T21:00:08Z", "and add a test"),
        # Taken back into the input box and sent edited: only what was sent.
        _queue("enqueue", "2026-02-12T21:00:09Z", content="use dataclases"),
        _queue("popAll", "2026-02-12T21:00:10Z"),
        # The harness's own notes through the same queue: not prompts, not entries.
        _queue("enqueue", "2026-02-12T21:00:11Z", content=notification),
        attachment("2026-02-12T21:00:11Z", notification),
        attachment("2026-02-12T21:00:11Z", "follow-up from a script", origin={"kind": "sdk"}),
        assistant("a2", S1, [text("Done.")], "2026-02-12T21:00:20Z", msg="msg_2", req="req_2"),
        user("u2", S1, "use dataclasses", "2026-02-12T21:00:30Z"),
        # Delivered as a prompt record: shown (it starts a turn), but not the person's prompt.
        user("u3", S1, notification, "2026-02-12T21:00:40Z"),
        user("u4", S1, "Background check finished", "2026-02-12T21:00:50Z",
             promptSource="system"),
        user("u5", S1, "thanks", "2026-02-12T21:00:55Z", promptSource="queued"),
    ]
    path = write_jsonl(tmp_path / "p" / f"{S1}.jsonl", records)
    row, transcript = _only_row(db, path)
    assert [(m.role, m.text[:20]) for m in transcript] == [
        ("user", "Refactor the parser"), ("assistant", "On it."),
        ("user", "keep the old names"), ("user", "and add a test"), ("assistant", "Done."),
        ("user", "use dataclasses"), ("system", "<task-notification>\n"),
        ("system", "Background check fin"), ("user", "thanks")]
    assert (row.messages, row.user_messages) == (9, 5)


def test_harness_notifications_in_real_files_are_not_prompts(db: Database) -> None:
    # agentsview: two task notifications queued as attachments after one instruction record.
    row, transcript = _only_row(db, SAMPLES / "kenn-io__agentsview__queued_system_messages.jsonl")
    assert (row.messages, row.user_messages) == (1, 1)
    assert not any("task-notification" in m.text for m in transcript)


def test_harness_notification_queued_in_a_real_file_is_not_a_prompt(db: Database) -> None:
    # polylogue: a background task's failure queued (a queue-operation without "operation").
    import_paths(db, [SAMPLES / "Sinity__polylogue__claude-normalization-main.jsonl"])
    main = next(r for r in list_sessions(db) if r.external_id == "claude-normalization-main")
    assert (main.messages, main.user_messages) == (7, 1)
    assert not any("task-notification" in m.text for m in get_transcript(db, main.id))


# --- one API response, one entry ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["marot__spotter__tool_heavy.jsonl",
                                  "marot__spotter__subagent.jsonl"])
def test_one_response_is_one_entry_around_its_tool_results(db: Database, name: str) -> None:
    # In these real sessions a response with parallel tool calls goes on after the result of
    # its first call (the same message.id before and after a tool_result line).
    records = _records(name)
    main = [r for r in records if r.get("isSidechain") is False]
    responses = {r["message"]["id"] for r in main if r["type"] == "assistant"}
    results = [r for r in main if r["type"] == "user" and isinstance(r["message"]["content"], list)
               and any(b.get("type") == "tool_result" for b in r["message"]["content"])]
    order = [r["message"]["id"] if r["type"] == "assistant" else "result" for r in main
             if r["type"] == "assistant" or r in results]
    split = [m for m in responses if order.index(m) < len(order) - 1 - order[::-1].index(m)
             and "result" in order[order.index(m):len(order) - order[::-1].index(m)]]
    assert split, "a response written around a tool result"
    _, transcript = _only_row(db, SAMPLES / name)
    roles = [m.role for m in transcript]
    assert roles.count("assistant") == len(responses)
    assert roles.count("tool") == len(results)


def test_parallel_calls_are_one_entry_followed_by_their_results(db: Database) -> None:
    _, transcript = _only_row(db, SAMPLES / "marot__spotter__tool_heavy.jsonl")
    at = next(i for i, m in enumerate(transcript) if m.text.startswith("[tool Read]"))
    assert "[tool WebFetch]" in transcript[at].text
    assert [m.role for m in transcript[at:at + 3]] == ["assistant", "tool", "tool"]


# --- subagent files on their own ------------------------------------------------------------------


def test_a_subagent_file_alone_on_an_empty_database_is_skipped_with_its_reason(
        db: Database) -> None:
    # polylogue: a subagent's compaction run; its session's own file is not there.
    report = import_paths(db, [SAMPLES / "Sinity__polylogue__normalization-lineage-subagent-"
                                         "acompact.jsonl"])
    entry = report.files[0]
    assert entry.error is None
    assert (entry.sessions_new, entry.sessions_updated, entry.sessions_unchanged) == (0, 0, 0)
    [skipped] = entry.skipped
    assert "claude-lineage-parent" in skipped.what
    assert "subagent" in skipped.reason
    assert list_sessions(db) == []


def test_a_subagent_file_of_an_imported_session_adds_its_tokens(db: Database,
                                                               tmp_path: Path) -> None:
    project = project_with_subagent_and_fork(tmp_path)
    import_paths(db, [project / f"{S1}.jsonl"])
    [row] = list_sessions(db)
    assert row.tokens_out == 412 + 20 + 40  # the mirrored progress record's partial count
    report = import_paths(db, [project / S1 / "subagents" / "agent-abc123.jsonl"])
    assert report.ok
    assert report.totals == {"sessions_new": 0, "sessions_updated": 1, "sessions_unchanged": 0,
                             "sessions_deleted_earlier": 0, "sessions_excluded": 0}
    assert report.files[0].skipped == []
    [row] = list_sessions(db)
    assert row.tokens_out == 412 + 20 + 50  # the subagent's own final count, counted once
    assert (row.messages, row.user_messages) == (6, 1)  # its turns are not entries


# --- the writer -----------------------------------------------------------------------------------


def _working_session(n: int) -> Session:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC) + timedelta(hours=n)
    messages: list[Message] = []
    for turn in range(4):
        at = start + timedelta(minutes=10 * turn)
        messages += [
            Message("user", f"Step {turn} of task {n}", at),
            Message("assistant", f"Looking at step {turn}.", at + timedelta(seconds=5)),
            Message("tool", f"Read src/mod{turn}.py", at + timedelta(seconds=6)),
            Message("tool", f"Ran pytest -q: {turn} passed", at + timedelta(seconds=8)),
            Message("assistant", f"Step {turn} done.", at + timedelta(seconds=20)),
        ]
    return Session(source="claude-code", external_id=f"00000000-0000-4000-8000-{n:012d}",
                   title=f"Task {n}", started_at=start, ended_at=messages[-1].time,
                   messages=tuple(messages), model="claude-opus-4-6", tokens_in=50_000 + n,
                   tokens_out=900 + n, project="/home/alice/app")


def test_the_writer_queues_prompts_and_splits_responses_around_results(
        db: Database, tmp_path: Path) -> None:
    written = [_working_session(n) for n in range(8)]
    root = claude_code.write_demo(written, tmp_path / "out")
    records = [json.loads(line) for p in sorted((root / "projects").glob("*/*.jsonl"))
               for line in p.read_text().splitlines()]
    operations = [r["operation"] for r in records if r["type"] == "queue-operation"]
    assert {"enqueue", "remove", "dequeue"} <= set(operations)
    assert any(r["type"] == "attachment" for r in records)
    kinds = ["result" if r["type"] == "user" and isinstance(r["message"]["content"], list)
             and r["message"]["content"][0].get("type") == "tool_result"
             else r["message"]["id"] if r["type"] == "assistant" else "" for r in records]
    assert any(kinds[i] == kinds[i + 2] != "" and kinds[i + 1] == "result"
               for i in range(len(kinds) - 2)), "a response goes on after a tool result"
    report = import_paths(db, [root])
    assert report.ok
    assert report.totals["sessions_new"] == len(written)
    for row in list_sessions(db):
        session = next(s for s in written if s.external_id == row.external_id)
        roles = [m.role for m in get_transcript(db, row.id)]
        assert roles == [m.role for m in session.messages]
        assert (row.messages, row.user_messages) == (20, 4)
        assert (row.tokens_in, row.tokens_out) == (session.tokens_in, session.tokens_out)


def test_the_writer_writes_lines_as_claude_code_does(tmp_path: Path) -> None:
    """Compact JSON, one record a line, times in milliseconds with ``Z`` (JavaScript's
    ``toISOString``): ccusage drops a record whose time has microseconds."""
    written = [_working_session(n) for n in range(3)]
    root = claude_code.write_demo(written, tmp_path / "out")
    lines = [line for p in sorted((root / "projects").rglob("*.jsonl"))
             for line in p.read_text().splitlines()]
    assert lines
    stamps = []
    for line in lines:
        record = json.loads(line)
        assert line == json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        stamps += [record["timestamp"]] if "timestamp" in record else []
    assert stamps
    assert all(datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ") and len(s) == 24 for s in stamps)


def _forked(records: list[dict[str, Any]], sid: str) -> list[dict[str, Any]]:
    """A fork's first lines, as 2.1.x writes them (``--fork-session``, ``/branch``): each
    transcript record of the source again, with the new session id and ``forkedFrom``."""
    copies = []
    for r in records:
        if r.get("type") in ("user", "assistant", "attachment", "system") and \
                not r.get("isSidechain"):
            copies.append({**r, "sessionId": sid,
                           "forkedFrom": {"sessionId": r["sessionId"], "messageUuid": r["uuid"]}})
    return copies


@pytest.mark.parametrize("original_newer", [False, True])
def test_fork_copies_belong_to_the_session_they_were_copied_from(
        db: Database, tmp_path: Path, original_newer: bool) -> None:
    project = tmp_path / "projects" / "-home-alice-app"
    first = [
        user("u1", S1, "Add a --dry-run flag", "2026-02-12T21:03:11.512Z"),
        assistant("a1", S1, [text("I will edit cli.py")], "2026-02-12T21:03:15.000Z",
                  msg="msg_1", req="req_1", out=5),
        # A prompt typed while Claude was busy, handed to it mid-turn.
        {"type": "attachment", "uuid": "q1", "parentUuid": "a1", "sessionId": S1,
         "timestamp": "2026-02-12T21:03:15.500Z", "isSidechain": False,
         "attachment": {"type": "queued_command", "prompt": "also update the README",
                        "commandMode": "prompt"}},
        assistant("a2", S1, [{"type": "tool_use", "id": "t1", "name": "Edit",
                              "input": {"file_path": "cli.py"}}], "2026-02-12T21:03:16.000Z",
                  msg="msg_1", req="req_1", out=120),
    ]
    fork = [*_forked(first, S2),
            user("b1", S2, "Now add tests", "2026-02-13T09:00:00Z"),
            assistant("b2", S2, [text("Added tests")], "2026-02-13T09:00:10Z", msg="msg_3",
                      req="req_3", out=30)]
    write_jsonl(project / f"{S1}.jsonl", first)
    write_jsonl(project / f"{S2}.jsonl", fork)
    if original_newer:  # S1 went on after the fork: its file is the newer one
        append_jsonl(project / f"{S1}.jsonl", [
            user("u2", S1, "And a --verbose flag", "2026-02-14T10:00:00Z"),
            assistant("a3", S1, [text("Done")], "2026-02-14T10:00:05Z", msg="msg_4",
                      req="req_4", out=7)])
        later = (project / f"{S2}.jsonl").stat().st_mtime + 60
        os.utime(project / f"{S1}.jsonl", (later, later))
    report = import_paths(db, [project.parent])
    assert report.ok
    assert report.files[0].sessions_new == 2
    rows = {r.external_id: r for r in list_sessions(db)}
    one, two = rows[S1], rows[S2]
    more = 2 if original_newer else 0
    assert (one.messages, one.user_messages) == (3 + more, 2 + more // 2)
    assert one.tokens_out == 120 + (7 if original_newer else 0)  # the copies count once
    assert one.started_at is not None
    assert one.started_at.day == 12
    assert [m.text for m in get_transcript(db, one.id)][:3] == [
        "Add a --dry-run flag", "I will edit cli.py\n\n[tool Edit] cli.py",
        "also update the README"]
    assert (two.messages, two.user_messages) == (2, 1)
    assert (two.tokens_in, two.tokens_out) == (1103, 30)
    assert two.started_at is not None
    assert two.started_at.day == 13
    assert two.title == "Now add tests"


def test_replay_appended_to_an_imported_file_counts_once(db: Database, db_path: Path,
                                                         tmp_path: Path) -> None:
    """Resuming a compacted session writes the records since the compaction again, at the end
    of the same file (same uuids and times); an import that reads only the new bytes keeps
    them once, as a full read does."""
    path = tmp_path / "projects" / "-home-alice-app" / f"{S1}.jsonl"
    before = [
        user("u1", S1, "Add a --dry-run flag", "2026-02-12T21:03:11Z"),
        assistant("a1", S1, [text("Done")], "2026-02-12T21:03:15Z", msg="msg_1", req="req_1",
                  out=50),
        {"type": "system", "subtype": "compact_boundary", "uuid": "c1", "sessionId": S1,
         "timestamp": "2026-02-12T22:00:00Z", "compactMetadata": {"trigger": "auto"}},
        user("c2", S1, "Summary of the work so far", "2026-02-12T22:00:00Z",
             isCompactSummary=True),
        user("u2", S1, "Now the README", "2026-02-12T22:01:00Z"),
        assistant("a2", S1, [text("README updated")], "2026-02-12T22:01:09Z", msg="msg_2",
                  req="req_2", out=20),
    ]
    write_jsonl(path, before)
    import_paths(db, [path.parent.parent])
    append_jsonl(path, [*before[2:],
                        user("u3", S1, "And the changelog", "2026-02-13T08:00:00Z"),
                        assistant("a3", S1, [text("Changelog too")], "2026-02-13T08:00:05Z",
                                  msg="msg_3", req="req_3", out=9)])
    import_paths(db, [path.parent.parent])
    [row] = list_sessions(db)
    assert (row.messages, row.user_messages) == (7, 3)  # a compaction summary too
    assert row.tokens_out == 50 + 20 + 9
    from desktop_app.store import open_db
    fresh = open_db(tmp_path / "fresh.db")
    import_paths(fresh, [path.parent.parent])
    [full] = list_sessions(fresh)
    fresh.close()
    assert (full.messages, full.user_messages, full.tokens_out) == (7, 3, 79)


def test_resume_into_a_new_file_with_equal_times_keeps_the_copies_in_the_original(
        db: Database, tmp_path: Path) -> None:
    """1.0.x ``--resume``: a new file, a summary naming the last record, then the earlier
    records again under the new session id (no ``forkedFrom``). Restored from a backup, both
    files have one modification time: the original is the smaller one."""
    project = tmp_path / "projects" / "-home-alice-app"
    new = "00000000-0000-4000-8000-000000000000"  # its file name sorts first
    first = [user("u1", S1, "Add a --dry-run flag", "2026-02-12T21:03:11Z"),
             assistant("a1", S1, [text("Done")], "2026-02-12T21:03:15Z", msg="msg_1",
                       req="req_1", out=50)]
    write_jsonl(project / f"{S1}.jsonl", first)
    write_jsonl(project / f"{new}.jsonl", [
        {"type": "summary", "summary": "Dry-run flag", "leafUuid": "a1"},
        *[{**r, "sessionId": new} for r in first],
        user("b1", new, "Now add tests", "2026-02-13T09:00:00Z"),
        assistant("b2", new, [text("Added tests")], "2026-02-13T09:00:10Z", msg="msg_3",
                  req="req_3", out=30)])
    for path in project.iterdir():
        os.utime(path, (1_770_000_000, 1_770_000_000))
    import_paths(db, [project.parent])
    rows = {r.external_id: r for r in list_sessions(db)}
    assert (rows[S1].messages, rows[S1].tokens_out, rows[S1].title) == (2, 50, "Dry-run flag")
    assert (rows[new].messages, rows[new].tokens_out) == (2, 30)
