"""The full-text index built after an import's first phase: queued, indexed in short steps,
resumed after a kill, and never corrupted by deleting or rewriting what is not indexed yet."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from desktop_app.domain import Session
from desktop_app.store import SessionQuery, list_sessions, open_db, save_sessions
from desktop_app.store.deletion import delete_all, delete_sessions
from desktop_app.store.indexing import (
    finish_index,
    index_complete,
    index_pending,
    index_progress,
)
from desktop_app.store.rules import strip_text
from desktop_app.store.sessions import search_snippet
from tests.factories import make_messages, make_session

#: A word only the secret session holds.
SECRET = "Xylophonequasarzest"


def _secret(n: int = 900, messages: int = 2, word: str = SECRET) -> Session:
    texts = [f"message {i} about {word} here" for i in range(messages)]
    return make_session(n, title=f"Plans for {word}", messages=make_messages(*texts))


def _found(db: Database, word: str) -> list[str]:
    return [row.id for row in list_sessions(db, SessionQuery(search=word))]


def _sound(db: Database) -> None:
    """Both indexes hold exactly what the content tables hold (FTS5's check against the
    content: it fails on an entry left behind, a missing one, or a 'delete' of text that was
    never indexed). Only valid once the index is complete and no session is kept without text.
    """
    assert index_complete(db)
    for table in ("sessions_fts", "messages_fts"):
        db.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")


def _raw_hits(db_path: Path, word: str = SECRET) -> int:
    needle = word.lower()[1:].encode()
    return sum(p.read_bytes().lower().count(needle)
               for p in (db_path, db_path.with_name(db_path.name + "-wal")) if p.exists())


def _others(db: Database, n: int = 30, *, index: bool = False) -> list[Session]:
    sessions = [make_session(i) for i in range(n)]
    save_sessions(db, sessions, index=index)
    return sessions


def test_queued_sessions_are_found_once_indexed_in_small_steps(db: Database) -> None:
    _others(db)
    save_sessions(db, [_secret(messages=7)], index=False)
    assert _found(db, SECRET) == []  # stored, browsable, not searchable yet
    assert index_progress(db) == (0, 67)
    steps = []
    while True:
        step = index_pending(db, batch=5)
        steps.append(step.messages)
        indexed, total = index_progress(db)
        assert indexed == sum(steps)
        assert total == 67
        if step.finished:
            break
    assert max(steps) <= 6
    assert len(steps) > 10
    assert _found(db, SECRET) == [_secret().id]
    assert _found(db, "sorting")
    assert len(_found(db, "sorting")) == 30
    assert search_snippet(db, _secret().id, SECRET) is not None
    assert index_progress(db) == (67, 67)
    _sound(db)


def test_a_long_session_is_searchable_as_far_as_it_is_indexed(db: Database) -> None:
    texts = [f"line {i} plain" for i in range(20)] + [f"late {SECRET}"]
    session = make_session(1, title="A long one", messages=make_messages(*texts))
    save_sessions(db, [session], index=False)
    index_pending(db, batch=10)
    assert _found(db, "plain") == [session.id]  # title and the first messages are in
    assert _found(db, SECRET) == []
    assert index_progress(db) == (10, 21)
    assert finish_index(db, batch=10)
    assert _found(db, SECRET) == [session.id]
    _sound(db)


@pytest.mark.parametrize("indexed_first", [0, 3, 100])
def test_deleting_sessions_not_yet_indexed_keeps_the_index_sound_and_the_text_gone(
        db: Database, db_path: Path, indexed_first: int) -> None:
    _others(db, index=True)
    save_sessions(db, [_secret(messages=8)], index=False)
    if indexed_first:  # partly indexed (3 messages), or whole
        index_pending(db, batch=indexed_first)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert _raw_hits(db_path) > 0
    delete_sessions(db, [_secret().id])
    assert _raw_hits(db_path) == 0
    assert finish_index(db)
    _sound(db)
    assert _found(db, SECRET) == []
    assert len(_found(db, "sorting")) == 30


@pytest.mark.parametrize("indexed_first", [0, 3, 100])
@pytest.mark.parametrize("index_again", [False, True])
def test_updating_sessions_not_yet_indexed_keeps_the_index_sound(
        db: Database, indexed_first: int, index_again: bool) -> None:
    _others(db)
    save_sessions(db, [_secret(messages=8)], index=False)
    if indexed_first:
        index_pending(db, batch=indexed_first)
    changed = _secret(messages=9, word="Quokkafandango")
    save_sessions(db, [changed], index=index_again)
    assert finish_index(db)
    _sound(db)
    assert _found(db, SECRET) == []
    assert _found(db, "Quokkafandango") == [changed.id]


def test_the_same_session_twice_in_one_call_is_indexed_once(db: Database) -> None:
    first, second = _secret(messages=2), _secret(messages=4, word="Quokkafandango")
    save_sessions(db, [first, second], index=False)
    assert finish_index(db)
    _sound(db)
    assert _found(db, SECRET) == []
    assert _found(db, "Quokkafandango") == [first.id]


@pytest.mark.parametrize("indexed_first", [0, 3])
def test_removing_text_not_yet_indexed_keeps_the_index_sound(
        db: Database, db_path: Path, indexed_first: int) -> None:
    _others(db)
    save_sessions(db, [_secret(messages=8)], index=False)
    if indexed_first:
        index_pending(db, batch=indexed_first)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    done, _ = strip_text(db, [_secret().id], lambda tool: f"{tool} session")
    assert done == 1
    assert _raw_hits(db_path) == 0
    assert finish_index(db)
    assert _found(db, SECRET) == []
    # The session kept without text is on purpose not in the index: check the others are.
    for table in ("sessions_fts", "messages_fts"):
        db.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 0)")
    assert db.conn.execute("SELECT count(*) FROM sessions_fts_docsize").fetchone()[0] == 30
    assert db.conn.execute("SELECT count(*) FROM messages_fts_docsize").fetchone()[0] == 60
    assert index_progress(db) == (60, 60)


def test_deleting_everything_empties_the_queue(db: Database) -> None:
    _others(db)
    index_pending(db, batch=7)
    delete_all(db)
    assert index_complete(db)
    _others(db, 5, index=True)
    _sound(db)


_KILLED_RUN = textwrap.dedent("""
    import os, signal, sys
    from desktop_app.store import open_db
    from desktop_app.store.indexing import finish_index

    db = open_db(sys.argv[1])
    steps = 0

    def progress(done):
        global steps
        steps += 1
        if steps == 3:
            os.kill(os.getpid(), signal.SIGKILL)

    finish_index(db, batch=4, progress=progress)
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_an_index_run_killed_between_batches_resumes(db: Database, db_path: Path) -> None:
    _others(db)
    save_sessions(db, [_secret(messages=5)], index=False)
    db.close()
    run = subprocess.run([sys.executable, "-c", _KILLED_RUN, str(db_path)],
                         cwd=Path(__file__).resolve().parents[2], check=False,
                         env={**os.environ, "PYTHONPATH": str(Path.cwd())})
    assert run.returncode == -signal.SIGKILL
    db = open_db(db_path)
    try:
        indexed, total = index_progress(db)
        assert (indexed, total) == (12, 65)  # three batches of four sessions' two messages
        assert not index_complete(db)
        assert finish_index(db)
        _sound(db)
        assert _found(db, SECRET) == [_secret().id]
    finally:
        db.close()


_OPS = st.lists(st.one_of(
    st.tuples(st.just("save"), st.integers(0, 4), st.integers(1, 6), st.booleans()),
    st.tuples(st.just("index"), st.integers(1, 7)),
    st.tuples(st.just("delete"), st.integers(0, 4)),
    st.tuples(st.just("strip"), st.integers(0, 4)),
), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=_OPS)
def test_any_mix_of_writes_and_partial_indexing_leaves_the_index_exact(
        tmp_path_factory: pytest.TempPathFactory, ops: list[tuple[Any, ...]]) -> None:
    path = tmp_path_factory.mktemp("mix") / "w.db"
    db = open_db(path)
    try:
        for op in ops:
            if op[0] == "save":  # a new or changed copy; indexed at once or queued
                _, n, length, now = op
                texts = [f"word{n} v{length} m{i}" for i in range(length)]
                save_sessions(db, [make_session(n, messages=make_messages(*texts))], index=now)
            elif op[0] == "index":
                index_pending(db, batch=op[1])
            elif op[0] == "delete":
                delete_sessions(db, [make_session(op[1]).id], tombstone=False)
            else:
                strip_text(db, [make_session(op[1]).id], lambda tool: f"{tool} session")
        assert finish_index(db, batch=3)
        for table in ("sessions_fts", "messages_fts"):
            db.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 0)")
        with_text = db.conn.execute("SELECT count(*) FROM sessions WHERE no_text = 0").fetchone()[0]
        messages = db.conn.execute(
            "SELECT count(*) FROM messages m JOIN sessions s ON s.key = m.session_key "
            "WHERE s.no_text = 0").fetchone()[0]
        assert db.conn.execute("SELECT count(*) FROM sessions_fts_docsize").fetchone()[0] == (
            with_text)
        assert db.conn.execute("SELECT count(*) FROM messages_fts_docsize").fetchone()[0] == (
            messages)
        # Every stored session with text is found by its own words, and only by those.
        for n in range(5):
            sid = make_session(n).id
            row = db.conn.execute("SELECT no_text, message_count FROM sessions WHERE id = ?",
                                  (sid,)).fetchone()
            expected = [sid] if row is not None and not row[0] and row[1] else []
            assert _found(db, f"word{n}") == expected
        if db.conn.execute("SELECT 1 FROM sessions WHERE no_text = 1").fetchone() is None:
            _sound(db)
    finally:
        db.close()
