"""The Linux platform check: a missing xcb library is named with the packages to install."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app import app
from desktop_app.platform_check import XCB_LIBRARIES, advice, missing_libraries


def test_missing_libraries_are_named_with_their_packages() -> None:
    gone = {"libxcb-icccm.so.4", "libxcb-keysyms.so.1"}
    missing = missing_libraries({"DISPLAY": ":0"}, "linux", lambda name: name not in gone)
    assert set(missing) == gone
    text = advice(missing)
    assert "libxcb-icccm.so.4" in text
    assert "sudo apt install libxcb-icccm4 libxcb-keysyms1" in text
    assert "sudo dnf install xcb-util-keysyms xcb-util-wm" in text


@pytest.mark.parametrize(("environ", "platform"), [
    ({"QT_QPA_PLATFORM": "offscreen"}, "linux"),
    ({"QT_QPA_PLATFORM": "wayland"}, "linux"),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux"),
    ({}, "darwin"),
    ({}, "win32"),
])
def test_no_check_where_qt_does_not_use_x11(environ: dict[str, str], platform: str) -> None:
    assert missing_libraries(environ, platform, lambda name: False) == []


def test_x11_asked_for_on_wayland_is_checked() -> None:
    env = {"WAYLAND_DISPLAY": "wayland-0", "QT_QPA_PLATFORM": "xcb"}
    assert missing_libraries(env, "linux", lambda name: False) == list(XCB_LIBRARIES)


def test_the_app_stops_with_the_advice_before_qt_starts(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    monkeypatch.setattr(app, "missing_libraries", lambda environ, platform: ["libxcb-cursor.so.0"])
    assert app.run_app(tmp_path / "w.db") == 1
    err = capsys.readouterr().err
    assert "sudo apt install libxcb-cursor0" in err
    assert not (tmp_path / "w.db").exists()  # nothing was opened
