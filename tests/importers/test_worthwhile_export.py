"""Recognising Worthwhile's own export: by its "format" key, never as a source."""

from __future__ import annotations

import io
import json

import pytest

from desktop_app.domain import make_session_id
from desktop_app.importers import worthwhile_export
from desktop_app.importers.contract import FormatError, Skipped
from desktop_app.importers.detect import detect, is_worthwhile_export
from desktop_app.importers.registry import DETECTION_ORDER, SOURCES
from desktop_app.importers.streams import HEAD_SIZE

SESSION = {"id": make_session_id("generic", "s1"), "source": "generic", "external_id": "s1",
           "title": "t",
           "transcript": [{"role": "user", "time": None, "text": "hello", "model": None}],
           "labels": [], "session_id": "s1", "role": "user", "text": "x"}


def export_bytes(**top: object) -> bytes:
    data = {"format": "worthwhile-export", "version": 1, "labels": ["a"], "sessions": [SESSION]}
    data.update(top)
    return json.dumps(data).encode()


def test_the_export_is_recognised_and_no_source_claims_it() -> None:
    data = export_bytes()
    assert is_worthwhile_export(data, "anything.txt")
    assert detect(data, "conversations.json") is None
    # On one line it even looks like a generic JSONL row; the format key decides first.
    assert is_worthwhile_export(b"\xef\xbb\xbf  " + data, "x.json")
    assert is_worthwhile_export(json.dumps(json.loads(data), sort_keys=True, indent=2).encode(),
                                "x.json")
    assert worthwhile_export.FORMAT not in SOURCES
    assert all(spec.name != worthwhile_export.FORMAT for spec in DETECTION_ORDER)


@pytest.mark.parametrize("head", [
    b'{"format": "worthwhile-card", "version": 1}',
    b'[{"format": "worthwhile-export"}]',
    b'{"title": "about \\"worthwhile-export\\" files", "format": "md"}',
    b'{"format": "worthwhile-export"',  # cut, but the value was seen
])
def test_other_files_are_not_taken_for_an_export(head: bytes) -> None:
    expected = head.endswith(b'"worthwhile-export"')
    assert is_worthwhile_export(head, "x.json") is expected


def test_a_format_key_far_into_a_big_head_is_still_found() -> None:
    data = json.dumps({"app_version": "x" * (HEAD_SIZE // 2), "format": "worthwhile-export",
                       "version": 1, "sessions": []}).encode()
    assert is_worthwhile_export(data[:HEAD_SIZE], "x.json")


def test_reader_gives_sessions_and_lists() -> None:
    skipped: list[Skipped] = []
    reader = worthwhile_export.ExportReader(io.BytesIO(export_bytes()), "e.json",
                                            skipped.append)
    items = list(reader)
    assert [i.session.external_id for i in items] == ["s1"]
    assert items[0].has_transcript
    assert items[0].session.messages[0].text == "hello"
    assert reader.labels == ["a"]
    assert reader.version == 1
    assert skipped == []


def test_reader_refuses_a_newer_version_before_reading_sessions() -> None:
    reader = worthwhile_export.ExportReader(io.BytesIO(export_bytes(version=7)), "e.json",
                                            lambda _s: None)
    with pytest.raises(FormatError, match="newer version of Worthwhile"):
        next(iter(reader))
