"""One program however it is started: `python -m desktop_app`, the `worthwhile` command and the
bundle's entry point answer alike; and the bundle's smoke test tells a window from a blank
picture."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from desktop_app import __version__
from desktop_app.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"{name}_script",
                                                  ROOT / "packaging" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(argv: list[str]) -> tuple[int, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))  # this checkout's desktop_app for all three
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    return done.returncode, done.stdout + done.stderr


def _worthwhile_command() -> Path:
    folder = Path(sys.executable).parent
    command = folder / ("worthwhile.exe" if os.name == "nt" else "worthwhile")
    if not command.exists():
        pytest.skip("the worthwhile command is not installed beside this Python "
                    "(pip install -e . makes it)")
    return command


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["rate", "--help"]])
def test_every_way_of_starting_it_answers_alike(args: list[str]) -> None:
    module = _run([sys.executable, "-m", "desktop_app", *args])
    command = _run([str(_worthwhile_command()), *args])
    bundle_entry = _run([sys.executable, str(ROOT / "packaging" / "launch.py"), *args])
    assert module == command == bundle_entry
    assert module[0] == 0
    if args == ["--version"]:
        assert module[1].strip() == f"worthwhile {__version__}"


def test_the_smoke_test_finds_the_views_in_the_help() -> None:
    smoke = _script("smoke")
    help_text = build_parser().format_help()
    views = smoke.views_offered(help_text)
    assert views[:3] == ["sessions", "reflect", "value"]


def test_the_smoke_test_tells_a_window_from_a_blank_picture(qtbot: QtBot, tmp_path: Path) -> None:
    smoke = _script("smoke")
    blank = QImage(1280, 800, QImage.Format.Format_RGB32)
    blank.fill(QColor("#ffffff"))
    assert blank.save(str(tmp_path / "blank.png"))
    assert "blank" in smoke.check_png(tmp_path / "blank.png")
    assert "not written" in smoke.check_png(tmp_path / "missing.png")
    from desktop_app.app import run_app

    assert run_app(tmp_path / "w.db", demo=False, screenshot=tmp_path / "window.png") == 0
    assert smoke.check_png(tmp_path / "window.png") is None
    small = QImage(str(tmp_path / "window.png")).scaled(640, 400)
    assert small.save(str(tmp_path / "small.png"))
    assert "not 1280×800" in smoke.check_png(tmp_path / "small.png")
