"""Where tools keep their histories: the platform's folders and what a folder holds.

Source modules describe their default locations with these helpers (their spec's
``locations``); :mod:`.discover` asks every spec. Nothing is opened or imported here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop_app.domain import utc_iso

#: VS Code flavours whose configuration folders hold chats (Copilot; Cursor is its own).
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
class Places:
    """Where the platform keeps per-user configuration, and folders the user added."""

    home: Path
    config: Path  # XDG config (Linux), Application Support (macOS), Roaming AppData (Windows)
    env: Mapping[str, str]
    #: Folders the user asked to search too (Aider keeps a history in each repository).
    extra_folders: Sequence[Path] = field(default_factory=tuple)


def places(environ: Mapping[str, str], home: Path, platform: str,
           extra_folders: Sequence[Path] = ()) -> Places:
    """The places of a platform (``linux``, ``darwin``, ``win32``) for this environment."""
    if platform.startswith("win"):
        appdata = environ.get("APPDATA")
        config = Path(appdata) if appdata else home / "AppData" / "Roaming"
    elif platform == "darwin":
        config = home / "Library" / "Application Support"
    else:
        xdg = environ.get("XDG_CONFIG_HOME")
        config = Path(xdg) if xdg and os.path.isabs(xdg) else home / ".config"
    return Places(home, config, environ, tuple(extra_folders))


def count_files(root: Path, match: Callable[[str, str], bool], max_depth: int = 8
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


def found_folder(source: str, path: Path, match: Callable[[str, str], bool],
                 max_depth: int = 8) -> Found | None:
    """``path`` as a find when it is a folder holding matching files, else None."""
    if not path.is_dir():
        return None
    files, size, newest = count_files(path, match, max_depth)
    return Found(source, path, files, size, newest) if files else None


def found_file(source: str, path: Path, extra: Sequence[Path] = ()) -> Found | None:
    """``path`` as a find when it is a non-empty file (``extra``: e.g. its SQLite -wal)."""
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


def jsonl_file(name: str, _folder: str) -> bool:
    """A match for :func:`found_folder`: JSONL logs."""
    return name.endswith(".jsonl")
