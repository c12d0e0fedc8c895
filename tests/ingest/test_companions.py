"""ChatGPT's message_feedback.json: the tool's own thumbs, kept apart from the user's verdict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from desktop_app.cli import main
from desktop_app.domain import Rating, Verdict, make_session_id
from desktop_app.ingest import import_paths
from desktop_app.store import get_session, set_rating
from desktop_app.store.imports import session_extras
from tests.builders import simple_gpt, write_json, write_zip


def _feedback(*items: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"id": f"fb-{i}", "conversation_id": cid, "user_id": "user-1", "rating": rating,
             "create_time": "2025-01-22T13:00:00.000000+00:00", "content": "{}"}
            for i, (cid, rating) in enumerate(items)]


def _thumbs(db: Database, cid: str) -> str | None:
    return session_extras(db, make_session_id("chatgpt", cid))[1]


def test_thumbs_in_a_zip_are_the_tools_feedback(db: Database, tmp_path: Path) -> None:
    path = write_zip(tmp_path / "export.zip", {
        # The conversations come first in the zip: the thumbs are read before them anyway.
        "conversations.json": [simple_gpt("c1"), simple_gpt("c2"), simple_gpt("c3"),
                               simple_gpt("c4")],
        "message_feedback.json": _feedback(("c1", "thumbsUp"), ("c2", "thumbsDown"),
                                           ("c3", "thumbsUp"), ("c3", "thumbsDown"),
                                           ("nope", "thumbsUp")),
    })
    entry = import_paths(db, [path]).files[0]
    assert entry.error is None
    assert entry.sessions_new == 4
    assert [_thumbs(db, c) for c in ("c1", "c2", "c3", "c4")] == ["up", "down", "mixed", None]
    row = get_session(db, make_session_id("chatgpt", "c1"))
    assert row.rating.verdict is Verdict.UNRATED  # never the user's verdict


def test_show_json_has_tool_feedback_and_no_verdict(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "export"
    write_json(folder / "conversations.json", [simple_gpt("c1"), simple_gpt("c2")])
    write_json(folder / "message_feedback.json", _feedback(("c1", "thumbsDown")))
    db_path = tmp_path / "w.db"
    assert main(["--db", str(db_path), "import", str(folder)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "show", make_session_id("chatgpt", "c1"), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["tool_feedback"] == "down"
    assert shown["verdict"] is None
    assert main(["--db", str(db_path), "show", make_session_id("chatgpt", "c2"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["tool_feedback"] is None
    assert main(["--db", str(db_path), "show", make_session_id("chatgpt", "c1")]) == 0
    assert "not your verdict" in capsys.readouterr().out


def test_conversations_file_given_directly_reads_the_feedback_beside_it(
        db: Database, tmp_path: Path) -> None:
    path = write_json(tmp_path / "conversations.json", [simple_gpt("c1")])
    write_json(tmp_path / "message_feedback.json", _feedback(("c1", "thumbsUp")))
    assert import_paths(db, [path]).ok
    assert _thumbs(db, "c1") == "up"


def test_reimport_keeps_ratings_and_follows_changed_thumbs(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    write_json(folder / "conversations.json", [simple_gpt("c1"), simple_gpt("c2")])
    write_json(folder / "message_feedback.json", _feedback(("c1", "thumbsUp")))
    import_paths(db, [folder])
    sid = make_session_id("chatgpt", "c1")
    set_rating(db, sid, Rating(verdict=Verdict.NOT_USEFUL, minutes_saved=-5, labels=("coding",)))
    same = import_paths(db, [folder]).files[0]
    assert (same.sessions_new, same.sessions_updated, same.sessions_unchanged) == (0, 0, 2)
    write_json(folder / "message_feedback.json", _feedback(("c1", "thumbsDown")))
    changed = import_paths(db, [folder]).files[0]
    assert (changed.sessions_new, changed.sessions_updated, changed.sessions_unchanged) == (
        0, 1, 1)
    assert _thumbs(db, "c1") == "down"
    rating = get_session(db, sid).rating
    assert (rating.verdict, rating.minutes_saved, rating.labels) == (
        Verdict.NOT_USEFUL, -5, ("coding",))


def test_unreadable_feedback_is_reported_not_fatal(db: Database, tmp_path: Path) -> None:
    path = write_zip(tmp_path / "export.zip", {
        "conversations.json": [simple_gpt("c1")],
        "message_feedback.json": b'[{"conversation_id": "c1", "rating": "thumbsUp"',
    })
    entry = import_paths(db, [path]).files[0]
    assert entry.error is None
    assert entry.sessions_new == 1
    assert any("feedback" in s.reason for s in entry.skipped)
    assert _thumbs(db, "c1") is None
