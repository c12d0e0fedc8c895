"""A window opens without what only later views need: no numpy, no chart library, no demo story,
no importer, exporter or sharing code; a command loads what it uses, and never Qt or numpy.

Each of them costs a cold start milliseconds to tens of them (numpy alone about 0.1 s, which
sqlite-utils would import for nothing). The charts' modules load later, off the GUI thread, once
the window is left alone; the menus' dialogs when first used. Run in a fresh process, since this
one has loaded them all already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.store import open_db, save_sessions
from tests.factories import make_session

ROOT = Path(__file__).resolve().parents[2]
LATER = ("numpy", "pyqtgraph", "desktop_app.demo.story", "desktop_app.demo.database",
         "desktop_app.ui.value_view", "desktop_app.ui.team_view")
#: What only a menu entry needs (an import, export, back-up, summary card, the data panel), or
#: an import's worker processes: loaded when first used.
ON_USE = ("desktop_app.ingest", "desktop_app.ui.import_report", "desktop_app.exporting",
          "desktop_app.ui.data_controller", "desktop_app.ui.data_panel",
          "desktop_app.sharing.summary", "desktop_app.ui.share_dialog",
          "desktop_app.ui.prices_dialog", "desktop_app.ui.rules_dialog", "multiprocessing")
#: What sqlite-utils imports and Worthwhile never uses (see desktop_app/__init__.py).
NEVER_USED = ("dateutil.parser._parser",)
#: Never loaded by a command without a window.
NOT_IN_COMMANDS = ("numpy", "pyqtgraph", "PySide6", *NEVER_USED)

SCRIPT = """
import json, sys, time
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from desktop_app.ui.main_window import MainWindow
app = QApplication([])
window = MainWindow(Path(sys.argv[1]), settings=QSettings(sys.argv[2], QSettings.Format.IniFormat))
window.show()
app.processEvents()
later = sys.argv[3:]
opened = [name for name in later if name in sys.modules]
# Left alone, the window loads the charts' modules on a worker thread (no view is built).
loaders = []
real_start = window.tasks.start
def start(key, work, **kwargs):
    task = real_start(key, work, **kwargs)
    if key == "chart-modules":
        task.finished.connect(lambda _none: loaders.append(key))
    return task
window.tasks.start = start
deadline = time.monotonic() + 60
while not loaders and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
preloaded = [n for n in later if n in sys.modules]
built = window.value_view is not None
window.show_view("value")
app.processEvents()
print(json.dumps({"opened": opened, "preloaded": preloaded, "built": built,
                  "after_value": [n for n in later if n in sys.modules],
                  "rows": window.sessions_view.model.rowCount()}))
window.tasks.stop_all()
"""


def test_the_first_window_leaves_the_charts_numpy_and_the_demo_for_later(tmp_path: Path) -> None:
    db_path = tmp_path / "worthwhile.db"
    db = open_db(db_path)
    save_sessions(db, [make_session(i) for i in range(5)])
    db.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(db_path), str(tmp_path / "settings.ini"), *LATER,
         *ON_USE, *NEVER_USED],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["rows"] == 5
    assert seen["opened"] == []
    # Then, the window left alone, a task loads the charts (so the check above can fail).
    assert {"numpy", "pyqtgraph", "desktop_app.ui.value_view",
            "desktop_app.ui.team_view"} <= set(seen["preloaded"])
    assert not seen["built"]
    assert {"numpy", "pyqtgraph", "desktop_app.ui.value_view"} <= set(seen["after_value"])


COMMAND = """
import contextlib, io, json, sys
from desktop_app.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:  # --version
        code = exc.code
print(json.dumps({"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def run_command(args: list[str], tmp_path: Path) -> tuple[str, set[str]]:
    """What ``worthwhile ARGS`` printed and every module it loaded, in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", COMMAND, *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["code"] == 0, done.stderr
    return seen["out"], set(seen["modules"])


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return [name for name in names if name in modules]


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    db_path = tmp_path / "small.db"
    db = open_db(db_path)
    save_sessions(db, [make_session(i) for i in range(3)])
    db.close()
    return db_path


def test_version_loads_no_qt_numpy_or_command_work(tmp_path: Path) -> None:
    out, modules = run_command(["--version"], tmp_path)
    assert out.startswith("worthwhile ")
    assert loaded(modules, (*NOT_IN_COMMANDS, *ON_USE)) == []


def test_sessions_json_loads_what_it_reads_with_and_no_more(tmp_path: Path,
                                                            small_db: Path) -> None:
    out, modules = run_command(["--db", str(small_db), "sessions", "--json"], tmp_path)
    assert len(json.loads(out)) == 3
    assert "desktop_app.jsonout" in modules  # (so the check below can fail)
    assert loaded(modules, (*NOT_IN_COMMANDS, *ON_USE)) == []


def test_each_command_loads_its_own_work(tmp_path: Path, small_db: Path) -> None:
    _out, modules = run_command(
        ["--db", str(small_db), "backup", "--out", str(tmp_path / "copy.db")], tmp_path)
    assert "desktop_app.exporting" in modules
    others = ("desktop_app.ingest", "desktop_app.sharing.summary", "multiprocessing")
    assert loaded(modules, (*NOT_IN_COMMANDS, *others)) == []
