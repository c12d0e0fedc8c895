"""Linux desktop integration: the .desktop entry and the AppStream metainfo pass their
validators (offline), say the same as the app, and packaging/linux/install.sh puts them and the
icons into the user's folders (a fake HOME here) and takes them out again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from desktop_app import __version__
from desktop_app.appinfo import ICON_SIZES

ROOT = Path(__file__).resolve().parent.parent
LINUX = ROOT / "packaging" / "linux"
APP_ID = "io.github.worthwhile.Worthwhile"
DESKTOP = LINUX / "worthwhile.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux desktops")


def _entry(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if "=" in line)


def _validate_desktop(path: Path) -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate is not installed (Debian: desktop-file-utils)")
    done = subprocess.run([tool, str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "error" not in done.stdout.lower(), done.stdout


def test_the_desktop_entry_is_valid() -> None:
    _validate_desktop(DESKTOP)
    entry = _entry(DESKTOP)
    assert entry["Name"] == "Worthwhile"
    assert entry["Exec"] == "worthwhile"
    assert entry["Icon"] == "worthwhile"
    # Qt names the window's WM_CLASS after the application name (app.py sets it).
    assert entry["StartupWMClass"] == "Worthwhile"


def test_the_metainfo_is_valid_offline() -> None:
    tool = shutil.which("appstreamcli")
    if tool is None:
        pytest.skip("appstreamcli is not installed (Debian: appstream)")
    done = subprocess.run([tool, "validate", "--no-net", str(METAINFO)], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_metainfo_says_what_the_app_and_the_readme_say() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("provides/binary") == "worthwhile"
    releases = root.findall("releases/release")
    assert releases[0].get("version") == __version__  # the newest release comes first
    shots = [image.text or "" for image in root.findall("screenshots/screenshot/image")]
    assert len(shots) >= 3
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for url in shots:
        name = url.rsplit("/", 1)[-1]
        assert (ROOT / "docs" / "screenshots" / name).is_file(), name
        assert f"docs/screenshots/{name}" in readme


def _install(script: Path, home: Path, *args: str) -> str:
    env = {key: value for key, value in os.environ.items() if not key.startswith("XDG_")}
    env["HOME"] = str(home)
    done = subprocess.run(["sh", str(script), *args], env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _installed(home: Path) -> list[Path]:
    data = home / ".local" / "share"
    return [data / "applications" / "worthwhile.desktop",
            data / "metainfo" / f"{APP_ID}.metainfo.xml",
            data / "icons" / "hicolor" / "scalable" / "apps" / "worthwhile.svg",
            *(data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "worthwhile.png"
              for size in ICON_SIZES)]


def test_install_puts_everything_in_the_users_folders_and_uninstall_removes_it(
        tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    printed = _install(LINUX / "install.sh", home)
    for path in _installed(home):
        assert path.is_file(), path
        assert str(path) in printed
        assert path.stat().st_mode & 0o777 == 0o644
    icon = home / ".local/share/icons/hicolor/48x48/apps/worthwhile.png"
    assert icon.read_bytes() == (ROOT / "resources" / "worthwhile-48.png").read_bytes()
    desktop = home / ".local/share/applications/worthwhile.desktop"
    _validate_desktop(desktop)
    assert _entry(desktop)["Exec"] == "worthwhile"  # from a clone: pipx's command on PATH

    _install(LINUX / "install.sh", home, "--exec", str(tmp_path / "my apps" / "worthwhile"))
    assert _entry(desktop)["Exec"] == f'"{tmp_path / "my apps" / "worthwhile"}"'
    _validate_desktop(desktop)

    _install(LINUX / "install.sh", home, "--uninstall")
    assert not any(path.exists() for path in _installed(home))


def test_install_from_the_bundle_runs_the_bundles_program(tmp_path: Path) -> None:
    """The layout packaging/build.py makes: dist/worthwhile/{worthwhile,_internal,linux}."""
    bundle = tmp_path / "dist" / "worthwhile"
    shutil.copytree(LINUX, bundle / "linux")
    shutil.copytree(ROOT / "resources", bundle / "_internal" / "desktop_app" / "resources")
    (bundle / "worthwhile").write_text("#!/bin/sh\n", encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    _install(bundle / "linux" / "install.sh", home)
    desktop = home / ".local/share/applications/worthwhile.desktop"
    assert _entry(desktop)["Exec"] == str(bundle / "worthwhile")
    assert all(path.is_file() for path in _installed(home))


def test_xdg_data_home_is_honoured(tmp_path: Path) -> None:
    home, data = tmp_path / "home", tmp_path / "elsewhere"
    home.mkdir()
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(data))
    subprocess.run(["sh", str(LINUX / "install.sh")], env=env, capture_output=True, check=True)
    assert (data / "applications" / "worthwhile.desktop").is_file()
    assert not (home / ".local").exists()
