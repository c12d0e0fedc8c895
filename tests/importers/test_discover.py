"""Find on this computer: default places per platform, environment overrides, Aider repos, scan."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from desktop_app.cli import main
from desktop_app.importers.discover import Found, find_histories, importable_sources
from desktop_app.ingest import import_paths
from desktop_app.store import list_sessions
from tests.builders import current_rollout, session_one, write_jsonl

MTIME = datetime(2026, 3, 1, 12, 0, tzinfo=UTC).timestamp()


def touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (MTIME, MTIME))
    return path


def claude_tree(root: Path) -> Path:
    projects = root / "projects"
    first = write_jsonl(projects / "-home-alice-app" / "s1.jsonl", session_one())
    os.utime(first, (MTIME, MTIME))
    touch(projects / "-home-alice-app" / "s1" / "subagents" / "agent-1.jsonl", b"{}\n")
    touch(projects / "-home-alice-app" / "notes.txt")  # not counted
    return projects


def codex_tree(root: Path) -> Path:
    sessions = root / "sessions"
    write_jsonl(sessions / "2026" / "02" / "23" / "rollout-2026-02-23T13-19-38-x.jsonl",
                current_rollout())
    return sessions


def sources(found: list[Found]) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {}
    for f in found:
        out.setdefault(f.source, []).append(f.path)
    return out


@pytest.mark.parametrize("platform", ["linux", "darwin", "win32"])
def test_default_places(tmp_path: Path, platform: str) -> None:
    home = tmp_path / "home"
    projects = claude_tree(home / ".claude")
    sessions = codex_tree(home / ".codex")
    environ = {"APPDATA": str(home / "AppData" / "Roaming")} if platform == "win32" else {}
    found = find_histories(environ, home, platform=platform)
    by_source = sources(found)
    assert by_source["claude-code"] == [projects]
    assert by_source["codex"] == [sessions]
    claude = next(f for f in found if f.source == "claude-code")
    assert claude.files == 2
    assert claude.bytes == sum(p.stat().st_size for p in projects.rglob("*.jsonl"))
    assert claude.newest is not None


def test_environment_overrides(tmp_path: Path) -> None:
    home = tmp_path / "home"
    claude_tree(home / ".claude")  # ignored: CLAUDE_CONFIG_DIR wins
    one = claude_tree(tmp_path / "claude-a")
    two = claude_tree(tmp_path / "claude-b")
    codex = codex_tree(tmp_path / "codex-home")
    environ = {"CLAUDE_CONFIG_DIR": f"{tmp_path / 'claude-a'}, {tmp_path / 'claude-b'}",
               "CODEX_HOME": str(tmp_path / "codex-home")}
    by_source = sources(find_histories(environ, home, platform="linux"))
    assert by_source["claude-code"] == [one, two]
    assert by_source["codex"] == [codex]


def test_xdg_config_claude_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    xdg = claude_tree(tmp_path / "xdg" / "claude")
    found = find_histories({"XDG_CONFIG_HOME": str(tmp_path / "xdg")}, home, platform="linux")
    assert sources(found)["claude-code"] == [xdg]


def test_nothing_found_in_an_empty_home(tmp_path: Path) -> None:
    assert find_histories({}, tmp_path, platform="linux") == []


def test_found_paths_import_as_they_are(db: Database, tmp_path: Path) -> None:
    home = tmp_path / "home"
    claude_tree(home / ".claude")
    codex_tree(home / ".codex")
    found = find_histories({}, home, platform="linux")
    report = import_paths(db, [f.path for f in found])
    assert report.ok, [f.error for f in report.files]
    assert {r.source for r in list_sessions(db)} == {"claude-code", "codex"}


def test_to_json() -> None:
    found = Found("codex", Path("/x/sessions"), 3, 1200,
                  datetime(2026, 3, 1, 12, 0, 5, 123, tzinfo=UTC))
    assert found.to_json() == {"source": "codex", "path": str(Path("/x/sessions")),
                               "files": 3, "bytes": 1200, "newest": "2026-03-01T12:00:05Z"}


def test_only_importable_sources_are_offered() -> None:
    assert {"claude-code", "codex"} <= importable_sources()


def test_scan_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                  capsys: pytest.CaptureFixture[str]) -> None:
    home = Path(os.environ["HOME"])
    projects = claude_tree(home / ".claude")
    assert main(["scan", "--json"]) == 0
    [item] = json.loads(capsys.readouterr().out)
    assert item["source"] == "claude-code"
    assert item["path"] == str(projects)
    assert item["files"] == 2
    assert item["newest"] == "2026-03-01T12:00:00Z"
    assert main(["scan"]) == 0
    out = capsys.readouterr().out
    assert "Claude Code" in out
    assert str(projects) in out
    assert not (home / "worthwhile").exists()  # scanning never creates the database


def _config_dir(home: Path, platform: str) -> Path:
    if platform == "win32":
        return home / "AppData" / "Roaming"
    if platform == "darwin":
        return home / "Library" / "Application Support"
    return home / ".config"


@pytest.mark.parametrize("platform", ["linux", "darwin", "win32"])
def test_editor_and_llm_places(tmp_path: Path, platform: str) -> None:
    home = tmp_path / "home"
    config = _config_dir(home, platform)
    for flavour in ("Code", "Code - Insiders", "VSCodium"):
        user = config / flavour / "User"
        touch(user / "workspaceStorage" / "h1" / "chatSessions" / "s1.jsonl", b'{"kind":0}\n')
        touch(user / "workspaceStorage" / "h1" / "workspace.json", b"{}")
        touch(user / "workspaceStorage" / "h2" / "state.vscdb")  # no chats: not counted
    touch(config / "Code" / "User" / "globalStorage" / "emptyWindowChatSessions" / "e.json",
          b"{}")
    cursor_db = touch(config / "Cursor" / "User" / "globalStorage" / "state.vscdb", b"x" * 10)
    touch(config / "Cursor" / "User" / "globalStorage" / "state.vscdb-wal", b"y" * 5)
    touch(config / "Cursor" / "User" / "workspaceStorage" / "w1" / "state.vscdb")
    logs = touch(config / "io.datasette.llm" / "logs.db")
    environ = {"APPDATA": str(config)} if platform == "win32" else {}
    found = find_histories(environ, home, platform=platform)
    by_source = sources(found)
    assert by_source["copilot"] == sorted([
        config / "Code" / "User" / "globalStorage" / "emptyWindowChatSessions",
        config / "Code" / "User" / "workspaceStorage",
        config / "Code - Insiders" / "User" / "workspaceStorage",
        config / "VSCodium" / "User" / "workspaceStorage"], key=str)
    assert by_source["cursor"] == [cursor_db, config / "Cursor" / "User" / "workspaceStorage"]
    assert next(f for f in found if f.path == cursor_db).bytes == 15  # with its -wal
    assert by_source["llm"] == [logs]


def test_llm_user_path_override(tmp_path: Path) -> None:
    logs = touch(tmp_path / "llm-dir" / "logs.db")
    found = find_histories({"LLM_USER_PATH": str(tmp_path / "llm-dir")}, tmp_path / "home",
                           platform="linux")
    assert sources(found)["llm"] == [logs]


def test_aider_histories_in_added_folders(tmp_path: Path) -> None:
    code = tmp_path / "code"
    one = touch(code / "app" / ".aider.chat.history.md", b"# aider chat started at x\n")
    two = touch(code / "lib" / "sub" / ".aider.chat.history.md", b"# aider chat started\n")
    touch(code / "app" / "node_modules" / "x" / ".aider.chat.history.md", b"no")
    touch(code / "a" / "b" / "c" / "d" / "e" / ".aider.chat.history.md", b"too deep")
    found = find_histories({}, tmp_path / "home", [code, code / "app"], platform="linux")
    assert sources(found)["aider"] == [one, two]
    assert find_histories({}, tmp_path / "home", platform="linux") == []
