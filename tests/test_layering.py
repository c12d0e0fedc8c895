"""Layering: the core (domain, store, importers, metrics, demo, cli) never loads Qt."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

CORE = ["desktop_app.domain", "desktop_app.store", "desktop_app.importers",
        "desktop_app.metrics", "desktop_app.demo", "desktop_app.throwaway", "desktop_app.cli"]


def test_core_modules_import_no_pyside6() -> None:
    present = [name for name in CORE if importlib.util.find_spec(name) is not None]
    assert {"desktop_app.domain", "desktop_app.store", "desktop_app.cli"} <= set(present)
    code = (
        "import sys, importlib\n"
        f"for name in {present!r}:\n"
        "    importlib.import_module(name)\n"
        "qt = sorted(m for m in sys.modules\n"
        "            if m.startswith(('PySide6', 'shiboken6', 'pyqtgraph')))\n"
        "print(','.join(qt))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"Qt loaded by the core: {out.stdout}"


def test_every_core_submodule_is_qt_free() -> None:
    code = (
        "import pkgutil, importlib, sys\n"
        "import desktop_app\n"
        "names = []\n"
        "for pkg in ('store', 'importers', 'metrics'):\n"
        "    try:\n"
        "        mod = importlib.import_module('desktop_app.' + pkg)\n"
        "    except ModuleNotFoundError:\n"
        "        continue\n"
        "    for info in pkgutil.walk_packages(mod.__path__, mod.__name__ + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "        names.append(info.name)\n"
        "print(len(names), any(m.startswith('PySide6') for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count, qt_loaded = out.stdout.split()
    assert int(count) >= 3
    assert qt_loaded == "False"
