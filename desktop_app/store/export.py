"""Reading every session for an export: one consistent snapshot, read page by page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from desktop_app.domain import Message, SessionRow
from desktop_app.store.evidence import all_evidence
from desktop_app.store.locking import read_snapshot
from desktop_app.store.ratings import list_labels, list_reasons
from desktop_app.store.sessions import (
    SessionQuery,
    count_sessions,
    get_transcript,
    session_keys,
    session_rows,
)

#: Sessions read per page (the rows of one page are in memory at a time).
PAGE = 500


@dataclass(frozen=True, slots=True)
class ExportedSession:
    """One session as an export writes it: the row (with its rating) and what else is stored.

    ``updated_at`` is the source's own update time as stored (ISO 8601 UTC, microseconds);
    ``transcript`` is None when the export leaves transcripts out.
    """

    row: SessionRow
    tool_feedback: str | None
    hidden_branches: int
    updated_at: str | None
    transcript: list[Message] | None


class ExportSnapshot:
    """The database as it was when the snapshot began (see :func:`export_snapshot`)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        #: How many sessions the snapshot holds.
        self.total = count_sessions(db)
        #: The person's labels and reasons, in their order.
        self.labels = list_labels(db)
        self.reasons = list_reasons(db)
        #: The evidence cache (commits, active time) by session id, as ``sessions --json``.
        self.evidence = all_evidence(db)

    def sessions(self, *, transcripts: bool) -> Iterator[ExportedSession]:
        """Every session, oldest first (those without a start time last), page by page."""
        db = self._db
        keys = session_keys(db, SessionQuery(order_by="date", descending=False))
        for start in range(0, len(keys), PAGE):
            page = keys[start:start + PAGE]
            rows = session_rows(db, page)
            marks = ", ".join("?" for _ in page)
            extras = {
                key: (thumbs, int(branches), updated)
                for key, thumbs, branches, updated in db.conn.execute(
                    "SELECT key, tool_thumbs, hidden_branches, updated_at FROM sessions "
                    f"WHERE key IN ({marks})", page)
            }
            for key in page:
                row = rows[key]
                thumbs, branches, updated = extras[key]
                transcript = get_transcript(db, row.id) if transcripts else None
                yield ExportedSession(row, thumbs, branches, updated, transcript)


@contextmanager
def export_snapshot(db: Database) -> Iterator[ExportSnapshot]:
    """Read for an export inside one read transaction: imports that commit meanwhile (another
    connection: the app, the command line) are not seen, so every session comes with exactly
    the messages and rating it had when the export began. A read transaction takes no lock:
    writers go on meanwhile."""
    with read_snapshot(db):
        yield ExportSnapshot(db)


def database_file(db: Database) -> Path | None:
    """The file of the connection's main database (None in memory)."""
    for _seq, name, file in db.conn.execute("PRAGMA database_list"):
        if name == "main":
            return Path(file) if file else None
    return None


def is_database_file(db: Database, path: Path) -> bool:
    """True when ``path`` is the open database's file, or its ``-wal``, ``-shm`` or
    ``-journal`` file (writing there would destroy the live data)."""
    live = database_file(db)
    if live is None:
        return False
    target = path.expanduser().resolve()
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = live.with_name(live.name + suffix)
        if candidate.resolve() == target:
            return True
        try:
            if target.exists() and candidate.exists() and target.samefile(candidate):
                return True
        except OSError:
            continue
    return False
