"""Screenshots of every view, light and dark, at a laptop's and a desktop's screen, with demo data
and with a database of one rating: what a new user sees, to look at before a release.

    QT_QPA_PLATFORM=offscreen python packaging/screenshots.py OUT_FOLDER

Writes OUT_FOLDER/<data>-<view>-<theme>-<width>x<height>.png (and the first-run screen of an empty
database, and the demo in presentation mode at the laptop's size) and prints each file's name. The
window has the size a maximised window has on that screen under a 40-pixel task bar. Nothing
outside OUT_FOLDER and a temporary folder is touched.

    QT_QPA_PLATFORM=offscreen python packaging/screenshots.py --readme [FOLDER]

The README's pictures (and the AppStream metainfo's): FOLDER/<view>.png (default docs/screenshots)
for every view `worthwhile --view` offers, taken with `worthwhile --demo --screenshot PNG --view
VIEW --theme light` at 1280×800, then stored with at most 256 colours (well under 200 KB each).
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.app import run_app
from desktop_app.cli import main as cli

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

VIEWS = ("sessions", "reflect", "value")
#: The README's pictures: the size `--screenshot` renders, and colours kept.
README_SIZE = (1280, 800)
README_COLOURS = 256
ROOT = Path(__file__).resolve().parent.parent
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
    generate_demo(db, repositories=folder / "projects")  # commit evidence, as --demo shows it
    db.close()
    return path


def offered_views() -> list[str]:
    """The views the command line's ``--view`` offers (Team and others once they exist)."""
    import argparse

    from desktop_app.cli import build_parser

    for action in build_parser()._actions:
        if "--view" in action.option_strings and isinstance(action, argparse.Action):
            return [str(choice) for choice in action.choices or ()]
    raise LookupError("worthwhile has no --view option")


def fewer_colours(image: QImage, colours: int = README_COLOURS) -> QImage:
    """``image`` with at most ``colours`` colours (an 8-bit PNG is a third of the size).

    The palette is half the most frequent colours (backgrounds, text, bars) and half chosen one
    by one where the picture is worst served (distance to the nearest colour chosen, weighted by
    how often the colour occurs): rare but distinct colours, such as a red "Not useful", keep
    their hue. Every pixel takes its nearest palette colour; there is no dithering.
    """
    import numpy as np
    from PySide6.QtGui import QImage

    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height = rgb.width(), rgb.height()
    pixels = np.frombuffer(rgb.constBits(), dtype=np.uint32)
    pixels = pixels.reshape(height, rgb.bytesPerLine() // 4)[:, :width]
    values, inverse, counts = np.unique(pixels, return_inverse=True, return_counts=True)
    channels = np.stack([(values >> 16) & 255, (values >> 8) & 255, values & 255],
                        axis=-1).astype(np.int64)
    if len(values) <= colours:
        chosen = list(range(len(values)))
    else:
        chosen = [int(i) for i in np.argsort(counts)[::-1][: colours // 2]]
        distance = ((channels[:, None, :] - channels[chosen][None, :, :]) ** 2).sum(-1).min(1)
        weight = np.sqrt(counts)
        while len(chosen) < colours:
            pick = int(np.argmax(distance * weight))
            chosen.append(pick)
            distance = np.minimum(distance, ((channels - channels[pick]) ** 2).sum(-1))
    palette = channels[chosen]
    nearest = ((channels[:, None, :] - palette[None, :, :]) ** 2).sum(-1).argmin(1)
    out = QImage(width, height, QImage.Format.Format_Indexed8)
    out.setColorTable([int(values[i]) | 0xFF000000 for i in chosen])
    indices = np.frombuffer(out.bits(), dtype=np.uint8).reshape(height, out.bytesPerLine())
    indices[:, :width] = nearest.astype(np.uint8)[inverse.reshape(-1)].reshape(height, width)
    return out


def readme(folder: Path) -> int:
    """The README's screenshots, one per view, made by the command line itself."""
    from PySide6.QtGui import QImage

    folder.mkdir(parents=True, exist_ok=True)
    for view in offered_views():
        png = folder / f"{view}.png"
        _cli("--demo", "--screenshot", str(png), "--view", view, "--theme", "light")
        image = QImage(str(png))
        if (image.width(), image.height()) != README_SIZE:
            raise SystemExit(f"{png}: {image.width()}×{image.height()}, not {README_SIZE}")
        if not fewer_colours(image).save(str(png), quality=0):
            raise SystemExit(f"could not write {png}")
        print(f"{png}  {png.stat().st_size / 1000:.0f} KB")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--readme"] and len(argv) <= 2:
        return readme(Path(argv[1]) if len(argv) == 2 else ROOT / "docs" / "screenshots")
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
