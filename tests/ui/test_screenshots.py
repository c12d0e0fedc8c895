"""Screenshots of every view in light and dark, rendered by the app's own code, for a person to
look at (kept in a temporary folder; set WORTHWHILE_SHOTS=DIR to keep them)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from desktop_app.app import run_app
from desktop_app.demo.database import DemoDatabase


@pytest.fixture(scope="module")
def demo_db() -> Iterator[DemoDatabase]:
    with DemoDatabase() as demo:
        yield demo


def _distinct_colours(image: QImage) -> int:
    return len({image.pixel(x, y) for x in range(0, image.width(), 5)
                for y in range(0, image.height(), 5)})


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("view", ["sessions", "reflect", "value", "team"])
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


def test_value_screenshot_waits_for_the_figures(qtbot: QtBot, tmp_path: Path,
                                                demo_db: DemoDatabase,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.ui import value_view
    from desktop_app.ui.charts.common import chart_colors

    real = value_view._value_stats

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.2)  # figures that take a while: the screenshot must still show them
        return real(*args, **kwargs)

    monkeypatch.setattr(value_view, "_value_stats", slow)
    out = tmp_path / "value.png"
    assert run_app(demo_db.path, demo=True, screenshot=out, view="value", theme="light") == 0
    image = QImage(str(out))
    useful = QColor(chart_colors().useful).rgb()
    bars = sum(image.pixel(x, y) == useful for x in range(0, image.width(), 3)
               for y in range(0, image.height(), 3))
    assert bars > 100  # the useful part of the weekly bars is drawn


def test_screenshot_waits_for_the_suggested_verdicts(qtbot: QtBot, tmp_path: Path,
                                                     demo_db: DemoDatabase,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's suggestions (computed a moment after a window opens) are in the picture."""
    from desktop_app import app
    from desktop_app.ui.main_window import MainWindow

    seen: list[int] = []
    real = app.save_screenshot

    def save(window: MainWindow, path: Path) -> bool:
        seen.append(len(window.suggestions.suggestions))
        return real(window, path)

    monkeypatch.setattr(app, "save_screenshot", save)
    out = tmp_path / "sessions.png"
    assert run_app(demo_db.path, demo=True, screenshot=out, view="sessions", theme="light") == 0
    [suggested] = seen
    assert suggested > 100  # the demo's unrated sessions each have one


@pytest.mark.qt_no_exception_capture
def test_a_view_that_fails_while_drawn_fails_the_screenshot(
        qtbot: QtBot, tmp_path: Path, demo_db: DemoDatabase, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A broken window must not pass for a screenshot: exit 1 and say so."""
    from PySide6.QtCore import QTimer

    from desktop_app.ui.main_window import MainWindow

    shown = MainWindow.show_view

    def show_view(self: MainWindow, name: str) -> None:
        shown(self, name)

        def boom() -> None:
            raise RuntimeError("the chart library broke")

        QTimer.singleShot(0, boom)

    monkeypatch.setattr(MainWindow, "show_view", show_view)
    out = tmp_path / "broken.png"
    assert run_app(demo_db.path, demo=True, screenshot=out, view="value", theme="light") == 1
    err = capsys.readouterr().err
    assert "the window failed while it was drawn" in err
    assert "the chart library broke" in err
