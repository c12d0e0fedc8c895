"""The generic CSV / JSONL format: the documented examples, bad rows, empty files."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from desktop_app.importers import generic
from desktop_app.importers.contract import FormatError
from desktop_app.ingest import import_paths
from desktop_app.store import get_transcript, list_sessions
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

