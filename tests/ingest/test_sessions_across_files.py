"""The same Claude Code session in files of several folders: one session holding all of them.

Claude Code keeps ``projects/<project folder>/<session>.jsonl``; a session id also shows up in
another project folder's files (a resume from there, a stray copy), and a copy of ``~/.claude``
holds older copies of the same files. Whatever the folders, the lines of one session id make
one session, and nothing is dropped (PRODUCT.md, "The same session in two files").
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from desktop_app.importers.jsonl import LineReader
from desktop_app.ingest import import_paths
from desktop_app.store import list_sessions, open_db
from tests.builders import DATA, append_jsonl, assistant, text, user

SAMPLES = DATA / "claude-code"
EDGE = "daaain__claude-code-log__edge_cases.jsonl"  # has a stray line of todowrite_session
TODO = "daaain__claude-code-log__todowrite_examples.jsonl"


def _figures(db: Database) -> dict[str, tuple[Any, ...]]:
    return {r.external_id: (r.messages, r.user_messages, r.tokens_in, r.tokens_out, r.title,
                            r.started_at, r.ended_at, r.model) for r in list_sessions(db)}


def _two_folders(root: Path, edge_folder: str = "-tmp-a", todo_folder: str = "-tmp-b") -> Path:
    projects = root / "projects"
    for folder, name, sample in ((edge_folder, "edge_cases", EDGE),
                                 (todo_folder, "todowrite_session", TODO)):
        (projects / folder).mkdir(parents=True, exist_ok=True)
        # Claude Code ends every line; these hand-written samples lack the last newline.
        data = (SAMPLES / sample).read_text().rstrip("\n") + "\n"
        (projects / folder / f"{name}.jsonl").write_text(data)
    return projects


def test_the_stray_line_is_really_there() -> None:
    lines = [json.loads(x) for x in (SAMPLES / EDGE).read_text().splitlines()
             if x.startswith("{")]
    stray = [r for r in lines if r.get("sessionId") == "todowrite_session"]
    assert [r["uuid"] for r in stray] == ["assistant_004"]
    todo = [json.loads(x) for x in (SAMPLES / TODO).read_text().splitlines()]
    assert stray[0]["uuid"] in {r.get("uuid") for r in todo}  # a copy of one of its lines


@pytest.mark.parametrize(("edge_folder", "todo_folder"), [("-tmp-a", "-tmp-b"),
                                                          ("-tmp-b", "-tmp-a")])
def test_a_session_in_two_project_folders_is_one_session(db: Database, tmp_path: Path,
                                                         edge_folder: str,
                                                         todo_folder: str) -> None:
    projects = _two_folders(tmp_path, edge_folder, todo_folder)
    report = import_paths(db, [projects])
    assert report.ok, report.files[0].error
    assert report.totals == {"sessions_new": 2, "sessions_updated": 0, "sessions_unchanged": 0,
                             "sessions_deleted_earlier": 0, "sessions_excluded": 0}
    rows = {r.external_id: r for r in list_sessions(db)}
    todo, edge = rows["todowrite_session"], rows["edge_cases"]
    assert (todo.messages, todo.user_messages, todo.tokens_in, todo.tokens_out) == \
        (11, 2, 883, 328)
    assert todo.title == "Feature Implementation with Task Management"
    assert (edge.messages, edge.user_messages, edge.tokens_in, edge.tokens_out) == \
        (10, 3, 320, 350)
    again = import_paths(db, [projects])
    assert again.totals == {"sessions_new": 0, "sessions_updated": 0, "sessions_unchanged": 2,
                            "sessions_deleted_earlier": 0, "sessions_excluded": 0}


def test_a_copy_of_the_claude_folder_beside_it(db: Database, tmp_path: Path) -> None:
    # An old copy (a backup) holds the session's first lines; the live folder all of them.
    lines = (SAMPLES / TODO).read_text().splitlines(keepends=True)
    for copy, kept in (("backup", lines[:5]), ("live", lines)):
        folder = tmp_path / copy / "claude" / "projects" / "-tmp"
        folder.mkdir(parents=True)
        (folder / "todowrite_session.jsonl").write_text("".join(kept))
    report = import_paths(db, [tmp_path])
    assert report.ok, report.files[0].error
    [row] = list_sessions(db)
    assert (row.messages, row.user_messages, row.tokens_in, row.tokens_out) == (11, 2, 883, 328)


def test_growing_and_new_files_across_folders_equal_a_fresh_import(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    projects = _two_folders(tmp_path)
    import_paths(db, [projects])
    # The session goes on in its own file: only the new bytes of that file are read.
    todo = projects / "-tmp-b" / "todowrite_session.jsonl"
    size = todo.stat().st_size
    append_jsonl(todo, [
        user("t-u9", "todowrite_session", "Mark the security review done",
             "2025-06-14T10:05:00Z", cwd="/tmp"),
        assistant("t-a9", "todowrite_session", [text("Marked.")], "2025-06-14T10:05:05Z",
                  msg="msg_009", req="req_009", out=9, inp=300, cache_w=0, cache_r=0),
    ])
    starts: list[tuple[str, int]] = []
    real_init = LineReader.__init__

    def record(self: Any, stream: Any, name: str, tally: Any, start: int = 0) -> None:
        starts.append((Path(name).name, start))
        real_init(self, stream, name, tally, start)

    monkeypatch.setattr(LineReader, "__init__", record)
    grown = import_paths(db, [projects])
    assert starts == [("todowrite_session.jsonl", size)]
    assert grown.totals == {"sessions_new": 0, "sessions_updated": 1, "sessions_unchanged": 1,
                            "sessions_deleted_earlier": 0, "sessions_excluded": 0}
    # A line of it in the other folder's growing file (a resume from there).
    append_jsonl(projects / "-tmp-a" / "edge_cases.jsonl", [
        user("t-u10", "todowrite_session", "And close the epic", "2025-06-14T10:06:00Z",
             cwd="/tmp")])
    starts.clear()
    import_paths(db, [projects])
    assert [name for name, _ in starts] == ["edge_cases.jsonl"]
    # A new session file in the first folder: the files of both folders are read again.
    (projects / "-tmp-a" / "other.jsonl").write_text(json.dumps(
        user("o-1", "other", "Another task", "2025-06-15T09:00:00Z")) + "\n")
    starts.clear()
    report = import_paths(db, [projects])
    assert sorted(starts) == [("edge_cases.jsonl", 0), ("other.jsonl", 0),
                              ("todowrite_session.jsonl", 0)]
    assert report.totals == {"sessions_new": 1, "sessions_updated": 0, "sessions_unchanged": 2,
                             "sessions_deleted_earlier": 0, "sessions_excluded": 0}
    monkeypatch.undo()
    incremental = _figures(db)
    assert incremental["todowrite_session"][:4] == (11 + 3, 2 + 2, 883 + 300, 328 + 9)
    fresh = open_db(tmp_path / "fresh.db")
    try:
        import_paths(fresh, [projects])
        assert _figures(fresh) == incremental
    finally:
        fresh.close()


def test_an_unrelated_folder_is_not_read_again(db: Database, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    projects = _two_folders(tmp_path)
    (projects / "-tmp-c").mkdir()
    shutil.copy(SAMPLES / "daaain__claude-code-log__representative_messages.jsonl",
                projects / "-tmp-c" / "test_session.jsonl")
    import_paths(db, [projects])
    (projects / "-tmp-c" / "later.jsonl").write_text(json.dumps(
        user("l-1", "later", "A later task", "2025-06-16T09:00:00Z")) + "\n")
    starts: list[str] = []
    real_init = LineReader.__init__

    def record(self: Any, stream: Any, name: str, tally: Any, start: int = 0) -> None:
        starts.append(Path(name).name)
        real_init(self, stream, name, tally, start)

    monkeypatch.setattr(LineReader, "__init__", record)
    report = import_paths(db, [projects])
    assert sorted(starts) == ["later.jsonl", "test_session.jsonl"]
    assert report.totals == {"sessions_new": 1, "sessions_updated": 0, "sessions_unchanged": 3,
                             "sessions_deleted_earlier": 0, "sessions_excluded": 0}
