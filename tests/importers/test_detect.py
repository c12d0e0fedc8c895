"""Detection: a file's source is told by its content, never by its name."""

from __future__ import annotations

import json

from desktop_app.importers import chatgpt, claude_ai
from desktop_app.importers.detect import detect
from tests.builders import simple_claude, simple_gpt


def test_detect_is_by_content_not_name() -> None:
    gpt = json.dumps([simple_gpt("c1")]).encode()
    claude = json.dumps([simple_claude("k1")]).encode()
    assert detect(gpt, "whatever.txt") is chatgpt.SPEC
    assert detect(claude, "conversations.json") is claude_ai.SPEC
    assert detect(b'{"a": 1}', "conversations.json") is None
