"""The token split (uncached input, cache write, cache read) is stored and read back, and it
is part of what makes a session changed."""

from __future__ import annotations

from dataclasses import replace

from sqlite_utils import Database

from desktop_app.domain import Session, parse_utc
from desktop_app.store import get_session, save_sessions
from desktop_app.store.rules import stored_session

T = "2026-03-02T09:00:00Z"


def _session(tokens_uncached: int | None = None, tokens_cache_write: int | None = None,
             tokens_cache_read: int | None = None) -> Session:
    return Session(source="claude-code", external_id="s-1", title="split", started_at=parse_utc(T),
                   model="claude-sonnet-4-5", tokens_in=19_123, tokens_out=420,
                   tokens_uncached=tokens_uncached, tokens_cache_write=tokens_cache_write,
                   tokens_cache_read=tokens_cache_read)


def test_the_split_is_stored_and_read_back(db: Database) -> None:
    session = _session(tokens_uncached=3, tokens_cache_write=5_120, tokens_cache_read=14_000)
    save_sessions(db, [session])
    row = get_session(db, session.id)
    assert (row.tokens_in, row.tokens_uncached, row.tokens_cache_write,
            row.tokens_cache_read, row.tokens_out) == (19_123, 3, 5_120, 14_000, 420)
    key = db.conn.execute("SELECT key FROM sessions").fetchone()[0]
    assert stored_session(db, key).content_hash() == session.content_hash()


def test_a_session_without_a_split_reads_back_nulls(db: Database) -> None:
    session = _session()
    save_sessions(db, [session])
    row = get_session(db, session.id)
    assert (row.tokens_uncached, row.tokens_cache_write, row.tokens_cache_read) == (
        None, None, None)


def test_a_changed_split_updates_the_session(db: Database) -> None:
    first = _session(tokens_uncached=3, tokens_cache_write=5_120, tokens_cache_read=14_000)
    assert save_sessions(db, [first]).new == 1
    assert save_sessions(db, [first]).unchanged == 1
    moved = replace(first, tokens_cache_write=0, tokens_cache_read=19_120)
    assert save_sessions(db, [moved]).updated == 1
    assert get_session(db, first.id).tokens_cache_read == 19_120
