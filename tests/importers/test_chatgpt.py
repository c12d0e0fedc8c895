"""ChatGPT export: the sample, every documented variant, content types, branches, streaming."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from desktop_app.importers import chatgpt
from desktop_app.importers.contract import FormatError
from desktop_app.ingest import import_paths
from desktop_app.store import get_transcript, list_sessions
from desktop_app.store.imports import session_extras
from tests.builders import (
    DATA,
    gpt_conversation,
    gpt_message,
    parse_bytes,
    simple_gpt,
    write_json,
    write_zip,
)

SAMPLE = DATA / "chatgpt" / "Sinity__polylogue__native-conversation-v1.json"


def test_sample_conversation(db: Database) -> None:
    report = import_paths(db, [SAMPLE])
    assert report.ok
    [row] = list_sessions(db)
    assert row.source == "chatgpt"
    assert row.external_id == "chatgpt-fixture-conversation"
    assert row.title == "Privacy-safe ChatGPT native fixture"
    assert row.model == "gpt-5-6-pro"
    assert row.started_at == datetime(2026, 7, 16, 1, 15, tzinfo=UTC)
    assert row.ended_at == datetime(2026, 7, 16, 2, 42, 13, tzinfo=UTC)
    assert (row.messages, row.user_messages) == (4, 1)
    assert (row.tokens_in, row.tokens_out) == (None, None)
    transcript = get_transcript(db, row.id)
    assert [m.role for m in transcript] == ["user", "tool", "tool", "assistant"]
    user, call, result, answer = transcript
    assert user.text.startswith("Analyze the attached fixture")
    assert "[image 8×8]" in user.text
    assert "[attached file: input.txt, 42 B]" in user.text
    assert "browser.search" in call.text
    assert "Privacy-safe tool result." in result.text
    assert "Final answer." in answer.text
    assert "[image 16×16]" in answer.text
    # Reasoning heads the assistant message it precedes, in the file's order: the trace came
    # before the call to the browser, the recap before the answer.
    assert call.text.startswith("[thinking] Privacy-safe reasoning trace.\n\n[call browser.search]")
    assert answer.text.startswith("[thinking] Privacy-safe reasoning summary.\n\nFinal answer.")
    assert "reasoning trace" not in answer.text
    assert "Superseded answer." not in " ".join(m.text for m in transcript)
    assert "Preserve structured provider evidence" not in " ".join(m.text for m in transcript)
    assert session_extras(db, row.id) == (1, None)


@pytest.mark.parametrize("layout", ["array", "wrapped", "lone"])
def test_top_level_layouts(layout: str) -> None:
    convs = [simple_gpt("c1", 2), simple_gpt("c2", 1)]
    value: Any = {"array": convs, "wrapped": {"conversations": convs}, "lone": convs[0]}[layout]
    data = json.dumps(value).encode()
    assert chatgpt.sniff(data[:65536], "conversations.json")
    sessions, skipped = parse_bytes(chatgpt, data)
    assert skipped == []
    expected = ["c1"] if layout == "lone" else ["c1", "c2"]
    assert [s.external_id for s in sessions] == expected
    assert len(sessions[0].messages) == 4
    assert sessions[0].user_message_count == 2


def test_null_title_falls_back_to_first_user_message() -> None:
    conv = simple_gpt("c1", title=None)
    conv["mapping"]["n0"]["message"]["content"]["parts"] = [
        "  \nHow do I rename files by date in bash? I have thousands of photos from my "
        "camera and want them sorted\nsecond line"]
    empty = simple_gpt("c2", title="")
    [first, second], _ = parse_bytes(chatgpt, json.dumps([conv, empty]).encode())
    assert first.title.startswith("How do I rename files by date in bash?")
    assert first.title.endswith("…")
    assert len(first.title) <= 81
    assert second.title == "question 0 of c2"


def test_branches_current_node_and_newest_leaf_fallback() -> None:
    turns = [
        gpt_message("u", "user", "first question", 100.0),
        gpt_message("a1", "assistant", "first answer", 110.0, model="gpt-4o"),
    ]
    extra = {
        "regen": {"id": "regen", "parent": "n0", "children": [],
                  "message": gpt_message("r", "assistant", "regenerated", 200.0, model="o3")},
        "edit": {"id": "edit", "parent": "sys", "children": [],
                 "message": gpt_message("e", "user", "edited question", 50.0)},
    }
    conv = gpt_conversation("c1", turns, extra_nodes=extra)
    [session], _ = parse_bytes(chatgpt, json.dumps([conv]).encode())
    assert [m.text for m in session.messages] == ["first question", "first answer"]
    assert session.hidden_branches == 2
    conv["current_node"] = "does-not-exist"
    [session], _ = parse_bytes(chatgpt, json.dumps([conv]).encode())
    assert [m.text for m in session.messages] == ["first question", "regenerated"]
    assert session.model == "o3"
    del conv["current_node"]
    [session], _ = parse_bytes(chatgpt, json.dumps([conv]).encode())
    assert session.messages[-1].text == "regenerated"


def test_every_content_type_is_rendered_never_dropped() -> None:
    def content(kind: str, **fields: Any) -> dict[str, Any]:
        return {"content_type": kind, **fields}

    image = {"content_type": "image_asset_pointer", "asset_pointer": "sediment://file_1",
             "size_bytes": 9, "width": 1024, "height": 768}
    dalle = {"content_type": "image_asset_pointer", "asset_pointer": "file-service://f",
             "width": 512, "height": 512, "metadata": {"dalle": {"prompt": "a red fox"}}}
    audio = {"content_type": "audio_asset_pointer", "asset_pointer": "sediment://a",
             "metadata": {"start": 0, "end": 12.4}}
    voice = {"content_type": "audio_transcription", "text": "spoken words"}
    av = {"content_type": "real_time_user_audio_video_asset_pointer"}
    cases: list[tuple[str, dict[str, Any], str, str]] = [
        ("user", content("multimodal_text", parts=["look", image]), "user", "[image 1024×768]"),
        ("user", content("multimodal_text", parts=[voice, audio, av]), "user", "spoken words"),
        ("assistant", content("multimodal_text", parts=[dalle]), "assistant", "a red fox"),
        ("assistant", content("code", language="python", text="print(1)"), "assistant",
         "print(1)"),
        ("tool", content("execution_output", text="1"), "tool", "1"),
        ("tool", content("tether_browsing_display", result="page text"), "tool", "page text"),
        ("tool", content("tether_quote", url="https://x.test", title="X", text="quoted"),
         "tool", "quoted"),
        ("tool", content("system_error", name="TimeoutError", text="took too long"), "tool",
         "took too long"),
        ("tool", content("sonic_webpage", title="A page", url="https://y.test"), "tool",
         "A page"),
        ("tool", content("computer_output"), "tool", "[screenshot]"),
        ("assistant", content("brand_new_type"), "assistant", "[brand new type]"),
    ]
    turns = [gpt_message(f"m{i}", role, None, 100.0 + i, content=c, name="python",
                         model="gpt-4o" if role == "assistant" else None)
             for i, (role, c, _r, _t) in enumerate(cases)]
    [session], _ = parse_bytes(chatgpt, json.dumps([gpt_conversation("c", turns)]).encode())
    assert len(session.messages) == len(cases)
    for message, (_role, _c, role, needle) in zip(session.messages, cases, strict=True):
        assert message.role == role
        assert needle in message.text
    assert "[audio 12 s]" in session.messages[1].text
    assert "[audio/video]" in session.messages[1].text


def test_hidden_messages_and_thinking() -> None:
    turns = [
        gpt_message("ctx", "user", None, 99.0, content={
            "content_type": "user_editable_context", "user_profile": "I am a dev",
            "user_instructions": "Be brief"}),
        gpt_message("sysmsg", "system", "You are ChatGPT", 99.5,
                    metadata={"is_user_system_message": True}),
        gpt_message("hid", "user", "hidden text", 99.8,
                    metadata={"is_visually_hidden_from_conversation": True}),
        gpt_message("u", "user", "the question", 100.0),
        gpt_message("t", "assistant", None, 101.0, model="o3", content={
            "content_type": "thoughts",
            "thoughts": [{"summary": "Planning", "content": "think think", "finished": True}]}),
        gpt_message("r", "assistant", None, 102.0, model="o3",
                    content={"content_type": "reasoning_recap", "content": "Thought for 2s"}),
        gpt_message("a", "assistant", "the answer", 103.0, model="o3"),
        gpt_message("mem", "assistant", None, 104.0, content={
            "content_type": "model_editable_context", "model_set_context": "likes tea"}),
    ]
    [session], _ = parse_bytes(chatgpt, json.dumps([gpt_conversation("c", turns)]).encode())
    assert [m.role for m in session.messages] == ["user", "assistant"]
    answer = session.messages[1].text
    assert answer == "[thinking] Planning\nthink think\n\n[thinking] Thought for 2s\n\nthe answer"
    assert session.user_message_count == 1


def test_thinking_stays_where_the_source_put_it() -> None:
    """Reasoning never moves past a person's prompt: followed by no assistant message it is an
    entry of its own, so every entry keeps the file's order."""
    def thought(mid: str, text: str, t: float) -> dict[str, Any]:
        return gpt_message(mid, "assistant", None, t, model="o3", content={
            "content_type": "thoughts", "thoughts": [{"summary": "", "content": text}]})

    turns = [
        gpt_message("u1", "user", "first", 100.0),
        thought("t1", "weighing the first", 101.0),
        gpt_message("u2", "user", "never mind, second", 102.0),
        thought("t2", "weighing the second", 103.0),
        gpt_message("a2", "assistant", "the second answer", 104.0, model="o3"),
        gpt_message("u3", "user", "third", 105.0),
        thought("t3", "cut off here", 106.0),
    ]
    [session], _ = parse_bytes(chatgpt, json.dumps([gpt_conversation("c", turns)]).encode())
    assert [(m.role, m.text) for m in session.messages] == [
        ("user", "first"),
        ("assistant", "[thinking] weighing the first"),
        ("user", "never mind, second"),
        ("assistant", "[thinking] weighing the second\n\nthe second answer"),
        ("user", "third"),
        ("assistant", "[thinking] cut off here"),
    ]
    assert session.messages[1].time == datetime(1970, 1, 1, 0, 1, 41, tzinfo=UTC)
    assert (len(session.messages), session.user_message_count) == (6, 3)


def test_model_is_the_most_used_ties_to_latest() -> None:
    turns = [
        gpt_message("u1", "user", "q", 1.0e9),
        gpt_message("a1", "assistant", "x", 1.0e9 + 1, model="gpt-4o"),
        gpt_message("u2", "user", "q", 1.0e9 + 2),
        gpt_message("a2", "assistant", "y", 1.0e9 + 3, model="o3"),
    ]
    [session], _ = parse_bytes(chatgpt, json.dumps([gpt_conversation("c", turns)]).encode())
    assert session.model == "o3"
    turns.append(gpt_message("a3", "assistant", "z", 1.0e9 + 4, model="gpt-4o"))
    [session], _ = parse_bytes(chatgpt, json.dumps([gpt_conversation("c", turns)]).encode())
    assert session.model == "gpt-4o"


def test_bad_records_are_skipped_good_ones_kept() -> None:
    data = json.dumps([simple_gpt("c1"), 42, {"title": "no mapping"},
                       gpt_conversation("c-empty", [])]).encode()
    sessions, skipped = parse_bytes(chatgpt, data)
    assert [s.external_id for s in sessions] == ["c1"]
    assert [s.what for s in skipped] == ["conversation 2", "conversation 3",
                                         "conversation 4 (c-empty)"]


def test_array_of_unreadable_records_is_a_format_error() -> None:
    with pytest.raises(FormatError, match="no readable ChatGPT conversation"):
        parse_bytes(chatgpt, json.dumps([{"mapping": {}}, {"mapping": {}}]).encode())


def test_sharded_export_in_a_zip(db: Database, tmp_path: Path) -> None:
    path = write_zip(tmp_path / "chatgpt.zip", {
        "conversations-000.json": [simple_gpt("c1", start=1.7e9), simple_gpt("c2")],
        "conversations-001.json": {"conversations": [simple_gpt("c3")]},
        "conversations-002.json": [],
    })
    entry = import_paths(db, [path]).files[0]
    assert entry.error is None, entry.error
    assert entry.sessions_new == 3
    assert sorted(s.external_id for s in list_sessions(db)) == ["c1", "c2", "c3"]
    c1 = next(s for s in list_sessions(db) if s.external_id == "c1")
    assert c1.started_at == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


class _SpyStream(io.RawIOBase):
    """A stream that records how much was asked for at once."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = io.BytesIO(data)
        self.largest = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        self.largest = max(self.largest, len(view))
        chunk = self._data.read(len(view))
        view[: len(chunk)] = chunk
        return len(chunk)


def test_parse_streams_instead_of_loading_everything(tmp_path: Path) -> None:
    data = json.dumps([simple_gpt(f"c{i}", 5) for i in range(3000)]).encode()
    assert len(data) > 4_000_000
    spy = _SpyStream(data)
    sessions = chatgpt.parse(spy, "conversations.json", lambda item: None)  # type: ignore[arg-type]
    first = next(sessions)
    assert first.external_id == "c0"
    consumed = spy._data.tell()
    assert consumed < 1_000_000  # one conversation in, not the whole file
    assert sum(1 for _ in sessions) == 2999
    assert spy.largest <= 1024 * 1024


def test_big_file_in_a_folder_imports(db: Database, tmp_path: Path) -> None:
    write_json(tmp_path / "export" / "conversations.json",
               [simple_gpt(f"c{i}", 2) for i in range(1200)])
    entry = import_paths(db, [tmp_path / "export"]).files[0]
    assert entry.sessions_new == 1200
    assert entry.messages == 4800


def test_numbers_beyond_64_bits_are_shown_as_written() -> None:
    # orjson reads such an integer as a float: the conversation is decoded again, exactly.
    big = 2 ** 70
    image = {"content_type": "image_asset_pointer", "width": big, "height": 768}
    parts: list[Any] = ["look", image, [big, -(2 ** 64)]]
    convs = [gpt_conversation(f"c{i}", [gpt_message("u", "user", None, 100.0, content={
        "content_type": "multimodal_text", "parts": parts})]) for i in range(3)]
    sessions, _ = parse_bytes(chatgpt, json.dumps(convs).encode())
    assert len(sessions) == 3
    for session in sessions:
        assert f"[image {big}×768]" in session.messages[0].text
        assert json.dumps([big, -(2 ** 64)]) in session.messages[0].text
