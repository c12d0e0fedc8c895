"""Find AI histories on this computer: each tool's default places on Linux, macOS and Windows.

Nothing is imported or opened here: :func:`find_histories` only lists folders and files (with
how many history files they hold, their size and the newest change), and each path it returns
can be given to :func:`desktop_app.importers.import_paths` as it is.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop_app.domain import utc_iso

#: Folders never searched for Aider histories (big, and never a repository's own history).
_SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".tox",
                        ".mypy_cache", ".cache", "site-packages", "target", "dist", "build"})
#: How deep below a folder the user added Aider histories are looked for.
AIDER_DEPTH = 4
AIDER_FILE = ".aider.chat.history.md"

#: VS Code flavours whose Copilot Chat sessions are read (folder names in the config dir).
VSCODE_FLAVOURS = ("Code", "Code - Insiders", "VSCodium")


@dataclass(frozen=True, slots=True)
class Found:
    """A history found on this computer: a folder or file to import."""

    source: str
    path: Path
    files: int
    bytes: int
    newest: datetime | None

    def to_json(self) -> dict[str, Any]:
        """The object of ``worthwhile scan --json``."""
        return {"source": self.source, "path": str(self.path), "files": self.files,
                "bytes": self.bytes, "newest": utc_iso(self.newest)}


@dataclass(frozen=True, slots=True)
class _Places:
    """Where the platform keeps per-user configuration."""

    home: Path
    config: Path  # XDG config (Linux), Application Support (macOS), Roaming AppData (Windows)
    env: Mapping[str, str]


def _places(environ: Mapping[str, str], home: Path, platform: str) -> _Places:
    if platform.startswith("win"):
        appdata = environ.get("APPDATA")
        config = Path(appdata) if appdata else home / "AppData" / "Roaming"
    elif platform == "darwin":
        config = home / "Library" / "Application Support"
    else:
        xdg = environ.get("XDG_CONFIG_HOME")
        config = Path(xdg) if xdg and os.path.isabs(xdg) else home / ".config"
    return _Places(home, config, environ)


def _files(root: Path, match: Callable[[str, str], bool], max_depth: int = 8
           ) -> tuple[int, int, datetime | None]:
    """How many files under ``root`` match (name, folder), their bytes, the newest mtime."""
    count = total = 0
    newest = 0.0
    base_depth = str(root).count(os.sep)
    for dirpath, dirnames, filenames in os.walk(root):
        if dirpath.count(os.sep) - base_depth >= max_depth:
            dirnames[:] = []
        for name in filenames:
            if not match(name, dirpath):
                continue
            try:
                st = os.stat(os.path.join(dirpath, name))
            except OSError:
                continue
            count += 1
            total += st.st_size
            newest = max(newest, st.st_mtime)
    return count, total, (datetime.fromtimestamp(newest, UTC) if count else None)


def _found(source: str, path: Path, match: Callable[[str, str], bool], max_depth: int = 8
           ) -> Found | None:
    if not path.is_dir():
        return None
    files, size, newest = _files(path, match, max_depth)
    return Found(source, path, files, size, newest) if files else None


def _found_file(source: str, path: Path, extra: Sequence[Path] = ()) -> Found | None:
    try:
        st = path.stat()
    except OSError:
        return None
    if not path.is_file() or st.st_size == 0:
        return None
    size, mtime = st.st_size, st.st_mtime
    for other in extra:  # e.g. a SQLite -wal file, where recent rows are
        try:
            ost = other.stat()
        except OSError:
            continue
        size += ost.st_size
        mtime = max(mtime, ost.st_mtime)
    return Found(source, path, 1, size, datetime.fromtimestamp(mtime, UTC))


def _jsonl(name: str, _dir: str) -> bool:
    return name.endswith(".jsonl")


# --- per tool ------------------------------------------------------------------------------------


def _claude_code(p: _Places) -> Iterator[Found]:
    configured = p.env.get("CLAUDE_CONFIG_DIR", "")
    roots = [Path(r.strip()).expanduser() for r in configured.split(",") if r.strip()]
    if not roots:
        roots = [p.home / ".claude"]
        xdg = p.env.get("XDG_CONFIG_HOME")
        roots.append((Path(xdg) if xdg else p.home / ".config") / "claude")
    for root in roots:
        found = _found("claude-code", root / "projects", _jsonl)
        if found:
            yield found


def _codex(p: _Places) -> Iterator[Found]:
    configured = p.env.get("CODEX_HOME")
    root = Path(configured).expanduser() if configured else p.home / ".codex"

    def rollout(name: str, _dir: str) -> bool:
        return name.startswith("rollout-") and name.endswith((".jsonl", ".json"))

    for folder in ("sessions", "archived_sessions"):
        found = _found("codex", root / folder, rollout)
        if found:
            yield found


def _copilot(p: _Places) -> Iterator[Found]:
    def chat_file(name: str, folder: str) -> bool:
        return name.endswith((".json", ".jsonl")) and os.path.basename(folder) in (
            "chatSessions", "emptyWindowChatSessions", "transferredChatSessions")

    for flavour in VSCODE_FLAVOURS:
        user = p.config / flavour / "User"
        for path, depth in ((user / "workspaceStorage", 3),
                            (user / "globalStorage" / "emptyWindowChatSessions", 1),
                            (user / "globalStorage" / "transferredChatSessions", 1)):
            found = _found("copilot", path, chat_file, depth)
            if found:
                yield found


def _cursor(p: _Places) -> Iterator[Found]:
    user = p.config / "Cursor" / "User"
    db = user / "globalStorage" / "state.vscdb"
    found = _found_file("cursor", db, [db.with_name("state.vscdb-wal")])
    if found:
        yield found
    workspaces = _found("cursor", user / "workspaceStorage",
                        lambda name, _dir: name == "state.vscdb", 2)
    if workspaces:
        yield workspaces


def _llm(p: _Places) -> Iterator[Found]:
    configured = p.env.get("LLM_USER_PATH")
    folder = Path(configured).expanduser() if configured else p.config / "io.datasette.llm"
    db = folder / "logs.db"
    found = _found_file("llm", db, [db.with_name("logs.db-wal")])
    if found:
        yield found


def _gemini_cli(p: _Places) -> Iterator[Found]:
    configured = p.env.get("GEMINI_DATA_DIR")
    root = Path(configured).expanduser() if configured else p.home / ".gemini"
    found = _found("gemini-cli", root / "tmp",
                   lambda name, folder: name.endswith(".json") and
                   os.path.basename(folder) == "chats", 3)
    if found:
        yield found


def _aider(folders: Sequence[Path]) -> Iterator[Found]:
    seen: set[Path] = set()
    for folder in folders:
        if not folder.is_dir():
            if folder.name == AIDER_FILE and folder.is_file():
                found = _found_file("aider", folder)
                if found:
                    yield found
            continue
        base = str(folder).count(os.sep)
        for dirpath, dirnames, filenames in os.walk(folder):
            depth = dirpath.count(os.sep) - base
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS
                                 and depth < AIDER_DEPTH)
            if AIDER_FILE in filenames:
                path = Path(dirpath) / AIDER_FILE
                if path.resolve() in seen:
                    continue
                seen.add(path.resolve())
                found = _found_file("aider", path)
                if found:
                    yield found


_FINDERS: tuple[tuple[str, Callable[[_Places], Iterator[Found]]], ...] = (
    ("claude-code", _claude_code),
    ("codex", _codex),
    ("copilot", _copilot),
    ("cursor", _cursor),
    ("llm", _llm),
    ("gemini-cli", _gemini_cli),
)


def importable_sources() -> set[str]:
    """The sources an importer exists for (only those are offered)."""
    from desktop_app.importers.detect import PARSERS

    return {parser.SOURCE for parser in PARSERS}


def find_histories(environ: Mapping[str, str] | None = None, home: Path | None = None,
                   extra_folders: Sequence[Path] = (), *, platform: str | None = None
                   ) -> list[Found]:
    """Histories in each tool's default places (and Aider histories under ``extra_folders``).

    ``environ`` and ``home`` default to this process's; ``platform`` to ``sys.platform``
    (``linux``, ``darwin``, ``win32``). Environment overrides are honoured: ``CLAUDE_CONFIG_DIR``
    (a comma-separated list), ``XDG_CONFIG_HOME``, ``CODEX_HOME``, ``LLM_USER_PATH``,
    ``GEMINI_DATA_DIR``, ``APPDATA``. Nothing is imported; a folder that cannot be read is left
    out. Sorted by source, then path.
    """
    env = os.environ if environ is None else environ
    if home is None:
        configured = env.get("HOME") or env.get("USERPROFILE")
        home = Path(configured) if configured else Path.home()
    places = _places(env, home, platform or sys.platform)
    wanted = importable_sources()
    found: list[Found] = []
    seen: set[tuple[str, str]] = set()
    for source, finder in _FINDERS:
        if source not in wanted:
            continue
        try:
            for item in finder(places):
                key = (item.source, os.path.normcase(os.path.abspath(item.path)))
                if key not in seen:
                    seen.add(key)
                    found.append(item)
        except OSError:
            continue
    if "aider" in wanted:
        found.extend(_aider(list(extra_folders)))
    return sorted(found, key=lambda f: (f.source, str(f.path)))
