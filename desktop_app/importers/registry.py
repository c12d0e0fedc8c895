"""The one list of sources: every source module's :class:`~.contract.SourceSpec`.

Adding a source means adding its module and naming it here; the CLI's choices, detection,
``scan``, ``demo-data`` and display names all come from this list.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from desktop_app.importers import (
    aider,
    chatgpt,
    claude_ai,
    claude_code,
    codex,
    copilot,
    cursor,
    gemini,
    gemini_cli,
    generic,
    llm,
    open_webui,
)
from desktop_app.importers.contract import SourceSpec

#: Every source, in the order the README lists them (chat apps, then coding assistants).
SPECS: tuple[SourceSpec, ...] = (
    chatgpt.SPEC, claude_ai.SPEC, gemini.SPEC, open_webui.SPEC, generic.SPEC,
    claude_code.SPEC, codex.SPEC, copilot.SPEC, cursor.SPEC, aider.SPEC, llm.SPEC,
    gemini_cli.SPEC,
)

#: The order in which formats are tried on a file: most specific first, the generic one last.
DETECTION_ORDER: tuple[SourceSpec, ...] = (
    chatgpt.SPEC, claude_ai.SPEC, open_webui.SPEC, gemini.SPEC, claude_code.SPEC, codex.SPEC,
    copilot.SPEC, cursor.SPEC, aider.SPEC, llm.SPEC, gemini_cli.SPEC, generic.SPEC,
)

#: Every source name (``"chatgpt"``, ``"claude-code"``, …), in README order.
SOURCES: tuple[str, ...] = tuple(spec.name for spec in SPECS)

#: What people call each source's tool, by source name.
DISPLAY_NAMES: dict[str, str] = {spec.name: spec.display_name for spec in SPECS}

_BY_NAME: dict[str, SourceSpec] = {spec.name: spec for spec in SPECS}


def spec(name: str) -> SourceSpec:
    """The spec of a source name; :class:`KeyError` for a name no source has."""
    return _BY_NAME[name]


def display_name(name: str) -> str:
    """The tool's name people recognise, for a source name or a tool key
    (``SessionRow.tool_key``): a source's display name, else the name itself (a generic row's
    own tool name, "Perplexity", is shown as its file wrote it)."""
    return DISPLAY_NAMES.get(name, name)


def no_text_title(tool_key: str) -> str:
    """The title of a session an import rule keeps without text: "Claude Code session"
    (``tool_key`` as ``SessionRow.tool_key``: a generic row's own tool, else the source)."""
    return f"{display_name(tool_key)} session"


class _ToolNames(Mapping[str, str]):
    """:func:`display_name` as a mapping that holds every tool key (for the metrics' texts,
    which capitalise a group they find no name for: a tool's own name stays as written)."""

    def __getitem__(self, key: str) -> str:
        return display_name(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str)

    def __iter__(self) -> Iterator[str]:
        return iter(DISPLAY_NAMES)

    def __len__(self) -> int:
        return len(DISPLAY_NAMES)


#: The display name of any tool key: use it to name ``--group tool`` groups.
TOOL_NAMES: Mapping[str, str] = _ToolNames()
