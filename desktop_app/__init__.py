"""Worthwhile: is your AI use worth it? A local-only desktop app."""

from __future__ import annotations

import os
import sys
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec, PathFinder
from importlib.util import LazyLoader
from types import ModuleType
from typing import Any

__version__ = "0.1.0"

# One BLAS thread, set before numpy can be imported (here, since every entry point, the window,
# the command line and the tests, imports this package first). numpy's default of a thread per
# core made the suggestions' model 2.6x slower on 2 cores, and the threads spin against the GUI
# thread while the charts compute. A user's own setting is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


class _LighterSqliteUtils(MetaPathFinder):
    """Two imports of sqlite-utils' that Worthwhile never uses, kept out of every start.

    sqlite-utils imports numpy (and pandas) when it can, only to map their scalar types to column
    types: Worthwhile never writes either, and numpy takes 0.1 s. So while sqlite-utils' own
    module asks for them, they "are not installed"; anyone else (the charts, through pyqtgraph)
    imports numpy as usual, once the window needs it.

    Its recipes import dateutil's parser (7 ms) for its command line's date conversions: that
    module is loaded lazily (importlib's LazyLoader: its code runs at its first use, if any).
    sqlite-utils' plugin machinery (pluggy, and click, which its hook specifications name when
    they are defined) stays: skipping it would mean replacing sqlite-utils' own modules.
    """

    def find_spec(self, fullname: str, path: Any = None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        if fullname in ("numpy", "pandas"):
            if _asked_by("sqlite_utils.db"):
                raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        elif fullname == "dateutil.parser" and _asked_by("sqlite_utils.recipes"):
            spec = PathFinder.find_spec(fullname, path)
            if spec is not None and spec.loader is not None:
                spec.loader = LazyLoader(spec.loader)
            return spec
        return None


def _asked_by(module: str) -> bool:
    """True while ``module``'s code is running (it is importing something)."""
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_globals.get("__name__") == module:
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


if "sqlite_utils.db" not in sys.modules:
    sys.meta_path.insert(0, _LighterSqliteUtils())
