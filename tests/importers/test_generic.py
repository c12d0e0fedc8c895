"""The generic CSV / JSONL format: the documented examples, bad rows, empty files."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from desktop_app.domain import Rating, Verdict
from desktop_app.importers import generic
from desktop_app.importers.contract import FormatError
from desktop_app.ingest import import_paths
from desktop_app.store import get_rating, get_transcript, list_sessions, set_rating
from tests.builders import parse_bytes


def _docstring_example(kind: str) -> str:
    doc = generic.__doc__ or ""
    block = doc.split(f"{kind} example::", 1)[1].split("\n\n", 2)[1]
    return "\n".join(line[4:] for line in block.splitlines()) + "\n"


@pytest.mark.parametrize(("kind", "name"), [("CSV", "history.csv"), ("JSONL", "history.jsonl")])
def test_documented_examples_import(db: Database, tmp_path: Path, kind: str, name: str) -> None:
    path = tmp_path / name
    path.write_text(_docstring_example(kind), encoding="utf-8")
    report = import_paths(db, [path])
    assert report.ok, report.files[0].error
    assert report.files[0].source == "generic"
    [row] = list_sessions(db)
    assert row.source == "generic"
    assert row.external_id == "Perplexity/p-1"
    assert row.title == "Sunglasses"
    assert row.model == "sonar"
    assert (row.tokens_in, row.tokens_out) == (31, 120)
    assert (row.messages, row.user_messages) == (2, 1)
    assert row.started_at == datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
    assert row.ended_at == datetime(2026, 3, 2, 9, 15, 20, tzinfo=UTC)
    assert [m.role for m in get_transcript(db, row.id)] == ["user", "assistant"]


def test_csv_with_quotes_newlines_interleaved_sessions_and_bad_rows() -> None:
    data = (
        b"Session_ID,Time,Role,Text,Extra\n"
        b's1,2026-01-01T10:00:00+01:00,user,"line one\nline two, with ""quotes""",x\n'
        b"s2,1767261600,human,other session,\n"
        b"s1,1767261660000,assistant,reply,\n"
        b",2026-01-01T10:00:00Z,user,no session id,\n"
        b"s1,2026-01-01T10:00:00Z,wizard,bad role,\n"
        b"s1,yesterday,user,bad time,\n"
        b"s1,,tool,no time is fine,\n"
    )
    sessions, skipped = parse_bytes(generic, data, "x.csv")
    assert [s.external_id for s in sessions] == ["s1", "s2"]
    s1 = sessions[0]
    assert s1.messages[0].text == 'line one\nline two, with "quotes"'
    assert s1.messages[0].time == datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    assert [m.role for m in s1.messages] == ["user", "assistant", "tool"]
    assert s1.title == "line one"
    assert (s1.tokens_in, s1.tokens_out) == (None, None)
    assert [s.what for s in skipped] == ["line 6", "line 7", "line 8"]
    assert "unknown role" in skipped[1].reason


def test_jsonl_bad_lines_skipped_good_lines_imported(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    lines = [
        json.dumps({"session_id": "a", "role": "user", "text": "hi", "time": "2026-01-01"}),
        "{not json",
        "[1, 2]",
        json.dumps({"session_id": "a", "role": "assistant", "text": "hello", "model": "m1",
                    "tokens_in": "12", "tokens_out": 3}),
        "",
    ]
    path.write_bytes("\n".join(lines).encode() + b"\n\xff\xfe\n")
    entry = import_paths(db, [path]).files[0]
    assert entry.error is None
    assert entry.sessions_new == 1
    assert [s.what for s in entry.skipped] == ["line 2", "line 3", "line 6"]
    [row] = list_sessions(db)
    assert (row.tokens_in, row.tokens_out) == (12, 3)


@pytest.mark.parametrize("content", [
    b"session_id,time,role,text\n",
    b'{"session_id": "a", "role": "nobody", "text": "x"}\n{"bad\n',
    b"session_id,role,text\n,user,x\n",
])
def test_no_readable_row_is_an_error(db: Database, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "history.csv"
    path.write_bytes(content)
    entry = import_paths(db, [path]).files[0]
    assert entry.error is not None
    assert list_sessions(db) == []


def test_invalid_utf8_csv_is_an_error() -> None:
    with pytest.raises(FormatError, match="UTF-8"):
        parse_bytes(generic, b"session_id,role,text\ns,user,caf\xe9\n", "x.csv")


def test_unreadable_token_counts_are_reported_not_dropped_silently(db: Database,
                                                                   tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    path.write_text(
        "session_id,time,role,text,tokens_in,tokens_out\n"
        "s1,2026-03-02T09:15:00Z,user,hello,,\n"
        "s1,2026-03-02T09:15:20Z,assistant,hi,abc,12\n"
        "s2,2026-03-02T10:00:00Z,user,again,-3,\n", encoding="utf-8")
    entry = import_paths(db, [path]).files[0]
    assert entry.error is None
    assert [(s.what, s.reason) for s in entry.skipped] == [
        ("line 3: tokens_in",
         "'abc' is not a whole number of tokens (the row is imported without it)"),
        ("line 4: tokens_in",
         "'-3' is not a whole number of tokens (the row is imported without it)")]
    rows = {r.external_id: r for r in list_sessions(db)}
    assert entry.sessions_new == len(rows) == 2  # the rows themselves are imported
    assert (rows["s1"].messages, rows["s1"].tokens_in, rows["s1"].tokens_out) == (2, None, 12)


TOOLS_CSV = """session_id,time,role,text,title,tool,model,tokens_in,tokens_out
p-1,2026-03-02T09:15:00Z,user,How do polarized lenses work?,Sunglasses,Perplexity,,,
p-1,2026-03-02T09:15:20Z,assistant,They block glare.,,,sonar,31,120
p-2,2026-03-03T09:00:00Z,user,Best hiking boots?,,Perplexity,,,
p-2,2026-03-03T09:00:09Z,assistant,It depends.,,,sonar,,
c-1,2026-03-04T08:00:00Z,user,Summarise this,,Poe,,,
d-1,2026-03-05T08:00:00Z,user,Prove it,,DeepSeek,,,
l-1,2026-03-06T08:00:00Z,user,Bonjour,,Le Chat,,,
x-1,2026-03-07T08:00:00Z,user,No tool given,,,,,
"""


def _cli_json(capsys: pytest.CaptureFixture[str], db_path: Path, *args: str) -> Any:
    from desktop_app.cli import main

    assert main(["--db", str(db_path), *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_each_tool_is_named_as_people_know_it(db_path: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "chats.csv"
    path.write_text(TOOLS_CSV, encoding="utf-8")
    report = _cli_json(capsys, db_path, "import", str(path))
    assert report["totals"]["sessions_new"] == 6
    sessions = _cli_json(capsys, db_path, "sessions")
    assert sorted((s["source"], s["tool"], s["external_id"]) for s in sessions) == [
        ("generic", "DeepSeek", "DeepSeek/d-1"), ("generic", "Le Chat", "Le Chat/l-1"),
        ("generic", "Other", "x-1"), ("generic", "Perplexity", "Perplexity/p-1"),
        ("generic", "Perplexity", "Perplexity/p-2"), ("generic", "Poe", "Poe/c-1")]
    one = next(s for s in sessions if s["tool"] == "Poe")
    shown = _cli_json(capsys, db_path, "show", one["id"])
    assert shown["tool"] == "Poe"
    assert {k: v for k, v in shown.items() if k not in ("transcript", "tool_feedback")} == one
    stats = _cli_json(capsys, db_path, "stats", "--group", "tool", "--by", "month")
    groups = {p["group"]: p["uses"] for p in stats["periods"]}
    assert groups == {"Perplexity": 2, "Poe": 1, "DeepSeek": 1, "Le Chat": 1, "generic": 1}
    # --source is the source: all generic rows, grouped by their tools.
    only = _cli_json(capsys, db_path, "stats", "--group", "tool", "--source", "generic")
    assert sum(p["uses"] for p in only["periods"]) == 6
    from desktop_app.cli import main

    assert main(["--db", str(db_path), "stats", "--group", "tool", "--by", "month"]) == 0
    text = capsys.readouterr().out
    assert "Le Chat" in text
    assert "Perplexity" in text


def test_sessions_imported_before_tool_names_get_them_on_the_next_import(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "chats.csv"
    path.write_text(TOOLS_CSV, encoding="utf-8")
    # As version 1 stored them: no tool name.
    parse = generic.SPEC.parse
    with monkeypatch.context() as m:
        m.setattr(generic.SPEC, "version", "1")
        m.setattr(generic.SPEC, "parse", lambda *a: (replace(s, tool_name=None)
                                                     for s in parse(*a)))
        import_paths(db, [path])
    assert {r.tool_key for r in list_sessions(db)} == {"generic"}
    rated = next(r for r in list_sessions(db) if r.external_id == "Poe/c-1")
    set_rating(db, rated.id, Rating(Verdict.USEFUL, minutes_saved=5))
    report = import_paths(db, [path])
    assert report.totals == {"sessions_new": 0, "sessions_updated": 6, "sessions_unchanged": 0,
                             "sessions_deleted_earlier": 0, "sessions_excluded": 0}
    assert sorted(r.tool_key for r in list_sessions(db)) == [
        "DeepSeek", "Le Chat", "Perplexity", "Perplexity", "Poe", "generic"]
    assert get_rating(db, rated.id).minutes_saved == 5
    assert import_paths(db, [path]).totals["sessions_unchanged"] == 6
