"""Smoke-test a built Worthwhile: it prints its version, answers a command on demo data, and
renders every view of the demo window offscreen into a PNG that is checked.

    python packaging/smoke.py EXECUTABLE [--out DIR]

EXECUTABLE is the bundle's program (dist/worthwhile/worthwhile, …/Worthwhile.app/Contents/MacOS/
worthwhile, dist\\worthwhile\\worthwhile-cli.exe) or any other `worthwhile` command. It runs with a
throwaway HOME, so nothing of the user's is read or written. The views are the ones the
executable offers (`--view` choices in its --help). Needs PySide6 (to read the PNGs): run it with
the build venv's Python, as packaging/build.py does. Exit 0 when everything passed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: The size --screenshot renders (app.run_app's default).
SCREENSHOT_SIZE = (1280, 800)
#: A rendered window has at least this many colours on a coarse grid; a blank one has 1 or 2.
MIN_COLOURS = 16
TIMEOUT_S = 180


def clean_env(home: Path) -> dict[str, str]:
    """The environment for the executable: offscreen, and a HOME of its own."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("WORTHWHILE_", "XDG_", "PYTHON"))}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(home), USERPROFILE=str(home),
               XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local/share"),
               XDG_CACHE_HOME=str(home / ".cache"), XDG_RUNTIME_DIR=str(home / "runtime"))
    (home / "runtime").mkdir(mode=0o700, exist_ok=True)
    return env


def run(executable: Path, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(executable), *args], env=env, capture_output=True, text=True,
                          timeout=TIMEOUT_S, check=False)


def views_offered(help_text: str) -> list[str]:
    """The --view choices in a --help text (``--view {sessions,reflect,value}``)."""
    found = re.search(r"--view \{([a-z,]+)\}", help_text)
    if found is None:
        raise ValueError("--help lists no --view choices")
    return found.group(1).split(",")


def check_png(path: Path, size: tuple[int, int] = SCREENSHOT_SIZE) -> str | None:
    """None when ``path`` is a PNG of ``size`` showing a window, else what is wrong with it."""
    from PySide6.QtGui import QImage

    if not path.is_file():
        return f"{path.name} was not written"
    image = QImage(str(path))
    if image.isNull():
        return f"{path.name} is not an image"
    if (image.width(), image.height()) != size:
        return f"{path.name} is {image.width()}×{image.height()}, not {size[0]}×{size[1]}"
    colours = {image.pixel(x, y) for x in range(0, image.width(), 8)
               for y in range(0, image.height(), 8)}
    if len(colours) < MIN_COLOURS:
        return f"{path.name} looks blank ({len(colours)} colours)"
    return None


def smoke(executable: Path, out: Path, expected_version: str | None = None) -> list[str]:
    """Run the checks; returns the problems found (empty: passed). Prints what it does."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="worthwhile-smoke-") as tmp:
        env = clean_env(Path(tmp))

        started = time.perf_counter()
        version = run(executable, ["--version"], env)
        text = version.stdout.strip()
        print(f"  --version: {text!r} ({time.perf_counter() - started:.1f} s)")
        if version.returncode != 0 or not re.fullmatch(r"worthwhile \S+", text):
            problems.append(f"--version: exit {version.returncode}, {text!r} {version.stderr}")
        elif expected_version is not None and text != f"worthwhile {expected_version}":
            problems.append(f"--version says {text!r}, expected worthwhile {expected_version}")

        stats = run(executable, ["--demo", "stats", "--json"], env)
        try:
            weeks = len(json.loads(stats.stdout)["periods"])
        except (ValueError, KeyError, TypeError):
            weeks = 0
        print(f"  --demo stats --json: exit {stats.returncode}, {weeks} weeks")
        if stats.returncode != 0 or weeks == 0:
            problems.append(f"--demo stats --json: exit {stats.returncode} {stats.stderr[-500:]}")

        views = views_offered(run(executable, ["--help"], env).stdout)
        for view in views:
            png = out / f"smoke-{view}.png"
            png.unlink(missing_ok=True)
            started = time.perf_counter()
            shot = run(executable, ["--demo", "--screenshot", str(png), "--view", view], env)
            problem = check_png(png)
            took = time.perf_counter() - started
            print(f"  --demo --screenshot --view {view}: exit {shot.returncode}, "
                  f"{problem or 'the PNG shows the window'} ({took:.1f} s)")
            if shot.returncode != 0 or problem or "Traceback" in shot.stderr:
                problems.append(f"--view {view}: exit {shot.returncode}, {problem or ''} "
                                f"{shot.stderr[-2000:]}")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 3) or (len(argv) == 3 and argv[1] != "--out"):
        print(__doc__, file=sys.stderr)
        return 2
    from PySide6.QtGui import QGuiApplication

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # QImage wants one
    assert app is not None
    out = Path(argv[2]) if len(argv) == 3 else Path(tempfile.mkdtemp(prefix="worthwhile-png-"))
    out.mkdir(parents=True, exist_ok=True)
    print(f"Smoke test of {argv[0]} (screenshots in {out})")
    problems = smoke(Path(argv[0]), out)
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    print("Smoke test passed." if not problems else "Smoke test failed.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
