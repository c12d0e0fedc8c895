"""Find AI histories on this computer: each source's default places on Linux, macOS and Windows.

Nothing is imported or opened here: :func:`find_histories` asks every source's spec where its
tool keeps its history (see :mod:`.places`), and each path it returns can be given to the
import as it is.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from desktop_app.importers.places import Found, places
from desktop_app.importers.registry import SPECS

__all__ = ["Found", "find_histories", "importable_sources"]


def importable_sources() -> set[str]:
    """The sources an importer exists for (only those are offered)."""
    return {spec.name for spec in SPECS}


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
    where = places(env, home, platform or sys.platform, extra_folders)
    found: list[Found] = []
    seen: set[tuple[str, str]] = set()
    for spec in SPECS:
        if spec.locations is None:
            continue
        try:
            for item in spec.locations(where):
                key = (item.source, os.path.normcase(os.path.abspath(item.path)))
                if key not in seen:
                    seen.add(key)
                    found.append(item)
        except OSError:
            continue
    return sorted(found, key=lambda f: (f.source, str(f.path)))
