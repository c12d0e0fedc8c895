"""A consistent copy of the database, taken with SQLite's backup API while it is in use."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from pathlib import Path

from sqlite_utils import Database

from desktop_app.store.db import StoreError
from desktop_app.store.export import is_database_file


def backup_to(db: Database, target: Path) -> Path:
    """Copy the whole database into ``target`` (a file; replaced if it exists).

    The copy is one snapshot: SQLite's online backup in a single step reads the database as
    one transaction, so an import committing meanwhile (from the app or the command line) is
    either all in it or not at all. It is written beside ``target`` with permissions 0600 and
    renamed into place when complete, so a failure never leaves half a backup; it is a single
    file (rollback journal mode), ready to be copied anywhere or opened with ``--db``.
    Refuses the database's own file. Raises :class:`StoreError` with a message to show.
    """
    target = target.expanduser()
    if is_database_file(db, target):
        raise StoreError(f"{target} is the database itself: choose another file for the backup")
    if target.is_dir():
        raise StoreError(f"{target} is a folder: give the backup a file name")
    folder = target.parent if str(target.parent) else Path()
    try:
        fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial",
                                       dir=folder)  # created 0600
    except OSError as exc:
        raise StoreError(f"Cannot write {target}: {exc.strerror or exc}") from exc
    os.close(fd)
    try:
        dest = sqlite3.connect(partial)
        try:
            db.conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        os.replace(partial, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        if isinstance(exc, OSError | sqlite3.Error):
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise StoreError(f"Cannot write the backup {target}: {reason}") from exc
        raise
    return target
