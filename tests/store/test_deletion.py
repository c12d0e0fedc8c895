"""Deleting sessions: every trace goes (rows, index, rating, the text's bytes); the id stays a
tombstone."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from desktop_app.domain import Rating, Session, Verdict
from desktop_app.store import (
    SessionNotFoundError,
    SessionQuery,
    count_sessions,
    get_rating,
    get_session,
    list_sessions,
    save_sessions,
    set_rating,
)
from desktop_app.store.deletion import (
    DeletionCount,
    count_all_to_delete,
    count_sessions_to_delete,
    count_source_to_delete,
    count_tombstones,
    delete_all,
    delete_sessions,
    delete_source,
    forget_tombstones,
    has_tombstones,
    sources_with_sessions,
    tombstoned,
    tombstones_by_source,
)
from desktop_app.store.files import (
    FileState,
    load_file_states,
    save_file_states,
    save_session_state,
)
from desktop_app.store.reflect import save_sample, stored_sample
from desktop_app.store.sessions import Outcome
from tests.factories import make_messages, make_session

#: Written in a session's title and messages; no other session holds a word like it.
SECRET = "Xylophonequasarzest"


def _secret_session(n: int = 900, source: str = "chatgpt") -> Session:
    return make_session(n, source=source, title=f"Plans for {SECRET}",
                        messages=make_messages(f"tell me about {SECRET} please",
                                               f"{SECRET} stays between us"))


def _raw_hits(db_path: Path) -> dict[str, int]:
    """How often the secret's letters occur in the database file and its -wal.

    Matched in lower case and without its first letter: the search index stores words lower
    cased, and may share a word's first letters with the word before it.
    """
    needle = SECRET.lower()[1:].encode()
    hits = {}
    for suffix in ("", "-wal"):
        path = db_path.with_name(db_path.name + suffix)
        hits[suffix or "db"] = path.read_bytes().lower().count(needle) if path.exists() else 0
    return hits


def _filled(db: Database, n: int = 60) -> list[str]:
    """Sessions around the secret one, so the index has many words and pages."""
    before = [make_session(i) for i in range(n)]
    after = [make_session(i, source="claude-ai") for i in range(n, 2 * n)]
    save_sessions(db, before)
    save_sessions(db, [_secret_session()])
    save_sessions(db, after)
    return [s.id for s in before + after]


def _secret_id() -> str:
    return _secret_session().id


def test_delete_removes_every_row_keyed_by_the_session(db: Database) -> None:
    others = _filled(db, 5)
    sid = _secret_id()
    set_rating(db, sid, Rating(Verdict.USEFUL, minutes_saved=5, labels=("coding",),
                               reason=None, note="keep this private"))
    save_sample(db, "2026-11-16", 10, [others[0], sid])
    save_session_state(db, sid, "1", {"offset": 3})
    key = db.conn.execute("SELECT key FROM sessions WHERE id = ?", (sid,)).fetchone()[0]

    result = delete_sessions(db, [sid])

    assert (result.sessions, result.ratings, result.wal_cleared) == (1, 1, True)
    with pytest.raises(SessionNotFoundError):
        get_session(db, sid)
    assert db.conn.execute("SELECT count(*) FROM messages WHERE session_key = ?",
                           (key,)).fetchone()[0] == 0
    for table in ("ratings", "session_labels", "reflect_samples", "session_states"):
        assert db.conn.execute(f"SELECT count(*) FROM {table} WHERE session_id = ?",
                               (sid,)).fetchone()[0] == 0, table
    assert get_rating(db, sid) == Rating()
    assert stored_sample(db, "2026-11-16", 10) == [others[0]]
    assert list_sessions(db, SessionQuery(search=SECRET)) == []
    assert list_sessions(db, SessionQuery(search="Plans")) == []
    # The search index holds no entry for it (an integrity check would fail on a stale one).
    db.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")
    db.execute("INSERT INTO sessions_fts (sessions_fts, rank) VALUES ('integrity-check', 1)")
    # The others are untouched, and still found.
    assert count_sessions(db) == len(others)
    assert len(list_sessions(db, SessionQuery(search="sorting"))) == len(others)
    assert tombstoned(db, [sid, *others]) == {sid}
    assert not db.conn.in_transaction


def test_text_is_gone_from_the_file_and_its_wal(db: Database, db_path: Path) -> None:
    _filled(db)
    hits = _raw_hits(db_path)
    assert sum(hits.values()) > 0  # the test can see the secret while it is stored
    delete_sessions(db, [_secret_id()])
    assert _raw_hits(db_path) == {"db": 0, "-wal": 0}
    db.close()  # closing checkpoints again: still nothing
    assert _raw_hits(db_path) == {"db": 0, "-wal": 0}


def test_text_is_gone_after_a_checkpoint_put_it_into_the_file(db: Database,
                                                             db_path: Path) -> None:
    _filled(db)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert _raw_hits(db_path)["db"] > 0  # in the main file now, not just the log
    delete_sessions(db, [_secret_id()])
    assert _raw_hits(db_path) == {"db": 0, "-wal": 0}


@pytest.mark.parametrize("how", ["source", "all"])
def test_text_is_gone_after_deleting_a_tool_or_everything(db: Database, db_path: Path,
                                                          how: str) -> None:
    _filled(db)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    result = delete_source(db, "chatgpt") if how == "source" else delete_all(db)
    assert result.sessions == (61 if how == "source" else 121)
    assert _raw_hits(db_path) == {"db": 0, "-wal": 0}
    assert {r.source for r in list_sessions(db)} == ({"claude-ai"} if how == "source" else set())


def test_counts_name_sessions_and_ratings(db: Database) -> None:
    ids = _filled(db, 3)
    set_rating(db, ids[0], Rating(Verdict.USEFUL))
    set_rating(db, ids[1], Rating(note="just a note, no verdict"))  # a rating all the same
    set_rating(db, ids[4], Rating(labels=("coding",)))  # labels only: a claude-ai session
    assert count_sessions_to_delete(db, [ids[0], ids[2], "nope", ids[0]]) == DeletionCount(2, 1)
    assert count_source_to_delete(db, "chatgpt") == DeletionCount(4, 2)
    assert count_source_to_delete(db, "codex") == DeletionCount(0, 0)
    assert count_all_to_delete(db) == DeletionCount(7, 3)
    assert sources_with_sessions(db) == {"chatgpt": 4, "claude-ai": 3}


def test_unknown_ids_delete_nothing_and_leave_no_tombstone(db: Database) -> None:
    _filled(db, 2)
    result = delete_sessions(db, ["0123456789abcdef"])
    assert (result.sessions, result.ratings) == (0, 0)
    assert count_sessions(db) == 5
    assert not has_tombstones(db)


def test_a_tombstoned_session_is_never_saved_again(db: Database) -> None:
    ids = _filled(db, 2)
    secret = _secret_session()
    delete_sessions(db, [_secret_id()])
    counts = save_sessions(db, [make_session(0), secret, make_session(77)])
    assert (counts.new, counts.unchanged, counts.deleted_earlier) == (1, 1, 1)
    assert counts.outcomes == [Outcome.UNCHANGED, Outcome.DELETED_EARLIER, Outcome.NEW]
    assert count_sessions(db) == len(ids) + 1


def test_tombstones_remember_the_source_and_can_be_forgotten(db: Database) -> None:
    ids = _filled(db, 2)
    delete_sessions(db, [ids[0], ids[-1]])
    assert count_tombstones(db) == 2
    assert tombstones_by_source(db) == {"chatgpt": 1, "claude-ai": 1}
    assert forget_tombstones(db) == 2
    assert count_tombstones(db) == 0
    assert save_sessions(db, [make_session(0)]).new == 1  # it comes back


def test_forgetting_forgets_the_files_that_held_them(db: Database) -> None:
    ids = _filled(db, 2)
    save_file_states(db, [
        FileState("/a.json", "chatgpt", "whole:1", 10, 1, 10, (ids[0], ids[1])),
        FileState("/b.jsonl", "claude-code", "1", 10, 1, 10, (ids[2],)),
    ])
    delete_sessions(db, [ids[0]])
    assert set(load_file_states(db)) == {"/a.json", "/b.jsonl"}  # kept while deleted
    forget_tombstones(db)
    assert set(load_file_states(db)) == {"/b.jsonl"}  # read again in full next time


def test_delete_all_keeps_labels_and_the_import_log(db: Database) -> None:
    ids = _filled(db, 2)
    set_rating(db, ids[0], Rating(Verdict.USEFUL, labels=("coding",)))
    labels = db.conn.execute("SELECT count(*) FROM labels").fetchone()[0]
    result = delete_all(db)
    assert (result.sessions, result.ratings) == (5, 1)
    assert count_sessions(db) == 0
    assert count_tombstones(db) == 5
    for table in ("messages", "ratings", "session_labels"):
        assert db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    assert db.conn.execute("SELECT count(*) FROM labels").fetchone()[0] == labels
    # The indexes are empty and consistent.
    for table in ("sessions_fts", "messages_fts"):
        db.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")
    assert save_sessions(db, [make_session(0)]).deleted_earlier == 1


def test_a_failed_delete_changes_nothing(db: Database,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.store import deletion

    ids = _filled(db, 2)
    before = list(db.conn.iterdump())
    db.execute("PRAGMA secure_delete = OFF")  # the default of many SQLite builds

    def broken(db: Database, rows: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(deletion, "_tombstone", broken)
    with pytest.raises(RuntimeError):
        delete_sessions(db, ids[:2])
    assert list(db.conn.iterdump()) == before
    # secure_delete is back to what the connection had.
    assert db.execute("PRAGMA secure_delete").fetchone()[0] == 0


@pytest.mark.parametrize("around", [16, 23, 37, 44, 60, 100])
def test_text_is_gone_where_sqlite_does_not_zero_freed_space_by_default(
        tmp_path: Path, around: int) -> None:
    """Some builds zero freed space by default; many do not. Where they do not, a page split
    while sessions are stored leaves copies of the cells it moved in free space, which no
    deletion reaches (with most of these sizes the secret survived its deletion): so every
    connection the store opens zeroes freed space, whatever the build's default."""
    from desktop_app.store import open_db
    from desktop_app.store.db import _configure

    path = tmp_path / f"around-{around}.db"
    db = open_db(path)
    db.execute("PRAGMA secure_delete = OFF")  # as such a build opens a connection
    _configure(db)  # what open_db does with each
    assert db.execute("PRAGMA secure_delete").fetchone()[0] == 1
    _filled(db, around)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    delete_sessions(db, [_secret_id()])
    assert _raw_hits(path) == {"db": 0, "-wal": 0}
    db.close()




def test_a_reader_can_delay_emptying_the_wal_but_not_the_deletion(db: Database,
                                                                  db_path: Path) -> None:
    import sqlite3

    from desktop_app.store.deletion import clear_wal

    _filled(db)
    reader = sqlite3.connect(db_path)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM messages").fetchone()  # holds its snapshot
        db.execute("PRAGMA busy_timeout = 0")  # do not wait for it
        result = delete_sessions(db, [_secret_id()])
        assert (result.sessions, result.wal_cleared) == (1, False)
        assert _raw_hits(db_path)["db"] == 0
        reader.rollback()
    finally:
        reader.close()
    assert clear_wal(db)
    assert _raw_hits(db_path) == {"db": 0, "-wal": 0}
