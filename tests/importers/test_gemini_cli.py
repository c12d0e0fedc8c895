"""Gemini CLI: session files, tool calls and thoughts, tokens, rewritten files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from desktop_app.importers import gemini_cli
from desktop_app.importers.contract import FormatError
from desktop_app.importers.discover import find_histories
from desktop_app.ingest import import_paths
from desktop_app.store import get_transcript, list_sessions
from tests.builders import DATA, parse_bytes, write_json

SAMPLES = DATA / "gemini-cli"


@pytest.mark.parametrize(("name", "expected"), [
    ("kenn-io__agentsview__standard_session.json",
     ("sess-uuid-1", "Fix the login bug", 4, 2, None, 3500, 500)),
    ("kenn-io__agentsview__thinking_only.json",
     ("sess-uuid-thinking", "Explain how this works", 2, 1, "gemini-2.5-pro", None, None)),
    ("kenn-io__agentsview__tool_calls_with_results.json",
     ("sess-uuid-tool-results", "Read the planning doc", 4, 1, "gemini-2.5-pro", None, None)),
    ("Sinity__polylogue__gemini-cli-session.json",
     ("origin-matrix-gemini-cli", "Origin capability matrix", 2, 1, "gemini-matrix", None,
      None)),
])
def test_samples(db: Database, name: str, expected: tuple[Any, ...]) -> None:
    report = import_paths(db, [SAMPLES / name])
    assert report.ok, report.files[0].error
    [row] = list_sessions(db)
    assert (row.external_id, row.title, row.messages, row.user_messages, row.model,
            row.tokens_in, row.tokens_out) == expected


def test_chats_folder_found_imported_and_reread(db: Database, tmp_path: Path) -> None:
    chats = tmp_path / ".gemini" / "tmp" / "abc123" / "chats"
    chats.mkdir(parents=True)
    shutil.copy(SAMPLES / "kenn-io__agentsview__tool_calls_with_results.json",
                chats / "session-2024-01-01T10-00-tool.json")
    [found] = find_histories({}, tmp_path, platform="linux")
    assert (found.source, found.path, found.files) == ("gemini-cli", chats.parent.parent, 1)
    report = import_paths(db, [found.path])
    assert report.ok, report.files[0].error
    [row] = list_sessions(db)
    tool = get_transcript(db, row.id)[2]
    assert tool.text.startswith('[tool ReadFile] {"file_path": ".planning/ONE-PAGER.md"}')
    path = chats / "session-2024-01-01T10-00-tool.json"
    data = json.loads(path.read_text())
    data["messages"].append({"id": "u9", "type": "user", "content": [{"text": "thanks"}],
                             "timestamp": "2024-01-01T10:09:00Z"})
    write_json(path, data)
    again = import_paths(db, [found.path])
    assert again.totals["sessions_updated"] == 1
    assert list_sessions(db)[0].user_messages == 2


def test_not_a_session() -> None:
    with pytest.raises(FormatError):
        parse_bytes(gemini_cli, b'{"sessionId": 5, "startTime": "x", "messages": []}')


def test_cached_input_is_the_cache_read_part_of_the_input() -> None:
    data = (SAMPLES / "kenn-io__agentsview__standard_session.json").read_bytes()
    [session], _ = parse_bytes(gemini_cli, data)
    # input 1500 + 2000 of which cached 100 + 50; Gemini records no cache writes.
    assert (session.tokens_in, session.tokens_uncached, session.tokens_cache_write,
            session.tokens_cache_read) == (3500, 3350, None, 150)
