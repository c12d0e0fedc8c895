"""What the app says about itself stays true: its icon files are found, the About dialog names
the licence of every library a real run imports, and the bundle keeps every Qt module it uses."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from desktop_app.appinfo import (
    ICON_SIZES,
    LIBRARIES,
    icon_files,
    library_version,
    licence_folder,
    resource_dir,
)

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "worthwhile.spec"

#: Run in a fresh interpreter: every view of the demo window, the Help → About dialog and a few
#: commands, then print the modules that were imported.
_RUN = """
import contextlib, io, json, sys
from pathlib import Path
from desktop_app.cli import build_parser, main
folder = Path(sys.argv[1])
views = next(a.choices for a in build_parser()._actions if "--view" in a.option_strings)
with contextlib.redirect_stdout(io.StringIO()):
    for view in views:
        assert main(["--demo", "--screenshot", str(folder / f"{view}.png"), "--view", view]) == 0
    assert main(["--demo", "stats", "--group", "tool"]) == 0
    assert main(["--demo", "sessions", "--search", "test"]) == 0
from PySide6.QtWidgets import QApplication
from desktop_app.ui.about_dialog import AboutDialog
AboutDialog(folder / "x.db").show()
QApplication.processEvents()
print(json.dumps(sorted(sys.modules)))
"""

#: Names in sys.modules that belong to PySide6 (its signature machinery) but are no package.
_PYSIDE_INTERNALS = {"shibokensupport", "signature_bootstrap"}
#: Names in sys.modules that Cython extensions (numpy.random's, for suggested verdicts) make up.
_CYTHON_INTERNALS = {"cython_runtime"}


@pytest.fixture(scope="module")
def imported_modules(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("run")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT),
               HOME=str(folder), XDG_DATA_HOME=str(folder / "data"),
               XDG_CONFIG_HOME=str(folder / "config"), WORTHWHILE_HOME=str(folder / "w"))
    done = subprocess.run([sys.executable, "-c", _RUN, str(folder)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    modules: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return modules


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_icon_is_found_in_every_size() -> None:
    assert (resource_dir() / "worthwhile.svg").is_file()
    assert sorted(icon_files()) == sorted(ICON_SIZES)


def test_every_library_a_run_imports_is_named_with_its_licence(
        imported_modules: list[str]) -> None:
    named = {_normal(lib.distribution) for lib in LIBRARIES if lib.distribution is not None}
    owners = metadata.packages_distributions()
    tops = {name.split(".")[0] for name in imported_modules}
    third_party = sorted(top for top in tops
                         if top not in sys.stdlib_module_names and not top.startswith("_")
                         and top != "desktop_app" and top not in _PYSIDE_INTERNALS
                         and top not in _CYTHON_INTERNALS)
    assert "pyqtgraph" in third_party  # the run did reach the charts
    missing = {top: owners.get(top) for top in third_party
               if not owners.get(top) or not {_normal(d) for d in owners[top]} & named}
    assert missing == {}, "add these to desktop_app/appinfo.py's LIBRARIES, with their licence"


def test_the_bundle_keeps_every_qt_module_the_app_imports(imported_modules: list[str]) -> None:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    kept = next(ast.literal_eval(node.value) for node in tree.body
                if isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "QT_MODULES" for t in node.targets))
    used = {name.split(".")[1] for name in imported_modules
            if name.startswith("PySide6.Qt") and name.count(".") == 1}
    # pyqtgraph takes QtTest when present and does without it (the bundle leaves it out).
    missing = used - {"QtTest"} - kept
    assert not missing, f"packaging/worthwhile.spec: add {missing} to QT_MODULES"
    assert {"QtCore", "QtGui", "QtWidgets"} <= used


def test_every_library_has_a_version_and_a_licence() -> None:
    for library in LIBRARIES:
        assert library_version(library), library.name
        assert library.licence, library.name
    lgpl = {lib.name for lib in LIBRARIES if lib.licence == "LGPL-3.0-only"}
    assert {"Qt", "PySide6", "Shiboken6"} <= lgpl


def test_outside_a_bundle_there_is_no_licence_folder() -> None:
    assert licence_folder() is None
