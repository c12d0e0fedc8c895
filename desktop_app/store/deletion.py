"""Deleting sessions for good, and the tombstones that keep them deleted.

A deleted session loses its row, its messages, its rows in both full-text indexes, its rating,
labels, reason and note, its place in Reflect's samples and a parser's saved state of it. Its
text is really gone from the file: ``PRAGMA secure_delete`` overwrites freed space with zeros,
the full-text indexes are merged (``optimize``) so that no segment keeps its words, and the
write-ahead log is checkpointed and truncated, so no old copy of a page lingers in ``-wal``.

Its id stays as a tombstone: an import never stores a tombstoned session again (see
:func:`desktop_app.store.sessions.save_sessions`) until the user forgets the tombstones.
Backups the user made are their own copies and are not touched.

:func:`erase` is the one way text leaves the database for good: deleting sessions, applying an
import rule (:mod:`.rules`) and an import that removes stored text under a no-text rule use it
or its pieces (:func:`secure_delete`, :func:`purge_fts`, :func:`clear_wal`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from sqlite_utils import Database

from desktop_app.domain import utc_iso
from desktop_app.store.indexing import clear_queue, unindex

#: Ids are looked up and deleted this many at a time (SQLite's limit on ``?`` is higher).
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class DeletionCount:
    """What a deletion removes (or removed): sessions, and how many of them the user had rated
    (a verdict, minutes, labels, a reason or a note)."""

    sessions: int = 0
    ratings: int = 0


@dataclass(frozen=True, slots=True)
class DeletionResult:
    """What a deletion did. ``wal_cleared`` is False when another connection kept SQLite from
    truncating the write-ahead log at once (it is then cleared at the next checkpoint)."""

    sessions: int
    ratings: int
    wal_cleared: bool


#: The part of a deletion that runs inside its transaction.
_Work = Callable[[], DeletionCount]


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def _marks(items: Sequence[object]) -> str:
    return ", ".join("?" for _ in items)


# --- what would go ---------------------------------------------------------------------------

_RATED = ("(EXISTS (SELECT 1 FROM ratings r WHERE r.session_id = s.id) "
          "OR EXISTS (SELECT 1 FROM session_labels l WHERE l.session_id = s.id))")


def count_sessions_to_delete(db: Database, session_ids: Sequence[str]) -> DeletionCount:
    """How many of these (full) ids are stored sessions, and how many of those are rated."""
    ids = list(dict.fromkeys(session_ids))
    sessions = ratings = 0
    for chunk in _chunks(ids):
        n, rated = db.conn.execute(
            f"SELECT count(*), coalesce(sum({_RATED}), 0) FROM sessions s "
            f"WHERE s.id IN ({_marks(chunk)})", list(chunk)).fetchone()
        sessions += int(n)
        ratings += int(rated)
    return DeletionCount(sessions, ratings)


def count_source_to_delete(db: Database, source: str) -> DeletionCount:
    """How many sessions of ``source`` there are, and how many of them are rated."""
    n, rated = db.conn.execute(
        f"SELECT count(*), coalesce(sum({_RATED}), 0) FROM sessions s WHERE s.source = ?",
        (source,)).fetchone()
    return DeletionCount(int(n), int(rated))


def count_all_to_delete(db: Database) -> DeletionCount:
    """How many sessions there are, and how many of them are rated."""
    n, rated = db.conn.execute(
        f"SELECT count(*), coalesce(sum({_RATED}), 0) FROM sessions s").fetchone()
    return DeletionCount(int(n), int(rated))


def sources_with_sessions(db: Database) -> dict[str, int]:
    """Sessions per source (only sources that have some), most first."""
    rows = db.conn.execute(
        "SELECT source, count(*) AS n FROM sessions GROUP BY source ORDER BY n DESC, source")
    return {str(source): int(n) for source, n in rows}


def counts_by_source(db: Database) -> dict[str, DeletionCount]:
    """Sessions per source and how many of them are rated (what deleting that source's
    sessions would remove), most sessions first."""
    # Two passes, not _RATED per session: the rated ones are found from the (few) ratings,
    # four times faster at 100k sessions.
    rated = dict(db.conn.execute(
        "SELECT s.source, count(*) FROM sessions s WHERE s.id IN "
        "(SELECT session_id FROM ratings UNION SELECT session_id FROM session_labels) "
        "GROUP BY s.source").fetchall())
    return {str(source): DeletionCount(int(n), int(rated.get(source, 0)))
            for source, n in db.conn.execute(
                "SELECT source, count(*) AS n FROM sessions GROUP BY source "
                "ORDER BY n DESC, source")}


# --- deleting --------------------------------------------------------------------------------

def delete_sessions(db: Database, session_ids: Sequence[str], *,
                    tombstone: bool = True) -> DeletionResult:
    """Delete these sessions (full ids; unknown ones are ignored) and tombstone them.

    ``tombstone=False`` remembers nothing: applying a skip rule deletes the sessions it
    matches, and the rule (not a tombstone) keeps them out while it exists.
    """
    ids = list(dict.fromkeys(session_ids))
    return _delete(db, lambda: _delete_ids(db, ids, tombstone=tombstone))


def delete_source(db: Database, source: str) -> DeletionResult:
    """Delete every session of ``source`` and tombstone them."""
    def work() -> DeletionCount:
        ids = [row[0] for row in db.conn.execute(
            "SELECT id FROM sessions WHERE source = ?", (source,))]
        return _delete_ids(db, ids)
    return _delete(db, work)


def delete_all(db: Database) -> DeletionResult:
    """Delete every session with its rating, and tombstone them all.

    Labels and reasons stay on their lists (they are the user's vocabulary, not session data);
    the import log keeps which files were imported (paths, counts: no text).
    """
    return _delete(db, lambda: _delete_everything(db))


def _delete(db: Database, work: _Work) -> DeletionResult:
    done, wal_cleared = erase(db, work, lambda count: count.sessions > 0)
    return DeletionResult(done.sessions, done.ratings, wal_cleared)


# --- "really gone": the one way text leaves the database ---------------------------------------

_T = TypeVar("_T")


def erase(db: Database, work: Callable[[], _T], removed: Callable[[_T], bool]
          ) -> tuple[_T, bool]:
    """Run ``work`` (which removes text) so that the text is really gone from the file.

    ``work`` runs in one transaction with ``secure_delete`` on (see :func:`secure_delete`);
    when ``removed(result)`` says it removed anything, the full-text indexes are merged
    (:func:`purge_fts`) in that transaction and the write-ahead log is emptied afterwards
    (:func:`clear_wal`). Returns what ``work`` returned and whether the log was emptied.
    Deleting sessions and applying an import rule both go through here.
    """
    with secure_delete(db), db.atomic():
        done = work()
        if removed(done):
            purge_fts(db)
    return done, clear_wal(db) if removed(done) else True


@contextmanager
def secure_delete(db: Database) -> Iterator[None]:
    """``PRAGMA secure_delete`` on this connection while the block runs: SQLite overwrites
    what it frees (deleted rows, shortened text, pages) with zeros instead of leaving it in
    free space. The connection's own setting comes back afterwards."""
    conn = db.conn
    previous = int(conn.execute("PRAGMA secure_delete").fetchone()[0])
    conn.execute("PRAGMA secure_delete = ON")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA secure_delete = {previous}")


def purge_fts(db: Database) -> None:
    """Merge both full-text indexes into one segment each (inside the caller's transaction).

    The 'delete' commands of an external-content index only add delete markers: the words
    stay in older segments until those are merged. Merging everything drops them (and
    :func:`secure_delete` zeroes the pages freed).
    """
    for table in ("sessions_fts", "messages_fts"):
        db.conn.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")


#: How long emptying the write-ahead log waits for readers to finish their snapshots.
CHECKPOINT_WAIT_MS = 1000


def clear_wal(db: Database) -> bool:
    """Copy the write-ahead log into the database and truncate it to nothing, so that no old
    version of a page stays in ``-wal``. False when a reader kept it from finishing within
    :data:`CHECKPOINT_WAIT_MS` (the log is then emptied at a later checkpoint): the deletion is
    done either way, and a reader holding its snapshot must not keep it waiting for minutes."""
    conn = db.conn
    previous = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
    conn.execute(f"PRAGMA busy_timeout = {min(previous, CHECKPOINT_WAIT_MS)}")
    try:
        row = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        conn.execute(f"PRAGMA busy_timeout = {previous}")
    return row is None or int(row[0]) == 0


def _tombstone(db: Database, rows: Iterable[tuple[str, str]]) -> None:
    now = utc_iso(datetime.now(UTC))
    db.conn.executemany(
        "INSERT INTO tombstones (session_id, source, deleted_at) VALUES (?, ?, ?) "
        "ON CONFLICT(session_id) DO UPDATE SET deleted_at = excluded.deleted_at",
        [(sid, source, now) for sid, source in rows])


def _delete_ids(db: Database, ids: Sequence[str], *, tombstone: bool = True
                ) -> DeletionCount:
    conn = db.conn
    counted = count_sessions_to_delete(db, ids)
    for chunk in _chunks(ids):
        marks = _marks(chunk)
        found = conn.execute(
            f"SELECT key, id, source FROM sessions WHERE id IN ({marks})",
            list(chunk)).fetchall()
        if not found:
            continue
        keys = [row[0] for row in found]
        present = [row[1] for row in found]
        keymarks, idmarks = _marks(keys), _marks(present)
        # External-content indexes: each entry is removed by giving the text it was made from,
        # and only entries that were made (a session kept without text has none, one still
        # queued for indexing none or some): removing one it lacks would corrupt the index.
        unindex(db, keys)
        conn.execute(f"DELETE FROM messages WHERE session_key IN ({keymarks})", keys)
        for table in ("ratings", "session_labels", "reflect_samples", "session_states",
                      "commit_evidence", "session_activity"):
            conn.execute(f"DELETE FROM {table} WHERE session_id IN ({idmarks})", present)
        conn.execute(f"DELETE FROM sessions WHERE key IN ({keymarks})", keys)
        if tombstone:
            _tombstone(db, [(row[1], row[2]) for row in found])
    return counted


def _delete_everything(db: Database) -> DeletionCount:
    conn = db.conn
    counted = count_all_to_delete(db)
    _tombstone(db, [(str(sid), str(source))
                    for sid, source in conn.execute("SELECT id, source FROM sessions")])
    for table in ("sessions_fts", "messages_fts"):
        conn.execute(f"INSERT INTO {table} ({table}) VALUES ('delete-all')")
    clear_queue(db)
    # Ratings and labels of every session go too, including any left without a session.
    for table in ("messages", "ratings", "session_labels", "reflect_samples",
                  "session_states", "commit_evidence", "session_activity", "sessions"):
        conn.execute(f"DELETE FROM {table}")
    return counted


# --- tombstones --------------------------------------------------------------------------------

def count_tombstones(db: Database) -> int:
    """How many deleted sessions are remembered."""
    return int(db.conn.execute("SELECT count(*) FROM tombstones").fetchone()[0])


def tombstones_by_source(db: Database) -> dict[str, int]:
    """Remembered deleted sessions per source, most first."""
    rows = db.conn.execute(
        "SELECT source, count(*) AS n FROM tombstones GROUP BY source ORDER BY n DESC, source")
    return {str(source): int(n) for source, n in rows}


def tombstoned(db: Database, session_ids: Iterable[str]) -> set[str]:
    """The ids among ``session_ids`` that were deleted and are remembered (cheap when none
    are)."""
    ids = list(session_ids)
    if not ids or not has_tombstones(db):
        return set()
    found: set[str] = set()
    for chunk in _chunks(ids):
        found.update(str(row[0]) for row in db.conn.execute(
            f"SELECT session_id FROM tombstones WHERE session_id IN ({_marks(chunk)})",
            list(chunk)))
    return found


def has_tombstones(db: Database) -> bool:
    """True when any deleted session is remembered."""
    return db.conn.execute("SELECT 1 FROM tombstones LIMIT 1").fetchone() is not None


def forget_tombstones(db: Database) -> int:
    """Forget every deleted session, so that importing it again stores it again; returns how
    many were forgotten.

    Files that held a forgotten session are forgotten too (their remembered size and offset),
    so the next import reads them in full instead of taking them as unchanged.
    """
    with db.atomic():
        db.conn.execute(
            "DELETE FROM file_states WHERE EXISTS (SELECT 1 FROM json_each(file_states.sessions) "
            "j JOIN tombstones t ON t.session_id = j.value)")
        return int(db.conn.execute("DELETE FROM tombstones").rowcount)
