"""Layering: the arrows of ../shared/ARCHITECTURE.md, checked from the source (AST).

Every import counts: at module level, inside functions, under ``TYPE_CHECKING``. A wrong arrow
fails with the file and line that makes it, and an import circle with the modules that form it.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = "desktop_app"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE

#: (what the rule is about, which modules it applies to, forbidden import prefixes, why)
RULES: list[tuple[str, tuple[str, ...], tuple[str, ...], str]] = [
    ("importers/", ("desktop_app.importers",),
     ("desktop_app.store", "desktop_app.ingest", "sqlite_utils", "desktop_app.ui",
      "desktop_app.demo", "desktop_app.cli", "desktop_app.metrics"),
     "a parser turns bytes into Sessions; it can be tested on a file alone"),
    ("metrics/", ("desktop_app.metrics",),
     ("desktop_app.store", "desktop_app.ingest", "desktop_app.importers", "sqlite_utils",
      "desktop_app.ui", "desktop_app.demo", "desktop_app.cli"),
     "numbers are computed from tallies and tested without a database"),
    ("store/", ("desktop_app.store",),
     ("desktop_app.importers", "desktop_app.ingest", "desktop_app.ui", "desktop_app.metrics",
      "desktop_app.demo", "desktop_app.cli"),
     "storage knows no format and no screen"),
    ("domain.py", ("desktop_app.domain",), ("desktop_app.",),
     "the model depends on nothing"),
    ("demo/", ("desktop_app.demo",),
     ("desktop_app.ui", "desktop_app.cli", "desktop_app.app"),
     "synthetic data is made headless, for the CLI, the app and tests alike"),
    ("ingest/", ("desktop_app.ingest",),
     ("desktop_app.ui", "desktop_app.demo", "desktop_app.cli", "desktop_app.metrics"),
     "the writer knows parsers and the store, not screens"),
    ("evidence/", ("desktop_app.evidence",),
     ("desktop_app.ui", "desktop_app.cli", "desktop_app.demo", "desktop_app.ingest",
      "desktop_app.importers"),
     "evidence is read headless, from the store and read-only git, for the CLI and the app"),
    ("evidence/git.py", ("desktop_app.evidence.git",),
     ("desktop_app.store", "sqlite_utils"),
     "asking git knows no database: it is tested on a repository alone"),
    ("sharing/cards.py and sharing/team.py",
     ("desktop_app.sharing.cards", "desktop_app.sharing.team"),
     ("desktop_app.store", "sqlite_utils", "desktop_app.ingest", "desktop_app.importers",
      "desktop_app.ui", "desktop_app.demo", "desktop_app.cli"),
     "cards are read and merged without a database: a lead needs none, tests need none"),
]

#: Only these may import Qt (and pyqtgraph, which loads Qt).
QT_PREFIXES = ("PySide6", "shiboken6", "pyqtgraph")
QT_ALLOWED = ("desktop_app.ui", "desktop_app.app")


@dataclass(frozen=True)
class Arrow:
    """One import: ``source`` imports ``target`` at ``path:line``."""

    source: str
    target: str
    path: str
    line: int


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str, root: Path) -> bool:
    rel = Path(*name.split(".")[1:]) if "." in name else Path()
    base = root / rel
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def arrows(root: Path = ROOT) -> list[Arrow]:
    """Every import in the package under ``root``, resolved to a module where it is ours."""
    found: list[Arrow] = []
    for path in sorted(root.rglob("*.py")):
        module = _module_name(path, root)
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        shown = str(path.relative_to(root.parent))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found.append(Arrow(module, alias.name, shown, node.lineno))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base_parts = module.split(".")
                    if not is_package:
                        base_parts = base_parts[:-1]
                    base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                    base = ".".join([*base_parts, *([node.module] if node.module else [])])
                else:
                    base = node.module or ""
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    target = full if base.startswith(PACKAGE) and _is_module(full, root) else base
                    found.append(Arrow(module, target, shown, node.lineno))
    return found


def _under(name: str, prefix: str) -> bool:
    if prefix.endswith("."):
        return name.startswith(prefix)
    return name == prefix or name.startswith(prefix + ".")


def violations(root: Path = ROOT) -> list[str]:
    """Every wrong arrow, as ``file:line: source -> target (rule: why)``."""
    problems: list[str] = []
    for arrow in sorted(set(arrows(root)), key=lambda a: (a.path, a.line, a.target)):
        for what, sources, forbidden, why in RULES:
            if not any(_under(arrow.source, s) for s in sources):
                continue
            if any(_under(arrow.target, f) for f in forbidden):
                problems.append(f"{arrow.path}:{arrow.line}: {arrow.source} -> {arrow.target} "
                                f"(never from {what}: {why})")
        if (any(_under(arrow.target, q) for q in QT_PREFIXES)
                and not any(_under(arrow.source, a) for a in QT_ALLOWED)):
            problems.append(f"{arrow.path}:{arrow.line}: {arrow.source} -> {arrow.target} "
                            "(Qt only in ui/ and app.py: the core runs headless)")
    return problems


def circles(root: Path = ROOT) -> list[list[str]]:
    """Groups of our modules that import each other (directly or round a loop), lazily or not."""
    graph: dict[str, set[str]] = {}
    where: dict[tuple[str, str], str] = {}
    for arrow in arrows(root):
        if not arrow.target.startswith(PACKAGE) or arrow.target == arrow.source:
            continue
        # A package's own __init__ handing on names of its modules is not a circle.
        if arrow.target.startswith(arrow.source + "."):
            continue
        graph.setdefault(arrow.source, set()).add(arrow.target)
        where.setdefault((arrow.source, arrow.target), f"{arrow.path}:{arrow.line}")
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group: list[str] = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                group.append(item)
                if item == node:
                    break
            if len(group) > 1:
                members = set(group)
                found.append(sorted(
                    f"{a} -> {b} ({where[(a, b)]})"
                    for a in group for b in graph.get(a, ()) if b in members))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_wrong_arrows() -> None:
    problems = violations()
    assert not problems, "wrong arrows (see ../shared/ARCHITECTURE.md):\n" + "\n".join(problems)


def test_no_import_circles() -> None:
    found = circles()
    assert not found, "import circles:\n" + "\n\n".join("\n".join(c) for c in found)


def test_the_checker_sees_a_planted_wrong_import(tmp_path: Path) -> None:
    copy = tmp_path / PACKAGE
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / "importers" / "chatgpt.py"
    lines = target.read_text(encoding="utf-8").splitlines()
    # Lazily, inside a function, as the old runner did: still an arrow.
    lines += ["", "", "def _planted() -> None:",
              "    from desktop_app.store import sessions  # noqa: F401", ""]
    target.write_text("\n".join(lines), encoding="utf-8")
    metrics = copy / "metrics" / "periods.py"
    metrics.write_text(metrics.read_text(encoding="utf-8")
                       + "\nif False:\n    import PySide6.QtCore  # noqa: F401\n",
                       encoding="utf-8")
    problems = violations(copy)
    planted_line = len(lines) - 1
    assert any(p.startswith(f"desktop_app/importers/chatgpt.py:{planted_line}: ")
               and "desktop_app.store" in p for p in problems), problems
    assert any(p.startswith("desktop_app/metrics/periods.py:") and "PySide6" in p
               for p in problems), problems
    assert not any("_planted" in p or ("periods.py" in p and "PySide6" in p)
                   for p in violations(ROOT))


def test_the_checker_sees_a_planted_circle(tmp_path: Path) -> None:
    copy = tmp_path / PACKAGE
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns("__pycache__"))
    wilson = copy / "metrics" / "wilson.py"
    wilson.write_text(wilson.read_text(encoding="utf-8")
                      + "\n\ndef _planted() -> None:\n"
                        "    from desktop_app.metrics import periods  # noqa: F401\n",
                      encoding="utf-8")
    periods = copy / "metrics" / "periods.py"
    periods.write_text(periods.read_text(encoding="utf-8")
                       + "\n\ndef _planted() -> None:\n"
                         "    from desktop_app.metrics.wilson import Z_95  # noqa: F401\n",
                       encoding="utf-8")
    found = circles(copy)
    assert any(any("desktop_app.metrics.wilson -> desktop_app.metrics.periods" in arrow
                   for arrow in circle) for circle in found), found


@pytest.mark.parametrize("package", ["importers", "metrics", "store"])
def test_core_packages_load_no_qt_and_parsers_no_store(package: str) -> None:
    # The same seen at run time: importing every module of a core package loads no Qt, and no
    # parser module loads the store or sqlite-utils.
    code = (
        "import importlib, pkgutil, sys\n"
        f"mod = importlib.import_module('desktop_app.{package}')\n"
        "for info in pkgutil.walk_packages(mod.__path__, mod.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', "
        "'pyqtgraph')))\n"
        f"if {package!r} == 'importers':\n"
        "    bad += sorted(m for m in sys.modules if m.startswith(('desktop_app.store', "
        "'sqlite_utils', 'desktop_app.ingest')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT.parent)
    assert out.stdout.strip() == "", f"loaded by desktop_app.{package}: {out.stdout}"


def test_cli_loads_no_qt() -> None:
    code = (
        "import sys, desktop_app.cli\n"
        "print(','.join(sorted(m for m in sys.modules\n"
        "                      if m.startswith(('PySide6', 'pyqtgraph')))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT.parent)
    assert out.stdout.strip() == ""
