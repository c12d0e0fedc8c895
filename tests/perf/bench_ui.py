"""Benchmark of the session browser at 100k sessions / 1M messages (not part of the test run).

Run: .venv/bin/python tests/perf/bench_ui.py [--sessions N] [--db PATH] [--runs N] [--cold-only]
     [--no-bytecode]
Prints: cold start to a painted window, table first paint, search p50/p95, table model memory.

Cold start is a new process that opens the window on the database and paints the table: the
median of ``--runs``. Measured twice: the window alone (MainWindow), and the whole start a user
gets (``worthwhile --db PATH``: the command line, the application, its theme and icon, the
one-window guard, then the window; settings in a temporary folder). Both run with the bytecode
cache written once and then used, as an installed app does (into a temporary folder: this
environment may set PYTHONDONTWRITEBYTECODE); ``--no-bytecode`` measures a start that compiles
the package's modules each time instead.
``--db`` is copied into a temporary folder first (the window may migrate it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.perf.bigdb import build, rare_word  # noqa: E402

COLD_START = """
import os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from desktop_app.ui.main_window import MainWindow
app = QApplication([])
settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
window = MainWindow(Path(sys.argv[1]), settings=settings)
window.show()
window.sessions_view.table.viewport().repaint()
app.processEvents()
assert window.sessions_view.model.rowCount() > 0
sys.stdout.flush()
os._exit(0)
"""

APP_START = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication

def painted_then_exit(*_args):  # in place of the event loop: paint the table, then end
    from desktop_app.ui.main_window import MainWindow
    window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
    window.sessions_view.table.viewport().repaint()
    QApplication.processEvents()
    assert window.sessions_view.model.rowCount() > 0
    sys.stdout.flush()
    os._exit(0)

QApplication.exec = painted_then_exit
from desktop_app.cli import main
sys.exit(main(["--db", sys.argv[1]]))
"""


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.1f} ms"


def cold_start(db: Path, runs: int = 7, bytecode: bool = True,
               script: str = COLD_START) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        ini = Path(tmp) / "bench-settings.ini"
        env = dict(os.environ)
        env["XDG_CONFIG_HOME"] = env["XDG_RUNTIME_DIR"] = tmp  # settings, the one-window guard
        if bytecode:  # as installed: compiled once (the first, uncounted run), then read
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        else:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
            env.pop("PYTHONPYCACHEPREFIX", None)
        for i in range(runs + 1):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", script, str(db), str(ini)], check=True,
                           cwd=ROOT, env=env)
            if i:
                times.append(time.perf_counter() - t0)
    return times


def first_paint(db_path: Path, runs: int = 7) -> list[float]:
    from PySide6.QtWidgets import QApplication, QTableView

    from desktop_app.store import open_db
    from desktop_app.ui.session_model import SessionTableModel

    app = QApplication.instance() or QApplication([])
    times = []
    for _ in range(runs):
        db = open_db(db_path)
        view = QTableView()
        view.resize(900, 700)
        view.show()
        app.processEvents()
        t0 = time.perf_counter()
        model = SessionTableModel(db)
        view.setModel(model)
        view.viewport().repaint()
        times.append(time.perf_counter() - t0)
        view.close()
        view.deleteLater()
        model.deleteLater()
        app.processEvents()
        db.close()
    return times


def search(db_path: Path, terms: int = 60) -> tuple[list[float], list[int]]:
    from desktop_app.store import SessionQuery, open_db, session_keys

    db = open_db(db_path)
    times, hits = [], []
    session_keys(db, SessionQuery(search=rare_word(1)))  # warm the page cache once
    for i in range(terms):
        word = rare_word(i * 37 % 5000)
        t0 = time.perf_counter()
        found = session_keys(db, SessionQuery(search=word))
        times.append(time.perf_counter() - t0)
        hits.append(len(found))
    db.close()
    return times, hits


def model_memory(db_path: Path) -> float:
    from PySide6.QtWidgets import QApplication

    from desktop_app.store import open_db
    from desktop_app.ui.session_model import MAX_PAGES, PAGE_SIZE, SessionTableModel

    QApplication.instance() or QApplication([])
    db = open_db(db_path)
    tracemalloc.start()
    model = SessionTableModel(db)
    rows = model.rowCount()
    for page in range(0, rows, max(1, rows // (MAX_PAGES * 2))):  # scroll through the table
        for row in range(page, min(rows, page + 40)):
            for col in range(model.columnCount()):
                model.index(row, col).data()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del model
    db.close()
    _ = PAGE_SIZE
    return peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--per-session", type=int, default=10)
    parser.add_argument("--db", type=Path, help="a database to copy and use (default: bigdb's)")
    parser.add_argument("--runs", type=int, default=7, help="cold starts (median)")
    parser.add_argument("--cold-only", action="store_true", help="measure the cold start only")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="cold start compiling the package each time (no bytecode cache)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.db is not None:
            db = Path(tmp) / "bench.db"
            shutil.copyfile(args.db, db)
        else:
            db = build(args.sessions, args.per_session)
        measure(db, args)


def measure(db: Path, args: argparse.Namespace) -> None:
    print(f"database: {db} ({db.stat().st_size / 1e6:.0f} MB); load {os.getloadavg()[0]:.2f}")
    cs = cold_start(db, args.runs, bytecode=not args.no_bytecode)
    how = "no bytecode cache" if args.no_bytecode else "bytecode cached"
    print(f"cold start to painted window ({how}): median {median_ms(cs)} of {len(cs)} "
          f"(min {min(cs) * 1000:.0f}, max {max(cs) * 1000:.0f}; target < 600 ms); "
          f"load {os.getloadavg()[0]:.2f}")
    cs = cold_start(db, args.runs, bytecode=not args.no_bytecode, script=APP_START)
    print(f"cold start of `worthwhile --db` to painted window ({how}): median {median_ms(cs)} "
          f"of {len(cs)} (min {min(cs) * 1000:.0f}, max {max(cs) * 1000:.0f}); "
          f"load {os.getloadavg()[0]:.2f}")
    if args.cold_only:
        return
    fp = first_paint(db)
    print(f"table first paint (model + query + paint): median {median_ms(fp)} "
          f"(target < 100 ms)")
    st, hits = search(db)
    p95 = sorted(st)[int(len(st) * 0.95) - 1]
    print(f"search over {args.sessions * args.per_session:,} messages, {len(st)} selective terms "
          f"({min(hits)}-{max(hits)} sessions each): p50 {median_ms(st)}, "
          f"p95 {p95 * 1000:.1f} ms (targets < 10 / < 50 ms)")
    mem = model_memory(db)
    print(f"table model memory (peak Python allocations while scrolling): {mem:.1f} MB "
          f"(target < 50 MB)")


if __name__ == "__main__":
    main()
