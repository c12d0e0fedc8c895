"""The registry's names: every source named once, display names no one can confuse."""

from __future__ import annotations

from desktop_app.importers.registry import DISPLAY_NAMES, SOURCES, TOOL_NAMES, display_name


def test_display_names_are_not_ambiguous() -> None:
    names = list(DISPLAY_NAMES.values())
    assert len(set(names)) == len(names) == len(SOURCES)
    # "Claude" beside "Claude Code" reads as the same tool: no name is the first words of another.
    for a in names:
        for b in names:
            assert a == b or not b.startswith(a + " "), (a, b)
    assert display_name("claude-ai") == "Claude.ai"
    assert display_name("claude-code") == "Claude Code"
    assert display_name("gemini") == "Gemini Apps"


def test_a_generic_tools_own_name_is_shown_as_written() -> None:
    assert display_name("Perplexity") == "Perplexity"
    assert display_name("le Chat") == "le Chat"
    assert display_name("generic") == "Other"
    assert TOOL_NAMES["le Chat"] == "le Chat"
    assert "le Chat" in TOOL_NAMES
    assert TOOL_NAMES["chatgpt"] == "ChatGPT"
    assert set(TOOL_NAMES) == set(SOURCES)
