"""What Worthwhile says about itself: its icon files, the privacy promise, and the libraries it
ships with and their licences (Help → About, the bundle's licence folder). No Qt.

The icon's master drawing and its PNG sizes live in the repository's top-level ``resources/``; a
wheel (``pip install``, ``pipx install``) and the PyInstaller bundle carry them as
``desktop_app/resources/`` (setup.py maps the one folder onto the other).
"""

from __future__ import annotations

import platform
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

#: The PNG sizes of the icon (resources/worthwhile-<size>.png), rendered by packaging/icons.py.
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

#: The promise the About dialog makes; README.md's "Privacy" section says how it is tested.
PRIVACY_PROMISE = (
    "Nothing leaves this computer. Worthwhile has no network code: no telemetry, no update "
    "check, no account, and nothing is fetched when a transcript is shown. Your sessions and "
    "ratings stay in one SQLite file that you own, and you can export or delete them at any time."
)


def resource_dir() -> Path:
    """The folder of Worthwhile's own files (the icon): ``desktop_app/resources`` in a wheel or
    the bundle, the top-level ``resources/`` in a source checkout (an editable install too)."""
    package = Path(__file__).resolve().parent
    for folder in (package / "resources", package.parent / "resources"):
        if (folder / "worthwhile.svg").is_file():
            return folder
    raise FileNotFoundError(f"Worthwhile's resources are missing (looked beside {package})")


def icon_files() -> dict[int, Path]:
    """The icon's PNG files by size in pixels (the sizes present)."""
    folder = resource_dir()
    files = {size: folder / f"worthwhile-{size}.png" for size in ICON_SIZES}
    return {size: path for size, path in files.items() if path.is_file()}


@dataclass(frozen=True)
class Library:
    """A library that ships with Worthwhile: in a virtual environment beside it, or inside the
    bundle."""

    name: str
    #: The package whose installed version is shown; None for Python and SQLite themselves.
    distribution: str | None
    #: An SPDX licence expression, read from the library's own licence file.
    licence: str
    url: str
    #: What it is for, when the name does not say.
    role: str = ""


#: Every third-party library the app imports when it runs (tests/test_appinfo.py checks this list
#: against a real run), Python and SQLite included. Qt is named on its own: its LGPL applies to
#: the Qt libraries that PySide6 brings, which stay separate, replaceable files in every build.
LIBRARIES: tuple[Library, ...] = (
    Library("Python", None, "PSF-2.0", "https://www.python.org/", "runs the app"),
    Library("SQLite", None, "Public domain", "https://sqlite.org/copyright.html",
            "the database"),
    Library("Qt", "PySide6-Essentials", "LGPL-3.0-only", "https://code.qt.io",
            "the windows and charts"),
    Library("PySide6", "PySide6-Essentials", "LGPL-3.0-only", "https://pyside.org",
            "Qt for Python"),
    Library("Shiboken6", "shiboken6", "LGPL-3.0-only", "https://pyside.org",
            "PySide6's bindings"),
    Library("pyqtgraph", "pyqtgraph", "MIT", "https://www.pyqtgraph.org", "the charts"),
    Library("NumPy", "numpy", "BSD-3-Clause", "https://numpy.org", "used by pyqtgraph"),
    Library("colorama", "colorama", "BSD-3-Clause", "https://github.com/tartley/colorama",
            "used by pyqtgraph"),
    Library("sqlite-utils", "sqlite-utils", "Apache-2.0", "https://sqlite-utils.datasette.io",
            "the database layer"),
    Library("sqlite-fts4", "sqlite-fts4", "Apache-2.0", "https://github.com/simonw/sqlite-fts4",
            "used by sqlite-utils"),
    Library("Click", "click", "BSD-3-Clause", "https://palletsprojects.com/p/click/",
            "used by sqlite-utils"),
    Library("click-default-group", "click-default-group", "BSD-3-Clause",
            "https://github.com/click-contrib/click-default-group", "used by sqlite-utils"),
    Library("python-dateutil", "python-dateutil", "Apache-2.0 AND BSD-3-Clause",
            "https://github.com/dateutil/dateutil", "used by sqlite-utils"),
    Library("pluggy", "pluggy", "MIT", "https://pluggy.readthedocs.io", "used by sqlite-utils"),
    Library("ijson", "ijson", "BSD-3-Clause", "https://github.com/ICRAR/ijson",
            "reads big exports piece by piece"),
    Library("orjson", "orjson", "Apache-2.0 OR MIT", "https://github.com/ijl/orjson",
            "reads JSON lines quickly"),
    Library("platformdirs", "platformdirs", "MIT", "https://github.com/tox-dev/platformdirs",
            "finds the data folder"),
)


def library_version(library: Library) -> str:
    """The version in use, or "" when the package's metadata is not installed."""
    if library.name == "Python":
        return platform.python_version()
    if library.name == "SQLite":
        return sqlite3.sqlite_version
    assert library.distribution is not None
    from importlib import metadata  # here: it costs the window's start a few ms (email, …)

    try:
        return metadata.version(library.distribution)
    except metadata.PackageNotFoundError:
        return ""


def licence_folder() -> Path | None:
    """The folder of full licence texts inside the bundle (``_internal/licenses`` next to the
    executable; ``Contents/Resources/licenses`` in the macOS app), or None outside a bundle,
    where each package's licence file is installed with it."""
    bundle = getattr(sys, "_MEIPASS", None)
    if not getattr(sys, "frozen", False) or bundle is None:
        return None
    folder = Path(bundle) / "licenses"
    return folder if folder.is_dir() else None
