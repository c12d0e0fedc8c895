"""Screenshots of every view, light and dark, at a laptop's and a desktop's screen, with demo data
and with a database of one rating: what a new user sees, to look at before a release.

    QT_QPA_PLATFORM=offscreen python packaging/screenshots.py OUT_FOLDER

Writes OUT_FOLDER/<data>-<view>-<theme>-<width>x<height>.png (and the first-run screen of an empty
database, and the demo in presentation mode at the laptop's size) and prints each file's name. The
window has the size a maximised window has on that screen under a 40-pixel task bar. Nothing
outside OUT_FOLDER and a temporary folder is touched.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
from pathlib import Path

from desktop_app.app import run_app
from desktop_app.cli import main as cli

VIEWS = ("sessions", "reflect", "value")
THEMES = ("light", "dark")
#: Maximised windows on a 1366×768 laptop and a 1920×1080 screen, under a 40-pixel task bar.
SIZES = ((1366, 728), (1920, 1040))


def _cli(*argv: str) -> str:
    out = io.StringIO()
    stdout, sys.stdout = sys.stdout, out
    try:
        code = cli(list(argv))
    finally:
        sys.stdout = stdout
    if code != 0:
        raise SystemExit(f"worthwhile {' '.join(argv)} failed ({code})")
    return out.getvalue()


def _one_rating(folder: Path) -> Path:
    """A first week: a ChatGPT export and Claude Code logs imported, one session rated."""
    db = folder / "one-rating.db"
    for source, count in (("chatgpt", 40), ("claude-code", 25)):
        exported = folder / source
        _cli("demo-data", "--source", source, "--sessions", str(count), "--out", str(exported))
        _cli("--db", str(db), "import", str(exported), "--json")
    newest = json.loads(_cli("--db", str(db), "sessions", "--json"))[0]
    _cli("--db", str(db), "rate", newest["id"], "useful", "--minutes", "20", "--label", "coding")
    return db


def _demo(folder: Path) -> Path:
    from desktop_app.demo.database import generate_demo
    from desktop_app.store import open_db

    path = folder / "demo.db"
    db = open_db(path)
    generate_demo(db)
    db.close()
    return path


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        databases = {"demo": _demo(folder), "one-rating": _one_rating(folder)}
        shots: list[tuple[str, Path, str, str, tuple[int, int]]] = [
            (name, path, view, theme, size)
            for name, path in databases.items() for view in VIEWS
            for theme in THEMES for size in SIZES
        ]
        shots += [("empty", folder / "empty.db", "sessions", theme, SIZES[0]) for theme in THEMES]
        # Presentation mode (masked, larger fonts) at the laptop's size, where room is tightest.
        shots += [("presentation", databases["demo"], view, theme, SIZES[0])
                  for view in VIEWS for theme in THEMES]
        for name, path, view, theme, (width, height) in shots:
            png = out / f"{name}-{view}-{theme}-{width}x{height}.png"
            if run_app(path, demo=path == databases["demo"], screenshot=png, view=view,
                       theme=theme, size=(width, height), presentation=name == "presentation"):
                return 1
            print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
