"""Claude Code: samples, streaming splits, subagents, resumed sessions, incremental re-reads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from desktop_app.domain import Rating, Verdict
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
    assert again.totals == {"sessions_new": 0, "sessions_updated": 0, "sessions_unchanged": 2}
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
    assert third.totals == {"sessions_new": 0, "sessions_updated": 1, "sessions_unchanged": 1}
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
     ("start phoenix in background", 17, 2, "claude-opus-4-6", 105981, 212)),
    ("marot__spotter__subagent.jsonl",  # with the subagent usage mirrored in progress records
     ("create the beads", 32, 1, "claude-opus-4-6", 564356, 1593)),
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
    reasons = {s.reason for s in report.files[0].skipped}
    assert "not valid JSON" in reasons  # agentsview's deliberately truncated line
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
