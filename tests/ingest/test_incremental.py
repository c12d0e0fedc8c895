"""Incremental imports of growing logs: remembered files, cancel, garbage through the runner."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from desktop_app.importers.contract import SourceSpec
from desktop_app.importers.registry import SPECS
from desktop_app.ingest import import_paths
from desktop_app.store import list_sessions, open_db
from desktop_app.store.db import schema_version
from desktop_app.store.files import load_file_states
from tests.builders import (
    S1,
    S2,
    project_with_subagent_and_fork,
    request,
    session_one,
    snapshot,
    write_jsonl,
)


def test_migration_adds_the_file_tables(db: Database) -> None:
    assert "0005_file_states" in schema_version(db)
    assert {"file_states", "session_states"} <= set(db.table_names())


def test_files_are_remembered_with_size_and_offset(db: Database, tmp_path: Path) -> None:
    project = project_with_subagent_and_fork(tmp_path)
    import_paths(db, [project.parent])
    states = load_file_states(db, str(project))
    main = states[str(project / f"{S1}.jsonl")]
    assert main.size == main.offset == (project / f"{S1}.jsonl").stat().st_size
    assert main.source == "claude-code"
    assert len(main.sessions) == 1
    assert len(states) == 3  # two sessions and a subagent file; not the .meta.json


def test_cancel_rolls_the_whole_path_back(db: Database, tmp_path: Path) -> None:
    project = project_with_subagent_and_fork(tmp_path)
    before = list(db.conn.iterdump())
    report = import_paths(db, [project.parent], cancel=lambda: True)
    assert report.cancelled
    assert list(db.conn.iterdump()) == before
    after = import_paths(db, [project.parent])  # nothing was remembered: all read again
    assert after.totals["sessions_new"] == 2


def test_a_new_parser_version_reads_everything_again(db: Database, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.importers import claude_code

    path = write_jsonl(tmp_path / "p" / f"{S2}.jsonl", session_one())
    import_paths(db, [tmp_path / "p"])
    monkeypatch.setattr(claude_code.SPEC, "version", "99")
    report = import_paths(db, [tmp_path / "p"])
    assert report.totals["sessions_updated"] == 1  # re-read, stored hash includes the version
    assert load_file_states(db)[str(path)].parser_version == claude_code.SPEC.parser_version


def test_deleted_file_keeps_its_sessions(db: Database, tmp_path: Path) -> None:
    project = project_with_subagent_and_fork(tmp_path)
    import_paths(db, [project.parent])
    (project / f"{S2}.jsonl").unlink()  # Claude Code's 30-day clean-up
    report = import_paths(db, [project.parent])
    assert report.ok
    assert {r.external_id for r in list_sessions(db)} == {S1, S2}


GROUP_SOURCES = [spec for spec in SPECS if spec.group is not None]
NAMES = {"claude-code": "s.jsonl", "codex": "rollout-x.jsonl", "copilot": "chat.json",
         "cursor": "state.vscdb", "aider": ".aider.chat.history.md", "llm": "logs.db",
         "gemini-cli": "session-1.json"}


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=1, max_size=300), which=st.sampled_from(GROUP_SOURCES))
def test_garbage_through_the_runner_is_a_clear_error(tmp_path_factory: pytest.TempPathFactory,
                                                     data: bytes, which: SourceSpec) -> None:
    folder = tmp_path_factory.mktemp("g")
    name = NAMES[which.name]
    prefix = {"llm": b"SQLite format 3\x00", "cursor": b"SQLite format 3\x00",
              "aider": b"# aider chat started at 2025-01-01 10:00:00\n",
              "claude-code": b'{"type":"user","sessionId":"s","uuid":"u","message":{}}\n',
              "codex": b'{"type":"session_meta","payload":{"id":"x"}}\n'}.get(
                  which.name, b"")
    path = folder / name
    path.write_bytes(prefix + data)
    db = open_db(folder / "w.db")
    try:
        for target in (path, folder):
            report = import_paths(db, [target])
            error = report.files[0].error or ""
            assert "unexpected error" not in error, error
    finally:
        db.close()


def test_single_file_of_a_project_imports(db: Database, tmp_path: Path) -> None:
    project = project_with_subagent_and_fork(tmp_path)
    report = import_paths(db, [project / f"{S2}.jsonl"])
    assert report.ok
    assert [r.external_id for r in list_sessions(db)] == [S2]
    again = import_paths(db, [project / f"{S2}.jsonl"])
    assert again.totals == {"sessions_new": 0, "sessions_updated": 0, "sessions_unchanged": 1,
                            "sessions_deleted_earlier": 0, "sessions_excluded": 0}


def test_rewritten_file_of_the_same_size_is_read_again(db: Database, tmp_path: Path) -> None:
    chats = tmp_path / "Code" / "User" / "workspaceStorage" / "h" / "chatSessions"
    chats.mkdir(parents=True)
    path = chats / "s.json"
    path.write_text(json.dumps(snapshot("s", [request("r", "hi", 1755347728047, [])], "AAAA")))
    import_paths(db, [chats.parent.parent])
    path.write_text(json.dumps(snapshot("s", [request("r", "hi", 1755347728047, [])], "BBBB")))
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
    report = import_paths(db, [chats.parent.parent])
    assert report.totals["sessions_updated"] == 1
    assert list_sessions(db)[0].title == "BBBB"


def test_cli_import_of_a_projects_folder(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_app.cli import main

    project = project_with_subagent_and_fork(tmp_path)
    db_file = tmp_path / "cli.db"
    assert main(["--db", str(db_file), "import", str(project.parent), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["files"][0]["source"] == "claude-code"
    assert first["totals"] == {"sessions_new": 2, "sessions_updated": 0, "sessions_unchanged": 0,
                               "sessions_deleted_earlier": 0, "sessions_excluded": 0}
    assert main(["--db", str(db_file), "import", str(project.parent), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["totals"] == {"sessions_new": 0, "sessions_updated": 0, "sessions_unchanged": 2,
                               "sessions_deleted_earlier": 0, "sessions_excluded": 0}
    assert main(["--db", str(db_file), "sessions", "--source", "claude-code", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["external_id"] for r in rows} == {S1, S2}


def test_cancel_between_files_of_one_group(db: Database, tmp_path: Path) -> None:
    project = project_with_subagent_and_fork(tmp_path)
    calls: list[int] = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 2  # after the first file of the project has been read

    before = list(db.conn.iterdump())
    report = import_paths(db, [project.parent], cancel=cancel)
    assert report.cancelled
    assert list(db.conn.iterdump()) == before
