"""Sharing the database: writers wait for each other's lock, nobody sees "database is locked"."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlite_utils import Database

from desktop_app.domain import Rating, Verdict
from desktop_app.ingest import import_paths
from desktop_app.store import get_rating, open_db, save_sessions, set_rating
from desktop_app.store.locking import (
    GUI_WAIT_MS,
    DatabaseBusyError,
    data_version,
    set_lock_wait,
    write_lock,
)
from desktop_app.store.ratings import RatingEdit, add_label, edit_ratings, list_labels
from desktop_app.store.reflect import save_sample, stored_sample
from tests.factories import make_session
from tests.locks import LockHolder

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def sid(db: Database) -> str:
    session = make_session(1)
    save_sessions(db, [session])
    return session.id


def test_a_read_then_write_waits_for_the_lock_instead_of_failing(db: Database, db_path: Path,
                                                                 sid: str) -> None:
    # edit_ratings reads the rating, then writes: with a deferred BEGIN this failed at once
    # with "database is locked" whenever another connection held the lock.
    with LockHolder(db_path, seconds=0.5) as other:
        edit_ratings(db, {sid: RatingEdit(verdict=Verdict.USEFUL)})
        assert other.released.is_set()  # it waited for the other writer
    assert get_rating(db, sid).verdict is Verdict.USEFUL


def test_every_store_write_waits_its_turn(db: Database, db_path: Path, sid: str) -> None:
    with LockHolder(db_path, seconds=0.3):
        add_label(db, "Research")
    with LockHolder(db_path, seconds=0.3):
        set_rating(db, sid, Rating(verdict=Verdict.NOT_USEFUL, labels=("Research",)))
    with LockHolder(db_path, seconds=0.3):
        assert save_sample(db, "2026-11-16", 3, [sid]) == [sid]
    assert stored_sample(db, "2026-11-16", 3) == [sid]
    assert get_rating(db, sid).labels == ("Research",)


def test_a_short_wait_ends_in_a_plain_message_not_database_is_locked(
        db: Database, db_path: Path, sid: str) -> None:
    set_lock_wait(db, wait_ms=GUI_WAIT_MS)
    with LockHolder(db_path), pytest.raises(DatabaseBusyError) as caught:
        edit_ratings(db, {sid: RatingEdit(verdict=Verdict.USEFUL)})
    message = str(caught.value)
    assert "locked" not in message
    assert "another Worthwhile" in message
    assert get_rating(db, sid).verdict is Verdict.UNRATED
    # Nothing was left half-open: the next write goes through.
    edit_ratings(db, {sid: RatingEdit(verdict=Verdict.USEFUL)})
    assert get_rating(db, sid).verdict is Verdict.USEFUL


def test_a_patient_wait_says_so_once_after_a_second(db: Database, db_path: Path,
                                                    sid: str) -> None:
    said: list[str] = []
    set_lock_wait(db, on_wait=lambda: said.append("waiting"))
    with LockHolder(db_path, seconds=0.2):
        set_rating(db, sid, Rating(verdict=Verdict.USEFUL))
    assert said == []  # a short wait is not worth a word
    with LockHolder(db_path, seconds=1.8):
        set_rating(db, sid, Rating(verdict=Verdict.NOT_USEFUL))
    assert said == ["waiting"]
    assert get_rating(db, sid).verdict is Verdict.NOT_USEFUL


def test_a_cancel_ends_the_wait_while_the_other_still_writes(db: Database, db_path: Path,
                                                             sid: str) -> None:
    stop = threading.Event()
    set_lock_wait(db, cancelled=stop.is_set)
    with LockHolder(db_path) as other:
        threading.Timer(0.3, stop.set).start()
        with pytest.raises(DatabaseBusyError):
            set_rating(db, sid, Rating(verdict=Verdict.USEFUL))
        assert other.holding
    assert get_rating(db, sid).verdict is Verdict.UNRATED


def test_write_lock_holds_a_group_of_calls_in_one_transaction(db: Database, sid: str) -> None:
    def half_way() -> None:
        with write_lock(db, 0):
            add_label(db, "Kept only with the rest")
            set_rating(db, sid, Rating(verdict=Verdict.USEFUL))
            raise RuntimeError("a bug half-way")

    with pytest.raises(RuntimeError):
        half_way()
    assert "Kept only with the rest" not in list_labels(db)
    assert get_rating(db, sid).verdict is Verdict.UNRATED
    with write_lock(db, 0):
        add_label(db, "Both")
        set_rating(db, sid, Rating(verdict=Verdict.USEFUL, labels=("Both",)))
    assert get_rating(db, sid).labels == ("Both",)


def test_write_lock_does_not_wait_when_told_not_to(db: Database, db_path: Path) -> None:
    with LockHolder(db_path) as other, pytest.raises(DatabaseBusyError), write_lock(db, 0):
        pass
    assert not other.holding


def test_readers_never_wait_for_a_writer(db: Database, db_path: Path, sid: str) -> None:
    set_lock_wait(db, wait_ms=0)
    with LockHolder(db_path):
        assert get_rating(db, sid).verdict is Verdict.UNRATED
        assert data_version(db) > 0


def test_data_version_moves_when_another_connection_commits(db: Database, db_path: Path,
                                                            sid: str) -> None:
    before = data_version(db)
    set_rating(db, sid, Rating(verdict=Verdict.USEFUL))  # our own write
    assert data_version(db) == before
    other = open_db(db_path)
    try:
        set_rating(other, sid, Rating(verdict=Verdict.NOT_USEFUL))
    finally:
        other.close()
    assert data_version(db) != before


def test_an_import_waits_for_another_writer_and_then_stores_everything(
        db: Database, db_path: Path) -> None:
    paths = [str(DATA / "codex"), str(DATA / "aider")]
    with LockHolder(db_path, seconds=1.5):
        report = import_paths(db, paths)
    assert report.ok
    assert report.totals["sessions_new"] > 0
    assert all(f.error is None for f in report.files)


def test_an_import_cancelled_while_waiting_stores_nothing(db: Database, db_path: Path) -> None:
    stop = threading.Event()
    set_lock_wait(db, cancelled=stop.is_set)
    with LockHolder(db_path) as other:
        threading.Timer(0.3, stop.set).start()
        report = import_paths(db, [str(DATA / "codex")], cancel=stop.is_set)
        assert other.holding
    assert report.cancelled
    assert report.files[0].error == "Import cancelled: nothing from this path was stored"
    assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
