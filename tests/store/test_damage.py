"""Damaged files and newer databases are refused with a clear message and left as they were;
moving one aside renames it (with its -wal and -shm) and never deletes it."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app.store import (
    DatabaseDamagedError,
    DatabaseTooNewError,
    SessionQuery,
    StoreError,
    count_sessions,
    list_sessions,
    open_db,
    save_sessions,
)
from desktop_app.store.db import damage_reported, is_damage, move_aside
from tests.damage import (
    DAMAGE_AT_OPEN,
    SESSIONS,
    damage_in_sessions_pages,
    folder_state,
    healthy_database,
)
from tests.factories import make_session


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return healthy_database(tmp_path_factory.mktemp("healthy") / "worthwhile.db")


def damaged_copy(healthy: Path, folder: Path, damage: Callable[[Path], None]) -> Path:
    path = folder / "data" / "worthwhile.db"
    path.parent.mkdir()
    shutil.copyfile(healthy, path)
    damage(path)
    return path


def test_the_healthy_database_opens(healthy: Path, tmp_path: Path) -> None:
    db = open_db(damaged_copy(healthy, tmp_path, lambda p: None))
    assert count_sessions(db) == SESSIONS
    assert len(list_sessions(db, SessionQuery())) == SESSIONS
    db.close()


@pytest.mark.parametrize("kind", DAMAGE_AT_OPEN)
def test_damage_is_found_at_opening_and_the_file_left_alone(
        kind: str, healthy: Path, tmp_path: Path) -> None:
    path = damaged_copy(healthy, tmp_path, DAMAGE_AT_OPEN[kind])
    before = folder_state(path.parent)
    with pytest.raises(DatabaseDamagedError) as caught:
        open_db(path)
    assert caught.value.path == path
    message = str(caught.value)
    assert message.startswith(str(path))
    assert "damaged" in message or "not an SQLite database" in message
    assert "\n" not in message
    # Not a byte, not a time changed; no -wal, -shm or backup made next to it.
    assert folder_state(path.parent) == before


def test_damage_met_by_the_first_query_is_reported_like_one_found_at_opening(
        healthy: Path, tmp_path: Path) -> None:
    path = damaged_copy(healthy, tmp_path, damage_in_sessions_pages)
    db = open_db(path)  # the cheap check at opening reads a table's first and last pages only
    with (pytest.raises(DatabaseDamagedError, match=r"is damaged .*malformed") as caught,
          damage_reported(path)):
        list_sessions(db, SessionQuery())
    assert caught.value.path == path
    db.close()


def test_only_sqlite_damage_counts_as_damage(db_path: Path) -> None:
    assert not is_damage(sqlite3.OperationalError("database is locked"))
    assert not is_damage(ValueError("malformed"))
    db = open_db(db_path)
    with pytest.raises(sqlite3.OperationalError), damage_reported(db_path):
        db.execute("SELECT * FROM no_such_table")
    db.close()


def test_an_empty_file_becomes_a_new_database(db_path: Path) -> None:
    db_path.parent.mkdir()
    db_path.touch()
    db = open_db(db_path)
    assert count_sessions(db) == 0
    db.close()


def _newer(db_path: Path, journal: str = "WAL") -> Path:
    """A database a newer Worthwhile wrote: one migration more than this version knows."""
    db = open_db(db_path)
    save_sessions(db, [make_session(1)])
    db.conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                    "VALUES ('worthwhile', '9999_from_the_future', '2031-01-01')")
    db.conn.commit()
    db.conn.execute(f"PRAGMA journal_mode = {journal}")
    db.close()
    return db_path


@pytest.mark.parametrize("journal", ["WAL", "DELETE"])
def test_newer_database_is_refused_and_not_changed(db_path: Path, journal: str) -> None:
    _newer(db_path, journal)
    mode_byte = db_path.read_bytes()[18]
    before = folder_state(db_path.parent)
    assert list(before) == ["worthwhile.db"]
    with pytest.raises(DatabaseTooNewError) as caught:
        open_db(db_path)
    assert str(caught.value) == (
        f"{db_path} was written by a newer version of Worthwhile (schema 9999_from_the_future); "
        "update Worthwhile to open it. The file was not changed.")
    assert caught.value.schema == "9999_from_the_future"
    # Byte for byte and time the same; no backup, no -wal or -shm; the journal mode as it was.
    assert folder_state(db_path.parent) == before
    assert db_path.read_bytes()[18] == mode_byte


def test_newer_database_in_use_by_the_newer_version_is_refused_and_not_changed(
        db_path: Path) -> None:
    _newer(db_path)
    # The newer Worthwhile has it open, with a write still in its -wal.
    newer = sqlite3.connect(db_path)
    newer.execute("PRAGMA wal_autocheckpoint = 0")
    newer.execute("UPDATE sessions SET title = 'Written by the newer version'")
    newer.commit()
    before = folder_state(db_path.parent)
    assert sorted(before) == ["worthwhile.db", "worthwhile.db-shm", "worthwhile.db-wal"]
    with pytest.raises(DatabaseTooNewError):
        open_db(db_path)
    # The -shm is the readers' shared memory (every reader marks what it reads there).
    after = folder_state(db_path.parent)
    assert after.keys() == before.keys()
    assert {k: v for k, v in after.items() if not k.endswith("-shm")} == {
        k: v for k, v in before.items() if not k.endswith("-shm")}
    newer.close()


def test_another_programs_database_is_not_called_damaged(tmp_path: Path) -> None:
    path = tmp_path / "places.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.commit()
    conn.close()
    before = folder_state(tmp_path)
    with pytest.raises(StoreError, match="another program") as caught:
        open_db(path)
    assert not isinstance(caught.value, DatabaseDamagedError)
    assert folder_state(tmp_path) == before


def test_move_aside_renames_the_file_and_its_companions_and_deletes_nothing(
        healthy: Path, tmp_path: Path) -> None:
    path = damaged_copy(healthy, tmp_path, lambda p: None)
    (path.parent / "worthwhile.db-wal").write_bytes(b"wal")
    (path.parent / "worthwhile.db-shm").write_bytes(b"shm")
    contents = {name: state[0] for name, state in folder_state(path.parent).items()}

    moved = move_aside(path)

    assert moved.parent == path.parent
    assert moved.name.startswith("worthwhile.db.damaged-")
    assert not path.exists()
    after = {name: state[0] for name, state in folder_state(path.parent).items()}
    assert after == {moved.name + name[len("worthwhile.db"):]: digest
                     for name, digest in contents.items()}
    # Moving aside again (a second damaged file the same second) never overwrites the first.
    shutil.copyfile(healthy, path)
    again = move_aside(path)
    assert again != moved
    assert again.exists()
    assert moved.exists()
    # A new database can be made where the old one was.
    db = open_db(path)
    assert count_sessions(db) == 0
    db.close()
