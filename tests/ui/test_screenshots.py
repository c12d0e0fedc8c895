"""Screenshots of every view in light and dark, rendered by the app's own code, for a person to
look at (kept in a temporary folder; set WORTHWHILE_SHOTS=DIR to keep them)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from desktop_app.app import run_app
from desktop_app.throwaway import DemoDatabase


@pytest.fixture(scope="module")
def demo_db() -> Iterator[DemoDatabase]:
    with DemoDatabase() as demo:
        yield demo


def _distinct_colours(image: QImage) -> int:
    return len({image.pixel(x, y) for x in range(0, image.width(), 5)
                for y in range(0, image.height(), 5)})


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("view", ["sessions", "reflect", "value"])
def test_view_screenshot(qtbot: QtBot, tmp_path: Path, demo_db: DemoDatabase, view: str,
                         theme: str) -> None:
    folder = Path(os.environ.get("WORTHWHILE_SHOTS", tmp_path))
    out = folder / f"{view}-{theme}.png"
    assert run_app(demo_db.path, demo=True, screenshot=out, view=view, theme=theme) == 0
    image = QImage(str(out))
    assert not image.isNull()
    assert image.width() >= 900
    assert image.height() >= 700
    assert _distinct_colours(image) > 30
    # Dark means dark: the average brightness of a dark screenshot is low, and high for light.
    sample = [QImage.pixelColor(image, x, y).lightnessF()
              for x in range(0, image.width(), 16) for y in range(60, image.height(), 16)]
    mean = sum(sample) / len(sample)
    assert (mean < 0.35) if theme == "dark" else (mean > 0.7)
