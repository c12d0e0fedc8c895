"""Worthwhile's icon in every size, rendered from the hand-written SVG masters with Qt's own SVG
renderer (QtSvg ships with PySide6-Essentials): nothing is fetched, nothing else is needed.

    python packaging/icons.py             # resources/worthwhile-<size>.png, 16 to 512 pixels
    python packaging/icons.py --bundle DIR  # DIR/worthwhile.ico and .icns (needs Pillow: the
                                            # `build` extra; packaging/build.py runs this)

resources/worthwhile.svg is the master; resources/worthwhile-16.svg is the same drawing redrawn
on the 16-pixel grid, used for the 16-pixel PNG. Run the first form after editing either, and
commit the PNGs (tests/test_icons.py fails when they no longer match the drawing).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from desktop_app.appinfo import ICON_SIZES

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
#: Sizes at or below this use the drawing made for the 16-pixel grid.
SMALL = 16
#: Windows' .ico holds these sizes; macOS's .icns these, 1024 being 512 at double density.
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def master(size: int) -> Path:
    """The SVG drawing that a ``size``-pixel icon is rendered from."""
    return RESOURCES / ("worthwhile-16.svg" if size <= SMALL else "worthwhile.svg")


def render(size: int) -> QImage:
    """The icon at ``size`` × ``size`` pixels, with a transparent background."""
    if QGuiApplication.instance() is None:
        raise RuntimeError("render() needs a QGuiApplication")
    renderer = QSvgRenderer(str(master(size)))
    if not renderer.isValid():
        raise ValueError(f"{master(size)} is not an SVG Qt can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def png_path(size: int) -> Path:
    return RESOURCES / f"worthwhile-{size}.png"


def write_pngs() -> list[Path]:
    """Render every size into resources/ (quality 0: Qt's strongest PNG compression)."""
    written = []
    for size in ICON_SIZES:
        path = png_path(size)
        if not render(size).save(str(path), quality=0):
            raise OSError(f"could not write {path}")
        written.append(path)
    return written


def write_bundle_icons(folder: Path) -> list[Path]:
    """worthwhile.ico (Windows) and worthwhile.icns (macOS) in ``folder``, each size drawn by
    Qt from the SVG rather than scaled from a bigger picture."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    images = {}
    for size in sorted(set(ICO_SIZES) | set(ICNS_SIZES)):
        path = folder / f"worthwhile-{size}.png"
        if not render(size).save(str(path)):
            raise OSError(f"could not write {path}")
        images[size] = Image.open(path)
    ico, icns = folder / "worthwhile.ico", folder / "worthwhile.icns"
    largest = images[max(ICO_SIZES)]
    largest.save(ico, format="ICO", sizes=[(s, s) for s in ICO_SIZES],
                 append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)])
    images[1024].save(icns, format="ICNS",
                      append_images=[images[s] for s in ICNS_SIZES if s != 1024])
    return [ico, icns]


def main(argv: list[str]) -> int:
    if argv not in ([], ["--help"]) and not (len(argv) == 2 and argv[0] == "--bundle"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv == ["--help"]:
        print(__doc__)
        return 0
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    assert app is not None
    paths = write_bundle_icons(Path(argv[1])) if argv else write_pngs()
    for path in paths:
        print(f"{path}  {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
