"""Backups: a consistent, private, single-file copy, even while an import writes."""

from __future__ import annotations

import sqlite3
import stat
import threading
from pathlib import Path

import pytest
from sqlite_utils import Database

from desktop_app.cli import main
from desktop_app.demo.exports import write_export
from desktop_app.ingest import import_paths
from desktop_app.store import StoreError, list_sessions, open_db
from desktop_app.store.backup import backup_to
from desktop_app.store.ratings import list_labels
from tests.builders import dump
from tests.richdata import build_rich_db


def check_backup(path: Path) -> sqlite3.Connection:
    """Open a backup as any SQLite tool would and check it is whole and consistent."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
    # Every session has exactly the messages it says: no import caught half-way.
    torn = conn.execute(
        "SELECT count(*) FROM sessions s WHERE s.message_count != "
        "(SELECT count(*) FROM messages m WHERE m.session_key = s.key)").fetchone()[0]
    assert torn == 0
    return conn


def test_backup_is_a_private_single_file_copy(db: Database, tmp_path: Path) -> None:
    build_rich_db(db)
    target = backup_to(db, tmp_path / "copy.db")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    check_backup(target).close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.db", "data"]  # no -wal
    copy = open_db(target)
    try:
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # opened for use
        assert dump(copy) == dump(db)
        assert list_labels(copy) == list_labels(db)
    finally:
        copy.close()
    # Taken again onto the same file: replaced, still private.
    backup_to(db, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_backup_refuses_the_database_itself(db: Database, db_path: Path) -> None:
    build_rich_db(db)
    before = dump(db)
    for target in (db_path, db_path.with_name(db_path.name + "-wal"),
                   db_path.parent / ".." / db_path.parent.name / db_path.name):
        with pytest.raises(StoreError, match="is the database itself"):
            backup_to(db, target)
    with pytest.raises(StoreError, match="is a folder"):
        backup_to(db, db_path.parent)
    with pytest.raises(StoreError, match="Cannot write"):
        backup_to(db, db_path.parent / "missing" / "copy.db")
    assert dump(db) == before
    assert sorted(p.name for p in db_path.parent.iterdir() if not p.name.startswith(
        db_path.name)) == []


def test_backup_while_an_import_writes(db_path: Path, tmp_path: Path) -> None:
    # Several files, each imported in its own transaction by another connection (the command
    # line while the app runs). In each, once its sessions are written but not committed, the
    # import waits for a backup to be taken; more backups run freely meanwhile.
    files = [write_export("generic", 150, tmp_path / "in" / f"part{i}.jsonl", seed=i)
             for i in range(6)]
    open_db(db_path).close()
    in_transaction = threading.Semaphore(0)
    backed_up = threading.Semaphore(0)
    errors: list[BaseException] = []

    def importing() -> None:
        writer = open_db(db_path)
        try:
            for f in files:
                paused = False

                def pause() -> bool:  # polled between batches, inside the file's transaction
                    nonlocal paused
                    if not paused:
                        paused = True
                        in_transaction.release()
                        assert backed_up.acquire(timeout=30)
                    return False

                assert import_paths(writer, [f], cancel=pause).ok
        except BaseException as exc:  # reported in the test's thread
            errors.append(exc)
        finally:
            writer.close()

    thread = threading.Thread(target=importing)
    reader = open_db(db_path)
    try:
        thread.start()
        for i in range(len(files)):
            assert in_transaction.acquire(timeout=30)
            conn = check_backup(backup_to(reader, tmp_path / f"during-{i}.db"))
            # The files committed before, none of the one being written.
            assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 150 * i
            conn.close()
            backed_up.release()
            free = check_backup(backup_to(reader, tmp_path / f"free-{i}.db"))
            assert free.execute("SELECT count(*) FROM sessions").fetchone()[0] % 150 == 0
            free.close()
        thread.join()
        final = check_backup(backup_to(reader, tmp_path / "after.db"))
        assert final.execute("SELECT count(*) FROM sessions").fetchone()[0] == 900
        final.close()
    finally:
        reader.close()
    assert not errors


def test_backup_command(capsys: pytest.CaptureFixture[str], db: Database, db_path: Path,
                        tmp_path: Path) -> None:
    build_rich_db(db)
    target = tmp_path / "b.db"
    assert main(["--db", str(db_path), "backup", "--out", str(target)]) == 0
    assert str(target) in capsys.readouterr().out
    assert [r.id for r in list_sessions(open_db(target))] == [r.id for r in list_sessions(db)]
    assert main(["--db", str(db_path), "backup", "--out", str(db_path)]) == 1
    assert "is the database itself" in capsys.readouterr().err
    missing = tmp_path / "none.db"
    assert main(["--db", str(missing), "backup", "--out", str(target)]) == 1
    assert "nothing to back up" in capsys.readouterr().err
    assert not missing.exists()
