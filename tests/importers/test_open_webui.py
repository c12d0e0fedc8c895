"""Open WebUI chat export: the documented example, branches, times in s and ms."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from desktop_app.importers import open_webui
from desktop_app.ingest import import_paths
from desktop_app.store import get_transcript, list_sessions
from tests.builders import parse_bytes, write_json


def _chat(cid: str = "c0ffee00", **overrides: Any) -> dict[str, Any]:
    chat: dict[str, Any] = {
        "id": cid, "user_id": "u-1", "title": "Docker compose help",
        "created_at": 1726466098, "updated_at": 1726466150, "archived": False,
        "pinned": False, "share_id": None, "folder_id": None, "meta": {"tags": ["devops"]},
        "chat": {"id": "", "title": "Docker compose help", "models": ["llama3.1:latest"],
                 "params": {}, "history": {"currentId": "m2", "messages": {
                     "m1": {"id": "m1", "parentId": None, "childrenIds": ["m2"], "role": "user",
                            "content": "Why won't my volume mount?", "timestamp": 1726466098,
                            "models": ["llama3.1:latest"]},
                     "m2": {"id": "m2", "parentId": "m1", "childrenIds": [],
                            "role": "assistant", "content": "Check the relative path…",
                            "model": "llama3.1:latest", "modelName": "llama3.1:latest",
                            "modelIdx": 0, "done": True, "timestamp": 1726466101,
                            "usage": {"prompt_tokens": 31, "completion_tokens": 120,
                                      "total_tokens": 151}}}},
                 "messages": [], "tags": [], "timestamp": 1726466098996},
    }
    chat.update(overrides)
    return chat


def test_documented_example(db: Database, tmp_path: Path) -> None:
    path = write_json(tmp_path / "chat-export-1726466200000.json", [_chat()])
    report = import_paths(db, [path])
    assert report.ok, report.files[0].error
    assert report.files[0].source == "open-webui"
    [row] = list_sessions(db)
    assert row.external_id == "c0ffee00"
    assert row.title == "Docker compose help"
    assert row.model == "llama3.1:latest"
    assert (row.tokens_in, row.tokens_out) == (31, 120)
    assert (row.messages, row.user_messages) == (2, 1)
    assert row.started_at == datetime(2024, 9, 16, 5, 54, 58, tzinfo=UTC)
    assert row.ended_at == datetime(2024, 9, 16, 5, 55, 1, tzinfo=UTC)  # the last message
    assert [m.role for m in get_transcript(db, row.id)] == ["user", "assistant"]


def test_branches_follow_current_id_and_ms_times() -> None:
    chat = _chat()
    messages = chat["chat"]["history"]["messages"]
    messages["m1"]["childrenIds"].append("m3")
    messages["m3"] = {"id": "m3", "parentId": "m1", "childrenIds": [], "role": "assistant",
                      "content": "Other model's answer", "model": "mistral",
                      "timestamp": 1726466102000, "usage": {"prompt_eval_count": 5,
                                                             "eval_count": 7}}
    [session], _ = parse_bytes(open_webui, json.dumps([chat]).encode())
    assert [m.text for m in session.messages][-1] == "Check the relative path…"
    assert session.hidden_branches == 1
    chat["chat"]["history"]["currentId"] = "m3"
    [session], _ = parse_bytes(open_webui, json.dumps([chat]).encode())
    assert session.messages[-1].text == "Other model's answer"
    assert session.messages[-1].time == datetime(2024, 9, 16, 5, 55, 2, tzinfo=UTC)
    assert (session.tokens_in, session.tokens_out) == (5, 7)
    assert session.model == "mistral"


def test_legacy_linear_messages_and_chat_as_string() -> None:
    legacy = _chat("old", title="New Chat")
    legacy["chat"] = json.dumps({"messages": [
        {"role": "user", "content": "old style prompt", "timestamp": 1700000000},
        {"role": "assistant", "content": [{"type": "text", "text": "old reply"}],
         "timestamp": 1700000005, "model": "gpt-4"},
    ]})
    [session], skipped = parse_bytes(open_webui, json.dumps([legacy, {"id": "x"}]).encode())
    assert [m.text for m in session.messages] == ["old style prompt", "old reply"]
    assert session.title == "old style prompt"
    assert [s.what for s in skipped] == ["chat 2 (x)"]
