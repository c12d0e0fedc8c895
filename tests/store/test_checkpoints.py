"""An import's first phase leaves the write-ahead log to be copied into the database file
later (a commit that copies 120 MB would keep the sessions from showing for 0.3 s); the copy
is then made on a thread of its own while the second phase runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop_app.store import count_sessions, open_db, save_sessions
from desktop_app.store.db import checkpoint_meanwhile, checkpoints_deferred
from tests.factories import make_messages, make_session


def _rows_in_the_file_itself(path: Path) -> int:
    """Sessions in the database file, the write-ahead log left out (``immutable`` reads the
    file as it is)."""
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM sessions").fetchone()[0])
    finally:
        conn.close()


def test_a_deferred_checkpoint_is_made_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    db = open_db(path)
    save_sessions(db, [make_session(0)])
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert _rows_in_the_file_itself(path) == 1
    with checkpoints_deferred(db):
        # ~8 MB: more than the 1,000 pages after which a commit would copy the log
        save_sessions(db, [make_session(i, messages=make_messages("a" * 10_000, "b" * 10_000))
                           for i in range(1, 400)])
        assert int(db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]) == 0
    assert int(db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]) == 1000
    other = open_db(path)
    assert count_sessions(other) == 400  # committed: every connection sees them
    other.close()
    assert _rows_in_the_file_itself(path) == 1  # but only in the log so far
    with checkpoint_meanwhile(db):
        save_sessions(db, [make_session(400)])  # writing meanwhile is fine
    assert _rows_in_the_file_itself(path) >= 400
    assert count_sessions(db) == 401
    db.close()
