"""Worthwhile: is your AI use worth it? A local-only desktop app."""

from __future__ import annotations

import sys
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

__version__ = "0.1.0"


class _NoNumpyForSqliteUtils(MetaPathFinder):
    """sqlite-utils imports numpy (and pandas) when it can, only to map their scalar types to
    column types: Worthwhile never writes either, and numpy takes 0.1 s of every start. So
    while sqlite-utils' own module asks for it, numpy "is not installed"; anyone else (the
    charts, through pyqtgraph) imports it as usual, once the window needs it."""

    def find_spec(self, fullname: str, path: Any = None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        if fullname in ("numpy", "pandas"):
            frame = sys._getframe(1)
            while frame is not None:
                if frame.f_globals.get("__name__") == "sqlite_utils.db":
                    raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
                frame = frame.f_back  # type: ignore[assignment]
        return None


if "sqlite_utils.db" not in sys.modules:
    sys.meta_path.insert(0, _NoNumpyForSqliteUtils())
