"""Reading another program's live SQLite file safely: a private copy (with its ``-wal``).

The owning app (Cursor, ``llm``) may hold locks or be writing: the database and its write-ahead
log are copied into a temporary folder and the copy is opened, so the original is never locked,
changed or left with a stray ``-shm`` file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from desktop_app.importers.contract import FormatError

SQLITE_HEADER = b"SQLite format 3\x00"


def is_sqlite(head: bytes) -> bool:
    """True when ``head`` starts like an SQLite database."""
    return head.startswith(SQLITE_HEADER)


def file_stat(path: Path) -> tuple[int, int]:
    """Size and newest mtime (ns) of a database and its ``-wal`` together."""
    st = path.stat()
    size, mtime = st.st_size, st.st_mtime_ns
    wal = Path(f"{path}-wal")
    with contextlib.suppress(OSError):
        wst = wal.stat()
        size += wst.st_size
        mtime = max(mtime, wst.st_mtime_ns)
    return size, mtime


@contextlib.contextmanager
def open_copy(path: str | os.PathLike[str], name: str) -> Iterator[sqlite3.Connection]:
    """A connection to a private copy of the database at ``path`` (and its ``-wal``)."""
    with tempfile.TemporaryDirectory(prefix="worthwhile-") as tmp:
        target = Path(tmp) / "copy.db"
        try:
            shutil.copyfile(path, target)
            wal = Path(f"{os.fspath(path)}-wal")
            if wal.is_file():
                shutil.copyfile(wal, Path(f"{target}-wal"))
        except OSError as exc:
            raise FormatError(name, f"cannot be copied for reading ({exc.strerror or exc})"
                              ) from exc
        conn = _connect(target, name)
        try:
            yield conn
        finally:
            conn.close()


@contextlib.contextmanager
def open_stream_copy(stream: BinaryIO, name: str) -> Iterator[sqlite3.Connection]:
    """A connection to a copy of a database given as a stream (e.g. a zip member)."""
    with tempfile.TemporaryDirectory(prefix="worthwhile-") as tmp:
        target = Path(tmp) / "copy.db"
        with target.open("wb") as out:
            shutil.copyfileobj(stream, out, 1024 * 1024)
        conn = _connect(target, name)
        try:
            yield conn
        finally:
            conn.close()


def _connect(target: Path, name: str) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(target)
    except sqlite3.DatabaseError as exc:
        raise FormatError(name, f"not a readable SQLite database ({exc})") from exc
    try:
        conn.execute("PRAGMA query_only = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        conn.close()  # not left to the garbage collector (Python 3.13 warns about that)
        raise FormatError(name, f"not a readable SQLite database ({exc})") from exc
    return conn


def tables(conn: sqlite3.Connection) -> set[str]:
    """The table names of a database."""
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def columns(conn: sqlite3.Connection, table: str) -> set[str]:
    """The column names of a table."""
    return {row[1] for row in conn.execute(f"PRAGMA table_info('{table}')")}
