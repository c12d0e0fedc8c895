"""The icon: the committed PNGs are the SVG drawings rendered (re-run packaging/icons.py after
editing a drawing), each in its size, a tile on a transparent background."""

from __future__ import annotations

import importlib.util
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from desktop_app.appinfo import ICON_SIZES, resource_dir

ROOT = Path(__file__).resolve().parent.parent


def _icons_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("icons_script", ROOT / "packaging" / "icons.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["worthwhile.svg", "worthwhile-16.svg"])
def test_the_drawings_are_square_svg(name: str) -> None:
    root = ET.parse(resource_dir() / name).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    _, _, width, height = root.attrib["viewBox"].split()
    assert width == height


@pytest.mark.parametrize("size", ICON_SIZES)
def test_each_png_is_its_drawing_rendered(qtbot: QtBot, size: int) -> None:
    image = QImage(str(resource_dir() / f"worthwhile-{size}.png"))
    assert (image.width(), image.height()) == (size, size)
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    assert image.pixelColor(0, 0).alpha() == 0  # rounded corners: transparent
    centre = image.pixelColor(size // 2, size // 2 + size // 8)
    assert centre.alpha() == 255
    fresh: QImage = _icons_script().render(size).convertToFormat(QImage.Format.Format_ARGB32)

    def apart(x: int, y: int) -> int:
        a, b = image.pixelColor(x, y), fresh.pixelColor(x, y)
        return max(abs(a.red() - b.red()), abs(a.green() - b.green()),
                   abs(a.blue() - b.blue()), abs(a.alpha() - b.alpha()))

    differing = sum(1 for x in range(size) for y in range(size) if apart(x, y) > 24)
    assert differing <= size * size // 100, "run packaging/icons.py and commit the PNGs"


def test_the_icon_has_the_products_green_and_a_white_mark(qtbot: QtBot) -> None:
    image = QImage(str(resource_dir() / "worthwhile-64.png"))
    colours = {image.pixelColor(x, y).name() for x in range(64) for y in range(64)
               if image.pixelColor(x, y).alpha() == 255}
    assert "#ffffff" in colours
    assert any(QColor(c).green() > 2 * QColor(c).red() for c in colours)
