"""The import log (one row per imported path) and the extra facts an import stores per session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlite_utils import Database

from desktop_app.domain import parse_utc, utc_iso


@dataclass(frozen=True, slots=True)
class ImportRecord:
    """One row of the import log."""

    id: int
    path: str
    source: str | None
    started_at: datetime | None
    finished_at: datetime | None
    sessions_new: int
    sessions_updated: int
    sessions_unchanged: int
    messages: int
    skipped: int
    error: str | None


def start_import(db: Database, path: str, source: str | None = None,
                 started_at: datetime | None = None) -> int:
    """Add a row to the import log for ``path`` and return its id (joins the caller's
    transaction, if any)."""
    with db.atomic():
        cursor = db.conn.execute(
            "INSERT INTO imports (path, source, started_at) VALUES (?, ?, ?)",
            (path, source, utc_iso(started_at or datetime.now(UTC))),
        )
    return int(cursor.lastrowid or 0)


def finish_import(db: Database, import_id: int, *, source: str | None, sessions_new: int,
                  sessions_updated: int, sessions_unchanged: int, messages: int, skipped: int,
                  error: str | None = None) -> None:
    """Write what an import did into its log row."""
    with db.atomic():
        db.conn.execute(
            "UPDATE imports SET source = ?, finished_at = ?, sessions_new = ?, "
            "sessions_updated = ?, sessions_unchanged = ?, messages = ?, skipped = ?, error = ? "
            "WHERE id = ?",
            (source, utc_iso(datetime.now(UTC)), sessions_new, sessions_updated,
             sessions_unchanged, messages, skipped, error, import_id),
        )


def record_failed_import(db: Database, path: str, error: str, *, source: str | None = None,
                         skipped: int = 0, started_at: datetime | None = None) -> int:
    """Log an import of ``path`` that stored nothing, with its error (own transaction)."""
    with db.atomic():
        import_id = start_import(db, path, source, started_at)
        finish_import(db, import_id, source=source, sessions_new=0, sessions_updated=0,
                      sessions_unchanged=0, messages=0, skipped=skipped, error=error)
    return import_id


def list_imports(db: Database, limit: int | None = None) -> list[ImportRecord]:
    """The import log, newest first."""
    sql = ("SELECT id, path, source, started_at, finished_at, sessions_new, sessions_updated, "
           "sessions_unchanged, messages, skipped, error FROM imports ORDER BY id DESC")
    args: list[int] = []
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    return [
        ImportRecord(id=row[0], path=row[1], source=row[2], started_at=parse_utc(row[3]),
                     finished_at=parse_utc(row[4]), sessions_new=row[5], sessions_updated=row[6],
                     sessions_unchanged=row[7], messages=row[8], skipped=row[9], error=row[10])
        for row in db.conn.execute(sql, args)
    ]


def session_extras(db: Database, session_id: str) -> tuple[int, str | None]:
    """``(hidden_branches, tool_feedback)`` of a stored session (``(0, None)`` if unknown)."""
    row = db.conn.execute(
        "SELECT hidden_branches, tool_thumbs FROM sessions WHERE id = ?", (session_id,)
    ).fetchone()
    return (0, None) if row is None else (int(row[0]), row[1])
