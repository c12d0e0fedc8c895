"""The README stays true: its test command is what CI runs, and it names every source."""

from __future__ import annotations

import re
from pathlib import Path

from desktop_app.importers.registry import SOURCES

ROOT = Path(__file__).resolve().parent.parent


def _code_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, re.DOTALL)


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    blocks = _code_blocks(readme)
    assert len(blocks) == 2, "the README has exactly two set-up commands"
    install, test = (b.strip() for b in blocks)
    assert "pip install ." in install
    assert install.endswith("worthwhile")
    assert "pytest" in test
    ci_lines = [line.strip() for line in ci.splitlines()]
    assert test in ci_lines


def test_readme_names_every_source() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for source in SOURCES:
        assert f"`{source}`" in readme


def test_readme_documents_the_json_contract() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for key in ("external_id", "user_messages", "tokens_in", "minutes_saved", "transcript"):
        assert f'"{key}"' in readme


def test_readme_lists_every_importer_module() -> None:
    from desktop_app.importers.registry import SPECS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for spec in SPECS:
        module = spec.parse.__module__.rsplit(".", 1)[-1]
        assert f"`{spec.name}`" in readme
        assert f"importers/{module}.py" in readme or f"`{module}`" in readme.replace(
            "-", "_"), f"README does not list the importer module {module}"
