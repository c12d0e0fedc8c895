"""The full-text index built after an import's first phase, in short steps that survive a quit.

An import stores sessions, messages, facts and tokens first (its first phase) and queues the
sessions it wrote here (``index_queue``, store migration 0015); :func:`index_pending` then adds
their titles and messages to the external-content indexes ``sessions_fts`` / ``messages_fts``
a small batch per transaction, so that the window and other writers never wait long for the
lock, and a crash or a quit loses at most the batch being written: the rest stays queued.

The queue says exactly what of a session is indexed, which is what an external-content index
needs: removing an entry means giving the text it was made from, and removing one that was
never added corrupts the index. A queued session's ``next_seq`` is NULL while nothing of it is
indexed (title neither); ``k`` when its title and its messages with ``seq < k`` are. A session
not queued, and not kept without text (``no_text``), is indexed whole. :func:`unindex` is the
one way to take sessions out of the indexes before their rows or text change; every writer
that removes or rewrites text goes through it (``deletion``, ``rules``, ``sessions``).

Searching reads the indexes as they are: it finds what is indexed so far
(:func:`index_progress` says how much that is).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlite_utils import Database

#: Messages added to the index per transaction by default: about 20–40 ms of work, so that a
#: rating made meanwhile waits no longer than that (see ``ui/indexing.py``).
BATCH_MESSAGES = 1000
#: Sessions looked at per transaction at most (most hold few messages).
_BATCH_SESSIONS = 200
#: Keys per statement.
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class IndexStep:
    """What one :func:`index_pending` call did: messages added, and whether the queue is empty."""

    messages: int
    finished: bool


def _marks(items: Sequence[object]) -> str:
    return ", ".join("?" for _ in items)


def enqueue(db: Database, keys: Iterable[int]) -> None:
    """Queue sessions just written (with text) for indexing; nothing of them is indexed yet.

    Inside the caller's transaction; the caller has taken out of the indexes whatever of the
    session's earlier text was in them (:func:`unindex`).
    """
    db.conn.executemany(
        "INSERT OR REPLACE INTO index_queue (session_key, next_seq) VALUES (?, NULL)",
        [(key,) for key in keys])


def unindex(db: Database, keys: Sequence[int]) -> None:
    """Take these sessions out of the full-text indexes, exactly as far as they are in them,
    and out of the queue; inside the caller's transaction, before their rows or text change.

    Sessions kept without text have no entries and are left alone. A queued session's text
    that was never indexed is never named in a 'delete' (that would corrupt the index).
    """
    conn = db.conn
    queued_any = conn.execute("SELECT 1 FROM index_queue LIMIT 1").fetchone() is not None
    for start in range(0, len(keys), _CHUNK):
        chunk = list(keys[start:start + _CHUNK])
        marks = _marks(chunk)
        if queued_any:
            rows = conn.execute(
                "SELECT s.key, q.session_key IS NOT NULL, q.next_seq FROM sessions s "
                "LEFT JOIN index_queue q ON q.session_key = s.key "
                f"WHERE s.no_text = 0 AND s.key IN ({marks})", chunk).fetchall()
            whole = [key for key, queued, _ in rows if not queued]
            partly = [(key, seq) for key, queued, seq in rows if queued and seq is not None]
        else:
            whole = [row[0] for row in conn.execute(
                f"SELECT key FROM sessions WHERE no_text = 0 AND key IN ({marks})", chunk)]
            partly = []
        titled = whole + [key for key, _ in partly]
        if titled:
            conn.execute(
                "INSERT INTO sessions_fts (sessions_fts, rowid, title) "
                f"SELECT 'delete', key, title FROM sessions WHERE key IN ({_marks(titled)})",
                titled)
        if whole:
            conn.execute(
                "INSERT INTO messages_fts (messages_fts, rowid, text) SELECT 'delete', id, "
                f"text FROM messages WHERE session_key IN ({_marks(whole)})", whole)
        for key, seq in partly:
            conn.execute(
                "INSERT INTO messages_fts (messages_fts, rowid, text) SELECT 'delete', id, "
                "text FROM messages WHERE session_key = ? AND seq < ?", (key, seq))
        if queued_any:
            conn.execute(f"DELETE FROM index_queue WHERE session_key IN ({marks})", chunk)


def index_now(db: Database, keys: Sequence[int]) -> None:
    """Index these sessions (just written, with text, not queued) whole, inside the caller's
    transaction: one statement per few hundred sessions."""
    conn = db.conn
    for start in range(0, len(keys), _CHUNK):
        chunk = list(keys[start:start + _CHUNK])
        marks = _marks(chunk)
        conn.execute("INSERT INTO sessions_fts (rowid, title) "
                     f"SELECT key, title FROM sessions WHERE key IN ({marks})", chunk)
        conn.execute("INSERT INTO messages_fts (rowid, text) "
                     f"SELECT id, text FROM messages WHERE session_key IN ({marks})", chunk)


def clear_queue(db: Database) -> None:
    """Forget the whole queue (every session is being deleted), in the caller's transaction."""
    db.conn.execute("DELETE FROM index_queue")


def index_pending(db: Database, batch: int = BATCH_MESSAGES) -> IndexStep:
    """Index about ``batch`` queued messages (at least one session's title or message), in
    one transaction of its own, oldest sessions first; a long session is indexed over several
    calls. Returns what was done; ``finished`` once nothing is queued."""
    conn = db.conn
    budget = max(1, batch)
    done = 0
    with db.atomic():
        rows = conn.execute(
            "SELECT q.session_key, q.next_seq, s.key IS NOT NULL AND s.no_text = 0 "
            "FROM index_queue q LEFT JOIN sessions s ON s.key = q.session_key "
            "ORDER BY q.session_key LIMIT ?", (_BATCH_SESSIONS,)).fetchall()
        complete: list[int] = []
        whole: list[int] = []  # sessions indexed whole here: one statement for all of them
        for key, next_seq, has_text in rows:
            if not has_text:  # gone, or kept without text since: nothing to index
                complete.append(key)
                continue
            start = 0 if next_seq is None else int(next_seq)
            # The seq of the first message left for a later call (None: all fit).
            row = conn.execute(
                "SELECT seq FROM messages WHERE session_key = ? AND seq >= ? ORDER BY seq "
                "LIMIT 1 OFFSET ?", (key, start, budget)).fetchone()
            if next_seq is None and row is None:
                whole.append(key)
                counted = conn.execute("SELECT count(*) FROM messages WHERE session_key = ?",
                                       (key,)).fetchone()[0]
                done += int(counted)
                budget -= int(counted)
                complete.append(key)
            else:
                if next_seq is None:
                    conn.execute("INSERT INTO sessions_fts (rowid, title) "
                                 "SELECT key, title FROM sessions WHERE key = ?", (key,))
                end_clause, args = ("", [key, start]) if row is None else (
                    " AND seq < ?", [key, start, int(row[0])])
                cursor = conn.execute(
                    "INSERT INTO messages_fts (rowid, text) SELECT id, text FROM messages "
                    f"WHERE session_key = ? AND seq >= ?{end_clause}", args)
                done += max(0, cursor.rowcount)
                budget -= max(0, cursor.rowcount)
                if row is None:
                    complete.append(key)
                else:
                    conn.execute("UPDATE index_queue SET next_seq = ? WHERE session_key = ?",
                                 (int(row[0]), key))
            if budget <= 0:
                break
        if whole:
            index_now(db, whole)
        for start in range(0, len(complete), _CHUNK):
            chunk = complete[start:start + _CHUNK]
            conn.execute(f"DELETE FROM index_queue WHERE session_key IN ({_marks(chunk)})",
                         chunk)
        finished = conn.execute("SELECT 1 FROM index_queue LIMIT 1").fetchone() is None
    return IndexStep(done, finished)


def index_complete(db: Database) -> bool:
    """True when nothing waits to be indexed (cheap)."""
    return db.conn.execute("SELECT 1 FROM index_queue LIMIT 1").fetchone() is None


def index_progress(db: Database) -> tuple[int, int]:
    """How many of the searchable messages are indexed, out of how many. ``(n, n)`` when
    complete. Sessions kept without text are not searchable and not counted."""
    conn = db.conn
    total = int(conn.execute("SELECT count(*) FROM messages").fetchone()[0])
    if conn.execute("SELECT 1 FROM sessions WHERE no_text = 1 LIMIT 1").fetchone() is not None:
        total -= int(conn.execute(
            "SELECT count(*) FROM messages WHERE session_key IN "
            "(SELECT key FROM sessions WHERE no_text = 1)").fetchone()[0])
    if index_complete(db):
        return total, total
    waiting = int(conn.execute(
        "SELECT count(*) FROM index_queue q JOIN sessions s ON s.key = q.session_key "
        "JOIN messages m ON m.session_key = q.session_key "
        "WHERE s.no_text = 0 AND m.seq >= coalesce(q.next_seq, 0)").fetchone()[0])
    return max(0, total - waiting), total


def finish_index(db: Database, *, batch: int = 20 * BATCH_MESSAGES,
                 cancel: Callable[[], bool] | None = None,
                 progress: Callable[[int], None] | None = None) -> bool:
    """Index everything queued (:func:`index_pending` until done), in transactions of about
    ``batch`` messages; stops between two of them once ``cancel()`` says so. ``progress`` gets
    the messages indexed so far. Returns True when the index is complete."""
    if index_complete(db):
        return True
    done = 0
    while True:
        if cancel is not None and cancel():
            return False
        step = index_pending(db, batch)
        done += step.messages
        if progress is not None:
            progress(done)
        if step.finished:
            return True
