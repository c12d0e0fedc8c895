"""The store keeps the newer of two copies of a session: by update time, else by length."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from desktop_app.domain import Session
from desktop_app.store import get_session, get_transcript, list_sessions, open_db, save_sessions
from desktop_app.store import migrations as store_migrations
from desktop_app.store.sessions import (
    Outcome,
    SessionQuery,
    is_older_copy,
    stored_time,
)
from tests.factories import make_messages, make_session

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def copy(n_messages: int, *, updated: datetime | None = None, word: str = "walrus",
         title: str = "Walruses") -> Session:
    """A copy of one session with ``n_messages`` messages (each copy shares its prefix)."""
    texts = [f"message {i} about {word}" for i in range(n_messages)]
    return make_session(1, title=title, messages=make_messages(*texts, start=T0),
                        updated_at=updated)


def stored(db: Database, session: Session) -> tuple[str, int, str | None, str | None]:
    row = db.conn.execute("SELECT title, message_count, updated_at, parser_version "
                          "FROM sessions WHERE id = ?", (session.id,)).fetchone()
    return tuple(row)


def test_the_newer_update_time_wins_whatever_the_length(db: Database) -> None:
    long_old = copy(6, updated=T0, title="Old")
    short_new = copy(2, updated=T0 + timedelta(seconds=1), title="New")
    assert save_sessions(db, [short_new]).outcomes == [Outcome.NEW]
    counts = save_sessions(db, [long_old])
    assert counts.outcomes == [Outcome.OLDER]
    assert (counts.new, counts.updated, counts.unchanged, counts.messages) == (0, 0, 1, 0)
    assert stored(db, short_new) == ("New", 2, "2026-03-02T09:00:01.000000Z", "1")
    # The other way round the newer replaces the older (a shorter thread after an edit).
    db.conn.execute("DELETE FROM messages")
    db.conn.execute("DELETE FROM sessions")
    save_sessions(db, [long_old])
    assert save_sessions(db, [short_new]).outcomes == [Outcome.UPDATED]
    assert stored(db, short_new)[:2] == ("New", 2)


def test_microseconds_decide_and_a_tie_replaces(db: Database) -> None:
    first = copy(3, updated=T0 + timedelta(microseconds=5))
    assert stored_time(first.updated_at) == "2026-03-02T09:00:00.000005Z"
    save_sessions(db, [first])
    assert save_sessions(db, [copy(4, updated=T0)]).outcomes == [Outcome.OLDER]
    # The same moment with other content: the same version read again (e.g. a better parser).
    again = copy(2, updated=first.updated_at, title="Read again")
    assert save_sessions(db, [again]).outcomes == [Outcome.UPDATED]
    assert stored(db, again)[:2] == ("Read again", 2)


def test_full_text_index_follows_only_the_copy_kept(db: Database) -> None:
    save_sessions(db, [copy(2, updated=T0 + timedelta(hours=1), word="penguin")])
    save_sessions(db, [copy(4, updated=T0, word="walrus")])
    assert [r.title for r in list_sessions(db, SessionQuery(search="penguin"))] == ["Walruses"]
    assert list_sessions(db, SessionQuery(search="walrus")) == []


def test_an_equal_copy_is_unchanged_and_keeps_the_newest_time(db: Database) -> None:
    newer = replace(copy(3, updated=T0 + timedelta(hours=1)), fingerprint=2)
    older = replace(copy(3, updated=T0), fingerprint=1)
    save_sessions(db, [newer])
    assert save_sessions(db, [older]).outcomes == [Outcome.UNCHANGED]
    assert stored(db, newer)[2] == "2026-03-02T10:00:00.000000Z"
    assert db.conn.execute("SELECT fingerprint FROM sessions").fetchone()[0] == 2
    # The same content moved on (a newer export that changed nothing shown): its time is kept.
    later = replace(copy(3, updated=T0 + timedelta(hours=2)), fingerprint=3)
    assert save_sessions(db, [later]).outcomes == [Outcome.UNCHANGED]
    assert stored(db, newer)[2] == "2026-03-02T11:00:00.000000Z"
    assert db.conn.execute("SELECT fingerprint FROM sessions").fetchone()[0] == 3


def test_by_length_a_prefix_is_older_more_messages_win_a_tie_keeps_the_stored(
        db: Database) -> None:
    save_sessions(db, [copy(4)], by_length=True)
    assert save_sessions(db, [copy(2)], by_length=True).outcomes == [Outcome.OLDER]
    edited = copy(4, word="seal")  # neither is a prefix of the other: a tie
    assert save_sessions(db, [edited], by_length=True).outcomes == [Outcome.OLDER]
    branch = copy(5, word="seal")  # neither a prefix, more messages
    assert save_sessions(db, [branch], by_length=True).outcomes == [Outcome.UPDATED]
    assert [m.text for m in get_transcript(db, branch.id)][-1] == "message 4 about seal"
    # One side without an update time: the rule by length still decides.
    assert save_sessions(db, [copy(3, updated=T0)], by_length=True).outcomes == [
        Outcome.OLDER]


def test_without_by_length_a_read_replaces_whatever_its_length(db: Database) -> None:
    save_sessions(db, [copy(4)])
    assert save_sessions(db, [copy(2)]).outcomes == [Outcome.UPDATED]
    assert get_session(db, copy(2).id).messages == 2


def test_a_copy_read_by_another_parser_replaces_the_stored_one(db: Database) -> None:
    save_sessions(db, [copy(4)], parser_version="1", by_length=True)
    counts = save_sessions(db, [copy(3)], parser_version="2", by_length=True)
    assert counts.outcomes == [Outcome.UPDATED]
    assert stored(db, copy(3))[1:] == (3, None, "2")


def test_same_session_twice_in_one_call(db: Database) -> None:
    newer, older = copy(2, updated=T0 + timedelta(hours=1)), copy(5, updated=T0)
    counts = save_sessions(db, [newer, older, newer])
    assert counts.outcomes == [Outcome.NEW, Outcome.OLDER, Outcome.UNCHANGED]
    counts = save_sessions(db, [replace(older, title="x"), newer])
    assert counts.outcomes == [Outcome.OLDER, Outcome.UNCHANGED]
    assert get_session(db, newer.id).messages == 2


@pytest.mark.parametrize(
    ("updated", "stored_updated", "version", "stored_version", "by_length", "older"),
    [
        ("b", "a", "1", "1", True, False),
        ("a", "b", "1", "1", False, True),  # times decide, whatever else
        ("a", "b", "2", None, True, True),
        ("a", "a", "1", "1", True, False),  # a tie in time replaces
        (None, "b", "2", "1", True, False),  # another parser: replaces
        ("a", None, "1", None, True, False),  # a row stored before update times were kept
        (None, None, "1", "1", True, True),  # same parser, 3 <= 3 messages
        (None, None, "1", "1", False, False),
    ],
)
def test_is_older_copy_table(updated: str | None, stored_updated: str | None, version: str,
                             stored_version: str | None, by_length: bool, older: bool) -> None:
    assert is_older_copy(updated, version, 3, stored_updated_at=stored_updated,
                         stored_parser_version=stored_version, stored_messages=3,
                         by_length=by_length) is older


def test_migration_keeps_existing_sessions_and_backs_up(db_path: Path) -> None:
    """A database of the schema before: its sessions get no update time and no parser version,
    so the next changed copy replaces them (that is how shrunk sessions are repaired)."""
    before = Migrations("worthwhile")
    for m in store_migrations.MIGRATIONS._migrations:
        if m.name < "0008":
            before(name=m.name)(m.fn)
    db_path.parent.mkdir(parents=True)
    old = Database(db_path)
    before.apply(old)
    old.execute("INSERT INTO sessions (key, id, source, external_id, title, message_count, "
                "content_hash) VALUES (1, ?, 'chatgpt', 'conv-0001', 'Shrunk', 2, 'x')",
                [copy(2).id])
    old.execute("INSERT INTO sessions_fts (rowid, title) VALUES (1, 'Shrunk')")
    old.conn.commit()
    old.close()

    db = open_db(db_path)
    assert list(db_path.parent.glob("worthwhile.db.before-0008_session_copies-*.bak"))
    assert stored(db, copy(2)) == ("Shrunk", 2, None, None)
    assert save_sessions(db, [copy(4, updated=T0)], by_length=True).outcomes == [
        Outcome.UPDATED]
    assert stored(db, copy(4)) == ("Walruses", 4, "2026-03-02T09:00:00.000000Z", "1")
    backup = sqlite3.connect(next(db_path.parent.glob("*.bak")))
    columns = [r[1] for r in backup.execute("PRAGMA table_info(sessions)")]
    backup.close()
    assert "updated_at" not in columns
