"""Build Worthwhile's bundle for the platform this runs on, then smoke-test it.

    python3 packaging/build.py [--fresh] [--no-smoke] [--no-archive]

1. build/venv: a virtual environment with Worthwhile installed as a wheel would install it, plus
   the `build` extra (PyInstaller, Pillow). Kept between runs; --fresh makes a new one.
2. build/icons: worthwhile.ico and worthwhile.icns, drawn from resources/*.svg (packaging/icons.py).
3. PyInstaller with packaging/worthwhile.spec: dist/worthwhile/ (a one-folder bundle: run
   dist/worthwhile/worthwhile; on Linux with linux/install.sh for the menus) on Linux and
   Windows, dist/Worthwhile.app on macOS.
4. An archive to hand out: dist/worthwhile-<version>-<platform>.tar.gz (.zip on macOS and Windows).
5. packaging/smoke.py: --version, a command on demo data, and every view rendered offscreen into
   a PNG that is checked.

Prints the bundle's size and how long each step took; exits non-zero when a step fails. Needs
Python 3.11 or newer and the package registry (for pip); nothing is fetched when the bundle runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
VENV = BUILD / "venv"
DIST = ROOT / "dist"
WINDOWS = sys.platform == "win32"
MACOS = sys.platform == "darwin"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if WINDOWS else "bin/python")


def step(title: str, argv: list[str | Path], env: dict[str, str], cwd: Path = ROOT) -> float:
    """Run one step's command; returns how long it took (seconds). Fails loudly."""
    print(f"== {title}", flush=True)
    started = time.perf_counter()
    subprocess.run([str(arg) for arg in argv], check=True, cwd=cwd, env=env)
    return time.perf_counter() - started


def bundle_path() -> Path:
    return DIST / "Worthwhile.app" if MACOS else DIST / "worthwhile"


def executable_path() -> Path:
    """The program the smoke test runs (the console one on Windows)."""
    if MACOS:
        return bundle_path() / "Contents" / "MacOS" / "worthwhile"
    return bundle_path() / ("worthwhile-cli.exe" if WINDOWS else "worthwhile")


def size_of(folder: Path) -> int:
    """Bytes of the files under ``folder`` (symlinks counted once, as links)."""
    return sum(path.lstat().st_size for path in folder.rglob("*")
               if path.is_file() and not path.is_symlink())


def strip_debug_info(folder: Path) -> None:
    """Linux: drop the debug symbols of Python's own libraries (libpython and its extension
    modules; a Python built from source, as pyenv's, keeps them: 23 of libpython's 28 MB). The
    other libraries come stripped from their wheels, and stripping the ones auditwheel repaired
    (numpy.libs) breaks them, so PyInstaller's own strip is off."""
    strip = shutil.which("strip")
    if strip is None:
        print("   (no strip command: Python's libraries keep their debug symbols)")
        return
    internal = folder / "_internal"
    libraries = [*internal.glob("libpython*.so*"), *internal.glob("python3*/lib-dynload/*.so")]
    for library in libraries:
        if library.is_file() and not library.is_symlink():
            subprocess.run([strip, "--strip-debug", str(library)], check=True)


def add_desktop_integration(folder: Path) -> None:
    """Linux: the .desktop entry, the metainfo and their install script in the bundle's linux/
    (linux/install.sh puts them in the user's menus, pointing at this bundle's program)."""
    target = folder / "linux"
    target.mkdir(exist_ok=True)
    for source in (ROOT / "packaging" / "linux").iterdir():
        shutil.copy2(source, target / source.name)
    (folder / "README.txt").write_text(
        "Worthwhile: is your AI use worth it?\n\n"
        "Start it with ./worthwhile (the same program takes the command line: ./worthwhile "
        "--help).\nTo put it in your desktop's menus with its icon: linux/install.sh "
        "(for you only; linux/install.sh --uninstall takes it out again).\n"
        "Your data is not in this folder: see Help → Where Is My Data? Licences: Help → About, "
        "and _internal/licenses/.\n", encoding="utf-8")


def archive(version: str) -> Path:
    machine = platform.machine().lower() or "unknown"
    system = {"darwin": "macos", "win32": "windows"}.get(sys.platform, "linux")
    base = DIST / f"worthwhile-{version}-{system}-{machine}"
    if MACOS:  # ditto keeps the app's symlinks and signature intact
        target = base.with_suffix(".zip")
        subprocess.run(["ditto", "-c", "-k", "--keepParent", str(bundle_path()), str(target)],
                       check=True)
        return target
    return Path(shutil.make_archive(str(base), "zip" if WINDOWS else "gztar", DIST,
                                    bundle_path().name))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fresh", action="store_true", help="a new build/venv")
    parser.add_argument("--no-smoke", action="store_true", help="skip the smoke test")
    parser.add_argument("--no-archive", action="store_true", help="skip the archive")
    args = parser.parse_args(argv)
    times: dict[str, float] = {}
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    try:
        if args.fresh and VENV.exists():
            shutil.rmtree(VENV)
        if not venv_python().exists():
            times["venv"] = step("build/venv", [sys.executable, "-m", "venv", VENV], env)
        times["install"] = step("pip install '.[build]' into build/venv",
                                [venv_python(), "-m", "pip", "install", "-q", ".[build]"],
                                env)
        times["icons"] = step("build/icons: .ico and .icns",
                              [venv_python(), "packaging/icons.py", "--bundle", BUILD / "icons"],
                              dict(env, QT_QPA_PLATFORM="offscreen"))
        shutil.rmtree(bundle_path(), ignore_errors=True)
        times["pyinstaller"] = step(
            "PyInstaller: packaging/worthwhile.spec",
            [venv_python(), "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
             "--distpath", DIST, "--workpath", BUILD / "pyinstaller",
             ROOT / "packaging" / "worthwhile.spec"],
            # Run from build/: `python -m` puts the working folder first on sys.path, and the
            # clone's desktop_app (without its resources/) would be bundled instead of the
            # installed one.
            env, cwd=BUILD)
        if sys.platform.startswith("linux"):
            strip_debug_info(bundle_path())
            add_desktop_integration(bundle_path())
    except subprocess.CalledProcessError as exc:
        print(f"build.py: {exc}", file=sys.stderr)
        return 1
    version = subprocess.run([str(venv_python()), "-c",
                              "import desktop_app; print(desktop_app.__version__)"],
                             check=True, capture_output=True, text=True).stdout.strip()
    size = size_of(bundle_path())
    print(f"Bundle: {bundle_path().relative_to(ROOT)} ({size / 1e6:.0f} MB on disk), "
          f"Worthwhile {version}")
    if not args.no_archive:
        started = time.perf_counter()
        packed = archive(version)
        times["archive"] = time.perf_counter() - started
        print(f"Archive: {packed.relative_to(ROOT)} ({packed.stat().st_size / 1e6:.0f} MB)")
    passed = True
    if not args.no_smoke:
        started = time.perf_counter()
        smoke = subprocess.run([str(venv_python()), "packaging/smoke.py", str(executable_path()),
                                "--out", str(BUILD / "smoke")], cwd=ROOT, check=False)
        times["smoke test"] = time.perf_counter() - started
        passed = smoke.returncode == 0
    print("Times: " + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in times.items())
          + f"; total {sum(times.values()):.0f} s")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
