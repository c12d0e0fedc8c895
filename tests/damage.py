"""Damaged databases for the store, CLI and app tests: a healthy one, the ways a file gets
damaged, and a picture of a folder to show that a refused file was left exactly as it was."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from desktop_app.domain import Verdict
from desktop_app.store import open_db, save_sessions, update_rating
from tests.factories import make_session

#: How many sessions :func:`healthy_database` holds: enough for several leaf pages per table.
SESSIONS = 300


def healthy_database(path: Path) -> Path:
    """A database with sessions, messages and ratings, checkpointed into the one file."""
    db = open_db(path)
    save_sessions(db, [make_session(i, title=f"Session {i} " + "x" * 200)
                       for i in range(SESSIONS)])
    for i in range(0, SESSIONS, 3):
        update_rating(db, make_session(i).id, Verdict.USEFUL, minutes_saved=5)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


def _page_size(path: Path) -> int:
    size = int.from_bytes(path.read_bytes()[16:18], "big")
    return 65536 if size == 1 else size


def _write_at(path: Path, offset: int, data: bytes) -> None:
    with path.open("r+b") as file:
        file.seek(offset)
        file.write(data)


def _replace(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def _truncate(path: Path, size: int) -> None:
    with path.open("r+b") as file:
        file.truncate(size)


def table_pages(path: Path, table: str) -> tuple[int, list[int]]:
    """The root page of ``table`` and its leaf pages, in key order (a two-level b-tree: the
    root is an interior page whose children are leaves), read from the file's bytes."""
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    conn.close()
    page_size = _page_size(path)
    data = path.read_bytes()
    page = data[(root - 1) * page_size:root * page_size]
    assert page[0] == 0x05, f"{table}'s root is not an interior page: add rows"
    cells = int.from_bytes(page[3:5], "big")
    children = []
    for i in range(cells):
        pointer = int.from_bytes(page[12 + 2 * i:14 + 2 * i], "big")
        children.append(int.from_bytes(page[pointer:pointer + 4], "big"))
    children.append(int.from_bytes(page[8:12], "big"))
    for child in children:
        assert data[(child - 1) * page_size] == 0x0D, f"{table} is more than two levels deep"
    return root, children


def _garble_pages(path: Path, pages: list[int]) -> None:
    page_size = _page_size(path)
    for number in pages:
        _write_at(path, (number - 1) * page_size, b"\xa5" * page_size)


def _middle_leaves(table: str) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        _garble_pages(path, table_pages(path, table)[1][1:-1])

    return damage


#: Ways a database file gets damaged, found when it is opened: name -> what it does to a file.
DAMAGE_AT_OPEN: dict[str, Callable[[Path], None]] = {
    "text file": lambda p: _replace(p, b"Dear diary,\n" * 400),
    "random bytes": lambda p: _replace(p, bytes(range(256)) * 64),
    "cut inside the header": lambda p: _truncate(p, 50),
    "cut in half": lambda p: _truncate(p, p.stat().st_size // 2),
    "only the first page left": lambda p: _truncate(p, _page_size(p)),
    "garbage header": lambda p: _write_at(p, 0, b"GARBAGE GARBAGE!" * 2),
    "impossible page size": lambda p: _write_at(p, 16, b"\x00\x03"),
    "schema page zeroed": lambda p: _write_at(p, 100, b"\x00" * (_page_size(p) - 100)),
    "sessions root page garbled": lambda p: _garble_pages(p, [table_pages(p, "sessions")[0]]),
    "last page garbled": lambda p: _garble_pages(p, [p.stat().st_size // _page_size(p)]),
}

#: Damage that a cheap check at opening does not see (pages in the middle of a table): found by
#: the first query that reads them (listing the sessions).
damage_in_sessions_pages = _middle_leaves("sessions")


def folder_state(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file in ``folder``: its name -> (SHA-256 of its bytes, its mtime in ns)."""
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), os.stat(p).st_mtime_ns)
        for p in sorted(folder.iterdir()) if p.is_file()
    }
