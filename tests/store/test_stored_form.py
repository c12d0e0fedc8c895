"""A session's stored form (message times as stored, content hash) worked out ahead, where it
was read: the store uses it for that parser version and for the session as read only."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from desktop_app.domain import StoredForm, message_times
from desktop_app.store import open_db, save_sessions
from desktop_app.store.rules import add_rule
from tests.factories import make_session

MARK = "f" * 64  # a hash no session has: seen in the database only if the form was used


def _stored_hash(db_path: Path, version: str, **rule: str) -> str:
    db = open_db(db_path)
    if rule:
        add_rule(db, rule["action"], rule["selector"], rule["pattern"])
    s = make_session(1)
    form = StoredForm("chatgpt-1", message_times(s.messages), MARK)
    save_sessions(db, [replace(s, stored_form=form)], parser_version=version)
    row = db.execute("SELECT content_hash FROM sessions").fetchone()
    db.close()
    return str(row[0])


def test_the_form_is_used_for_its_parser_version(tmp_path: Path) -> None:
    assert _stored_hash(tmp_path / "a.db", "chatgpt-1") == MARK


def test_another_parser_version_works_it_out_again(tmp_path: Path) -> None:
    expected = make_session(1).content_hash("chatgpt-2")
    assert _stored_hash(tmp_path / "b.db", "chatgpt-2") == expected != MARK


def test_a_no_text_copy_never_takes_the_form_of_the_session_read(tmp_path: Path) -> None:
    got = _stored_hash(tmp_path / "c.db", "chatgpt-1", action="no-text", selector="source",
                       pattern="chatgpt")
    assert got != MARK
    assert len(got) == 64


def test_the_form_is_no_part_of_equality_and_matches_what_the_store_works_out() -> None:
    s = make_session(2)
    worked_out = s.stored("chatgpt-1")
    assert worked_out.content_hash == s.content_hash("chatgpt-1")
    assert worked_out.times == tuple(t for t in message_times(s.messages))
    assert replace(s, stored_form=worked_out) == s
    assert replace(s, stored_form=worked_out).stored("chatgpt-1") is worked_out
    shorter = replace(s, messages=s.messages[:1], stored_form=worked_out)
    assert shorter.stored("chatgpt-1") != worked_out  # worked out again for other messages
