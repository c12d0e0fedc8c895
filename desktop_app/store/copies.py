"""The copies of sessions met by the import of one path, in a TEMP table of its connection.

An import counts every copy of a session a path brings once, and lists the older ones (see
``desktop_app.ingest.batches``). What it decided for each session met so far lives here rather
than in Python, so that an export of a million conversations costs the import disk pages, not
memory. The table is part of the path's transaction: a member rolled back (a savepoint) takes
its rows with it, and so does a path that fails. One row a session: the copy kept of it (see
``ingest.pathrun.Kept``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlite_utils import Database

from desktop_app.domain import utc_iso
from desktop_app.store.files import FileState

#: A row: id, outcome, counted, messages, label, where.
CopyRow = tuple[str, str, int, int, str | None, str | None]

_TABLE = "temp.import_copies"
_CHUNK = 500


def open_copies(db: Database) -> None:
    """An empty table for the path about to be imported (inside its transaction)."""
    with db.atomic():
        db.conn.execute(f"DROP TABLE IF EXISTS {_TABLE}")
        db.conn.execute(f"CREATE TABLE {_TABLE} (id TEXT PRIMARY KEY, outcome TEXT NOT NULL, "
                        "counted INTEGER NOT NULL, messages INTEGER NOT NULL, label TEXT, "
                        "place TEXT)")


def close_copies(db: Database) -> None:
    """Drop the table (its pages go back to the temporary file's free list)."""
    with db.atomic():
        db.conn.execute(f"DROP TABLE IF EXISTS {_TABLE}")


def load_copies(db: Database, ids: Sequence[str]) -> dict[str, CopyRow]:
    """The rows of these ids that are there."""
    found: dict[str, CopyRow] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        marks = ", ".join("?" for _ in chunk)
        for row in db.conn.execute(f"SELECT id, outcome, counted, messages, label, place "
                                   f"FROM {_TABLE} WHERE id IN ({marks})", chunk):
            found[row[0]] = row
    return found


def save_copies(db: Database, rows: Iterable[CopyRow]) -> None:
    """Write rows (replacing those of the same ids)."""
    with db.atomic():
        db.conn.executemany(f"INSERT OR REPLACE INTO {_TABLE} VALUES (?, ?, ?, ?, ?, ?)", rows)


def any_copies(db: Database) -> bool:
    """True when any copy is kept (and was not rolled back)."""
    return db.conn.execute(f"SELECT 1 FROM {_TABLE} LIMIT 1").fetchone() is not None


def copies_ids(db: Database) -> list[str]:
    """The ids of every copy kept, sorted."""
    return [row[0] for row in db.conn.execute(f"SELECT id FROM {_TABLE} ORDER BY id")]


def remember_copies(db: Database, state: FileState) -> None:
    """Remember a file as :func:`~desktop_app.store.files.save_file_states` does, its sessions
    the ids of the copies kept (a JSON list built by SQLite from the table's sorted index: a
    million ids never become Python strings)."""
    if state.sessions:
        raise ValueError("the sessions come from the table")
    now = utc_iso(datetime.now(UTC))
    with db.atomic():
        _remember(db, state, now)


def _remember(db: Database, state: FileState, now: str | None) -> None:
    db.conn.execute(
        "INSERT INTO file_states (path, source, parser_version, size, mtime_ns, offset, sessions,"
        " imported_at, content_crc) SELECT ?, ?, ?, ?, ?, ?, "
        f"(SELECT coalesce(json_group_array(id), '[]') FROM (SELECT id FROM {_TABLE} "
        "ORDER BY id)), ?, ? WHERE 1 ON CONFLICT(path) DO UPDATE SET source = excluded.source, "
        "parser_version = excluded.parser_version, size = excluded.size, "
        "mtime_ns = excluded.mtime_ns, offset = excluded.offset, sessions = excluded.sessions, "
        "imported_at = excluded.imported_at, content_crc = excluded.content_crc",
        (state.path, state.source, state.parser_version, state.size, state.mtime_ns,
         state.offset, now, state.content_crc))

