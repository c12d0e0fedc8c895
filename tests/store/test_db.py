"""Opening the database: where it lives, private files, and clear errors for what it is not."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from desktop_app.store import (
    StoreError,
    count_sessions,
    default_db_path,
    open_db,
)
from desktop_app.store.db import PAGE_SIZE


def test_database_file_and_folder_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "nested" / "worthwhile.db"
    open_db(path).close()
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700
    db = open_db(path)
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_existing_folder_permissions_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    open_db(folder / "w.db").close()
    if os.name == "posix":
        assert stat.S_IMODE(folder.stat().st_mode) == 0o755


def test_default_db_path_resolution(tmp_path: Path) -> None:
    assert default_db_path("x.db", {"WORTHWHILE_HOME": str(tmp_path)}) == Path("x.db")
    assert default_db_path(None, {"WORTHWHILE_HOME": str(tmp_path)}) == tmp_path / "worthwhile.db"
    fallback = default_db_path(None, {})
    assert fallback.name == "worthwhile.db"
    assert "Worthwhile" in str(fallback)


def test_garbage_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="is not an SQLite database"):
        open_db(path)


def test_other_programs_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "places.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="another program"):
        open_db(path)
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert tables == {"moz_places"}


def test_folder_as_db_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder"):
        open_db(tmp_path)


def test_missing_database_without_create(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="No database"):
        open_db(tmp_path / "nope.db", create=False)
    assert not (tmp_path / "nope.db").exists()


def test_a_new_database_has_larger_pages_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    db = open_db(tmp_path / "new.db")
    assert int(db.execute("PRAGMA page_size").fetchone()[0]) == PAGE_SIZE == 8192
    db.close()
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old)
    conn.execute("PRAGMA page_size = 4096")
    conn.execute("CREATE TABLE unrelated_start (x)")  # an empty file that SQLite wrote
    conn.execute("DROP TABLE unrelated_start")
    conn.close()
    db = open_db(old)
    assert int(db.execute("PRAGMA page_size").fetchone()[0]) == 4096
    assert count_sessions(db) == 0
    db.close()
