"""``worthwhile demo-data``: synthetic exports in each tool's real format that round-trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlite_utils import Database

from desktop_app.cli import main
from desktop_app.demo_exports import WRITERS, write_export
from desktop_app.importers import chatgpt, detect
from desktop_app.importers.registry import SOURCES
from desktop_app.ingest import import_paths
from desktop_app.store import count_sessions

CHAT_SOURCES = ("chatgpt", "claude-ai", "gemini", "open-webui", "generic")


@pytest.mark.parametrize("source", CHAT_SOURCES)
def test_round_trip_gives_exactly_n_sessions(db: Database, tmp_path: Path, source: str) -> None:
    path = write_export(source, 57, tmp_path / f"{source}.export")
    head = path.read_bytes()[:65536]
    parser = detect.detect(head, path.name)
    assert parser is not None
    assert source == parser.name
    report = import_paths(db, [path])
    entry = report.files[0]
    assert entry.error is None, entry.error
    assert entry.skipped == []
    assert (entry.source, entry.sessions_new) == (source, 57)
    assert count_sessions(db) == 57
    again = import_paths(db, [path]).files[0]
    assert (again.sessions_new, again.sessions_updated, again.sessions_unchanged) == (0, 0, 57)


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
    for source in CHAT_SOURCES:
        a = write_export(source, 30, tmp_path / "a" / source)
        b = write_export(source, 30, tmp_path / "b" / source)
        c = write_export(source, 30, tmp_path / "c" / source, seed=7)
        assert a.read_bytes() == b.read_bytes()
        assert a.read_bytes() != c.read_bytes()


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


def test_sources_without_a_writer_say_not_available(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = [source for source in SOURCES if source not in WRITERS]
    if not missing:
        pytest.skip("every source has a writer")
    out = tmp_path / "x.json"
    assert main(["demo-data", "--source", missing[0], "--sessions", "3", "--out", str(out)]) == 2
    assert "not available yet" in capsys.readouterr().err
    assert not out.exists()
