"""``worthwhile demo-data``: synthetic files in each tool's real format that round-trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlite_utils import Database

from desktop_app.cli import main
from desktop_app.demo.exports import sessions_for, write_export
from desktop_app.importers import chatgpt, detect, registry
from desktop_app.ingest import import_paths
from desktop_app.store import count_sessions


@pytest.mark.parametrize("source", registry.SOURCES)
def test_round_trip_gives_exactly_n_sessions(db: Database, tmp_path: Path, source: str) -> None:
    path = write_export(source, 57, tmp_path / f"{source}.export")
    if path.is_file():
        spec = detect.detect(path.read_bytes()[:65536], str(path))
        assert spec is not None
        assert spec.name == source
    report = import_paths(db, [path])
    entry = report.files[0]
    assert entry.error is None, entry.error
    assert entry.skipped == []
    assert (entry.source, entry.sessions_new) == (source, 57)
    assert count_sessions(db) == 57
    again = import_paths(db, [path]).files[0]
    assert (again.sessions_new, again.sessions_updated) == (0, 0)


def test_sessions_are_deterministic_and_of_their_source() -> None:
    for source in registry.SOURCES:
        first = list(sessions_for(source, 10))
        assert first == list(sessions_for(source, 10))
        assert {s.source for s in first} == {source}
        starts = [s.started_at for s in first if s.started_at is not None]
        assert starts == sorted(starts)
        assert len(starts) == len(first)
        assert {s.id for s in first}.isdisjoint(s.id for s in sessions_for(source, 10, seed=7))


def test_coding_sessions_have_tools_projects_and_tokens() -> None:
    for source in ("claude-code", "codex", "copilot", "cursor", "aider", "gemini-cli"):
        sessions = list(sessions_for(source, 10))
        assert all(s.project and s.tokens_in and s.model for s in sessions)
        assert any(m.role == "tool" for s in sessions for m in s.messages)


def test_chatgpt_export_has_the_real_shape(tmp_path: Path) -> None:
    path = write_export("chatgpt", 200, tmp_path / "conversations.json")
    conversations = json.loads(path.read_text(encoding="utf-8"))
    first = conversations[0]
    assert {"id", "conversation_id", "title", "create_time", "update_time", "mapping",
            "current_node", "default_model_slug"} <= set(first)
    assert "client-created-root" in first["mapping"]
    with path.open("rb") as stream:
        sessions = list(chatgpt.parse(stream, path.name, lambda item: None))
    assert len(sessions) == 200
    assert any(s.hidden_branches for s in sessions), "some answers are regenerated"
    assert any(c["title"] is None for c in conversations), "some titles are null"
    assert all(s.title for s in sessions)
    assert all(s.messages[0].role == "user" for s in sessions)
    assert all(s.model for s in sessions)


def test_same_arguments_same_bytes(tmp_path: Path) -> None:
    def tree(path: Path) -> dict[str, bytes]:
        if path.is_file():
            return {"": path.read_bytes()}
        return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*"))
                if p.is_file()}

    for source in registry.SOURCES:
        a = tree(write_export(source, 30, tmp_path / "a" / source))
        b = tree(write_export(source, 30, tmp_path / "b" / source))
        c = tree(write_export(source, 30, tmp_path / "c" / source, seed=7))
        assert a == b, source
        assert a != c, source


def test_cli_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out" / "conversations.json"
    assert main(["demo-data", "--source", "chatgpt", "--sessions", "12", "--out", str(out)]) == 0
    assert "12 chatgpt sessions" in capsys.readouterr().out
    with out.open("rb") as stream:
        assert len(list(chatgpt.parse(stream, "x", lambda item: None))) == 12
    assert not list(out.parent.glob("*.partial"))


def test_cli_into_a_folder_uses_the_tools_file_name(tmp_path: Path) -> None:
    assert main(["demo-data", "--source", "gemini", "--sessions", "3", "--out",
                 str(tmp_path)]) == 0
    assert (tmp_path / "MyActivity.json").exists()


def test_cli_lays_out_a_coding_tools_folders(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "claude"
    assert main(["demo-data", "--source", "claude-code", "--sessions", "5", "--out",
                 str(out)]) == 0
    assert f"{out}: 5 claude-code sessions" in capsys.readouterr().out
    assert len(list((out / "projects").glob("*/*.jsonl"))) == 5
    db_path = tmp_path / "w.db"
    assert main(["--db", str(db_path), "import", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["totals"]["sessions_new"] == 5


def test_cli_offers_every_source(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["demo-data", "--source", "no-such-tool", "--sessions", "3", "--out", "x"])
    assert exc.value.code == 2
    error = capsys.readouterr().err
    assert all(source in error for source in registry.SOURCES)


@pytest.mark.parametrize("args", [
    ["--source", "chatgpt", "--sessions", "0", "--out", "x.json"],
    ["--source", "chatgpt", "--sessions", "-3", "--out", "x.json"],
    ["--source", "chatgpt", "--sessions", "many", "--out", "x.json"],
    ["--source", "no-such-tool", "--sessions", "3", "--out", "x.json"],
    ["--source", "chatgpt", "--sessions", "3"],
    ["--sessions", "3", "--out", "x.json"],
])
def test_bad_arguments_exit_2(args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["demo-data", *args])
    assert exc.value.code == 2
    assert not (tmp_path / "x.json").exists()
