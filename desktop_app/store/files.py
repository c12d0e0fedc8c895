"""What incremental imports remember: files read (size, mtime, offset) and per-session states."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from desktop_app.domain import utc_iso


@dataclass(frozen=True, slots=True)
class FileState:
    """One log file as the last import left it."""

    path: str
    source: str
    parser_version: str
    size: int
    mtime_ns: int
    offset: int
    sessions: tuple[str, ...] = ()
    #: An export file's CRC-32 (see store migration 0019), None where not taken.
    content_crc: int | None = None


def load_file_states(db: Database, under: str | None = None) -> dict[str, FileState]:
    """Remembered files, keyed by path (only those whose path starts with ``under``)."""
    sql = ("SELECT path, source, parser_version, size, mtime_ns, offset, sessions, content_crc "
           "FROM file_states")
    args: list[str] = []
    if under:
        # A range scan on the primary key: every path that starts with ``under``.
        sql += " WHERE path >= ? AND path < ?"
        args = [under, under + "\U0010ffff"]
    states: dict[str, FileState] = {}
    for path, source, version, size, mtime_ns, offset, sessions, crc in db.conn.execute(sql,
                                                                                      args):
        try:
            ids = tuple(str(s) for s in json.loads(sessions))
        except (ValueError, TypeError):
            ids = ()
        states[path] = FileState(path, source, version, size, mtime_ns, offset, ids, crc)
    return states


def load_file_head(db: Database, path: str) -> FileState | None:
    """A remembered file without its sessions (an export's may be a million ids): see
    :func:`remembered_counts`."""
    row = db.conn.execute("SELECT path, source, parser_version, size, mtime_ns, offset, "
                          "content_crc FROM file_states WHERE path = ?", (path,)).fetchone()
    return None if row is None else FileState(row[0], row[1], row[2], row[3], row[4], row[5],
                                              content_crc=row[6])


def restamp_file(db: Database, path: str, mtime_ns: int) -> None:
    """A remembered file found unchanged under a new mtime: remember that mtime (the next look
    needs no reading). Joins the caller's transaction, if any."""
    with db.atomic():
        db.conn.execute("UPDATE file_states SET mtime_ns = ? WHERE path = ?", (mtime_ns, path))


def remembered_counts(db: Database, path: str) -> tuple[int, int, int]:
    """Of the sessions a remembered file holds: how many, how many the user deleted (a
    tombstone) and how many are stored; counted by SQLite, the ids never in Python."""
    row = db.conn.execute(
        "WITH ids(id) AS (SELECT DISTINCT j.value FROM file_states f, "
        "json_each(f.sessions) j WHERE f.path = ?) "
        "SELECT (SELECT count(*) FROM ids), "
        "(SELECT count(*) FROM ids JOIN tombstones t ON t.session_id = ids.id), "
        "(SELECT count(*) FROM ids JOIN sessions s ON s.id = ids.id)", (path,)).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def save_file_states(db: Database, states: Iterable[FileState]) -> None:
    """Remember files as read now (joins the caller's transaction, if any)."""
    now = utc_iso(datetime.now(UTC))
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO file_states (path, source, parser_version, size, mtime_ns, offset,"
            " sessions, imported_at, content_crc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(path) DO UPDATE "
            "SET source = excluded.source, parser_version = excluded.parser_version, "
            "size = excluded.size, mtime_ns = excluded.mtime_ns, offset = excluded.offset, "
            "sessions = excluded.sessions, imported_at = excluded.imported_at, "
            "content_crc = excluded.content_crc",
            [(s.path, s.source, s.parser_version, s.size, s.mtime_ns, s.offset,
              json.dumps(sorted(s.sessions)), now, s.content_crc) for s in states],
        )


def load_session_state(db: Database, session_id: str, parser_version: str
                       ) -> dict[str, Any] | None:
    """A parser's saved state of a session, or None (also when another parser version wrote it)."""
    row = db.conn.execute(
        "SELECT parser_version, state FROM session_states WHERE session_id = ?", (session_id,)
    ).fetchone()
    if row is None or row[0] != parser_version:
        return None
    try:
        state = json.loads(row[1])
    except ValueError:
        return None
    return state if isinstance(state, dict) else None


def save_session_state(db: Database, session_id: str, parser_version: str,
                       state: dict[str, Any], *, holds_text: bool = True) -> None:
    """Remember a parser's state of a session (joins the caller's transaction, if any).

    Not for a session the user deleted (a tombstone), nor, unless ``holds_text`` is False
    (the parser promises the state holds none of its text), for one stored without text (an
    import rule): a state may hold some of its text (a first prompt, a title), which must not
    come (back) into the database.
    """
    with db.atomic():
        if db.conn.execute("SELECT 1 FROM tombstones WHERE session_id = ? UNION ALL "
                           "SELECT 1 FROM sessions WHERE id = ? AND no_text = 1 AND ?",
                           (session_id, session_id, holds_text)).fetchone() is not None:
            return
        db.conn.execute(
            "INSERT INTO session_states (session_id, parser_version, state) VALUES (?, ?, ?) "
            "ON CONFLICT(session_id) DO UPDATE SET parser_version = excluded.parser_version, "
            "state = excluded.state",
            (session_id, parser_version, json.dumps(state, separators=(",", ":"))),
        )
