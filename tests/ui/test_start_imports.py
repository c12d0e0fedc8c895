"""A window opens without what only later views need: no numpy, no chart library, no demo story.

Each of them costs a cold start tens of milliseconds (numpy alone about 0.1 s, which sqlite-utils
would import for nothing). The charts' modules load later, off the GUI thread, once the window
is left alone. Run in a fresh process, since this one has loaded them all already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desktop_app.store import open_db, save_sessions
from tests.factories import make_session

ROOT = Path(__file__).resolve().parents[2]
LATER = ("numpy", "pyqtgraph", "desktop_app.demo.story", "desktop_app.demo.database",
         "desktop_app.ui.value_view", "desktop_app.ui.team_view")

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
        [sys.executable, "-c", SCRIPT, str(db_path), str(tmp_path / "settings.ini"), *LATER],
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
